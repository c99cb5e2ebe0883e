// C2SP signed notes (https://c2sp.org/signed-note), as Go's
// golang.org/x/mod/sumdb/note reads and writes them:
//
//   signed-note    = text LF 1*signature-line
//   text           = *(line LF)  ; at least one line; lines may be empty;
//                                ; ends before the note's last LF LF
//   signature-line = %xE2.80.94 SP key-name SP base64(key-id || signature) LF
//                                ; U+2014 EM DASH
//   key-name       = see key_file.cpp (no '+', spaces or control chars)
//   key-id         = 4 bytes, big-endian uint32
//   signature      = 1* byte     ; Ed25519: the 64-byte RFC 8032 signature
//                                ; of text (including its final LF)
//   base64         = RFC 4648 section 4, padded, canonical
//
// The whole note is valid UTF-8 without control characters other than LF,
// at most kMaxNoteSize bytes, with at most kMaxNoteSignatures signature
// lines. The text is separated from the signatures by the last blank line.
#include "certledger/note.h"

#include <cstdio>

#include "certledger/utf8.h"

namespace certledger {
namespace {

constexpr std::string_view kSignaturePrefix = "\xE2\x80\x94 ";  // U+2014 EM DASH, space

Status Malformed(std::string why) {
  return Status::InvalidArgument("malformed note: " + why).WithReason("malformed_note");
}

std::string KeyLabel(std::string_view name, std::uint32_t id) {
  char hex[9];
  std::snprintf(hex, sizeof hex, "%08x", static_cast<unsigned>(id));
  return std::string(name) + "+" + hex;
}

// Checks the character rules of the whole note (or of a text).
Status CheckCharacters(std::string_view s) {
  std::size_t pos = 0;
  char32_t c;
  while (pos < s.size()) {
    std::size_t at = pos;
    if (!NextCodePoint(s, &pos, &c)) return Malformed("invalid UTF-8 at byte " + std::to_string(at));
    if (c < 0x20 && c != '\n') {
      return Malformed("control character at byte " + std::to_string(at));
    }
  }
  return Status::OK();
}

Result<NoteSignature> ParseSignatureLine(std::string_view line, std::size_t number) {
  std::string where = "signature line " + std::to_string(number);
  if (line.substr(0, kSignaturePrefix.size()) != kSignaturePrefix) {
    return Malformed(where + " does not start with an em dash and a space");
  }
  line.remove_prefix(kSignaturePrefix.size());
  std::size_t space = line.find(' ');
  if (space == std::string_view::npos) return Malformed(where + " has no signature");
  std::string_view name = line.substr(0, space);
  std::string_view b64 = line.substr(space + 1);
  if (!IsValidKeyName(name)) return Malformed(where + " has an invalid key name");
  Result<Bytes> raw = Base64Decode(b64);
  if (!raw.ok()) return Malformed(where + ": " + raw.status().message());
  if (raw->size() < 5) return Malformed(where + " is shorter than a key ID and a signature");
  NoteSignature sig;
  sig.name = std::string(name);
  sig.key_id = std::uint32_t{(*raw)[0]} << 24 | std::uint32_t{(*raw)[1]} << 16 |
               std::uint32_t{(*raw)[2]} << 8 | std::uint32_t{(*raw)[3]};
  sig.signature.assign(raw->begin() + 4, raw->end());
  return sig;
}

std::string SignatureLine(const NoteSignature& sig) {
  Bytes raw{static_cast<std::uint8_t>(sig.key_id >> 24), static_cast<std::uint8_t>(sig.key_id >> 16),
            static_cast<std::uint8_t>(sig.key_id >> 8), static_cast<std::uint8_t>(sig.key_id)};
  raw.insert(raw.end(), sig.signature.begin(), sig.signature.end());
  return std::string(kSignaturePrefix) + sig.name + " " + Base64Encode(raw) + "\n";
}

}  // namespace

bool IsValidNoteText(std::string_view text) {
  return !text.empty() && text.size() <= kMaxNoteSize && text.back() == '\n' &&
         CheckCharacters(text).ok();
}

Result<Note> ParseNote(std::string_view signed_note) {
  if (signed_note.size() > kMaxNoteSize) {
    return Status::ResourceExhausted("note of " + std::to_string(signed_note.size()) +
                                     " bytes exceeds the limit of " +
                                     std::to_string(kMaxNoteSize))
        .WithReason("note_too_large");
  }
  CL_RETURN_IF_ERROR(CheckCharacters(signed_note));
  std::size_t split = signed_note.rfind("\n\n");
  if (split == std::string_view::npos) return Malformed("no blank line before the signatures");
  Note note;
  note.text = std::string(signed_note.substr(0, split + 1));
  std::string_view sigs = signed_note.substr(split + 2);
  if (sigs.empty()) return Malformed("no signature lines");
  if (sigs.back() != '\n') return Malformed("the last signature line does not end in a newline");
  std::size_t number = 0;
  while (!sigs.empty()) {
    std::size_t end = sigs.find('\n');  // found: sigs ends with '\n'
    if (++number > kMaxNoteSignatures) {
      return Status::ResourceExhausted("note has more than " +
                                       std::to_string(kMaxNoteSignatures) + " signatures")
          .WithReason("too_many_signatures");
    }
    CL_ASSIGN_OR_RETURN(NoteSignature sig, ParseSignatureLine(sigs.substr(0, end), number));
    note.signatures.push_back(std::move(sig));
    sigs.remove_prefix(end + 1);
  }
  return note;
}

Result<std::string> FormatNote(const Note& note) {
  if (!IsValidNoteText(note.text)) {
    return Status::InvalidArgument(
        "note text must be non-empty UTF-8 ending in a newline, without control characters");
  }
  if (note.signatures.empty()) return Status::InvalidArgument("a note needs a signature");
  if (note.signatures.size() > kMaxNoteSignatures) {
    return Status::ResourceExhausted("more than " + std::to_string(kMaxNoteSignatures) +
                                     " signatures");
  }
  std::string out = note.text + "\n";
  for (const NoteSignature& sig : note.signatures) {
    if (!IsValidKeyName(sig.name)) {
      return Status::InvalidArgument("invalid key name in a signature: \"" + sig.name + "\"");
    }
    if (sig.signature.empty()) return Status::InvalidArgument("empty signature");
    out += SignatureLine(sig);
  }
  if (out.size() > kMaxNoteSize) {
    return Status::ResourceExhausted("signed note exceeds " + std::to_string(kMaxNoteSize) +
                                     " bytes");
  }
  return out;
}

Result<NoteSignature> SignNoteText(std::string_view text, const NamedSecretKey& signer) {
  if (!IsValidNoteText(text)) {
    return Status::InvalidArgument(
        "note text must be non-empty UTF-8 ending in a newline, without control characters");
  }
  if (!IsValidKeyName(signer.name)) {
    return Status::InvalidArgument("invalid signer key name \"" + signer.name + "\"");
  }
  Signature sig = signer.key.Sign(AsBytes(text));
  return NoteSignature{signer.name, signer.KeyId(), Bytes(sig.begin(), sig.end())};
}

Result<std::string> SignNote(std::string_view text,
                             std::span<const NamedSecretKey* const> signers) {
  if (signers.empty()) return Status::InvalidArgument("no signers");
  Note note{std::string(text), {}};
  for (const NamedSecretKey* signer : signers) {
    CL_ASSIGN_OR_RETURN(NoteSignature sig, SignNoteText(text, *signer));
    note.signatures.push_back(std::move(sig));
  }
  return FormatNote(note);
}

Result<std::string> SignNote(std::string_view text, const NamedSecretKey& signer) {
  const NamedSecretKey* one[] = {&signer};
  return SignNote(text, one);
}

Result<OpenedNote> OpenNote(std::string_view signed_note,
                            std::span<const NamedPublicKey> known_keys) {
  CL_ASSIGN_OR_RETURN(Note note, ParseNote(signed_note));
  std::vector<std::uint32_t> known_ids;
  known_ids.reserve(known_keys.size());
  for (const NamedPublicKey& k : known_keys) known_ids.push_back(k.KeyId());

  OpenedNote out;
  out.text = std::move(note.text);
  for (NoteSignature& sig : note.signatures) {
    const NamedPublicKey* key = nullptr;
    for (std::size_t i = 0; i < known_keys.size(); ++i) {
      if (known_keys[i].name != sig.name || known_ids[i] != sig.key_id) continue;
      if (key != nullptr && !(key->key == known_keys[i].key)) {
        return Status::InvalidArgument("ambiguous key " + KeyLabel(sig.name, sig.key_id))
            .WithReason("ambiguous_key");
      }
      key = &known_keys[i];
    }
    if (key == nullptr) {
      bool seen = false;
      for (const NoteSignature& u : out.unverified) seen = seen || u == sig;
      if (!seen) out.unverified.push_back(std::move(sig));
      continue;
    }
    // The spec: a known key's signature MUST be verified, and a failure
    // rejects the whole note; so repeated lines by one key are all checked.
    if (!Verify(key->key, AsBytes(out.text), sig.signature).ok()) {
      return Status::VerificationFailed("invalid signature for key " +
                                        KeyLabel(sig.name, sig.key_id))
          .WithReason("bad_signature");
    }
    bool seen = false;
    for (const NoteSignature& v : out.verified) {
      seen = seen || (v.name == sig.name && v.key_id == sig.key_id);
    }
    if (!seen) out.verified.push_back(std::move(sig));
  }
  if (out.verified.empty()) {
    return Status::VerificationFailed("note has no signature by a known key")
        .WithReason("no_known_signature");
  }
  return out;
}

}  // namespace certledger
