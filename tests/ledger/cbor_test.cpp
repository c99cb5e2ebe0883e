#include <catch2/catch.hpp>

#include <algorithm>
#include <cstdint>
#include <limits>
#include <random>
#include <string>
#include <utility>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/status.h"

using namespace certledger;
using cbor::Value;

namespace {

Bytes FromHex(std::string_view hex) {
  auto bytes = HexDecode(hex);
  REQUIRE(bytes.ok());
  return *bytes;
}

Status DecodeError(std::string_view hex, const cbor::Limits& limits = cbor::Limits()) {
  return cbor::Decode(FromHex(hex), limits).status();
}

std::string Repeat(std::string_view piece, std::size_t n) {
  std::string out;
  for (std::size_t i = 0; i < n; ++i) out += piece;
  return out;
}

Value Array(std::initializer_list<Value> items) { return Value::MakeArray(Value::Array(items)); }

// Checks that `hex` decodes to `expected` and that `expected` encodes to `hex`.
void CheckBothWays(std::string_view hex, const Value& expected) {
  INFO("hex " << hex);
  auto decoded = cbor::Decode(FromHex(hex));
  REQUIRE(decoded.ok());
  CHECK(*decoded == expected);
  CHECK(HexEncode(cbor::Encode(expected)) == hex);
}

}  // namespace

// RFC 8949 Appendix A, the examples within the supported types, as listed in
// the machine-readable copy github.com/cbor/test-vectors appendix_a.json.
TEST_CASE("cbor: RFC 8949 Appendix A integers", "[cbor]") {
  CheckBothWays("00", Value::Uint(0));
  CheckBothWays("01", Value::Uint(1));
  CheckBothWays("0a", Value::Uint(10));
  CheckBothWays("17", Value::Uint(23));
  CheckBothWays("1818", Value::Uint(24));
  CheckBothWays("1819", Value::Uint(25));
  CheckBothWays("1864", Value::Uint(100));
  CheckBothWays("1903e8", Value::Uint(1000));
  CheckBothWays("1a000f4240", Value::Uint(1000000));
  CheckBothWays("1b000000e8d4a51000", Value::Uint(1000000000000));
  CheckBothWays("1bffffffffffffffff", Value::Uint(18446744073709551615u));
  CheckBothWays("3bffffffffffffffff", Value::Negative(18446744073709551615u));  // -2^64
  CheckBothWays("20", Value::Int(-1));
  CheckBothWays("29", Value::Int(-10));
  CheckBothWays("3863", Value::Int(-100));
  CheckBothWays("3903e7", Value::Int(-1000));
  // Bignums are tags 2 and 3 over byte strings.
  CheckBothWays("c249010000000000000000",
                Value::Tag(2, Value::Bytes(FromHex("010000000000000000"))));
  CheckBothWays("c349010000000000000000",
                Value::Tag(3, Value::Bytes(FromHex("010000000000000000"))));
}

// The width boundaries of RFC 8949 section 4.2.1 ("24 to 255 ... only with an
// additional uint8_t", etc.), heads written out by hand from section 3.
TEST_CASE("cbor: shortest heads at every width boundary", "[cbor]") {
  CheckBothWays("18ff", Value::Uint(255));
  CheckBothWays("190100", Value::Uint(256));
  CheckBothWays("19ffff", Value::Uint(65535));
  CheckBothWays("1a00010000", Value::Uint(65536));
  CheckBothWays("1affffffff", Value::Uint(4294967295u));
  CheckBothWays("1b0000000100000000", Value::Uint(4294967296u));
  CheckBothWays("37", Value::Int(-24));
  CheckBothWays("3818", Value::Int(-25));
  CheckBothWays("38ff", Value::Int(-256));
  CheckBothWays("390100", Value::Int(-257));
  CheckBothWays("39ffff", Value::Int(-65536));
  CheckBothWays("3a00010000", Value::Int(-65537));
  CheckBothWays("3affffffff", Value::Int(-4294967296));
  CheckBothWays("3b0000000100000000", Value::Int(-4294967297));
  CheckBothWays("5818" + Repeat("00", 24), Value::Bytes(Bytes(24, 0)));
  CheckBothWays("98190102030405060708090a0b0c0d0e0f101112131415161718181819",
                Value::MakeArray([] {
                  Value::Array items;
                  for (int i = 1; i <= 25; ++i) items.push_back(Value::Int(i));
                  return items;
                }()));
  CheckBothWays("d9fffe00", Value::Tag(65534, Value::Uint(0)));
}

