// Key strings and key files.
//
// Key strings (C2SP signed-note, https://c2sp.org/signed-note, and Go's
// golang.org/x/mod/sumdb/note, whose parser we match except where noted):
//
//   verifier-key = name "+" key-id "+" base64(%x01 key)        ; key: 32 bytes
//   signer-key   = "PRIVATE+KEY+" name "+" key-id "+" base64(%x01 seed)
//   key-id       = 8 lower-case hex digits
//                = hex(SHA-256(name || %x0A || %x01 || public key)[0:4])
//   name         = 1*(any UTF-8 character except "+", Unicode spaces and
//                    control characters)
//   base64       = RFC 4648 section 4, padded, canonical
//
// Go also accepts upper-case hex and non-canonical base64; certledger
// writes and reads one form only.
//
// Files:
//
//   public-key-file    = verifier-key LF                  ; mode 0644
//   private-key-file   = signer-key LF                    ; mode 0600
//                      / encrypted-key-file               ; mode 0600
//   encrypted-key-file = "certledger encrypted private key v1" LF
//                        "public " verifier-key LF
//                        "kdf argon2id13 " ops-limit SP mem-limit SP
//                            base64(salt) LF              ; salt: 16 bytes
//                        "box xsalsa20poly1305 " base64(nonce) SP
//                            base64(ciphertext) LF        ; nonce: 24 bytes
//   ops-limit, mem-limit = decimal, no leading zeros, inside the bounds of
//                          KeyEncryptionCost
//
// The box is crypto_secretbox_easy(signer-key, nonce, K), with
// K = crypto_pwhash(32 bytes, passphrase, salt, ops-limit, mem-limit,
// crypto_pwhash_ALG_ARGON2ID13). Decrypted, it holds exactly what an
// unencrypted file holds (without the LF); the "public" line lets anyone
// see which key the file holds, and must match the decrypted key.
//
// Files are at most kMaxKeyFileSize bytes. A file is created with
// O_CREAT|O_EXCL (never overwritten), synced, and its directory synced.
#include "certledger/key_file.h"

#include <fcntl.h>
#include <sodium.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <cstdio>
#include <cstring>
#include <vector>

#include "certledger/file_util.h"
#include "certledger/sha256.h"
#include "certledger/utf8.h"

