// Checkpoints: C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint), the
// log's signed statement of its size and root hash, carried in a C2SP
// signed note signed by the log key. The log key's name equals the log's
// origin (DESIGN.md), so Go's golang.org/x/mod/sumdb/note verifies our
// checkpoints given the log's verifier key.
//
// Thread safety: pure functions on values.
#ifndef CERTLEDGER_CHECKPOINT_H_
#define CERTLEDGER_CHECKPOINT_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/sha256.h"
#include "certledger/status.h"

namespace certledger {

struct Checkpoint {
  std::string origin;                   // the log's identity, e.g. "example.com/log"
  std::uint64_t size = 0;               // number of leaves
  Hash256 root{};                       // RFC 9162 root hash at `size`
  std::vector<std::string> extensions;  // optional extra lines (not recommended)

  friend bool operator==(const Checkpoint&, const Checkpoint&) = default;
};

// The note text of `checkpoint` ("<origin>\n<size>\n<base64 root>\n" and
// one line per extension). InvalidArgument if the origin or an extension
// is empty or is not one line of valid note text.
Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint);

// Parses checkpoint note text strictly. OK with the checkpoint;
// InvalidArgument ("malformed checkpoint: ...", reason
// "malformed_checkpoint") for fewer than three lines, an empty line, a
// missing final newline, a size that is not canonical decimal or does not
// fit 64 bits, or a root that is not canonical base64 of 32 bytes.
Result<Checkpoint> ParseCheckpoint(std::string_view text);

// The signed note of `checkpoint`, signed by `log_key`. InvalidArgument if
// the key's name is not the origin, or as FormatCheckpoint.
Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NamedSecretKey& log_key);

// Verifies a signed checkpoint with the log's key and parses it. Signatures
// by other keys (witnesses) are ignored. OK with the checkpoint. Failures:
// the errors of OpenNote (not signed by `log_key`: VerificationFailed),
// of ParseCheckpoint, and VerificationFailed (reason "origin_mismatch") if
// the origin is not the log key's name.
Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NamedPublicKey& log_key);

}  // namespace certledger

#endif  // CERTLEDGER_CHECKPOINT_H_