// RFC 8949 Appendix A (cbor/test-vectors appendix_a.json).
TEST_CASE("cbor: RFC 8949 Appendix A simple values, tags and strings", "[cbor]") {
  CheckBothWays("f4", Value::Bool(false));
  CheckBothWays("f5", Value::Bool(true));
  CheckBothWays("f6", Value::Null());
  CheckBothWays("c074323031332d30332d32315432303a30343a30305a",
                Value::Tag(0, Value::Text("2013-03-21T20:04:00Z")));
  CheckBothWays("c11a514b67b0", Value::Tag(1, Value::Uint(1363896240)));
  CheckBothWays("d74401020304", Value::Tag(23, Value::Bytes(FromHex("01020304"))));
  CheckBothWays("d818456449455446", Value::Tag(24, Value::Bytes(FromHex("6449455446"))));
  CheckBothWays("d82076687474703a2f2f7777772e6578616d706c652e636f6d",
                Value::Tag(32, Value::Text("http://www.example.com")));
  CheckBothWays("40", Value::Bytes({}));
  CheckBothWays("4401020304", Value::Bytes(FromHex("01020304")));
  CheckBothWays("60", Value::Text(""));
  CheckBothWays("6161", Value::Text("a"));
  CheckBothWays("6449455446", Value::Text("IETF"));
  CheckBothWays("62225c", Value::Text("\"\\"));
  CheckBothWays("62c3bc", Value::Text("\xc3\xbc"));                  // U+00FC
  CheckBothWays("63e6b0b4", Value::Text("\xe6\xb0\xb4"));            // U+6C34
  CheckBothWays("64f0908591", Value::Text("\xf0\x90\x85\x91"));      // U+10151
}

// RFC 8949 Appendix A (cbor/test-vectors appendix_a.json).
TEST_CASE("cbor: RFC 8949 Appendix A arrays and maps", "[cbor]") {
  CheckBothWays("80", Value::MakeArray());
  CheckBothWays("83010203", Array({Value::Int(1), Value::Int(2), Value::Int(3)}));
  CheckBothWays("8301820203820405",
                Array({Value::Int(1), Array({Value::Int(2), Value::Int(3)}),
                       Array({Value::Int(4), Value::Int(5)})}));
  CheckBothWays("a0", Value::MakeMap());

  Value m1 = Value::MakeMap();
  m1.Set(3, Value::Int(4)).Set(1, Value::Int(2));
  CheckBothWays("a201020304", m1);

  Value m2 = Value::MakeMap();
  m2.Set("b", Array({Value::Int(2), Value::Int(3)})).Set("a", Value::Int(1));
  CheckBothWays("a26161016162820203", m2);

  Value inner = Value::MakeMap();
  inner.Set("b", Value::Text("c"));
  CheckBothWays("826161a161626163", Array({Value::Text("a"), inner}));

  Value m3 = Value::MakeMap();
  for (const char* k : {"e", "c", "a", "d", "b"}) {
    std::string upper(1, static_cast<char>(k[0] - 'a' + 'A'));
    m3.Set(std::string_view(k), Value::Text(upper));
  }
  CheckBothWays("a56161614161626142616361436164614461656145", m3);
}

