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

TileNodes::TileNodes(std::vector<Hash256> tile) {
  levels_[0] = std::move(tile);
  for (std::size_t r = 1; r < levels_.size(); ++r) {
    const std::vector<Hash256>& below = levels_[r - 1];
    std::vector<Hash256>& level = levels_[r];
    level.reserve(below.size() / 2);
    for (std::size_t i = 0; i + 1 < below.size(); i += 2) {
      level.push_back(HashChildren(below[i], below[i + 1]));
    }
  }
}

const Hash256& TileNodes::Node(int level, std::uint64_t index) const {
  const int rest = level % 8;
  return levels_[rest][((index << rest) & 0xff) >> rest];
}

std::size_t TileNodeCache::KeyHash::operator()(const Key& k) const {
  return std::hash<std::uint64_t>()(k.index * 8 + static_cast<std::uint64_t>(k.level));
}

std::shared_ptr<const TileNodes> TileNodeCache::Find(int tile_level,
                                                     std::uint64_t tile_index) const {
  std::lock_guard lock(mu_);
  auto it = entries_.find(Key{tile_level, tile_index});
  return it == entries_.end() ? nullptr : it->second;
}

std::shared_ptr<const TileNodes> TileNodeCache::Put(int tile_level, std::uint64_t tile_index,
                                                    std::vector<Hash256> tile) {
  // Hashed outside the lock.
  auto made = std::make_shared<const TileNodes>(std::move(tile));
  const Key key{tile_level, tile_index};
  std::lock_guard lock(mu_);
  auto [it, inserted] = entries_.insert_or_assign(key, made);
  if (inserted) {
    order_.push_back(key);
    if (order_.size() > capacity_) {
      entries_.erase(order_.front());
      order_.pop_front();
    }
  }
  return made;
}

std::shared_ptr<const TileNodes> CachedTileNodes(int tile_level, std::uint64_t tile_index,
                                                 std::span<const std::uint8_t> bytes) {
  static TileNodeCache cache;
  std::shared_ptr<const TileNodes> kept = cache.Find(tile_level, tile_index);
  if (kept && kept->tile().size() * sizeof(Hash256) == bytes.size() &&
      std::memcmp(kept->tile().data(), bytes.data(), bytes.size()) == 0) {
    return kept;
  }
  std::vector<Hash256> tile(bytes.size() / sizeof(Hash256));
  std::memcpy(tile.data(), bytes.data(), tile.size() * sizeof(Hash256));
  return cache.Put(tile_level, tile_index, std::move(tile));
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
