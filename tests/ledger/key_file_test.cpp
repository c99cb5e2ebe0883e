#include <catch2/catch.hpp>

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>

#include "certledger/key_file.h"

using namespace certledger;

namespace {

// The verifier and signer keys of golang.org/x/mod/sumdb/note's tests
// (note_test.go, TestNewVerifier and TestNewSigner).
constexpr const char* kPeterVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kPeterSignerKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";

// Argon2id at its cheapest, so that tests are fast.
constexpr KeyEncryptionCost kFastCost{1, 64 * 1024};

// A fresh directory, removed with its contents at the end of the test.
class TempDir {
 public:
  TempDir() {
    std::string tmpl = (std::filesystem::temp_directory_path() / "certledger-keyfile-XXXXXX");
    REQUIRE(::mkdtemp(tmpl.data()) != nullptr);
    path_ = tmpl;
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  std::string File(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

void WriteRaw(const std::string& path, std::string_view content, mode_t mode) {
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_TRUNC, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  REQUIRE(::fchmod(fd, mode) == 0);
  ::close(fd);
}

std::string ReadRaw(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

mode_t ModeOf(const std::string& path) {
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  return st.st_mode & 07777;
}

}  // namespace

TEST_CASE("Key names follow the signed-note rules", "[keyfile]") {
  CHECK(IsValidKeyName("PeterNeumann"));
  CHECK(IsValidKeyName("example.com/log42"));
  CHECK(IsValidKeyName("证书.example/账本"));
  CHECK_FALSE(IsValidKeyName(""));
  CHECK_FALSE(IsValidKeyName("a+b"));
  CHECK_FALSE(IsValidKeyName("a b"));
  CHECK_FALSE(IsValidKeyName("a\tb"));
  CHECK_FALSE(IsValidKeyName("a\nb"));
  CHECK_FALSE(IsValidKeyName("a\xc2\xa0" "b"));      // U+00A0 no-break space
  CHECK_FALSE(IsValidKeyName("a\xe3\x80\x80" "b"));  // U+3000 ideographic space
  CHECK_FALSE(IsValidKeyName("a\xe2\x80\xa8" "b"));  // U+2028 line separator
  CHECK_FALSE(IsValidKeyName("a\x7f" "b"));          // DEL
  CHECK_FALSE(IsValidKeyName("a\xff" "b"));          // not UTF-8
  CHECK_FALSE(IsValidKeyName("a\xc0\xaf" "b"));      // overlong '/'
}

TEST_CASE("Verifier key of Go's note package parses and formats back", "[keyfile]") {
  Result<NamedPublicKey> key = ParseVerifierKey(kPeterVerifierKey);
  REQUIRE(key.ok());
  CHECK(key->name == "PeterNeumann");
  CHECK(key->KeyId() == 0xc74f20a3u);
  // base64 "ARpc...10TW" = 0x01 || public key.
  CHECK(HexEncode(key->key.view()) ==
        "1a5cd907143c384c41e830c5bce12aa8817ec5649aaabf2c31388b35b2d744d6");
  CHECK(FormatVerifierKey(*key).value() == kPeterVerifierKey);

  // The sum.golang.org key, as the go command pins it
  // (golang/go src/cmd/go/internal/modfetch/key.go).
  const std::string sumdb = "sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8";
  Result<NamedPublicKey> sumdb_key = ParseVerifierKey(sumdb);
  REQUIRE(sumdb_key.ok());
  CHECK(sumdb_key->name == "sum.golang.org");
  CHECK(FormatVerifierKey(*sumdb_key).value() == sumdb);
}

TEST_CASE("Mangled verifier keys are rejected", "[keyfile]") {
  // As note_test.go's TestNewVerifier: every proper substring, and every
  // single byte incremented.
  const std::string vkey = kPeterVerifierKey;
  for (std::size_t i = 0; i <= vkey.size(); ++i) {
    for (std::size_t j = i + 1; j <= vkey.size(); ++j) {
      if (i == 0 && j == vkey.size()) continue;
      INFO(vkey.substr(i, j - i));
      CHECK(ParseVerifierKey(vkey.substr(i, j - i)).status().code() ==
            StatusCode::kInvalidArgument);
    }
  }
  for (std::size_t i = 0; i < vkey.size(); ++i) {
    std::string b = vkey;
    ++b[i];
    INFO(b);
    CHECK_FALSE(ParseVerifierKey(b).ok());
  }
  // note_test.go: wrong length key and unknown algorithm, each with an
  // adjusted key ID. (Go's base64 accepts the non-zero trailing bits of
  // "BADKEY=="; certledger's strict decoder refuses them first.)
  CHECK(ParseVerifierKey(
            "PeterNeumann+cc469956+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TWBADKEY==")
            .status()
            .code() == StatusCode::kInvalidArgument);
  CHECK(ParseVerifierKey("PeterNeumann+173116ae+ZRpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .status()
            .message() == "malformed verifier key: unsupported key algorithm (only 0x01, Ed25519)");
  // Upper-case hex is a second spelling of the same key: refused.
  CHECK_FALSE(
      ParseVerifierKey("PeterNeumann+C74F20A3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW").ok());
  CHECK(ParseVerifierKey("PeterNeumann+c74f20a4+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW")
            .status()
            .message() == "malformed verifier key: key ID does not match the name and key");
  CHECK(FormatVerifierKey({"bad name", ParseVerifierKey(kPeterVerifierKey)->key}).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("Signer key of Go's note package parses; mangled ones do not", "[keyfile]") {
  Result<NamedSecretKey> key = ParseSignerKey(kPeterSignerKey);
  REQUIRE(key.ok());
  CHECK(key->name == "PeterNeumann");
  CHECK(key->Public() == ParseVerifierKey(kPeterVerifierKey).value());
  // base64 "AYEK...KDFz" = 0x01 || seed (decoded offline with base64 -d | xxd).
  CHECK(HexEncode(key->key.seed()) ==
        "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173");

  // As note_test.go's TestNewSigner: every proper substring, and every
  // single byte incremented.
  const std::string skey = kPeterSignerKey;
  for (std::size_t i = 0; i <= skey.size(); ++i) {
    for (std::size_t j = i + 1; j <= skey.size(); ++j) {
      if (i == 0 && j == skey.size()) continue;
      Result<NamedSecretKey> r = ParseSignerKey(skey.substr(i, j - i));
      INFO(skey.substr(i, j - i));
      CHECK(r.status().code() == StatusCode::kInvalidArgument);
    }
  }
  for (std::size_t i = 0; i < skey.size(); ++i) {
    std::string b = skey;
    ++b[i];
    INFO(b);
    Result<NamedSecretKey> r = ParseSignerKey(b);
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(r.status().message(), !Catch::Contains("AYEKFALVFGyNhPJEMzD1QIDr"));
  }
}

TEST_CASE("Go's signer key file is read and written byte for byte", "[keyfile]") {
  TempDir dir;
  std::string path = dir.File("peter.key");
  WriteRaw(path, std::string(kPeterSignerKey) + "\n", 0600);
  Result<NamedSecretKey> key = ReadSecretKeyFile(path);
  REQUIRE(key.ok());
  CHECK(key->name == "PeterNeumann");
  CHECK(key->Public() == ParseVerifierKey(kPeterVerifierKey).value());

  std::string copy = dir.File("copy.key");
  REQUIRE(WriteSecretKeyFile(copy, *key).ok());
  CHECK(ReadRaw(copy) == std::string(kPeterSignerKey) + "\n");
  CHECK(ModeOf(copy) == 0600);

  std::string pub = dir.File("peter.pub");
  REQUIRE(WritePublicKeyFile(pub, key->Public()).ok());
  CHECK(ReadRaw(pub) == std::string(kPeterVerifierKey) + "\n");
  CHECK((ModeOf(pub) & 0022) == 0);
  CHECK(ReadPublicKeyFile(pub).value() == key->Public());
}

TEST_CASE("Mangled and truncated signer key files are rejected", "[keyfile]") {
  TempDir dir;
  const std::string content = std::string(kPeterSignerKey) + "\n";
  int n = 0;
  for (std::size_t i = 0; i + 1 < content.size(); ++i) {
    std::string b = content;
    ++b[i];
    std::string path = dir.File("mangled" + std::to_string(n++));
    WriteRaw(path, b, 0600);
    INFO(i);
    Result<NamedSecretKey> key = ReadSecretKeyFile(path);
    CHECK(key.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(key.status().message(), Catch::Contains("key file " + path));
    // The secret never appears in a message.
    CHECK_THAT(key.status().message(), !Catch::Contains("AYEKFALVFGyNhPJEMzD1QIDr"));
  }
  for (std::size_t len = 0; len < content.size(); ++len) {
    std::string path = dir.File("truncated" + std::to_string(len));
    WriteRaw(path, content.substr(0, len), 0600);
    INFO(len);
    CHECK(ReadSecretKeyFile(path).status().code() == StatusCode::kInvalidArgument);
  }
  std::string path = dir.File("short");
  WriteRaw(path, std::string(kPeterSignerKey), 0600);
  CHECK(ReadSecretKeyFile(path).status().message() ==
        "key file " + path + " is malformed: truncated (no final newline)");
  std::string junk = dir.File("junk");
  WriteRaw(junk, "hello\n", 0600);
  CHECK(ReadSecretKeyFile(junk).status().message() ==
        "key file " + junk + " is malformed: not a certledger private key file");
}

TEST_CASE("Private key files readable by group or others are refused", "[keyfile]") {
  TempDir dir;
  std::string path = dir.File("log.key");
  NamedSecretKey key{"example.com/log", SecretKey::Generate()};
  REQUIRE(WriteSecretKeyFile(path, key).ok());
  CHECK(ModeOf(path) == 0600);
  REQUIRE(ReadSecretKeyFile(path).ok());

  REQUIRE(::chmod(path.c_str(), 0644) == 0);
  Result<NamedSecretKey> r = ReadSecretKeyFile(path);
  CHECK(r.status().code() == StatusCode::kPermissionDenied);
  CHECK(r.status().message() == "key file " + path +
                                    " is readable by group or others (mode 0644); run chmod 600 " +
                                    path);
  for (mode_t mode : {0640, 0604, 0620, 0602, 0610, 0601, 0700 | 0040}) {
    REQUIRE(::chmod(path.c_str(), mode) == 0);
    INFO(mode);
    CHECK(ReadSecretKeyFile(path).status().code() == StatusCode::kPermissionDenied);
  }
  REQUIRE(::chmod(path.c_str(), 0400) == 0);
  CHECK(ReadSecretKeyFile(path).ok());
}

TEST_CASE("Key files are never overwritten", "[keyfile]") {
  TempDir dir;
  std::string path = dir.File("k");
  NamedSecretKey first{"first", SecretKey::Generate()};
  NamedSecretKey second{"second", SecretKey::Generate()};
  REQUIRE(WriteSecretKeyFile(path, first).ok());
  std::string before = ReadRaw(path);
  Status s = WriteSecretKeyFile(path, second);
  CHECK(s.code() == StatusCode::kAlreadyExists);
  CHECK(s.message() == "key file " + path + " already exists; not overwriting it");
  CHECK(WriteSecretKeyFile(path, second, Passphrase::Copy("pw"), kFastCost).code() ==
        StatusCode::kAlreadyExists);
  CHECK(WritePublicKeyFile(path, second.Public()).code() == StatusCode::kAlreadyExists);
  CHECK(ReadRaw(path) == before);

  CHECK(ReadSecretKeyFile(dir.File("missing")).status().code() == StatusCode::kNotFound);
  CHECK(ReadPublicKeyFile(dir.File("missing")).status().code() == StatusCode::kNotFound);
  CHECK(WriteSecretKeyFile(dir.File("no/such/dir"), first).code() == StatusCode::kIOError);
}

TEST_CASE("Encrypted private key files round trip", "[keyfile]") {
  TempDir dir;
  std::string path = dir.File("issuer.key");
  NamedSecretKey key{"issuer.example/body-7", SecretKey::Generate()};
  std::string typed = "correct horse battery staple";
  Passphrase pw = Passphrase::Take(&typed);
  CHECK(typed.empty());
  REQUIRE(WriteSecretKeyFile(path, key, pw, kFastCost).ok());
  CHECK(ModeOf(path) == 0600);

  std::string content = ReadRaw(path);
  // The format of key_file.cpp: magic, public line, kdf line, box line.
  CHECK(content.rfind("certledger encrypted private key v1\npublic " +
                          FormatVerifierKey(key.Public()).value() + "\nkdf argon2id13 1 65536 ",
                      0) == 0);
  CHECK(content.find("\nbox xsalsa20poly1305 ") != std::string::npos);
  CHECK(content.find("PRIVATE+KEY") == std::string::npos);
  Bytes seed(key.key.seed().begin(), key.key.seed().end());
  CHECK(content.find(Base64Encode(seed).substr(0, 20)) == std::string::npos);

  Result<NamedSecretKey> back = ReadSecretKeyFile(path, Passphrase::Copy("correct horse battery staple"));
  REQUIRE(back.ok());
  CHECK(back->name == key.name);
  CHECK(back->Public() == key.Public());
  Bytes msg = ToBytes("m");
  CHECK(back->key.Sign(msg) == key.key.Sign(msg));

  // Two encryptions of one key differ (fresh salt and nonce).
  std::string path2 = dir.File("issuer2.key");
  REQUIRE(WriteSecretKeyFile(path2, key, pw, kFastCost).ok());
  CHECK(ReadRaw(path2) != content);

  // An unencrypted file ignores a passphrase.
  std::string plain = dir.File("plain.key");
  REQUIRE(WriteSecretKeyFile(plain, key).ok());
  CHECK(ReadSecretKeyFile(plain, pw).ok());
}

TEST_CASE("Encrypted key file errors: passphrase, truncation, tampering", "[keyfile]") {
  TempDir dir;
  std::string path = dir.File("log.key");
  NamedSecretKey key{"log.example", SecretKey::Generate()};
  REQUIRE(WriteSecretKeyFile(path, key, Passphrase::Copy("s3cret"), kFastCost).ok());
  const std::string content = ReadRaw(path);

  Result<NamedSecretKey> wrong = ReadSecretKeyFile(path, Passphrase::Copy("s3creT"));
  CHECK(wrong.status().code() == StatusCode::kVerificationFailed);
  CHECK(wrong.status().message() == "wrong passphrase for key file " + path);

  Result<NamedSecretKey> none = ReadSecretKeyFile(path);
  CHECK(none.status().code() == StatusCode::kInvalidArgument);
  CHECK(none.status().message() == "key file " + path + " is encrypted; a passphrase is required");

  // Every truncation is malformed, never a key or a passphrase error.
  for (std::size_t len = 0; len < content.size(); ++len) {
    std::string p = dir.File("t" + std::to_string(len));
    WriteRaw(p, content.substr(0, len), 0600);
    INFO(len);
    CHECK(ReadSecretKeyFile(p, Passphrase::Copy("s3cret")).status().code() ==
          StatusCode::kInvalidArgument);
  }

  // A changed ciphertext byte: the MAC fails (indistinguishable from a
  // wrong passphrase).
  std::string flipped = content;
  std::size_t box = content.rfind(' ') + 5;
  flipped[box] = flipped[box] == 'A' ? 'B' : 'A';
  std::string p1 = dir.File("flipped");
  WriteRaw(p1, flipped, 0600);
  CHECK(ReadSecretKeyFile(p1, Passphrase::Copy("s3cret")).status().code() ==
        StatusCode::kVerificationFailed);

  // A "public" line swapped for another key: decrypts, does not match.
  std::string swapped = content;
  std::string old_vkey = FormatVerifierKey(key.Public()).value();
  std::string new_vkey =
      FormatVerifierKey({"log.example", SecretKey::Generate().public_key()}).value();
  swapped.replace(swapped.find(old_vkey), old_vkey.size(), new_vkey);
  std::string p2 = dir.File("swapped");
  WriteRaw(p2, swapped, 0600);
  CHECK(ReadSecretKeyFile(p2, Passphrase::Copy("s3cret")).status().code() ==
        StatusCode::kCorruption);

  // Costs outside the bounds, in the file or when writing.
  std::string greedy = content;
  greedy.replace(greedy.find(" 1 65536 "), 9, " 1 4294967296 ");
  std::string p3 = dir.File("greedy");
  WriteRaw(p3, greedy, 0600);
  CHECK(ReadSecretKeyFile(p3, Passphrase::Copy("s3cret")).status().code() ==
        StatusCode::kInvalidArgument);
  CHECK(WriteSecretKeyFile(dir.File("c0"), key, Passphrase::Copy("x"), {0, 65536}).code() ==
        StatusCode::kInvalidArgument);
  CHECK(WriteSecretKeyFile(dir.File("c1"), key, Passphrase::Copy("x"), {1, 1024}).code() ==
        StatusCode::kInvalidArgument);
  CHECK(WriteSecretKeyFile(dir.File("c2"), key, Passphrase::Copy(""), kFastCost).code() ==
        StatusCode::kInvalidArgument);
  CHECK_FALSE(std::filesystem::exists(dir.File("c0")));
}

TEST_CASE("Public key files are strict", "[keyfile]") {
  TempDir dir;
  const std::string vkey = kPeterVerifierKey;
  struct Case {
    const char* name;
    std::string content;
  };
  const Case cases[] = {
      {"empty", ""},
      {"no newline", vkey},
      {"two lines", vkey + "\n" + vkey + "\n"},
      {"trailing space", vkey + " \n"},
      {"CRLF", vkey + "\r\n"},
      {"truncated", vkey.substr(0, 40) + "\n"},
  };
  for (const Case& c : cases) {
    std::string path = dir.File(c.name);
    WriteRaw(path, c.content, 0644);
    INFO(c.name);
    Result<NamedPublicKey> r = ReadPublicKeyFile(path);
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::StartsWith("key file " + path + " is malformed: "));
  }
  std::string good = dir.File("good");
  WriteRaw(good, vkey + "\n", 0644);
  CHECK(ReadPublicKeyFile(good).value().name == "PeterNeumann");
  CHECK(ReadPublicKeyFile(dir.File("")).status().code() == StatusCode::kInvalidArgument);
}
