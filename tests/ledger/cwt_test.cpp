// CWT claims sets (RFC 8392) of records.
#include <catch2/catch.hpp>

#include <string>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/cwt.h"

namespace certledger {
namespace {

using cbor::Value;

Bytes Hex(std::string_view hex) {
  Result<Bytes> b = HexDecode(hex);
  REQUIRE(b.ok());
  return *b;
}

Value DecodeHex(std::string_view hex) {
  Result<Value> v = cbor::Decode(Hex(hex));
  REQUIRE(v.ok());
  return *v;
}

// RFC 8392 Appendix A.1, the example claims set (as also in cose-wg/Examples
// CWT/A_3.json): iss "coap://as.example.com", sub "erikw", aud
// "coap://light.example.com", exp 1444064944, nbf 1443944944, iat
// 1443944944, cti h'0b71'.
constexpr char kRfc8392A1[] =
    "a70175636f61703a2f2f61732e6578616d706c652e636f6d02656572696b77037818636f"
    "61703a2f2f6c696768742e6578616d706c652e636f6d041a5612aeb0051a5610d9f006"
    "1a5610d9f007420b71";

std::string DecodeError(const Value& v) {
  Result<cwt::ClaimsSet> s = cwt::DecodeClaimsSet(v);
  REQUIRE_FALSE(s.ok());
  CHECK(s.status().code() == StatusCode::kInvalidArgument);
  return s.status().message();
}

TEST_CASE("cwt: claims encode with the RFC 8392 keys and values", "[cwt]") {
  cwt::Claims claims;
  claims.iss = "coap://as.example.com";
  claims.iat = 1443944944;
  claims.exp = 1444064944;
  claims.cti = Hex("0b71");
  Result<Value> map = cwt::EncodeClaimsSet(claims, Value::MakeMap());
  REQUIRE(map.ok());
  // The iss, exp, iat and cti pairs cut from RFC 8392 A.1 above, in that
  // order, then the body claim -65537 (3a 00010000) holding {} (a0).
  std::string expected = std::string("a5") +
                         "0175636f61703a2f2f61732e6578616d706c652e636f6d" +  // 1: iss
                         "041a5612aeb0" +                                    // 4: exp
                         "061a5610d9f0" +                                    // 6: iat
                         "07420b71" +                                        // 7: cti
                         "3a00010000a0";                                     // -65537: {}
  CHECK(HexEncode(cbor::Encode(*map)) == expected);

  Result<cwt::ClaimsSet> back = cwt::DecodeClaimsSet(*map);
  REQUIRE(back.ok());
  CHECK(back->claims == claims);
  CHECK(back->body == Value::MakeMap());
}

TEST_CASE("cwt: claims other than ours are refused (RFC 8392 A.1 has sub, aud, nbf)", "[cwt]") {
  CHECK(DecodeError(DecodeHex(kRfc8392A1)) == "cwt: unknown claim 2");
}

TEST_CASE("cwt: missing, mistyped and inconsistent claims are refused", "[cwt]") {
  auto base = [] {
    Value m = Value::MakeMap();
    m.Set(1, Value::Text("regulator"));
    m.Set(6, Value::Uint(1700000000));
    m.Set(7, Value::Bytes(ToBytes("x")));
    m.Set(-65537, Value::MakeMap());
    return m;
  };
  REQUIRE(cwt::DecodeClaimsSet(base()).ok());
  CHECK_FALSE(cwt::DecodeClaimsSet(base()).value().claims.exp.has_value());

  struct Case {
    std::int64_t key;
    std::optional<Value> value;  // nullopt: remove the claim
    const char* message;
  };
  const Case cases[] = {
      {1, std::nullopt, "cwt: missing claim iss (1)"},
      {6, std::nullopt, "cwt: missing claim iat (6)"},
      {7, std::nullopt, "cwt: missing claim cti (7)"},
      {-65537, std::nullopt, "cwt: missing claim -65537 (record body)"},
      {1, Value::Bytes(ToBytes("r")), "cwt: claim iss (1) is not text"},
      {1, Value::Text(""), "cwt: claim iss (1) is empty"},
      {6, Value::Int(-1), "cwt: claim iat (6) is not an unsigned integer"},
      {6, Value::Text("2023"), "cwt: claim iat (6) is not an unsigned integer"},
      {4, Value::Int(-5), "cwt: claim exp (4) is not an unsigned integer"},
      {4, Value::Uint(1700000000), "cwt: claim exp (4) is not after iat (6)"},
      {7, Value::Text("x"), "cwt: claim cti (7) is not a bstr"},
      {7, Value::Bytes({}), "cwt: claim cti (7) must have 1 to 64 bytes, got 0"},
      {7, Value::Bytes(Bytes(65, 1)), "cwt: claim cti (7) must have 1 to 64 bytes, got 65"},
      {-65537, Value::MakeArray(), "cwt: claim -65537 (record body) is not a map"},
      {3, Value::Text("aud"), "cwt: unknown claim 3"},
      {-65538, Value::Uint(1), "cwt: unknown claim -65538"},
  };
  for (const Case& c : cases) {
    Value m = base();
    if (c.value) {
      m.Set(c.key, *c.value);
    } else {
      Value without = Value::MakeMap();
      for (const auto& [k, v] : m.map()) {
        if (!(k == Value::Int(c.key))) without.Set(k, v);
      }
      m = without;
    }
    INFO(c.message);
    CHECK(DecodeError(m) == c.message);
  }
  Value text_key = base();
  text_key.Set("iss", Value::Text("x"));
  CHECK(DecodeError(text_key) == "cwt: claim key is not a small integer");
  CHECK(DecodeError(Value::MakeArray()) == "cwt: payload is not a map");
}

TEST_CASE("cwt: encoding checks the claims and the body", "[cwt]") {
  cwt::Claims claims;
  claims.iss = "body-1";
  claims.iat = 10;
  claims.cti = {1};
  CHECK(cwt::EncodeClaimsSet(claims, Value::MakeMap()).ok());
  CHECK(cwt::EncodeClaimsSet(claims, Value::MakeArray()).status().message() ==
        "cwt: record body is not a map");
  cwt::Claims bad = claims;
  bad.iss = std::string("\xff", 1);
  CHECK(cwt::EncodeClaimsSet(bad, Value::MakeMap()).status().message() ==
        "cwt: claim iss (1) is not valid UTF-8");
  bad = claims;
  bad.exp = 10;
  CHECK(cwt::EncodeClaimsSet(bad, Value::MakeMap()).status().message() ==
        "cwt: claim exp (4) is not after iat (6)");
}

}  // namespace
}  // namespace certledger
