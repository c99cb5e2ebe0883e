// Ledger: the sequencer over LedgerStore and Validator (see ledger.h).
//
// Flow. Submit() and SubmitMany() prepare records on the callers' threads
// (Validator::Prepare: parse, hash, signature) and queue them in chunks;
// SubmitMany() prepares chunk after chunk on several threads and queues
// each as soon as it and every chunk before it are ready, so the sequencer
// commits one part while the next is being verified. The sequencer thread
// takes up to max_batch queued records, judges them in order, and commits
// the accepted ones with one signed checkpoint in one synced write; callers
// wake once their records' batch is durable.
//
// Optimistic judging. Whether a record was logged before (its record hash)
// and whether a certificate number is taken are, for new records, answered
// without reading the store: the first pass assumes neither key is in the
// committed tree (it does track the batch so far). LedgerStore::Commit
// refuses any index key that exists (one MultiGet over the batch's keys,
// answered mostly by bloom filters), so a batch where the assumption was
// wrong fails with "index_exists" and nothing is written; it is then judged
// again in a careful pass that asks the store for every record and gives
// each its exact answer (its first index, number_in_use). A record refused
// in the first pass is looked up in the store before the refusal stands,
// so a resubmitted record always gets its first index back.
//
// Accreditation rows are keyed by (body, second, entry index) in the store,
// so several accreditations of one body within a second, even in one batch,
// keep their log order and need no special handling here.
#include "certledger/ledger.h"

#include <pthread.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <condition_variable>
#include <cstring>
#include <deque>
#include <mutex>
#include <optional>
#include <thread>
#include <unordered_map>
#include <unordered_set>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/merkle.h"

namespace certledger {
namespace {

// Records per chunk that SubmitMany() prepares and queues at a time, at
// most; fewer for small calls, so that every thread gets a share.
constexpr std::size_t kMaxChunkRecords = 512;

std::uint64_t SystemNowMs() {
  return static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::milliseconds>(
                                        std::chrono::system_clock::now().time_since_epoch())
                                        .count());
}

struct HashKey {
  std::size_t operator()(const Hash256& h) const {
    std::size_t v;
    std::memcpy(&v, h.data(), sizeof v);
    return v;
  }
};

// The results of one Submit() or SubmitMany() call, filled in by the
// sequencer in log order.
class Completion {
 public:
  explicit Completion(std::size_t n) : results_(n) {}

  void Set(std::size_t slot, Result<AppendResult> result) {
    std::lock_guard lock(mu_);
    results_[slot].emplace(std::move(result));
    ++completed_;
    if (completed_ == results_.size() || (wake_at_ != 0 && completed_ >= wake_at_)) {
      wake_at_ = 0;
      cv_.notify_all();
    }
  }

  // Waits until at least `count` results are in.
  void WaitFor(std::size_t count) {
    count = std::min(count, results_.size());
    std::unique_lock lock(mu_);
    while (completed_ < count) {
      if (wake_at_ == 0 || count < wake_at_) wake_at_ = count;
      cv_.wait(lock);
    }
  }

  std::vector<Result<AppendResult>> Take() {
    WaitFor(results_.size());
    std::vector<Result<AppendResult>> out;
    out.reserve(results_.size());
    for (auto& r : results_) out.push_back(std::move(*r));
    return out;
  }

 private:
  std::mutex mu_;
  std::condition_variable cv_;
  std::vector<std::optional<Result<AppendResult>>> results_;
  std::size_t completed_ = 0;
  std::size_t wake_at_ = 0;  // a waiter wants to know when completed_ reaches this
};

struct Item {
  PreparedRecord prepared;
  Completion* done = nullptr;
  std::size_t slot = 0;
};
using Chunk = std::vector<Item>;

// The committed tree as a snapshot, made on first use.
class LazySnapshot {
 public:
  explicit LazySnapshot(const LedgerStore& store) : store_(store) {}
  Result<const LedgerSnapshot*> Get() {
    if (!snapshot_) {
      CL_ASSIGN_OR_RETURN(LedgerSnapshot s, store_.Snapshot());
      snapshot_.emplace(std::move(s));
    }
    return &*snapshot_;
  }

