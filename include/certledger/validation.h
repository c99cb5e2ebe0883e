// The ledger's rules for appending a record (DESIGN.md, "The log"): who may
// sign what, with which key, when, within which scope.
//
// Validation runs in two stages so that the expensive part scales over
// threads while the part that depends on the log's order stays serial:
//
//   Prepare()   any thread, concurrently: parse the record, hash it, and
//               verify its signature against the key its kid names when
//               that key is known (the regulator's, or any key ever
//               accredited). Needs no log state beyond the key directory.
//   Validate()  the sequencer's thread only, in log order: judge the record
//               as the entry at `index` logged at `logged_at_ms`: key valid
//               at that time (so a revoked or expired key cannot backdate
//               through iat), accreditation in force, scope, certificate
//               number unused, revocation authority. Verifies the signature
//               itself when Prepare() could not.
//
// A refusal is a Status with a machine-readable reason():
//   malformed, too_large          the record does not parse (InvalidArgument)
//   bad_signature                 the signature does not verify
//   not_regulator                 an accreditation not signed by the regulator
//   not_accredited                the issuer has no accreditation
//   unknown_key                   the kid is not one of the issuer's keys
//   key_not_yet_valid, key_expired, key_revoked
//                                 the key is outside its validity at logged_at
//   accreditation_withdrawn, accreditation_not_in_force
//   out_of_scope                  occupation, series or level not accredited
//   number_in_use                 the certificate number is taken (AlreadyExists)
//   unknown_certificate           a revocation of a number never issued
//   not_authorized                a revocation by neither issuer nor regulator
//   already_revoked               (AlreadyExists)
//   unknown_superseding           "superseded" naming a certificate not logged
//                                 or of another issuer
//   iat_in_future                 iat later than logged_at plus the allowed skew
// Refusals are VerificationFailed unless marked otherwise above.
//
// Thread safety: Prepare() may run on any number of threads while one thread
// calls Validate(), Load() and Rollback().
#ifndef CERTLEDGER_VALIDATION_H_
#define CERTLEDGER_VALIDATION_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <vector>

#include "certledger/ed25519.h"
#include "certledger/key_file.h"
#include "certledger/record.h"
#include "certledger/sha256.h"

namespace certledger {

struct LogRules {
  // The regulator: its key signs accreditations; its name is the iss of
  // those records (the regulator's body id).
  NamedPublicKey regulator;
  // How far a record's iat may lie after its logged_at.
  std::uint64_t max_clock_skew_seconds = 300;
};

// A record after the stateless checks. Copyable value.
struct PreparedRecord {
  Bytes bytes;                  // exactly as submitted
  Hash256 record_hash{};        // SHA-256(bytes): the idempotency key
  Status parse_status;          // not OK: malformed; `record` is empty
  std::optional<SignedRecord> record;
  // The key whose signature check passed in Prepare(), if one was known.
  std::optional<PublicKey> verified_with;
  // A signature check in Prepare() that failed with the key the kid names.
  bool signature_failed = false;
};

// What Validate() asks of the log about certificate numbers: the state
// after every entry before the one being validated.
class CertificateLookup {
 public:
  struct Issued {
    std::uint64_t index = 0;  // the certificate's entry
    std::string issuer;       // its iss (body id)
    bool revoked = false;
  };
  virtual ~CertificateLookup() = default;
  // nullopt for a number never issued; IOError/Corruption from storage.
  virtual Result<std::optional<Issued>> Find(std::string_view number) const = 0;
  // Whether the number was ever issued (cheaper: no issuer, no revocation).
  virtual Result<bool> Exists(std::string_view number) const = 0;
};

// The index rows an accepted record adds (see ledger_store.h NewEntry).
struct RecordEffects {
  RecordKind kind = RecordKind::kCertificate;
  std::optional<std::string> certificate_number;          // a certificate issued
  std::optional<std::string> revoked_certificate_number;  // a revocation
  std::optional<std::string> accredited_body;             // an accreditation
  std::string issuer;                                     // the record's iss
};

// One accreditation as the log holds it.
struct LoggedAccreditation {
  std::uint64_t index = 0;
  std::uint64_t logged_at_ms = 0;
  Accreditation accreditation;
};

class Validator {
 public:
  explicit Validator(LogRules rules);
  Validator(const Validator&) = delete;
  Validator& operator=(const Validator&) = delete;

  const LogRules& rules() const { return rules_; }

  // Stateless stage; never fails (problems are recorded in the result).
  PreparedRecord Prepare(Bytes bytes) const;

  // Judges `record` as entry `index` logged at `logged_at_ms`. On success
  // the effects to index; an accepted accreditation becomes part of the
  // state at once (later records of the same batch see it) until
  // Rollback() removes it. The refusals listed at the top of this file;
  // errors of `certificates` unchanged.
  [[nodiscard]] Result<RecordEffects> Validate(const PreparedRecord& record,
                                               std::uint64_t index, std::uint64_t logged_at_ms,
                                               const CertificateLookup& certificates);

  // Adds an accreditation that the log already holds (when opening a log or
  // replaying one in an audit). Corruption if `index` is not after every
  // accreditation already known.
  [[nodiscard]] Status Load(const SignedRecord& record, std::uint64_t index,
                            std::uint64_t logged_at_ms);

  // Forgets accreditations at indexes >= `size` (a batch that did not commit).
  void Rollback(std::uint64_t size);

  // The accreditation of `body` in force at `time_seconds` (the last logged
  // at or before it); nullopt if none. A copy, safe to keep.
  std::optional<LoggedAccreditation> AccreditationAt(std::string_view body,
                                                     std::uint64_t time_seconds) const;
  // Every body's latest accreditation, by body id.
  std::vector<LoggedAccreditation> LatestAccreditations() const;

 private:
  Status CheckAccreditation(const PreparedRecord& p, std::uint64_t t) const;
  Status CheckCertificate(const PreparedRecord& p, std::uint64_t t,
                          const CertificateLookup& certificates) const;
  Status CheckRevocation(const PreparedRecord& p, std::uint64_t t,
                         const CertificateLookup& certificates) const;
  // The issuer key named by the record's kid in `acc`, valid at t, with the
  // signature verified. The refusal otherwise.
  Status CheckIssuerKey(const PreparedRecord& p, const Accreditation& acc, std::uint64_t t) const;
  Status CheckSignature(const PreparedRecord& p, const PublicKey& key) const;
  void AddAccreditation(LoggedAccreditation logged);
  const LoggedAccreditation* AtLocked(std::string_view body, std::uint64_t t) const;

  const LogRules rules_;
  const KeyId regulator_kid_;
  mutable std::shared_mutex mu_;
  // body id -> its accreditations in log order.
  std::map<std::string, std::vector<LoggedAccreditation>, std::less<>> accreditations_;
  // Every key ever accredited, by kid (for Prepare's signature check).
  std::map<KeyId, PublicKey> keys_;
};

}  // namespace certledger

#endif  // CERTLEDGER_VALIDATION_H_
