// Verification against a ledger snapshot (see verify.h).
#include <algorithm>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <unordered_map>
#include <vector>

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

Status EntryCorruption(std::uint64_t index, const Status& why) {
  return Status::Corruption("entry " + std::to_string(index) + ": " + why.message());
}

Result<LoggedEntry> ParseEntry(std::uint64_t index, const Bytes& bytes) {
  auto leaf = DecodeLeaf(bytes);
  if (!leaf.ok()) return EntryCorruption(index, leaf.status());
  auto record = ParseRecord(leaf->record);
  if (!record.ok()) return EntryCorruption(index, record.status());
  return LoggedEntry{std::move(*leaf), std::move(*record), HashLeaf(bytes)};
}

Result<LoggedEntry> ReadEntry(const LedgerSnapshot& snapshot, std::uint64_t index) {
  CL_ASSIGN_OR_RETURN(Bytes bytes, snapshot.Entry(index));
  return ParseEntry(index, bytes);
}

// What the verifier needs of the entry that the record-hash index names for
// `record`: when it was logged and its leaf hash. The leaf's record must be
// `record` byte for byte (else Corruption: the index points elsewhere); it
// is compared, not parsed again.
struct LoggedLeaf {
  std::uint64_t logged_at_ms = 0;
  Hash256 leaf_hash{};
};

Result<LoggedLeaf> ReadLeafOf(const LedgerSnapshot& snapshot, std::uint64_t index,
                              ByteView record) {
  CL_ASSIGN_OR_RETURN(Bytes bytes, snapshot.Entry(index));
  auto leaf = DecodeLeaf(bytes);
  if (!leaf.ok()) return EntryCorruption(index, leaf.status());
  if (!std::ranges::equal(leaf->record, record)) {
    return Status::Corruption("entry " + std::to_string(index) +
                              " does not hold the record that the record hash index names");
  }
  return LoggedLeaf{leaf->logged_at_ms, HashLeaf(bytes)};
}

using AccreditationList = std::shared_ptr<const std::vector<SignedRecord>>;

// This thread's accreditations, parsed once. Accreditation entries never
// change once logged, so each is parsed the first time it is seen and kept
// by entry index with its leaf bytes; a body's list is kept for the tree
// (size and root) it was assembled from and rebuilt when the tree changes.
// Rebuilding reads each row's entry again and compares its bytes with the
// kept leaf before reusing the parsed record, so a thread that verifies
// against several ledgers never mixes their entries up. Bounded: each map
// is cleared when full.
class AccreditationCache {
 public:
  static AccreditationCache& ThisThread() {
    thread_local AccreditationCache cache;
    return cache;
  }

  // Every accreditation of `body` in the snapshot's log, in log order, each
  // with its iat replaced by the time it was logged (so that VerifyPayload
  // picks the one in force at logged_at).
  Result<AccreditationList> Of(const LedgerSnapshot& snapshot, std::string_view body) {
    auto found = bodies_.find(body);
    if (found != bodies_.end() && found->second.size == snapshot.size() &&
        found->second.root == snapshot.root()) {
      return found->second.list;
    }
    CL_ASSIGN_OR_RETURN(std::vector<AccreditationRow> rows, snapshot.AccreditationHistory(body));
    auto list = std::make_shared<std::vector<SignedRecord>>();
    list->reserve(rows.size());
    for (const AccreditationRow& row : rows) {
      CL_ASSIGN_OR_RETURN(const SignedRecord* record, Entry(snapshot, row.index));
      list->push_back(*record);
    }
    if (bodies_.size() >= kMaxBodies) bodies_.clear();
    Body& kept = bodies_[std::string(body)];
    kept = Body{snapshot.size(), snapshot.root(), std::move(list)};
    return kept.list;
  }

 private:
  static constexpr std::size_t kMaxBodies = 1024;
  static constexpr std::size_t kMaxEntries = 4096;

  struct Body {
    std::uint64_t size = 0;
    Hash256 root{};
    AccreditationList list;
  };
  struct Logged {
    Bytes leaf;
    SignedRecord record;  // iat replaced by logged_at
  };

  // The parsed record of entry `index`, reusing the kept one when the
  // entry's bytes are the same.
  Result<const SignedRecord*> Entry(const LedgerSnapshot& snapshot, std::uint64_t index) {
    CL_ASSIGN_OR_RETURN(Bytes bytes, snapshot.Entry(index));
    auto kept = entries_.find(index);
    if (kept != entries_.end() && kept->second.leaf == bytes) return &kept->second.record;
    CL_ASSIGN_OR_RETURN(LoggedEntry e, ParseEntry(index, bytes));
    e.record.claims.iat = e.leaf.logged_at_ms / 1000;
    if (kept != entries_.end()) {
      kept->second = Logged{std::move(bytes), std::move(e.record)};
      return &kept->second.record;
    }
    if (entries_.size() >= kMaxEntries) entries_.clear();
    return &entries_.emplace(index, Logged{std::move(bytes), std::move(e.record)})
                .first->second.record;
  }

  std::map<std::string, Body, std::less<>> bodies_;
  std::unordered_map<std::uint64_t, Logged> entries_;
};

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
  if (!record.ok()) {
    // Not a record at all: malformed, whatever the ledger holds.
    v.verdict = Verdict::kMalformed;
    v.reason = record.status().message();
    return v;
  }
  auto accreditations = AccreditationCache::ThisThread().Of(snapshot, record->claims.iss);
  if (!accreditations.ok()) return Indeterminate(v, accreditations.status());
  // The payload's checks, on the record parsed above.
  auto judge = [&](std::uint64_t judged_at) {
    return VerifyPayload(*payload, std::move(*record), regulator_key, **accreditations, judged_at,
                         now);
  };

  auto index = snapshot.FindRecordHash(Sha256::Hash(payload->record));
  if (!index.ok() && !index.status().Is(StatusCode::kNotFound)) {
    return Indeterminate(v, index.status());
  }
  if (!index.ok()) {
    // Not in the log: judge the signer as the log would judge it now.
    v = judge(now);
    v.qr_base_url = QrUrlBase(qr_text);
    v.ledger_checked = true;
    if (v.verdict == Verdict::kValid || v.verdict == Verdict::kExpired) {
      v.verdict = Verdict::kNotLogged;
      v.reason = "correctly signed, but the ledger has no such record";
    }
    return v;
  }
  auto entry = ReadLeafOf(snapshot, *index, payload->record);
  if (!entry.ok()) return Indeterminate(v, entry.status());
  v = judge(entry->logged_at_ms / 1000);
  v.qr_base_url = QrUrlBase(qr_text);
  v.ledger_checked = true;

  auto proof = snapshot.InclusionProof(*index, snapshot.size());
  if (!proof.ok()) return Indeterminate(v, proof.status());
  if (Status s = VerifyInclusion(entry->leaf_hash, *index, snapshot.size(), *proof, checkpoint->root);
      !s.ok()) {
    return Indeterminate(v, s);
  }
  v.evidence = LedgerEvidence{*index,          entry->logged_at_ms, entry->leaf_hash,
                              snapshot.size(), snapshot.checkpoint(), std::move(*proof)};
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