 private:
  const LedgerStore& store_;
  std::optional<LedgerSnapshot> snapshot_;
};

// The issuer of the certificate logged at `index`.
Result<std::string> IssuerAt(const LedgerSnapshot& snapshot, std::uint64_t index) {
  CL_ASSIGN_OR_RETURN(Bytes leaf_bytes, snapshot.Entry(index));
  auto leaf = DecodeLeaf(leaf_bytes);
  if (!leaf.ok()) return Status::Corruption("entry " + std::to_string(index) + ": " + leaf.status().message());
  auto record = ParseRecord(leaf->record);
  if (!record.ok()) {
    return Status::Corruption("entry " + std::to_string(index) + ": " + record.status().message());
  }
  return record->claims.iss;
}

// An entry of the committed tree that holds a record, with its leaf hash.
struct Earlier {
  std::uint64_t index = 0;
  Hash256 leaf_hash{};
};

Result<std::optional<Earlier>> FindEarlier(LazySnapshot& lazy, const Hash256& record_hash) {
  CL_ASSIGN_OR_RETURN(const LedgerSnapshot* snapshot, lazy.Get());
  auto index = snapshot->FindRecordHash(record_hash);
  if (index.status().Is(StatusCode::kNotFound)) return std::optional<Earlier>();
  if (!index.ok()) return index.status();
  CL_ASSIGN_OR_RETURN(Bytes leaf, snapshot->Entry(*index));
  return std::optional<Earlier>(Earlier{*index, HashLeaf(leaf)});
}

// Certificate numbers as of the committed tree plus the batch so far. In
// the optimistic pass, Exists() does not ask the store (see the top).
class BatchLookup : public CertificateLookup {
 public:
  BatchLookup(LazySnapshot& snapshot, bool careful) : snapshot_(snapshot), careful_(careful) {}

  Result<bool> Exists(std::string_view number) const override {
    if (issued_.count(std::string(number)) != 0) return true;
    if (!careful_) return false;
    CL_ASSIGN_OR_RETURN(const LedgerSnapshot* snapshot, snapshot_.Get());
    auto found = snapshot->FindCertificate(number);
    if (found.ok()) return true;
    if (found.status().Is(StatusCode::kNotFound)) return false;
    return found.status();
  }

  Result<std::optional<Issued>> Find(std::string_view number) const override {
    const std::string key(number);
    std::optional<Issued> out;
    if (auto it = issued_.find(key); it != issued_.end()) {
      out = it->second;
    } else {
      CL_ASSIGN_OR_RETURN(const LedgerSnapshot* snapshot, snapshot_.Get());
      CL_ASSIGN_OR_RETURN(CertificateStatus status, snapshot->StatusOf(number));
      if (!status.certificate_index) return out;
      CL_ASSIGN_OR_RETURN(std::string issuer, IssuerAt(*snapshot, *status.certificate_index));
      out = Issued{*status.certificate_index, std::move(issuer), status.revocation_index.has_value()};
    }
    if (revoked_.count(key) != 0) out->revoked = true;
    return out;
  }

  void Add(const RecordEffects& effects, std::uint64_t index) {
    if (effects.certificate_number) {
      issued_[*effects.certificate_number] = Issued{index, effects.issuer, false};
    }
    if (effects.revoked_certificate_number) revoked_.insert(*effects.revoked_certificate_number);
  }

 private:
  LazySnapshot& snapshot_;
  const bool careful_;
  std::unordered_map<std::string, Issued> issued_;
  std::unordered_set<std::string> revoked_;
};

// The sequencer's answer for one record of a batch.
struct Judged {
  Status refusal;  // not OK: the record's refusal or error
  std::uint64_t index = 0;
  Hash256 leaf_hash{};
  bool duplicate = false;
  bool committed_before = false;  // a duplicate of an entry of the committed tree
};

// One pass over a batch.
struct Plan {
  std::vector<Judged> judged;  // the first judged.size() items; the rest wait
  CommitBatch commit;
};

bool IsIndexConflict(const Status& s) {
  return s.Is(StatusCode::kAlreadyExists) && s.reason() == "index_exists";
}

}  // namespace

struct Ledger::Impl {
  LedgerOptions options;
  NamedSecretKey log_key;
  NamedPublicKey log_public;
  LedgerStore store;
  Validator validator;
  // Sequencer thread only (and Open() before it starts).
  std::uint64_t size = 0;  // the committed tree's size
  std::uint64_t last_logged_at_ms = 0;

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<Chunk> queue;  // guarded by mu
  bool stopping = false;    // guarded by mu
  std::atomic<std::size_t> queued{0};
  std::thread sequencer;

  Impl(LedgerOptions o, NamedSecretKey key, LedgerStore s)
      : options(std::move(o)),
        log_key(std::move(key)),
        log_public(log_key.Public()),
        store(std::move(s)),
        validator(options.rules) {}

