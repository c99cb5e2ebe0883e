// Audit pass 1: the entries in log order (see audit_internal.h).
//
// This thread streams the entries in chunks of kChunkEntries, aligned to
// level-0 tiles, and hands each chunk to a worker. A worker reads the
// chunk's level-0 tiles, hashes and decodes each leaf, prepares its record
// (Validator::Prepare: parse, record hash, signature with the key its kid
// names, from a directory of every key the accreditation rows name) and
// looks up, in one MultiGet, the leaf-hash rows of the entries whose leaf
// hash is not their tile's. This thread takes the chunks back in log order
// and, for each entry:
//
//   1. compares its leaf hash with its tile's hash; where they differ, the
//      leaf-hash index decides which of the two changed (its row for the
//      other hash is absent), and that one is the finding;
//   2. lists the leaf-hash and record-hash rows it implies, for pass 2 to
//      check in key order (a scan is far cheaper than a random read each);
//   3. replays the log's rules on a fresh Validator, with the leaf's
//      logged_at as the time, against the certificates accepted so far;
//   4. appends the confirmed hash to a CompactRange, whose every tile of
//      level >= 1 is compared with the stored one when it completes, and
//      the partial tiles at the end.
//
// At most 2 * threads + 1 chunks are in flight.
#include <rocksdb/iterator.h>

#include <condition_variable>
#include <deque>
#include <future>
#include <mutex>
#include <thread>

#include "audit_chunk.h"
#include "audit_internal.h"
#include "certledger/leaf.h"
#include "certledger/merkle.h"
#include "certledger/tile_path.h"
#include "store_keys.h"
#include "tile_edge.h"

namespace certledger::audit {
namespace {

using store::ToSlice;
using store::ToView;

Row ToRow(const rocksdb::Status& status, const rocksdb::PinnableSlice& value) {
  if (status.IsNotFound()) return Row();
  if (!status.ok()) return Row{Row::kError, 0, status.ToString()};
  return RowOf(ToView(value));
}

// Reads the level-0 tiles that hold the chunk's entries.
void ReadTiles(const store::Db& db, std::uint64_t size, Chunk* chunk) {
  const std::uint64_t end = chunk->first + chunk->entries.size();
  for (std::uint64_t t = chunk->first >> 8; (t << 8) < end; ++t) {
    TileFacts tile;
    const bool partial = t >= store::FullTiles(size, 0);
    tile.width = partial ? store::PartialWidth(size, 0) : kTileWidth;
    tile.key = partial ? store::PartialTileKey(0, t) : store::TileKey(0, t);
    std::string value;
    const rocksdb::Status s = db.db->Get(rocksdb::ReadOptions(), ToSlice(tile.key), &value);
    std::vector<Hash256> hashes;
    if (s.IsNotFound()) {
      tile.state = TileFacts::kMissing;
    } else if (!s.ok()) {
      tile.state = TileFacts::kError;
      tile.error = s.ToString();
    } else if (!store::ParseTile(value, static_cast<std::size_t>(tile.width), &hashes)) {
      tile.state = TileFacts::kMalformed;
      tile.stored_bytes = value.size();
    } else {
      for (std::size_t k = 0; k < hashes.size(); ++k) {
        const std::uint64_t index = (t << 8) + k;
        if (index >= chunk->first && index < end) {
          chunk->entries[index - chunk->first].tile_hash = hashes[k];
        }
      }
    }
    chunk->tiles.push_back(std::move(tile));
  }
}

// The worker's part: everything about a chunk that needs no log state.
// The leaf-hash rows are looked up only for entries that disagree with
// their tile (step 1 needs them); pass 2 checks the others.
void Examine(const store::Db& db, const Validator& directory, std::uint64_t size, Chunk* chunk) {
  ReadTiles(db, size, chunk);
  std::vector<std::string> keys;
  std::vector<Row*> rows;
  for (EntryFacts& e : chunk->entries) {
    if (!e.present) {
      e.prepared = PreparedRecord();
      continue;
    }
    const ByteView bytes =
        AsBytes(std::string_view(chunk->leaves).substr(e.bytes_at, e.bytes_size));
    e.leaf_hash = HashLeaf(bytes);
    if (e.tile_hash && *e.tile_hash != e.leaf_hash) {
      keys.push_back(store::LeafHashKey(e.leaf_hash));
      rows.push_back(&e.leaf_row);
      keys.push_back(store::LeafHashKey(*e.tile_hash));
      rows.push_back(&e.tile_row);
    }
    Result<Leaf> leaf = DecodeLeaf(bytes);
    if (leaf.ok()) {
      e.logged_at_ms = leaf->logged_at_ms;
      e.prepared = directory.Prepare(std::move(leaf->record));
    } else {
      e.leaf_status = leaf.status();
      e.prepared = PreparedRecord();
    }
  }
  if (keys.empty()) return;
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const std::string& key : keys) slices.push_back(ToSlice(key));
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db.db->MultiGet(rocksdb::ReadOptions(), db.db->DefaultColumnFamily(), keys.size(), slices.data(),
                  values.data(), statuses.data());
  for (std::size_t i = 0; i < keys.size(); ++i) *rows[i] = ToRow(statuses[i], values[i]);
}

// A few threads that run tasks in the order given.
class WorkerPool {
 public:
  explicit WorkerPool(int threads) {
    for (int i = 0; i < threads; ++i) workers_.emplace_back([this] { Run(); });
  }
  // Joins the workers; tasks not started are dropped.
  ~WorkerPool() {
    {
      std::lock_guard lock(mu_);
      stop_ = true;
    }
    cv_.notify_all();
    for (std::thread& t : workers_) t.join();
  }
  WorkerPool(const WorkerPool&) = delete;
  WorkerPool& operator=(const WorkerPool&) = delete;