// Appendix A examples outside the supported subset must be rejected.
TEST_CASE("cbor: floats, undefined and other simple values are rejected", "[cbor]") {
  for (const char* hex : {"f90000", "f93c00", "f97bff", "fa47c35000", "fb3ff199999999999a",
                          "f97e00", "fa7fc00000", "fb7ff8000000000000"}) {
    INFO(hex);
    CHECK(DecodeError(hex).message() ==
          "cbor: floating-point values are not supported at offset 0");
  }
  CHECK(DecodeError("c1fb41d452d9ec200000").message() ==
        "cbor: floating-point values are not supported at offset 1");
  CHECK(DecodeError("f7").message() == "cbor: undefined is not supported at offset 0");
  CHECK(DecodeError("f0").message() == "cbor: simple value 16 is not supported at offset 0");
  CHECK(DecodeError("f8ff").message() == "cbor: simple value 255 is not supported at offset 0");
  // Not well-formed per RFC 8949 section 3.3 (cbor/test-vectors fail.json).
  CHECK(DecodeError("f818").message() == "cbor: invalid two-byte simple value at offset 0");
  CHECK(DecodeError("f814").message() == "cbor: invalid two-byte simple value at offset 0");
  CHECK(DecodeError("ff").message() == "cbor: unexpected break code at offset 0");
  CHECK(DecodeError("f7").code() == StatusCode::kInvalidArgument);
}

// Indefinite-length examples of RFC 8949 Appendix A: not deterministic
// (section 4.2.1: "Indefinite-length items MUST NOT appear").
TEST_CASE("cbor: indefinite lengths are rejected", "[cbor]") {
  for (const char* hex : {"5f42010243030405ff", "7f657374726561646d696e67ff", "9fff",
                          "9f018202039f0405ffff", "bf61610161629f0203ffff",
                          "bf6346756ef563416d7421ff"}) {
    INFO(hex);
    CHECK(DecodeError(hex).message() == "cbor: indefinite length not allowed at offset 0");
  }
  CHECK(DecodeError("83018202039f0405ff").message() ==
        "cbor: indefinite length not allowed at offset 5");
  CHECK(DecodeError("826161bf61626163ff").message() ==
        "cbor: indefinite length not allowed at offset 3");
}

// A selection of github.com/cbor/test-vectors fail.json: every entry must fail.
TEST_CASE("cbor: not-well-formed vectors are rejected", "[cbor]") {
  for (const char* hex : {"1c", "1d", "1e", "3c", "3d", "3e", "5c", "5d", "5e", "7c", "7d",
                          "7e", "9c", "9d", "9e", "bc", "bd", "be", "dc", "dd", "de", "fc",
                          "fd", "fe"}) {
    INFO(hex);
    const Status s = DecodeError(hex);
    CHECK(s.code() == StatusCode::kInvalidArgument);
    const int ai = FromHex(hex)[0] & 0x1f;  // 28, 29 or 30
    CHECK(s.message() ==
          "cbor: reserved additional information " + std::to_string(ai) + " at offset 0");
  }
  CHECK(DecodeError("1f").message() ==
        "cbor: additional information 31 not allowed for major type 0 at offset 0");
  CHECK(DecodeError("3f").message() ==
        "cbor: additional information 31 not allowed for major type 1 at offset 0");
  CHECK(DecodeError("df").message() ==
        "cbor: additional information 31 not allowed for major type 6 at offset 0");
  for (const char* hex : {"5f00", "7f61", "9f1c", "bffe", "f800", "f81f", "ff"}) {
    INFO(hex);
    CHECK(DecodeError(hex).code() == StatusCode::kInvalidArgument);
  }
}

