// TileEdge: the right edge of a tree as C2SP partial tiles (private to
// ledger/).
//
// A tree of size s has, at tile level l (tree level 8l), s >> 8(l+1) full
// tiles and one partial tile of width (s >> 8l) mod 256, the hashes of the
// complete subtrees of 256^l leaves that no full tile holds yet. The
// partial tiles of every level are enough to compute the root, and any
// complete node that no full tile holds (merkle.h ComputeRoot with Node()).
//
// Thread safety: a value; const methods may be called concurrently.
#ifndef CERTLEDGER_LEDGER_TILE_EDGE_H_
#define CERTLEDGER_LEDGER_TILE_EDGE_H_

#include <array>
#include <cstdint>
#include <string>
#include <string_view>
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
