// ParseSign1's fast path for the record shape (tag 18, a 4-array, a bstr,
// an empty map, two bstrs) must accept and reject exactly what the general
// path (a full cbor::Decode) does, with the same results and messages.
//
// The general path is reached by the same message without its tag (parsed
// with require_tag = false), which the fast path never takes; cbor::Decode
// is the oracle for malformed CBOR.
#include <catch2/catch.hpp>

#include <string>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/cose.h"
#include "certledger/ed25519.h"
#include "record_fixtures.h"

namespace certledger {
namespace {

using cbor::Value;

using testing::Hex;

// A message of the record shape: protected {1: -8, 4: 8-byte kid}, an empty
// unprotected map, `payload_size` bytes of payload, a real signature (RFC
// 8032 section 7.1 TEST 1 key).
Bytes RecordShaped(std::size_t payload_size) {
  const SecretKey key = testing::Key1();
  Value prot = Value::MakeMap();
  prot.Set(cose::kHeaderAlg, Value::Int(cose::kAlgEdDSA));
  prot.Set(cose::kHeaderKid, Value::Bytes(Hex("0102030405060708")));
  Bytes payload(payload_size);
  for (std::size_t i = 0; i < payload.size(); ++i) payload[i] = static_cast<std::uint8_t>(i * 7);
  Result<Bytes> m = cose::SignSign1(prot, Value::MakeMap(), payload, key);
  REQUIRE(m.ok());
  return *m;
}

// Checks `message` against the oracles; returns whether it parsed.
bool CheckSameAsGeneralPath(const Bytes& message) {
  Result<cose::Sign1> fast = cose::ParseSign1(message);
  Result<Value> decoded = cbor::Decode(message);
  if (!decoded.ok()) {
    // Malformed CBOR: the message of cbor::Decode, under "cose".
    REQUIRE_FALSE(fast.ok());
    CHECK(fast.status().code() == decoded.status().code());
    CHECK(fast.status().message() == decoded.status().Annotate("cose").message());
    return false;
  }
  if (!decoded->is_tag() || decoded->tag() != cose::kSign1Tag) return fast.ok();
  const Bytes untagged = cbor::Encode(decoded->tagged());
  cose::ParseOptions lax;
  lax.require_tag = false;
  Result<cose::Sign1> general = cose::ParseSign1(untagged, lax);
  REQUIRE(fast.ok() == general.ok());
  if (!fast.ok()) {
    CHECK(fast.status().code() == general.status().code());
    CHECK(fast.status().message() == general.status().message());
    return false;
  }
  CHECK(fast->tagged);
  CHECK_FALSE(general->tagged);
  CHECK(fast->protected_bytes == general->protected_bytes);
  CHECK(fast->protected_header == general->protected_header);
  CHECK(fast->unprotected_header == general->unprotected_header);
  CHECK(fast->payload == general->payload);
  CHECK(fast->signature == general->signature);
  CHECK(fast->alg == general->alg);
  return true;
}

std::string ParseError(const Bytes& message) {
  Result<cose::Sign1> parsed = cose::ParseSign1(message);
  REQUIRE_FALSE(parsed.ok());
  return parsed.status().message();
}

TEST_CASE("cose fast path: record-shaped messages parse as the general path does",
          "[cose][fast]") {
  // Payload heads of every width the fast path reads: 1 byte (< 24), 2
  // bytes (24..255), 3 bytes (256..65535).
  for (std::size_t size : {0, 5, 23, 24, 200, 255, 256, 300, 1000}) {
    const Bytes message = RecordShaped(size);
    CHECK(CheckSameAsGeneralPath(message));
  }
}

TEST_CASE("cose fast path: every byte change, cut and extension behaves as the general path",
          "[cose][fast]") {
  for (std::size_t size : {5, 30, 300}) {
    const Bytes message = RecordShaped(size);
    for (std::size_t i = 0; i < message.size(); ++i) {
      for (std::uint8_t change : {0x01, 0x02, 0x04, 0x18, 0x20, 0x40, 0x80, 0xff}) {
        Bytes m = message;
        m[i] ^= change;
        CheckSameAsGeneralPath(m);
      }
    }
    for (std::size_t cut = 0; cut < message.size(); ++cut) {
      CheckSameAsGeneralPath(Bytes(message.begin(), message.begin() + cut));
    }
    for (std::uint8_t extra : {0x00, 0x40, 0xa0, 0xff}) {
      Bytes m = message;
      m.push_back(extra);
      CheckSameAsGeneralPath(m);
    }
  }
}

TEST_CASE("cose fast path: malformed record shapes keep their exact messages", "[cose][fast]") {
  // Layout of RecordShaped(5): d2 84 | 4d a2 01 27 04 48 <8 kid bytes> |
  // a0 | 45 <5 bytes> | 58 40 <64 bytes>: 89 bytes.
  const Bytes good = RecordShaped(5);
  REQUIRE(good.size() == 89);
  REQUIRE(good[0] == 0xd2);
  REQUIRE(good[2] == 0x4d);
  REQUIRE(good[16] == 0xa0);
  REQUIRE(good[17] == 0x45);
  REQUIRE(good[23] == 0x58);
  auto splice = [&good](std::size_t from, std::size_t to, const Bytes& with) {
    Bytes out(good.begin(), good.begin() + static_cast<std::ptrdiff_t>(from));
    out.insert(out.end(), with.begin(), with.end());
    out.insert(out.end(), good.begin() + static_cast<std::ptrdiff_t>(to), good.end());
    return out;
  };

  // Truncated (the declared length is not there).
  CHECK(ParseError(Bytes(good.begin(), good.end() - 1)) ==
        "cose: cbor: truncated input at offset 88 (need 1 more byte)");
  CHECK(ParseError(Bytes(good.begin(), good.begin() + 18)) ==
        "cose: cbor: truncated input at offset 18 (need 5 more bytes)");
  // Trailing bytes after the item.
  CHECK(ParseError(splice(89, 89, {0x00})) ==
        "cose: cbor: trailing bytes after top-level item at offset 89");

  // Non-shortest heads (RFC 8949 section 4.2.1): the 5-byte payload with a
  // one-byte length (58 05), then with a two-byte one (59 00 05); the
  // signature's length 64 in the two-byte form (59 00 40); tag 18 with a
  // one-byte argument (d8 12).
  CHECK(ParseError(splice(17, 18, {0x58, 0x05})) ==
        "cose: cbor: non-shortest length encoding at offset 17");
  CHECK(ParseError(splice(17, 18, {0x59, 0x00, 0x05})) ==
        "cose: cbor: non-shortest length encoding at offset 17");
  CHECK(ParseError(splice(23, 25, {0x59, 0x00, 0x40})) ==
        "cose: cbor: non-shortest length encoding at offset 23");
  CHECK(ParseError(splice(0, 1, {0xd8, 0x12})) ==
        "cose: cbor: non-shortest tag number encoding at offset 0");
  // An indefinite-length payload.
  CHECK(ParseError(splice(17, 18, {0x5f})) ==
        "cose: cbor: indefinite length not allowed at offset 17");

  // Unsorted and duplicate keys in the protected header (bytes 3..15):
  // {4: kid, 1: -8}, and {1: -8, 1: kid}.
  CHECK(ParseError(splice(3, 16, Hex("a204480102030405060708"
                                     "0127"))) ==
        "cose: protected header: cbor: map keys not in canonical order at offset 11");
  CHECK(ParseError(splice(6, 7, {0x01})) ==
        "cose: protected header: cbor: duplicate map key at offset 3");

  // Unsorted keys in a (non-empty, so general-path) unprotected header:
  // {"b": 0, "a": 0} ("a" sorts first).
  CHECK(ParseError(splice(16, 17, Hex("a2616200616100"))) ==
        "cose: cbor: map keys not in canonical order at offset 20");
  CHECK(CheckSameAsGeneralPath(good));
}

}  // namespace
}  // namespace certledger
