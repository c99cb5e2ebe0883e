// Merkle tree hashing, proofs and their verification (RFC 9162 section 2.1).
//
// Definitions implemented here (RFC 9162 sections 2.1.1, 2.1.3.1, 2.1.4.1),
// with k the largest power of two smaller than n:
//
//   MTH({})      = SHA-256()
//   MTH({d0})    = SHA-256(0x00 || d0)
//   MTH(D[n])    = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n]))
//
//   PATH(m, {d0})  = {}
//   PATH(m, D[n])  = PATH(m, D[0:k]) : MTH(D[k:n])       if m < k
//                  = PATH(m - k, D[k:n]) : MTH(D[0:k])   if m >= k
//
//   PROOF(m, D[n])            = SUBPROOF(m, D[n], true)
//   SUBPROOF(m, D[m], true)   = {}
//   SUBPROOF(m, D[m], false)  = {MTH(D[m])}
//   SUBPROOF(m, D[n], b)      = SUBPROOF(m, D[0:k], b) : MTH(D[k:n])      if m <= k
//                             = SUBPROOF(m - k, D[k:n], false) : MTH(D[0:k])  if m > k
//
// Every range D[a:b] these recursions visit starts at a multiple of the
// smallest power of two >= b - a, so its MTH is the right fold of the
// perfect subtrees for the set bits of b - a, largest first: complete nodes
// that a NodeSource can answer.
#include "certledger/merkle.h"

#include <algorithm>
#include <array>
#include <bit>
#include <cstdlib>
#include <cstring>
#include <string>

