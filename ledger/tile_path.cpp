// C2SP tlog-tiles resource paths (https://c2sp.org/tlog-tiles, "Merkle
// Tree" and "Log entries"):
//
//   path    = "tile/" ( level / "entries" ) "/" index [ ".p/" width ]
//   level   = "0" / nonzero-digit [ DIGIT ]        ; 0 to 63
//   index   = *( "x" 3DIGIT "/" ) 3DIGIT           ; no leading "x000/"
//   width   = nonzero-digit *2DIGIT                ; 1 to 255
//
// The index's groups are its decimal digits, three at a time, most
// significant first; every group but the last starts with "x".
#include "certledger/tile_path.h"

#include <cstdlib>

namespace certledger {
namespace {

constexpr std::string_view kTilePrefix = "tile/";
constexpr std::string_view kEntriesLevel = "entries";
constexpr std::string_view kPartialInfix = ".p/";

Status Malformed(std::string_view path) {
  return Status::InvalidArgument("malformed tile path \"" + std::string(path) + "\"")
      .WithReason("malformed_tile_path");
}

// Parses a non-empty run of decimal digits into a value of at most `max`;
// false on an empty input, a non-digit or overflow. Leading zeros are
// accepted here and caught by the round trip in ParseTilePath.
bool ParseDecimal(std::string_view text, std::uint64_t max, std::uint64_t* out) {
  if (text.empty()) return false;
  std::uint64_t v = 0;
  for (char c : text) {
    if (c < '0' || c > '9') return false;
    const std::uint64_t digit = static_cast<std::uint64_t>(c - '0');
    if (v > (max - digit) / 10) return false;
    v = v * 10 + digit;
  }
  *out = v;
  return true;
}

}  // namespace

std::string EncodeTileIndex(std::uint64_t index) {
  // A uint64 has at most 20 decimal digits: 7 groups.
  std::uint64_t groups[7];
  int n = 0;
  do {
    groups[n++] = index % 1000;
    index /= 1000;
  } while (index != 0);
  std::string out;
  out.reserve(static_cast<std::size_t>(n) * 5);
  for (int i = n - 1; i >= 0; --i) {
    if (i > 0) out += 'x';
    const std::uint64_t g = groups[i];
    out += static_cast<char>('0' + g / 100);
    out += static_cast<char>('0' + g / 10 % 10);
    out += static_cast<char>('0' + g % 10);
    if (i > 0) out += '/';
  }
  return out;
}

std::string TilePath(const TileAddress& tile) {
  if (tile.width < 1 || tile.width > kTileWidth || tile.level < 0 || tile.level > kMaxTileLevel ||
      (tile.entries && tile.level != 0)) {
    std::abort();
  }
  std::string out(kTilePrefix);
  out += tile.entries ? std::string(kEntriesLevel) : std::to_string(tile.level);
  out += '/';
  out += EncodeTileIndex(tile.index);
  if (tile.width < kTileWidth) {
    out += kPartialInfix;
    out += std::to_string(tile.width);
  }
  return out;
}

Result<TileAddress> ParseTilePath(std::string_view path) {
  if (!path.starts_with(kTilePrefix)) return Malformed(path);
  std::string_view rest = path.substr(kTilePrefix.size());
  const std::size_t slash = rest.find('/');
  if (slash == std::string_view::npos) return Malformed(path);
  const std::string_view level_text = rest.substr(0, slash);
  rest = rest.substr(slash + 1);

  TileAddress tile;
  if (level_text == kEntriesLevel) {
    tile.entries = true;
  } else {
    std::uint64_t level = 0;
    if (!ParseDecimal(level_text, kMaxTileLevel, &level)) return Malformed(path);
    tile.level = static_cast<int>(level);
  }

  if (const std::size_t p = rest.find(kPartialInfix); p != std::string_view::npos) {
    std::uint64_t width = 0;
    if (!ParseDecimal(rest.substr(p + kPartialInfix.size()), kTileWidth - 1, &width) ||
        width == 0) {
      return Malformed(path);
    }
    tile.width = static_cast<int>(width);
    rest = rest.substr(0, p);
  }

  // Groups of exactly three digits; the "x" prefixes are checked by the
  // round trip below.
  std::uint64_t index = 0;
  while (true) {
    const std::size_t end = rest.find('/');
    std::string_view group = rest.substr(0, end);
    if (!group.empty() && group.front() == 'x') group.remove_prefix(1);
    std::uint64_t g = 0;
    if (group.size() != 3 || !ParseDecimal(group, 999, &g)) return Malformed(path);
    if (index > (UINT64_MAX - g) / 1000) return Malformed(path);
    index = index * 1000 + g;
    if (end == std::string_view::npos) break;
    rest = rest.substr(end + 1);
  }
  tile.index = index;

  // Leading zeros, leading "x000/" groups and a missing or misplaced "x"
  // all parse above; only the canonical form survives the round trip.
  if (TilePath(tile) != path) return Malformed(path);
  return tile;
}

}  // namespace certledger
