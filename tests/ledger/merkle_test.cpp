#include "certledger/merkle.h"

#include <bit>
#include <catch2/catch.hpp>
#include <cstdint>
#include <map>
#include <random>
#include <set>
#include <string>
#include <utility>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/sha256.h"

namespace certledger {
namespace {

using Proof = std::vector<Hash256>;

Hash256 H(std::string_view hex) {
  auto bytes = HexDecode(hex);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->size() == 32);
  Hash256 h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

Hash256 Flip(Hash256 h, std::size_t byte = 0, std::uint8_t mask = 0x08) {
  h[byte] ^= mask;
  return h;
}

// RFC 9162 section 2.1 written directly as recursion over the leaf data,
// hashing with Sha256 alone: MTH (2.1.1), PATH (2.1.3.1), PROOF and
// SUBPROOF (2.1.4.1). MTH is memoized so that every proof of every tree up to
// a few hundred leaves stays cheap.
class Reference {
 public:
  explicit Reference(std::vector<Bytes> leaves) : leaves_(std::move(leaves)) {}

  std::uint64_t leaf_count() const { return leaves_.size(); }

  Hash256 LeafHash(std::uint64_t i) { return Mth(i, i + 1); }

  // MTH(D[begin:end]).
  Hash256 Mth(std::uint64_t begin, std::uint64_t end) {
    auto found = memo_.find({begin, end});
    if (found != memo_.end()) return found->second;
    Sha256 sha;
    const std::uint64_t n = end - begin;
    if (n == 0) {
      // SHA-256 of the empty string.
    } else if (n == 1) {
      sha.Update(std::uint8_t{0x00}).Update(leaves_[begin]);
    } else {
      const std::uint64_t k = LargestPowerOfTwoBelow(n);
      const Hash256 left = Mth(begin, begin + k);
      const Hash256 right = Mth(begin + k, end);
      sha.Update(std::uint8_t{0x01}).Update(AsBytes(left)).Update(AsBytes(right));
    }
    const Hash256 h = sha.Finish();
    memo_[{begin, end}] = h;
    return h;
  }

  // PATH(m, D[n]) for D = leaves [0, n).
  Proof Path(std::uint64_t m, std::uint64_t n) { return PathOf(m, 0, n); }

  // PROOF(m, D[n]).
  Proof Consistency(std::uint64_t m, std::uint64_t n) { return SubProof(m, 0, n, true); }

 private:
  static std::uint64_t LargestPowerOfTwoBelow(std::uint64_t n) {
    std::uint64_t k = 1;
    while (k * 2 < n) k *= 2;
    return k;
  }

  // PATH(m, D[begin:end]), m relative to begin.
  Proof PathOf(std::uint64_t m, std::uint64_t begin, std::uint64_t end) {
    const std::uint64_t n = end - begin;
    if (n == 1) return {};
    const std::uint64_t k = LargestPowerOfTwoBelow(n);
    Proof out;
    if (m < k) {
      out = PathOf(m, begin, begin + k);
      out.push_back(Mth(begin + k, end));
    } else {
      out = PathOf(m - k, begin + k, end);
      out.push_back(Mth(begin, begin + k));
    }
    return out;
  }

  // SUBPROOF(m, D[begin:end], b), m relative to begin.
  Proof SubProof(std::uint64_t m, std::uint64_t begin, std::uint64_t end, bool b) {
    const std::uint64_t n = end - begin;
    if (m == n) {
      if (b) return {};
      return {Mth(begin, end)};
    }
    const std::uint64_t k = LargestPowerOfTwoBelow(n);
    Proof out;
    if (m <= k) {
      out = SubProof(m, begin, begin + k, b);
      out.push_back(Mth(begin + k, end));
    } else {
      out = SubProof(m - k, begin + k, end, false);
      out.push_back(Mth(begin, begin + k));
    }
    return out;
  }

