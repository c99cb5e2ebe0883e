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
    const int c = std::memcmp(a.data(), b.data(), common);
    if (c != 0) return c;
  }
  if (a.size() == b.size()) return 0;
  return a.size() < b.size() ? -1 : 1;
}

// Everything that needs Value's representation: encoding, key order, and
// the decoder's direct construction of maps already in canonical order.
class Codec {
 public:
  static void EncodeTo(const Value& v, Bytes& out);
  // RFC 8949 section 4.2.1 order of two map keys: bytewise by encoding.
  static int CompareKeys(const Value& a, const Value& b);
  // The entries of a map, for appending in canonical order.
  static std::vector<Value::Entry>& Entries(Value& map) { return map.entries_; }

 private:
  // The encoding of a key without nested items: a head and a payload.
  struct FlatKey {
    std::uint8_t head[kMaxHeadSize];
    std::size_t head_size = 0;
    std::string_view payload;
  };
  static bool Flatten(const Value& v, FlatKey& key);
};

}  // namespace certledger::cbor

#endif  // CERTLEDGER_LEDGER_CBOR_INTERNAL_H_
