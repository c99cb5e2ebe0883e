// Fuzzes ParseTilePath (tile_path.h), the request path of a tile or entry
// bundle. Property: a path that parses is exactly what TilePath writes for
// it. (certledger writes entry bundles but reads none from outside; the
// leaves they hold are fuzzed by leaf_fuzz.)
#include <cstddef>
#include <cstdint>

#include "certledger/tile_path.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  const std::string_view input = fuzz::AsText(data, size);
  auto tile = ParseTilePath(input);
  if (!tile.ok()) return 0;
  fuzz::Require(TilePath(*tile) == input, "tile: a parsed path is not what TilePath writes");
  return 0;
}
