#include <catch2/catch.hpp>

#include <fcntl.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/note.h"

using namespace certledger;

namespace {

// golang.org/x/mod/sumdb/note, note_test.go (TestSign, TestOpen): keys,
// text and signature lines, byte for byte.
constexpr const char* kPeterVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
constexpr const char* kPeterSignerKey =
    "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz";
constexpr const char* kEnochVerifierKey =
    "EnochRoot+af0cfe78+ATtqJ7zOtqQtYqOo0CpvDXNlMhV3HeJDpjrASKGLWdop";
const std::string kText =
    "If you think cryptography is the answer to your problem,\n"
    "then you don't know what your problem is.\n";
const std::string kPeterSig =
    "\xE2\x80\x94 PeterNeumann "
    "x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n";
const std::string kEnochSig =
    "\xE2\x80\x94 EnochRoot "
    "rwz+eBzmZa0SO3NbfRGzPCpDckykFXSdeX+MNtCOXm2/5n2tiOHp+vAF1aGrQ5ovTG01oOTGwnWLox33WWd1RvMc+QQ=\n";

// The signer key goes through a key file, the way certledger loads keys.
NamedSecretKey PeterSigner() {
  std::string dir = (std::filesystem::temp_directory_path() / "certledger-note-XXXXXX");
  REQUIRE(::mkdtemp(dir.data()) != nullptr);
  std::string path = dir + "/peter.key";
  std::string content = std::string(kPeterSignerKey) + "\n";
  int fd = ::open(path.c_str(), O_WRONLY | O_CREAT | O_EXCL, 0600);
  REQUIRE(fd >= 0);
  REQUIRE(::write(fd, content.data(), content.size()) == static_cast<ssize_t>(content.size()));
  ::close(fd);
  Result<NamedSecretKey> key = ReadSecretKeyFile(path);
  std::filesystem::remove_all(dir);
  REQUIRE(key.ok());
  return std::move(key).value();
}

NamedPublicKey Peter() { return ParseVerifierKey(kPeterVerifierKey).value(); }
NamedPublicKey Enoch() { return ParseVerifierKey(kEnochVerifierKey).value(); }

NoteSignature SigOf(const std::string& line) {
  return ParseNote("x\n\n" + line).value().signatures.at(0);
}

}  // namespace

TEST_CASE("Signing Go's example note reproduces its signature byte for byte", "[note]") {
  NamedSecretKey peter = PeterSigner();
  Result<std::string> signed_note = SignNote(kText, peter);
  REQUIRE(signed_note.ok());
  // note_test.go TestSign's `want`.
  CHECK(*signed_note == kText + "\n" + kPeterSig);

  Result<OpenedNote> opened = OpenNote(*signed_note, std::vector{Peter()});
  REQUIRE(opened.ok());
  CHECK(opened->text == kText);
  REQUIRE(opened->verified.size() == 1);
  CHECK(opened->verified[0].name == "PeterNeumann");
  CHECK(opened->verified[0].key_id == 0xc74f20a3u);
  CHECK(opened->unverified.empty());
}

TEST_CASE("Notes signed by several keys", "[note]") {
  NamedSecretKey peter = PeterSigner();
  NamedSecretKey witness{"witness.example/w1", SecretKey::Generate()};
  const NamedSecretKey* signers[] = {&peter, &witness};
  Result<std::string> signed_note = SignNote(kText, signers);
  REQUIRE(signed_note.ok());
  Result<Note> parsed = ParseNote(*signed_note);
  REQUIRE(parsed.ok());
  REQUIRE(parsed->signatures.size() == 2);
  CHECK(parsed->signatures[0] == SigOf(kPeterSig));
  CHECK(parsed->signatures[1].name == "witness.example/w1");
  CHECK(parsed->signatures[1].key_id == witness.KeyId());
  CHECK(FormatNote(*parsed).value() == *signed_note);

  Result<OpenedNote> both = OpenNote(*signed_note, std::vector{Peter(), witness.Public()});
  REQUIRE(both.ok());
  CHECK(both->verified.size() == 2);
  CHECK(SignNote(kText, std::span<const NamedSecretKey* const>()).status().code() ==
        StatusCode::kInvalidArgument);
}

