// Ledger: the sequencer over LedgerStore and Validator (see ledger.h).
#include "certledger/ledger.h"

#include <algorithm>
#include <chrono>
#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>
#include <cstring>
#include <unordered_map>
#include <unordered_set>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/merkle.h"

namespace certledger {
namespace {

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

// Certificate numbers as of the committed snapshot plus the batch so far.
class BatchLookup : public CertificateLookup {
 public:
  explicit BatchLookup(const LedgerSnapshot& snapshot) : snapshot_(snapshot) {}

  Result<bool> Exists(std::string_view number) const override {
    if (issued_.count(std::string(number)) != 0) return true;
    auto found = snapshot_.FindCertificate(number);
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
      CL_ASSIGN_OR_RETURN(CertificateStatus status, snapshot_.StatusOf(number));
      if (!status.certificate_index) return out;
      CL_ASSIGN_OR_RETURN(std::string issuer, IssuerAt(snapshot_, *status.certificate_index));
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
  const LedgerSnapshot& snapshot_;
  std::unordered_map<std::string, Issued> issued_;
  std::unordered_set<std::string> revoked_;
};

}  // namespace

struct Ledger::Impl {
  struct Pending {
    PreparedRecord prepared;
    std::promise<Result<AppendResult>> promise;
  };

  LedgerOptions options;
  NamedSecretKey log_key;
  NamedPublicKey log_public;
  LedgerStore store;
  Validator validator;
  std::uint64_t last_logged_at_ms = 0;  // sequencer thread only

  mutable std::mutex mu;
  std::condition_variable cv;
  std::deque<std::shared_ptr<Pending>> queue;
  bool stopping = false;
  std::thread sequencer;

  Impl(LedgerOptions o, NamedSecretKey key, LedgerStore s)
      : options(std::move(o)),
        log_key(std::move(key)),
        log_public(log_key.Public()),
        store(std::move(s)),
        validator(options.rules) {}

  Result<std::string> SignTree(std::uint64_t size, const Hash256& root) const {
    return SignCheckpoint(Checkpoint{log_key.name, size, root, {}}, log_key);
  }

  void Enqueue(std::vector<std::shared_ptr<Pending>> items) {
    {
      std::lock_guard lock(mu);
      for (auto& p : items) queue.push_back(std::move(p));
    }
    cv.notify_one();
  }

  void Run() {
    for (;;) {
      std::vector<std::shared_ptr<Pending>> batch;
      {
        std::unique_lock lock(mu);
        cv.wait(lock, [&] { return stopping || !queue.empty(); });
        if (stopping) break;
        while (!queue.empty() && batch.size() < options.max_batch) {
          batch.push_back(std::move(queue.front()));
          queue.pop_front();
        }
      }
      ProcessBatch(batch);
    }
    std::lock_guard lock(mu);
    for (auto& p : queue) p->promise.set_value(Status::IOError("ledger is closing"));
    queue.clear();
  }