TEST_CASE("cbor: non-shortest heads are rejected", "[cbor]") {
  CHECK(DecodeError("830102" "1803").message() ==
        "cbor: non-shortest integer encoding at offset 3");
  CHECK(DecodeError("1817").message() == "cbor: non-shortest integer encoding at offset 0");
  CHECK(DecodeError("1900ff").message() == "cbor: non-shortest integer encoding at offset 0");
  CHECK(DecodeError("1a0000ffff").message() == "cbor: non-shortest integer encoding at offset 0");
  CHECK(DecodeError("1b00000000ffffffff").message() ==
        "cbor: non-shortest integer encoding at offset 0");
  CHECK(DecodeError("3817").message() == "cbor: non-shortest integer encoding at offset 0");
  CHECK(DecodeError("580161").message() == "cbor: non-shortest length encoding at offset 0");
  CHECK(DecodeError("78016161").message() == "cbor: non-shortest length encoding at offset 0");
  CHECK(DecodeError("9800").message() == "cbor: non-shortest length encoding at offset 0");
  CHECK(DecodeError("b900000000").message() == "cbor: non-shortest length encoding at offset 0");
  CHECK(DecodeError("d80100").message() == "cbor: non-shortest tag number encoding at offset 0");
  CHECK(DecodeError("1817").code() == StatusCode::kInvalidArgument);
}

TEST_CASE("cbor: truncated input is rejected", "[cbor]") {
  CHECK(DecodeError("").message() == "cbor: truncated input at offset 0 (need 1 more byte)");
  CHECK(DecodeError("19" "01").message() ==
        "cbor: truncated input at offset 2 (need 1 more byte)");
  CHECK(DecodeError("1a" "0001").message() ==
        "cbor: truncated input at offset 3 (need 2 more bytes)");
  CHECK(DecodeError("1b01020304050607").message() ==
        "cbor: truncated input at offset 8 (need 1 more byte)");
  // A 13-byte string with 9 bytes present.
  CHECK(DecodeError("4d" "010203040506070809").message() ==
        "cbor: truncated input at offset 10 (need 4 more bytes)");
  CHECK(DecodeError("6261").message() == "cbor: truncated input at offset 2 (need 1 more byte)");
  CHECK(DecodeError("8301").message() ==
        "cbor: truncated input at offset 2 (need at least 2 more bytes)");
  CHECK(DecodeError("820181").message() ==
        "cbor: truncated input at offset 3 (need at least 1 more byte)");
  CHECK(DecodeError("a201020318").message() ==
        "cbor: truncated input at offset 5 (need 1 more byte)");
  CHECK(DecodeError("c1").message() == "cbor: truncated input at offset 1 (need 1 more byte)");
  CHECK(DecodeError("a2010203").message() ==
        "cbor: truncated input at offset 4 (need at least 1 more byte)");
  CHECK(DecodeError("8301").code() == StatusCode::kInvalidArgument);
}

// Lengths and counts near 2^64 must fail before anything is allocated (under
// ASan an attempt to reserve them would abort the test).
TEST_CASE("cbor: huge declared lengths fail before allocation", "[cbor]") {
  CHECK(DecodeError("5b7fffffffffffffff00").message() ==
        "cbor: truncated input at offset 10 (need 9223372036854775806 more bytes)");
  CHECK(DecodeError("7bffffffffffffffff").message() ==
        "cbor: truncated input at offset 9 (need 18446744073709551615 more bytes)");
  CHECK(DecodeError("9bffffffffffffffff").message() ==
        "cbor: truncated input at offset 9 (need at least 18446744073709551615 more bytes)");
  CHECK(DecodeError("bb7fffffffffffffff00").message() ==
        "cbor: truncated input at offset 10 (need at least 18446744073709551613 more bytes)");
  CHECK(DecodeError("bbffffffffffffffff").code() == StatusCode::kInvalidArgument);
  CHECK(DecodeError("9affffffff" + Repeat("00", 64)).code() == StatusCode::kInvalidArgument);
}

TEST_CASE("cbor: trailing bytes are rejected", "[cbor]") {
  CHECK(DecodeError("1a000f424000").message() ==
        "cbor: trailing bytes after top-level item at offset 5");
  CHECK(DecodeError("0000").message() == "cbor: trailing bytes after top-level item at offset 1");
  CHECK(DecodeError("80ff").message() == "cbor: trailing bytes after top-level item at offset 1");
  CHECK(DecodeError("0000").code() == StatusCode::kInvalidArgument);
}

