// Revoking a certificate, and superseding it with a corrected one.
//
// A revocation names the certificate, a reason and a time; a corrected
// certificate supersedes the old one, which is revoked with reason
// "superseded" and `by` = the new number (batch.h issues the corrected
// certificate from a CSV row with a "supersedes" column and revokes the old
// one through here).
//
// The signed revocation is kept in the issuer's store BEFORE it is
// submitted, and a repeated request (same number, reason and successor)
// resubmits that same record, so that retrying after an interruption never
// signs a second, different revocation.
//
// Thread safety: reentrant; one store and one sink per call at a time.
#ifndef CERTLEDGER_REVOKE_H_
#define CERTLEDGER_REVOKE_H_

#include <cstdint>
#include <optional>
#include <string>

#include "certledger/ed25519.h"
#include "certledger/issuer_store.h"
#include "certledger/record.h"
#include "certledger/record_sink.h"

namespace certledger {

struct RevocationRequest {
  std::string number;              // the certificate to revoke
  RevocationReason reason = RevocationReason::kOther;
  std::optional<std::string> by;   // the superseding certificate (reason superseded only)
  std::uint64_t at = 0;            // from when, seconds since the epoch
  std::uint64_t signed_at = 0;     // the record's iat; 0: the same as `at`
};

// The signed revocation to submit for `request`, signed by `key` as `iss`,
// or the one stored for the same request earlier. With a store, the new
// record is stored (durably) before it is returned. Errors:
//   InvalidArgument  a malformed number; reason superseded without `by`
//                    ("reason superseded needs the superseding certificate's
//                    number"), `by` with another reason ("only reason
//                    superseded names a superseding certificate"), `by`
//                    equal to the number;
//   NotFound         with a store: "certificate N is not in this issuer's
//                    store" (for the number or for `by`);
//   errors of SignRecord and IssuerStore::Append.
[[nodiscard]] Result<Bytes> PrepareRevocation(const RevocationRequest& request,
                                              const std::string& iss, const SecretKey& key,
                                              IssuerStore* store);

// PrepareRevocation, then submits the record through `sink`. Returns the
// receipt, or the sink's refusal (e.g. reason "already_revoked",
// "unknown_certificate", "not_authorized").
[[nodiscard]] Result<SinkReceipt> RevokeCertificate(const RevocationRequest& request,
                                                    const std::string& iss, const SecretKey& key,
                                                    IssuerStore* store, RecordSink& sink);

}  // namespace certledger

#endif  // CERTLEDGER_REVOKE_H_
