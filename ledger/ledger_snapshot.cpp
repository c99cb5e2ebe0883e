// LedgerSnapshot: reads of one committed tree (the read side of the store).
//
// Consistency. A snapshot loads the mutable right edge (state, checkpoint,
// partial tiles; see store_keys.cpp) once, when it is made, and keeps it.
// Everything else it reads (entries, full tiles, index rows) is written
// once and never changed, and each read is bounded by the snapshot's size
// (index values at or past it are treated as absent). So a snapshot answers
// for one tree however long it lives:
//   - on the primary, the edge is read under a RocksDB snapshot, which the
//     LedgerSnapshot also holds for all its later reads;
//   - on a secondary, RocksDB iterators have no snapshots, so the edge is
//     read under a shared lock that CatchUp() takes exclusively: a snapshot
//     never sees half of a replayed commit.
//
// Sharing. The snapshots of one open database share, through a small
// process-wide registry keyed by the database (its Db, held weakly, so a
// closed store's entry is dropped and never mistaken for a later one):
//   - the inner nodes of its full tiles (a TileNodeCache), which never
//     change, so that proofs hash each tile's nodes once rather than on
//     every request;
//   - on the primary, the latest snapshot made and the edge it read, with
//     the RocksDB sequence number it was read at. While the database's
//     latest sequence number is still that one, nothing was written since
//     and it is the same tree: a new snapshot returns the latest one if
//     someone still holds it, else takes a RocksDB snapshot and, if that
//     is at the same sequence number, uses the edge without reading it
//     again.
// Partial tiles change with the tree; their inner nodes come from
// store::CachedTileNodes, which checks the tile's bytes.
#include <rocksdb/db.h>
#include <rocksdb/iterator.h>
#include <rocksdb/snapshot.h>

#include <map>
#include <mutex>
#include <shared_mutex>
#include <span>
#include <utility>

#include "certledger/ledger_store.h"
#include "store_db.h"
#include "store_keys.h"
#include "store_state.h"
#include "tile_edge.h"

namespace certledger {

using store::ToSlice;
using store::ToView;

struct LedgerSnapshot::State {
  explicit State(std::shared_ptr<store::Db> d) : db(std::move(d)), snapshot(db) {
    options.snapshot = snapshot.get();
  }

  std::shared_ptr<store::Db> db;
  store::DbSnapshot snapshot;  // released before `db` lets go of the DB
  rocksdb::ReadOptions options;
  // The tree read under `snapshot` (possibly by an earlier snapshot at the
  // same sequence number: the same data).
  std::shared_ptr<const store::TreeState> tree_state;
  const store::TreeState& tree() const { return *tree_state; }
  // The inner nodes of the database's full tiles, shared by its snapshots.
  std::shared_ptr<store::TileNodeCache> full_tiles;
};

namespace store {

Result<TreeState> ReadTreeState(const Db& db, const rocksdb::ReadOptions& options) {
  TreeState tree;
  CL_ASSIGN_OR_RETURN(std::optional<std::string> state, Get(db, options, StateKey()));
  if (!state || !DecodeState(*state, &tree.size, &tree.root)) {
    return Status::Corruption("ledger store: tree state is missing or malformed");
  }
  CL_ASSIGN_OR_RETURN(std::optional<std::string> checkpoint, Get(db, options, CheckpointKey()));
  if (checkpoint) tree.checkpoint = std::move(*checkpoint);
  tree.edge.SetSize(tree.size);
  for (int level = 0; level < kTileLevels; ++level) {
    const int width = PartialWidth(tree.size, level);
    if (width == 0) continue;
    const std::uint64_t index = FullTiles(tree.size, level);
    CL_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                        Get(db, options, PartialTileKey(level, index)));
    std::vector<Hash256> hashes;
    if (!bytes || !ParseTile(*bytes, static_cast<std::size_t>(width), &hashes)) {
      return Status::Corruption("ledger store: partial tile level " + std::to_string(level) +
                                " index " + std::to_string(index) + " of tree size " +
                                std::to_string(tree.size) + " is missing or not " +
                                std::to_string(width) + " hashes wide");
    }
    tree.edge.SetPartial(level, std::move(hashes));
  }
  return tree;
}

namespace {

// What the snapshots of each open database share (see "Sharing" above).
class SnapshotRegistry {
 public:
  static SnapshotRegistry& Get() {
    static SnapshotRegistry registry;
    return registry;
  }

