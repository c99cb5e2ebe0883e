#include <catch2/catch.hpp>

#include "certledger/bytes.h"
#include "certledger/status.h"

using namespace certledger;

// RFC 4648 section 10 test vectors.
TEST_CASE("base64 encodes the RFC 4648 vectors", "[bytes]") {
  const std::pair<const char*, const char*> vectors[] = {
      {"", ""},          {"f", "Zg=="},         {"fo", "Zm8="},        {"foo", "Zm9v"},
      {"foob", "Zm9vYg=="}, {"fooba", "Zm9vYmE="}, {"foobar", "Zm9vYmFy"}};
  for (auto [plain, encoded] : vectors) {
    CHECK(Base64Encode(AsBytes(plain)) == encoded);
    auto decoded = Base64Decode(encoded);
    REQUIRE(decoded.ok());
    CHECK(ToString(*decoded) == plain);
    // base64url without padding: the same digits, '=' dropped.
    std::string url = encoded;
    while (!url.empty() && url.back() == '=') url.pop_back();
    CHECK(Base64UrlEncode(AsBytes(plain)) == url);
    auto url_decoded = Base64UrlDecode(url);
    REQUIRE(url_decoded.ok());
    CHECK(ToString(*url_decoded) == plain);
  }
}

TEST_CASE("base64url uses - and _ and standard base64 uses + and /", "[bytes]") {
  const Bytes data = {0xfb, 0xff, 0xbf};
  CHECK(Base64Encode(data) == "+/+/");
  CHECK(Base64UrlEncode(data) == "-_-_");
  CHECK_FALSE(Base64UrlDecode("+/+/").ok());
  CHECK_FALSE(Base64Decode("-_-_").ok());
}

TEST_CASE("base64 decoders reject malformed text", "[bytes]") {
  CHECK(Base64Decode("Zg=").status().message().find("multiple of 4") != std::string::npos);
  CHECK(Base64Decode("Zh==").status().message().find("trailing bits") != std::string::npos);
  CHECK(Base64Decode("Z===").status().message() == "base64: misplaced padding at position 1");
  CHECK(Base64Decode("Zm9v\n").status().code() == StatusCode::kInvalidArgument);
  CHECK(Base64Decode("Zg==Zg==").status().message() == "base64: misplaced padding at position 2");
  CHECK(Base64UrlDecode("Zg==").status().message().find("invalid character at position 2") !=
        std::string::npos);
  CHECK(Base64UrlDecode("Zh").status().message().find("trailing bits") != std::string::npos);
  CHECK(Base64UrlDecode("Zm9vY").status().message().find("impossible length") !=
        std::string::npos);
  CHECK(Base64UrlDecode("Zm 9").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("hex round trips and rejects bad digits", "[bytes]") {
  const Bytes data = {0x00, 0x01, 0xab, 0xff};
  CHECK(HexEncode(data) == "0001abff");
  auto upper = HexDecode("0001ABFF");
  REQUIRE(upper.ok());
  CHECK(*upper == data);
  CHECK(HexDecode("abc").status().message() == "hex: odd length 3");
  CHECK(HexDecode("0g").status().message() == "hex: invalid character at position 1");
}

TEST_CASE("Status carries code, message, reason and context", "[status]") {
  Status ok;
  CHECK(ok.ok());
  CHECK(ok.ToString() == "OK");
  Status s = Status::VerificationFailed("bad signature").WithReason("bad_signature");
  CHECK_FALSE(s.ok());
  CHECK(s.Is(StatusCode::kVerificationFailed));
  CHECK(s.reason() == "bad_signature");
  CHECK(s.Annotate("record 7").ToString() ==
        "VerificationFailed: record 7: bad signature [bad_signature]");
  CHECK(Status::OK().Annotate("x").ok());
}

namespace {
Result<int> Half(int v) {
  if (v % 2 != 0) return Status::InvalidArgument("odd");
  return v / 2;
}
Result<int> Quarter(int v) {
  CL_ASSIGN_OR_RETURN(int h, Half(v));
  CL_ASSIGN_OR_RETURN(int q, Half(h));
  return q;
}
}  // namespace

TEST_CASE("Result propagates values and errors", "[status]") {
  auto q = Quarter(8);
  REQUIRE(q.ok());
  CHECK(*q == 2);
  auto bad = Quarter(6);  // 6 -> 3 -> odd
  REQUIRE_FALSE(bad.ok());
  CHECK(bad.status().message() == "odd");
  // A Result built from an OK status is a bug, reported as Internal.
  Result<int> wrong{Status::OK()};
  CHECK(wrong.status().code() == StatusCode::kInternal);
}
