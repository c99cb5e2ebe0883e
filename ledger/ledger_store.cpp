// LedgerStore: opening, recovery and the commit path.
//
// The key schema is written as a grammar at the top of store_keys.cpp (and
// in docs/STORAGE.md). One commit is one WriteBatch with sync=true holding:
//
//   for each new entry i:   entry i, leaf-hash, and its optional index rows
//   for each completed tile: tile (l, n), and the delete of partial (l, n)
//   for each level whose right edge changed: partial (l, n) of the new size
//   state (new size and root), checkpoint (signed for that size and root)
//
// The writer keeps the right edge in memory (a CompactRange and the partial
// tiles of every level), so a commit reads nothing but the existence of the
// keys it is about to write: one MultiGet for the index rows and tiles, one
// iterator seek for the entries.
#include "certledger/ledger_store.h"

#include <rocksdb/write_batch.h>

#include <algorithm>
#include <mutex>
#include <unordered_set>
#include <utility>

#include "store_db.h"
#include "store_keys.h"
#include "store_state.h"
#include "tile_edge.h"

namespace certledger {

using store::Db;
using store::FromRocks;
using store::ToSlice;

struct LedgerStore::Impl {
  std::shared_ptr<Db> db;
  std::mutex commit_mu;
  // The writer's state (primary only), guarded by commit_mu. Replaced only
  // after a successful write, so a failed commit leaves it as it was.
  CompactRange range;
  store::TileEdge edge;
  // The error of the last failed write or resume; OK once a write
  // succeeds. Not OK: RocksDB refuses writes until Resume() succeeds.
  // Guarded by error_mu (not commit_mu, which a commit holds while it syncs).
  mutable std::mutex error_mu;
  Status write_error;

  Status WriteError() const {
    std::lock_guard lock(error_mu);
    return write_error;
  }
  void SetWriteError(Status s) {
    std::lock_guard lock(error_mu);
    write_error = std::move(s);
  }
};

namespace {

Status CheckKeyText(std::string_view what, std::string_view text, std::size_t position) {
  if (text.empty() || text.size() > kMaxIndexKeyBytes) {
    return Status::InvalidArgument("entry " + std::to_string(position) +
                                   " of the batch: " + std::string(what) + " must be 1 to " +
                                   std::to_string(kMaxIndexKeyBytes) + " bytes, got " +
                                   std::to_string(text.size()));
  }
  return Status::OK();
}

// The index keys of one entry, appended to `keys`.
Status AppendIndexKeys(const NewEntry& entry, const Hash256& leaf_hash, std::size_t position,
                       std::uint64_t index, std::vector<std::string>* keys) {
  keys->push_back(store::LeafHashKey(leaf_hash));
  if (entry.record_hash) keys->push_back(store::RecordHashKey(*entry.record_hash));
  if (entry.certificate_number) {
    CL_RETURN_IF_ERROR(CheckKeyText("certificate number", *entry.certificate_number, position));
    keys->push_back(store::CertificateKey(*entry.certificate_number));
  }
  if (entry.revoked_certificate_number) {
    CL_RETURN_IF_ERROR(
        CheckKeyText("revoked certificate number", *entry.revoked_certificate_number, position));
    keys->push_back(store::RevocationKey(*entry.revoked_certificate_number));
  }
  if (entry.accreditation) {
    CL_RETURN_IF_ERROR(CheckKeyText("body id", entry.accreditation->body_id, position));
    keys->push_back(
        store::AccreditationKey(entry.accreditation->body_id, entry.accreditation->time, index));
  }
  return Status::OK();
}

// A failed write or recovery, for the submitters of the batch: reason
// "storage_full" (ResourceExhausted) when the disk is full, "storage_error"
// (IOError) otherwise, e.g. a read-only file system. OK for OK.
Status StorageError(const rocksdb::Status& status, std::string_view doing) {
  if (status.ok()) return Status::OK();
  const std::string message = "the ledger store cannot write (" + std::string(doing) +
                              "): rocksdb: " + status.ToString() +
                              "; the batch was not acknowledged, submit it again later";
  if (status.IsNoSpace()) return Status::ResourceExhausted(message).WithReason("storage_full");
  return Status::IOError(message).WithReason("storage_error");
}

Status Exists(std::string_view key) {
  return Status::AlreadyExists(store::DescribeKey(key) + " already exists")
      .WithReason("index_exists");
}

// AlreadyExists for the first key that occurs twice in `keys`.
Status CheckDistinct(const std::vector<std::string>& keys) {
  std::unordered_set<std::string_view> seen;
  seen.reserve(keys.size());
  for (const std::string& key : keys) {
    if (!seen.insert(key).second) {
      return Status::AlreadyExists(store::DescribeKey(key) + " occurs twice in the batch")
          .WithReason("index_exists");
    }
  }
  return Status::OK();
}

// AlreadyExists for the first of `keys` that the database holds.
Status CheckAbsent(const Db& db, const std::vector<std::string>& keys) {
  if (keys.empty()) return Status::OK();
  std::vector<rocksdb::Slice> slices;
  slices.reserve(keys.size());
  for (const std::string& key : keys) slices.push_back(ToSlice(key));
  std::vector<rocksdb::PinnableSlice> values(keys.size());
  std::vector<rocksdb::Status> statuses(keys.size());
  db.db->MultiGet(rocksdb::ReadOptions(), db.db->DefaultColumnFamily(), keys.size(), slices.data(),
                  values.data(), statuses.data());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    if (statuses[i].ok()) return Exists(keys[i]);
    if (!statuses[i].IsNotFound()) return FromRocks(statuses[i], "checking index keys");
  }
  return Status::OK();
}

// AlreadyExists if any entry at or after `first` is stored.
Status CheckNoEntriesFrom(const Db& db, std::uint64_t first) {
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions()));
  const std::string key = store::EntryKey(first);
  it->Seek(ToSlice(key));
  std::uint64_t index = 0;
  if (it->Valid() && store::ParseEntryKey(store::ToView(it->key()), &index)) {
    return Exists(store::ToView(it->key()));
  }
  return FromRocks(it->status(), "checking entry keys");
}