  struct Found {
    std::shared_ptr<const LedgerSnapshot::State> current;  // a live snapshot still current
    std::shared_ptr<TileNodeCache> full_tiles;
    std::shared_ptr<const TreeState> tree;  // the tree last read, at sequence `sequence`
    rocksdb::SequenceNumber sequence = 0;
  };

  Found Look(const std::shared_ptr<Db>& db) {
    std::lock_guard lock(mu_);
    Shared& shared = Of(db);
    Found found{nullptr, shared.full_tiles, shared.tree, shared.sequence};
    if (auto latest = shared.latest.lock();
        latest && latest->snapshot.get() != nullptr &&
        latest->snapshot.get()->GetSequenceNumber() == db->db->GetLatestSequenceNumber()) {
      found.current = std::move(latest);
    }
    return found;
  }

  // Remembers `state` (a snapshot of the primary) as the latest, and its
  // tree with the sequence number it was read at.
  void Remember(const std::shared_ptr<const LedgerSnapshot::State>& state) {
    std::lock_guard lock(mu_);
    Shared& shared = Of(state->db);
    shared.latest = state;
    shared.tree = state->tree_state;
    shared.sequence = state->snapshot.get()->GetSequenceNumber();
  }

 private:
  struct Shared {
    std::weak_ptr<Db> db;
    std::shared_ptr<TileNodeCache> full_tiles;
    std::weak_ptr<const LedgerSnapshot::State> latest;
    std::shared_ptr<const TreeState> tree;
    rocksdb::SequenceNumber sequence = 0;
  };

  // The entry of `db` (alive: the caller holds it), made if missing; drops
  // the entries of closed databases. A weak_ptr that still locks to the
  // same address is the same object.
  Shared& Of(const std::shared_ptr<Db>& db) {
    std::erase_if(dbs_, [](const Shared& s) { return s.db.expired(); });
    for (Shared& s : dbs_) {
      if (s.db.lock() == db) return s;
    }
    return dbs_.emplace_back(Shared{db, std::make_shared<TileNodeCache>(), {}, nullptr, 0});
  }

  std::mutex mu_;
  std::vector<Shared> dbs_;
};

}  // namespace

Result<LedgerSnapshot> LoadSnapshot(std::shared_ptr<Db> db) {
  SnapshotRegistry& registry = SnapshotRegistry::Get();
  SnapshotRegistry::Found found = registry.Look(db);
  if (found.current) return LedgerSnapshot(std::move(found.current));
  auto state = std::make_shared<LedgerSnapshot::State>(std::move(db));
  state->full_tiles = std::move(found.full_tiles);
  if (state->db->secondary) {
    std::shared_lock lock(state->db->catch_up_mu);
    CL_ASSIGN_OR_RETURN(TreeState tree, ReadTreeState(*state->db, state->options));
    state->tree_state = std::make_shared<const TreeState>(std::move(tree));
    return LedgerSnapshot(std::move(state));
  }
  if (found.tree && found.sequence == state->snapshot.get()->GetSequenceNumber()) {
    // Nothing was written since that tree was read: it is this snapshot's.
    state->tree_state = std::move(found.tree);
  } else {
    CL_ASSIGN_OR_RETURN(TreeState tree, ReadTreeState(*state->db, state->options));
    state->tree_state = std::make_shared<const TreeState>(std::move(tree));
  }
  registry.Remember(state);
  return LedgerSnapshot(std::move(state));
}

}  // namespace store

namespace {

Status Missing(std::string_view what, std::uint64_t size) {
  return Status::Corruption("ledger store: " + std::string(what) + " is missing below tree size " +
                            std::to_string(size));
}

Status NotInTree(std::string_view what, std::uint64_t size) {
  return Status::NotFound(std::string(what) + " is not in the tree of size " +
                          std::to_string(size));
}

std::string TileName(int level, std::uint64_t index, int width) {
  return "tile level " + std::to_string(level) + " index " + std::to_string(index) + " width " +
         std::to_string(width);
}

// Full tile `index` of `level`, as stored. Corruption if it is missing or
// not 256 hashes.
Result<std::string> ReadFullTile(const LedgerSnapshot::State& s, int level, std::uint64_t index) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      store::Get(*s.db, s.options, store::TileKey(level, index)));
  if (!bytes || bytes->size() != kTileWidth * sizeof(Hash256)) {
    return Missing("full " + TileName(level, index, kTileWidth), s.tree().size);
  }
  return std::move(*bytes);
}

