// A log entry's leaf: the bytes the Merkle tree hashes (DESIGN.md, "The log").
//
//   leaf = CBOR array [1, logged_at_ms, record_bytes]   ; deterministic
//     1             the leaf format version (unsigned integer)
//     logged_at_ms  the sequencer's clock when it appended the entry,
//                   milliseconds since the epoch (unsigned integer)
//     record_bytes  the record's exact COSE_Sign1 bytes (byte string)
//
// At most 65,535 bytes (the entry bundle's 16-bit length prefix).
//
// Thread safety: pure functions.
#ifndef CERTLEDGER_LEAF_H_
#define CERTLEDGER_LEAF_H_

#include <cstdint>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger {

inline constexpr std::uint64_t kLeafVersion = 1;
inline constexpr std::size_t kMaxLeafSize = 65535;

struct Leaf {
  std::uint64_t logged_at_ms = 0;
  Bytes record;
};

// The leaf bytes. ResourceExhausted (reason "too_large") over kMaxLeafSize.
[[nodiscard]] Result<Bytes> EncodeLeaf(std::uint64_t logged_at_ms, ByteView record);

// Reads leaf bytes strictly. InvalidArgument "leaf: ..." for anything but
// a deterministic CBOR array of exactly [1, uint, non-empty bstr], or more
// than kMaxLeafSize bytes.
[[nodiscard]] Result<Leaf> DecodeLeaf(ByteView leaf);

}  // namespace certledger

#endif  // CERTLEDGER_LEAF_H_
