// Helpers for the record codecs (see record_fields.h).
#include "record_fields.h"

#include <algorithm>
#include <utility>

namespace certledger::internal {

Result<FieldReader> FieldReader::Open(std::string what, std::string path,
                                      const cbor::Value& value) {
  if (!value.is_map()) {
    if (path.empty()) return Status::InvalidArgument(what + ": body is not a map");
    return Status::InvalidArgument(what + ": field \"" + path.substr(0, path.size() - 1) +
                                   "\": expected a map");
  }
  for (const auto& entry : value.map()) {
    if (!entry.first.is_text()) {
      return Status::InvalidArgument(what + ": a key " +
                                     (path.empty() ? std::string("of the body")
                                                   : "in \"" + path.substr(0, path.size() - 1) + "\"") +
                                     " is not text");
    }
  }
  return FieldReader(std::move(what), std::move(path), &value);
}

void FieldReader::MarkRead(std::size_t index) {
  if (index < 64) {
    read_mask_ |= std::uint64_t{1} << index;
    return;
  }
  if (read_more_.empty()) read_more_.resize(map_->map().size() - 64);
  read_more_[index - 64] = true;
}

bool FieldReader::WasRead(std::size_t index) const {
  if (index < 64) return (read_mask_ >> index) & 1;
  return !read_more_.empty() && read_more_[index - 64];
}

const cbor::Value* FieldReader::Get(std::string_view key) {
  const cbor::Value::Entry* entry = map_->FindEntry(key);
  if (entry == nullptr) return nullptr;
  MarkRead(static_cast<std::size_t>(entry - map_->map().data()));
  return &entry->second;
}

Status FieldReader::Error(std::string_view key, std::string_view message) const {
  return Status::InvalidArgument(what_ + ": field \"" + path_ + std::string(key) + "\": " +
                                 std::string(message));
}

Status FieldReader::Missing(std::string_view key) const {
  return Status::InvalidArgument(what_ + ": missing field \"" + path_ + std::string(key) + "\"");
}

Status FieldReader::Finish() const {
  const std::vector<cbor::Value::Entry>& entries = map_->map();
  for (std::size_t i = 0; i < entries.size(); ++i) {
    std::string_view key = entries[i].first.text();
    if (!WasRead(i)) {
      return Status::InvalidArgument(what_ + ": unknown field \"" + path_ + std::string(key) +
                                     "\"");
    }
  }
  return Status::OK();
}

Result<std::optional<std::string_view>> FieldReader::OptionalTextView(std::string_view key) {
  const cbor::Value* v = Get(key);
  if (v == nullptr) return std::optional<std::string_view>();
  if (!v->is_text()) return Error(key, "expected text");
  if (v->text().empty()) return Error(key, "empty text");
  return std::optional<std::string_view>(v->text());
}

Result<std::string_view> FieldReader::TextView(std::string_view key) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string_view> v, OptionalTextView(key));
  if (!v) return Missing(key);
  return *v;
}

Result<std::optional<std::string>> FieldReader::OptionalText(std::string_view key) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string_view> v, OptionalTextView(key));
  if (!v) return std::optional<std::string>();
  return std::optional<std::string>(std::in_place, *v);
}

Result<std::string> FieldReader::Text(std::string_view key) {
  CL_ASSIGN_OR_RETURN(std::string_view v, TextView(key));
  return std::string(v);
}

Result<std::optional<std::uint64_t>> FieldReader::OptionalUint(std::string_view key) {
  const cbor::Value* v = Get(key);
  if (v == nullptr) return std::optional<std::uint64_t>();
  if (!v->is_uint()) return Error(key, "expected an unsigned integer");
  return std::optional<std::uint64_t>(v->uint());
}

Result<std::uint64_t> FieldReader::Uint(std::string_view key) {
  CL_ASSIGN_OR_RETURN(std::optional<std::uint64_t> v, OptionalUint(key));
  if (!v) return Missing(key);
  return *v;
}

Result<ByteView> FieldReader::FixedBytesView(std::string_view key, std::size_t size) {
  const cbor::Value* v = Get(key);
  if (v == nullptr) return Missing(key);
  if (!v->is_bytes()) return Error(key, "expected a byte string");
  if (v->bytes().size() != size) {
    return Error(key, "expected " + std::to_string(size) + " bytes, got " +
                          std::to_string(v->bytes().size()));
  }
  return v->bytes();
}

Result<Bytes> FieldReader::FixedBytes(std::string_view key, std::size_t size) {
  CL_ASSIGN_OR_RETURN(ByteView v, FixedBytesView(key, size));
  return Bytes(v.begin(), v.end());
}

