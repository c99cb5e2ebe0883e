// LedgerStore read side: C2SP tlog-tiles hash tiles and entry bundles, node
// hashes and RFC 9162 proofs, all checked against the naive tree of
// store_test_util.h.
#include <catch2/catch.hpp>
#include <optional>
#include <random>

#include "certledger/ledger_store.h"
#include "certledger/merkle.h"
#include "certledger/tile_path.h"
#include "ledger/store_test_util.h"

using namespace certledger;
using namespace certledger::testing;

namespace {

struct Log {
  TempDir dir;
  std::optional<LedgerStore> store;
  std::vector<Bytes> leaves;
  std::vector<Hash256> hashes;
};

// A store of `size` leaves committed in batches of varying sizes, so that
// commits end inside tiles, exactly at tile ends, and span several tiles.
void BuildLog(Log* log, std::uint64_t size) {
  Result<LedgerStore> opened = LedgerStore::Open(log->dir.Sub("db"));
  REQUIRE(opened.ok());
  log->store.emplace(std::move(opened).value());
  const std::uint64_t kBatches[] = {1, 255, 256, 1000, 2999, 7, 4096, 513};
  std::uint64_t next = 0;
  for (int b = 0; next < size; ++b) {
    const std::uint64_t count = std::min<std::uint64_t>(kBatches[b % 8], size - next);
    CommitBatch batch;
    for (std::uint64_t i = next; i < next + count; ++i) {
      log->leaves.push_back(MakeLeaf(i, 16 + i % 50));
      log->hashes.push_back(NaiveLeafHash(log->leaves.back()));
      batch.entries.push_back({.leaf = log->leaves.back()});
    }
    Result<CommittedTree> done = log->store->Commit(batch, FakeSigner());
    REQUIRE(done.ok());
    next += count;
  }
}

LedgerSnapshot Snap(const Log& log) {
  Result<LedgerSnapshot> snap = log.store->Snapshot();
  REQUIRE(snap.ok());
  return std::move(snap).value();
}

// The C2SP hash tile (level, index, width) computed from the leaf hashes:
// hash i is MTH(D[(256 index + i) 256^level : (256 index + i + 1) 256^level]).
Bytes NaiveTile(const std::vector<Hash256>& hashes, int level, std::uint64_t index, int width) {
  const std::size_t span = std::size_t{1} << (8 * level);
  std::vector<Hash256> tile;
  for (int i = 0; i < width; ++i) {
    const std::size_t first = (index * 256 + static_cast<std::size_t>(i)) * span;
    tile.push_back(NaiveMth(std::span(hashes).subspan(first, span)));
  }
  return Concat(tile);
}

Bytes NaiveBundle(const std::vector<Bytes>& leaves, std::uint64_t index, int width) {
  Bytes out;
  for (int i = 0; i < width; ++i) {
    const Bytes& leaf = leaves[index * 256 + static_cast<std::size_t>(i)];
    out.push_back(static_cast<std::uint8_t>(leaf.size() >> 8));
    out.push_back(static_cast<std::uint8_t>(leaf.size()));
    out.insert(out.end(), leaf.begin(), leaf.end());
  }
  return out;
}

}  // namespace