// The checkpoint must be for the tree being committed: C2SP
// tlog-checkpoint's second and third lines are the decimal size and the
// base64 root hash.
Status CheckCheckpoint(std::string_view text, std::uint64_t size, const Hash256& root) {
  std::string_view lines[3];
  std::string_view rest = text;
  for (std::string_view& line : lines) {
    const std::size_t nl = rest.find('\n');
    if (nl == std::string_view::npos) {
      return Status::InvalidArgument("checkpoint has no origin, size and root lines")
          .WithReason("checkpoint_mismatch");
    }
    line = rest.substr(0, nl);
    rest = rest.substr(nl + 1);
  }
  if (lines[1] != std::to_string(size)) {
    return Status::InvalidArgument("checkpoint is for tree size \"" + std::string(lines[1]) +
                                   "\", the new tree has size " + std::to_string(size))
        .WithReason("checkpoint_mismatch");
  }
  if (lines[2] != Base64Encode(AsBytes(root))) {
    return Status::InvalidArgument("checkpoint root \"" + std::string(lines[2]) +
                                   "\" is not the new tree's root " + Base64Encode(AsBytes(root)))
        .WithReason("checkpoint_mismatch");
  }
  return Status::OK();
}

// Puts and deletes the partial tiles that differ between `before` and
// `after` (the edge before and after a commit).
void WritePartials(const store::TileEdge& before, const store::TileEdge& after,
                   rocksdb::WriteBatch* batch) {
  for (int level = 0; level < store::kTileLevels; ++level) {
    const std::uint64_t old_index = store::FullTiles(before.size(), level);
    const int old_width = store::PartialWidth(before.size(), level);
    const std::uint64_t new_index = store::FullTiles(after.size(), level);
    const int new_width = store::PartialWidth(after.size(), level);
    if (old_index == new_index && old_width == new_width) continue;
    if (old_width > 0 && (old_index != new_index || new_width == 0)) {
      batch->Delete(ToSlice(store::PartialTileKey(level, old_index)));
    }
    if (new_width > 0) {
      const std::vector<Hash256>& hashes = after.partial(level);
      batch->Put(ToSlice(store::PartialTileKey(level, new_index)),
                 ToSlice(store::TileBytes(hashes.data(), hashes.size())));
    }
  }
}

// Writes the format and the empty tree into a new, empty database.
Status InitializeEmpty(const Db& db) {
  std::unique_ptr<rocksdb::Iterator> it(db.db->NewIterator(rocksdb::ReadOptions()));
  it->SeekToFirst();
  if (it->Valid()) {
    return Status::Corruption("the database holds data but no certledger format key");
  }
  CL_RETURN_IF_ERROR(FromRocks(it->status(), "reading a new ledger store"));
  it.reset();
  rocksdb::WriteBatch batch;
  batch.Put(ToSlice(store::FormatKey()), ToSlice(store::kFormatVersion));
  batch.Put(ToSlice(store::StateKey()), ToSlice(store::EncodeState(0, EmptyRoot())));
  rocksdb::WriteOptions options;
  options.sync = true;
  return FromRocks(db.db->Write(options, &batch), "initializing the ledger store");
}