ByteView HashBytes(const std::vector<Hash256>& hashes) {
  return ByteView(reinterpret_cast<const std::uint8_t*>(hashes.data()),
                  hashes.size() * sizeof(Hash256));
}

// The tiles (full or partial) one proof has used, by (tile level, index),
// with their complete nodes: a proof touches about log2(size) / 8 of them.
// The nodes come from the database's full tile cache or, for the partial
// tiles, from store::CachedTileNodes, so a tile's inner nodes are hashed
// once, not on every proof.
using TileCache = std::map<std::pair<int, std::uint64_t>, std::shared_ptr<const store::TileNodes>>;

// The nodes of the tile that holds node (level, index), which is complete
// in the snapshot's tree: the edge's partial tile of its tile level, or a
// full tile.
Result<const store::TileNodes*> TileHolding(const LedgerSnapshot::State& s, int level,
                                            std::uint64_t index, TileCache* cache) {
  const int tile_level = level / 8;
  const std::uint64_t tile_index = (index << (level % 8)) >> 8;
  const auto key = std::make_pair(tile_level, tile_index);
  if (auto it = cache->find(key); it != cache->end()) return it->second.get();
  std::shared_ptr<const store::TileNodes> nodes;
  if (s.tree().edge.InPartial(level, index)) {
    nodes = store::CachedTileNodes(tile_level, tile_index,
                                   HashBytes(s.tree().edge.partial(tile_level)));
  } else if (nodes = s.full_tiles->Find(tile_level, tile_index); nodes == nullptr) {
    CL_ASSIGN_OR_RETURN(std::string bytes, ReadFullTile(s, tile_level, tile_index));
    std::vector<Hash256> hashes;
    if (!store::ParseTile(bytes, kTileWidth, &hashes)) {
      return Missing("full " + TileName(tile_level, tile_index, kTileWidth), s.tree().size);
    }
    nodes = s.full_tiles->Put(tile_level, tile_index, std::move(hashes));
  }
  return cache->emplace(key, std::move(nodes)).first->second.get();
}

Result<Hash256> Node(const LedgerSnapshot::State& s, int level, std::uint64_t index,
                     TileCache* cache) {
  if (level < 0 || level > 63 || index >= (s.tree().size >> level)) {
    return Status::NotFound("node level " + std::to_string(level) + " index " +
                            std::to_string(index) + " is not complete in the tree of size " +
                            std::to_string(s.tree().size));
  }
  CL_ASSIGN_OR_RETURN(const store::TileNodes* tile, TileHolding(s, level, index, cache));
  return tile->Node(level, index);
}

// A NodeSource over `s` with its own tile cache, for one proof.
NodeSource Nodes(const LedgerSnapshot::State& s, TileCache* cache) {
  return [&s, cache](int level, std::uint64_t index) { return Node(s, level, index, cache); };
}

Status CheckSize(std::uint64_t size, std::uint64_t snapshot_size) {
  if (size > snapshot_size) {
    return Status::InvalidArgument("tree size " + std::to_string(size) +
                                   " exceeds the ledger's size " + std::to_string(snapshot_size));
  }
  return Status::OK();
}

// The entry index stored under `key`, if below the snapshot's size.
Result<std::uint64_t> Lookup(const LedgerSnapshot::State& s, const std::string& key) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> value, store::Get(*s.db, s.options, key));
  std::uint64_t index = 0;
  if (value && !store::DecodeIndex(*value, &index)) {
    return Status::Corruption("ledger store: malformed index value for " + store::DescribeKey(key));
  }
  if (!value || index >= s.tree().size) return NotInTree(store::DescribeKey(key), s.tree().size);
  return index;
}

Status CheckText(std::string_view what, std::string_view text) {
  if (text.empty() || text.size() > kMaxIndexKeyBytes) {
    return Status::InvalidArgument(std::string(what) + " must be 1 to " +
                                   std::to_string(kMaxIndexKeyBytes) + " bytes");
  }
  return Status::OK();
}

