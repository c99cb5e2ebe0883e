// Byte strings and their text encodings: hex, base64 (RFC 4648 section 4,
// padded) and base64url (RFC 4648 section 5, unpadded, as DESIGN.md pins).
//
// Decoders are strict: they reject characters outside the alphabet, wrong
// padding, and non-canonical trailing bits, so that every byte string has
// exactly one accepted text form. All functions are pure and thread-safe.
#ifndef CERTLEDGER_BYTES_H_
#define CERTLEDGER_BYTES_H_

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/status.h"

namespace certledger {

using Bytes = std::vector<std::uint8_t>;
using ByteView = std::span<const std::uint8_t>;

// Views the characters of `s` as bytes (no copy; `s` must outlive the view).
inline ByteView AsBytes(std::string_view s) {
  return {reinterpret_cast<const std::uint8_t*>(s.data()), s.size()};
}
// Views bytes as characters (no copy, no validation).
inline std::string_view AsChars(ByteView b) {
  return {reinterpret_cast<const char*>(b.data()), b.size()};
}
inline Bytes ToBytes(std::string_view s) { return Bytes(s.begin(), s.end()); }
inline std::string ToString(ByteView b) { return std::string(AsChars(b)); }

// Lower-case hex. Decode accepts either case; InvalidArgument on an odd
// length or a non-hex character (the message names its position).
std::string HexEncode(ByteView data);
Result<Bytes> HexDecode(std::string_view text);

// Standard base64 with '=' padding. Decode: InvalidArgument on a bad
// character, a length not a multiple of 4, misplaced padding, or non-zero
// trailing bits.
std::string Base64Encode(ByteView data);
Result<Bytes> Base64Decode(std::string_view text);

// base64url without padding. Decode rejects '=', '+', '/', whitespace,
// a length of 1 mod 4, and non-zero trailing bits.
std::string Base64UrlEncode(ByteView data);
Result<Bytes> Base64UrlDecode(std::string_view text);

// A canonical unsigned decimal: digits only, no sign, no leading zero
// (except "0" itself), at most 2^64 - 1. nullopt otherwise.
std::optional<std::uint64_t> ParseCanonicalUint(std::string_view text);

}  // namespace certledger

#endif  // CERTLEDGER_BYTES_H_