namespace certledger {
namespace {

constexpr std::string_view kSignerPrefix = "PRIVATE+KEY+";
constexpr std::string_view kEncryptedMagic = "certledger encrypted private key v1";
constexpr std::size_t kMaxKeyFileSize = 16 * 1024;
constexpr std::size_t kSaltSize = crypto_pwhash_argon2id_SALTBYTES;
constexpr std::size_t kNonceSize = crypto_secretbox_NONCEBYTES;
constexpr std::size_t kBoxKeySize = crypto_secretbox_KEYBYTES;

static_assert(KeyEncryptionCost::kMinOpsLimit >= crypto_pwhash_argon2id_OPSLIMIT_MIN);
static_assert(KeyEncryptionCost::kMinMemLimit >= crypto_pwhash_argon2id_MEMLIMIT_MIN);
static_assert(KeyEncryptionCost{}.ops_limit == crypto_pwhash_argon2id_OPSLIMIT_MODERATE);
static_assert(KeyEncryptionCost{}.mem_limit == crypto_pwhash_argon2id_MEMLIMIT_MODERATE);

std::string KeyIdHex(std::uint32_t id) {
  char buf[9];
  std::snprintf(buf, sizeof buf, "%08x", static_cast<unsigned>(id));
  return buf;
}

// Strict lower-case 8-digit hex.
bool ParseKeyIdHex(std::string_view s, std::uint32_t* out) {
  if (s.size() != 8) return false;
  std::uint32_t v = 0;
  for (char c : s) {
    int d;
    if (c >= '0' && c <= '9') {
      d = c - '0';
    } else if (c >= 'a' && c <= 'f') {
      d = c - 'a' + 10;
    } else {
      return false;
    }
    v = v << 4 | static_cast<std::uint32_t>(d);
  }
  *out = v;
  return true;
}

bool ParseDecimal(std::string_view s, std::uint64_t* out) {
  auto v = ParseCanonicalUint(s);
  if (v) *out = *v;
  return v.has_value();
}

std::uint32_t KeyIdOfKeyBytes(std::string_view name, ByteView alg_and_key) {
  Sha256 h;
  h.Update(AsBytes(name)).Update(std::uint8_t{'\n'}).Update(alg_and_key);
  Hash256 d = h.Finish();
  return std::uint32_t{d[0]} << 24 | std::uint32_t{d[1]} << 16 | std::uint32_t{d[2]} << 8 |
         std::uint32_t{d[3]};
}

// Splits `s` at the first `sep`: returns the part before, leaves the rest
// in *s. Returns false (and leaves *s) if there is no `sep`.
bool Chop(std::string_view* s, char sep, std::string_view* before) {
  std::size_t i = s->find(sep);
  if (i == std::string_view::npos) return false;
  *before = s->substr(0, i);
  s->remove_prefix(i + 1);
  return true;
}

// The signer key string of `key`, in guarded memory.
Result<SecureBuffer> FormatSignerKey(const NamedSecretKey& key) {
  if (!IsValidKeyName(key.name)) return Status::InvalidArgument("invalid key name");
  SecureBuffer raw(1 + kEd25519SeedSize);
  raw.data()[0] = kNoteAlgEd25519;
  std::memcpy(raw.data() + 1, key.key.seed().data(), kEd25519SeedSize);
  std::string b64 = Base64Encode(raw.view());
  std::string id = KeyIdHex(key.KeyId());
  std::size_t size = kSignerPrefix.size() + key.name.size() + 1 + id.size() + 1 + b64.size();
  SecureBuffer out(size);
  std::size_t at = 0;
  auto put = [&](std::string_view part) {
    std::memcpy(out.data() + at, part.data(), part.size());
    at += part.size();
  };
  put(kSignerPrefix);
  put(key.name);
  put("+");
  put(id);
  put("+");
  put(b64);
  WipeString(b64);
  return out;
}

// Parses a signer key string. Messages never quote the secret.
Result<NamedSecretKey> ParseSignerKeyText(std::string_view text) {
  auto bad = [](std::string_view why) {
    return Status::InvalidArgument("malformed signer key: " + std::string(why));
  };
  if (text.substr(0, kSignerPrefix.size()) != kSignerPrefix) return bad("no PRIVATE+KEY+ prefix");
  text.remove_prefix(kSignerPrefix.size());
  std::string_view name, id_hex;
  if (!Chop(&text, '+', &name) || !Chop(&text, '+', &id_hex)) return bad("missing '+' field");
  if (!IsValidKeyName(name)) return bad("invalid key name");
  std::uint32_t id;
  if (!ParseKeyIdHex(id_hex, &id)) return bad("key ID is not 8 lower-case hex digits");
  Result<Bytes> raw = Base64Decode(text);
  if (!raw.ok()) return bad("key is not canonical base64");
  Bytes seed = std::move(raw).value();
  Status problem;
  if (seed.empty() || seed[0] != kNoteAlgEd25519) {
    problem = bad("unsupported key algorithm (only 0x01, Ed25519)");
  } else if (seed.size() != 1 + kEd25519SeedSize) {
    problem = bad("Ed25519 seed must be 32 bytes");
  }
  if (!problem.ok()) {
    WipeBytes(seed);
    return problem;
  }
  Result<SecretKey> key = SecretKey::FromSeed(ByteView(seed).subspan(1));
  WipeBytes(seed);
  if (!key.ok()) return key.status();
  NamedSecretKey named{std::string(name), std::move(key).value()};
  if (named.KeyId() != id) return bad("key ID does not match the name and key");
  return named;
}

// ---- Files ----

std::string Errno() { return std::strerror(errno); }

// Creates `path` (never overwriting), writes `content`, syncs it. On any
// failure after creation the file is removed.
Status WriteNewFile(const std::string& path, ByteView content, mode_t mode) {
  UniqueFd fd(::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC | O_NOFOLLOW, mode));
  if (fd.get() < 0) {
    if (errno == EEXIST) {
      return Status::AlreadyExists("key file " + path + " already exists; not overwriting it");
    }
    return Status::IOError("cannot create key file " + path + ": " + Errno());
  }
  Status s;
  if (::fchmod(fd.get(), mode) != 0) {
    s = Status::IOError("cannot set mode of key file " + path + ": " + Errno());
  } else if (s = WriteAll(fd.get(), content); !s.ok()) {
    s = s.Annotate("cannot write key file " + path);
  } else if (::fsync(fd.get()) != 0) {
    s = Status::IOError("cannot sync key file " + path + ": " + Errno());
  } else if (!fd.Close()) {
    s = Status::IOError("cannot close key file " + path + ": " + Errno());
  }
  if (!s.ok()) {
    ::unlink(path.c_str());
    return s;
  }
  // Best effort: the file itself is synced; some file systems refuse this.
  (void)SyncDirectory(DirectoryOf(path));
  return Status::OK();
}

// Reads a whole key file into guarded memory. `secret` files must have no
// group or other permission bits.
Result<SecureBuffer> ReadKeyFile(const std::string& path, bool secret) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound("key file " + path + " does not exist");
    return Status::IOError("cannot open key file " + path + ": " + Errno());
  }
  struct stat st;
  if (::fstat(fd.get(), &st) != 0) {
    return Status::IOError("cannot stat key file " + path + ": " + Errno());
  }
  if (!S_ISREG(st.st_mode)) {
    return Status::InvalidArgument("key file " + path + " is not a regular file");
  }
  if (secret && (st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied("key file " + path + " is readable by group or others (mode " +
                                    mode + "); run chmod 600 " + path)
        .WithReason("key_file_permissions");
  }
  SecureBuffer buf(kMaxKeyFileSize + 1);
  std::size_t size = 0;
  while (size < buf.size()) {
    ssize_t n = ::read(fd.get(), buf.data() + size, buf.size() - size);
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError("cannot read key file " + path + ": " + Errno());
    }
    if (n == 0) break;
    size += static_cast<std::size_t>(n);
  }
  if (size > kMaxKeyFileSize) {
    return Status::InvalidArgument("key file " + path + " is larger than " +
                                   std::to_string(kMaxKeyFileSize) + " bytes: not a key file");
  }
  return SecureBuffer::Copy(buf.view().first(size));
}

