#include "certledger/zlib.h"

#include <catch2/catch.hpp>
#include <cstdint>
#include <random>
#include <string>

#include "certledger/bytes.h"

namespace certledger {
namespace {

Bytes Hex(std::string_view hex) {
  auto decoded = HexDecode(hex);
  REQUIRE(decoded.ok());
  return *decoded;
}

Bytes RandomBytes(std::size_t n, std::uint32_t seed) {
  std::mt19937 rng(seed);
  Bytes out(n);
  for (auto& b : out) b = static_cast<std::uint8_t>(rng());
  return out;
}

// Streams made offline by CPython's zlib module (zlib 1.2.13):
//   python3 -c "import zlib; print(zlib.compress(b'certledger certledger certledger
//               certledger: append-only, verifiable').hex())"     (one line)
//   python3 -c "import zlib; print(zlib.compress(b'stored block', 0).hex())"
constexpr std::string_view kPythonText =
    "certledger certledger certledger certledger: append-only, verifiable";
constexpr std::string_view kPythonStream =
    "789c4b4e2d2ac9494d494f2d524826c0b452482c2848cd4bd1cd"
    "cfcba9d451284b2dca4ccb4c4cca4905008c2e1a0b";
constexpr std::string_view kPythonStoredText = "stored block";
constexpr std::string_view kPythonStoredStream = "7801010c00f3ff73746f72656420626c6f636b1f8004bd";

}  // namespace

TEST_CASE("zlib round trips at every level", "[zlib]") {
  const Bytes inputs[] = {
      Bytes{},
      Bytes{0x00},
      ToBytes("hello, hello, hello, hello"),
      RandomBytes(100'000, 1),
      Bytes(70'000, 0x41),
  };
  for (const Bytes& input : inputs) {
    for (int level = -1; level <= 9; ++level) {
      for (DeflateStrategy strategy : {DeflateStrategy::kDefault, DeflateStrategy::kRunLength}) {
        auto compressed = Deflate(input, level, strategy);
        REQUIRE(compressed.ok());
        auto restored = Inflate(*compressed, input.size());
        REQUIRE(restored.ok());
        CHECK(*restored == input);
      }
    }
  }
}

TEST_CASE("zlib run-length strategy finds only runs", "[zlib]") {
  // A 1,000-byte block repeated: the default strategy matches it at
  // distance 1,000, Z_RLE cannot (distance 1 only) and leaves it about as
  // large as the random block itself. A run compresses under both.
  const Bytes block = RandomBytes(1000, 7);
  Bytes repeated;
  for (int i = 0; i < 20; ++i) repeated.insert(repeated.end(), block.begin(), block.end());
  auto matched = Deflate(repeated, 6, DeflateStrategy::kDefault);
  auto runs_only = Deflate(repeated, 6, DeflateStrategy::kRunLength);
  REQUIRE(matched.ok());
  REQUIRE(runs_only.ok());
  CHECK(matched->size() < 2000);
  CHECK(runs_only->size() > 15000);
  auto run = Deflate(Bytes(20000, 0), 6, DeflateStrategy::kRunLength);
  REQUIRE(run.ok());
  CHECK(run->size() < 100);
  auto restored = Inflate(*runs_only, repeated.size());
  REQUIRE(restored.ok());
  CHECK(*restored == repeated);
}

TEST_CASE("zlib inflates streams made by another implementation", "[zlib]") {
  auto text = Inflate(Hex(kPythonStream), 1000);
  REQUIRE(text.ok());
  CHECK(ToString(*text) == kPythonText);

  auto stored = Inflate(Hex(kPythonStoredStream), 1000);
  REQUIRE(stored.ok());
  CHECK(ToString(*stored) == kPythonStoredText);
}

TEST_CASE("zlib deflate writes an RFC 1950 header and Adler-32 trailer", "[zlib]") {
  // Adler-32("Wikipedia") = 0x11E60398, the worked example of the Adler-32
  // article on Wikipedia; RFC 1950 stores it big-endian at the end.
  auto out = Deflate(AsBytes("Wikipedia"), 9);
  REQUIRE(out.ok());
  REQUIRE(out->size() > 6);
  // CMF 0x78: CM 8, CINFO 7 (32 KiB window). FLG 0xDA: FLEVEL 3 (level 9),
  // FDICT 0, FCHECK making 0x78DA a multiple of 31 (RFC 1950 section 2.2).
  CHECK((*out)[0] == 0x78);
  CHECK((*out)[1] == 0xDA);
  CHECK((0x78 * 256 + 0xDA) % 31 == 0);
  const Bytes trailer(out->end() - 4, out->end());
  CHECK(trailer == Bytes{0x11, 0xE6, 0x03, 0x98});

  auto bad = Deflate(AsBytes("x"), 10);
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().code() == StatusCode::kInvalidArgument);
  CHECK(bad.status().message() == "zlib: compression level 10 is outside [-1, 9]");
}

TEST_CASE("zlib inflate stops a zip bomb at the output limit", "[zlib]") {
  const Bytes zeros(100u << 20, 0);  // 100 MiB
  auto bomb = Deflate(zeros, 9);
  REQUIRE(bomb.ok());
  CHECK(bomb->size() < 200'000);

  auto inflated = Inflate(*bomb, 1u << 20);
  REQUIRE_FALSE(inflated.ok());
  CHECK(inflated.status().code() == StatusCode::kResourceExhausted);
  CHECK(inflated.status().message() == "zlib: inflated size exceeds limit of 1048576 bytes");

  // The limit is inclusive: exactly max_output bytes pass, one more fails.
  const Bytes data = RandomBytes(5000, 2);
  auto stream = Deflate(data);
  REQUIRE(stream.ok());
  auto exact = Inflate(*stream, 5000);
  REQUIRE(exact.ok());
  CHECK(*exact == data);
  auto over = Inflate(*stream, 4999);
  REQUIRE_FALSE(over.ok());
  CHECK(over.status().message() == "zlib: inflated size exceeds limit of 4999 bytes");
  auto none = Inflate(*stream, 0);
  REQUIRE_FALSE(none.ok());
  CHECK(none.status().code() == StatusCode::kResourceExhausted);

  auto empty_stream = Deflate(Bytes{});
  REQUIRE(empty_stream.ok());
  auto empty = Inflate(*empty_stream, 0);
  REQUIRE(empty.ok());
  CHECK(empty->empty());
}

TEST_CASE("zlib inflate rejects every truncation", "[zlib]") {
  const Bytes stream = Hex(kPythonStream);
  for (std::size_t n = 0; n < stream.size(); ++n) {
    INFO("prefix length " << n);
    auto r = Inflate(ByteView(stream).first(n), 1000);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message().rfind("zlib: truncated stream", 0) == 0);
  }
}

TEST_CASE("zlib inflate rejects bad headers", "[zlib]") {
  Bytes stream = Hex(kPythonStream);
  struct Case {
    std::uint8_t cmf, flg;
    std::string message;
  };
  const Case cases[] = {
      // CM 7, with valid check bits: 0x7785 = 31 * 987.
      {0x77, 0x85, "zlib: bad header: compression method 7 is not 8 (deflate)"},
      // CINFO 8, with valid check bits: 0x8898 = 31 * 1128.
      {0x88, 0x98, "zlib: bad header: window size field CINFO = 8 exceeds 7 (32 KiB)"},
      // 0x789D = 31 * 996 + 1.
      {0x78, 0x9D, "zlib: bad header: check bits FCHECK are wrong"},
      // FDICT set: 0x78BB = 30907 = 31 * 997.
      {0x78, 0xBB, "zlib: bad header: a preset dictionary (FDICT) is not supported"},
      // A gzip member (RFC 1952) is not a zlib stream.
      {0x1F, 0x8B, "zlib: bad header: compression method 15 is not 8 (deflate)"},
  };
  for (const Case& c : cases) {
    stream[0] = c.cmf;
    stream[1] = c.flg;
    auto r = Inflate(stream, 1000);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message() == c.message);
  }
}

TEST_CASE("zlib inflate rejects a wrong Adler-32 checksum", "[zlib]") {
  const Bytes good = Hex(kPythonStream);
  for (std::size_t i = good.size() - 4; i < good.size(); ++i) {
    Bytes bad = good;
    bad[i] ^= 0x01;
    auto r = Inflate(bad, 1000);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message() == "zlib: Adler-32 checksum mismatch");
  }
  // A change in the stored data is caught by the checksum too.
  Bytes stored = Hex(kPythonStoredStream);
  stored[7] ^= 0x20;  // first data byte: 's' -> 'S'
  auto r = Inflate(stored, 1000);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() == "zlib: Adler-32 checksum mismatch");
}

