// Audit: re-verifies a whole ledger store from its entries, so that any
// byte changed at rest is found (DESIGN.md, "The log").
//
// AuditLocal() reads a ledger's RocksDB directory and checks:
//
//   entries     every entry below the tree size exists and is a leaf
//               [1, logged_at_ms, record] (leaf.h); logged_at never
//               decreases along the log;
//   records     every record is replayed in log order through a fresh
//               Validator (validation.h), with its leaf's logged_at_ms as
//               the time: signature, key valid at that time, accreditation,
//               scope, number unused, revocation authority;
//   hashes      the leaf hash of every entry, and from them every hash tile
//               of every level, full and partial, equals the stored tile
//               bytes; the recomputed root equals the stored state;
//   checkpoint  the stored checkpoint's signature verifies with the log key,
//               and its size and root are the recomputed tree's;
//   indexes     every index row (leaf hash, record hash, certificate number,
//               revocation, accreditation) points at the entry its key
//               names; every entry has the rows it implies; and no row,
//               entry or tile exists that the tree does not imply.
//
// The audited tree size is the one at least two of these agree on: the
// stored state's size, the signed checkpoint's size, and one past the last
// stored entry; failing that, the checkpoint's size if its signature holds,
// else the entries'. The others are findings.
//
// Each problem is a finding, and the audit goes on after it: a value that
// cannot be read or decoded is a finding, never a crash. When an entry and
// its tile disagree, the leaf-hash index decides which of the two changed
// (the one it confirms is kept), so that one changed byte is named once.
//
// Reading beside a writer. The store is opened as a RocksDB secondary
// instance (ledger_store.h OpenSecondary) whose own files live in a fresh
// temporary directory, removed at the end. RocksDB allows secondaries while
// the primary holds the database open and writes, flushes and compacts:
// a secondary keeps every table file it uses open (max_open_files = -1), so
// the primary deleting one does not disturb it. The audit never catches up,
// so it sees one consistent committed tree: the one stored when it opened.
// (A read-only instance, DB::OpenForReadOnly, also ignores the writer's
// lock, but may fail to open a table file that a compaction of the running
// writer has just deleted.)
//
// Cost. Memory holds, besides a few chunks of entries in flight, what
// replaying the rules needs: every certificate number with its issuer and
// revocation, and the accreditations; and, until the index rows are
// scanned, each entry's expected leaf-hash and record-hash rows (80 bytes
// an entry: 80 MB for a million entries). Signature checks run on
// AuditOptions::threads threads (Validator::Prepare), the replay in log
// order on the calling thread.
//
// Thread safety: AuditLocal may run on any thread, several at once; it
// calls `progress` on the calling thread only.
#ifndef CERTLEDGER_AUDIT_H_
#define CERTLEDGER_AUDIT_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <vector>

#include "certledger/audit_findings.h"
#include "certledger/key_file.h"
#include "certledger/sha256.h"
#include "certledger/status.h"
#include "certledger/validation.h"

namespace certledger {

// One problem the audit found. `code` is one of:
//
//   entry_corrupt     an entry's bytes changed: its leaf hash is not the one
//                     its tile and the leaf-hash index record
//   entry_missing     no entry below the tree size at this index
//   leaf_mismatch     an entry and its tile disagree and the leaf-hash index
//                     confirms neither
//   tile_mismatch     a stored hash tile holds hashes other than those
//                     recomputed from the entries, or has the wrong length
//   tile_missing      a hash tile that the tree size implies is not stored
//   index_mismatch    an index row points at the wrong entry, beyond the
//                     tree, or holds a malformed value
//   index_missing     a row that an entry implies is not stored
//   index_orphan      an index row that no entry implies
//   unexpected_key    a key the schema does not know, or an entry or tile
//                     that the tree size does not imply
//   state_mismatch    the stored tree state (size, root) is missing,
//                     malformed, or not the recomputed tree
//   checkpoint_missing, checkpoint_bad_signature (does not verify with the
//                     log key), checkpoint_malformed, checkpoint_mismatch
//                     (signed, but not for the recomputed size and root)
//   record_invalid    a logged record breaks the log's rules; `reason` is
//                     the Validator's reason (validation.h), e.g.
//                     "out_of_scope", or "malformed" for an undecodable leaf
//   time_regression   an entry's logged_at is before its predecessor's
//   format_mismatch   the store's format row is missing or unknown
//   read_error        RocksDB could not read a value (e.g. a checksum
//                     mismatch in a table file)
//
// and the regulator findings about the records the rules accepted
// (audit_findings.h, IsRegulatorFindingCode): backdated, issuance_surge,
// near_accreditation_end, high_revocation_rate, serial_out_of_sequence.
// Records of entries whose bytes changed are not reviewed.
struct AuditFinding {
  std::string code;
  // What it concerns, e.g. "entry 17", "tile level 0 index 1", "leaf hash
  // 3a5f...", "certificate number \"Y0001\"", "checkpoint".
  std::string subject;
  std::optional<std::uint64_t> index;  // the entry it concerns, if one
  std::string reason;                  // record_invalid: the Validator's reason
  std::string message;                 // a sentence for people
};

struct AuditProgress {
  std::uint64_t entries_checked = 0;
  std::uint64_t entries_total = 0;  // the audited tree size
};
using AuditProgressCallback = std::function<void(const AuditProgress&)>;

struct AuditOptions {
  // Threads that parse records and check signatures (at least 1).
  int threads = 2;
  // Findings kept in the report; all are counted.
  std::size_t max_findings = 1000;
  // Called after each chunk of entries (about every 1024) and once at the end.
  AuditProgressCallback progress;
  // The thresholds of the regulator findings (audit_findings.h).
  RegulatorOptions regulator;
};

struct AuditReport {
  std::uint64_t tree_size = 0;        // the audited size (see above)
  std::uint64_t entries_checked = 0;  // entries read from the store and replayed
  // MTH of the audited tree recomputed from the entries (where an entry is
  // missing, from its tile); nullopt if neither is stored.
  std::optional<Hash256> root;
  // Records the replay accepted, by kind.
  std::uint64_t certificates = 0;
  std::uint64_t revocations = 0;
  std::uint64_t accreditations = 0;
  std::uint64_t tiles_checked = 0;
  std::uint64_t index_rows_checked = 0;
  std::vector<AuditFinding> findings;  // the first max_findings, in the order found
  std::uint64_t finding_count = 0;     // all findings
  std::uint64_t regulator_finding_count = 0;  // of them, regulator findings
  // What the accepted records hold (audit_findings.h).
  AuditStatistics statistics;

  bool ok() const { return finding_count == 0; }
};

// Audits the ledger store at `path` under `rules` (the regulator's key and
// the clock skew the ledger allows), with `log_key` the key that signs its
// checkpoints. OK with the report, findings or none. Fails only when the
// audit cannot start: NotFound if `path` holds no ledger store; IOError if
// RocksDB cannot open it or a temporary directory cannot be made;
// Corruption if RocksDB finds the database too damaged to open (its
// MANIFEST or write-ahead log); InvalidArgument for options out of range.
[[nodiscard]] Result<AuditReport> AuditLocal(const std::string& path, const LogRules& rules,
                                             const NamedPublicKey& log_key,
                                             const AuditOptions& options);
[[nodiscard]] Result<AuditReport> AuditLocal(const std::string& path, const LogRules& rules,
                                             const NamedPublicKey& log_key,
                                             const AuditProgressCallback& progress = nullptr);

}  // namespace certledger

#endif  // CERTLEDGER_AUDIT_H_
