// Ledger: the append-only certificate log as one object. It owns the
// LedgerStore (RocksDB), the Validator (the log's rules) and the sequencer,
// the one thread that appends.
//
// Submitting. Any number of threads call Submit() or SubmitMany(). Each
// record is prepared (parsed, hashed, signature checked) on the caller's
// thread, then queued. The sequencer takes everything queued (up to
// max_batch records), validates it in order against the log and the batch
// so far, and commits the accepted entries with a signed checkpoint in one
// synced RocksDB write (group commit: while one batch syncs, the next one
// gathers, so throughput does not depend on fsync latency). A call returns
// only after its record's batch is durable and covered by the stored signed
// checkpoint, or with the refusal.
//
// Every checkpoint extends the previous one: the tree only grows, by
// appends, and a commit that fails leaves the store and the validator as
// they were.
//
// Thread safety: all methods are thread-safe.
#ifndef CERTLEDGER_LEDGER_H_
#define CERTLEDGER_LEDGER_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <string>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/ledger_store.h"
#include "certledger/validation.h"

namespace certledger {

struct LedgerOptions {
  std::string path;  // the RocksDB directory (created if missing)
  LogRules rules;
  // Most records in one commit.
  std::size_t max_batch = 4096;
  // The sequencer's clock, milliseconds since the epoch (tests inject one).
  std::function<std::uint64_t()> now_ms;
  // How the store is opened (tests inject disk faults here).
  StoreOptions store;
};

struct AppendResult {
  std::uint64_t index = 0;      // the record's entry
  bool duplicate = false;       // true: already logged earlier, at `index`
  Hash256 leaf_hash{};
  std::uint64_t tree_size = 0;  // a size that includes `index`
};

class Ledger {
 public:
  // Opens the ledger at options.path as its one writer, with `log_key`
  // signing checkpoints (its name is the log's origin). Loads the
  // accreditation state from the log, checks the stored checkpoint against
  // the stored tree, and signs a first checkpoint for a new, empty log.
  // Errors of LedgerStore::Open; Corruption if the stored checkpoint is not
  // signed by `log_key` or does not match the tree.
  [[nodiscard]] static Result<std::unique_ptr<Ledger>> Open(LedgerOptions options,
                                                           NamedSecretKey log_key);
  ~Ledger();  // stops the sequencer; queued submissions get an IOError
  Ledger(const Ledger&) = delete;
  Ledger& operator=(const Ledger&) = delete;

  // Appends one signed record and waits until it is durable and covered by
  // a signed checkpoint. OK with the index (also for a record logged before:
  // duplicate = true); a refusal from the Validator (see validation.h);
  // errors of LedgerStore::Commit (then nothing of that batch was
  // acknowledged; a full or read-only disk has reason "storage_full" or
  // "storage_error", and a later batch succeeds once the disk is writable).
  [[nodiscard]] Result<AppendResult> Submit(Bytes record);

  // Many records from one caller: prepared on `threads` threads, appended
  // in the given order (possibly over several batches), one result each.
  std::vector<Result<AppendResult>> SubmitMany(std::vector<Bytes> records, int threads = 2);

  // A consistent read view of the latest committed tree.
  [[nodiscard]] Result<LedgerSnapshot> Snapshot() const;
  // The log's origin (the log key's name) and verifier key.
  const NamedPublicKey& log_public_key() const;
  const Validator& validator() const;
  // Records waiting for the sequencer (for metrics).
  std::size_t queue_depth() const;
  // Whether the last write to the store failed: its error (reason
  // storage_full or storage_error), or OK (LedgerStore::write_error).
  Status write_error() const;

  struct Impl;

 private:
  explicit Ledger(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

// Reads the accreditation history of an open store into `validator` (used
// when opening a ledger and by audits). Corruption if an indexed entry is
// not an accreditation record.
[[nodiscard]] Status LoadAccreditations(const LedgerSnapshot& snapshot, Validator& validator);

}  // namespace certledger

#endif  // CERTLEDGER_LEDGER_H_