TEST_CASE("Opening Go's note: known, unknown and duplicated signatures", "[note]") {
  const std::string both = kText + "\n" + kPeterSig + kEnochSig;

  // One verified, one not (TestOpen).
  Result<OpenedNote> n = OpenNote(both, std::vector{Peter()});
  REQUIRE(n.ok());
  CHECK(n->text == kText);
  REQUIRE(n->verified.size() == 1);
  CHECK(n->verified[0] == SigOf(kPeterSig));
  REQUIRE(n->unverified.size() == 1);
  CHECK(n->unverified[0] == SigOf(kEnochSig));
  CHECK(n->unverified[0].key_id == 0xaf0cfe78u);

  // Both verified.
  n = OpenNote(both, std::vector{Peter(), Enoch()});
  REQUIRE(n.ok());
  CHECK(n->verified.size() == 2);
  CHECK(n->unverified.empty());

  // Both unverified: rejected.
  Result<OpenedNote> none = OpenNote(both, std::vector<NamedPublicKey>{});
  CHECK(none.status().code() == StatusCode::kVerificationFailed);
  CHECK(none.status().message() == "note has no signature by a known key");
  CHECK(none.status().reason() == "no_known_signature");

  // A known key listed twice is the same key, not an ambiguity.
  CHECK(OpenNote(kText + "\n" + kEnochSig, std::vector{Enoch(), Peter(), Enoch()}).ok());

  // A signature line changed inside its base64 (TestOpen's "Invalid signature").
  std::string bad = kText + "\n" + kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  Result<OpenedNote> invalid = OpenNote(bad, std::vector{Peter()});
  CHECK(invalid.status().code() == StatusCode::kVerificationFailed);
  CHECK(invalid.status().message() == "invalid signature for key PeterNeumann+c74f20a3");
  // ... ignored when the key is unknown.
  CHECK(OpenNote(kText + "\n" + kEnochSig.substr(0, 60) + "ABCD" + kEnochSig.substr(60) + kPeterSig,
                 std::vector{Peter()})
            .ok());

  // Duplicated verified and unverified signatures.
  std::string enoch_abcd = kEnochSig.substr(0, 60) + "ABCD" + kEnochSig.substr(60);
  n = OpenNote(kText + "\n" + kPeterSig + kPeterSig + kEnochSig + kEnochSig + enoch_abcd,
               std::vector{Peter()});
  REQUIRE(n.ok());
  CHECK(n->verified.size() == 1);
  REQUIRE(n->unverified.size() == 2);
  CHECK(n->unverified[0] == SigOf(kEnochSig));
  CHECK(n->unverified[1] == SigOf(enoch_abcd));

  // The spec: a known key's failing signature rejects the note, even after
  // a good one by the same key.
  std::string peter_abcd = kPeterSig.substr(0, 60) + "ABCD" + kPeterSig.substr(60);
  CHECK(OpenNote(kText + "\n" + kPeterSig + peter_abcd, std::vector{Peter()}).status().code() ==
        StatusCode::kVerificationFailed);

  // Same name, different key ID: an unknown key.
  std::string other_id = kPeterSig;
  other_id.replace(other_id.find("x08g"), 4, "xxxx");
  CHECK(OpenNote(kText + "\n" + other_id, std::vector{Peter()}).status().reason() ==
        "no_known_signature");
}

TEST_CASE("Tampered note text or signature is rejected", "[note]") {
  const std::string good = kText + "\n" + kPeterSig;
  REQUIRE(OpenNote(good, std::vector{Peter()}).ok());
  // Change one character of the text at each position (staying ASCII).
  for (std::size_t i = 0; i + 1 < kText.size(); ++i) {
    if (kText[i] == '\n') continue;
    std::string t = good;
    t[i] = t[i] == 'x' ? 'y' : 'x';
    INFO(i);
    CHECK(OpenNote(t, std::vector{Peter()}).status().code() == StatusCode::kVerificationFailed);
  }
  // Change each signature character after the key ID.
  std::size_t sig_start = kText.size() + 1 + kPeterSig.find(' ', 4) + 1 + 8;
  for (std::size_t i = sig_start; i + 3 < good.size(); ++i) {
    std::string t = good;
    t[i] = t[i] == 'A' ? 'B' : 'A';
    INFO(i);
    CHECK(OpenNote(t, std::vector{Peter()}).status().code() == StatusCode::kVerificationFailed);
  }
}

