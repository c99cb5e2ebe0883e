// Internals shared by cbor.cpp (Value, key order, encoding) and
// cbor_decode.cpp (the decoder). Not a public header.
#ifndef CERTLEDGER_LEDGER_CBOR_INTERNAL_H_
#define CERTLEDGER_LEDGER_CBOR_INTERNAL_H_

#include <algorithm>
#include <cstddef>
#include <cstdint>
#include <cstring>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"

namespace certledger::cbor {

// Major types (RFC 8949 section 3.1).
constexpr std::uint8_t kMajorUnsigned = 0;
constexpr std::uint8_t kMajorNegative = 1;
constexpr std::uint8_t kMajorBytes = 2;
constexpr std::uint8_t kMajorText = 3;
constexpr std::uint8_t kMajorArray = 4;
constexpr std::uint8_t kMajorMap = 5;
constexpr std::uint8_t kMajorTag = 6;
constexpr std::uint8_t kMajorSimple = 7;

// The only simple values certledger uses (RFC 8949 section 3.3).
constexpr std::uint8_t kFalse = 0xf4;
constexpr std::uint8_t kTrue = 0xf5;
constexpr std::uint8_t kNull = 0xf6;

// Initial byte plus an 8-byte argument.
constexpr std::size_t kMaxHeadSize = 9;

// Bytewise lexicographic order: <0, 0 or >0.
inline int CompareBytes(ByteView a, ByteView b) {
  const std::size_t common = std::min(a.size(), b.size());
  if (common > 0) {
    // Map keys usually differ in their first byte (the head).
    if (a[0] != b[0]) return a[0] < b[0] ? -1 : 1;
    const int c = std::memcmp(a.data(), b.data(), common);
    if (c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// Everything that needs Value's representation: encoding, key order, and
// the decoder's construction of values in place.
class Codec {
 public:
  static void EncodeTo(const Value& v, Bytes& out);
  // The size of the encoding of `v`.
  static std::size_t EncodedSize(const Value& v);
  // RFC 8949 section 4.2.1 order of two map keys: bytewise by encoding.
  static int CompareKeys(const Value& a, const Value& b);

  // The encoding of a key without nested items: a head and a payload.
  struct FlatKey {
    std::uint8_t head[kMaxHeadSize];
    std::size_t head_size = 0;
    std::string_view payload;
  };
  static FlatKey FlatText(std::string_view s);
  static FlatKey FlatInt(std::int64_t n);
  // The order of map key `a` against the key whose encoding is `b`, as
  // CompareKeys; builds nothing unless `a` has nested items.
  static int CompareKeyTo(const Value& a, const FlatKey& b);

  // For the decoder, which builds values in place. Each turns a null Value
  // into the named item; containers get room for `count` entries.
  static void MakeScalar(Value& v, Type type, std::uint64_t u) {
    v.type_ = type;
    v.u_ = u;
  }
  static void MakeString(Value& v, Type type, std::string_view s) {
    v.type_ = type;
    v.data_.emplace<std::string>(s);
  }
  static Value::Array& MakeArray(Value& v, std::size_t count) {
    v.type_ = Type::kArray;
    Value::Array& items = v.data_.emplace<Value::Array>();
    items.reserve(count);
    return items;
  }
  static std::vector<Value::Entry>& MakeMap(Value& v, std::size_t count) {
    v.type_ = Type::kMap;
    std::vector<Value::Entry>& entries = v.data_.emplace<std::vector<Value::Entry>>();
    entries.reserve(count);
    return entries;
  }
  static std::vector<Value::Entry>& Entries(Value& map) { return map.entries(); }
  // Returns the (null) tagged item, to be filled in.
  static Value& MakeTag(Value& v, std::uint64_t tag) {
    v.type_ = Type::kTag;
    v.u_ = tag;
    Value::Array& items = v.data_.emplace<Value::Array>();
    items.reserve(1);
    return items.emplace_back();
  }

 private:
  static bool Flatten(const Value& v, FlatKey& key);
  static int CompareFlat(const FlatKey& a, const FlatKey& b);
};

}  // namespace certledger::cbor

#endif  // CERTLEDGER_LEDGER_CBOR_INTERNAL_H_