// RFC 8949 section 4.2.1: "The keys in every map MUST be sorted in the
// bytewise lexicographic order of their deterministic encodings."
TEST_CASE("cbor: map keys out of order or duplicated are rejected", "[cbor]") {
  // {"bcdefghij": 0, "a": 0}: the second key starts at offset 12.
  CHECK(DecodeError("a2" "6962636465666768696a" "00" "6161" "00").message() ==
        "cbor: map keys not in canonical order at offset 12");
  CHECK(DecodeError("a2" "02" "00" "01" "00").message() ==
        "cbor: map keys not in canonical order at offset 3");
  CHECK(DecodeError("a2" "01" "00" "01" "00").message() ==
        "cbor: duplicate map key at offset 3");
  CHECK(DecodeError("a2" "6161" "01" "6161" "02").message() ==
        "cbor: duplicate map key at offset 4");
  // Composite keys [1] then [0].
  CHECK(DecodeError("a2" "8101" "00" "8100" "00").message() ==
        "cbor: map keys not in canonical order at offset 4");
  // Nested map, offsets are absolute.
  CHECK(DecodeError("81" "a2" "0a" "00" "0a" "00").message() ==
        "cbor: duplicate map key at offset 4");
  // Bytewise order is not length-first order (RFC 8949 section 4.2.3):
  // 100 (0x1864) sorts before -1 (0x20).
  auto ok = cbor::Decode(FromHex("a2" "1864" "00" "20" "00"));
  REQUIRE(ok.ok());
  CHECK(ok->map().size() == 2);
  CHECK(DecodeError("a2" "20" "00" "1864" "00").message() ==
        "cbor: map keys not in canonical order at offset 3");
  CHECK(DecodeError("a2" "01" "00" "01" "00").code() == StatusCode::kInvalidArgument);
}

// RFC 3629 section 4 defines the well-formed UTF-8 byte sequences.
TEST_CASE("cbor: text strings must be valid UTF-8", "[cbor]") {
  CHECK(DecodeError("62c328").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("62c080").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("63e08080").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("63eda080").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("64f4908080").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("64f0808080").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("6361e6b0").message() == "cbor: invalid UTF-8 in text string at offset 2");
  CHECK(DecodeError("6180").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("61ff").message() == "cbor: invalid UTF-8 in text string at offset 1");
  CHECK(DecodeError("8261616261c3").message() ==
        "cbor: invalid UTF-8 in text string at offset 5");
  // Byte strings carry any bytes.
  CHECK(cbor::Decode(FromHex("42c328")).ok());
  // Boundaries that are valid: U+D7FF, U+E000, U+FFFF, U+10000, U+10FFFF.
  for (const char* hex : {"63ed9fbf", "63ee8080", "63efbfbf", "64f0908080", "64f48fbfbf"}) {
    INFO(hex);
    CHECK(cbor::Decode(FromHex(hex)).ok());
  }
}

TEST_CASE("cbor: nesting depth is limited", "[cbor]") {
  // 16 nested arrays pass the default limit, 17 do not.
  CHECK(cbor::Decode(FromHex(Repeat("81", 15) + "80")).ok());
  const Status deep = DecodeError(Repeat("81", 16) + "80");
  CHECK(deep.code() == StatusCode::kResourceExhausted);
  CHECK(deep.message() == "cbor: nesting deeper than 16 at offset 16");
  // Tags and maps count too.
  CHECK(cbor::Decode(FromHex(Repeat("c1", 16) + "00")).ok());
  CHECK(DecodeError(Repeat("c1", 17) + "00").message() ==
        "cbor: nesting deeper than 16 at offset 16");
  CHECK(DecodeError(Repeat("a100", 16) + "a0").message() ==
        "cbor: nesting deeper than 16 at offset 32");
  // A megabyte of nested array heads stops at the limit without recursion.
  const Bytes bomb(cbor::Limits().max_input_bytes, 0x81);
  CHECK(cbor::Decode(bomb).status().message() == "cbor: nesting deeper than 16 at offset 16");
  // A raised limit: the decoder itself does not recurse.
  cbor::Limits raised;
  raised.max_depth = 1000;
  const Bytes nested = FromHex(Repeat("81", 999) + "f6");
  auto decoded = cbor::Decode(nested, raised);
  REQUIRE(decoded.ok());
  CHECK(cbor::Encode(*decoded) == nested);
  CHECK(cbor::Decode(FromHex(Repeat("81", 1000) + "f6"), raised).ok());
  CHECK(cbor::Decode(FromHex(Repeat("81", 1001) + "f6"), raised).status().message() ==
        "cbor: nesting deeper than 1000 at offset 1000");
}