Result<std::optional<Date>> FieldReader::OptionalDate(std::string_view key) {
  const cbor::Value* v = Get(key);
  if (v == nullptr) return std::optional<Date>();
  if (!v->is_text()) return Error(key, "expected a date \"YYYY-MM-DD\"");
  Result<Date> d = Date::Parse(v->text());
  if (!d.ok()) return Error(key, d.status().message());
  return std::optional<Date>(*d);
}

Result<Date> FieldReader::DateField(std::string_view key) {
  CL_ASSIGN_OR_RETURN(std::optional<Date> v, OptionalDate(key));
  if (!v) return Missing(key);
  return *v;
}

Result<const cbor::Value*> FieldReader::Array(std::string_view key) {
  const cbor::Value* v = Get(key);
  if (v == nullptr) return Missing(key);
  if (!v->is_array()) return Error(key, "expected an array");
  return v;
}

Result<const cbor::Value*> FieldReader::Map(std::string_view key) {
  const cbor::Value* v = Get(key);
  if (v == nullptr) return Missing(key);
  if (!v->is_map()) return Error(key, "expected a map");
  return v;
}

Result<std::vector<std::string>> TextArray(FieldReader& r, std::string_view key) {
  CL_ASSIGN_OR_RETURN(const cbor::Value* array, r.Array(key));
  std::vector<std::string> out;
  std::set<std::string_view> seen;
  for (std::size_t i = 0; i < array->array().size(); ++i) {
    const cbor::Value& item = array->array()[i];
    std::string at = std::string(key) + "[" + std::to_string(i) + "]";
    if (!item.is_text()) return r.Error(at, "expected text");
    if (item.text().empty()) return r.Error(at, "empty text");
    if (!seen.insert(item.text()).second) {
      return r.Error(at, "duplicate \"" + std::string(item.text()) + "\"");
    }
    out.emplace_back(item.text());
  }
  return out;
}

MapBuilder& MapBuilder::Text(std::string_view key, std::string_view value) {
  if (!IsValidUtf8(value)) {
    if (status_.ok()) {
      status_ = Status::InvalidArgument(what_ + ": field \"" + std::string(key) +
                                        "\": not valid UTF-8");
    }
    return *this;
  }
  fields_.emplace_back(key, cbor::Value::Text(value));
  return *this;
}

MapBuilder& MapBuilder::OptionalText(std::string_view key, const std::optional<std::string>& value) {
  return value ? Text(key, *value) : *this;
}

MapBuilder& MapBuilder::Uint(std::string_view key, std::uint64_t value) {
  fields_.emplace_back(key, cbor::Value::Uint(value));
  return *this;
}

MapBuilder& MapBuilder::OptionalUint(std::string_view key,
                                     const std::optional<std::uint64_t>& value) {
  return value ? Uint(key, *value) : *this;
}

MapBuilder& MapBuilder::Set(std::string_view key, cbor::Value value) {
  fields_.emplace_back(key, std::move(value));
  return *this;
}

MapBuilder& MapBuilder::TextArray(std::string_view key, const std::vector<std::string>& values) {
  cbor::Value::Array items;
  for (const std::string& v : values) {
    if (!IsValidUtf8(v)) {
      if (status_.ok()) {
        status_ = Status::InvalidArgument(what_ + ": field \"" + std::string(key) +
                                          "\": not valid UTF-8");
      }
      return *this;
    }
    items.push_back(cbor::Value::Text(v));
  }
  fields_.emplace_back(key, cbor::Value::MakeArray(std::move(items)));
  return *this;
}

Result<cbor::Value> MapBuilder::Finish() {
  if (!status_.ok()) return status_;
  // Text keys in canonical order (RFC 8949 section 4.2.1): the encoded head
  // grows with the length, so shorter keys first, then bytewise. Sorting
  // first lets Set() append instead of inserting.
  std::stable_sort(fields_.begin(), fields_.end(), [](const auto& a, const auto& b) {
    if (a.first.size() != b.first.size()) return a.first.size() < b.first.size();
    return a.first < b.first;
  });
  cbor::Value map = cbor::Value::MakeMap();
  for (auto& [key, value] : fields_) map.Set(key, std::move(value));
  fields_.clear();
  return map;
}

Status CheckCertificateNumber(const FieldReader& r, std::string_view key,
                              std::string_view number) {
  if (number.size() > 64) return r.Error(key, "longer than 64 bytes");
  for (char c : number) {
    auto u = static_cast<unsigned char>(c);
    if (u <= 0x20 || u == 0x7F) return r.Error(key, "contains whitespace or a control character");
  }
  return Status::OK();
}

}  // namespace certledger::internal
