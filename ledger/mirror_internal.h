// The log mirror's local state and replay (private to ledger/; see
// certledger/mirror.h for what a run does).
//
//   mirror_state.cpp       the state file and the entries file;
//   mirror_replay.cpp      the replay of the trusted entries under the rules;
//   mirror.cpp             one run: fetch, verify, commit, replay;
//   mirror_split_view.cpp  the split-view check.
//
// Thread safety: values and objects of one run, on its thread.
#ifndef CERTLEDGER_LEDGER_MIRROR_INTERNAL_H_
#define CERTLEDGER_LEDGER_MIRROR_INTERNAL_H_

#include <cstdint>
#include <cstdio>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "certledger/audit.h"
#include "certledger/checkpoint.h"
#include "certledger/merkle.h"
#include "certledger/mirror.h"
#include "audit_internal.h"

namespace certledger::mirror {

inline constexpr std::string_view kStateFile = "mirror-state";
inline constexpr std::string_view kEntriesFile = "entries";

// The trusted state of a mirror.
struct State {
  std::uint64_t entries_bytes = 0;  // trusted prefix of the entries file
  CompactRange edge;                // the trusted tree's right edge (size = trusted size)
  std::string checkpoint;           // the trusted signed note; "" for the empty mirror
  Checkpoint parsed;                // its content (size 0, empty root when none)

  std::uint64_t size() const { return edge.size(); }
};

// The state file's text, and back. ParseState checks everything the
// grammar says and that the checkpoint verifies with `log_key` and names
// the edge's size and root: Corruption (or the checkpoint's
// VerificationFailed) otherwise.
std::string FormatState(const State& state);
[[nodiscard]] Result<State> ParseState(std::string_view text, const NamedPublicKey& log_key);

// The state of the mirror in `dir`: the empty state when there is no state
// file. IOError for a file that cannot be read; ParseState's errors.
[[nodiscard]] Result<State> LoadState(const std::string& dir, const NamedPublicKey& log_key);
// Replaces the state file atomically and durably.
[[nodiscard]] Status SaveState(const std::string& dir, const State& state);

struct FileCloser {
  void operator()(std::FILE* f) const {
    if (f != nullptr) std::fclose(f);
  }
};
using File = std::unique_ptr<std::FILE, FileCloser>;

// Appends framed leaves after the trusted prefix of the entries file.
class EntriesWriter {
 public:
  // Opens `dir`/entries, cutting it to `trusted_bytes`. Corruption if it is
  // shorter; IOError naming the file.
  [[nodiscard]] static Result<EntriesWriter> Open(const std::string& dir,
                                                  std::uint64_t trusted_bytes);
  [[nodiscard]] Status Append(ByteView leaf);
  // Flushes and fsyncs; then bytes() are durable.
  [[nodiscard]] Status Sync();
  std::uint64_t bytes() const { return bytes_; }

 private:
  EntriesWriter(File file, std::string path, std::uint64_t bytes)
      : file_(std::move(file)), path_(std::move(path)), bytes_(bytes) {}
  File file_;
  std::string path_;
  std::uint64_t bytes_;
};

// Reads the framed leaves of the first `limit` bytes of the entries file.
class EntriesReader {
 public:
  // IOError if the file cannot be opened (a missing file reads as empty
  // when limit is 0).
  [[nodiscard]] static Result<EntriesReader> Open(const std::string& dir, std::uint64_t limit);
  // OK(true) with the next leaf; OK(false) at `limit`. Corruption for a
  // frame that runs past `limit` or the file's end.
  [[nodiscard]] Result<bool> Next(Bytes* leaf);

 private:
  EntriesReader(File file, std::string path, std::uint64_t limit)
      : file_(std::move(file)), path_(std::move(path)), limit_(limit) {}
  File file_;
  std::string path_;
  std::uint64_t limit_;
  std::uint64_t offset_ = 0;
};

// MTH of the first `size` trusted entries, read from the entries file.
// Corruption if there are fewer.
[[nodiscard]] Result<Hash256> RootFromEntries(const std::string& dir, const State& state,
                                              std::uint64_t size);

// Collects findings into a report: keeps the first `cap`, counts all.
// Findings go into the report as the local audit's do (first max_findings
// kept, all counted, regulator findings counted as such).
using FindingSink = audit::Findings;

// Replays the trusted entries (mirror.h step 6) into `report` and
// `findings`: counts, record_invalid and time_regression findings, the
// regulator findings and statistics of the accepted records
// (audit_findings.h), tree_size, root. Corruption if the entries do not give the trusted root;
// the reader's errors.
[[nodiscard]] Status Replay(const std::string& dir, const State& state,
                            const MirrorOptions& options, AuditReport* report,
                            FindingSink* findings);

// "size 9 root <base64>".
std::string Describe(const Checkpoint& checkpoint);

}  // namespace certledger::mirror

#endif  // CERTLEDGER_LEDGER_MIRROR_INTERNAL_H_