Status Malformed(const std::string& path, std::string_view why) {
  return Status::InvalidArgument("key file " + path + " is malformed: " + std::string(why))
      .WithReason("malformed_key_file");
}

// The single line of a one-line file, without its LF.
Result<std::string_view> SingleLine(const std::string& path, std::string_view content) {
  if (content.empty()) return Malformed(path, "empty file");
  if (content.back() != '\n') return Malformed(path, "truncated (no final newline)");
  content.remove_suffix(1);
  if (content.find('\n') != std::string_view::npos) return Malformed(path, "more than one line");
  return content;
}

Status CheckCost(const KeyEncryptionCost& cost) {
  if (cost.ops_limit < KeyEncryptionCost::kMinOpsLimit ||
      cost.ops_limit > KeyEncryptionCost::kMaxOpsLimit ||
      cost.mem_limit < KeyEncryptionCost::kMinMemLimit ||
      cost.mem_limit > KeyEncryptionCost::kMaxMemLimit) {
    return Status::InvalidArgument("Argon2id cost out of bounds (ops " +
                                   std::to_string(cost.ops_limit) + ", mem " +
                                   std::to_string(cost.mem_limit) + ")");
  }
  return Status::OK();
}

Result<SecureBuffer> DeriveBoxKey(const Passphrase& passphrase, ByteView salt,
                                  const KeyEncryptionCost& cost) {
  SecureBuffer key(kBoxKeySize);
  ByteView pw = passphrase.view();
  if (crypto_pwhash(key.data(), key.size(), reinterpret_cast<const char*>(pw.data()), pw.size(),
                    salt.data(), cost.ops_limit, static_cast<std::size_t>(cost.mem_limit),
                    crypto_pwhash_ALG_ARGON2ID13) != 0) {
    return Status::ResourceExhausted("Argon2id could not allocate " +
                                     std::to_string(cost.mem_limit) + " bytes");
  }
  return key;
}