  Result<std::string> SignTree(std::uint64_t tree_size, const Hash256& root) const {
    return SignCheckpoint(Checkpoint{log_key.name, tree_size, root, {}}, log_key);
  }

  static void Fail(Chunk& chunk, std::size_t from, const Status& status) {
    for (std::size_t i = from; i < chunk.size(); ++i) chunk[i].done->Set(chunk[i].slot, status);
  }

  void Enqueue(Chunk chunk) {
    {
      std::lock_guard lock(mu);
      if (!stopping) {
        queued += chunk.size();
        queue.push_back(std::move(chunk));
        cv.notify_one();
        return;
      }
    }
    Fail(chunk, 0, Status::IOError("ledger is closing"));
  }

  void Run() {
    // Named for top -H, perf and bench/ledger_bench.cpp (its CPU time).
    pthread_setname_np(pthread_self(), "cl-sequencer");
    std::deque<Chunk> local;  // taken from the queue; local.front() from `offset`
    std::size_t offset = 0;
    std::size_t local_count = 0;
    std::vector<Item*> batch;
    for (;;) {
      {
        std::unique_lock lock(mu);
        if (local_count == 0) cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) break;
        while (!queue.empty() && local_count < options.max_batch) {
          local_count += queue.front().size();
          local.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      batch.clear();
      std::size_t at = offset;
      for (auto chunk = local.begin(); chunk != local.end() && batch.size() < options.max_batch;) {
        batch.push_back(&(*chunk)[at]);
        if (++at == chunk->size()) {
          ++chunk;
          at = 0;
        }
      }
      std::size_t done = ProcessBatch(batch);
      local_count -= done;
      queued -= done;
      while (done > 0) {
        const std::size_t left = local.front().size() - offset;
        if (done < left) {
          offset += done;
          break;
        }
        done -= left;
        local.pop_front();
        offset = 0;
      }
    }
    const Status closing = Status::IOError("ledger is closing");
    for (Chunk& chunk : local) {
      Fail(chunk, offset, closing);
      offset = 0;
    }
    std::lock_guard lock(mu);
    for (Chunk& chunk : queue) Fail(chunk, 0, closing);
    queue.clear();
  }

  // Judges the items of `batch` in order as entries from `size` on, logged
  // at `logged_at`.
  Plan Judge(const std::vector<Item*>& batch, std::uint64_t logged_at, bool careful) {
    Plan plan;
    plan.judged.reserve(batch.size());
    plan.commit.entries.reserve(batch.size());
    LazySnapshot snapshot(store);
    BatchLookup lookup(snapshot, careful);
    std::unordered_map<Hash256, std::size_t, HashKey> batch_hashes;  // -> judged position
    std::uint64_t next = size;
    for (std::size_t i = 0; i < batch.size(); ++i) {
      const PreparedRecord& rec = batch[i]->prepared;
      Judged& j = plan.judged.emplace_back();
      if (!rec.parse_status.ok()) {
        j.refusal = rec.parse_status;
        continue;
      }
      if (auto it = batch_hashes.find(rec.record_hash); it != batch_hashes.end()) {
        const Judged& first = plan.judged[it->second];
        j.index = first.index;
        j.leaf_hash = first.leaf_hash;
        j.duplicate = true;
        continue;
      }
      if (careful && UseEarlier(snapshot, rec.record_hash, j)) continue;
      Status refusal = Accept(rec, logged_at, next, lookup, plan.commit, j);
      if (refusal.ok()) {
        batch_hashes.emplace(rec.record_hash, i);
        ++next;
      } else if (careful || !UseEarlier(snapshot, rec.record_hash, j)) {
        j.refusal = std::move(refusal);
      }
    }
    return plan;
  }

  // Fills `j` with the committed entry holding the record, if there is one
  // (true), or with the error of looking (true). False if there is none.
  static bool UseEarlier(LazySnapshot& snapshot, const Hash256& record_hash, Judged& j) {
    auto earlier = FindEarlier(snapshot, record_hash);
    if (!earlier.ok()) {
      j.refusal = earlier.status();
      return true;
    }
    if (!*earlier) return false;
    j.index = (*earlier)->index;
    j.leaf_hash = (*earlier)->leaf_hash;
    j.duplicate = true;
    j.committed_before = true;
    return true;
  }

  // Validates `rec` as entry `index` and adds it to `commit`; the refusal
  // otherwise.
  Status Accept(const PreparedRecord& rec, std::uint64_t logged_at, std::uint64_t index,
                BatchLookup& lookup, CommitBatch& commit, Judged& j) {
    CL_ASSIGN_OR_RETURN(Bytes leaf, EncodeLeaf(logged_at, rec.bytes));
    CL_ASSIGN_OR_RETURN(RecordEffects effects, validator.Validate(rec, index, logged_at, lookup));
    lookup.Add(effects, index);
    NewEntry entry;
    j.index = index;
    j.leaf_hash = HashLeaf(leaf);
    entry.leaf = std::move(leaf);
    entry.record_hash = rec.record_hash;
    entry.certificate_number = std::move(effects.certificate_number);
    entry.revoked_certificate_number = std::move(effects.revoked_certificate_number);
    if (effects.accredited_body) {
      entry.accreditation = AccreditationKey{std::move(*effects.accredited_body), logged_at / 1000};
    }
    commit.entries.push_back(std::move(entry));
    return Status::OK();
  }

  Result<CommittedTree> Commit(const CommitBatch& commit) {
    return store.Commit(commit, [this](std::uint64_t s, const Hash256& root) {
      return SignTree(s, root);
    });
  }

  // Judges and commits a batch, and answers its callers. Returns how many
  // items of `batch` it answered (at least one).
  std::size_t ProcessBatch(const std::vector<Item*>& batch) {
    const std::uint64_t logged_at =
        std::max(options.now_ms(), last_logged_at_ms);
    Plan plan = Judge(batch, logged_at, /*careful=*/false);
    std::optional<Result<CommittedTree>> committed;
    if (!plan.commit.entries.empty()) {
      committed = Commit(plan.commit);
      if (!committed->ok() && IsIndexConflict(committed->status())) {
        validator.Rollback(size);
        plan = Judge(batch, logged_at, /*careful=*/true);
        committed.reset();
        if (!plan.commit.entries.empty()) committed = Commit(plan.commit);
      }
      if (committed && !committed->ok()) validator.Rollback(size);
    }
    const bool ok = committed && committed->ok();
    const std::uint64_t new_size = ok ? (*committed)->size : size;
    for (std::size_t i = 0; i < plan.judged.size(); ++i) {
      const Judged& j = plan.judged[i];
      Item& item = *batch[i];
      if (!j.refusal.ok()) {
        item.done->Set(item.slot, j.refusal);
      } else if (j.committed_before) {
        item.done->Set(item.slot, AppendResult{j.index, true, j.leaf_hash, size});
      } else if (!ok) {
        item.done->Set(item.slot, committed->status());
      } else {
        item.done->Set(item.slot, AppendResult{j.index, j.duplicate, j.leaf_hash, new_size});
      }
    }
    if (ok) {
      size = new_size;
      last_logged_at_ms = logged_at;
    }
    return plan.judged.size();
  }
};

Status LoadAccreditations(const LedgerSnapshot& snapshot, Validator& validator) {
  CL_ASSIGN_OR_RETURN(std::vector<AccreditationRow> rows, snapshot.AllAccreditations());
  std::sort(rows.begin(), rows.end(),
            [](const AccreditationRow& a, const AccreditationRow& b) { return a.index < b.index; });
  for (const AccreditationRow& row : rows) {
    CL_ASSIGN_OR_RETURN(Bytes bytes, snapshot.Entry(row.index));
    auto leaf = DecodeLeaf(bytes);
    if (!leaf.ok()) return Status::Corruption("entry " + std::to_string(row.index) + ": " + leaf.status().message());
    auto record = ParseRecord(leaf->record);
    if (!record.ok() || record->accreditation() == nullptr) {
      return Status::Corruption("entry " + std::to_string(row.index) +
                                " is indexed as an accreditation but is not one");
    }
    CL_RETURN_IF_ERROR(validator.Load(*record, row.index, leaf->logged_at_ms));
  }
  return Status::OK();
}

Result<std::unique_ptr<Ledger>> Ledger::Open(LedgerOptions options, NamedSecretKey log_key) {
  if (!options.now_ms) options.now_ms = SystemNowMs;
  if (options.max_batch == 0) return Status::InvalidArgument("ledger: max_batch must be positive");
  CL_ASSIGN_OR_RETURN(LedgerStore store, LedgerStore::Open(options.path, options.store));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(log_key), std::move(store));
  CL_ASSIGN_OR_RETURN(LedgerSnapshot snapshot, impl->store.Snapshot());
  CL_RETURN_IF_ERROR(LoadAccreditations(snapshot, impl->validator));
  if (snapshot.checkpoint().empty()) {
    CL_RETURN_IF_ERROR(impl->Commit(CommitBatch{}).status());
  } else {
    auto cp = OpenCheckpoint(snapshot.checkpoint(), impl->log_public);
    if (!cp.ok()) {
      return Status::Corruption("stored checkpoint does not verify with the log key: " +
                                cp.status().message());
    }
    if (cp->size != snapshot.size() || cp->root != snapshot.root()) {
      return Status::Corruption("stored checkpoint does not match the stored tree");
    }
    if (snapshot.size() > 0) {
      CL_ASSIGN_OR_RETURN(Bytes last, snapshot.Entry(snapshot.size() - 1));
      auto leaf = DecodeLeaf(last);
      if (!leaf.ok()) return Status::Corruption("last entry: " + leaf.status().message());
      impl->last_logged_at_ms = leaf->logged_at_ms;
    }
  }
  impl->size = snapshot.size();
  impl->sequencer = std::thread([p = impl.get()] { p->Run(); });
  return std::unique_ptr<Ledger>(new Ledger(std::move(impl)));
}