Status CheckFormat(const Db& db, bool create) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> format,
                      store::Get(db, rocksdb::ReadOptions(), store::FormatKey()));
  if (!format) {
    if (create) return InitializeEmpty(db);
    return Status::NotFound("no certledger store here (no format key)");
  }
  if (*format != store::kFormatVersion) {
    return Status::Corruption("unknown ledger store format \"" + *format + "\"");
  }
  return Status::OK();
}

}  // namespace

LedgerStore::LedgerStore(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}
LedgerStore::LedgerStore(LedgerStore&&) noexcept = default;
LedgerStore& LedgerStore::operator=(LedgerStore&&) noexcept = default;
LedgerStore::~LedgerStore() = default;

bool LedgerStore::read_only() const { return impl_->db->secondary; }

Result<LedgerStore> LedgerStore::Open(const std::string& path, const StoreOptions& options) {
  auto impl = std::make_unique<Impl>();
  CL_ASSIGN_OR_RETURN(impl->db, store::OpenPrimary(path, options.env));
  const Db& db = *impl->db;
  CL_RETURN_IF_ERROR(CheckFormat(db, /*create=*/true));

  CL_ASSIGN_OR_RETURN(store::TreeState tree, store::ReadTreeState(db, rocksdb::ReadOptions()));
  const store::TileEdge& edge = tree.edge;
  CL_ASSIGN_OR_RETURN(impl->range,
                      CompactRange::FromNodes(tree.size, [&edge](int level, std::uint64_t index) {
                        return edge.Node(level, index);
                      }));
  if (impl->range.Root() != tree.root) {
    return Status::Corruption("stored partial tiles give root " +
                              HexEncode(AsBytes(impl->range.Root())) + ", the stored root is " +
                              HexEncode(AsBytes(tree.root)));
  }
  // Entries must be exactly [0, size).
  Status beyond = CheckNoEntriesFrom(db, tree.size);
  if (beyond.Is(StatusCode::kAlreadyExists)) {
    return Status::Corruption("stored tree has size " + std::to_string(tree.size) + " but " +
                              beyond.message());
  }
  CL_RETURN_IF_ERROR(beyond);
  if (tree.size > 0) {
    CL_ASSIGN_OR_RETURN(std::optional<std::string> last,
                        store::Get(db, rocksdb::ReadOptions(), store::EntryKey(tree.size - 1)));
    if (!last) {
      return Status::Corruption("entry " + std::to_string(tree.size - 1) +
                                " is missing below the stored tree size");
    }
  }
  impl->edge = std::move(tree.edge);
  return LedgerStore(std::move(impl));
}

Result<LedgerStore> LedgerStore::OpenSecondary(const std::string& path,
                                               const std::string& secondary_path) {
  auto impl = std::make_unique<Impl>();
  CL_ASSIGN_OR_RETURN(impl->db, store::OpenSecondaryDb(path, secondary_path));
  CL_RETURN_IF_ERROR(CheckFormat(*impl->db, /*create=*/false).Annotate(path));
  return LedgerStore(std::move(impl));
}

Result<LedgerSnapshot> LedgerStore::Snapshot() const { return store::LoadSnapshot(impl_->db); }

Status LedgerStore::write_error() const { return impl_->WriteError(); }

Status LedgerStore::CatchUp() {
  if (!impl_->db->secondary) {
    return Status::PermissionDenied("CatchUp() is for secondary instances");
  }
  std::unique_lock lock(impl_->db->catch_up_mu);
  return FromRocks(impl_->db->db->TryCatchUpWithPrimary(), "catching up with the primary");
}