  void ProcessBatch(const std::vector<std::shared_ptr<Pending>>& batch) {
    auto snapshot = store.Snapshot();
    if (!snapshot.ok()) {
      for (auto& p : batch) p->promise.set_value(snapshot.status());
      return;
    }
    const std::uint64_t size = snapshot->size();
    const std::uint64_t logged_at = std::max(options.now_ms(), last_logged_at_ms);
    BatchLookup lookup(*snapshot);
    std::unordered_map<Hash256, std::uint64_t, HashKey> batch_hashes;
    CommitBatch commit;
    struct Accepted {
      Pending* pending;
      std::uint64_t index;
      Hash256 leaf_hash;
      bool duplicate;
    };
    std::vector<Accepted> accepted;
    std::uint64_t next = size;

    for (const auto& p : batch) {
      const PreparedRecord& rec = p->prepared;
      if (!rec.parse_status.ok()) {
        p->promise.set_value(rec.parse_status);
        continue;
      }
      if (auto it = batch_hashes.find(rec.record_hash); it != batch_hashes.end()) {
        accepted.push_back({p.get(), it->second, HashLeaf(commit.entries[it->second - size].leaf), true});
        continue;
      }
      auto earlier = snapshot->FindRecordHash(rec.record_hash);
      if (earlier.ok()) {
        auto leaf = snapshot->Entry(*earlier);
        if (!leaf.ok()) {
          p->promise.set_value(leaf.status());
          continue;
        }
        p->promise.set_value(AppendResult{*earlier, true, HashLeaf(*leaf), size});
        continue;
      }
      if (!earlier.status().Is(StatusCode::kNotFound)) {
        p->promise.set_value(earlier.status());
        continue;
      }
      auto leaf = EncodeLeaf(logged_at, rec.bytes);
      if (!leaf.ok()) {
        p->promise.set_value(leaf.status());
        continue;
      }
      auto effects = validator.Validate(rec, next, logged_at, lookup);
      if (!effects.ok()) {
        p->promise.set_value(effects.status());
        continue;
      }
      NewEntry entry;
      entry.leaf = std::move(*leaf);
      entry.record_hash = rec.record_hash;
      entry.certificate_number = effects->certificate_number;
      entry.revoked_certificate_number = effects->revoked_certificate_number;
      if (effects->accredited_body) {
        entry.accreditation = AccreditationKey{*effects->accredited_body, logged_at / 1000};
      }
      lookup.Add(*effects, next);
      batch_hashes.emplace(rec.record_hash, next);
      accepted.push_back({p.get(), next, HashLeaf(entry.leaf), false});
      commit.entries.push_back(std::move(entry));
      ++next;
    }
    if (accepted.empty()) return;

    auto committed = store.Commit(commit, [this](std::uint64_t s, const Hash256& root) {
      return SignTree(s, root);
    });
    if (!committed.ok()) {
      validator.Rollback(size);
      for (const Accepted& a : accepted) a.pending->promise.set_value(committed.status());
      return;
    }
    last_logged_at_ms = logged_at;
    for (const Accepted& a : accepted) {
      a.pending->promise.set_value(AppendResult{a.index, a.duplicate, a.leaf_hash, committed->size});
    }
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
  CL_ASSIGN_OR_RETURN(LedgerStore store, LedgerStore::Open(options.path));
  auto impl = std::make_unique<Impl>(std::move(options), std::move(log_key), std::move(store));
  CL_ASSIGN_OR_RETURN(LedgerSnapshot snapshot, impl->store.Snapshot());
  CL_RETURN_IF_ERROR(LoadAccreditations(snapshot, impl->validator));
  if (snapshot.checkpoint().empty()) {
    auto first = impl->store.Commit(CommitBatch{}, [&](std::uint64_t s, const Hash256& root) {
      return impl->SignTree(s, root);
    });
    if (!first.ok()) return first.status();
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
  auto pending = std::make_shared<Impl::Pending>();
  pending->prepared = impl_->validator.Prepare(std::move(record));
  auto future = pending->promise.get_future();
  impl_->Enqueue({std::move(pending)});
  return future.get();
}

std::vector<Result<AppendResult>> Ledger::SubmitMany(std::vector<Bytes> records, int threads) {
  threads = std::max(1, threads);
  std::vector<std::future<Result<AppendResult>>> futures;
  futures.reserve(records.size());
  // Prepare in chunks so that the sequencer commits one chunk while the
  // next is being verified.
  const std::size_t chunk = std::max<std::size_t>(256, impl_->options.max_batch);
  for (std::size_t start = 0; start < records.size(); start += chunk) {
    const std::size_t end = std::min(records.size(), start + chunk);
    std::vector<std::shared_ptr<Impl::Pending>> items(end - start);
    auto prepare = [&](std::size_t first) {
      for (std::size_t i = first; i < items.size(); i += static_cast<std::size_t>(threads)) {
        items[i] = std::make_shared<Impl::Pending>();
        items[i]->prepared = impl_->validator.Prepare(std::move(records[start + i]));
      }
    };
    std::vector<std::thread> workers;
    for (int t = 1; t < threads; ++t) workers.emplace_back(prepare, static_cast<std::size_t>(t));
    prepare(0);
    for (auto& w : workers) w.join();
    for (auto& item : items) futures.push_back(item->promise.get_future());
    impl_->Enqueue(std::move(items));
  }
  std::vector<Result<AppendResult>> out;
  out.reserve(futures.size());
  for (auto& f : futures) out.push_back(f.get());
  return out;
}

Result<LedgerSnapshot> Ledger::Snapshot() const { return impl_->store.Snapshot(); }
const NamedPublicKey& Ledger::log_public_key() const { return impl_->log_public; }
const Validator& Ledger::validator() const { return impl_->validator; }

std::size_t Ledger::queue_depth() const {
  std::lock_guard lock(impl_->mu);
  return impl_->queue.size();
}

}  // namespace certledger