// Accreditation rows under `prefix` that belong to the snapshot's tree.
Result<std::vector<AccreditationRow>> ScanAccreditations(const LedgerSnapshot::State& s,
                                                         const std::string& prefix) {
  std::vector<AccreditationRow> rows;
  std::unique_ptr<rocksdb::Iterator> it(s.db->db->NewIterator(s.options));
  for (it->Seek(ToSlice(prefix)); it->Valid() && ToView(it->key()).starts_with(prefix);
       it->Next()) {
    AccreditationRow row;
    std::uint64_t key_index = 0;
    if (!store::ParseAccreditationKey(ToView(it->key()), &row.body_id, &row.time, &key_index) ||
        !store::DecodeIndex(ToView(it->value()), &row.index) || row.index != key_index) {
      return Status::Corruption("ledger store: malformed accreditation row " +
                                store::DescribeKey(ToView(it->key())));
    }
    if (row.index < s.tree().size) rows.push_back(std::move(row));
  }
  CL_RETURN_IF_ERROR(store::FromRocks(it->status(), "reading accreditations"));
  return rows;
}

}  // namespace

std::uint64_t LedgerSnapshot::size() const { return state_->tree().size; }
const Hash256& LedgerSnapshot::root() const { return state_->tree().root; }
const std::string& LedgerSnapshot::checkpoint() const { return state_->tree().checkpoint; }

Result<Bytes> LedgerSnapshot::Entry(std::uint64_t index) const {
  const State& s = *state_;
  if (index >= s.tree().size) return NotInTree("entry " + std::to_string(index), s.tree().size);
  CL_ASSIGN_OR_RETURN(std::optional<std::string> leaf,
                      store::Get(*s.db, s.options, store::EntryKey(index)));
  if (!leaf) return Missing("entry " + std::to_string(index), s.tree().size);
  return ToBytes(*leaf);
}

Result<Bytes> LedgerSnapshot::Tile(int level, std::uint64_t index, int width) const {
  const State& s = *state_;
  if (width < 1 || width > kTileWidth || level < 0 || level > kMaxTileLevel) {
    return Status::InvalidArgument("no tile has level " + std::to_string(level) + " and width " +
                                   std::to_string(width));
  }
  if (level < store::kTileLevels) {
    if (index < store::FullTiles(s.tree().size, level)) {
      CL_ASSIGN_OR_RETURN(std::string full, ReadFullTile(s, level, index));
      full.resize(static_cast<std::size_t>(width) * sizeof(Hash256));
      return ToBytes(full);
    }
    if (index == store::FullTiles(s.tree().size, level) &&
        width <= store::PartialWidth(s.tree().size, level)) {
      return ToBytes(
          store::TileBytes(s.tree().edge.partial(level).data(), static_cast<std::size_t>(width)));
    }
  }
  return NotInTree(TileName(level, index, width), s.tree().size);
}

Result<Bytes> LedgerSnapshot::EntryBundle(std::uint64_t index, int width) const {
  const State& s = *state_;
  if (width < 1 || width > kTileWidth) {
    return Status::InvalidArgument("no entry bundle has width " + std::to_string(width));
  }
  const std::string name =
      "entry bundle index " + std::to_string(index) + " width " + std::to_string(width);
  if (index > (s.tree().size >> 8)) return NotInTree(name, s.tree().size);
  const std::uint64_t first = index << 8;
  const std::uint64_t end = first + static_cast<std::uint64_t>(width);
  if (end > s.tree().size) return NotInTree(name, s.tree().size);

  Bytes bundle;
  const std::string end_key = store::EntryKey(end);
  const rocksdb::Slice upper = ToSlice(end_key);
  rocksdb::ReadOptions options = s.options;
  options.iterate_upper_bound = &upper;
  std::unique_ptr<rocksdb::Iterator> it(s.db->db->NewIterator(options));
  std::uint64_t next = first;
  for (it->Seek(ToSlice(store::EntryKey(first))); it->Valid(); it->Next(), ++next) {
    std::uint64_t at = 0;
    if (!store::ParseEntryKey(ToView(it->key()), &at) || at != next) break;
    const rocksdb::Slice leaf = it->value();
    if (leaf.size() == 0 || leaf.size() > kMaxLeafBytes) {
      return Status::Corruption("ledger store: entry " + std::to_string(at) + " has " +
                                std::to_string(leaf.size()) + " bytes");
    }
    bundle.push_back(static_cast<std::uint8_t>(leaf.size() >> 8));
    bundle.push_back(static_cast<std::uint8_t>(leaf.size() & 0xff));
    bundle.insert(bundle.end(), leaf.data(), leaf.data() + leaf.size());
  }
  CL_RETURN_IF_ERROR(store::FromRocks(it->status(), "reading an entry bundle"));
  if (next != end) return Missing("entry " + std::to_string(next), s.tree().size);
  return bundle;
}

