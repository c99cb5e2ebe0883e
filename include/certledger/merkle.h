// Merkle tree hashing of RFC 9162 section 2.1 (identical to RFC 6962 2.1).
//
//   leaf hash  = SHA-256(0x00 || leaf)
//   node hash  = SHA-256(0x01 || left || right)
//   MTH({})    = SHA-256("")
//   MTH(D[n])  = HashChildren(MTH(D[0:k]), MTH(D[k:n])), k the largest
//                power of two smaller than n.
//
// Three parts, depending on nothing but sha256.h:
//
// 1. Hashing: HashLeaf, HashChildren, MerkleTreeHash.
// 2. Building: CompactRange, the O(log n) "right edge" of a tree that
//    grows one leaf hash at a time and yields its root; ComputeRoot,
//    ProveInclusion and ProveConsistency, which answer from the hashes of
//    complete subtrees (a NodeSource), so that storage holding C2SP tiles
//    can serve any tree size it has.
// 3. Verifying: RootFromInclusionProof, VerifyInclusion, VerifyConsistency,
//    the algorithms of RFC 9162 sections 2.1.3.2 and 2.1.4.2 as written.
//
// Node coordinates. A complete subtree is named by (level, index): `level`
// is its height (0 = a leaf hash), `index` its position among the subtrees
// of that level counted from the left. It covers leaves
// [index * 2^level, (index + 1) * 2^level) and its hash never changes once
// those leaves exist; tree size does not enter. (level, index) is the same
// coordinate as C2SP tlog-tiles: tile level L, tile N holds the nodes of
// level 8L with index in [256 N, 256 N + 255].
//
// Proofs are lists of hashes ordered leaf to root, as in RFC 9162.
//
// Thread safety: the free functions may be called from any thread (the
// hashing ones keep a thread-local SHA-256 context); a NodeSource is called
// only on the calling thread, synchronously. A CompactRange is a
// value: copyable and movable, not safe for concurrent mutation.
#ifndef CERTLEDGER_MERKLE_H_
#define CERTLEDGER_MERKLE_H_

#include <cstddef>
#include <cstdint>
#include <functional>
#include <span>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/sha256.h"
#include "certledger/status.h"

namespace certledger {

// ---------------------------------------------------------------- hashing

// SHA-256(0x00 || leaf).
Hash256 HashLeaf(ByteView leaf);
// SHA-256(0x01 || left || right).
Hash256 HashChildren(const Hash256& left, const Hash256& right);
// The root of the empty tree, SHA-256 of the empty string.
const Hash256& EmptyRoot();

// MTH over `hashes` taken as the leaf hashes of a tree (HashLeaf already
// applied): the root of a tree of hashes.size() leaves; EmptyRoot() for
// none. Because inner nodes hash the same way at every level, this also
// computes a node from the 2^r nodes r levels below it (e.g. from a tile).
Hash256 MerkleTreeHash(std::span<const Hash256> hashes);

// ------------------------------------------------------------- node source

// Returns the hash of the complete subtree (level, index), see "Node
// coordinates" above. The functions below call it only for subtrees that
// are complete in the tree they work on: (index + 1) << level <= size, and
// level <= 63. Each call's error Status (NotFound, IOError, Corruption, ...)
// is returned unchanged by the function that made it. A source backed by
// tiles may cache the last tile it read: calls come in no particular order
// but touch few tiles (about log2(size) / 8 per proof).
using NodeSource = std::function<Result<Hash256>(int level, std::uint64_t index)>;

// ------------------------------------------------------------ compact range

// The right edge of a tree of size n: the roots of the perfect subtrees that
// cover leaves [0, n), one per set bit of n, largest (leftmost) first. This
// is all the state needed to append leaves and compute roots.
class CompactRange {
 public:
  // Called by Append() for every complete subtree that the new leaf
  // completes, bottom up: first (0, n, leaf hash) for the leaf itself, then
  // each new parent. Every node of the tree is reported exactly once over the
  // life of a range grown from empty, which is how storage learns the hashes
  // it writes into tiles.
  using NodeVisitor = std::function<void(int level, std::uint64_t index, const Hash256& hash)>;

  // The empty tree.
  CompactRange() = default;

  // Rebuilds a range from its right edge as returned by hashes().
  // InvalidArgument if hashes.size() is not the number of set bits of size.
  [[nodiscard]] static Result<CompactRange> FromHashes(std::uint64_t size,
                                                       std::vector<Hash256> hashes);
  // Rebuilds a range of `size` leaves by asking `nodes` for its right edge
  // (popcount(size) calls). Returns the source's error unchanged.
  [[nodiscard]] static Result<CompactRange> FromNodes(std::uint64_t size, const NodeSource& nodes);

