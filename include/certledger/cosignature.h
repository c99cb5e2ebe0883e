// Witness cosignatures: C2SP tlog-cosignature
// (https://c2sp.org/tlog-cosignature), the Ed25519 "cosignature/v1" type, on
// certledger's checkpoints (checkpoint.h). A cosignature is one more
// signed-note signature line on the checkpoint, by a witness that checked the
// checkpoint is consistent with every earlier one it saw (witness.h).
//
//   key ID     SHA-256(<name> || "\n" || 0x04 || 32-byte public key)[:4]
//              (tlog-cosignature, "Format")
//   signature  timestamp (8 bytes, big-endian, POSIX seconds, < 2^63) ||
//              Ed25519 signature (64 bytes)  ("timestamped_signature")
//   message    "cosignature/v1\n" "time <timestamp>\n" <checkpoint note
//              text>, the decimal without leading zeroes ("Ed25519 signed
//              message")
//
// Witness keys are ordinary Ed25519 keys (key_file.h, `certledger keygen`).
// Their public form for verifiers is a signed-note vkey of signature type
// 0x04, as tlog-cosignature allows ("Ed25519 public keys MAY be encoded as
// vkeys with signature type 0x04"):
//
//   <name>+<cosignature key ID, 8 lower-case hex>+<base64(0x04 || public key)>
//
// A standard 0x01 verifier key of the same key is accepted too and taken as
// the witness's key (as Go's transparency-dev/formats
// NewVerifierForCosignatureV1 does).
//
// Also here: the log's side, the checkpoint that carries cosignatures,
// kept beside the ledger as one file, and the check a verifier makes that a
// checkpoint carries at least k cosignatures from the witnesses it trusts.
//
// Thread safety: pure functions on values, except the file functions,
// which are safe to call concurrently (a reader sees the old or the new
// file, never a mix).
#ifndef CERTLEDGER_COSIGNATURE_H_
#define CERTLEDGER_COSIGNATURE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/checkpoint.h"
#include "certledger/key_file.h"
#include "certledger/ledger_store.h"
#include "certledger/note.h"
#include "certledger/status.h"

namespace certledger {

// The signature type byte of cosignature/v1 (Ed25519) in signed notes.
constexpr std::uint8_t kNoteAlgCosignatureV1 = 0x04;
// Bytes of a cosignature after the key ID: timestamp and signature.
constexpr std::size_t kCosignatureSize = 8 + kEd25519SignatureSize;
// The largest timestamp the spec allows: 2^63 - 1.
constexpr std::uint64_t kMaxCosignatureTime = (std::uint64_t{1} << 63) - 1;

// SHA-256(name || 0x0A || 0x04 || key)[:4], big-endian.
std::uint32_t CosignatureKeyId(std::string_view name, const PublicKey& key);

// The witness vkey of `key` (type 0x04, see above). InvalidArgument if the
// name is invalid.
Result<std::string> FormatWitnessVerifierKey(const NamedPublicKey& key);

// Parses a witness vkey of type 0x04, or a standard verifier key of type
// 0x01 (key_file.h), checking the key ID against its own type. OK with the
// name and key; InvalidArgument ("malformed witness key: ...", reason
// "malformed_witness_key") otherwise.
Result<NamedPublicKey> ParseWitnessVerifierKey(std::string_view text);

// Reads a file holding one witness key line (either type). NotFound,
// IOError; InvalidArgument naming the file if it is not exactly one valid
// key line.
[[nodiscard]] Result<NamedPublicKey> ReadWitnessKeyFile(const std::string& path);

// The message a cosignature signs: "cosignature/v1\ntime <t>\n" + text.
std::string CosignedMessage(std::string_view checkpoint_text, std::uint64_t timestamp);

// The cosignature by `witness` of the checkpoint note text `checkpoint_text`
// (no signature lines) at `timestamp`. InvalidArgument if the text is not a
// valid checkpoint (ParseCheckpoint) or the timestamp exceeds
// kMaxCosignatureTime, or the witness name is invalid.
Result<NoteSignature> Cosign(std::string_view checkpoint_text, const NamedSecretKey& witness,
                             std::uint64_t timestamp);

// Verifies one cosignature line's data on `checkpoint_text`. OK with the
// cosignature's timestamp. VerificationFailed (reason "bad_cosignature")
// when the name or key ID is not the witness's, the signature is not
// kCosignatureSize bytes, the timestamp exceeds kMaxCosignatureTime, or the
// Ed25519 signature does not verify.
Result<std::uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                        const NoteSignature& signature,
                                        const NamedPublicKey& witness);