  std::future<void> Submit(std::function<void()> fn) {
    std::packaged_task<void()> task(std::move(fn));
    std::future<void> done = task.get_future();
    {
      std::lock_guard lock(mu_);
      tasks_.push_back(std::move(task));
    }
    cv_.notify_one();
    return done;
  }

 private:
  void Run() {
    for (;;) {
      std::packaged_task<void()> task;
      {
        std::unique_lock lock(mu_);
        cv_.wait(lock, [this] { return stop_ || !tasks_.empty(); });
        if (stop_) return;
        task = std::move(tasks_.front());
        tasks_.pop_front();
      }
      task();
    }
  }

  std::mutex mu_;
  std::condition_variable cv_;
  std::deque<std::packaged_task<void()>> tasks_;
  bool stop_ = false;
  std::vector<std::thread> workers_;
};

// Streams the entry rows in key order into chunks. After a read error it
// starts a new iterator at the next index, so one unreadable block costs
// the entries in it, not the rest of the log.
class EntryReader {
 public:
  explicit EntryReader(AuditState& s) : s_(s) {
    options_.iterate_upper_bound = &upper_slice_;
    options_.readahead_size = 4 << 20;
    options_.fill_cache = false;
    Open(0);
  }

  // Fills chunk->entries for indexes [first, first + entries.size()).
  void Fill(Chunk* chunk) {
    const std::uint64_t end = chunk->first + chunk->entries.size();
    std::uint64_t next = chunk->first;
    for (;;) {
      if (!it_->Valid()) {
        if (it_->status().ok() || next >= end) break;
        chunk->entries[next - chunk->first].read_error = it_->status().ToString();
        Open(++next);
        continue;
      }
      std::uint64_t index = 0;
      if (!store::ParseEntryKey(ToView(it_->key()), &index)) {
        Unexpected();
        continue;
      }
      if (index >= end) break;
      if (index >= next) {
        EntryFacts& e = chunk->entries[index - chunk->first];
        e.present = true;
        e.bytes_at = chunk->leaves.size();
        e.bytes_size = it_->value().size();
        chunk->leaves.append(it_->value().data(), it_->value().size());
        next = index + 1;
      }
      it_->Next();
    }
  }

  // Reports the entry rows at or beyond the tree size.
  void Finish() {
    while (it_->Valid()) {
      std::uint64_t index = 0;
      if (!store::ParseEntryKey(ToView(it_->key()), &index)) {
        Unexpected();
        continue;
      }
      s_.findings.Add(
          "unexpected_key", EntrySubject(index), index,
          EntrySubject(index) + " is stored, but the tree has size " + std::to_string(s_.size));
      it_->Next();
    }
    if (!it_->status().ok()) {
      s_.findings.Add("read_error", "entries", std::nullopt,
                      "reading the rows after the last entry failed, so entries beyond the "
                      "tree size may go unreported: " +
                          it_->status().ToString());
    }
  }

