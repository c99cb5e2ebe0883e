// C2SP signed notes (https://c2sp.org/signed-note), the envelope of
// checkpoints: a text ending in a newline, a blank line, then one or more
// signature lines "— <key name> <base64(4-byte key ID || signature)>".
// Byte-compatible with Go's golang.org/x/mod/sumdb/note. Only Ed25519 keys
// (signature type 0x01) are known to certledger; signatures of other types
// are parsed and kept as unverified.
//
// Thread safety: pure functions on values.
#ifndef CERTLEDGER_NOTE_H_
#define CERTLEDGER_NOTE_H_

#include <cstddef>
#include <cstdint>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/key_file.h"
#include "certledger/status.h"

namespace certledger {

// Bounds on what ParseNote accepts (the spec asks verifiers to bound the
// signature count, and to accept at least 16 signatures). 100 is Go's bound.
constexpr std::size_t kMaxNoteSize = 1 << 20;
constexpr std::size_t kMaxNoteSignatures = 100;

struct NoteSignature {
  std::string name;
  std::uint32_t key_id = 0;
  Bytes signature;  // the bytes after the key ID: 64 for Ed25519

  friend bool operator==(const NoteSignature&, const NoteSignature&) = default;
};

struct Note {
  std::string text;                       // ends with '\n'
  std::vector<NoteSignature> signatures;  // in the order of the lines
};

// True if `text` can be the text of a note: non-empty, ends with '\n',
// valid UTF-8, no control characters but '\n', at most kMaxNoteSize bytes.
bool IsValidNoteText(std::string_view text);

// Splits a signed note into its text and signatures, checking syntax only
// (nothing is verified). OK with the note; InvalidArgument ("malformed
// note: ...", reason "malformed_note") for invalid UTF-8, a control
// character, no blank line before the signatures, a signature block not
// ending in '\n', a line that is not a signature line, an invalid key name,
// or a signature that is not canonical base64 of at least 5 bytes;
// ResourceExhausted for more than kMaxNoteSize bytes or kMaxNoteSignatures
// signature lines.
Result<Note> ParseNote(std::string_view signed_note);

// The text form of `note`. InvalidArgument if the text is not valid note
// text, there is no signature, or a signature has an invalid name.
Result<std::string> FormatNote(const Note& note);

// The signature line data for `text` by `signer`. InvalidArgument if the
// text is not valid note text or the signer's name is invalid.
Result<NoteSignature> SignNoteText(std::string_view text, const NamedSecretKey& signer);

// `text` signed by each of `signers`, in that order: the signed note's
// bytes. Errors as SignNoteText; InvalidArgument also for no signers.
// Precondition: no pointer in `signers` is null.
Result<std::string> SignNote(std::string_view text, std::span<const NamedSecretKey* const> signers);
Result<std::string> SignNote(std::string_view text, const NamedSecretKey& signer);

struct OpenedNote {
  std::string text;
  // Signatures by known keys, all verified: one per key, in the order the
  // keys first appear.
  std::vector<NoteSignature> verified;
  // Signatures by keys not in `known_keys` (identical lines once each).
  std::vector<NoteSignature> unverified;
};

// Parses `signed_note` and verifies it against `known_keys`, as the spec
// says: signatures whose (name, key ID) match no known key are ignored
// (returned as unverified); every signature by a known key must verify.
// OK with the note if at least one known key signed it. Failures:
//   errors of ParseNote;
//   InvalidArgument  two different known keys share a name and key ID
//                    ("ambiguous key <name>+<id>") and one signed;
//   VerificationFailed "invalid signature for key <name>+<id>" (reason
//                    "bad_signature") when a known key's signature does
//                    not verify, or "note has no signature by a known key"
//                    (reason "no_known_signature").
Result<OpenedNote> OpenNote(std::string_view signed_note,
                            std::span<const NamedPublicKey> known_keys);

}  // namespace certledger

#endif  // CERTLEDGER_NOTE_H_