TEST_CASE("cbor: size and count limits", "[cbor]") {
  cbor::Limits limits;
  limits.max_input_bytes = 4;
  CHECK(cbor::Decode(FromHex("83010203"), limits).ok());
  Status s = DecodeError("1a000f4240", limits);
  CHECK(s.code() == StatusCode::kResourceExhausted);
  CHECK(s.message() == "cbor: input of 5 bytes exceeds the limit of 4");

  limits = cbor::Limits();
  limits.max_items = 3;
  CHECK(cbor::Decode(FromHex("83010203"), limits).ok());
  s = DecodeError("8401020304", limits);
  CHECK(s.code() == StatusCode::kResourceExhausted);
  CHECK(s.message() == "cbor: array of 4 items exceeds the limit of 3 at offset 0");
  CHECK(cbor::Decode(FromHex("a3010002000300"), limits).ok());
  CHECK(DecodeError("81a40100020003000400", limits).message() ==
        "cbor: map of 4 pairs exceeds the limit of 3 at offset 1");

  limits = cbor::Limits();
  limits.max_string_bytes = 4;
  CHECK(cbor::Decode(FromHex("4401020304"), limits).ok());
  s = DecodeError("450102030405", limits);
  CHECK(s.code() == StatusCode::kResourceExhausted);
  CHECK(s.message() == "cbor: byte string of 5 bytes exceeds the limit of 4 at offset 0");
  CHECK(DecodeError("8165" "68656c6c6f", limits).message() ==
        "cbor: text string of 5 bytes exceeds the limit of 4 at offset 1");

  // The default item limit is 65536 per array.
  const std::string zeros = Repeat("00", 65536);
  CHECK(cbor::Decode(FromHex("9a00010000" + zeros)).ok());
  CHECK(DecodeError("9a00010001" + zeros + "00").message() ==
        "cbor: array of 65537 items exceeds the limit of 65536 at offset 0");
}

TEST_CASE("cbor: int64 accessors at the boundaries", "[cbor]") {
  constexpr std::int64_t kMax = std::numeric_limits<std::int64_t>::max();
  constexpr std::int64_t kMin = std::numeric_limits<std::int64_t>::min();
  CheckBothWays("1b7fffffffffffffff", Value::Int(kMax));
  CheckBothWays("3b7fffffffffffffff", Value::Int(kMin));
  CHECK(Value::Int(kMax).int64() == kMax);
  CHECK(Value::Int(kMin).int64() == kMin);
  CHECK(Value::Int(kMin) == Value::Negative(9223372036854775807u));
  CHECK(Value::Int(-1) == Value::Negative(0));
  CHECK(Value::Int(0).is_uint());
  CHECK(Value::Int(-1).type() == cbor::Type::kNegative);

  auto decoded = cbor::Decode(FromHex("1b8000000000000000"));  // 2^63
  REQUIRE(decoded.ok());
  CHECK(decoded->uint() == 9223372036854775808u);
  CHECK_FALSE(decoded->int64().has_value());
  decoded = cbor::Decode(FromHex("3b8000000000000000"));  // -2^63 - 1
  REQUIRE(decoded.ok());
  CHECK(decoded->is_int());
  CHECK_FALSE(decoded->int64().has_value());
  decoded = cbor::Decode(FromHex("3b7fffffffffffffff"));  // -2^63
  REQUIRE(decoded.ok());
  CHECK(decoded->int64() == kMin);
  decoded = cbor::Decode(FromHex("3bffffffffffffffff"));  // -2^64
  REQUIRE(decoded.ok());
  CHECK_FALSE(decoded->int64().has_value());
  decoded = cbor::Decode(FromHex("38ff"));
  REQUIRE(decoded.ok());
  CHECK(decoded->int64() == -256);
}