Result<CommittedTree> LedgerStore::Commit(const CommitBatch& batch, const CheckpointSigner& sign) {
  if (impl_->db->secondary) {
    return Status::PermissionDenied("the ledger store is open as a read-only secondary");
  }
  std::lock_guard lock(impl_->commit_mu);
  const Db& db = *impl_->db;
  const std::uint64_t first = impl_->range.size();
  const std::size_t count = batch.entries.size();
  if (count > UINT64_MAX - 1 - first) {
    return Status::ResourceExhausted("the tree cannot grow past 2^64 - 1 entries");
  }

  // 1. Validate the leaves and collect every key that must not exist yet.
  std::vector<Hash256> leaf_hashes(count);
  std::vector<std::string> keys;  // index rows of entry i end at keys_end[i]
  std::vector<std::size_t> keys_end(count);
  keys.reserve(count * 2 + 4);
  for (std::size_t i = 0; i < count; ++i) {
    const Bytes& leaf = batch.entries[i].leaf;
    if (leaf.empty()) {
      return Status::InvalidArgument("entry " + std::to_string(i) + " of the batch is empty");
    }
    if (leaf.size() > kMaxLeafBytes) {
      return Status::ResourceExhausted("entry " + std::to_string(i) + " of the batch has " +
                                       std::to_string(leaf.size()) + " bytes, more than " +
                                       std::to_string(kMaxLeafBytes))
          .WithReason("leaf_too_large");
    }
    leaf_hashes[i] = HashLeaf(leaf);
    CL_RETURN_IF_ERROR(AppendIndexKeys(batch.entries[i], leaf_hashes[i], i, first + i, &keys));
    keys_end[i] = keys.size();
  }

  // 2. Grow a copy of the right edge; completed tiles go into the batch.
  rocksdb::WriteBatch wb;
  CompactRange range = impl_->range;
  store::TileEdge edge = impl_->edge;
  const CompactRange::NodeVisitor visit = [&](int level, std::uint64_t index, const Hash256& hash) {
    if (level % 8 != 0) return;
    const int tile_level = level / 8;
    if (!edge.AddNode(tile_level, hash)) return;
    const std::vector<Hash256> full = edge.TakeFullTile(tile_level);
    keys.push_back(store::TileKey(tile_level, index >> 8));
    wb.Put(ToSlice(keys.back()), ToSlice(store::TileBytes(full.data(), full.size())));
  };
  for (std::size_t i = 0; i < count; ++i) {
    const std::string entry_key = store::EntryKey(first + i);
    wb.Put(ToSlice(entry_key), ToSlice(AsChars(batch.entries[i].leaf)));
    range.Append(leaf_hashes[i], visit);
  }
  edge.SetSize(range.size());
  const Hash256 root = range.Root();

  // 3. Refuse any key that exists, in the batch twice or in the database.
  CL_RETURN_IF_ERROR(CheckDistinct(keys));
  CL_RETURN_IF_ERROR(CheckAbsent(db, keys));
  CL_RETURN_IF_ERROR(CheckNoEntriesFrom(db, first));

  // 4. Index rows, right edge, state and the checkpoint for the new tree.
  // Index rows go in in key order: hash keys are random, and RocksDB's
  // skiplist memtable inserts a sorted run about twice as fast as the same
  // keys in random order (docs/BENCHMARKS.md, "Changes").
  std::vector<std::pair<std::string_view, std::uint64_t>> rows;  // key, entry index
  rows.reserve(count == 0 ? 0 : keys_end[count - 1]);
  std::size_t key_at = 0;
  for (std::size_t i = 0; i < count; ++i) {
    for (; key_at < keys_end[i]; ++key_at) rows.emplace_back(keys[key_at], first + i);
  }
  std::sort(rows.begin(), rows.end());
  for (const auto& [key, index] : rows) {
    wb.Put(ToSlice(key), ToSlice(store::EncodeIndex(index)));
  }
  WritePartials(impl_->edge, edge, &wb);
  CL_ASSIGN_OR_RETURN(std::string checkpoint, sign(range.size(), root));
  CL_RETURN_IF_ERROR(CheckCheckpoint(checkpoint, range.size(), root));
  wb.Put(ToSlice(store::StateKey()), ToSlice(store::EncodeState(range.size(), root)));
  wb.Put(ToSlice(store::CheckpointKey()), ToSlice(checkpoint));

  // 5. One synced write; then the new edge becomes the writer's. After a
  // failed write RocksDB stops writing (a "background error") until
  // Resume(), which flushes the memtables to new table files and starts a
  // new write-ahead log, so the failed batch is not replayed later. Resume()
  // fails for as long as the disk is still full or read-only.
  const bool recovering = !impl_->WriteError().ok();
  if (recovering) {
    const rocksdb::Status resumed = db.db->Resume();
    Status s = resumed.ok() || resumed.severity() < rocksdb::Status::kFatalError
                   ? StorageError(resumed, "recovering from a failed write")
                   : StorageError(resumed,
                                  "RocksDB stopped writing after this error; restart the ledger "
                                  "once the file system is writable");
    if (!s.ok()) {
      impl_->SetWriteError(s);
      return s;
    }
  }
  rocksdb::WriteOptions options;
  options.sync = true;
  if (Status written = StorageError(db.db->Write(options, &wb), "committing to the ledger store");
      !written.ok()) {
    impl_->SetWriteError(written);
    return written;
  }
  if (recovering) impl_->SetWriteError(Status::OK());
  impl_->range = std::move(range);
  impl_->edge = std::move(edge);
  return CommittedTree{first, impl_->range.size(), root};
}

}  // namespace certledger
