#include "certledger/ledger_follower.h"

namespace certledger {

Result<std::unique_ptr<LedgerFollower>> LedgerFollower::Start(LedgerStore& store,
                                                              FollowerOptions options) {
  if (!store.read_only()) {
    return Status::InvalidArgument("a follower needs a store opened with OpenSecondary()");
  }
  std::unique_ptr<LedgerFollower> follower(new LedgerFollower(store, options));
  CL_RETURN_IF_ERROR(follower->CatchUpNow());
  follower->thread_ = std::thread([f = follower.get()] { f->Loop(); });
  return follower;
}

LedgerFollower::~LedgerFollower() {
  {
    std::lock_guard lock(mu_);
    stop_ = true;
  }
  wake_.notify_all();
  if (thread_.joinable()) thread_.join();
}

Status LedgerFollower::CatchUpNow() {
  std::lock_guard catch_up(catch_up_mu_);
  const auto began = std::chrono::duration_cast<std::chrono::milliseconds>(
                         std::chrono::system_clock::now().time_since_epoch())
                         .count();
  Status s = store_.CatchUp();
  Result<LedgerSnapshot> snapshot = s.ok() ? store_.Snapshot() : Result<LedgerSnapshot>(s);
  std::lock_guard lock(mu_);
  if (!snapshot.ok()) {
    last_error_ = snapshot.status();
    return snapshot.status();
  }
  latest_ = std::move(*snapshot);
  last_error_ = Status::OK();
  caught_up_at_ = std::chrono::steady_clock::now();
  caught_up_unix_ms_ = static_cast<std::uint64_t>(began);
  ++catch_ups_;
  return Status::OK();
}

void LedgerFollower::Loop() {
  std::unique_lock lock(mu_);
  while (!stop_) {
    wake_.wait_for(lock, options_.interval, [this] { return stop_; });
    if (stop_) break;
    lock.unlock();
    (void)CatchUpNow();  // a failure is kept in last_error_ and shows as staleness
    lock.lock();
  }
}

Result<LedgerSnapshot> LedgerFollower::Latest() const {
  std::lock_guard lock(mu_);
  const auto age = std::chrono::steady_clock::now() - caught_up_at_;
  if (!latest_ || age > options_.max_staleness) {
    const auto ms = std::chrono::duration_cast<std::chrono::milliseconds>(age).count();
    return Status::IOError("the verifier's copy of the ledger is stale: last caught up " +
                           std::to_string(ms) + " ms ago" +
                           (last_error_.ok() ? std::string() : "; " + last_error_.ToString()))
        .WithReason("stale");
  }
  return *latest_;
}

std::uint64_t LedgerFollower::catch_ups() const {
  std::lock_guard lock(mu_);
  return catch_ups_;
}

std::uint64_t LedgerFollower::caught_up_unix_ms() const {
  std::lock_guard lock(mu_);
  return caught_up_unix_ms_;
}

}  // namespace certledger
