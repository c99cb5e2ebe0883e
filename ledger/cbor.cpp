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
  std::uint8_t head[kMaxHeadSize];
  const std::size_t size = MakeHead(major, argument, head);
  out.insert(out.end(), head, head + size);
}

}  // namespace

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
      WriteHead(v.type_ == Type::kBytes ? kMajorBytes : kMajorText, v.s_.size(), out);
      out.insert(out.end(), v.s_.begin(), v.s_.end());
      break;
    case Type::kArray:
      WriteHead(kMajorArray, v.items_.size(), out);
      for (const Value& item : v.items_) EncodeTo(item, out);
      break;
    case Type::kMap:
      WriteHead(kMajorMap, v.entries_.size(), out);
      for (const auto& [key, value] : v.entries_) {
        EncodeTo(key, out);
        EncodeTo(value, out);
      }
      break;
    case Type::kTag:
      WriteHead(kMajorTag, v.u_, out);
      EncodeTo(v.items_.front(), out);
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
          MakeHead(v.type_ == Type::kBytes ? kMajorBytes : kMajorText, v.s_.size(), key.head);
      key.payload = v.s_;
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

// Orders keys as RFC 8949 section 4.2.1 does: bytewise by their encodings.
// Keys without nested items (the usual integers and strings) are compared
// without encoding them into a buffer.
int Codec::CompareKeys(const Value& a, const Value& b) {
  FlatKey fa, fb;
  if (Flatten(a, fa) && Flatten(b, fb)) {
    if (fa.head[0] != fb.head[0]) return fa.head[0] < fb.head[0] ? -1 : 1;
    // Same initial byte: same major type and argument width, so equal sizes.
    const int c = std::memcmp(fa.head + 1, fb.head + 1, fa.head_size - 1);
    if (c != 0) return c;
    // Same head: strings of one type and one length, or the same integer.
    return CompareBytes(AsBytes(fa.payload), AsBytes(fb.payload));
  }
  return CompareBytes(Encode(a), Encode(b));
}

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
  v.s_.assign(AsChars(b));
  return v;
}

Value Value::Text(std::string_view s) {
  Value v;
  v.type_ = Type::kText;
  v.s_.assign(s);
  return v;
}

Value Value::MakeArray(Array items) {
  Value v;
  v.type_ = Type::kArray;
  v.items_ = std::move(items);
  return v;
}

Value Value::MakeMap() {
  Value v;
  v.type_ = Type::kMap;
  return v;
}

Value Value::Tag(std::uint64_t tag, Value inner) {
  Value v;
  v.type_ = Type::kTag;
  v.u_ = tag;
  v.items_.push_back(std::move(inner));
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
  return AsBytes(s_);
}

std::string_view Value::text() const {
  Require(type_ == Type::kText);
  return s_;
}

bool Value::boolean() const {
  Require(type_ == Type::kBool);
  return u_ != 0;
}

const Value::Array& Value::array() const {
  Require(type_ == Type::kArray);
  return items_;
}

Value::Array& Value::array() {
  Require(type_ == Type::kArray);
  return items_;
}

const std::vector<Value::Entry>& Value::map() const {
  Require(type_ == Type::kMap);
  return entries_;
}

std::uint64_t Value::tag() const {
  Require(type_ == Type::kTag);
  return u_;
}

const Value& Value::tagged() const {
  Require(type_ == Type::kTag);
  return items_.front();
}

Value& Value::Set(Value key, Value value) {
  Require(type_ == Type::kMap);
  // Fast path: keys added in canonical order go to the end.
  if (entries_.empty() || Codec::CompareKeys(entries_.back().first, key) < 0) {
    entries_.emplace_back(std::move(key), std::move(value));
    return *this;
  }
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), key,
      [](const Entry& entry, const Value& k) { return Codec::CompareKeys(entry.first, k) < 0; });
  if (it != entries_.end() && Codec::CompareKeys(it->first, key) == 0) {
    it->second = std::move(value);
  } else {
    entries_.emplace(it, std::move(key), std::move(value));
  }
  return *this;
}

const Value* Value::Find(const Value& key) const {
  if (type_ != Type::kMap) return nullptr;
  auto it = std::lower_bound(
      entries_.begin(), entries_.end(), key,
      [](const Entry& entry, const Value& k) { return Codec::CompareKeys(entry.first, k) < 0; });
  if (it == entries_.end() || Codec::CompareKeys(it->first, key) != 0) return nullptr;
  return &it->second;
}

bool operator==(const Value& a, const Value& b) {
  // Fields a type does not use stay empty, so comparing all of them is exact.
  return a.type_ == b.type_ && a.u_ == b.u_ && a.s_ == b.s_ && a.items_ == b.items_ &&
         a.entries_ == b.entries_;
}

Bytes Encode(const Value& value) {
  Bytes out;
  Codec::EncodeTo(value, out);
  return out;
}

}  // namespace certledger::cbor