  std::uint64_t size() const { return size_; }
  // The perfect-subtree roots, leftmost (highest level) first; the subtree
  // for set bit b of size() has level b.
  const std::vector<Hash256>& hashes() const { return hashes_; }

  // Appends one leaf hash (HashLeaf of the entry), in amortized O(1)
  // hashing. Precondition: size() < 2^64 - 1 (aborts otherwise).
  void Append(const Hash256& leaf_hash, const NodeVisitor& visitor = nullptr);

  // MTH of the tree of size() leaves: popcount(size()) - 1 hashes;
  // EmptyRoot() when empty.
  Hash256 Root() const;

 private:
  std::uint64_t size_ = 0;
  std::vector<Hash256> hashes_;
};

// ------------------------------------------------------- proofs from nodes

// MTH of the tree of `size` leaves (EmptyRoot() for 0), from at most
// popcount(size) nodes. Returns the source's error unchanged.
[[nodiscard]] Result<Hash256> ComputeRoot(std::uint64_t size, const NodeSource& nodes);

// RFC 9162 section 2.1.3.1 PATH(index, D[size]): the inclusion proof of
// leaf `index` in the tree of `size` leaves, leaf to root, from O(log size)
// nodes. InvalidArgument if index >= size; the source's error unchanged.
[[nodiscard]] Result<std::vector<Hash256>> ProveInclusion(std::uint64_t index, std::uint64_t size,
                                                          const NodeSource& nodes);

// RFC 9162 section 2.1.4.1 PROOF(old_size, D[new_size]): the consistency
// proof between the trees of old_size and new_size leaves, from O(log
// new_size) nodes. Empty when old_size is 0 or equal to new_size.
// InvalidArgument if old_size > new_size; the source's error unchanged.
[[nodiscard]] Result<std::vector<Hash256>> ProveConsistency(std::uint64_t old_size,
                                                            std::uint64_t new_size,
                                                            const NodeSource& nodes);

// Number of hashes in PATH(index, D[size]) and PROOF(old_size, D[new_size]),
// for callers that check lengths before parsing. Preconditions: index <
// size; old_size <= new_size. 0 outside them.
std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size);
std::size_t ConsistencyProofLength(std::uint64_t old_size, std::uint64_t new_size);

// ----------------------------------------------------------- verification

// RFC 9162 section 2.1.3.2: the root that `proof` leads to from `leaf_hash`
// at `index` in a tree of `size` leaves. The caller compares it with a
// trusted root (or calls VerifyInclusion). Failures:
//   InvalidArgument "inclusion proof: index I is not below tree size S";
//   VerificationFailed "inclusion proof for index I in a tree of size S:
//     N hashes, expected M" when the proof has the wrong length.
[[nodiscard]] Result<Hash256> RootFromInclusionProof(const Hash256& leaf_hash, std::uint64_t index,
                                                     std::uint64_t size,
                                                     std::span<const Hash256> proof);

// RFC 9162 section 2.1.3.2 in full. OK when `proof` proves `leaf_hash` is
// leaf `index` of the tree of `size` leaves with root `root`. Failures: as
// RootFromInclusionProof, and VerificationFailed "inclusion proof: computed
// root <hex> does not match the expected root <hex>".
[[nodiscard]] Status VerifyInclusion(const Hash256& leaf_hash, std::uint64_t index,
                                     std::uint64_t size, std::span<const Hash256> proof,
                                     const Hash256& root);

// RFC 9162 section 2.1.4.2, for 0 < old_size < new_size. OK when `proof`
// shows the tree of new_size leaves with root new_root extends the tree of
// old_size leaves with root old_root. The edge cases the RFC leaves out:
// old_size == new_size needs an empty proof and old_root == new_root;
// old_size == 0 needs an empty proof and old_root == EmptyRoot() (any
// new_root is consistent with the empty tree). Failures:
//   InvalidArgument "consistency proof: old size M exceeds new size N";
//   VerificationFailed, message starting "consistency proof: ", for a
//     proof of the wrong length ("consistency proof between sizes M and N:
//     K hashes, expected J"), an old root that does not match ("computed
//     old root <hex> does not match the expected old root <hex>"), likewise
//     the new root, and unequal roots for equal sizes.
[[nodiscard]] Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                                       std::span<const Hash256> proof, const Hash256& old_root,
                                       const Hash256& new_root);

}  // namespace certledger

#endif  // CERTLEDGER_MERKLE_H_