  std::vector<Bytes> leaves_;
  std::map<std::pair<std::uint64_t, std::uint64_t>, Hash256> memo_;
};

// A NodeSource answering from the reference, which fails the call (and so
// the proof) if asked for a subtree that is not complete in a tree of
// `size` leaves. Counts its calls.
NodeSource SourceFor(Reference& ref, std::uint64_t size, int* calls = nullptr) {
  return [&ref, size, calls](int level, std::uint64_t index) -> Result<Hash256> {
    if (calls != nullptr) ++*calls;
    if (level < 0 || level > 63) return Status::Internal("level out of range");
    const std::uint64_t begin = index << level;
    const std::uint64_t end = (index + 1) << level;
    if ((begin >> level) != index || end > size || end <= begin) {
      return Status::Internal("asked for an incomplete node (" + std::to_string(level) + ", " +
                              std::to_string(index) + ") of a tree of size " +
                              std::to_string(size));
    }
    return ref.Mth(begin, end);
  };
}

// The leaves of the reference tree used by RFC 6962 implementations, e.g.
// github.com/transparency-dev/merkle, proof/verify_test.go (`leaves`).
std::vector<Bytes> StandardLeaves() {
  std::vector<Bytes> leaves;
  for (std::string_view hex : {"", "00", "10", "2021", "3031", "40414243", "5051525354555657",
                               "606162636465666768696a6b6c6d6e6f"}) {
    auto b = HexDecode(hex);
    REQUIRE(b.ok());
    leaves.push_back(*b);
  }
  return leaves;
}

// Leaves for the exhaustive tests: distinct, of varying length.
std::vector<Bytes> NumberedLeaves(std::uint64_t n) {
  std::vector<Bytes> leaves;
  for (std::uint64_t i = 0; i < n; ++i) {
    leaves.push_back(ToBytes("leaf " + std::to_string(i) + std::string(i % 7, '.')));
  }
  return leaves;
}

// Known answers from github.com/transparency-dev/merkle, proof/verify_test.go
// (commit 02194e9afb6c1d95b5381350007963aa70fff472): the `roots`,
// `inclusionProofs` and `consistencyProofs` tables. That file numbers leaves
// from 1 in `inclusionProofs`; the indices below are 0-based.
const char* const kRoots[8] = {
    "6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
    "fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125",
    "aeb6bcfe274b70a14fb067a5e5578264db0fa9b51af5e0ba159158f329e06e77",
    "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7",
    "4e3bbb1f7b478dcfe71fb631631519a3bca12c9aefca1612bfce4c13a86264d4",
    "76e67dadbcdf1e10e1b74ddc608abd2f98dfb16fbce75277b5232a127f2087ef",
    "ddb89be403809e325750d3d263cd78929c2942b7942a34b77e122c9594a74c8c",
    "5dc9da79a70659a9ad559cb701ded9a2ab9d823aad2f4960cfe370eff4604328",
};

struct InclusionVector {
  std::uint64_t index, size;
  std::vector<const char*> proof;
};
const InclusionVector kInclusion[] = {
    {0, 1, {}},
    {0,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {5,
     8,
     {"bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2, 3, {"fac54203e7cc696cf0dfcb42c92a1d9dbaf70ad9e621f4bd8d98662f00e3c125"}},
    {1,
     5,
     {"6e340b9cffb37a989ca544e6bb780a2c78901d3fb33738768511a30617afa01d",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
};

struct ConsistencyVector {
  std::uint64_t old_size, new_size;
  std::vector<const char*> proof;
};
const ConsistencyVector kConsistency[] = {
    {1, 1, {}},
    {1,
     8,
     {"96a296d224f285c67bee93c30f8a309157f0daa35dc5b87e410b78630a09cfc7",
      "5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "6b47aaf29ee3c2af9af889bc1fb9254dabd31177f16232dd6aab035ca39bf6e4"}},
    {6,
     8,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "ca854ea128ed050b41b35ffc1b87b8eb2bde461e9e3b5596ece6b9d5975a0ae0",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
    {2,
     5,
     {"5f083f0a1a33ca076a95279832580db3e0ef4584bdff1f54c8a360f50de3031e",
      "bc1a0643b12e4d2d7c77918f44e0f4f79a838b6cf9ec5b5c283e1f4d88599e6b"}},
    {6,
     7,
     {"0ebc5d3437fbe2db158b9f126a1d118e308181031d0a949f8dededebc558ef6a",
      "b08693ec2e721597130641e8211e7eedccb4c26413963eee6c1e2ed16ffb1a5f",
      "d37ee418976dd95753c1c73862b9398fa2a2cf9b4ff0fdfe8b30cd95209614b7"}},
};

Proof ToProof(const std::vector<const char*>& hex) {
  Proof p;
  for (const char* h : hex) p.push_back(H(h));
  return p;
}

// Every way of spoiling a good inclusion proof that must not verify.
void CheckInclusionTampering(Reference& ref, std::uint64_t index, std::uint64_t size) {
  INFO("inclusion index " << index << " size " << size);
  const Hash256 leaf = ref.LeafHash(index);
  const Hash256 root = ref.Mth(0, size);
  const Proof proof = ref.Path(index, size);
  REQUIRE(VerifyInclusion(leaf, index, size, proof, root).ok());

  auto rejected = [&](std::uint64_t i, std::uint64_t s, const Proof& p, const Hash256& r,
                      const Hash256& l) {
    const Status st = VerifyInclusion(l, i, s, p, r);
    return st.code() == StatusCode::kVerificationFailed ||
           (i >= s && st.code() == StatusCode::kInvalidArgument);
  };
  for (std::size_t i = 0; i < proof.size(); ++i) {
    Proof bad = proof;
    bad[i] = Flip(bad[i], i % 32, 0x08);
    CHECK(rejected(index, size, bad, root, leaf));
  }
  if (!proof.empty()) {
    CHECK(rejected(index, size, Proof(proof.begin(), proof.end() - 1), root, leaf));
    CHECK(rejected(index, size, Proof(proof.begin() + 1, proof.end()), root, leaf));
  }
  Proof longer = proof;
  longer.push_back(root);
  CHECK(rejected(index, size, longer, root, leaf));
  Proof front = proof;
  front.insert(front.begin(), leaf);
  CHECK(rejected(index, size, front, root, leaf));
  // Wrong index (out of range ones must be InvalidArgument).
  CHECK(rejected(index + 1, size, proof, root, leaf));
  if (index > 0) CHECK(rejected(index - 1, size, proof, root, leaf));
  CHECK(rejected(index ^ 2, size, proof, root, leaf));
  // Wrong size, with the root of that size or the original root.
  CHECK(rejected(index, size * 2, proof, root, leaf));
  CHECK(rejected(index, size / 2, proof, root, leaf));
  if (size + 1 <= ref.leaf_count()) {
    CHECK(rejected(index, size + 1, proof, ref.Mth(0, size + 1), leaf));
  }
  if (size > 1) CHECK(rejected(index, size - 1, proof, ref.Mth(0, size - 1), leaf));
  // Wrong root or leaf.
  CHECK(rejected(index, size, proof, Flip(root, 31, 0x01), leaf));
  CHECK(rejected(index, size, proof, EmptyRoot(), leaf));
  CHECK(rejected(index, size, proof, root, Flip(leaf)));
  CHECK(rejected(index, size, proof, root, ref.LeafHash((index + 1) % ref.leaf_count())));
}

// Every way of spoiling a good consistency proof (0 < m < n) that must not
// verify.
void CheckConsistencyTampering(Reference& ref, std::uint64_t m, std::uint64_t n) {
  INFO("consistency " << m << " -> " << n);
  const Hash256 r1 = ref.Mth(0, m);
  const Hash256 r2 = ref.Mth(0, n);
  const Proof proof = ref.Consistency(m, n);
  REQUIRE(VerifyConsistency(m, n, proof, r1, r2).ok());

  auto rejected = [&](std::uint64_t s1, std::uint64_t s2, const Proof& p, const Hash256& a,
                      const Hash256& b) {
    const Status st = VerifyConsistency(s1, s2, p, a, b);
    return st.code() == StatusCode::kVerificationFailed ||
           (s1 > s2 && st.code() == StatusCode::kInvalidArgument);
  };
  for (std::size_t i = 0; i < proof.size(); ++i) {
    Proof bad = proof;
    bad[i] = Flip(bad[i], i % 32, 0x10);
    CHECK(rejected(m, n, bad, r1, r2));
  }
  CHECK(rejected(m, n, Proof{}, r1, r2));
  CHECK(rejected(m, n, Proof(proof.begin(), proof.end() - 1), r1, r2));
  CHECK(rejected(m, n, Proof(proof.begin() + 1, proof.end()), r1, r2));
  for (const Hash256& extra : {r1, r2, proof[0]}) {
    Proof back = proof;
    back.push_back(extra);
    CHECK(rejected(m, n, back, r1, r2));
    Proof front = proof;
    front.insert(front.begin(), extra);
    CHECK(rejected(m, n, front, r1, r2));
  }
  // Wrong old size.
  CHECK(rejected(m - 1, n, proof, r1, r2));
  CHECK(rejected(m + 1, n, proof, r1, r2));
  if ((m ^ 2) != m) CHECK(rejected(m ^ 2, n, proof, r1, r2));
  // Wrong new size, with its own root or the original one.
  CHECK(rejected(m, n * 2, proof, r1, r2));
  CHECK(rejected(m, n / 2, proof, r1, r2));
  if (n + 1 <= ref.leaf_count()) CHECK(rejected(m, n + 1, proof, r1, ref.Mth(0, n + 1)));
  if (n - 1 > m) CHECK(rejected(m, n - 1, proof, r1, ref.Mth(0, n - 1)));
  // Wrong roots.
  CHECK(rejected(m, n, proof, Flip(r1), r2));
  CHECK(rejected(m, n, proof, r1, Flip(r2)));
  CHECK(rejected(m, n, proof, r2, r1));
  CHECK(rejected(m, n, proof, ref.Mth(0, m - 1), r2));
  CHECK(rejected(m, n, proof, r1, ref.Mth(0, n - 1)));
}

}  // namespace

TEST_CASE("merkle roots of the reference tree match published values", "[merkle]") {
  // SHA-256 of the empty string (RFC 9162 section 2.1.1: MTH({})).
  CHECK(EmptyRoot() == H("e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855"));
  CHECK(MerkleTreeHash({}) == EmptyRoot());
  CHECK(CompactRange().Root() == EmptyRoot());

  Reference ref(StandardLeaves());
  std::vector<Hash256> leaf_hashes;
  CompactRange range;
  for (std::uint64_t n = 1; n <= 8; ++n) {
    INFO("size " << n);
    const Hash256 want = H(kRoots[n - 1]);
    // The reference itself agrees with the published values...
    CHECK(ref.Mth(0, n) == want);
    // ...and so does every way the library computes a root.
    leaf_hashes.push_back(HashLeaf(StandardLeaves()[n - 1]));
    CHECK(leaf_hashes.back() == ref.LeafHash(n - 1));
    range.Append(leaf_hashes.back());
    CHECK(range.Root() == want);
    CHECK(MerkleTreeHash(leaf_hashes) == want);
    auto computed = ComputeRoot(n, SourceFor(ref, n));
    REQUIRE(computed.ok());
    CHECK(*computed == want);
  }
  // Leaf 0 is the empty string: its hash is the first root.
  CHECK(HashLeaf({}) == H(kRoots[0]));
  CHECK(HashChildren(H(kRoots[0]), HashLeaf(StandardLeaves()[1])) == H(kRoots[1]));
}

TEST_CASE("merkle inclusion proofs match published values", "[merkle]") {
  Reference ref(StandardLeaves());
  for (const InclusionVector& v : kInclusion) {
    INFO("index " << v.index << " size " << v.size);
    const Proof want = ToProof(v.proof);
    const Hash256 root = H(kRoots[v.size - 1]);
    const Hash256 leaf = HashLeaf(StandardLeaves()[v.index]);
    auto proof = ProveInclusion(v.index, v.size, SourceFor(ref, v.size));
    REQUIRE(proof.ok());
    CHECK(*proof == want);
    CHECK(ref.Path(v.index, v.size) == want);
    CHECK(InclusionProofLength(v.index, v.size) == want.size());
    auto computed = RootFromInclusionProof(leaf, v.index, v.size, want);
    REQUIRE(computed.ok());
    CHECK(*computed == root);
    CHECK(VerifyInclusion(leaf, v.index, v.size, want, root).ok());
    if (v.size > 1) CheckInclusionTampering(ref, v.index, v.size);
  }
}

TEST_CASE("merkle consistency proofs match published values", "[merkle]") {
  Reference ref(StandardLeaves());
  for (const ConsistencyVector& v : kConsistency) {
    INFO("sizes " << v.old_size << " -> " << v.new_size);
    const Proof want = ToProof(v.proof);
    auto proof = ProveConsistency(v.old_size, v.new_size, SourceFor(ref, v.new_size));
    REQUIRE(proof.ok());
    CHECK(*proof == want);
    CHECK(ref.Consistency(v.old_size, v.new_size) == want);
    CHECK(ConsistencyProofLength(v.old_size, v.new_size) == want.size());
    CHECK(VerifyConsistency(v.old_size, v.new_size, want, H(kRoots[v.old_size - 1]),
                            H(kRoots[v.new_size - 1]))
              .ok());
    if (v.old_size < v.new_size) CheckConsistencyTampering(ref, v.old_size, v.new_size);
  }
}

TEST_CASE("merkle compact range matches the reference for sizes 0 to 300", "[merkle]") {
  constexpr std::uint64_t kMax = 300;
  Reference ref(NumberedLeaves(kMax));
  CompactRange range;
  std::set<std::pair<int, std::uint64_t>> seen;
  for (std::uint64_t n = 0; n < kMax; ++n) {
    range.Append(ref.LeafHash(n), [&](int level, std::uint64_t index, const Hash256& hash) {
      // Each node is reported once, when complete, with its MTH.
      CHECK(seen.insert({level, index}).second);
      CHECK(((index + 1) << level) == n + 1);
      CHECK(hash == ref.Mth(index << level, (index + 1) << level));
    });
    const std::uint64_t size = n + 1;
    REQUIRE(range.size() == size);
    CHECK(range.hashes().size() == static_cast<std::size_t>(std::popcount(size)));
    CHECK(range.Root() == ref.Mth(0, size));

    auto again = CompactRange::FromHashes(size, range.hashes());
    REQUIRE(again.ok());
    CHECK(again->Root() == range.Root());
    auto from_nodes = CompactRange::FromNodes(size, SourceFor(ref, size));
    REQUIRE(from_nodes.ok());
    CHECK(from_nodes->hashes() == range.hashes());
    // A copy grows independently of the original.
    CompactRange copy = *from_nodes;
    if (size < kMax) {
      copy.Append(ref.LeafHash(size));
      CHECK(copy.Root() == ref.Mth(0, size + 1));
      CHECK(from_nodes->Root() == ref.Mth(0, size));
    }
  }
  // Nodes of a tree of 300 leaves: 300 leaves plus 300 - popcount(300) parents.
  CHECK(seen.size() == 2 * kMax - std::popcount(kMax));

  auto wrong = CompactRange::FromHashes(6, {EmptyRoot()});
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kInvalidArgument);
  CHECK(wrong.status().message() == "compact range of size 6 needs 2 hashes, got 1");
}

TEST_CASE("merkle inclusion proofs for every leaf of every tree up to 300", "[merkle]") {
  constexpr std::uint64_t kMax = 300;
  Reference ref(NumberedLeaves(kMax));
  for (std::uint64_t size = 1; size <= kMax; ++size) {
    const Hash256 root = ref.Mth(0, size);
    auto computed_root = ComputeRoot(size, SourceFor(ref, size));
    REQUIRE(computed_root.ok());
    REQUIRE(*computed_root == root);
    for (std::uint64_t index = 0; index < size; ++index) {
      int calls = 0;
      auto proof = ProveInclusion(index, size, SourceFor(ref, size, &calls));
      REQUIRE(proof.ok());
      const Proof want = ref.Path(index, size);
      if (*proof != want || InclusionProofLength(index, size) != want.size()) {
        FAIL("inclusion proof differs from PATH for index " << index << " size " << size);
      }
      if (calls > 2 * static_cast<int>(std::bit_width(size)))
        FAIL("too many node reads: " << calls);
      if (!VerifyInclusion(ref.LeafHash(index), index, size, want, root).ok()) {
        FAIL("inclusion proof rejected for index " << index << " size " << size);
      }
    }
  }
}

TEST_CASE("merkle consistency proofs for every pair of sizes up to 300", "[merkle]") {
  constexpr std::uint64_t kMax = 300;
  Reference ref(NumberedLeaves(kMax));
  for (std::uint64_t n = 0; n <= kMax; ++n) {
    const Hash256 r2 = ref.Mth(0, n);
    for (std::uint64_t m = 0; m <= n; ++m) {
      int calls = 0;
      auto proof = ProveConsistency(m, n, SourceFor(ref, n, &calls));
      REQUIRE(proof.ok());
      const Proof want = m == 0 ? Proof{} : ref.Consistency(m, n);
      if (*proof != want || ConsistencyProofLength(m, n) != want.size()) {
        FAIL("consistency proof differs from PROOF for " << m << " -> " << n);
      }
      if (calls > 2 * static_cast<int>(std::bit_width(n))) FAIL("too many node reads: " << calls);
      if (!VerifyConsistency(m, n, want, ref.Mth(0, m), r2).ok()) {
        FAIL("consistency proof rejected for " << m << " -> " << n);
      }
    }
  }
}

TEST_CASE("merkle tampered inclusion proofs are rejected", "[merkle]") {
  constexpr std::uint64_t kMax = 300;
  Reference ref(NumberedLeaves(kMax));
  std::mt19937_64 rng(7);
  for (std::uint64_t size = 1; size <= kMax; ++size) {
    if (size <= 128) {
      for (std::uint64_t index = 0; index < size; ++index)
        CheckInclusionTampering(ref, index, size);
    } else {
      for (std::uint64_t index : {std::uint64_t{0}, size / 2, size - 2, size - 1, rng() % size}) {
        CheckInclusionTampering(ref, index, size);
      }
    }
  }
}

TEST_CASE("merkle tampered consistency proofs are rejected", "[merkle]") {
  constexpr std::uint64_t kMax = 300;
  Reference ref(NumberedLeaves(kMax));
  std::mt19937_64 rng(11);
  for (std::uint64_t n = 2; n <= kMax; ++n) {
    if (n <= 80) {
      for (std::uint64_t m = 1; m < n; ++m) CheckConsistencyTampering(ref, m, n);
    } else {
      for (std::uint64_t m : {std::uint64_t{1}, n / 2, n - 1, 1 + rng() % (n - 1)}) {
        CheckConsistencyTampering(ref, m, n);
      }
    }
  }
}

TEST_CASE("merkle verification edge cases and messages", "[merkle]") {
  Reference ref(StandardLeaves());
  const Hash256 leaf = ref.LeafHash(0);
  const Hash256 root1 = H(kRoots[0]);
  const Hash256 root8 = H(kRoots[7]);

  // A one-leaf tree: the root is the leaf hash and the proof is empty.
  CHECK(VerifyInclusion(leaf, 0, 1, {}, root1).ok());

  Status st = VerifyInclusion(leaf, 8, 8, {}, root8);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message() == "inclusion proof: index 8 is not below tree size 8");
  st = VerifyInclusion(leaf, 0, 0, {}, EmptyRoot());
  CHECK(st.code() == StatusCode::kInvalidArgument);
  auto bad_index = ProveInclusion(3, 3, SourceFor(ref, 3));
  REQUIRE_FALSE(bad_index.ok());
  CHECK(bad_index.status().message() == "inclusion proof: index 3 is not below tree size 3");

  st = VerifyInclusion(leaf, 0, 8, Proof{root1}, root8);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() == "inclusion proof for index 0 in a tree of size 8: 1 hashes, expected 3");

  const Proof proof08 = ToProof(kInclusion[1].proof);
  st = VerifyInclusion(leaf, 0, 8, proof08, root1);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() == "inclusion proof: computed root " + std::string(kRoots[7]) +
                            " does not match the expected root " + kRoots[0]);

  // Consistency: sizes the RFC leaves out.
  CHECK(VerifyConsistency(0, 0, {}, EmptyRoot(), EmptyRoot()).ok());
  CHECK(VerifyConsistency(0, 8, {}, EmptyRoot(), root8).ok());
  CHECK(VerifyConsistency(8, 8, {}, root8, root8).ok());
  st = VerifyConsistency(0, 8, {}, root1, root8);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() ==
        "consistency proof: old root " + std::string(kRoots[0]) + " is not the empty tree's root");
  st = VerifyConsistency(0, 8, Proof{EmptyRoot()}, EmptyRoot(), root8);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  st = VerifyConsistency(8, 8, {}, root8, root1);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  st = VerifyConsistency(8, 8, Proof{root8}, root8, root8);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() == "consistency proof between sizes 8 and 8: 1 hashes, expected 0");
  st = VerifyConsistency(1, 2, {}, root1, H(kRoots[1]));
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() == "consistency proof between sizes 1 and 2: 0 hashes, expected 1");

  st = VerifyConsistency(2, 1, {}, H(kRoots[1]), root1);
  CHECK(st.code() == StatusCode::kInvalidArgument);
  CHECK(st.message() == "consistency proof: old size 2 exceeds new size 1");
  auto backwards = ProveConsistency(5, 4, SourceFor(ref, 5));
  REQUIRE_FALSE(backwards.ok());
  CHECK(backwards.status().code() == StatusCode::kInvalidArgument);

  const Proof proof68 = ToProof(kConsistency[2].proof);
  st = VerifyConsistency(6, 8, proof68, H(kRoots[4]), root8);
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() == "consistency proof: computed old root " + std::string(kRoots[5]) +
                            " does not match the expected old root " + kRoots[4]);
  st = VerifyConsistency(6, 8, proof68, H(kRoots[5]), H(kRoots[6]));
  CHECK(st.code() == StatusCode::kVerificationFailed);
  CHECK(st.message() == "consistency proof: computed new root " + std::string(kRoots[7]) +
                            " does not match the expected new root " + kRoots[6]);
}

TEST_CASE("merkle proofs pass on the node source's errors", "[merkle]") {
  Reference ref(NumberedLeaves(20));
  const NodeSource good = SourceFor(ref, 20);
  const NodeSource missing = [&](int level, std::uint64_t index) -> Result<Hash256> {
    if (level >= 2) return Status::NotFound("no nodes above level 1");
    return good(level, index);
  };
  auto proof = ProveInclusion(19, 20, missing);
  REQUIRE_FALSE(proof.ok());
  CHECK(proof.status().code() == StatusCode::kNotFound);
  CHECK(proof.status().message() == "no nodes above level 1");
  CHECK(ProveConsistency(4, 20, missing).status().code() == StatusCode::kNotFound);
  CHECK(ComputeRoot(4, missing).status().code() == StatusCode::kNotFound);
  CHECK(CompactRange::FromNodes(4, missing).status().code() == StatusCode::kNotFound);
  // Proofs that do not need the missing node still succeed.
  CHECK(ProveInclusion(1, 4, missing).ok());
  CHECK(ProveConsistency(2, 3, missing).ok());
}

TEST_CASE("merkle proofs of trees near 2^64 leaves", "[merkle]") {
  // With every leaf hash equal, a complete subtree's hash depends only on its
  // level, so a consistent NodeSource exists for any size.
  std::vector<Hash256> perfect(64);
  perfect[0] = HashLeaf(AsBytes("same"));
  for (int l = 1; l < 64; ++l) perfect[l] = HashChildren(perfect[l - 1], perfect[l - 1]);
  const NodeSource nodes = [&](int level, std::uint64_t index) -> Result<Hash256> {
    if (level < 0 || level > 63) return Status::Internal("bad level");
    const std::uint64_t limit = level == 0 ? UINT64_MAX : std::uint64_t{1} << (64 - level);
    if (index >= limit) return Status::Internal("past 2^64 leaves");
    return perfect[level];
  };
  const std::uint64_t sizes[] = {std::uint64_t{1} << 63, (std::uint64_t{1} << 63) + 12345,
                                 UINT64_MAX - 1, UINT64_MAX};
  for (std::uint64_t size : sizes) {
    INFO("size " << size);
    auto root = ComputeRoot(size, nodes);
    REQUIRE(root.ok());
    for (std::uint64_t index : {std::uint64_t{0}, size / 3, size / 2 + 1, size - 2, size - 1}) {
      auto proof = ProveInclusion(index, size, nodes);
      REQUIRE(proof.ok());
      CHECK(proof->size() == InclusionProofLength(index, size));
      CHECK(VerifyInclusion(perfect[0], index, size, *proof, *root).ok());
    }
    for (std::uint64_t old_size : {std::uint64_t{1}, size / 2, size - 1}) {
      auto old_root = ComputeRoot(old_size, nodes);
      REQUIRE(old_root.ok());
      auto proof = ProveConsistency(old_size, size, nodes);
      REQUIRE(proof.ok());
      CHECK(proof->size() == ConsistencyProofLength(old_size, size));
      CHECK(VerifyConsistency(old_size, size, *proof, *old_root, *root).ok());
    }
  }
  auto range = CompactRange::FromNodes(UINT64_MAX - 1, nodes);
  REQUIRE(range.ok());
  CHECK(range->hashes().size() == 63);
  CompactRange full = *range;
  full.Append(perfect[0]);
  CHECK(full.Root() == *ComputeRoot(UINT64_MAX, nodes));
}

}  // namespace certledger