// RFC 8949 section 4.2.1: keys sort bytewise by their encodings, so
// 10 (0a) < 100 (1864) < -1 (20) < "a" (6161).
TEST_CASE("cbor: Value::Set keeps keys in canonical order", "[cbor]") {
  Value m = Value::MakeMap();
  m.Set(10, Value::Int(1)).Set(-1, Value::Int(2)).Set("a", Value::Int(3)).Set(100, Value::Int(4));
  REQUIRE(m.map().size() == 4);
  CHECK(m.map()[0].first == Value::Int(10));
  CHECK(m.map()[1].first == Value::Int(100));
  CHECK(m.map()[2].first == Value::Int(-1));
  CHECK(m.map()[3].first == Value::Text("a"));
  CHECK(HexEncode(cbor::Encode(m)) == "a4" "0a01" "186404" "2002" "616103");

  // Set replaces the value of an equal key.
  m.Set(-1, Value::Text("x"));
  CHECK(m.map().size() == 4);
  REQUIRE(m.Find(-1) != nullptr);
  CHECK(*m.Find(-1) == Value::Text("x"));
  CHECK(*m.Find("a") == Value::Int(3));
  CHECK(m.Find(11) == nullptr);
  CHECK(m.Find("b") == nullptr);
  CHECK(m.Find(Value::Bytes(AsBytes("a"))) == nullptr);
  CHECK(Value::Int(10).Find(10) == nullptr);

  // Keys of every kind, inserted in reverse order of their encodings.
  Value k = Value::MakeMap();
  const std::vector<Value> keys = {
      Value::Int(0),                           // 00
      Value::Int(23),                          // 17
      Value::Int(24),                          // 1818
      Value::Int(-1),                          // 20
      Value::Bytes({}),                        // 40
      Value::Bytes(FromHex("00")),             // 4100
      Value::Text(""),                         // 60
      Value::Text("b"),                        // 6162
      Value::Text("aa"),                       // 626161
      Value::MakeArray(),                      // 80
      Array({Value::Int(0)}),                  // 8100
      Array({Value::Int(1)}),                  // 8101
      Value::MakeMap(),                        // a0
      Value::Tag(1, Value::Int(0)),            // c100
      Value::Bool(false),                      // f4
      Value::Bool(true),                       // f5
      Value::Null(),                           // f6
  };
  for (auto it = keys.rbegin(); it != keys.rend(); ++it) k.Set(*it, Value::Null());
  REQUIRE(k.map().size() == keys.size());
  for (std::size_t i = 0; i < keys.size(); ++i) {
    INFO(i);
    CHECK(k.map()[i].first == keys[i]);
    CHECK(k.Find(keys[i]) != nullptr);
  }
  auto decoded = cbor::Decode(cbor::Encode(k));
  REQUIRE(decoded.ok());
  CHECK(*decoded == k);
}

