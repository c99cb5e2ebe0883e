#include "tile_edge.h"

#include <cstring>
#include <span>

#include "certledger/merkle.h"

namespace certledger::store {

std::string TileBytes(const Hash256* hashes, std::size_t count) {
  std::string out(count * sizeof(Hash256), '\0');
  for (std::size_t i = 0; i < count; ++i) {
    std::memcpy(out.data() + i * sizeof(Hash256), hashes[i].data(), sizeof(Hash256));
  }
  return out;
}

bool ParseTile(std::string_view bytes, std::size_t count, std::vector<Hash256>* out) {
  if (bytes.size() != count * sizeof(Hash256)) return false;
  out->resize(count);
  for (std::size_t i = 0; i < count; ++i) {
    std::memcpy((*out)[i].data(), bytes.data() + i * sizeof(Hash256), sizeof(Hash256));
  }
  return true;
}

Hash256 NodeFromTile(const std::vector<Hash256>& tile, int level, std::uint64_t index) {
  const int rest = level % 8;
  const std::uint64_t first = (index << rest) & 0xff;
  return MerkleTreeHash(std::span<const Hash256>(tile).subspan(first, std::size_t{1} << rest));
}

bool TileEdge::AddNode(int level, const Hash256& hash) {
  partial_[level].push_back(hash);
  return partial_[level].size() == 256;
}

std::vector<Hash256> TileEdge::TakeFullTile(int level) {
  std::vector<Hash256> full;
  full.swap(partial_[level]);
  partial_[level].reserve(256);
  return full;
}

bool TileEdge::InPartial(int level, std::uint64_t index) const {
  if (level < 0 || level >= 8 * kTileLevels) return false;
  const int tile_level = level / 8;
  const int rest = level % 8;
  // The node's last tile hash must be inside the partial tile.
  const std::uint64_t first = index << rest;
  if ((first >> rest) != index) return false;  // shifted out: beyond any tree
  const std::uint64_t last = first + ((std::uint64_t{1} << rest) - 1);
  return (first >> 8) == FullTiles(size_, tile_level) &&
         (last & 0xff) < static_cast<std::uint64_t>(PartialWidth(size_, tile_level)) &&
         (last & 0xff) < partial_[tile_level].size();
}

Result<Hash256> TileEdge::Node(int level, std::uint64_t index) const {
  if (!InPartial(level, index)) {
    return Status::NotFound("node level " + std::to_string(level) + " index " +
                            std::to_string(index) + " is not on the tree's right edge");
  }
  return NodeFromTile(partial_[level / 8], level, index);
}

}  // namespace certledger::store