TEST_CASE("store: tiles of a 70,000-leaf tree are the C2SP tiles", "[store]") {
  Log log;
  BuildLog(&log, 70000);
  const LedgerSnapshot snap = Snap(log);
  REQUIRE(snap.size() == 70000);
  CHECK(snap.root() == NaiveMth(log.hashes));

  // C2SP tlog-tiles, "Partial Tiles": "a tree of size 70,000 will be
  // represented by 273 full level 0 tiles, one partial level 0 tile of width
  // 112, one full level 1 tile, one partial level 1 tile of width 17, and
  // one partial level 2 tile of width 1".
  for (std::uint64_t n = 0; n < 273; ++n) {
    Result<Bytes> tile = snap.Tile(0, n, 256);
    REQUIRE(tile.ok());
    REQUIRE(tile->size() == 8192);
    REQUIRE(*tile == NaiveTile(log.hashes, 0, n, 256));
  }
  CHECK(*snap.Tile(0, 273, 112) == NaiveTile(log.hashes, 0, 273, 112));
  CHECK(*snap.Tile(1, 0, 256) == NaiveTile(log.hashes, 1, 0, 256));
  CHECK(*snap.Tile(1, 1, 17) == NaiveTile(log.hashes, 1, 1, 17));
  CHECK(*snap.Tile(2, 0, 1) == NaiveTile(log.hashes, 2, 0, 1));
  // Nothing else exists in this tree.
  for (auto [level, index, width] : {std::tuple{0, 273, 113},
                                     {0, 273, 256},
                                     {0, 274, 1},
                                     {1, 1, 18},
                                     {1, 1, 256},
                                     {1, 2, 1},
                                     {2, 0, 2},
                                     {2, 1, 1},
                                     {3, 0, 1},
                                     {63, 0, 1}}) {
    Result<Bytes> absent = snap.Tile(level, static_cast<std::uint64_t>(index), width);
    CHECK(absent.status().code() == StatusCode::kNotFound);
  }
  CHECK(snap.Tile(1, 1, 18).status().message() ==
        "tile level 1 index 1 width 18 is not in the tree of size 70000");
  CHECK(snap.Tile(0, 0, 0).status().Is(StatusCode::kInvalidArgument));
  CHECK(snap.Tile(0, 0, 257).status().Is(StatusCode::kInvalidArgument));
  CHECK(snap.Tile(64, 0, 1).status().Is(StatusCode::kInvalidArgument));
  // Partial tiles of earlier checkpoints are prefixes of the full tile.
  CHECK(*snap.Tile(0, 5, 37) == NaiveTile(log.hashes, 0, 5, 37));
  CHECK(*snap.Tile(1, 0, 3) == NaiveTile(log.hashes, 1, 0, 3));

  // Entry bundles.
  for (std::uint64_t n : {0, 1, 100, 272}) {
    CHECK(*snap.EntryBundle(n, 256) == NaiveBundle(log.leaves, n, 256));
  }
  CHECK(*snap.EntryBundle(273, 112) == NaiveBundle(log.leaves, 273, 112));
  CHECK(*snap.EntryBundle(7, 9) == NaiveBundle(log.leaves, 7, 9));
  CHECK(snap.EntryBundle(273, 113).status().Is(StatusCode::kNotFound));
  CHECK(snap.EntryBundle(273, 256).status().Is(StatusCode::kNotFound));
  CHECK(snap.EntryBundle(UINT64_MAX, 1).status().Is(StatusCode::kNotFound));

  // Read() by path, as a tile server would.
  CHECK(*snap.Read(*ParseTilePath("tile/1/001.p/17")) == NaiveTile(log.hashes, 1, 1, 17));
  CHECK(*snap.Read(*ParseTilePath("tile/entries/273.p/112")) == NaiveBundle(log.leaves, 273, 112));

  // Nodes above one tile (levels 8 to 16) and proofs in trees of any size
  // up to 70,000, verified against naive roots.
  CHECK(*snap.NodeHash(16, 0) == NaiveMth(std::span(log.hashes).first(65536)));
  CHECK(*snap.NodeHash(9, 3) == NaiveMth(std::span(log.hashes).subspan(3 * 512, 512)));
  CHECK(*snap.NodeHash(10, 67) == NaiveMth(std::span(log.hashes).subspan(67 * 1024, 1024)));
  CHECK(snap.NodeHash(10, 68).status().Is(StatusCode::kNotFound));  // 69,632 + 1,024 > 70,000
  std::mt19937_64 rng(7);
  for (int i = 0; i < 12; ++i) {
    const std::uint64_t size = 60000 + rng() % 10001;
    const std::uint64_t index = rng() % size;
    const std::uint64_t old_size = 1 + rng() % size;
    const Hash256 root = NaiveMth(std::span(log.hashes).first(size));
    CHECK(*snap.RootAt(size) == root);
    Result<std::vector<Hash256>> inclusion = snap.InclusionProof(index, size);
    REQUIRE(inclusion.ok());
    CHECK(VerifyInclusion(log.hashes[index], index, size, *inclusion, root).ok());
    Result<std::vector<Hash256>> consistency = snap.ConsistencyProof(old_size, size);
    REQUIRE(consistency.ok());
    CHECK(VerifyConsistency(old_size, size, *consistency,
                            NaiveMth(std::span(log.hashes).first(old_size)), root)
              .ok());
  }
}

