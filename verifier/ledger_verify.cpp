// Verification against a ledger snapshot (see verify.h).
#include <optional>
#include <string>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/merkle.h"
#include "certledger/verify.h"

namespace certledger {
namespace {

Verification Indeterminate(Verification v, const Status& why) {
  v.verdict = Verdict::kIndeterminate;
  v.reason = "the ledger could not be read: " + why.ToString();
  return v;
}

// The logged entry at `index`: its leaf and the record inside.
struct LoggedEntry {
  Leaf leaf;
  SignedRecord record;
  Hash256 leaf_hash;
};

Result<LoggedEntry> ReadEntry(const LedgerSnapshot& snapshot, std::uint64_t index) {
  CL_ASSIGN_OR_RETURN(Bytes bytes, snapshot.Entry(index));
  auto leaf = DecodeLeaf(bytes);
  if (!leaf.ok()) return Status::Corruption("entry " + std::to_string(index) + ": " + leaf.status().message());
  auto record = ParseRecord(leaf->record);
  if (!record.ok()) {
    return Status::Corruption("entry " + std::to_string(index) + ": " + record.status().message());
  }
  return LoggedEntry{std::move(*leaf), std::move(*record), HashLeaf(bytes)};
}

// Every accreditation of `body` in the log, in log order.
Result<std::vector<SignedRecord>> AccreditationsOf(const LedgerSnapshot& snapshot,
                                                   std::string_view body) {
  CL_ASSIGN_OR_RETURN(std::vector<AccreditationRow> rows, snapshot.AccreditationHistory(body));
  std::vector<SignedRecord> out;
  for (const AccreditationRow& row : rows) {
    CL_ASSIGN_OR_RETURN(LoggedEntry e, ReadEntry(snapshot, row.index));
    // Judged by logging time: the record's iat is replaced by when it was
    // logged, so that VerifyPayload picks the one in force at logged_at.
    e.record.claims.iat = e.leaf.logged_at_ms / 1000;
    out.push_back(std::move(e.record));
  }
  return out;
}

// OpenCheckpoint, remembering this thread's last success: the verifier
// opens the same checkpoint on every request until the log grows, and its
// signature over the same text with the same key verifies the same way.
Result<Checkpoint> OpenCheckpointOnce(const std::string& text, const NamedPublicKey& log_key) {
  struct Last {
    std::string text;
    NamedPublicKey key;
    Checkpoint checkpoint;
  };
  thread_local std::optional<Last> last;
  if (last && last->text == text && last->key == log_key) return last->checkpoint;
  CL_ASSIGN_OR_RETURN(Checkpoint checkpoint, OpenCheckpoint(text, log_key));
  last = Last{text, log_key, checkpoint};
  return checkpoint;
}

}  // namespace

Verification VerifyWithLedger(std::string_view qr_text, const LedgerSnapshot& snapshot,
                              const PublicKey& regulator_key, const NamedPublicKey& log_key,
                              std::uint64_t now) {
  Verification v;
  v.qr_base_url = QrUrlBase(qr_text);
  auto payload = DecodeQrText(qr_text);
  if (!payload.ok()) {
    v.verdict = Verdict::kMalformed;
    v.reason = payload.status().message();
    return v;
  }
  auto checkpoint = OpenCheckpointOnce(snapshot.checkpoint(), log_key);
  if (!checkpoint.ok()) return Indeterminate(v, checkpoint.status());
  if (checkpoint->size != snapshot.size() || checkpoint->root != snapshot.root()) {
    return Indeterminate(v, Status::Corruption("checkpoint does not match the stored tree"));
  }

  auto record = ParseRecord(payload->record);
  std::string iss = record.ok() ? record->claims.iss : "";
  auto accreditations = AccreditationsOf(snapshot, iss);
  if (!accreditations.ok()) return Indeterminate(v, accreditations.status());

  auto index = snapshot.FindRecordHash(Sha256::Hash(payload->record));
  if (!index.ok() && !index.status().Is(StatusCode::kNotFound)) {
    return Indeterminate(v, index.status());
  }
  if (!index.ok()) {
    // Not in the log: judge the signer as the log would judge it now.
    v = VerifyPayload(*payload, regulator_key, *accreditations, now, now);
    v.qr_base_url = QrUrlBase(qr_text);
    v.ledger_checked = true;
    if (v.verdict == Verdict::kValid || v.verdict == Verdict::kExpired) {
      v.verdict = Verdict::kNotLogged;
      v.reason = "correctly signed, but the ledger has no such record";
    }
    return v;
  }
  auto entry = ReadEntry(snapshot, *index);
  if (!entry.ok()) return Indeterminate(v, entry.status());
  v = VerifyPayload(*payload, regulator_key, *accreditations, entry->leaf.logged_at_ms / 1000, now);
  v.qr_base_url = QrUrlBase(qr_text);
  v.ledger_checked = true;

  auto proof = snapshot.InclusionProof(*index, snapshot.size());
  if (!proof.ok()) return Indeterminate(v, proof.status());
  if (Status s = VerifyInclusion(entry->leaf_hash, *index, snapshot.size(), *proof, checkpoint->root);
      !s.ok()) {
    return Indeterminate(v, s);
  }
  v.evidence = LedgerEvidence{*index,          entry->leaf.logged_at_ms, entry->leaf_hash,
                              snapshot.size(), snapshot.checkpoint(),     std::move(*proof)};
  if (v.verdict != Verdict::kValid && v.verdict != Verdict::kExpired) return v;

  const Certificate* cert = v.certificate();
  auto revoked_at = snapshot.FindRevocation(cert->number);
  if (revoked_at.ok()) {
    auto rev = ReadEntry(snapshot, *revoked_at);
    if (!rev.ok() || rev->record.revocation() == nullptr) {
      return Indeterminate(v, rev.ok() ? Status::Corruption("revocation index") : rev.status());
    }
    v.revocation = RevocationEvidence{*revoked_at, *rev->record.revocation(), rev->record.claims.iss};
    v.verdict = Verdict::kRevoked;
    v.reason = "revoked by " + rev->record.claims.iss + " (" +
               std::string(RevocationReasonNameEn(rev->record.revocation()->reason)) + ")" +
               (rev->record.revocation()->by ? ", superseded by " + *rev->record.revocation()->by
                                             : std::string());
    return v;
  }
  if (!revoked_at.status().Is(StatusCode::kNotFound)) return Indeterminate(v, revoked_at.status());
  if (v.verdict == Verdict::kValid) {
    v.reason = "logged at index " + std::to_string(*index) + ", signed by " + v.issuer->body +
               " within its accreditation; holder details match; not revoked";
  }
  return v;
}

}  // namespace certledger
