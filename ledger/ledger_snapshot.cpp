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
#include <rocksdb/iterator.h>

#include <map>
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
  store::TreeState tree;
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

Result<LedgerSnapshot> LoadSnapshot(std::shared_ptr<Db> db) {
  auto state = std::make_shared<LedgerSnapshot::State>(std::move(db));
  if (state->db->secondary) {
    std::shared_lock lock(state->db->catch_up_mu);
    CL_ASSIGN_OR_RETURN(state->tree, ReadTreeState(*state->db, state->options));
  } else {
    CL_ASSIGN_OR_RETURN(state->tree, ReadTreeState(*state->db, state->options));
  }
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

// Full tiles read during one proof: a proof touches about log2(size) / 8.
using TileCache = std::map<std::pair<int, std::uint64_t>, std::vector<Hash256>>;

Result<const std::vector<Hash256>*> FullTile(const LedgerSnapshot::State& s, int level,
                                             std::uint64_t index, TileCache* cache) {
  const auto key = std::make_pair(level, index);
  if (auto it = cache->find(key); it != cache->end()) return &it->second;
  CL_ASSIGN_OR_RETURN(std::optional<std::string> bytes,
                      store::Get(*s.db, s.options, store::TileKey(level, index)));
  std::vector<Hash256> hashes;
  if (!bytes || !store::ParseTile(*bytes, kTileWidth, &hashes)) {
    return Missing("full " + TileName(level, index, kTileWidth), s.tree.size);
  }
  return &cache->emplace(key, std::move(hashes)).first->second;
}

Result<Hash256> Node(const LedgerSnapshot::State& s, int level, std::uint64_t index,
                     TileCache* cache) {
  if (level < 0 || level > 63 || index >= (s.tree.size >> level)) {
    return Status::NotFound("node level " + std::to_string(level) + " index " +
                            std::to_string(index) + " is not complete in the tree of size " +
                            std::to_string(s.tree.size));
  }
  if (s.tree.edge.InPartial(level, index)) return s.tree.edge.Node(level, index);
  const int tile_level = level / 8;
  CL_ASSIGN_OR_RETURN(const std::vector<Hash256>* tile,
                      FullTile(s, tile_level, (index << (level % 8)) >> 8, cache));
  return store::NodeFromTile(*tile, level, index);
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
  if (!value || index >= s.tree.size) return NotInTree(store::DescribeKey(key), s.tree.size);
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
    if (row.index < s.tree.size) rows.push_back(std::move(row));
  }
  CL_RETURN_IF_ERROR(store::FromRocks(it->status(), "reading accreditations"));
  return rows;
}

}  // namespace

std::uint64_t LedgerSnapshot::size() const { return state_->tree.size; }
const Hash256& LedgerSnapshot::root() const { return state_->tree.root; }
const std::string& LedgerSnapshot::checkpoint() const { return state_->tree.checkpoint; }

Result<Bytes> LedgerSnapshot::Entry(std::uint64_t index) const {
  const State& s = *state_;
  if (index >= s.tree.size) return NotInTree("entry " + std::to_string(index), s.tree.size);
  CL_ASSIGN_OR_RETURN(std::optional<std::string> leaf,
                      store::Get(*s.db, s.options, store::EntryKey(index)));
  if (!leaf) return Missing("entry " + std::to_string(index), s.tree.size);
  return ToBytes(*leaf);
}

Result<Bytes> LedgerSnapshot::Tile(int level, std::uint64_t index, int width) const {
  const State& s = *state_;
  if (width < 1 || width > kTileWidth || level < 0 || level > kMaxTileLevel) {
    return Status::InvalidArgument("no tile has level " + std::to_string(level) + " and width " +
                                   std::to_string(width));
  }
  if (level < store::kTileLevels) {
    if (index < store::FullTiles(s.tree.size, level)) {
      TileCache cache;
      CL_ASSIGN_OR_RETURN(const std::vector<Hash256>* full, FullTile(s, level, index, &cache));
      return ToBytes(store::TileBytes(full->data(), static_cast<std::size_t>(width)));
    }
    if (index == store::FullTiles(s.tree.size, level) &&
        width <= store::PartialWidth(s.tree.size, level)) {
      return ToBytes(
          store::TileBytes(s.tree.edge.partial(level).data(), static_cast<std::size_t>(width)));
    }
  }
  return NotInTree(TileName(level, index, width), s.tree.size);
}

Result<Bytes> LedgerSnapshot::EntryBundle(std::uint64_t index, int width) const {
  const State& s = *state_;
  if (width < 1 || width > kTileWidth) {
    return Status::InvalidArgument("no entry bundle has width " + std::to_string(width));
  }
  const std::string name =
      "entry bundle index " + std::to_string(index) + " width " + std::to_string(width);
  if (index > (s.tree.size >> 8)) return NotInTree(name, s.tree.size);
  const std::uint64_t first = index << 8;
  const std::uint64_t end = first + static_cast<std::uint64_t>(width);
  if (end > s.tree.size) return NotInTree(name, s.tree.size);

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
  if (next != end) return Missing("entry " + std::to_string(next), s.tree.size);
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
  CL_RETURN_IF_ERROR(CheckSize(size, state_->tree.size));
  if (size == state_->tree.size) return state_->tree.root;
  TileCache cache;
  return ComputeRoot(size, Nodes(*state_, &cache));
}

Result<std::vector<Hash256>> LedgerSnapshot::InclusionProof(std::uint64_t index,
                                                            std::uint64_t size) const {
  CL_RETURN_IF_ERROR(CheckSize(size, state_->tree.size));
  TileCache cache;
  return ProveInclusion(index, size, Nodes(*state_, &cache));
}

Result<std::vector<Hash256>> LedgerSnapshot::ConsistencyProof(std::uint64_t old_size,
                                                              std::uint64_t new_size) const {
  CL_RETURN_IF_ERROR(CheckSize(new_size, state_->tree.size));
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
