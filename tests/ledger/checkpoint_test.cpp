#include <catch2/catch.hpp>

#include <cstring>
#include <string>
#include <vector>

#include "certledger/checkpoint.h"
#include "certledger/note.h"
#include "certledger/sha256.h"

using namespace certledger;

namespace {

constexpr const char* kPeterVerifierKey =
    "PeterNeumann+c74f20a3+ARpc2QcUPDhMQegwxbzhKqiBfsVkmqq/LDE4izWy10TW";
// The seed inside golang.org/x/mod/sumdb/note's test signer key
// "PRIVATE+KEY+PeterNeumann+c74f20a3+AYEKFALVFGyNhPJEMzD1QIDr+Y7hfZx09iUvxdXHKDFz"
// (note_test.go), without its 0x01 algorithm byte.
constexpr const char* kPeterSeed =
    "810a1402d5146c8d84f2443330f54080ebf98ee17d9c74f6252fc5d5c7283173";

NamedSecretKey PeterSigner() {
  return {"PeterNeumann", SecretKey::FromSeed(HexDecode(kPeterSeed).value()).value()};
}
NamedPublicKey Peter() { return ParseVerifierKey(kPeterVerifierKey).value(); }

// golang.org/x/mod/sumdb/tlog note_test.go (TestFormatTree): a tree of size
// 123456789012 whose hash is RecordHash("hello world") =
// SHA-256(0x00 || "hello world"), RFC 9162's leaf hash.
const std::string kGoTreeBody =
    "go.sum database tree\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";

// The same tree as a checkpoint of the log "PeterNeumann", signed with the
// key above. The signature was computed offline with OpenSSL, not with
// certledger (the same commands reproduce note_test.go's signature of its
// example note):
//   printf '302e020100300506032b657004220420<kPeterSeed>' | xxd -r -p > k.der
//   openssl pkey -inform DER -in k.der -out k.pem
//   printf 'PeterNeumann\n123456789012\nTszz...BWb0=\n' > cp.txt
//   openssl pkeyutl -sign -inkey k.pem -rawin -in cp.txt > cp.sig
//   (printf '\xc7\x4f\x20\xa3'; cat cp.sig) | base64 -w0
const std::string kGoldenBody =
    "PeterNeumann\n123456789012\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=\n";
const std::string kGoldenSigned =
    kGoldenBody + "\n" +
    "\xE2\x80\x94 PeterNeumann "
    "x08gowDbUu4eLjiOPrMpO0nqTqLU+ZvZ0rJweMRVIamct6jYopVpF+Hiz1L1mCFWMd6qb/dZJxT8F0VEVs3xHnLPqAw=\n";

Hash256 HelloWorldLeafHash() {
  Bytes leaf{0x00};
  for (char c : std::string("hello world")) leaf.push_back(static_cast<std::uint8_t>(c));
  return Sha256::Hash(leaf);
}

}  // namespace

TEST_CASE("Checkpoint text: golden format and parse", "[checkpoint]") {
  // Go's tlog golden tree text.
  Checkpoint go{"go.sum database tree", 123456789012, HelloWorldLeafHash(), {}};
  CHECK(FormatCheckpoint(go).value() == kGoTreeBody);
  CHECK(ParseCheckpoint(kGoTreeBody).value() == go);

  // The example of c2sp.org/tlog-checkpoint.
  const std::string spec =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n";
  Result<Checkpoint> cp = ParseCheckpoint(spec);
  REQUIRE(cp.ok());
  CHECK(cp->origin == "example.com/behind-the-sofa");
  CHECK(cp->size == 20852163u);
  CHECK(Base64Encode(AsBytes(cp->root)) == "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=");
  CHECK(cp->extensions.empty());
  CHECK(FormatCheckpoint(*cp).value() == spec);

  // The empty tree: size 0, root SHA-256("").
  Checkpoint empty{"log.example", 0, Sha256::Hash(Bytes{}), {}};
  CHECK(FormatCheckpoint(empty).value() ==
        "log.example\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n");

  // Extension lines survive, in order.
  Checkpoint ext{"log.example", 7, go.root, {"ext one", "ext-two"}};
  std::string text = FormatCheckpoint(ext).value();
  CHECK(text == "log.example\n7\n" + Base64Encode(AsBytes(go.root)) + "\next one\next-two\n");
  CHECK(ParseCheckpoint(text).value() == ext);

  // The largest size.
  Checkpoint big{"log.example", UINT64_MAX, go.root, {}};
  CHECK(ParseCheckpoint(FormatCheckpoint(big).value()).value().size == UINT64_MAX);
}

