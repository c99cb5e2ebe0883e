#include <catch2/catch.hpp>

#include <string>

#include "certledger/sha256.h"

using namespace certledger;

// FIPS 180-2 appendix B examples and the empty string.
TEST_CASE("SHA-256 known answers", "[sha256]") {
  CHECK(HexEncode(Sha256::Hash(AsBytes(""))) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(HexEncode(Sha256::Hash(AsBytes("abc"))) ==
        "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  CHECK(HexEncode(Sha256::Hash(
            AsBytes("abcdbcdecdefdefgefghfghighijhijkijkljklmklmnlmnomnopnopq"))) ==
        "248d6a61d20638b8e5c026930c3e6039a33ce45964ff2167f6ecedd419db06c1");
  std::string million(1000000, 'a');
  CHECK(HexEncode(Sha256::Hash(AsBytes(million))) ==
        "cdc76e5c9914fb9281a1c7e284d73e67f1809a48a497200e046d39ccc7112cd0");
}

TEST_CASE("SHA-256 context is reusable and incremental", "[sha256]") {
  Sha256 h;
  // Several messages through one object: each Finish() resets it.
  for (int i = 0; i < 3; ++i) {
    h.Update(AsBytes("ab")).Update(AsBytes("c"));
    CHECK(HexEncode(h.Finish()) ==
          "ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad");
  }
  CHECK(h.Finish() == Sha256::Hash(AsBytes("")));
  h.Update(std::uint8_t{0x00});
  CHECK(h.Finish() == Sha256::Hash(Bytes{0x00}));
}
