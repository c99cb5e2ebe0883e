// Named keys and key files.
//
// Every certledger key has a name (the log key's name is the log's origin,
// DESIGN.md). Keys travel as text in the formats of C2SP signed-note
// (https://c2sp.org/signed-note) and Go's golang.org/x/mod/sumdb/note, so
// that other tools read them:
//
//   verifier key  <name>+<key ID, 8 lower-case hex>+<base64(0x01 || public key)>
//   signer key    PRIVATE+KEY+<name>+<key ID>+<base64(0x01 || 32-byte seed)>
//
// where key ID = the first 4 bytes, big-endian, of
// SHA-256(name || 0x0A || 0x01 || public key), and 0x01 names Ed25519.
//
// Files (grammars at the top of ledger/key_file.cpp):
//   - a public key file holds the verifier key and a newline;
//   - a private key file holds the signer key and a newline, or, when
//     written with a passphrase, certledger's encrypted form (Argon2id,
//     XSalsa20-Poly1305).
// Private key files are created with mode 0600 and refused when any group
// or other permission bit is set. No function here overwrites a file.
//
// Thread safety: all functions are thread-safe. The structs are values;
// NamedSecretKey and Passphrase are movable, never copyable.
#ifndef CERTLEDGER_KEY_FILE_H_
#define CERTLEDGER_KEY_FILE_H_

#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>
#include <utility>

#include "certledger/bytes.h"
#include "certledger/ed25519.h"
#include "certledger/secure_buffer.h"
#include "certledger/status.h"

namespace certledger {

// The signature type byte of Ed25519 in C2SP signed-note.
constexpr std::uint8_t kNoteAlgEd25519 = 0x01;

// A key name is valid if it is non-empty, valid UTF-8, and holds no '+', no
// Unicode space (Go's unicode.IsSpace) and no control character (C0, DEL,
// C1). The last rule is certledger's: a name must fit on a note's line.
bool IsValidKeyName(std::string_view name);

// The C2SP signed-note key ID of an Ed25519 key:
// SHA-256(name || 0x0A || 0x01 || key)[:4], big-endian.
std::uint32_t NoteKeyId(std::string_view name, const PublicKey& key);

struct NamedPublicKey {
  std::string name;
  PublicKey key;

  std::uint32_t KeyId() const { return NoteKeyId(name, key); }
  friend bool operator==(const NamedPublicKey&, const NamedPublicKey&) = default;
};

struct NamedSecretKey {
  std::string name;
  SecretKey key;

  std::uint32_t KeyId() const { return NoteKeyId(name, key.public_key()); }
  NamedPublicKey Public() const { return {name, key.public_key()}; }
};

// The verifier key string of `key`. InvalidArgument if the name is invalid.
Result<std::string> FormatVerifierKey(const NamedPublicKey& key);

// Parses a verifier key string strictly: exactly three '+'-separated
// fields, a valid name, 8 lower-case hex digits, canonical padded base64 of
// 33 bytes starting with 0x01, and a key ID that matches the name and key.
// InvalidArgument (naming the first problem) otherwise.
Result<NamedPublicKey> ParseVerifierKey(std::string_view text);

// Parses a signer key string "PRIVATE+KEY+<name>+<key ID>+<base64>" (for
// keys compiled into a program, e.g. the demo's example keys).
// InvalidArgument "malformed signer key: ..." otherwise; the message never
// quotes the secret.
[[nodiscard]] Result<NamedSecretKey> ParseSignerKey(std::string_view text);

// A passphrase for encrypting a private key file, held in guarded memory
// and wiped when destroyed.
class Passphrase {
 public:
  // Takes the characters of `*text` and wipes `*text` (it is left empty).
  static Passphrase Take(std::string* text);
  // Copies `text`; the caller stays responsible for its own copy.
  static Passphrase Copy(std::string_view text);

  ByteView view() const { return bytes_.view(); }
  bool empty() const { return bytes_.empty(); }

 private:
  explicit Passphrase(SecureBuffer bytes) : bytes_(std::move(bytes)) {}
  SecureBuffer bytes_;
};

// Argon2id (crypto_pwhash, ALG_ARGON2ID13) cost of a passphrase-encrypted
// file. The defaults are libsodium's MODERATE limits (about a second and
// 256 MiB); tests use kMinOpsLimit/kMinMemLimit-scale values to stay fast.
// Both are stored in the file, so reading needs no parameters.
struct KeyEncryptionCost {
  static constexpr std::uint64_t kMinOpsLimit = 1;
  static constexpr std::uint64_t kMaxOpsLimit = 32;
  static constexpr std::uint64_t kMinMemLimit = 8192;
  static constexpr std::uint64_t kMaxMemLimit = std::uint64_t{1} << 30;  // 1 GiB

  std::uint64_t ops_limit = 3;                               // OPSLIMIT_MODERATE
  std::uint64_t mem_limit = std::uint64_t{256} << 20;        // MEMLIMIT_MODERATE
};

// Writes "<verifier key>\n" to a new file at `path` with mode 0644, synced.
// OK on success; AlreadyExists if `path` exists (never overwritten);
// InvalidArgument if the name is invalid; IOError if the system fails.
[[nodiscard]] Status WritePublicKeyFile(const std::string& path, const NamedPublicKey& key);

// Reads a public key file. OK with the key; NotFound if `path` does not
// exist; InvalidArgument naming the file if it is not exactly one valid
// verifier key line (truncated, garbled, extra bytes); IOError otherwise.
[[nodiscard]] Result<NamedPublicKey> ReadPublicKeyFile(const std::string& path);

// Writes the signer key (unencrypted) to a new file at `path`, created with
// mode 0600 and synced. OK; AlreadyExists if `path` exists; InvalidArgument
// if the name is invalid; IOError if the system fails (no partial file is
// left behind).
[[nodiscard]] Status WriteSecretKeyFile(const std::string& path, const NamedSecretKey& key);

// As above, encrypted with `passphrase`. InvalidArgument also for an empty
// passphrase or a cost outside the KeyEncryptionCost bounds.
[[nodiscard]] Status WriteSecretKeyFile(const std::string& path, const NamedSecretKey& key,
                                        const Passphrase& passphrase,
                                        KeyEncryptionCost cost = {});

// Reads a private key file (either form; an unencrypted file ignores a
// given passphrase). OK with the key. Failures, each naming the file:
//   NotFound            `path` does not exist;
//   PermissionDenied    the file has a group or other permission bit:
//                       "key file X is readable by group or others (mode
//                       0644); run chmod 600 X";
//   InvalidArgument     truncated or garbled content, not a regular file,
//                       or an encrypted file and no passphrase given;
//   VerificationFailed  "wrong passphrase for key file X" (also when the
//                       ciphertext was damaged: the two cannot be told
//                       apart);
//   Corruption          the encrypted key decrypts but does not match the
//                       name and key ID written beside it;
//   IOError             the system fails.
[[nodiscard]] Result<NamedSecretKey> ReadSecretKeyFile(const std::string& path);
[[nodiscard]] Result<NamedSecretKey> ReadSecretKeyFile(const std::string& path,
                                                       const Passphrase& passphrase);

}  // namespace certledger

#endif  // CERTLEDGER_KEY_FILE_H_