 private:
  void Open(std::uint64_t from) {
    it_.reset(s_.db->db->NewIterator(options_));
    it_->Seek(ToSlice(store::EntryKey(from)));
  }

  // Reports the malformed key under the iterator and moves past it.
  void Unexpected() {
    const std::string key = it_->key().ToString();
    s_.findings.Add("unexpected_key", store::DescribeKey(key), std::nullopt,
                    store::DescribeKey(key) + " is among the entries but is not an entry key");
    it_->Next();
  }

  AuditState& s_;
  const std::string upper_ = "f";  // the entry rows are the keys "e..."
  const rocksdb::Slice upper_slice_{upper_};
  rocksdb::ReadOptions options_;
  std::unique_ptr<rocksdb::Iterator> it_;
};

// Every key that an accreditation row names, so that workers can check
// most signatures before the replay reaches them. Best effort: what cannot
// be read here is checked by the replay itself, on this thread.
void LoadKeyDirectory(const AuditState& s, Validator& directory) {
  const std::string prefix = store::AccreditationsPrefix();
  std::unique_ptr<rocksdb::Iterator> it(s.db->db->NewIterator(rocksdb::ReadOptions()));
  for (it->Seek(ToSlice(prefix)); it->Valid() && ToView(it->key()).starts_with(prefix);
       it->Next()) {
    std::uint64_t index = 0;
    if (!store::DecodeIndex(ToView(it->value()), &index) || index >= s.size) continue;
    auto bytes = store::Get(*s.db, rocksdb::ReadOptions(), store::EntryKey(index));
    if (!bytes.ok() || !*bytes) continue;
    auto leaf = DecodeLeaf(AsBytes(**bytes));
    if (!leaf.ok()) continue;
    auto record = ParseRecord(leaf->record);
    if (!record.ok() || record->accreditation() == nullptr) continue;
    (void)directory.Load(*record, index, leaf->logged_at_ms);
  }
}

}  // namespace

void AuditEntries(AuditState& s, const AuditOptions& options) {
  const auto expected = static_cast<std::size_t>(std::min<std::uint64_t>(s.size, 1 << 22));
  s.certificates.Reserve(expected);
  s.expected_leaf_rows.reserve(expected);
  s.expected_record_rows.reserve(expected);
  Validator directory(s.rules);
  LoadKeyDirectory(s, directory);
  Replay replay(s);
  EntryReader reader(s);
  std::deque<std::pair<std::unique_ptr<Chunk>, std::future<void>>> in_flight;
  std::vector<std::unique_ptr<Chunk>> spare;  // applied, to reuse
  WorkerPool pool(options.threads);  // declared last: joined before the chunks go
  const std::size_t max_in_flight = 2 * static_cast<std::size_t>(options.threads) + 1;
  std::uint64_t done = 0;
  const auto apply_first = [&] {
    auto& [chunk, examined] = in_flight.front();
    examined.get();
    replay.Apply(*chunk);
    done += chunk->entries.size();
    spare.push_back(std::move(chunk));
    in_flight.pop_front();
    if (options.progress) options.progress(AuditProgress{done, s.size});
  };
  for (std::uint64_t first = 0; first < s.size; first += kChunkEntries) {
    std::unique_ptr<Chunk> chunk;
    if (spare.empty()) {
      chunk = std::make_unique<Chunk>();
    } else {
      chunk = std::move(spare.back());
      spare.pop_back();
    }
    chunk->Reset(first, static_cast<std::size_t>(std::min(kChunkEntries, s.size - first)));
    reader.Fill(chunk.get());
    Chunk* raw = chunk.get();
    std::future<void> examined =
        pool.Submit([&s, &directory, raw] { Examine(*s.db, directory, s.size, raw); });
    in_flight.emplace_back(std::move(chunk), std::move(examined));
    if (in_flight.size() >= max_in_flight) apply_first();
  }
  while (!in_flight.empty()) apply_first();
  reader.Finish();
  replay.Finish();
  if (options.progress) options.progress(AuditProgress{done, s.size});
}

}  // namespace certledger::audit
