#include <catch2/catch.hpp>

#include <set>
#include <string>

#include "certledger/verdict.h"

using namespace certledger;

TEST_CASE("verdict names are the API's and round trip", "[verdict]") {
  // The list in DESIGN.md, "Verifier API".
  const char* names[] = {"valid",          "revoked",     "not_logged", "bad_signature",
                         "unknown_issuer", "out_of_scope", "key_revoked", "expired",
                         "malformed",      "indeterminate"};
  std::set<std::string> seen_zh;
  for (const char* name : names) {
    auto v = ParseVerdict(name);
    REQUIRE(v.has_value());
    CHECK(VerdictName(*v) == name);
    CHECK_FALSE(VerdictTextEn(*v).empty());
    seen_zh.insert(std::string(VerdictTextZh(*v)));
  }
  CHECK(seen_zh.size() == 10);  // every verdict has its own text
  CHECK_FALSE(ParseVerdict("Valid").has_value());
  CHECK_FALSE(ParseVerdict("").has_value());
}