Result<Bytes> LedgerSnapshot::Read(const TileAddress& tile) const {
  if (tile.entries) return EntryBundle(tile.index, tile.width);
  return Tile(tile.level, tile.index, tile.width);
}

Result<Hash256> LedgerSnapshot::NodeHash(int level, std::uint64_t index) const {
  TileCache cache;
  return Node(*state_, level, index, &cache);
}

Result<Hash256> LedgerSnapshot::RootAt(std::uint64_t size) const {
  CL_RETURN_IF_ERROR(CheckSize(size, state_->tree().size));
  if (size == state_->tree().size) return state_->tree().root;
  TileCache cache;
  return ComputeRoot(size, Nodes(*state_, &cache));
}

Result<std::vector<Hash256>> LedgerSnapshot::InclusionProof(std::uint64_t index,
                                                            std::uint64_t size) const {
  CL_RETURN_IF_ERROR(CheckSize(size, state_->tree().size));
  TileCache cache;
  return ProveInclusion(index, size, Nodes(*state_, &cache));
}

Result<std::vector<Hash256>> LedgerSnapshot::ConsistencyProof(std::uint64_t old_size,
                                                              std::uint64_t new_size) const {
  CL_RETURN_IF_ERROR(CheckSize(new_size, state_->tree().size));
  TileCache cache;
  return ProveConsistency(old_size, new_size, Nodes(*state_, &cache));
}

Result<std::uint64_t> LedgerSnapshot::FindLeafHash(const Hash256& leaf_hash) const {
  return Lookup(*state_, store::LeafHashKey(leaf_hash));
}

Result<std::uint64_t> LedgerSnapshot::FindRecordHash(const Hash256& record_hash) const {
  return Lookup(*state_, store::RecordHashKey(record_hash));
}

Result<std::uint64_t> LedgerSnapshot::FindCertificate(std::string_view number) const {
  CL_RETURN_IF_ERROR(CheckText("certificate number", number));
  return Lookup(*state_, store::CertificateKey(number));
}

Result<std::uint64_t> LedgerSnapshot::FindRevocation(std::string_view number) const {
  CL_RETURN_IF_ERROR(CheckText("certificate number", number));
  return Lookup(*state_, store::RevocationKey(number));
}

Result<CertificateStatus> LedgerSnapshot::StatusOf(std::string_view number) const {
  CertificateStatus status;
  Result<std::uint64_t> issued = FindCertificate(number);
  if (issued.ok()) {
    status.certificate_index = *issued;
  } else if (!issued.status().Is(StatusCode::kNotFound)) {
    return issued.status();
  }
  Result<std::uint64_t> revoked = FindRevocation(number);
  if (revoked.ok()) {
    status.revocation_index = *revoked;
  } else if (!revoked.status().Is(StatusCode::kNotFound)) {
    return revoked.status();
  }
  return status;
}

Result<std::vector<AccreditationRow>> LedgerSnapshot::AccreditationHistory(
    std::string_view body_id) const {
  CL_RETURN_IF_ERROR(CheckText("body id", body_id));
  return ScanAccreditations(*state_, store::AccreditationPrefix(body_id));
}

Result<AccreditationRow> LedgerSnapshot::AccreditationAt(std::string_view body_id,
                                                         std::uint64_t time) const {
  CL_ASSIGN_OR_RETURN(std::vector<AccreditationRow> rows, AccreditationHistory(body_id));
  for (auto it = rows.rbegin(); it != rows.rend(); ++it) {
    if (it->time <= time) return std::move(*it);
  }
  return Status::NotFound("body \"" + std::string(body_id) + "\" has no accreditation by time " +
                          std::to_string(time));
}

Result<std::vector<AccreditationRow>> LedgerSnapshot::AllAccreditations() const {
  return ScanAccreditations(*state_, store::AccreditationsPrefix());
}

}  // namespace certledger
