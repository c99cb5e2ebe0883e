// CWT claims (RFC 8392) as certledger records use them.
//
// A record's COSE payload is a CWT claims set: a CBOR map with integer keys
// holding iss (1), iat (6), exp (4, optional), cti (7) and the private claim
// -65537 whose value is the record body (a map with text keys, see
// record.h). No other claim is accepted.
//
// Thread safety: plain values and pure functions.
#ifndef CERTLEDGER_CWT_H_
#define CERTLEDGER_CWT_H_

#include <cstdint>
#include <optional>
#include <string>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/status.h"

namespace certledger::cwt {

// Claim keys (RFC 8392 section 4; -65537 is in the private-use range).
constexpr std::int64_t kClaimIss = 1;
constexpr std::int64_t kClaimExp = 4;
constexpr std::int64_t kClaimIat = 6;
constexpr std::int64_t kClaimCti = 7;
constexpr std::int64_t kClaimRecordBody = -65537;

// The registered claims of a record. Copyable value.
struct Claims {
  std::string iss;                  // the signer's body id (UTF-8, non-empty)
  std::uint64_t iat = 0;            // NumericDate, seconds since the epoch
  std::optional<std::uint64_t> exp; // NumericDate; when present, exp > iat
  Bytes cti;                        // unique id of the record (1 to 64 bytes)

  friend bool operator==(const Claims&, const Claims&) = default;
};

// A decoded claims set: the registered claims and the record body (a map).
struct ClaimsSet {
  Claims claims;
  cbor::Value body;
};

// Checks the claims (iss non-empty valid UTF-8, cti 1..64 bytes, exp > iat).
// OK or InvalidArgument naming the claim.
[[nodiscard]] Status CheckClaims(const Claims& claims);

// The claims map. Errors: those of CheckClaims; InvalidArgument if `body`
// is not a map.
[[nodiscard]] Result<cbor::Value> EncodeClaimsSet(const Claims& claims, const cbor::Value& body);
// The same, moving `body` into the map instead of copying it; on error
// `body` is unchanged.
[[nodiscard]] Result<cbor::Value> EncodeClaimsSet(const Claims& claims, cbor::Value&& body);

// Reads a claims map. InvalidArgument, message starting "cwt: ", when the
// value is not a map, a key is not one of the five claims above, a required
// claim (iss, iat, cti, the body) is missing, a claim has the wrong type
// (iss text, iat/exp unsigned integers, cti bstr, body map), or CheckClaims
// fails.
[[nodiscard]] Result<ClaimsSet> DecodeClaimsSet(const cbor::Value& payload);
// The same, moving the body out of `payload` instead of copying it (the
// cheaper form when the payload is not needed afterwards). On success
// `payload` is left a valid map whose body value is unspecified; on error it
// is unchanged.
[[nodiscard]] Result<ClaimsSet> DecodeClaimsSet(cbor::Value&& payload);

}  // namespace certledger::cwt

#endif  // CERTLEDGER_CWT_H_