// One "<keyword> <field> <field>..." line of an encrypted file.
Result<std::vector<std::string_view>> Fields(const std::string& path, std::string_view line,
                                             std::string_view keyword, std::size_t count) {
  std::vector<std::string_view> fields;
  std::string_view rest = line;
  std::string_view field;
  while (Chop(&rest, ' ', &field)) fields.push_back(field);
  fields.push_back(rest);
  if (fields.size() != count + 1 || fields[0] != keyword) {
    return Malformed(path, "expected a \"" + std::string(keyword) + "\" line with " +
                               std::to_string(count) + " fields");
  }
  fields.erase(fields.begin());
  return fields;
}

Result<NamedSecretKey> ReadEncrypted(const std::string& path, std::string_view content,
                                     const Passphrase* passphrase) {
  if (content.back() != '\n') return Malformed(path, "truncated (no final newline)");
  std::vector<std::string_view> lines;
  std::string_view rest = content;
  std::string_view line;
  while (Chop(&rest, '\n', &line)) lines.push_back(line);
  if (lines.size() != 4) return Malformed(path, "an encrypted key file has 4 lines");

  CL_ASSIGN_OR_RETURN(auto pub_fields, Fields(path, lines[1], "public", 1));
  Result<NamedPublicKey> pub = ParseVerifierKey(pub_fields[0]);
  if (!pub.ok()) return Malformed(path, pub.status().message());

  CL_ASSIGN_OR_RETURN(auto kdf, Fields(path, lines[2], "kdf", 4));
  KeyEncryptionCost cost;
  if (kdf[0] != "argon2id13") return Malformed(path, "unsupported kdf (only argon2id13)");
  if (!ParseDecimal(kdf[1], &cost.ops_limit) || !ParseDecimal(kdf[2], &cost.mem_limit) ||
      !CheckCost(cost).ok()) {
    return Malformed(path, "kdf limits are not decimals inside the allowed bounds");
  }
  Result<Bytes> salt = Base64Decode(kdf[3]);
  if (!salt.ok() || salt->size() != kSaltSize) return Malformed(path, "salt is not 16 bytes");

  CL_ASSIGN_OR_RETURN(auto box, Fields(path, lines[3], "box", 3));
  if (box[0] != "xsalsa20poly1305") return Malformed(path, "unsupported cipher");
  Result<Bytes> nonce = Base64Decode(box[1]);
  if (!nonce.ok() || nonce->size() != kNonceSize) return Malformed(path, "nonce is not 24 bytes");
  Result<Bytes> sealed = Base64Decode(box[2]);
  if (!sealed.ok()) return Malformed(path, "ciphertext is not canonical base64");
  if (sealed->size() <= crypto_secretbox_MACBYTES) return Malformed(path, "ciphertext too short");

  if (passphrase == nullptr) {
    return Status::InvalidArgument("key file " + path + " is encrypted; a passphrase is required")
        .WithReason("passphrase_required");
  }
  CL_ASSIGN_OR_RETURN(SecureBuffer box_key, DeriveBoxKey(*passphrase, *salt, cost));
  SecureBuffer plain(sealed->size() - crypto_secretbox_MACBYTES);
  if (crypto_secretbox_open_easy(plain.data(), sealed->data(), sealed->size(), nonce->data(),
                                 box_key.data()) != 0) {
    return Status::VerificationFailed("wrong passphrase for key file " + path)
        .WithReason("wrong_passphrase");
  }
  Result<NamedSecretKey> key = ParseSignerKeyText(plain.chars());
  if (!key.ok()) {
    return Status::Corruption("key file " + path + ": decrypted key is malformed: " +
                              key.status().message());
  }
  if (!(key->Public() == *pub)) {
    return Status::Corruption("key file " + path +
                              ": the encrypted key does not match its \"public\" line");
  }
  return key;
}

