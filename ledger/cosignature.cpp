// C2SP tlog-cosignature, Ed25519 cosignature/v1
// (https://c2sp.org/tlog-cosignature).
//
// Grammars (ABNF, RFC 5234):
//
//   witness-vkey   = name "+" key-id "+" b64-key        ; "Format", last
//   paragraphs key-id         = 8(%x30-39 / %x61-66)               ; hex of the
//   4-byte key ID b64-key        = base64(%x04 32OCTET)               ; or %x01
//   (key_file.h)
//
//   cosig-bytes    = key-id-bytes timestamp signature   ; "Format":
//   timestamped_signature key-id-bytes   = 4OCTET   ; SHA-256(name LF %x04
//   public-key)[:4], big-endian timestamp      = 8OCTET   ; big-endian POSIX
//   seconds, at most 2^63 - 1 signature      = 64OCTET  ; Ed25519 (RFC 8032)
//   over signed-message
//
//   signed-message = "cosignature/v1" LF "time" SP decimal LF checkpoint-text
//                    ; "Ed25519 signed message": decimal has no leading zeroes
//
//   cosigned file  = signed-note                        ; the log's cosigned
//   checkpoint
#include "certledger/cosignature.h"

#include <cerrno>
#include <cstring>

#include "certledger/bytes.h"
#include "certledger/ed25519.h"
#include "certledger/file_util.h"
#include "certledger/sha256.h"

