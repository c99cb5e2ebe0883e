// LogMirror: audits a remote log through its C2SP tlog-tiles read API
// (https://c2sp.org/tlog-tiles; DESIGN.md "Read API"), keeping a local
// mirror so that each run fetches only what is new.
//
// One run (MirrorAndAudit):
//
//   1. fetches "checkpoint" and opens it with the log key (checkpoint.h);
//   2. compares it with the last checkpoint the mirror trusted: a smaller
//      tree is a rollback, the same size with another root a fork;
//   3. fetches the entry bundles from the trusted size on (the partial
//      bundle last), and for each the level-0 hash tile of the same
//      width; every new leaf's hash must be the tile's hash at its
//      position; the leaf hashes extend the stored right edge of the
//      trusted tree (a CompactRange), and every node of level 8L (L >= 1)
//      it completes is compared with the hash tile of level L that holds
//      it, fetched once the run's nodes in it are known;
//   4. compares the recomputed root at the new size with the checkpoint's.
//      Because the new tree is the trusted right edge extended, a matching
//      root also proves the new checkpoint consistent with the trusted one;
//   5. only when all of that holds, makes the new entries, right edge and
//      checkpoint the trusted state (entries file synced, then the state
//      file replaced atomically);
//   6. replays every trusted entry from the local files through a fresh
//      Validator (validation.h), as AuditLocal does: each record judged
//      under the log's rules at its leaf's logged_at. The replay reads the
//      local files, never the network, so an incremental run stays cheap
//      on the network while validating with the state of the whole log.
//
// A problem of steps 1 to 4 makes the log inconsistent or corrupt
// (MirrorReport::log_consistent false; the CLI exits 2); the trusted state
// is then left as it was. Step 6 findings are record findings (exit 1).
//
// State directory (formats at the top of ledger/mirror_state.cpp):
//   mirror-state    trusted size, length of the trusted part of `entries`,
//                   the right edge, and the trusted signed checkpoint;
//   entries         the trusted leaves, each as a 2-byte big-endian length
//                   and the leaf (the entry bundles' framing), in log
//                   order; bytes past the trusted length are left over from
//                   a run that did not finish and are cut off.
//
// Memory: one entry bundle and its tiles at a time, plus what the replay
// needs (every certificate number and the accreditations, as AuditLocal).
//
// Thread safety: functions may run on any thread; two runs must not share
// a state directory at once. `fetch` and `progress` are called on the
// calling thread only.
#ifndef CERTLEDGER_MIRROR_H_
#define CERTLEDGER_MIRROR_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/audit.h"
#include "certledger/bytes.h"
#include "certledger/checkpoint.h"
#include "certledger/key_file.h"
#include "certledger/status.h"
#include "certledger/validation.h"