TEST_CASE("store: proofs equal RFC 9162 PATH and PROOF for many sizes", "[store]") {
  Log log;
  BuildLog(&log, 1500);
  const LedgerSnapshot snap = Snap(log);
  const std::span<const Hash256> all(log.hashes);

  // Every pair in the small trees.
  for (std::uint64_t size = 1; size <= 70; ++size) {
    const Hash256 root = NaiveMth(all.first(size));
    REQUIRE(*snap.RootAt(size) == root);
    for (std::uint64_t index = 0; index < size; ++index) {
      Result<std::vector<Hash256>> proof = snap.InclusionProof(index, size);
      REQUIRE(proof.ok());
      REQUIRE(*proof == NaivePath(index, all.first(size)));
      REQUIRE(VerifyInclusion(log.hashes[index], index, size, *proof, root).ok());
    }
    for (std::uint64_t old_size = 1; old_size <= size; ++old_size) {
      Result<std::vector<Hash256>> proof = snap.ConsistencyProof(old_size, size);
      REQUIRE(proof.ok());
      REQUIRE(*proof == NaiveProof(old_size, all.first(size)));
      REQUIRE(VerifyConsistency(old_size, size, *proof, NaiveMth(all.first(old_size)), root).ok());
    }
  }
  // Random pairs in the larger trees, where nodes come from full tiles, the
  // partial tiles and both levels.
  std::mt19937_64 rng(42);
  for (int i = 0; i < 150; ++i) {
    const std::uint64_t size = 1 + rng() % 1500;
    const std::uint64_t index = rng() % size;
    const std::uint64_t old_size = 1 + rng() % size;
    const Hash256 root = NaiveMth(all.first(size));
    Result<std::vector<Hash256>> inclusion = snap.InclusionProof(index, size);
    REQUIRE(inclusion.ok());
    CHECK(*inclusion == NaivePath(index, all.first(size)));
    CHECK(VerifyInclusion(log.hashes[index], index, size, *inclusion, root).ok());
    Result<std::vector<Hash256>> consistency = snap.ConsistencyProof(old_size, size);
    REQUIRE(consistency.ok());
    CHECK(*consistency == NaiveProof(old_size, all.first(size)));
  }
  // A proof against a tampered leaf does not verify.
  std::vector<Hash256> proof = *snap.InclusionProof(700, 1500);
  CHECK(VerifyInclusion(log.hashes[701], 700, 1500, proof, snap.root())
            .Is(StatusCode::kVerificationFailed));

  CHECK(snap.InclusionProof(1500, 1500).status().Is(StatusCode::kInvalidArgument));
  CHECK(snap.InclusionProof(0, 1501).status().Is(StatusCode::kInvalidArgument));
  CHECK(snap.ConsistencyProof(10, 1501).status().Is(StatusCode::kInvalidArgument));
  CHECK(snap.ConsistencyProof(11, 10).status().Is(StatusCode::kInvalidArgument));
  CHECK(snap.ConsistencyProof(0, 1500)->empty());
  CHECK(snap.RootAt(1501).status().Is(StatusCode::kInvalidArgument));
  CHECK(*snap.RootAt(0) == EmptyRoot());
  CHECK(snap.NodeHash(0, 1500).status().Is(StatusCode::kNotFound));
  CHECK(*snap.NodeHash(0, 1499) == log.hashes[1499]);
  CHECK(*snap.NodeHash(8, 4) == NaiveMth(all.subspan(1024, 256)));
  CHECK(*snap.NodeHash(2, 373) == NaiveMth(all.subspan(1492, 4)));  // in the partial tile
}