namespace certledger {
namespace {

std::uint32_t KeyIdOf(std::string_view name, std::uint8_t alg, const PublicKey& key) {
  Sha256 h;
  h.Update(AsBytes(name)).Update(std::uint8_t{'\n'}).Update(alg).Update(key.view());
  const Hash256 d = h.Finish();
  return (std::uint32_t{d[0]} << 24) | (std::uint32_t{d[1]} << 16) | (std::uint32_t{d[2]} << 8) |
         std::uint32_t{d[3]};
}

Status BadKey(std::string_view why) {
  return Status::InvalidArgument("malformed witness key: " + std::string(why))
      .WithReason("malformed_witness_key");
}

Status BadCosignature(std::string why) {
  return Status::VerificationFailed(std::move(why)).WithReason("bad_cosignature");
}

bool ParseKeyIdHex(std::string_view hex, std::uint32_t* id) {
  if (hex.size() != 8) return false;
  std::uint32_t v = 0;
  for (char c : hex) {
    int d;
    if (c >= '0' && c <= '9')
      d = c - '0';
    else if (c >= 'a' && c <= 'f')
      d = c - 'a' + 10;
    else
      return false;
    v = (v << 4) | static_cast<std::uint32_t>(d);
  }
  *id = v;
  return true;
}

std::string KeyIdHex(std::uint32_t id) {
  static constexpr char kHex[] = "0123456789abcdef";
  std::string out(8, '0');
  for (int i = 7; i >= 0; --i, id >>= 4) out[static_cast<std::size_t>(i)] = kHex[id & 15];
  return out;
}

bool IsTrustedLine(const NoteSignature& sig, const NamedPublicKey& witness) {
  return sig.name == witness.name && sig.key_id == CosignatureKeyId(witness.name, witness.key);
}

}  // namespace

std::uint32_t CosignatureKeyId(std::string_view name, const PublicKey& key) {
  return KeyIdOf(name, kNoteAlgCosignatureV1, key);
}

Result<std::string> FormatWitnessVerifierKey(const NamedPublicKey& key) {
  if (!IsValidKeyName(key.name)) {
    return Status::InvalidArgument("invalid witness key name \"" + key.name + "\"");
  }
  Bytes raw{kNoteAlgCosignatureV1};
  raw.insert(raw.end(), key.key.bytes.begin(), key.key.bytes.end());
  return key.name + "+" + KeyIdHex(CosignatureKeyId(key.name, key.key)) + "+" + Base64Encode(raw);
}

Result<NamedPublicKey> ParseWitnessVerifierKey(std::string_view text) {
  const std::size_t a = text.find('+');
  if (a == std::string_view::npos) return BadKey("expected <name>+<key ID>+<key>");
  const std::size_t b = text.find('+', a + 1);
  if (b == std::string_view::npos) return BadKey("expected <name>+<key ID>+<key>");
  const std::string_view name = text.substr(0, a);
  const std::string_view id_hex = text.substr(a + 1, b - a - 1);
  const std::string_view b64 = text.substr(b + 1);
  if (!IsValidKeyName(name)) return BadKey("invalid key name");
  std::uint32_t id = 0;
  if (!ParseKeyIdHex(id_hex, &id)) return BadKey("key ID is not 8 lower-case hex digits");
  Result<Bytes> raw = Base64Decode(b64);
  if (!raw.ok()) return BadKey("key is not canonical base64");
  if (raw->size() != 1 + kEd25519PublicKeySize) return BadKey("key is not 33 bytes");
  const std::uint8_t alg = (*raw)[0];
  if (alg != kNoteAlgCosignatureV1 && alg != kNoteAlgEd25519) {
    return BadKey("unsupported key type (0x04 cosignature/v1 or 0x01 Ed25519)");
  }
  Result<PublicKey> key = PublicKey::FromBytes(ByteView(*raw).subspan(1));
  if (!key.ok()) return BadKey("bad public key");
  if (KeyIdOf(name, alg, *key) != id) return BadKey("key ID does not match the name and key");
  return NamedPublicKey{std::string(name), *key};
}

Result<NamedPublicKey> ReadWitnessKeyFile(const std::string& path) {
  Result<std::string> read = ReadWholeFile(path, 4096);
  if (read.status().Is(StatusCode::kNotFound)) {
    return Status::NotFound("no such witness key file: " + path);
  }
  CL_RETURN_IF_ERROR(read.status());
  std::string text = std::move(*read);
  if (text.empty() || text.back() != '\n' || text.find('\n') != text.size() - 1) {
    return Status::InvalidArgument("witness key file " + path + " is not one key line");
  }
  text.pop_back();
  Result<NamedPublicKey> key = ParseWitnessVerifierKey(text);
  if (!key.ok()) return key.status().Annotate("witness key file " + path);
  return key;
}

std::string CosignedMessage(std::string_view checkpoint_text, std::uint64_t timestamp) {
  std::string m = "cosignature/v1\ntime " + std::to_string(timestamp) + "\n";
  m.append(checkpoint_text);
  return m;
}

Result<NoteSignature> Cosign(std::string_view checkpoint_text, const NamedSecretKey& witness,
                             std::uint64_t timestamp) {
  CL_RETURN_IF_ERROR(ParseCheckpoint(checkpoint_text).status());
  if (timestamp > kMaxCosignatureTime) {
    return Status::InvalidArgument("cosignature timestamp exceeds 2^63 - 1");
  }
  if (!IsValidKeyName(witness.name)) {
    return Status::InvalidArgument("invalid witness key name \"" + witness.name + "\"");
  }
  const Signature sig = witness.key.Sign(AsBytes(CosignedMessage(checkpoint_text, timestamp)));
  NoteSignature out;
  out.name = witness.name;
  out.key_id = CosignatureKeyId(witness.name, witness.key.public_key());
  out.signature.reserve(kCosignatureSize);
  for (int shift = 56; shift >= 0; shift -= 8) {
    out.signature.push_back(static_cast<std::uint8_t>(timestamp >> shift));
  }
  out.signature.insert(out.signature.end(), sig.begin(), sig.end());
  return out;
}

Result<std::uint64_t> VerifyCosignature(std::string_view checkpoint_text,
                                        const NoteSignature& signature,
                                        const NamedPublicKey& witness) {
  if (!IsTrustedLine(signature, witness)) {
    return BadCosignature("cosignature is not by witness " + witness.name);
  }
  if (signature.signature.size() != kCosignatureSize) {
    return BadCosignature("cosignature by " + witness.name + " is " +
                          std::to_string(signature.signature.size()) + " bytes, expected " +
                          std::to_string(kCosignatureSize));
  }
  std::uint64_t timestamp = 0;
  for (std::size_t i = 0; i < 8; ++i) timestamp = (timestamp << 8) | signature.signature[i];
  if (timestamp > kMaxCosignatureTime) {
    return BadCosignature("cosignature by " + witness.name + " has a timestamp over 2^63 - 1");
  }
  const Status s = Verify(witness.key, AsBytes(CosignedMessage(checkpoint_text, timestamp)),
                          ByteView(signature.signature).subspan(8));
  if (!s.ok()) return BadCosignature("invalid cosignature by witness " + witness.name);
  return timestamp;
}

Result<CosignedCheckpoint> VerifyCosignedCheckpoint(std::string_view signed_note,
                                                    const NamedPublicKey& log_key,
                                                    std::span<const NamedPublicKey> witnesses,
                                                    std::size_t min_cosignatures) {
  CL_ASSIGN_OR_RETURN(Checkpoint checkpoint, OpenCheckpoint(signed_note, log_key));
  CL_ASSIGN_OR_RETURN(Note note, ParseNote(signed_note));
  CosignedCheckpoint out;
  out.checkpoint = std::move(checkpoint);
  out.note = std::string(signed_note);
  out.text = note.text;
  for (const NamedPublicKey& witness : witnesses) {
    bool counted = false;
    for (const NamedPublicKey& c : out.cosigners) counted = counted || c == witness;
    if (counted) continue;
    for (const NoteSignature& sig : note.signatures) {
      if (!IsTrustedLine(sig, witness)) continue;
      CL_ASSIGN_OR_RETURN(std::uint64_t timestamp, VerifyCosignature(note.text, sig, witness));
      if (!counted) {
        out.cosigners.push_back(witness);
        out.timestamps.push_back(timestamp);
        counted = true;
      }
    }
  }
  if (out.cosigners.size() < min_cosignatures) {
    return Status::VerificationFailed("checkpoint has " + std::to_string(out.cosigners.size()) +
                                      " valid cosignatures from trusted witnesses, " +
                                      std::to_string(min_cosignatures) + " required")
        .WithReason("too_few_cosignatures");
  }
  return out;
}

Result<std::string> AddCosignatures(std::string_view signed_note, std::string_view signature_lines,
                                    std::span<const NamedPublicKey> witnesses) {
  CL_ASSIGN_OR_RETURN(Note note, ParseNote(signed_note));
  // The witness's answer is signature lines only: appended to the note's
  // text and a blank line, it parses as a note (tlog-witness,
  // "add-checkpoint": "the client MAY concatenate it to the checkpoint").
  Result<Note> answer = ParseNote(note.text + "\n" + std::string(signature_lines));
  if (!answer.ok()) {
    return Status::InvalidArgument("malformed cosignature lines: " + answer.status().message());
  }
  for (const NoteSignature& sig : answer->signatures) {
    bool present = false;
    for (const NoteSignature& have : note.signatures) present = present || have == sig;
    if (present) continue;
    for (const NamedPublicKey& witness : witnesses) {
      if (IsTrustedLine(sig, witness) && VerifyCosignature(note.text, sig, witness).ok()) {
        note.signatures.push_back(sig);
        break;
      }
    }
  }
  return FormatNote(note);
}

Status WriteCosignedCheckpoint(const std::string& ledger_dir, std::string_view signed_note) {
  return WriteFileDurably(ledger_dir + "/" + std::string(kCosignedCheckpointFile),
                          AsBytes(signed_note), 0644);
}

Result<std::string> ReadCosignedCheckpoint(const std::string& ledger_dir) {
  const std::string path = ledger_dir + "/" + std::string(kCosignedCheckpointFile);
  Result<std::string> text = ReadWholeFile(path, kMaxNoteSize);
  if (text.status().Is(StatusCode::kNotFound)) {
    return Status::NotFound("no cosigned checkpoint: " + path);
  }
  return text;
}

Result<CosignedCheckpoint> LoadCosignedCheckpoint(const std::string& ledger_dir,
                                                  const LedgerSnapshot& snapshot,
                                                  const NamedPublicKey& log_key,
                                                  std::span<const NamedPublicKey> witnesses,
                                                  std::size_t min_cosignatures) {
  CL_ASSIGN_OR_RETURN(std::string note, ReadCosignedCheckpoint(ledger_dir));
  CL_ASSIGN_OR_RETURN(CosignedCheckpoint c,
                      VerifyCosignedCheckpoint(note, log_key, witnesses, min_cosignatures));
  if (c.checkpoint.size > snapshot.size()) {
    return Status::Corruption("the cosigned checkpoint's size " +
                              std::to_string(c.checkpoint.size) + " exceeds the ledger's " +
                              std::to_string(snapshot.size()))
        .WithReason("cosigned_checkpoint_mismatch");
  }
  CL_ASSIGN_OR_RETURN(Hash256 root, snapshot.RootAt(c.checkpoint.size));
  if (root != c.checkpoint.root) {
    return Status::Corruption("the cosigned checkpoint of size " +
                              std::to_string(c.checkpoint.size) +
                              " does not match the ledger's tree at that size")
        .WithReason("cosigned_checkpoint_mismatch");
  }
  return c;
}

}  // namespace certledger