Result<NamedSecretKey> ReadSecret(const std::string& path, const Passphrase* passphrase) {
  CL_ASSIGN_OR_RETURN(SecureBuffer content, ReadKeyFile(path, /*secret=*/true));
  std::string_view text = content.chars();
  if (text.empty()) return Malformed(path, "empty file");
  if (text.substr(0, kSignerPrefix.size()) == kSignerPrefix) {
    CL_ASSIGN_OR_RETURN(std::string_view line, SingleLine(path, text));
    Result<NamedSecretKey> key = ParseSignerKeyText(line);
    if (!key.ok()) return Malformed(path, key.status().message());
    return key;
  }
  if (text.substr(0, kEncryptedMagic.size()) == kEncryptedMagic &&
      text.substr(kEncryptedMagic.size(), 1) == "\n") {
    return ReadEncrypted(path, text, passphrase);
  }
  if (kEncryptedMagic.substr(0, text.size()) == text ||
      kSignerPrefix.substr(0, text.size()) == text) {
    return Malformed(path, "truncated");
  }
  return Malformed(path, "not a certledger private key file");
}

}  // namespace

bool IsValidKeyName(std::string_view name) {
  if (name.empty()) return false;
  std::size_t pos = 0;
  char32_t c;
  while (pos < name.size()) {
    if (!NextCodePoint(name, &pos, &c)) return false;
    if (c == '+' || IsUnicodeSpace(c) || c < 0x20 || (c >= 0x7F && c <= 0x9F)) return false;
  }
  return true;
}

std::uint32_t NoteKeyId(std::string_view name, const PublicKey& key) {
  std::uint8_t raw[1 + kEd25519PublicKeySize];
  raw[0] = kNoteAlgEd25519;
  std::memcpy(raw + 1, key.bytes.data(), kEd25519PublicKeySize);
  return KeyIdOfKeyBytes(name, raw);
}

Result<std::string> FormatVerifierKey(const NamedPublicKey& key) {
  if (!IsValidKeyName(key.name)) {
    return Status::InvalidArgument("invalid key name \"" + key.name +
                                   "\": it must be non-empty UTF-8 without '+', spaces or "
                                   "control characters");
  }
  Bytes raw{kNoteAlgEd25519};
  raw.insert(raw.end(), key.key.bytes.begin(), key.key.bytes.end());
  return key.name + "+" + KeyIdHex(key.KeyId()) + "+" + Base64Encode(raw);
}

Result<NamedPublicKey> ParseVerifierKey(std::string_view text) {
  auto bad = [](std::string_view why) {
    return Status::InvalidArgument("malformed verifier key: " + std::string(why))
        .WithReason("malformed_verifier_key");
  };
  std::string_view name, id_hex;
  if (!Chop(&text, '+', &name) || !Chop(&text, '+', &id_hex)) {
    return bad("expected <name>+<key ID>+<key>");
  }
  if (!IsValidKeyName(name)) return bad("invalid key name");
  std::uint32_t id;
  if (!ParseKeyIdHex(id_hex, &id)) return bad("key ID is not 8 lower-case hex digits");
  Result<Bytes> raw = Base64Decode(text);
  if (!raw.ok()) return bad("key is not canonical base64");
  if (raw->empty()) return bad("empty key");
  if (KeyIdOfKeyBytes(name, *raw) != id) return bad("key ID does not match the name and key");
  if ((*raw)[0] != kNoteAlgEd25519) return bad("unsupported key algorithm (only 0x01, Ed25519)");
  Result<PublicKey> key = PublicKey::FromBytes(ByteView(*raw).subspan(1));
  if (!key.ok()) return bad(key.status().message());
  return NamedPublicKey{std::string(name), *key};
}