namespace certledger {
namespace {

Sha256& ThreadHasher() {
  thread_local Sha256 hasher;
  return hasher;
}

std::string Hex(const Hash256& h) { return HexEncode(AsBytes(h)); }

int Log2(std::uint64_t power_of_two) { return std::countr_zero(power_of_two); }

// The largest power of two smaller than n. Precondition: n >= 2.
std::uint64_t SplitPoint(std::uint64_t n) { return std::bit_floor(n - 1); }

// MTH(D[begin:end]) from complete nodes. Preconditions: begin < end, and
// begin is a multiple of the smallest power of two >= end - begin (true of
// every range the RFC recursions visit).
Result<Hash256> RangeRoot(std::uint64_t begin, std::uint64_t end, const NodeSource& nodes) {
  std::array<Hash256, 64> parts;
  std::size_t count = 0;
  while (begin < end) {
    const int by_size = std::bit_width(end - begin) - 1;
    const int level = begin == 0 ? by_size : std::min(by_size, std::countr_zero(begin));
    CL_ASSIGN_OR_RETURN(parts[count], nodes(level, begin >> level));
    ++count;
    begin += std::uint64_t{1} << level;
  }
  Hash256 root = parts[count - 1];
  for (std::size_t i = count - 1; i-- > 0;) root = HashChildren(parts[i], root);
  return root;
}

Status LengthMismatch(std::string what, std::size_t got, std::size_t want) {
  return Status::VerificationFailed(std::move(what) + ": " + std::to_string(got) +
                                    " hashes, expected " + std::to_string(want));
}

}  // namespace

// ---------------------------------------------------------------- hashing

Hash256 HashLeaf(ByteView leaf) {
  Sha256& h = ThreadHasher();
  h.Update(std::uint8_t{0x00});
  h.Update(leaf);
  return h.Finish();
}

Hash256 HashChildren(const Hash256& left, const Hash256& right) {
  // One 65-byte update rather than three: the context is reused, so the
  // cost is the two compression blocks and one init/final.
  std::array<std::uint8_t, 1 + 2 * 32> buf;
  buf[0] = 0x01;
  std::memcpy(buf.data() + 1, left.data(), left.size());
  std::memcpy(buf.data() + 1 + left.size(), right.data(), right.size());
  return ThreadHasher().Update(buf).Finish();
}

const Hash256& EmptyRoot() {
  static const Hash256 root = Sha256::Hash(ByteView());
  return root;
}

Hash256 MerkleTreeHash(std::span<const Hash256> hashes) {
  CompactRange range;
  for (const Hash256& h : hashes) range.Append(h);
  return range.Root();
}

// ------------------------------------------------------------ compact range

Result<CompactRange> CompactRange::FromHashes(std::uint64_t size, std::vector<Hash256> hashes) {
  const auto want = static_cast<std::size_t>(std::popcount(size));
  if (hashes.size() != want) {
    return Status::InvalidArgument("compact range of size " + std::to_string(size) + " needs " +
                                   std::to_string(want) + " hashes, got " +
                                   std::to_string(hashes.size()));
  }
  CompactRange range;
  range.size_ = size;
  range.hashes_ = std::move(hashes);
  return range;
}

Result<CompactRange> CompactRange::FromNodes(std::uint64_t size, const NodeSource& nodes) {
  std::vector<Hash256> hashes;
  hashes.reserve(static_cast<std::size_t>(std::popcount(size)));
  std::uint64_t begin = 0;
  for (int level = 63; level >= 0; --level) {
    if (((size >> level) & 1) == 0) continue;
    CL_ASSIGN_OR_RETURN(Hash256 h, nodes(level, begin >> level));
    hashes.push_back(h);
    begin += std::uint64_t{1} << level;
  }
  return FromHashes(size, std::move(hashes));
}

void CompactRange::Append(const Hash256& leaf_hash, const NodeVisitor& visitor) {
  if (size_ == UINT64_MAX) std::abort();  // precondition: a tree never gets here
  Hash256 h = leaf_hash;
  std::uint64_t index = size_;
  int level = 0;
  if (visitor) visitor(level, index, h);
  // Each trailing 1 bit of the old size is a left sibling waiting for its
  // right half: merge them bottom up.
  while ((index & 1) != 0) {
    h = HashChildren(hashes_.back(), h);
    hashes_.pop_back();
    index >>= 1;
    ++level;
    if (visitor) visitor(level, index, h);
  }
  hashes_.push_back(h);
  ++size_;
}

Hash256 CompactRange::Root() const {
  if (hashes_.empty()) return EmptyRoot();
  Hash256 root = hashes_.back();
  for (std::size_t i = hashes_.size() - 1; i-- > 0;) root = HashChildren(hashes_[i], root);
  return root;
}

// ------------------------------------------------------- proofs from nodes

Result<Hash256> ComputeRoot(std::uint64_t size, const NodeSource& nodes) {
  if (size == 0) return EmptyRoot();
  return RangeRoot(0, size, nodes);
}

Result<std::vector<Hash256>> ProveInclusion(std::uint64_t index, std::uint64_t size,
                                            const NodeSource& nodes) {
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: index " + std::to_string(index) +
                                   " is not below tree size " + std::to_string(size));
  }
  // PATH, unrolled: walk from the root down to the leaf over D[a:b],
  // collecting siblings root first, then reverse.
  std::vector<Hash256> path;
  std::uint64_t a = 0;
  std::uint64_t b = size;
  while (b - a > 1) {
    const std::uint64_t k = SplitPoint(b - a);
    if (index < a + k) {
      CL_ASSIGN_OR_RETURN(Hash256 right, RangeRoot(a + k, b, nodes));
      path.push_back(right);
      b = a + k;
    } else {
      CL_ASSIGN_OR_RETURN(Hash256 left, nodes(Log2(k), a >> Log2(k)));
      path.push_back(left);
      a += k;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

Result<std::vector<Hash256>> ProveConsistency(std::uint64_t old_size, std::uint64_t new_size,
                                              const NodeSource& nodes) {
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof: old size " + std::to_string(old_size) +
                                   " exceeds new size " + std::to_string(new_size));
  }
  std::vector<Hash256> path;
  if (old_size == 0 || old_size == new_size) return path;
  // SUBPROOF, unrolled over D[a:b] with m = old_size - a leaves of the old
  // tree inside it; `whole` is the RFC's b flag.
  std::uint64_t a = 0;
  std::uint64_t b = new_size;
  bool whole = true;
  for (;;) {
    const std::uint64_t m = old_size - a;
    if (m == b - a) {
      if (!whole) {
        CL_ASSIGN_OR_RETURN(Hash256 old_subtree, RangeRoot(a, b, nodes));
        path.push_back(old_subtree);
      }
      break;
    }
    const std::uint64_t k = SplitPoint(b - a);
    if (m <= k) {
      CL_ASSIGN_OR_RETURN(Hash256 right, RangeRoot(a + k, b, nodes));
      path.push_back(right);
      b = a + k;
    } else {
      CL_ASSIGN_OR_RETURN(Hash256 left, nodes(Log2(k), a >> Log2(k)));
      path.push_back(left);
      a += k;
      whole = false;
    }
  }
  std::reverse(path.begin(), path.end());
  return path;
}

std::size_t InclusionProofLength(std::uint64_t index, std::uint64_t size) {
  if (index >= size) return 0;
  // Below the level where the paths to `index` and to the last leaf part,
  // each level contributes a sibling; above it, only left siblings remain.
  const int inner = std::bit_width(index ^ (size - 1));
  const int border = inner >= 64 ? 0 : std::popcount(index >> inner);
  return static_cast<std::size_t>(inner + border);
}

std::size_t ConsistencyProofLength(std::uint64_t old_size, std::uint64_t new_size) {
  if (old_size == 0 || old_size >= new_size) return 0;
  // The suffix of the inclusion proof of leaf old_size - 1 above the
  // largest perfect subtree that ends at old_size, plus that subtree's root
  // unless it is the whole old tree.
  const int shift = std::countr_zero(old_size);
  const std::size_t full = InclusionProofLength(old_size - 1, new_size);
  const std::size_t start = std::has_single_bit(old_size) ? 0 : 1;
  return start + full - static_cast<std::size_t>(shift);
}

