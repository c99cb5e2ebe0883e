// LedgerFollower: keeps a read-only copy of a ledger up to date, for a
// verifier serving a ledger directory that another process writes
// (DESIGN.md, "Beyond one machine": verifiers share the database as
// RocksDB secondary instances).
//
// It owns one thread that calls LedgerStore::CatchUp() every `interval`
// and keeps the snapshot of the last successful catch-up. Latest() answers
// from that snapshot, so a request never waits for RocksDB to replay. When
// no catch-up has succeeded for longer than `max_staleness`, the copy is
// stale: Latest() fails, and a verifier answers "indeterminate" rather
// than judge by an old log.
//
// Thread safety: all methods are thread-safe. The store must outlive the
// follower and must not be used for CatchUp() by anyone else meanwhile.
#ifndef CERTLEDGER_LEDGER_FOLLOWER_H_
#define CERTLEDGER_LEDGER_FOLLOWER_H_

#include <chrono>
#include <condition_variable>
#include <cstdint>
#include <memory>
#include <mutex>
#include <optional>
#include <thread>

#include "certledger/ledger_store.h"
#include "certledger/status.h"

namespace certledger {

struct FollowerOptions {
  std::chrono::milliseconds interval{500};
  std::chrono::milliseconds max_staleness{60000};
};

class LedgerFollower {
 public:
  // Catches up once (so that Latest() has a snapshot at once) and starts
  // the thread. `store` must have been opened with OpenSecondary().
  // InvalidArgument if it is the primary; errors of CatchUp() and
  // Snapshot().
  [[nodiscard]] static Result<std::unique_ptr<LedgerFollower>> Start(LedgerStore& store,
                                                                     FollowerOptions options);
  ~LedgerFollower();  // stops and joins the thread
  LedgerFollower(const LedgerFollower&) = delete;
  LedgerFollower& operator=(const LedgerFollower&) = delete;

  // The snapshot of the last successful catch-up. IOError with reason
  // "stale" (naming the last error) when it is older than max_staleness.
  [[nodiscard]] Result<LedgerSnapshot> Latest() const;

  // Catches up now, on the caller's thread (tests; an operator's nudge).
  // OK, or the error of CatchUp()/Snapshot() (the previous snapshot stays).
  [[nodiscard]] Status CatchUpNow();

  // Successful catch-ups so far (for tests and metrics).
  std::uint64_t catch_ups() const;

  // When the last successful catch-up began, in milliseconds since the
  // epoch: its snapshot holds everything the writer committed before then.
  // 0 before the first one.
  std::uint64_t caught_up_unix_ms() const;

 private:
  LedgerFollower(LedgerStore& store, FollowerOptions options)
      : store_(store), options_(options) {}
  void Loop();

  LedgerStore& store_;
  const FollowerOptions options_;
  std::mutex catch_up_mu_;  // one CatchUp() at a time
  mutable std::mutex mu_;   // guards the members below
  std::condition_variable wake_;
  bool stop_ = false;
  std::optional<LedgerSnapshot> latest_;
  std::chrono::steady_clock::time_point caught_up_at_;
  std::uint64_t caught_up_unix_ms_ = 0;
  Status last_error_;
  std::uint64_t catch_ups_ = 0;
  std::thread thread_;
};

}  // namespace certledger

#endif  // CERTLEDGER_LEDGER_FOLLOWER_H_