TEST_CASE("zlib inflate rejects corrupt deflate data", "[zlib]") {
  // 0x07: BFINAL 1, BTYPE 11, reserved (RFC 1951 section 3.2.3).
  auto reserved = Inflate(Hex("789c07000000000000"), 1000);
  REQUIRE_FALSE(reserved.ok());
  CHECK(reserved.status().code() == StatusCode::kInvalidArgument);
  CHECK(reserved.status().message() == "zlib: corrupt data: invalid block type");

  // Stored block whose NLEN is not the complement of LEN.
  Bytes stored = Hex(kPythonStoredStream);
  stored[5] ^= 0x01;
  auto lengths = Inflate(stored, 1000);
  REQUIRE_FALSE(lengths.ok());
  CHECK(lengths.status().message() == "zlib: corrupt data: invalid stored block lengths");
}

TEST_CASE("zlib inflate rejects trailing bytes", "[zlib]") {
  Bytes stream = Hex(kPythonStream);
  stream.push_back(0x00);
  auto one = Inflate(stream, 1000);
  REQUIRE_FALSE(one.ok());
  CHECK(one.status().code() == StatusCode::kInvalidArgument);
  CHECK(one.status().message() == "zlib: 1 trailing bytes after the end of the stream");

  // Two concatenated streams are not one stream.
  const Bytes second = Hex(kPythonStoredStream);
  Bytes two = Hex(kPythonStream);
  two.insert(two.end(), second.begin(), second.end());
  auto r = Inflate(two, 1000);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message() ==
        "zlib: " + std::to_string(second.size()) + " trailing bytes after the end of the stream");
}

}  // namespace certledger
