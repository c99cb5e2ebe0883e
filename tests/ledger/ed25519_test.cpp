#include <catch2/catch.hpp>

#include <string>
#include <type_traits>

#include "certledger/ed25519.h"

using namespace certledger;

namespace {

Bytes Hex(std::string_view hex) { return HexDecode(hex).value(); }

struct Rfc8032Vector {
  const char* name;
  const char* secret;  // the 32-byte seed
  const char* public_key;
  const char* message;
  const char* signature;
};

// RFC 8032 section 7.1, "Test Vectors for Ed25519", TEST 1, TEST 2, TEST 3.
const Rfc8032Vector kVectors[] = {
    {"TEST 1", "9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60",
     "d75a980182b10ab7d54bfed3c964073a0ee172f3daa62325af021a68f707511a", "",
     "e5564300c360ac729086e2cc806e828a84877f1eb8e5d974d873e06522490155"
     "5fb8821590a33bacc61e39701cf9b46bd25bf5f0595bbe24655141438e7a100b"},
    {"TEST 2", "4ccd089b28ff96da9db6c346ec114e0f5b8a319f35aba624da8cf6ed4fb8a6fb",
     "3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c", "72",
     "92a009a9f0d4cab8720e820b5f642540a2b27b5416503f8fb3762223ebdb69da"
     "085ac1e43e15996e458f3613d0f11d8c387b2eaeb4302aeeb00d291612bb0c00"},
    {"TEST 3", "c5aa8df43f9f837bedb7442f31dcb7b166d38535076f094b85ce3a2e0b4458f7",
     "fc51cd8e6218a1a38da47ed00230f0580816ed13ba3303ac5deb911548908025", "af82",
     "6291d657deec24024827e69c3abe01a30ce548a284743a445e3680d7db5ac3ac"
     "18ff9b538d16f290ae67f760984dc6594a7c15e9716ed28dc027beceea1ec40a"},
};

}  // namespace

TEST_CASE("Ed25519 RFC 8032 test vectors 1, 2 and 3", "[ed25519]") {
  for (const Rfc8032Vector& v : kVectors) {
    INFO(v.name);
    Result<SecretKey> key = SecretKey::FromSeed(Hex(v.secret));
    REQUIRE(key.ok());
    CHECK(HexEncode(key->public_key().view()) == v.public_key);
    CHECK(HexEncode(key->seed()) == v.secret);
    Bytes message = Hex(v.message);
    Signature sig = key->Sign(message);
    CHECK(HexEncode(sig) == v.signature);

    PublicKey pk = PublicKey::FromBytes(Hex(v.public_key)).value();
    CHECK(Verify(pk, message, Hex(v.signature)).ok());
  }
}

TEST_CASE("Ed25519 rejects tampered messages, signatures and keys", "[ed25519]") {
  const Rfc8032Vector& v = kVectors[2];  // TEST 3: a 2-byte message
  PublicKey pk = PublicKey::FromBytes(Hex(v.public_key)).value();
  Bytes message = Hex(v.message);
  Bytes sig = Hex(v.signature);
  REQUIRE(Verify(pk, message, sig).ok());

  for (std::size_t i = 0; i < message.size(); ++i) {
    Bytes m = message;
    m[i] ^= 0x01;
    CHECK(Verify(pk, m, sig).code() == StatusCode::kVerificationFailed);
  }
  CHECK(Verify(pk, Bytes{}, sig).code() == StatusCode::kVerificationFailed);
  Bytes longer = message;
  longer.push_back(0);
  CHECK(Verify(pk, longer, sig).code() == StatusCode::kVerificationFailed);

  // Every bit of R and S matters.
  for (std::size_t i = 0; i < sig.size(); ++i) {
    Bytes s = sig;
    s[i] ^= 0x80;
    INFO("signature byte " << i);
    CHECK(Verify(pk, message, s).code() == StatusCode::kVerificationFailed);
  }

  // Another vector's key, and a flipped key bit.
  PublicKey other = PublicKey::FromBytes(Hex(kVectors[1].public_key)).value();
  CHECK(Verify(other, message, sig).code() == StatusCode::kVerificationFailed);
  PublicKey flipped = pk;
  flipped.bytes[5] ^= 0x04;
  CHECK(Verify(flipped, message, sig).code() == StatusCode::kVerificationFailed);

  // TEST 2's signature on TEST 3's message.
  CHECK(Verify(pk, message, Hex(kVectors[1].signature)).code() ==
        StatusCode::kVerificationFailed);
}

