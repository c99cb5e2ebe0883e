// Deterministic CBOR (RFC 8949), the subset certledger reads and writes.
//
// Grammar of an accepted item (RFC 8949 section 3, restricted by the core
// deterministic encoding requirements of section 4.2.1):
//
//   item     = head payload
//   head     = initial-byte [argument]
//              initial-byte = major type (high 3 bits) | additional info (low 5)
//              ai 0..23   the argument is ai itself, no further bytes
//              ai 24..27  the argument is the next 1, 2, 4 or 8 bytes, big
//                         endian, and too large for any shorter form
//              ai 28..30  reserved: rejected
//              ai 31      indefinite length or "break": rejected
//   major 0  unsigned integer   value = argument
//   major 1  negative integer   value = -1 - argument
//   major 2  byte string        argument = length, then that many bytes
//   major 3  text string        as major 2; the bytes are valid UTF-8
//   major 4  array              argument = count, then count items
//   major 5  map                argument = count, then count (key, value)
//                               item pairs, keys strictly increasing in the
//                               bytewise order of their encodings
//   major 6  tag                argument = tag number, then one item
//   major 7  simple             only 0xf4 false, 0xf5 true, 0xf6 null
//                               (no floats, no undefined, no other simple)
//
// The whole input is exactly one item. This file holds Value, the key order
// and the encoder; cbor_decode.cpp holds the decoder.
#include "certledger/cbor.h"

#include <algorithm>
#include <cstdlib>
#include <cstring>
#include <limits>

#include "cbor_internal.h"