Ledger::Ledger(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

Ledger::~Ledger() {
  {
    std::lock_guard lock(impl_->mu);
    impl_->stopping = true;
  }
  impl_->cv.notify_all();
  if (impl_->sequencer.joinable()) impl_->sequencer.join();
}

Result<AppendResult> Ledger::Submit(Bytes record) {
  Completion done(1);
  Chunk chunk(1);
  chunk[0].prepared = impl_->validator.Prepare(std::move(record));
  chunk[0].done = &done;
  impl_->Enqueue(std::move(chunk));
  return std::move(done.Take()[0]);
}

std::vector<Result<AppendResult>> Ledger::SubmitMany(std::vector<Bytes> records, int threads) {
  const std::size_t n = records.size();
  if (n == 0) return {};
  Completion done(n);
  threads = std::clamp(threads, 1, 64);
  const std::size_t chunk_records =
      std::clamp<std::size_t>(n / (2 * static_cast<std::size_t>(threads)), 16, kMaxChunkRecords);
  const std::size_t chunks = (n + chunk_records - 1) / chunk_records;
  // Chunks prepared ahead of the sequencer, at most: enough for two full
  // batches, so that memory stays bounded however many records come.
  const std::size_t ahead = 2 * ((impl_->options.max_batch + chunk_records - 1) / chunk_records) + 2;
  std::atomic<std::size_t> next_chunk{0};
  std::mutex ready_mu;  // guards ready and next_to_queue
  std::vector<std::optional<Chunk>> ready(chunks);
  std::size_t next_to_queue = 0;
  auto work = [&] {
    for (;;) {
      const std::size_t c = next_chunk.fetch_add(1);
      if (c >= chunks) return;
      if (c >= ahead) done.WaitFor((c - ahead + 1) * chunk_records);
      const std::size_t first = c * chunk_records;
      Chunk chunk(std::min(chunk_records, n - first));
      for (std::size_t i = 0; i < chunk.size(); ++i) {
        chunk[i].prepared = impl_->validator.Prepare(std::move(records[first + i]));
        chunk[i].done = &done;
        chunk[i].slot = first + i;
      }
      // Queue chunks strictly in order: this one and any that were waiting for it.
      std::lock_guard lock(ready_mu);
      ready[c].emplace(std::move(chunk));
      while (next_to_queue < chunks && ready[next_to_queue]) {
        impl_->Enqueue(std::move(*ready[next_to_queue]));
        ready[next_to_queue].reset();
        ++next_to_queue;
      }
    }
  };
  const int helpers =
      static_cast<int>(std::min<std::size_t>(static_cast<std::size_t>(threads) - 1, chunks - 1));
  std::vector<std::thread> workers;
  for (int t = 0; t < helpers; ++t) workers.emplace_back(work);
  work();
  for (auto& w : workers) w.join();
  return done.Take();
}

Result<LedgerSnapshot> Ledger::Snapshot() const { return impl_->store.Snapshot(); }
const NamedPublicKey& Ledger::log_public_key() const { return impl_->log_public; }
const Validator& Ledger::validator() const { return impl_->validator; }

std::size_t Ledger::queue_depth() const { return impl_->queued.load(); }

Status Ledger::write_error() const { return impl_->store.write_error(); }

}  // namespace certledger