TEST_CASE("Ed25519 wrong lengths are rejected", "[ed25519]") {
  const Rfc8032Vector& v = kVectors[0];
  Bytes seed = Hex(v.secret);
  Bytes pk_bytes = Hex(v.public_key);
  Bytes sig = Hex(v.signature);

  for (std::size_t n : {0u, 31u, 33u, 64u}) {
    Bytes b(n, 0x42);
    CHECK(SecretKey::FromSeed(b).status().code() == StatusCode::kInvalidArgument);
    CHECK(PublicKey::FromBytes(b).status().code() == StatusCode::kInvalidArgument);
  }
  CHECK(SecretKey::FromSeed(ByteView(seed).first(31)).status().message() ==
        "Ed25519 seed must be 32 bytes, got 31");
  CHECK(PublicKey::FromBytes(ByteView(pk_bytes).first(31)).status().message() ==
        "Ed25519 public key must be 32 bytes, got 31");

  PublicKey pk = PublicKey::FromBytes(pk_bytes).value();
  Status short_sig = Verify(pk, Bytes{}, ByteView(sig).first(63));
  CHECK(short_sig.code() == StatusCode::kVerificationFailed);
  CHECK(short_sig.message() == "Ed25519 signature must be 64 bytes, got 63");
  Bytes long_sig = sig;
  long_sig.push_back(0);
  CHECK(Verify(pk, Bytes{}, long_sig).code() == StatusCode::kVerificationFailed);
  CHECK(Verify(pk, Bytes{}, Bytes{}).code() == StatusCode::kVerificationFailed);
}

TEST_CASE("Ed25519 key ID is the first 8 bytes of SHA-256 of the public key", "[ed25519]") {
  // Computed offline, independently of certledger:
  //   printf '\xd7\x5a\x98\x01...\x07\x51\x1a' | sha256sum   (TEST 1's public key)
  //   21fe31dfa154a261626bf854046fd2271b7bed4b6abe45aa58877ef47f9721b9
  PublicKey pk = PublicKey::FromBytes(Hex(kVectors[0].public_key)).value();
  CHECK(HexEncode(pk.Id()) == "21fe31dfa154a261");
  // TEST 2's key: 39f713d0a644253f04529421b9f51b9b08979d08295959c4f3990ee617f5139f
  PublicKey pk2 = PublicKey::FromBytes(Hex(kVectors[1].public_key)).value();
  CHECK(HexEncode(pk2.Id()) == "39f713d0a644253f");
}

TEST_CASE("Ed25519 generated keys sign, verify, move and are not copyable", "[ed25519]") {
  static_assert(!std::is_copy_constructible_v<SecretKey>);
  static_assert(!std::is_copy_assignable_v<SecretKey>);
  static_assert(std::is_nothrow_move_constructible_v<SecretKey>);

  SecretKey a = SecretKey::Generate();
  SecretKey b = SecretKey::Generate();
  CHECK_FALSE(a.public_key() == b.public_key());
  Bytes msg = ToBytes("certledger");
  Signature sig = a.Sign(msg);
  CHECK(Verify(a.public_key(), msg, sig).ok());
  CHECK_FALSE(Verify(b.public_key(), msg, sig).ok());

  // Deterministic: a key rebuilt from the seed signs identically.
  SecretKey a2 = SecretKey::FromSeed(a.seed()).value();
  CHECK(a2.public_key() == a.public_key());
  CHECK(a2.Sign(msg) == sig);

  PublicKey a_pub = a.public_key();
  SecretKey moved = std::move(a);
  CHECK(moved.public_key() == a_pub);
  CHECK(moved.Sign(msg) == sig);
  CHECK(a.seed().empty());  // NOLINT(bugprone-use-after-move): the moved-from state is specified
  b = std::move(moved);
  CHECK(b.Sign(msg) == sig);
}