// ----------------------------------------------------------- verification

Result<Hash256> RootFromInclusionProof(const Hash256& leaf_hash, std::uint64_t index,
                                       std::uint64_t size, std::span<const Hash256> proof) {
  // 1. leaf_index >= tree_size fails.
  if (index >= size) {
    return Status::InvalidArgument("inclusion proof: index " + std::to_string(index) +
                                   " is not below tree size " + std::to_string(size));
  }
  const std::size_t want = InclusionProofLength(index, size);
  if (proof.size() != want) {
    return LengthMismatch("inclusion proof for index " + std::to_string(index) +
                              " in a tree of size " + std::to_string(size),
                          proof.size(), want);
  }
  // 2.-3.
  std::uint64_t fn = index;
  std::uint64_t sn = size - 1;
  Hash256 r = leaf_hash;
  // 4.
  for (const Hash256& p : proof) {
    if (sn == 0) return LengthMismatch("inclusion proof", proof.size(), want);  // 4.a
    if ((fn & 1) != 0 || fn == sn) {                                            // 4.b
      r = HashChildren(p, r);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      r = HashChildren(r, p);
    }
    fn >>= 1;  // 4.c
    sn >>= 1;
  }
  // 5. (the root comparison is VerifyInclusion's)
  if (sn != 0) return LengthMismatch("inclusion proof", proof.size(), want);
  return r;
}

Status VerifyInclusion(const Hash256& leaf_hash, std::uint64_t index, std::uint64_t size,
                       std::span<const Hash256> proof, const Hash256& root) {
  CL_ASSIGN_OR_RETURN(Hash256 computed, RootFromInclusionProof(leaf_hash, index, size, proof));
  if (computed != root) {
    return Status::VerificationFailed("inclusion proof: computed root " + Hex(computed) +
                                      " does not match the expected root " + Hex(root));
  }
  return Status::OK();
}

Status VerifyConsistency(std::uint64_t old_size, std::uint64_t new_size,
                         std::span<const Hash256> proof, const Hash256& old_root,
                         const Hash256& new_root) {
  if (old_size > new_size) {
    return Status::InvalidArgument("consistency proof: old size " + std::to_string(old_size) +
                                   " exceeds new size " + std::to_string(new_size));
  }
  const std::size_t want = ConsistencyProofLength(old_size, new_size);
  if (proof.size() != want) {
    return LengthMismatch("consistency proof between sizes " + std::to_string(old_size) + " and " +
                              std::to_string(new_size),
                          proof.size(), want);
  }
  if (old_size == new_size) {
    if (old_root != new_root) {
      return Status::VerificationFailed("consistency proof: trees of equal size " +
                                        std::to_string(old_size) + " have different roots " +
                                        Hex(old_root) + " and " + Hex(new_root));
    }
    return Status::OK();
  }
  if (old_size == 0) {
    if (old_root != EmptyRoot()) {
      return Status::VerificationFailed("consistency proof: old root " + Hex(old_root) +
                                        " is not the empty tree's root");
    }
    return Status::OK();
  }
  // 1. An empty path fails (excluded by the length check above).
  // 2. If first is an exact power of 2, prepend first_hash.
  std::vector<Hash256> path;
  path.reserve(proof.size() + 1);
  if (std::has_single_bit(old_size)) path.push_back(old_root);
  path.insert(path.end(), proof.begin(), proof.end());
  if (path.empty()) return LengthMismatch("consistency proof", proof.size(), want);
  // 3.
  std::uint64_t fn = old_size - 1;
  std::uint64_t sn = new_size - 1;
  // 4.
  while ((fn & 1) != 0) {
    fn >>= 1;
    sn >>= 1;
  }
  // 5.
  Hash256 fr = path[0];
  Hash256 sr = path[0];
  // 6.
  for (std::size_t i = 1; i < path.size(); ++i) {
    const Hash256& c = path[i];
    if (sn == 0) return LengthMismatch("consistency proof", proof.size(), want);  // 6.a
    if ((fn & 1) != 0 || fn == sn) {                                              // 6.b
      fr = HashChildren(c, fr);
      sr = HashChildren(c, sr);
      if ((fn & 1) == 0) {
        while ((fn & 1) == 0 && fn != 0) {
          fn >>= 1;
          sn >>= 1;
        }
      }
    } else {
      sr = HashChildren(sr, c);
    }
    fn >>= 1;  // 6.c
    sn >>= 1;
  }
  // 7.
  if (sn != 0) return LengthMismatch("consistency proof", proof.size(), want);
  if (fr != old_root) {
    return Status::VerificationFailed("consistency proof: computed old root " + Hex(fr) +
                                      " does not match the expected old root " + Hex(old_root));
  }
  if (sr != new_root) {
    return Status::VerificationFailed("consistency proof: computed new root " + Hex(sr) +
                                      " does not match the expected new root " + Hex(new_root));
  }
  return Status::OK();
}

}  // namespace certledger
