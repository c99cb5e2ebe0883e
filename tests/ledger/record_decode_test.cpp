// Records: every structural rejection, with the message that names it.
#include <catch2/catch.hpp>

#include <string>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/cose.h"
#include "certledger/record.h"
#include "record_fixtures.h"

namespace certledger {
namespace {

using cbor::Value;

Value BodyOf(const RecordBody& body) {
  Result<Value> v = EncodeRecordBody(body);
  INFO(v.status().ToString());
  REQUIRE(v.ok());
  return *v;
}

Value With(Value map, std::string_view key, Value value) {
  map.Set(key, std::move(value));
  return map;
}

Value Without(const Value& map, std::string_view key) {
  Value out = Value::MakeMap();
  for (const auto& [k, v] : map.map()) {
    if (!(k == Value::Text(key))) out.Set(k, v);
  }
  return out;
}

std::string DecodeError(const Value& body) {
  Result<RecordBody> r = DecodeRecordBody(body);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST_CASE("record decode: the kind", "[record]") {
  CHECK(DecodeError(Value::MakeArray()) == "record: body is not a map");
  CHECK(DecodeError(Value::MakeMap()) == "record: body has no field \"k\"");
  CHECK(DecodeError(With(Value::MakeMap(), "k", Value::Uint(1))) ==
        "record: field \"k\" is not text");
  CHECK(DecodeError(With(Value::MakeMap(), "k", Value::Text("diploma"))) ==
        "record: unknown kind \"diploma\"");
}

TEST_CASE("record decode: certificate fields", "[record]") {
  const Value skill = BodyOf(testing::SampleSkillCertificate());
  const Value title = BodyOf(testing::SampleTitleCertificate());
  REQUIRE(DecodeRecordBody(skill).ok());
  REQUIRE(DecodeRecordBody(title).ok());
  Value holder = *skill.Find("holder");

  struct Case {
    Value body;
    const char* message;
  };
  const Case cases[] = {
      {Without(skill, "no"), "certificate: missing field \"no\""},
      {With(skill, "no", Value::Uint(1)), "certificate: field \"no\": expected text"},
      {With(skill, "no", Value::Text("")), "certificate: field \"no\": empty text"},
      {With(skill, "no", Value::Text("Y0001 31")),
       "certificate: field \"no\": contains whitespace or a control character"},
      {With(skill, "no", Value::Text(std::string(65, 'Y'))),
       "certificate: field \"no\": longer than 64 bytes"},
      {With(skill, "type", Value::Text("diploma")),
       "certificate: field \"type\": unknown certificate type \"diploma\""},
      {With(skill, "level", Value::Text("9")),
       "certificate: field \"level\": unknown skill level \"9\""},
      {With(skill, "level", Value::Text("full_senior")),
       "certificate: field \"level\": unknown skill level \"full_senior\""},
      {With(title, "level", Value::Text("1")),
       "certificate: field \"level\": unknown title level \"1\""},
      {With(skill, "route", Value::Text("review")),
       "certificate: field \"route\": unknown skill route \"review\""},
      {With(title, "route", Value::Text("exemption")),
       "certificate: field \"route\": unknown title route \"exemption\""},
      {Without(skill, "issued"), "certificate: missing field \"issued\""},
      {With(skill, "issued", Value::Text("2025-02-30")),
       "certificate: field \"issued\": \"2025-02-30\" is not a calendar date"},
      {With(skill, "evaluated", Value::Uint(20250615)),
       "certificate: field \"evaluated\": expected a date \"YYYY-MM-DD\""},
      {With(skill, "expires", Value::Text("2030-6-1")),
       "certificate: field \"expires\": \"2030-6-1\" is not a date YYYY-MM-DD"},
      {Without(skill, "holder"), "certificate: missing field \"holder\""},
      {With(skill, "holder", Value::MakeArray()),
       "certificate: field \"holder\": expected a map"},
      {With(skill, "holder", Without(holder, "id")), "certificate: missing field \"holder.id\""},
      {With(skill, "holder", With(holder, "name", Value::Bytes(Bytes(31, 0)))),
       "certificate: field \"holder.name\": expected 32 bytes, got 31"},
      {With(skill, "holder", With(holder, "name", Value::Text("张三"))),
       "certificate: field \"holder.name\": expected a byte string"},
      {With(skill, "holder", With(holder, "photo", Value::Bytes(Bytes(32, 0)))),
       "certificate: unknown field \"holder.photo\""},
      {Without(skill, "occ"), "certificate: missing field \"occ\""},
      {Without(skill, "work"), "certificate: missing field \"work\""},
      {Without(skill, "project"), "certificate: missing field \"project\""},
      {With(skill, "series", Value::Text("engineering")),
       "certificate: unknown field \"series\""},
      {With(skill, "extra", Value::Uint(1)), "certificate: unknown field \"extra\""},
      {Without(title, "committee"), "certificate: missing field \"committee\""},
      {With(title, "occ", Value::Text("6-18-01-01")), "certificate: unknown field \"occ\""},
      {Without(title, "foreign"), "certificate: missing field \"foreign\""},
      {With(title, "route", Value::Text("review")),
       "certificate: field \"foreign\": only allowed with route \"overseas\""},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    CHECK(DecodeError(c.body) == c.message);
  }
  // Keys that are not text, in the body or in the holder map.
  Value int_key = skill;
  int_key.Set(Value::Uint(1), Value::Uint(1));
  CHECK(DecodeError(int_key) == "certificate: a key of the body is not text");
  Value holder_int_key = holder;
  holder_int_key.Set(Value::Uint(1), Value::Bytes(Bytes(32, 0)));
  CHECK(DecodeError(With(skill, "holder", holder_int_key)) ==
        "certificate: a key in \"holder\" is not text");
  // The competition route belongs to both families; a title without expiry
  // and with another route needs no "foreign".
  CHECK(DecodeRecordBody(With(skill, "route", Value::Text("competition"))).ok());
  CHECK(DecodeRecordBody(With(Without(Without(title, "foreign"), "expires"), "route",
                              Value::Text("green_channel")))
            .ok());
}

TEST_CASE("record decode: accreditation fields", "[record]") {
  const Value a = BodyOf(testing::SampleAccreditation());
  const Value key = a.Find("keys")->array()[0];
  const Value scope = *a.Find("scope");
  auto keys = [&](Value::Array items) { return With(a, "keys", Value::MakeArray(items)); };

  struct Case {
    Value body;
    const char* message;
  };
  const Case cases[] = {
      {Without(a, "body"), "accreditation: missing field \"body\""},
      {With(a, "name_zh", Value::Text("")), "accreditation: field \"name_zh\": empty text"},
      {Without(a, "keys"), "accreditation: missing field \"keys\""},
      {With(a, "keys", Value::MakeMap()), "accreditation: field \"keys\": expected an array"},
      {keys({}), "accreditation: field \"keys\": no keys"},
      {keys({Value::Bytes(Bytes(32, 0))}), "accreditation: field \"keys[0]\": expected a map"},
      {keys({With(key, "pk", Value::Bytes(Bytes(31, 0)))}),
       "accreditation: field \"keys[0].pk\": expected 32 bytes, got 31"},
      {keys({Without(key, "from")}), "accreditation: missing field \"keys[0].from\""},
      {keys({With(key, "until", Value::Uint(testing::k2025_01_01))}),
       "accreditation: field \"keys[0].until\": not after \"from\""},
      {keys({With(key, "revoked", Value::Int(-1))}),
       "accreditation: field \"keys[0].revoked\": expected an unsigned integer"},
      {keys({With(key, "role", Value::Text("x"))}),
       "accreditation: unknown field \"keys[0].role\""},
      {keys({key, key}), "accreditation: field \"keys[1].pk\": duplicate key"},
      {Without(a, "scope"), "accreditation: missing field \"scope\""},
      {With(a, "scope", Without(scope, "series")), "accreditation: missing field \"scope.series\""},
      {With(a, "scope", With(scope, "levels", Value::MakeArray({Value::Text("9")}))),
       "accreditation: field \"scope.levels[0]\": unknown level \"9\""},
      {With(a, "scope", With(scope, "occupations",
                             Value::MakeArray({Value::Text("6-18-01-01"),
                                               Value::Text("6-18-01-01")}))),
       "accreditation: field \"scope.occupations[1]\": duplicate \"6-18-01-01\""},
      {With(a, "scope", With(scope, "series", Value::MakeArray({Value::Uint(1)}))),
       "accreditation: field \"scope.series[0]\": expected text"},
      {With(a, "scope", With(scope, "x", Value::MakeArray())),
       "accreditation: unknown field \"scope.x\""},
      {With(a, "from", Value::Int(-1)),
       "accreditation: field \"from\": expected an unsigned integer"},
      {With(a, "until", Value::Uint(testing::k2025_01_01)),
       "accreditation: field \"until\": not after \"from\""},
      {With(a, "status", Value::Text("paused")),
       "accreditation: field \"status\": unknown status \"paused\""},
  };
  for (const Case& c : cases) {
    INFO(c.message);
    CHECK(DecodeError(c.body) == c.message);
  }
  // Optional key fields, and a withdrawn accreditation, are accepted.
  Result<RecordBody> revoked_key = DecodeRecordBody(
      With(keys({With(key, "revoked", Value::Uint(testing::k2025_06_30))}), "status",
           Value::Text("withdrawn")));
  REQUIRE(revoked_key.ok());
  const Accreditation& got = std::get<Accreditation>(*revoked_key);
  CHECK(got.keys[0].revoked == testing::k2025_06_30);
  CHECK(got.status == AccreditationStatus::kWithdrawn);
}

TEST_CASE("record decode: revocation fields", "[record]") {
  const Value r = BodyOf(testing::SampleRevocation());
  CHECK(DecodeError(Without(r, "by")) == "revocation: missing field \"by\"");
  CHECK(DecodeError(With(r, "reason", Value::Text("lost"))) ==
        "revocation: field \"reason\": unknown reason \"lost\"");
  CHECK(DecodeError(With(r, "at", Value::Text("now"))) ==
        "revocation: field \"at\": expected an unsigned integer");
  CHECK(DecodeError(With(r, "by", Value::Text("a b"))) ==
        "revocation: field \"by\": contains whitespace or a control character");
  CHECK(DecodeError(Without(r, "no")) == "revocation: missing field \"no\"");
  CHECK(DecodeError(With(r, "note", Value::Text("x"))) == "revocation: unknown field \"note\"");
  // Other reasons need no "by" but may name a corrected certificate.
  CHECK(DecodeRecordBody(With(Without(r, "by"), "reason", Value::Text("fraud"))).ok());
  CHECK(DecodeRecordBody(With(r, "reason", Value::Text("error"))).ok());
}

TEST_CASE("record decode: encoding refuses what decoding would refuse", "[record]") {
  Certificate c = testing::SampleSkillCertificate();
  c.issued = Date{2025, 2, 30};
  CHECK(EncodeRecordBody(c).status().message() ==
        "certificate: field \"issued\": \"2025-02-30\" is not a calendar date");
  c = testing::SampleSkillCertificate();
  c.occupation_name = std::string("\xe8\xbd", 2);  // truncated UTF-8
  CHECK(EncodeRecordBody(c).status().message() ==
        "certificate: field \"occ_name\": not valid UTF-8");
  c = testing::SampleSkillCertificate();
  c.series = "engineering";  // a title field on a skill certificate
  CHECK(EncodeRecordBody(c).status().message() == "certificate: unknown field \"series\"");
  c = testing::SampleSkillCertificate();
  c.level = Level::kIntermediate;
  CHECK(EncodeRecordBody(c).status().message() ==
        "certificate: field \"level\": unknown skill level \"intermediate\"");
  c = testing::SampleSkillCertificate();
  c.holder.erase("id");
  CHECK(EncodeRecordBody(c).status().message() == "certificate: missing field \"holder.id\"");
  Accreditation a = testing::SampleAccreditation();
  a.keys.clear();
  CHECK(SignRecord(a, testing::AccreditationClaims(), testing::Key1()).status().message() ==
        "accreditation: field \"keys\": no keys");
}

// A record with the parts of `golden` except those replaced; signed again
// with RFC 8032 TEST 1 when `resign` (so only the structure is wrong).
Bytes Rebuild(const Bytes& golden, std::optional<Bytes> prot, std::optional<Value> unprot,
              std::optional<Bytes> payload, bool resign = true) {
  Result<cose::Sign1> m = cose::ParseSign1(golden);
  REQUIRE(m.ok());
  Bytes p = prot ? *prot : m->protected_bytes;
  Bytes pl = payload ? *payload : m->payload;
  Bytes sig = m->signature;
  if (resign) {
    Signature s = testing::Key1().Sign(cose::SigStructure(p, {}, pl));
    sig.assign(s.begin(), s.end());
  }
  return cbor::Encode(Value::Tag(
      18, Value::MakeArray({Value::Bytes(p), unprot ? *unprot : m->unprotected_header,
                            Value::Bytes(pl), Value::Bytes(sig)})));
}

std::string ParseError(const Bytes& bytes) {
  Result<SignedRecord> r = ParseRecord(bytes);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kInvalidArgument);
  return r.status().message();
}

TEST_CASE("record decode: the envelope", "[record]") {
  Result<SignedRecord> signed_cert = SignRecord(testing::SampleSkillCertificate(),
                                                testing::CertificateClaims(), testing::Key1());
  REQUIRE(signed_cert.ok());
  const Bytes golden = signed_cert->bytes;
  const Bytes kid(signed_cert->kid.begin(), signed_cert->kid.end());
  REQUIRE(ParseRecord(Rebuild(golden, {}, {}, {})).ok());

  auto prot = [&](std::vector<std::pair<Value, Value>> entries) {
    Value m = Value::MakeMap();
    for (auto& [k, v] : entries) m.Set(k, v);
    return cbor::Encode(m);
  };
  Bytes untagged = golden;
  untagged.erase(untagged.begin());
  CHECK(ParseError(untagged) == "cose: missing COSE_Sign1 tag 18");
  CHECK(ParseError(Bytes(kMaxRecordBytes + 1, 0)) ==
        "record: 65522 bytes exceed the limit of 65521");
  CHECK(ParseError(Rebuild(golden, {}, With(Value::MakeMap(), "x", Value::Uint(1)), {})) ==
        "record: the unprotected header must be empty");
  CHECK(ParseError(Rebuild(golden, prot({{Value::Int(1), Value::Int(-8)},
                                         {Value::Int(3), Value::Uint(0)},
                                         {Value::Int(4), Value::Bytes(kid)}}),
                           {}, {})) ==
        "record: the protected header may hold only alg (1) and kid (4)");
  CHECK(ParseError(Rebuild(golden, prot({{Value::Int(1), Value::Int(-8)}}), {}, {})) ==
        "record: no kid in the protected header");
  CHECK(ParseError(Rebuild(golden, prot({{Value::Int(1), Value::Int(-8)},
                                         {Value::Int(4), Value::Bytes(Bytes(7, 1))}}),
                           {}, {})) == "record: kid must be 8 bytes, got 7");
  CHECK(ParseError(Rebuild(golden, prot({{Value::Int(1), Value::Int(-7)},
                                         {Value::Int(4), Value::Bytes(kid)}}),
                           {}, {})) ==
        "cose: unsupported algorithm -7 (only EdDSA -8 and Ed25519 -19)");
  // Payload: not deterministic CBOR (a non-shortest head), not a claims
  // set, a bad body, a cti that is not the number.
  CHECK(ParseError(Rebuild(golden, {}, {}, Bytes{0x18, 0x01})).rfind("record: payload: ", 0) ==
        0);
  CHECK(ParseError(Rebuild(golden, {}, {}, cbor::Encode(Value::MakeArray()))) ==
        "cwt: payload is not a map");
  Result<Value> claims = cbor::Decode(signed_cert->cose.payload);
  REQUIRE(claims.ok());
  Value extra_claim = *claims;
  extra_claim.Set(2, Value::Text("subject"));
  CHECK(ParseError(Rebuild(golden, {}, {}, cbor::Encode(extra_claim))) == "cwt: unknown claim 2");
  Value bad_body = *claims;
  bad_body.Set(-65537, With(*claims->Find(-65537), "level", Value::Text("9")));
  CHECK(ParseError(Rebuild(golden, {}, {}, cbor::Encode(bad_body))) ==
        "certificate: field \"level\": unknown skill level \"9\"");
  Value bad_cti = *claims;
  bad_cti.Set(7, Value::Bytes(ToBytes("Y000131000123251000125")));
  CHECK(ParseError(Rebuild(golden, {}, {}, cbor::Encode(bad_cti))) ==
        "record: cti is not the certificate number");
  // Ed25519 (-19) is accepted in place of EdDSA.
  Result<SignedRecord> alg19 = ParseRecord(Rebuild(
      golden, prot({{Value::Int(1), Value::Int(-19)}, {Value::Int(4), Value::Bytes(kid)}}), {},
      {}));
  REQUIRE(alg19.ok());
  CHECK(VerifyRecordSignature(*alg19, testing::Key1().public_key()).ok());
}

}  // namespace
}  // namespace certledger