namespace {

Value RandomValue(std::mt19937_64& rng, int depth);

std::uint64_t RandomNumber(std::mt19937_64& rng) { return rng() >> (rng() % 64); }

Value RandomKey(std::mt19937_64& rng) {
  switch (rng() % 5) {
    case 0:
      return Value::Uint(RandomNumber(rng));
    case 1:
      return Value::Negative(RandomNumber(rng));
    case 2:
      return Value::Text(std::string(rng() % 4, static_cast<char>('a' + rng() % 3)));
    case 3:
      return Value::Bytes(Bytes(rng() % 3, static_cast<std::uint8_t>(rng())));
    default:
      return Array({Value::Uint(rng() % 3)});
  }
}

Value RandomValue(std::mt19937_64& rng, int depth) {
  static const char* const kPieces[] = {"a", "Z", "\xc3\xbc", "\xe6\xb0\xb4", "\xf0\x90\x85\x91",
                                        " "};
  const int kinds = depth >= 4 ? 7 : 10;
  switch (rng() % kinds) {
    case 0:
      return Value::Uint(RandomNumber(rng));
    case 1:
      return Value::Negative(RandomNumber(rng));
    case 2: {
      Bytes b(rng() % 40);
      for (auto& byte : b) byte = static_cast<std::uint8_t>(rng());
      return Value::Bytes(b);
    }
    case 3: {
      std::string s;
      for (std::uint64_t i = rng() % 30; i > 0; --i) s += kPieces[rng() % 6];
      return Value::Text(s);
    }
    case 4:
      return Value::Bool(rng() % 2 == 0);
    case 5:
      return Value::Null();
    case 6:
      return Value::Int(static_cast<std::int64_t>(rng()));
    case 7: {
      Value::Array items;
      for (std::uint64_t i = rng() % 6; i > 0; --i) items.push_back(RandomValue(rng, depth + 1));
      return Value::MakeArray(std::move(items));
    }
    case 8: {
      Value m = Value::MakeMap();
      for (std::uint64_t i = rng() % 8; i > 0; --i) {
        m.Set(RandomKey(rng), RandomValue(rng, depth + 1));
      }
      return m;
    }
    default:
      return Value::Tag(RandomNumber(rng), RandomValue(rng, depth + 1));
  }
}

// The same map built by inserting its entries in reverse order.
Value Rebuilt(const Value& v) {
  if (v.is_array()) {
    Value::Array items;
    for (const Value& item : v.array()) items.push_back(Rebuilt(item));
    return Value::MakeArray(std::move(items));
  }
  if (v.is_tag()) return Value::Tag(v.tag(), Rebuilt(v.tagged()));
  if (!v.is_map()) return v;
  Value m = Value::MakeMap();
  for (auto it = v.map().rbegin(); it != v.map().rend(); ++it) m.Set(it->first, Rebuilt(it->second));
  return m;
}

}  // namespace

TEST_CASE("cbor: random nested values round trip", "[cbor]") {
  std::mt19937_64 rng(20240611);  // fixed seed: reproducible
  for (int i = 0; i < 300; ++i) {
    const Value v = RandomValue(rng, 0);
    const Bytes encoded = cbor::Encode(v);
    INFO("value " << i << ": " << HexEncode(encoded));
    auto decoded = cbor::Decode(encoded);
    REQUIRE(decoded.ok());
    CHECK(*decoded == v);
    CHECK(cbor::Encode(*decoded) == encoded);
    // Determinism: the insertion order of map entries does not matter.
    CHECK(cbor::Encode(Rebuilt(v)) == encoded);
    // Every strict prefix is truncated, never accepted.
    if (encoded.size() > 1) {
      const std::size_t cut = rng() % (encoded.size() - 1) + 1;
      const Status s = cbor::Decode(ByteView(encoded).first(cut)).status();
      CHECK(s.code() == StatusCode::kInvalidArgument);
      CHECK(s.message().rfind("cbor: truncated input at offset " + std::to_string(cut), 0) == 0);
    }
  }
}

TEST_CASE("cbor: large maps decode and encode in linear time", "[cbor]") {
  Value m = Value::MakeMap();
  for (std::int64_t i = 0; i < 65536; ++i) m.Set(i, Value::Int(-i));
  const Bytes encoded = cbor::Encode(m);
  auto decoded = cbor::Decode(encoded);
  REQUIRE(decoded.ok());
  CHECK(decoded->map().size() == 65536);
  CHECK(*decoded->Find(40000) == Value::Int(-40000));
  CHECK(cbor::Encode(*decoded) == encoded);
}