struct CosignedCheckpoint {
  Checkpoint checkpoint;
  std::string note;  // the whole signed note, as given
  std::string text;  // the checkpoint note text
  // The trusted witnesses whose cosignature verified, in the order of
  // `witnesses` as given, each once, with the timestamp they signed.
  std::vector<NamedPublicKey> cosigners;
  std::vector<std::uint64_t> timestamps;
};

// Checks that `signed_note` is a checkpoint signed by `log_key` (as
// OpenCheckpoint) and carries valid cosignatures from at least
// `min_cosignatures` distinct keys of `witnesses`. Lines by other keys are
// ignored; a line that names a trusted witness (name and cosignature key
// ID) must verify (signed-note: every signature by a known key must
// verify). Failures: the errors of OpenCheckpoint; VerificationFailed with
// reason "bad_cosignature" for a trusted witness's line that does not
// verify, or reason "too_few_cosignatures" ("checkpoint has N valid
// cosignatures from trusted witnesses, K required").
Result<CosignedCheckpoint> VerifyCosignedCheckpoint(std::string_view signed_note,
                                                    const NamedPublicKey& log_key,
                                                    std::span<const NamedPublicKey> witnesses,
                                                    std::size_t min_cosignatures);

// Adds to the signed note `signed_note` the cosignatures found in
// `signature_lines` (a witness's add-checkpoint answer: note signature
// lines, each ending in '\n') that verify for one of `witnesses`; lines by
// other keys, lines that do not verify, and lines already present are
// dropped. OK with the new note (unchanged if nothing was added).
// InvalidArgument if either part is malformed.
Result<std::string> AddCosignatures(std::string_view signed_note, std::string_view signature_lines,
                                    std::span<const NamedPublicKey> witnesses);

// The log's cosigned checkpoint, stored as the file kCosignedCheckpointFile
// in the ledger directory (written whole, atomically and durably: temporary
// file, fsync, rename, fsync of the directory).
inline constexpr std::string_view kCosignedCheckpointFile = "cosigned-checkpoint";

// Writes `signed_note` as the ledger directory's cosigned checkpoint.
// IOError naming the path.
[[nodiscard]] Status WriteCosignedCheckpoint(const std::string& ledger_dir,
                                             std::string_view signed_note);
// Reads it. NotFound if none was written; IOError; ResourceExhausted over
// kMaxNoteSize bytes.
[[nodiscard]] Result<std::string> ReadCosignedCheckpoint(const std::string& ledger_dir);

// Reads the ledger directory's cosigned checkpoint and checks it as
// VerifyCosignedCheckpoint does, and that it is a checkpoint of the tree
// `snapshot` holds: its origin is the log key's name, its size at most
// snapshot.size(), and its root the snapshot's root at that size. OK with
// the checkpoint. Failures: those of ReadCosignedCheckpoint (NotFound when
// the log has none yet) and VerificationFailed, and Corruption (reason
// "cosigned_checkpoint_mismatch") when a validly signed checkpoint does not
// match the stored tree (an alarm: the log forked or its storage changed).
[[nodiscard]] Result<CosignedCheckpoint> LoadCosignedCheckpoint(
    const std::string& ledger_dir, const LedgerSnapshot& snapshot, const NamedPublicKey& log_key,
    std::span<const NamedPublicKey> witnesses, std::size_t min_cosignatures);


}  // namespace certledger

#endif  // CERTLEDGER_COSIGNATURE_H_