namespace certledger {

// Fetches one resource of the log, by its path relative to the log's
// prefix without a leading slash: "checkpoint", "tile/0/x001/002.p/7",
// "tile/entries/000", "api/v1/proof/consistency?old=3&size=9". OK with the
// body of a 200 answer; NotFound for a 404; IOError (or any error) for the
// rest, which stops the run and is returned unchanged.
using MirrorFetch = std::function<Result<std::string>(std::string_view path)>;

struct MirrorProgress {
  std::string_view stage;  // "fetch" (new entries) or "replay" (all entries)
  std::uint64_t done = 0;
  std::uint64_t total = 0;
};

struct MirrorOptions {
  LogRules rules;          // the regulator and the allowed clock skew
  NamedPublicKey log_key;  // verifies checkpoints; its name is the origin
  int threads = 2;         // threads that check signatures in the replay
  std::size_t max_findings = 1000;
  // The thresholds of the regulator findings (audit_findings.h).
  RegulatorOptions regulator;
  std::function<void(const MirrorProgress&)> progress;
};

// Finding codes of the mirror (AuditFinding::code), besides the replay's
// record_invalid and time_regression (audit.h):
//   checkpoint_bad_signature  the source's checkpoint does not verify with
//                             the log key, or names another origin
//   checkpoint_malformed      it is not a checkpoint note
//   rollback                  its tree is smaller than the trusted one
//   fork                      same size as the trusted tree, another root
//   bundle_malformed          an entry bundle does not frame exactly the
//                             leaves its width names
//   tile_malformed            a hash tile of the wrong length
//   leaf_mismatch             a leaf's hash is not its level-0 tile's hash
//   tile_mismatch             a hash tile of level >= 1 holds another hash
//                             than the leaves give
//   root_mismatch             the trusted tree extended with the new leaves
//                             does not have the checkpoint's root (the log
//                             forked from the trusted checkpoint, or served
//                             entries that are not its tree)
//   split_view                two sources' checkpoints that no single
//                             append-only log can have both signed
// All but record_invalid and time_regression make the log inconsistent.
bool IsLogInconsistencyFinding(std::string_view code);

struct MirrorReport {
  // tree_size, root, entries_checked (replayed), the record counts,
  // findings, regulator findings and statistics of the whole trusted log,
  // as AuditLocal; tiles_checked counts fetched tiles.
  AuditReport audit;
  std::uint64_t trusted_size_before = 0;  // the trusted size the run started from
  std::uint64_t entries_fetched = 0;      // new entries fetched and verified
  std::uint64_t fetches = 0;              // calls of `fetch`
  std::string checkpoint;                 // the source's checkpoint as fetched
  bool log_consistent = true;             // false: an inconsistency finding
};

// One run as described at the top. Creates `state_dir` if missing. OK with
// the report, findings or none. Failures: the fetch's errors unchanged
// (nothing trusted changes); IOError for the local files; Corruption when
// the state directory contradicts itself (a state file that does not
// parse, an entries file shorter than the state says or whose leaves do
// not give the trusted root); VerificationFailed when the trusted
// checkpoint does not verify with options.log_key (another log's state).
[[nodiscard]] Result<MirrorReport> MirrorAndAudit(const std::string& state_dir,
                                                  const MirrorFetch& fetch,
                                                  const MirrorOptions& options);

// The trusted checkpoint of the mirror in `state_dir` (its signed note),
// "" when the mirror is empty. Errors as MirrorAndAudit's state errors.
[[nodiscard]] Result<std::string> TrustedCheckpoint(const std::string& state_dir,
                                                    const NamedPublicKey& log_key);

// Split-view check: whether `other_note`, a checkpoint that `source` (a
// URL or a file name, for messages) shows, can belong to the same
// append-only log as the mirror's trusted checkpoint:
//   - it must verify with `log_key` (else checkpoint_bad_signature);
//   - same size: same root;
//   - smaller: its root must be the root the mirrored entries give at its
//     size (recomputed from the local files);
//   - larger: `other_fetch` (the other source's API; may be empty for a
//     saved checkpoint) must serve
//     "api/v1/proof/consistency?old=<trusted size>&size=<its size>", a
//     consistency proof that verifies (merkle.h VerifyConsistency). With
//     no fetch, a saved checkpoint larger than the log's tree is a
//     split_view: the log signed a tree it no longer shows.
// OK with the findings (none: consistent); each split_view finding's
// message names both sources and both checkpoints' size and root.
// Failures: the state errors above; the fetch's errors unchanged; a proof
// answer that is not the JSON of DESIGN.md is a split_view finding.
[[nodiscard]] Result<std::vector<AuditFinding>> CheckSplitView(const std::string& state_dir,
                                                               const NamedPublicKey& log_key,
                                                               std::string_view source,
                                                               std::string_view other_note,
                                                               const MirrorFetch& other_fetch);

// Splits a C2SP entry bundle into its leaves: exactly `count` leaves, each
// a 2-byte big-endian length and that many bytes, and nothing after.
// InvalidArgument "entry bundle: ..." otherwise.
[[nodiscard]] Result<std::vector<Bytes>> ParseEntryBundle(ByteView bundle, std::size_t count);

}  // namespace certledger

#endif  // CERTLEDGER_MIRROR_H_