TEST_CASE("Malformed checkpoint text is rejected", "[checkpoint]") {
  const std::string root = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
  const std::vector<std::string> bad = {
      "",
      "log\n5\n",                                      // missing root
      "log\n5\n" + root,                               // no final newline
      "log\n" + root + "\n",                           // missing size
      "\n5\n" + root + "\n",                           // empty origin
      "log\n05\n" + root + "\n",                       // leading zero
      "log\n-5\n" + root + "\n",                       // sign
      "log\n+5\n" + root + "\n",
      "log\n 5\n" + root + "\n",
      "log\n0x5\n" + root + "\n",                      // Go tlog's bad tree
      "log\n18446744073709551616\n" + root + "\n",     // 2^64
      "log\n5\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBTOOBIG=\n",  // Go tlog's bad hash
      "log\n5\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0\n",       // unpadded
      "log\n5\nTszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb1=\n",      // non-canonical
      "log\n5\nAAAA\n",                                              // 3 bytes
      "log\n5\n" + root + "\n\n",                      // empty extension line
      "log\n5\n" + root + "\next\n\n",
      "log\n5\n\n" + root + "\n",
      "lo\tg\n5\n" + root + "\n",                      // control character
      "log\r\n5\n" + root + "\n",
      "l\xffg\n5\n" + root + "\n",                     // not UTF-8
  };
  for (const std::string& text : bad) {
    INFO(text);
    Result<Checkpoint> r = ParseCheckpoint(text);
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().reason() == "malformed_checkpoint");
  }
  Checkpoint cp{"", 1, {}, {}};
  CHECK(FormatCheckpoint(cp).status().code() == StatusCode::kInvalidArgument);
  cp.origin = "a\nb";
  CHECK(FormatCheckpoint(cp).status().code() == StatusCode::kInvalidArgument);
  cp.origin = "log";
  cp.extensions = {""};
  CHECK(FormatCheckpoint(cp).status().code() == StatusCode::kInvalidArgument);
  cp.extensions = {"a\nb"};
  CHECK(FormatCheckpoint(cp).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Signed checkpoint: golden bytes, open, witnesses", "[checkpoint]") {
  NamedSecretKey log_key = PeterSigner();
  Checkpoint cp{"PeterNeumann", 123456789012, HelloWorldLeafHash(), {}};
  Result<std::string> signed_cp = SignCheckpoint(cp, log_key);
  REQUIRE(signed_cp.ok());
  CHECK(*signed_cp == kGoldenSigned);

  Result<Checkpoint> opened = OpenCheckpoint(kGoldenSigned, Peter());
  REQUIRE(opened.ok());
  CHECK(*opened == cp);

  // A witness cosignature (an unknown key to this verifier) is ignored.
  NamedSecretKey witness{"witness.example", SecretKey::Generate()};
  const NamedSecretKey* both[] = {&log_key, &witness};
  std::string cosigned = SignNote(kGoldenBody, both).value();
  CHECK(OpenCheckpoint(cosigned, Peter()).value() == cp);

  // Signed only by the witness: not the log's checkpoint.
  std::string witness_only = SignNote(kGoldenBody, witness).value();
  CHECK(OpenCheckpoint(witness_only, Peter()).status().reason() == "no_known_signature");

  // The key must be named as the origin.
  Checkpoint other = cp;
  other.origin = "other.example";
  CHECK(SignCheckpoint(other, log_key).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("Tampered signed checkpoints are rejected", "[checkpoint]") {
  REQUIRE(OpenCheckpoint(kGoldenSigned, Peter()).ok());
  auto replaced = [](std::string from, std::string to) {
    std::string s = kGoldenSigned;
    std::size_t at = s.find(from);
    REQUIRE(at != std::string::npos);
    s.replace(at, from.size(), to);
    return s;
  };
  const std::string root = "TszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0=";
  const std::vector<std::string> forged = {
      replaced("123456789012", "123456789013"),             // size
      replaced("123456789012", "12345678901"),
      replaced(root, "UszzRgjTG6xce+z2AG31kAXYKBgQVtCSCE40HmuwBb0="),  // root
      replaced("PeterNeumann\n", "PeterNeumanN\n"),          // origin
      replaced("Bb0=\n", "Bb0=\nextension\n"),               // an extra line
      replaced("x08gowDb", "x08gowDc"),                      // signature
      replaced("HnLPqAw=", "HnLPqBw="),
  };
  for (const std::string& s : forged) {
    INFO(s);
    Result<Checkpoint> r = OpenCheckpoint(s, Peter());
    CHECK(r.status().code() == StatusCode::kVerificationFailed);
  }
  // A line removed: the note no longer parses as a checkpoint... and its
  // signature does not match either; whichever is found first, it fails.
  std::string missing = replaced("123456789012\n", "");
  CHECK_FALSE(OpenCheckpoint(missing, Peter()).ok());

  // Correctly signed by the log key, but not a valid checkpoint.
  NamedSecretKey log_key = PeterSigner();
  const std::vector<std::string> bodies = {
      "PeterNeumann\n" + root + "\n",                     // missing size
      "PeterNeumann\n5\n",                                // missing root
      "PeterNeumann\n05\n" + root + "\n",
      "PeterNeumann\n5\n" + root + "\n\nextra\n",         // empty line
  };
  for (const std::string& body : bodies) {
    INFO(body);
    std::string s = SignNote(body, log_key).value();
    Result<Checkpoint> r = OpenCheckpoint(s, Peter());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().reason() == "malformed_checkpoint");
  }

  // Correctly signed by the log key, but for another origin.
  std::string elsewhere = SignNote("other.example\n5\n" + root + "\n", log_key).value();
  Result<Checkpoint> r = OpenCheckpoint(elsewhere, Peter());
  CHECK(r.status().code() == StatusCode::kVerificationFailed);
  CHECK(r.status().reason() == "origin_mismatch");
  CHECK(r.status().message() ==
        "checkpoint origin \"other.example\" is not the log key's name \"PeterNeumann\"");
}
