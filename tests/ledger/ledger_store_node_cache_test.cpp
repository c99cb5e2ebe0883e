// LedgerSnapshot proofs come from tiles whose inner nodes are computed once
// and kept (process-wide, by tile coordinates, checked against the tile's
// bytes). The proofs must stay RFC 9162 PATH and PROOF of each snapshot's
// own tree as the log grows, for old snapshots too, and for two stores
// whose tiles have the same coordinates. Checked against the naive tree of
// store_test_util.h.
#include <catch2/catch.hpp>
#include <optional>

#include "certledger/ledger_store.h"
#include "certledger/merkle.h"
#include "ledger/store_test_util.h"

using namespace certledger;
using namespace certledger::testing;

namespace {

// A store whose leaf i is MakeLeaf(i, record_size): stores with another
// record_size have other leaves at the same indexes.
struct GrowingLog {
  GrowingLog(const TempDir& dir, std::size_t size_of_records)
      : record_size(size_of_records), store(std::move(LedgerStore::Open(dir.Sub("db"))).value()) {}

  void Grow(std::uint64_t count) {
    CommitBatch batch;
    for (std::uint64_t n = 0; n < count; ++n) {
      leaves.push_back(MakeLeaf(hashes.size(), record_size));
      hashes.push_back(NaiveLeafHash(leaves.back()));
      batch.entries.push_back({.leaf = leaves.back()});
    }
    REQUIRE(store.Commit(batch, FakeSigner()).ok());
  }

  LedgerSnapshot Snap() const {
    Result<LedgerSnapshot> snap = store.Snapshot();
    REQUIRE(snap.ok());
    return std::move(snap).value();
  }

  std::size_t record_size;
  LedgerStore store;
  std::vector<Bytes> leaves;
  std::vector<Hash256> hashes;
};

// Inclusion proofs of a spread of indexes in the snapshot's own tree equal
// the naive PATH and verify against its root; a consistency proof from a
// few older sizes equals the naive PROOF.
void CheckProofs(const LedgerSnapshot& snap, const std::vector<Hash256>& all_hashes) {
  const std::uint64_t size = snap.size();
  const std::span<const Hash256> hashes = std::span(all_hashes).first(size);
  const Hash256 root = NaiveMth(hashes);
  REQUIRE(snap.root() == root);
  CHECK(*snap.RootAt(size) == root);
  for (std::uint64_t index : {std::uint64_t{0}, size / 3, size / 2, size - 2, size - 1}) {
    if (index >= size) continue;
    INFO("size " << size << " index " << index);
    Result<std::vector<Hash256>> proof = snap.InclusionProof(index, size);
    REQUIRE(proof.ok());
    CHECK(*proof == NaivePath(index, hashes));
    CHECK(VerifyInclusion(hashes[index], index, size, *proof, root).ok());
  }
  for (std::uint64_t old_size : {std::uint64_t{1}, size / 2, size - 1}) {
    if (old_size == 0 || old_size > size) continue;
    INFO("old size " << old_size << " size " << size);
    Result<std::vector<Hash256>> proof = snap.ConsistencyProof(old_size, size);
    REQUIRE(proof.ok());
    CHECK(*proof == NaiveProof(old_size, hashes));
  }
}

}  // namespace

TEST_CASE("store: proofs follow the tree as it grows across tile ends", "[store][node_cache]") {
  TempDir dir;
  GrowingLog log(dir, 40);
  log.Grow(250);
  const LedgerSnapshot at250 = log.Snap();
  CheckProofs(at250, log.hashes);
  // One leaf at a time over the end of level-0 tile 0 and into tile 1: the
  // partial tile's width changes with every size, and tile 0 becomes full.
  std::vector<LedgerSnapshot> snaps;
  for (int i = 0; i < 10; ++i) {
    log.Grow(1);
    snaps.push_back(log.Snap());
    CheckProofs(snaps.back(), log.hashes);
  }
  // Older snapshots, asked after newer ones, still prove their own trees.
  CheckProofs(at250, log.hashes);
  for (const LedgerSnapshot& snap : snaps) CheckProofs(snap, log.hashes);
  // A size that fills level-1 tile 0's second hash and leaves partials at
  // both levels.
  log.Grow(513 - 260);
  const LedgerSnapshot at513 = log.Snap();
  CheckProofs(at513, log.hashes);
  CheckProofs(at250, log.hashes);
  // A proof for the older tree from the newer snapshot equals the older
  // snapshot's.
  CHECK(*at513.InclusionProof(7, 250) == *at250.InclusionProof(7, 250));
  CHECK(*at513.InclusionProof(7, 250) == NaivePath(7, std::span(log.hashes).first(250)));
}

TEST_CASE("store: two stores with tiles at the same coordinates keep their own nodes",
          "[store][node_cache]") {
  TempDir dir_a;
  TempDir dir_b;
  GrowingLog a(dir_a, 40);
  GrowingLog b(dir_b, 41);
  a.Grow(700);
  b.Grow(700);
  REQUIRE(a.hashes[0] != b.hashes[0]);
  const LedgerSnapshot snap_a = a.Snap();
  const LedgerSnapshot snap_b = b.Snap();
  CHECK(snap_a.root() != snap_b.root());
  // Alternate: each proof uses tiles the other store's proof just used.
  for (int round = 0; round < 2; ++round) {
    CheckProofs(snap_a, a.hashes);
    CheckProofs(snap_b, b.hashes);
  }
  CHECK(*snap_a.NodeHash(7, 1) == NaiveMth(std::span(a.hashes).subspan(128, 128)));
  CHECK(*snap_b.NodeHash(7, 1) == NaiveMth(std::span(b.hashes).subspan(128, 128)));
  CHECK(*snap_a.NodeHash(5, 20) == NaiveMth(std::span(a.hashes).subspan(640, 32)));  // partial
  CHECK(*snap_b.NodeHash(5, 20) == NaiveMth(std::span(b.hashes).subspan(640, 32)));
}
