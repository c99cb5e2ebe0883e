// The verdict of verifying a scanned certificate, as DESIGN.md lists them.
// The names are part of the HTTP API (`"verdict"` in POST /api/v1/verify).
#ifndef CERTLEDGER_VERDICT_H_
#define CERTLEDGER_VERDICT_H_

#include <optional>
#include <string_view>

namespace certledger {

enum class Verdict {
  kValid,          // genuine, logged, not revoked, not expired
  kRevoked,        // genuine and logged, but revoked
  kNotLogged,      // signature fine, but the ledger has no such entry
  kBadSignature,   // the COSE signature does not verify, or a disclosure does not match
  kUnknownIssuer,  // no accredited body holds the signing key
  kOutOfScope,     // the body was not accredited for this occupation, series or level
  kKeyRevoked,     // the signing key was revoked before the record was logged
  kExpired,        // past the certificate's expiry date
  kMalformed,      // the QR text or record cannot be decoded
  kIndeterminate,  // the verifier cannot decide (stale or unreachable log)
};

// "valid", "revoked", "not_logged", ... as in the API.
std::string_view VerdictName(Verdict v);
std::optional<Verdict> ParseVerdict(std::string_view name);
// A one-line explanation in Chinese and in English, for people.
std::string_view VerdictTextZh(Verdict v);
std::string_view VerdictTextEn(Verdict v);

}  // namespace certledger

#endif  // CERTLEDGER_VERDICT_H_
