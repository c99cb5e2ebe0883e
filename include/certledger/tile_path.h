// Paths of C2SP tlog-tiles resources (https://c2sp.org/tlog-tiles):
//
//   tile/<L>/<N>[.p/<W>]          hash tiles of height 8
//   tile/entries/<N>[.p/<W>]      entry bundles
//
// <L> is a decimal level 0 to 63 without leading zeros; <N> is the tile
// index written in zero-padded groups of three digits, every group but the
// last prefixed with "x" (1234067 is "x001/x234/067"); the ".p/<W>" suffix
// marks a partial tile of width W, 1 to 255, without leading zeros. A full
// tile has width 256 and no suffix.
//
// Paths are relative to the log's prefix and carry no leading slash.
// All functions are pure and thread-safe.
#ifndef CERTLEDGER_TILE_PATH_H_
#define CERTLEDGER_TILE_PATH_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "certledger/status.h"

namespace certledger {

inline constexpr int kTileHeight = 8;
inline constexpr int kTileWidth = 256;  // hashes (or entries) in a full tile
inline constexpr int kMaxTileLevel = 63;

// One tile or entry bundle.
struct TileAddress {
  bool entries = false;     // an entry bundle (then level is 0)
  int level = 0;            // hash tile level, 0 to 63
  std::uint64_t index = 0;  // N: position of the tile within its level
  int width = kTileWidth;   // 1 to 256; 256 is a full tile

  friend bool operator==(const TileAddress&, const TileAddress&) = default;
};

// "x001/x234/067" for 1234067; "000" for 0.
std::string EncodeTileIndex(std::uint64_t index);

// The path of `tile`, e.g. "tile/0/x001/x234/067.p/5" or
// "tile/entries/005". Preconditions: level 0..63 (0 for entries), width
// 1..256 (aborts otherwise: a bug in the caller).
std::string TilePath(const TileAddress& tile);

// Parses a path exactly as TilePath writes it. Anything else, including a
// leading slash, leading zeros, a missing or misplaced "x", a group of more
// than three digits, an index past 2^64 - 1, a level over 63 and a width of
// 0 or over 255, is InvalidArgument "malformed tile path \"<path>\"".
Result<TileAddress> ParseTilePath(std::string_view path);

}  // namespace certledger

#endif  // CERTLEDGER_TILE_PATH_H_
