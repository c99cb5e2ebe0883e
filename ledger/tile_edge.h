// TileEdge: the right edge of a tree as C2SP partial tiles; TileNodes and
// TileNodeCache: the inner nodes of a tile, computed once (private to
// ledger/).
//
// A tree of size s has, at tile level l (tree level 8l), s >> 8(l+1) full
// tiles and one partial tile of width (s >> 8l) mod 256, the hashes of the
// complete subtrees of 256^l leaves that no full tile holds yet. The
// partial tiles of every level are enough to compute the root, and any
// complete node that no full tile holds (merkle.h ComputeRoot with Node()).
//
// Thread safety: TileEdge is a value, its const methods may be called
// concurrently; TileNodes and TileNodeCache say below.
#ifndef CERTLEDGER_LEDGER_TILE_EDGE_H_
#define CERTLEDGER_LEDGER_TILE_EDGE_H_

#include <array>
#include <cstdint>
#include <deque>
#include <memory>
#include <mutex>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "certledger/sha256.h"
#include "certledger/status.h"

namespace certledger::store {

// Tile levels that a tree of up to 2^64 - 1 leaves has: 0 to 7.
inline constexpr int kTileLevels = 8;

// s >> bits, 0 for bits >= 64 (where C++'s shift is undefined).
inline std::uint64_t ShiftRight(std::uint64_t s, int bits) { return bits >= 64 ? 0 : s >> bits; }
// Number of full tiles at `level` in a tree of `size`, which is also the
// index of the partial tile at that level.
inline std::uint64_t FullTiles(std::uint64_t size, int level) {
  return ShiftRight(size, 8 * (level + 1));
}
// Width of the partial tile at `level` (0: there is none).
inline int PartialWidth(std::uint64_t size, int level) {
  return static_cast<int>(ShiftRight(size, 8 * level) & 0xff);
}

// The bytes of a tile: its hashes concatenated.
std::string TileBytes(const Hash256* hashes, std::size_t count);
// Parses tile bytes of exactly `count` hashes; false on a wrong length.
bool ParseTile(std::string_view bytes, std::size_t count, std::vector<Hash256>* out);

// The hash of node (level, index) from the tile of level / 8 that holds it
// as `tile`: MTH of the 2^(level % 8) tile hashes under it. Precondition:
// the node is in that tile and those hashes are present (tile.size() is
// enough).
Hash256 NodeFromTile(const std::vector<Hash256>& tile, int level, std::uint64_t index);

// The complete nodes under one tile (full or partial), computed once:
// level r (0 to 7) holds, left to right, the hashes of the nodes r tree
// levels above the tile's own hashes whose 2^r tile hashes are all present
// (level 0 is the tile itself). Node() gives what NodeFromTile computes,
// without hashing.
//
// Thread safety: immutable after construction.
class TileNodes {
 public:
  explicit TileNodes(std::vector<Hash256> tile);

  const std::vector<Hash256>& tile() const { return levels_[0]; }
  // The hash of node (level, index) of the tree. Precondition: as
  // NodeFromTile (the node lies in this tile and is complete in it).
  const Hash256& Node(int level, std::uint64_t index) const;

 private:
  std::array<std::vector<Hash256>, 8> levels_;
};

// TileNodes by tile coordinates (tile level, tile index), the oldest
// dropped once more than `capacity` are kept. It trusts its callers: one
// cache must only ever see one tile for each coordinate (e.g. the full
// tiles of one store, which never change), or go through CachedTileNodes.
//
// Thread safety: all methods may be called from any thread; the TileNodes
// handed out are immutable and stay valid while the caller holds them.
class TileNodeCache {
 public:
  static constexpr std::size_t kDefaultCapacity = 1024;  // a full tile's nodes: 16 KiB

  explicit TileNodeCache(std::size_t capacity = kDefaultCapacity) : capacity_(capacity) {}
  TileNodeCache(const TileNodeCache&) = delete;
  TileNodeCache& operator=(const TileNodeCache&) = delete;

  // The kept nodes of the tile, or nullptr.
  std::shared_ptr<const TileNodes> Find(int tile_level, std::uint64_t tile_index) const;
  // Computes the nodes of `tile` (one hash per tile hash), keeps them in
  // place of any kept for these coordinates, and returns them.
  std::shared_ptr<const TileNodes> Put(int tile_level, std::uint64_t tile_index,
                                       std::vector<Hash256> tile);

 private:
  struct Key {
    int level;
    std::uint64_t index;
    friend bool operator==(const Key&, const Key&) = default;
  };
  struct KeyHash {
    std::size_t operator()(const Key& k) const;
  };

  const std::size_t capacity_;
  mutable std::mutex mu_;
  std::unordered_map<Key, std::shared_ptr<const TileNodes>, KeyHash> entries_;
  std::deque<Key> order_;  // insertion order of the keys in entries_
};

// The TileNodes of the tile at (tile_level, tile_index) whose bytes (its
// hashes concatenated, 1 to 256 of them) are `bytes`, from a process-wide
// TileNodeCache whose entries are used only if their hashes are `bytes`
// exactly: any store, tree size or partial width may ask. Precondition:
// bytes.size() is a multiple of 32, from 32 to 256 * 32.
//
// Thread safety: may be called from any thread.
std::shared_ptr<const TileNodes> CachedTileNodes(int tile_level, std::uint64_t tile_index,
                                                 std::span<const std::uint8_t> bytes);

class TileEdge {
 public:
  TileEdge() = default;

  std::uint64_t size() const { return size_; }
  const std::vector<Hash256>& partial(int level) const { return partial_[level]; }

  // Sets the partial tile of `level`. Used when loading; the caller checks
  // hashes.size() == PartialWidth(size, level) for the size it sets next.
  void SetPartial(int level, std::vector<Hash256> hashes) { partial_[level] = std::move(hashes); }
  void SetSize(std::uint64_t size) { size_ = size; }

  // Adds node (8 level, index) reported by CompactRange::Append. Returns
  // true when it completes the tile, which the caller then takes with
  // TakeFullTile(). Precondition: index is the next node of that level.
  bool AddNode(int level, const Hash256& hash);
  std::vector<Hash256> TakeFullTile(int level);

  // True when node (level, index) is held by a partial tile.
  bool InPartial(int level, std::uint64_t index) const;
  // The node's hash when InPartial(); NotFound otherwise.
  Result<Hash256> Node(int level, std::uint64_t index) const;

 private:
  std::uint64_t size_ = 0;
  std::array<std::vector<Hash256>, kTileLevels> partial_;
};

}  // namespace certledger::store

#endif  // CERTLEDGER_LEDGER_TILE_EDGE_H_
