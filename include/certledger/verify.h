// Verification of a scanned certificate: one function that turns QR text
// into a verdict (DESIGN.md, "Verifier API"), with the facts a person needs
// to judge it and a reason in plain words.
//
// The checks, in order: the QR text decodes (else kMalformed); the record
// is a certificate signed under the COSE rules (kMalformed); its issuer
// holds an accreditation signed by the regulator that lists the signing
// key (kUnknownIssuer); the signature verifies (kBadSignature); the key was
// valid and not revoked at the time that counts (kKeyRevoked); the
// certificate lies inside the accredited scope and period (kOutOfScope);
// the holder's disclosures match the commitments (kBadSignature: the QR
// code was altered); the certificate has not expired (kExpired).
//
// Offline verification has no ledger: the time that counts is the record's
// iat, and the result says that the ledger was not consulted. The ledger-
// backed verifier judges by the entry's logged_at instead, and adds
// inclusion and revocation.
//
// Thread safety: pure functions over their arguments.
#ifndef CERTLEDGER_VERIFY_H_
#define CERTLEDGER_VERIFY_H_

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "certledger/ed25519.h"
#include "certledger/key_file.h"
#include "certledger/ledger_store.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "certledger/verdict.h"

namespace certledger {

// What the verifier trusts when it has no ledger: the regulator's key and
// the accreditation records it was given (each is checked against the
// regulator key before it is used).
struct OfflineTrust {
  PublicKey regulator_key;
  std::vector<SignedRecord> accreditations;
};

// Where a logged record sits in the log, and the proof of it.
struct LedgerEvidence {
  std::uint64_t index = 0;
  std::uint64_t logged_at_ms = 0;
  Hash256 leaf_hash{};
  std::uint64_t tree_size = 0;       // the checkpoint's size
  std::string checkpoint;            // the signed checkpoint the proof is against
  std::vector<Hash256> inclusion;    // RFC 9162 inclusion proof, leaf to root
};

// The revocation of a certificate, as the log holds it.
struct RevocationEvidence {
  std::uint64_t index = 0;
  Revocation revocation;
  std::string revoked_by;  // the iss of the revocation record
};

struct Verification {
  Verdict verdict = Verdict::kMalformed;
  std::string reason;  // English, one line, says what was checked or what failed

  // Filled as far as decoding got:
  std::optional<SignedRecord> record;
  std::optional<Accreditation> issuer;  // the accreditation that lists the key
  std::string holder_name;              // only when the disclosures match
  std::string holder_id_masked;         // "3101**********1234"
  bool ledger_checked = false;          // offline: false
  std::optional<LedgerEvidence> evidence;      // when the record is logged
  std::optional<RevocationEvidence> revocation;  // when it was revoked
  std::optional<std::string> qr_base_url;  // the host the code named, if a URL

  const Certificate* certificate() const { return record ? record->certificate() : nullptr; }
};

// The civil date in China (UTC+8) at `unix_seconds`.
Date ChinaDateOf(std::uint64_t unix_seconds);

// Verifies `qr_text` (the whole URL or the bare fragment) without a ledger,
// at time `now` (seconds since the epoch). Never fails: every problem is a
// verdict.
Verification VerifyOffline(std::string_view qr_text, const OfflineTrust& trust,
                           std::uint64_t now);

// Verifies `qr_text` against a ledger: the record must be logged (else
// kNotLogged, after the same signature and accreditation checks, judged at
// `now`), key and accreditation are judged at the entry's logged_at, and the
// log's revocations count (kRevoked). The evidence carries an inclusion
// proof against the snapshot's signed checkpoint, which is verified with
// `log_key` first: a checkpoint that does not verify, or storage that
// fails, gives kIndeterminate. `regulator_key` signs accreditations.
Verification VerifyWithLedger(std::string_view qr_text, const LedgerSnapshot& snapshot,
                              const PublicKey& regulator_key, const NamedPublicKey& log_key,
                              std::uint64_t now);

// The checks shared by the offline and the ledger-backed verifier, on an
// already decoded payload: issuer, signature, key validity and scope are
// judged at `judged_at` (iat offline, logged_at with a ledger), expiry at
// `now`. `accreditations` are that body's, oldest first; the last one not
// later than `judged_at` counts.
Verification VerifyPayload(const QrPayload& payload, const PublicKey& regulator_key,
                           const std::vector<SignedRecord>& accreditations,
                           std::optional<std::uint64_t> judged_at, std::uint64_t now);

// VerifyPayload on a record the caller already parsed: `parsed` must be
// ParseRecord(payload.record) (the parse succeeded); it becomes the
// result's record. The same checks and the same verdicts as above, without
// parsing the record again.
Verification VerifyPayload(const QrPayload& payload, SignedRecord parsed,
                           const PublicKey& regulator_key,
                           const std::vector<SignedRecord>& accreditations,
                           std::optional<std::uint64_t> judged_at, std::uint64_t now);

}  // namespace certledger

#endif  // CERTLEDGER_VERIFY_H_