namespace certledger::cbor {
namespace {

// A violated precondition is a bug in the caller: stop at once.
void Require(bool condition) {
  if (!condition) std::abort();
}

// Writes the shortest head for (major, argument) to `out`; returns its size.
std::size_t MakeHead(std::uint8_t major, std::uint64_t argument, std::uint8_t* out) {
  const auto initial = static_cast<std::uint8_t>(major << 5);
  if (argument < 24) {
    out[0] = static_cast<std::uint8_t>(initial | argument);
    return 1;
  }
  std::size_t width;
  std::uint8_t ai;
  if (argument <= 0xff) {
    width = 1, ai = 24;
  } else if (argument <= 0xffff) {
    width = 2, ai = 25;
  } else if (argument <= 0xffffffff) {
    width = 4, ai = 26;
  } else {
    width = 8, ai = 27;
  }
  out[0] = static_cast<std::uint8_t>(initial | ai);
  for (std::size_t i = 0; i < width; ++i) {
    out[1 + i] = static_cast<std::uint8_t>(argument >> (8 * (width - 1 - i)));
  }
  return 1 + width;
}

void WriteHead(std::uint8_t major, std::uint64_t argument, Bytes& out) {
  if (argument < 24) {
    out.push_back(static_cast<std::uint8_t>((major << 5) | argument));
    return;
  }
  std::uint8_t head[kMaxHeadSize];
  const std::size_t size = MakeHead(major, argument, head);
  out.insert(out.end(), head, head + size);
}

std::size_t HeadSize(std::uint64_t argument) {
  return argument < 24 ? 1 : argument <= 0xff ? 2 : argument <= 0xffff ? 3
                         : argument <= 0xffffffff ? 5 : 9;
}

}  // namespace

std::size_t Codec::EncodedSize(const Value& v) {
  switch (v.type_) {
    case Type::kUnsigned:
    case Type::kNegative:
      return HeadSize(v.u_);
    case Type::kBytes:
    case Type::kText:
      return HeadSize(v.str().size()) + v.str().size();
    case Type::kArray: {
      std::size_t size = HeadSize(v.items().size());
      for (const Value& item : v.items()) size += EncodedSize(item);
      return size;
    }
    case Type::kMap: {
      std::size_t size = HeadSize(v.entries().size());
      for (const auto& [key, value] : v.entries()) size += EncodedSize(key) + EncodedSize(value);
      return size;
    }
    case Type::kTag:
      return HeadSize(v.u_) + EncodedSize(v.items().front());
    case Type::kBool:
    case Type::kNull:
      return 1;
  }
  return 0;
}

void Codec::EncodeTo(const Value& v, Bytes& out) {
  switch (v.type_) {
    case Type::kUnsigned:
      WriteHead(kMajorUnsigned, v.u_, out);
      break;
    case Type::kNegative:
      WriteHead(kMajorNegative, v.u_, out);
      break;
    case Type::kBytes:
    case Type::kText:
      WriteHead(v.type_ == Type::kBytes ? kMajorBytes : kMajorText, v.str().size(), out);
      out.insert(out.end(), v.str().begin(), v.str().end());
      break;
    case Type::kArray:
      WriteHead(kMajorArray, v.items().size(), out);
      for (const Value& item : v.items()) EncodeTo(item, out);
      break;
    case Type::kMap:
      WriteHead(kMajorMap, v.entries().size(), out);
      for (const auto& [key, value] : v.entries()) {
        EncodeTo(key, out);
        EncodeTo(value, out);
      }
      break;
    case Type::kTag:
      WriteHead(kMajorTag, v.u_, out);
      EncodeTo(v.items().front(), out);
      break;
    case Type::kBool:
      out.push_back(v.u_ != 0 ? kTrue : kFalse);
      break;
    case Type::kNull:
      out.push_back(kNull);
      break;
  }
}

bool Codec::Flatten(const Value& v, FlatKey& key) {
  switch (v.type_) {
    case Type::kUnsigned:
      key.head_size = MakeHead(kMajorUnsigned, v.u_, key.head);
      return true;
    case Type::kNegative:
      key.head_size = MakeHead(kMajorNegative, v.u_, key.head);
      return true;
    case Type::kBytes:
    case Type::kText:
      key.head_size =
          MakeHead(v.type_ == Type::kBytes ? kMajorBytes : kMajorText, v.str().size(), key.head);
      key.payload = v.str();
      return true;
    case Type::kBool:
      key.head[0] = v.u_ != 0 ? kTrue : kFalse;
      key.head_size = 1;
      return true;
    case Type::kNull:
      key.head[0] = kNull;
      key.head_size = 1;
      return true;
    default:
      return false;
  }
}

int Codec::CompareFlat(const FlatKey& a, const FlatKey& b) {
  if (a.head[0] != b.head[0]) return a.head[0] < b.head[0] ? -1 : 1;
  // Same initial byte: same major type and argument width, so equal sizes.
  const int c = std::memcmp(a.head + 1, b.head + 1, a.head_size - 1);
  if (c != 0) return c;
  // Same head: strings of one type and one length, or the same integer.
  return CompareBytes(AsBytes(a.payload), AsBytes(b.payload));
}

Codec::FlatKey Codec::FlatText(std::string_view s) {
  FlatKey key;
  key.head_size = MakeHead(kMajorText, s.size(), key.head);
  key.payload = s;
  return key;
}

Codec::FlatKey Codec::FlatInt(std::int64_t n) {
  FlatKey key;
  key.head_size = n >= 0 ? MakeHead(kMajorUnsigned, static_cast<std::uint64_t>(n), key.head)
                         : MakeHead(kMajorNegative, static_cast<std::uint64_t>(-(n + 1)), key.head);
  return key;
}

// Orders keys as RFC 8949 section 4.2.1 does: bytewise by their encodings.
// Keys without nested items (the usual integers and strings) are compared
// without encoding them into a buffer.
int Codec::CompareKeys(const Value& a, const Value& b) {
  FlatKey fa, fb;
  if (Flatten(a, fa) && Flatten(b, fb)) return CompareFlat(fa, fb);
  return CompareBytes(Encode(a), Encode(b));
}

int Codec::CompareKeyTo(const Value& a, const FlatKey& b) {
  // Fast path for the common short text key against a short probe: the
  // one-byte heads hold major type and length.
  if (a.type_ == Type::kText && a.str().size() < 24 && b.head_size == 1) {
    const auto head = static_cast<std::uint8_t>((kMajorText << 5) | a.str().size());
    if (head != b.head[0]) return head < b.head[0] ? -1 : 1;
    // Equal heads: equal lengths.
    return a.str().empty() ? 0 : std::memcmp(a.str().data(), b.payload.data(), a.str().size());
  }
  FlatKey fa;
  if (Flatten(a, fa)) return CompareFlat(fa, b);
  Bytes encoded_b(b.head, b.head + b.head_size);
  encoded_b.insert(encoded_b.end(), b.payload.begin(), b.payload.end());
  return CompareBytes(Encode(a), encoded_b);
}

namespace {

// The entry of `entries` (in canonical order) whose key encodes as `key`.
const Value::Entry* FindFlat(const std::vector<Value::Entry>& entries,
                             const Codec::FlatKey& key) {
  auto it = std::lower_bound(entries.begin(), entries.end(), key,
                             [](const Value::Entry& entry, const Codec::FlatKey& k) {
                               return Codec::CompareKeyTo(entry.first, k) < 0;
                             });
  if (it == entries.end() || Codec::CompareKeyTo(it->first, key) != 0) return nullptr;
  return &*it;
}

}  // namespace

// ---- Value -----------------------------------------------------------------

Value Value::Bool(bool b) {
  Value v;
  v.type_ = Type::kBool;
  v.u_ = b ? 1 : 0;
  return v;
}

Value Value::Uint(std::uint64_t n) {
  Value v;
  v.type_ = Type::kUnsigned;
  v.u_ = n;
  return v;
}

Value Value::Int(std::int64_t n) {
  if (n >= 0) return Uint(static_cast<std::uint64_t>(n));
  // -1 - n without overflow, also for INT64_MIN.
  return Negative(static_cast<std::uint64_t>(-(n + 1)));
}

Value Value::Negative(std::uint64_t n) {
  Value v;
  v.type_ = Type::kNegative;
  v.u_ = n;
  return v;
}

Value Value::Bytes(ByteView b) {
  Value v;
  v.type_ = Type::kBytes;
  v.data_.emplace<std::string>(AsChars(b));
  return v;
}

Value Value::Text(std::string_view s) {
  Value v;
  v.type_ = Type::kText;
  v.data_.emplace<std::string>(s);
  return v;
}

Value Value::MakeArray(Array items) {
  Value v;
  v.type_ = Type::kArray;
  v.data_.emplace<Array>(std::move(items));
  return v;
}

Value Value::MakeMap() {
  Value v;
  v.type_ = Type::kMap;
  v.data_.emplace<std::vector<Entry>>();
  return v;
}

Value Value::Tag(std::uint64_t tag, Value inner) {
  Value v;
  v.type_ = Type::kTag;
  v.u_ = tag;
  v.data_.emplace<Array>().push_back(std::move(inner));
  return v;
}

std::uint64_t Value::uint() const {
  Require(type_ == Type::kUnsigned);
  return u_;
}

std::optional<std::int64_t> Value::int64() const {
  Require(is_int());
  constexpr auto kMax = static_cast<std::uint64_t>(std::numeric_limits<std::int64_t>::max());
  if (u_ > kMax) return std::nullopt;
  const auto magnitude = static_cast<std::int64_t>(u_);
  return type_ == Type::kUnsigned ? magnitude : -1 - magnitude;
}

ByteView Value::bytes() const {
  Require(type_ == Type::kBytes);
  return AsBytes(str());
}

std::string_view Value::text() const {
  Require(type_ == Type::kText);
  return str();
}

bool Value::boolean() const {
  Require(type_ == Type::kBool);
  return u_ != 0;
}

const Value::Array& Value::array() const {
  Require(type_ == Type::kArray);
  return items();
}

Value::Array& Value::array() {
  Require(type_ == Type::kArray);
  return items();
}

const std::vector<Value::Entry>& Value::map() const {
  Require(type_ == Type::kMap);
  return entries();
}

std::uint64_t Value::tag() const {
  Require(type_ == Type::kTag);
  return u_;
}

const Value& Value::tagged() const {
  Require(type_ == Type::kTag);
  return items().front();
}

Value& Value::tagged() {
  Require(type_ == Type::kTag);
  return items().front();
}

Value& Value::Set(Value key, Value value) {
  Require(type_ == Type::kMap);
  // Fast path: keys added in canonical order go to the end.
  if (entries().empty() || Codec::CompareKeys(entries().back().first, key) < 0) {
    entries().emplace_back(std::move(key), std::move(value));
    return *this;
  }
  auto it = std::lower_bound(
      entries().begin(), entries().end(), key,
      [](const Entry& entry, const Value& k) { return Codec::CompareKeys(entry.first, k) < 0; });
  if (it != entries().end() && Codec::CompareKeys(it->first, key) == 0) {
    it->second = std::move(value);
  } else {
    entries().emplace(it, std::move(key), std::move(value));
  }
  return *this;
}

const Value* Value::Find(const Value& key) const {
  if (type_ != Type::kMap) return nullptr;
  auto it = std::lower_bound(
      entries().begin(), entries().end(), key,
      [](const Entry& entry, const Value& k) { return Codec::CompareKeys(entry.first, k) < 0; });
  if (it == entries().end() || Codec::CompareKeys(it->first, key) != 0) return nullptr;
  return &it->second;
}

const Value::Entry* Value::FindEntry(std::int64_t key) const {
  if (type_ != Type::kMap) return nullptr;
  return FindFlat(entries(), Codec::FlatInt(key));
}

const Value::Entry* Value::FindEntry(std::string_view key) const {
  if (type_ != Type::kMap) return nullptr;
  if (key.size() >= 24) return FindFlat(entries(), Codec::FlatText(key));
  // Short text, the usual field name: the order is by encoded head (major
  // type, then length), then by bytes; see Codec::CompareKeyTo.
  const auto head = static_cast<std::uint8_t>((kMajorText << 5) | key.size());
  const Codec::FlatKey flat = Codec::FlatText(key);
  const std::vector<Entry>& all = entries();
  std::size_t low = 0, high = all.size();
  while (low < high) {
    const std::size_t mid = low + (high - low) / 2;
    const Value& k = all[mid].first;
    int order;
    if (k.type_ == Type::kText && k.str().size() < 24) {
      const auto k_head = static_cast<std::uint8_t>((kMajorText << 5) | k.str().size());
      order = k_head != head ? (k_head < head ? -1 : 1)
                             : key.empty() ? 0 : std::memcmp(k.str().data(), key.data(), key.size());
    } else {
      order = Codec::CompareKeyTo(k, flat);
    }
    if (order == 0) return &all[mid];
    if (order < 0) {
      low = mid + 1;
    } else {
      high = mid;
    }
  }
  return nullptr;
}

const Value* Value::Find(std::int64_t key) const {
  const Entry* entry = FindEntry(key);
  return entry != nullptr ? &entry->second : nullptr;
}

const Value* Value::Find(std::string_view key) const {
  const Entry* entry = FindEntry(key);
  return entry != nullptr ? &entry->second : nullptr;
}

Value* Value::FindMutable(std::int64_t key) {
  const Entry* entry = FindEntry(key);
  // The entry is one of this non-const map's own entries.
  return entry != nullptr ? &entries()[static_cast<std::size_t>(entry - entries().data())].second
                          : nullptr;
}

Value* Value::FindMutable(std::string_view key) {
  const Entry* entry = FindEntry(key);
  return entry != nullptr ? &entries()[static_cast<std::size_t>(entry - entries().data())].second
                          : nullptr;
}

bool operator==(const Value& a, const Value& b) {
  // Values of one type hold the same alternative, so comparing it is exact.
  return a.type_ == b.type_ && a.u_ == b.u_ && a.data_ == b.data_;
}

void AppendByteString(ByteView b, Bytes& out) {
  WriteHead(kMajorBytes, b.size(), out);
  out.insert(out.end(), b.begin(), b.end());
}

Bytes Encode(const Value& value) {
  Bytes out;
  out.reserve(Codec::EncodedSize(value));
  Codec::EncodeTo(value, out);
  return out;
}

}  // namespace certledger::cbor