TEST_CASE("Malformed notes are rejected", "[note]") {
  // note_test.go TestOpen's badMsgs.
  const std::vector<std::string> bad = {
      kText,
      kText + "\n",
      kText + "\n" + kPeterSig.substr(0, kPeterSig.size() - 1),
      "\x01" + kText + "\n" + kPeterSig,
      "\xff" + kText + "\n" + kPeterSig,
      kText + "\n" + "\xE2\x80\x94 Bad Name x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=",
      kText + "\n" + kPeterSig + "Unexpected line.\n",
      // And certledger's own.
      kText + "\n" + "- PeterNeumann x08go/ZJkuBS9UG/SffcvIAQxVBtiFupLLr8pAcElZInNIuGUgYN1FFYC2pZSNXgKvqfqdngotpRZb6KE6RyyBwJnAM=\n",
      kText + "\n" + "\xE2\x80\x94 PeterNeumann\n",
      kText + "\n" + "\xE2\x80\x94 PeterNeumann AAAA\n",         // 3 bytes: no room for a signature
      kText + "\n" + "\xE2\x80\x94 PeterNeumann AAAAAAB=\n",     // non-canonical base64
      kText + "\n" + "\xE2\x80\x94 Peter+Neumann AAAAAAAA\n",    // '+' in the name
      kText + "\n" + "\xE2\x80\x94  x08go/ZJkuBS9UG\n",          // empty name
      kText + "\r\n" + kPeterSig,                                // CR is a control character
      kText + "\n" + kPeterSig + "\n",
      "\xed\xa0\x80\n\n" + kPeterSig,  // an encoded surrogate
  };
  for (const std::string& msg : bad) {
    INFO(msg);
    Result<OpenedNote> r = OpenNote(msg, std::vector{Peter()});
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().reason() == "malformed_note");
    CHECK(ParseNote(msg).status().code() == StatusCode::kInvalidArgument);
  }

  // Bounds: 101 signatures (TestOpen's "too many signatures"), oversize.
  std::string many = kText + "\n";
  for (int i = 0; i < 101; ++i) many += kPeterSig;
  CHECK(OpenNote(many, std::vector{Peter()}).status().code() == StatusCode::kResourceExhausted);
  std::string hundred = kText + "\n";
  for (int i = 0; i < 100; ++i) hundred += kPeterSig;
  CHECK(OpenNote(hundred, std::vector{Peter()}).ok());
  std::string huge(kMaxNoteSize, 'a');
  huge += "\n\n" + kPeterSig;
  CHECK(ParseNote(huge).status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("Note text rules apply when signing", "[note]") {
  NamedSecretKey peter = PeterSigner();
  CHECK(SignNote("abc", peter).status().code() == StatusCode::kInvalidArgument);  // no newline
  CHECK(SignNote("", peter).status().code() == StatusCode::kInvalidArgument);
  CHECK(SignNote("a\tb\n", peter).status().code() == StatusCode::kInvalidArgument);
  CHECK(SignNote("a\xff\n", peter).status().code() == StatusCode::kInvalidArgument);
  NamedSecretKey bad_name{"bad name", SecretKey::Generate()};
  CHECK(SignNote(kText, bad_name).status().code() == StatusCode::kInvalidArgument);

  // Texts with empty lines, or a line that looks like a signature, survive
  // the round trip: the last blank line separates the signatures.
  for (std::string text : {std::string("\n"), std::string("a\n\n"), std::string("a\n\nb\n"),
                           "x\n\n" + kPeterSig, std::string("证书\n")}) {
    INFO(text);
    Result<std::string> s = SignNote(text, peter);
    REQUIRE(s.ok());
    Result<OpenedNote> n = OpenNote(*s, std::vector{Peter()});
    REQUIRE(n.ok());
    CHECK(n->text == text);
  }
}

TEST_CASE("A real sum.golang.org signed tree head verifies", "[note]") {
  // The Go checksum database's verifier key, as pinned by the go command
  // (golang/go src/cmd/go/internal/modfetch/key.go), and a signed tree head
  // it published, quoted in transparency-dev/trillian-tessera
  // internal/parse/parse_test.go (BenchmarkCheckpointUnsafe; the final
  // newline, cut there, is restored).
  NamedPublicKey sumdb =
      ParseVerifierKey("sum.golang.org+033de0ae+Ac4zctda0e5eza+HJyk9SxEdh+s3Ux18htTTAD8OuAn8").value();
  const std::string sth =
      "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n\n"
      "\xE2\x80\x94 sum.golang.org "
      "Az3grnmrIUEDFqHzAElIQCPNoRFRAAdFo47fooyWKMHb89k11GJh5zHIfNCOBmwn/C3YI8oW9/C8DJ87F61QqspBYwM=\n";
  Result<OpenedNote> n = OpenNote(sth, std::span(&sumdb, 1));
  REQUIRE(n.ok());
  CHECK(n->text == "go.sum database tree\n31700353\nqINS1GRFhWHwdkUeqLEoP4yEMkTBBzxBkGwGQlVlVcs=\n");
  std::string tampered = sth;
  tampered.replace(tampered.find("31700353"), 8, "31700354");
  CHECK(OpenNote(tampered, std::span(&sumdb, 1)).status().code() ==
        StatusCode::kVerificationFailed);
}
