// Holder disclosures and commitments.
#include <catch2/catch.hpp>

#include <string>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/disclosure.h"

namespace certledger {
namespace {

using cbor::Value;

Bytes Salt0to15() {
  Bytes salt;
  for (int i = 0; i < 16; ++i) salt.push_back(static_cast<std::uint8_t>(i));
  return salt;
}

Disclosure Make(std::string_view name, std::string_view value) {
  Result<Disclosure> d = MakeDisclosureWithSalt(Salt0to15(), name, value);
  REQUIRE(d.ok());
  return *d;
}

TEST_CASE("disclosure: CBOR and commitment known answers", "[disclosure]") {
  // Expected values written by hand from DESIGN.md's definition and hashed
  // with Python's hashlib (not with certledger):
  //   [h'000102030405060708090a0b0c0d0e0f', "name", "张三"]
  //   = 83 50 000102...0f 64 6e616d65 66 e5bca0e4b889
  Disclosure name = Make("name", "张三");
  CHECK(HexEncode(cbor::Encode(DisclosureToCbor(name))) ==
        "8350000102030405060708090a0b0c0d0e0f646e616d6566e5bca0e4b889");
  CHECK(HexEncode(AsBytes(Commitment(name))) ==
        "6604feb6f395be1d3c21237585efc7d3f3014141e92f719c17dca5b15ae8d348");
  //   [h'0001..0f', "id", "310101199001011234"]
  Disclosure id = Make("id", "310101199001011234");
  CHECK(HexEncode(AsBytes(Commitment(id))) ==
        "859884ff331beaee44939a872fd42d9a2af05fa701e3e256f91323134b1e7345");

  Result<Disclosure> back = DisclosureFromCbor(DisclosureToCbor(name));
  REQUIRE(back.ok());
  CHECK(*back == name);
}

TEST_CASE("disclosure: fresh salts are random and 16 bytes", "[disclosure]") {
  Result<Disclosure> a = MakeDisclosure("name", "张三");
  Result<Disclosure> b = MakeDisclosure("name", "张三");
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->salt != b->salt);
  CHECK(Commitment(*a) != Commitment(*b));
}

TEST_CASE("disclosure: making one checks its inputs", "[disclosure]") {
  CHECK(MakeDisclosure("", "x").status().message() == "disclosure: empty name");
  CHECK(MakeDisclosure("name", std::string("\xc0\xaf", 2)).status().message() ==
        "disclosure: name or value is not valid UTF-8");
  CHECK(MakeDisclosureWithSalt(Bytes(15, 0), "name", "x").status().message() ==
        "disclosure: salt must be 16 bytes, got 15");
}

TEST_CASE("disclosure: verification against the holder map", "[disclosure]") {
  Disclosure name = Make("name", "张三");
  Disclosure id = Make("id", "310101199001011234");
  Result<Commitments> holder = CommitmentsOf({name, id});
  REQUIRE(holder.ok());
  REQUIRE(holder->size() == 2);
  CHECK(VerifyDisclosures(*holder, {name, id}).ok());
  CHECK(VerifyDisclosures(*holder, {id, name}).ok());

  auto failure = [&](const std::vector<Disclosure>& ds) {
    Status s = VerifyDisclosures(*holder, ds);
    REQUIRE_FALSE(s.ok());
    CHECK(s.code() == StatusCode::kVerificationFailed);
    CHECK(s.reason() == "disclosure_mismatch");
    return s.message();
  };
  Disclosure other_id = id;
  other_id.value = "310101199001011235";
  CHECK(failure({name, other_id}) == "disclosure \"id\" does not match its commitment");
  Disclosure other_salt = name;
  other_salt.salt[0] ^= 1;
  CHECK(failure({other_salt, id}) == "disclosure \"name\" does not match its commitment");
  CHECK(failure({name}) == "no disclosure for \"id\"");
  CHECK(failure({name, id, name}) == "duplicate disclosure \"name\"");
  CHECK(failure({name, id, Make("photo", "x")}) == "disclosure \"photo\" has no commitment");
  CHECK(CommitmentsOf({name, name}).status().message() ==
        "disclosure: duplicate name \"name\"");
}

TEST_CASE("disclosure: CBOR shape is checked", "[disclosure]") {
  Value salt = Value::Bytes(Salt0to15());
  auto error = [](const Value& v) { return DisclosureFromCbor(v).status().message(); };
  CHECK(error(Value::MakeArray({salt, Value::Text("name")})) ==
        "disclosure: not an array [salt, name, value]");
  CHECK(error(Value::MakeMap()) == "disclosure: not an array [salt, name, value]");
  CHECK(error(Value::MakeArray({Value::Bytes(Bytes(17, 0)), Value::Text("n"), Value::Text("v")})) ==
        "disclosure: salt is not a 16-byte bstr");
  CHECK(error(Value::MakeArray({salt, Value::Text("n"), Value::Uint(1)})) ==
        "disclosure: name or value is not text");
  CHECK(error(Value::MakeArray({salt, Value::Text(""), Value::Text("v")})) ==
        "disclosure: empty name");
}

TEST_CASE("disclosure: MaskId keeps the first and last four characters", "[disclosure]") {
  CHECK(MaskId("310101199001011234") == "3101**********1234");
  CHECK(MaskId("31010119900101123X") == "3101**********123X");
  CHECK(MaskId("123456789") == "1234*6789");
  CHECK(MaskId("12345678") == "********");
  CHECK(MaskId("") == "");
  // Code points, not bytes.
  CHECK(MaskId("护照一二三四五六七八") == "护照一二**五六七八");
}

}  // namespace
}  // namespace certledger
