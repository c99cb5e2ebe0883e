#include "certledger/tile_path.h"

#include <catch2/catch.hpp>

using namespace certledger;

// Examples from C2SP tlog-tiles (https://c2sp.org/tlog-tiles, "Merkle
// Tree"): "index 1234067 will be encoded as x001/x234/067".
TEST_CASE("tile paths: C2SP index encoding", "[tile_path]") {
  CHECK(EncodeTileIndex(1234067) == "x001/x234/067");
  CHECK(EncodeTileIndex(0) == "000");
  CHECK(EncodeTileIndex(5) == "005");
  CHECK(EncodeTileIndex(999) == "999");
  CHECK(EncodeTileIndex(1000) == "x001/000");
  CHECK(EncodeTileIndex(UINT64_MAX) == "x018/x446/x744/x073/x709/x551/615");

  CHECK(TilePath({false, 0, 1234067, 256}) == "tile/0/x001/x234/067");
  CHECK(TilePath({false, 1, 1, 17}) == "tile/1/001.p/17");
  CHECK(TilePath({true, 0, 273, 112}) == "tile/entries/273.p/112");
  CHECK(TilePath({true, 0, 48, 256}) == "tile/entries/048");
  CHECK(TilePath({false, 63, 0, 255}) == "tile/63/000.p/255");
}

TEST_CASE("tile paths: parsing round-trips canonical paths", "[tile_path]") {
  for (const TileAddress& t :
       {TileAddress{false, 0, 1234067, 256}, TileAddress{false, 2, 0, 1},
        TileAddress{true, 0, 273, 112}, TileAddress{true, 0, UINT64_MAX, 256},
        TileAddress{false, 63, 999, 255}, TileAddress{false, 10, 1000, 128}}) {
    Result<TileAddress> parsed = ParseTilePath(TilePath(t));
    REQUIRE(parsed.ok());
    CHECK(*parsed == t);
  }
}

TEST_CASE("tile paths: non-canonical and malformed paths are refused", "[tile_path]") {
  for (const char* bad : {
           "",
           "/tile/0/000",
           "tile/0/000/",
           "tile/0/",
           "tile//000",
           "tile/00/000",
           "tile/01/000",
           "tile/64/000",
           "tile/-1/000",
           "tile/+1/000",
           "tile/0/0",
           "tile/0/0000",
           "tile/0/x000/001",   // leading zero group
           "tile/0/001/002",    // missing x
           "tile/0/x001/x002",  // x on the last group
           "tile/0/x1/002",
           "tile/0/000.p/0",
           "tile/0/000.p/256",
           "tile/0/000.p/01",
           "tile/0/000.p/",
           "tile/0/000.p/+5",
           "tile/0/000.p/5/",
           "tile/0/000.p",
           "tile/entries/000.p/256",
           "tile/entry/000",
           "tile/entries/x000/000",
           "tile/0/x018/x446/x744/x073/x709/x551/616",  // 2^64
           "tile/0/x999/x999/x999/x999/x999/x999/999",
           "tile/0/abc",
           "tiles/0/000",
       }) {
    Result<TileAddress> parsed = ParseTilePath(bad);
    CHECK_FALSE(parsed.ok());
    CHECK(parsed.status().code() == StatusCode::kInvalidArgument);
    CHECK(parsed.status().message() == "malformed tile path \"" + std::string(bad) + "\"");
  }
}