Passphrase Passphrase::Take(std::string* text) {
  Passphrase p(SecureBuffer::Copy(AsBytes(*text)));
  WipeString(*text);
  return p;
}

Passphrase Passphrase::Copy(std::string_view text) {
  return Passphrase(SecureBuffer::Copy(AsBytes(text)));
}

Status WritePublicKeyFile(const std::string& path, const NamedPublicKey& key) {
  CL_ASSIGN_OR_RETURN(std::string vkey, FormatVerifierKey(key));
  vkey += '\n';
  return WriteNewFile(path, AsBytes(vkey), 0644);
}

Result<NamedPublicKey> ReadPublicKeyFile(const std::string& path) {
  CL_ASSIGN_OR_RETURN(SecureBuffer content, ReadKeyFile(path, /*secret=*/false));
  CL_ASSIGN_OR_RETURN(std::string_view line, SingleLine(path, content.chars()));
  Result<NamedPublicKey> key = ParseVerifierKey(line);
  if (!key.ok()) return Malformed(path, key.status().message());
  return key;
}

Status WriteSecretKeyFile(const std::string& path, const NamedSecretKey& key) {
  CL_ASSIGN_OR_RETURN(SecureBuffer skey, FormatSignerKey(key));
  SecureBuffer content(skey.size() + 1);
  std::memcpy(content.data(), skey.data(), skey.size());
  content.data()[skey.size()] = '\n';
  return WriteNewFile(path, content.view(), 0600);
}

Status WriteSecretKeyFile(const std::string& path, const NamedSecretKey& key,
                          const Passphrase& passphrase, KeyEncryptionCost cost) {
  if (passphrase.empty()) return Status::InvalidArgument("empty passphrase");
  CL_RETURN_IF_ERROR(CheckCost(cost));
  CL_ASSIGN_OR_RETURN(std::string vkey, FormatVerifierKey(key.Public()));
  CL_ASSIGN_OR_RETURN(SecureBuffer skey, FormatSignerKey(key));
  InitSodium();
  Bytes salt(kSaltSize), nonce(kNonceSize);
  randombytes_buf(salt.data(), salt.size());
  randombytes_buf(nonce.data(), nonce.size());
  CL_ASSIGN_OR_RETURN(SecureBuffer box_key, DeriveBoxKey(passphrase, salt, cost));
  Bytes sealed(skey.size() + crypto_secretbox_MACBYTES);
  crypto_secretbox_easy(sealed.data(), skey.data(), skey.size(), nonce.data(), box_key.data());
  std::string content = std::string(kEncryptedMagic) + "\n" +
                        "public " + vkey + "\n" +
                        "kdf argon2id13 " + std::to_string(cost.ops_limit) + " " +
                        std::to_string(cost.mem_limit) + " " + Base64Encode(salt) + "\n" +
                        "box xsalsa20poly1305 " + Base64Encode(nonce) + " " +
                        Base64Encode(sealed) + "\n";
  return WriteNewFile(path, AsBytes(content), 0600);
}

Result<NamedSecretKey> ReadSecretKeyFile(const std::string& path) {
  return ReadSecret(path, nullptr);
}

Result<NamedSecretKey> ReadSecretKeyFile(const std::string& path, const Passphrase& passphrase) {
  return ReadSecret(path, &passphrase);
}

Result<NamedSecretKey> ParseSignerKey(std::string_view text) { return ParseSignerKeyText(text); }

}  // namespace certledger
