// Records: golden bytes of each kind, round trips, and every rejection.
#include <catch2/catch.hpp>

#include <string>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/cose.h"
#include "certledger/disclosure.h"
#include "certledger/ed25519.h"
#include "certledger/record.h"
#include "record_fixtures.h"

namespace certledger {
namespace {

using cbor::Value;
using testing::Hex;

// The golden records below were produced by SignRecord from the fixtures in
// record_fixtures.h and then checked independently with Python, not with
// certledger: decoded with cbor2 5.4, re-encoded by a separate 30-line
// RFC 8949 section 4.2.1 encoder to the same bytes (so keys are in bytewise
// order and heads shortest), protected header {1: -8, 4: kid} with kid =
// SHA-256(RFC 8032 TEST 1 public key)[0:8] = h'21fe31dfa154a261' (hashlib),
// empty unprotected header, holder commitments equal to the hashlib values
// in disclosure_test.cpp, and the signature verified by the `cryptography`
// package (38.0) over ["Signature1", protected, h'', payload].
//
// In diagnostic notation, each is
//   18([<< {1: -8, 4: h'21fe31dfa154a261'} >>, {}, << claims >>, h'<64 bytes>'])
// with these claims:

// {1: "regulator-sh", 6: 1735689600, 7: h'000102030405060708090a0b0c0d0e0f',
//  -65537: {"k": "accreditation", "body": "S0001", "from": 1735689600,
//           "keys": [{"pk": h'3d4017c3...f12af4660c', "from": 1735689600,
//                     "until": 1893456000}],
//           "scope": {"levels": ["3", "2", "1"], "series": [],
//                     "occupations": ["6-18-01-01"]},
//           "until": 1893456000, "status": "active",
//           "name_en": "Example Skill Evaluation Centre",
//           "name_zh": "示例职业技能评价中心"}}
constexpr char kGoldenAccreditation[] =
    "d2844da20127044821fe31dfa154a261a0590132a4016c726567756c61746f722d736806"
    "1a677485800750000102030405060708090a0b0c0d0e0f3a00010000a9616b6d61636372"
    "656469746174696f6e64626f64796553303030316466726f6d1a67748580646b65797381"
    "a362706b58203d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4"
    "660c6466726f6d1a6774858065756e74696c1a70dbd8806573636f7065a3666c6576656c"
    "738361336132613166736572696573806b6f636375706174696f6e73816a362d31382d30"
    "312d303165756e74696c1a70dbd8806673746174757366616374697665676e616d655f65"
    "6e781f4578616d706c6520536b696c6c204576616c756174696f6e2043656e747265676e"
    "616d655f7a68781ee7a4bae4be8be8818ce4b89ae68a80e883bde8af84e4bbb7e4b8ade5"
    "bf83584032a420af9bb6490d05c5ae8d4a4cf437e0fa9f32a994c4f86b39abd9860c1b6b"
    "fea3051c334aa7946109e585b9211926972d5873b7b0ea4896350c97e6de7604";

// {1: "S0001", 6: 1751241600, 7: 'Y000131000123251000124',
//  -65537: {"k": "certificate", "no": "Y000131000123251000124",
//           "occ": "6-18-01-01", "type": "skill", "work": "--", "level": "1",
//           "route": "exam",
//           "holder": {"id": h'859884ff...4b1e7345', "name": h'6604feb6...5ae8d348'},
//           "issued": "2025-06-30", "project": "P-2025-0001",
//           "occ_name": "车工", "evaluated": "2025-06-15"}}
constexpr char kGoldenCertificate[] =
    "d2844da20127044821fe31dfa154a261a0590128a401655330303031061a6861d3800756"
    "593030303133313030303132333235313030303132343a00010000ac616b6b6365727469"
    "666963617465626e6f7659303030313331303030313233323531303030313234636f6363"
    "6a362d31382d30312d3031647479706565736b696c6c64776f726b622d2d656c6576656c"
    "613165726f757465646578616d66686f6c646572a26269645820859884ff331beaee4493"
    "9a872fd42d9a2af05fa701e3e256f91323134b1e7345646e616d6558206604feb6f395be"
    "1d3c21237585efc7d3f3014141e92f719c17dca5b15ae8d348666973737565646a323032"
    "352d30362d33306770726f6a6563746b502d323032352d30303031686f63635f6e616d65"
    "66e8bda6e5b7a5696576616c75617465646a323032352d30362d31355840158070c57909"
    "8477efc3c8db9963abd0cf29136ca4871d1205bd72f1448b3265f439e745498a3eea5309"
    "660a41c046c0db9fb4042c01ff41faf85e83d04f3f0e";

// {1: "S0001", 6: 1751328000, 7: h'a0a1a2a3a4a5a6a7a8a9aaabacadaeaf',
//  -65537: {"k": "revocation", "at": 1751328000,
//           "by": "Y000131000123251000125", "no": "Y000131000123251000124",
//           "reason": "superseded"}}
constexpr char kGoldenRevocation[] =
    "d2844da20127044821fe31dfa154a261a05881a401655330303031061a686325000750a0"
    "a1a2a3a4a5a6a7a8a9aaabacadaeaf3a00010000a5616b6a7265766f636174696f6e6261"
    "741a686325006262797659303030313331303030313233323531303030313235626e6f76"
    "5930303031333130303031323332353130303031323466726561736f6e6a737570657273"
    "656465645840aa7ea216d1ccda99710d707c370d61dffe9ddd3e938a04cca48befa5a4ab"
    "4e5c3148dbc8efc81c2f4fde3751135e71dc04e0ef0c5c45d05ade2a6e66d1749c0a";

// {1: "S0001", 6: 1751241600, 7: 'ENG-2025-000042',
//  -65537: {"k": "certificate", "no": "ENG-2025-000042", "type": "title",
//           "level": "deputy_senior", "route": "overseas",
//           "holder": {"id": h'859884ff...', "name": h'6604feb6...'},
//           "issued": "2025-06-30", "series": "engineering",
//           "expires": "2030-06-29", "foreign": "CIMA",
//           "committee": "示例工程系列高级职称评审委员会",
//           "evaluated": "2025-05-20", "specialty": "集成电路"}}
constexpr char kGoldenTitle[] =
    "d2844da20127044821fe31dfa154a261a0590172a401655330303031061a6861d380074f"
    "454e472d323032352d3030303034323a00010000ad616b6b636572746966696361746562"
    "6e6f6f454e472d323032352d3030303034326474797065657469746c65656c6576656c6d"
    "6465707574795f73656e696f7265726f757465686f7665727365617366686f6c646572a2"
    "6269645820859884ff331beaee44939a872fd42d9a2af05fa701e3e256f91323134b1e73"
    "45646e616d6558206604feb6f395be1d3c21237585efc7d3f3014141e92f719c17dca5b1"
    "5ae8d348666973737565646a323032352d30362d3330667365726965736b656e67696e65"
    "6572696e6767657870697265736a323033302d30362d323967666f726569676e6443494d"
    "4169636f6d6d6974746565782de7a4bae4be8be5b7a5e7a88be7b3bbe58897e9ab98e7ba"
    "a7e8818ce7a7b0e8af84e5aea1e5a794e59198e4bc9a696576616c75617465646a323032"
    "352d30352d3230697370656369616c74796ce99b86e68890e794b5e8b7af5840648b6013"
    "aa9ec0b63702e5825ec4a3ee01b7451b1a959bbd420470f3361a3354f8a3e036c54191d5"
    "3c5043ea4b6f34dd6fca6e4a07fc2fef340d0de738a27d02";

std::string SignedHex(const RecordBody& body, const cwt::Claims& claims) {
  Result<SignedRecord> r = SignRecord(body, claims, testing::Key1());
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return HexEncode(r->bytes);
}

TEST_CASE("record: golden accreditation", "[record]") {
  CHECK(SignedHex(testing::SampleAccreditation(), testing::AccreditationClaims()) ==
        kGoldenAccreditation);
}

TEST_CASE("record: golden certificate", "[record]") {
  CHECK(SignedHex(testing::SampleSkillCertificate(), testing::CertificateClaims()) ==
        kGoldenCertificate);
}

TEST_CASE("record: golden revocation", "[record]") {
  CHECK(SignedHex(testing::SampleRevocation(), testing::RevocationClaims()) ==
        kGoldenRevocation);
}

TEST_CASE("record: golden title certificate", "[record]") {
  CHECK(SignedHex(testing::SampleTitleCertificate(), testing::CertificateClaims()) ==
        kGoldenTitle);
}

TEST_CASE("record: golden records parse back to their values and verify", "[record]") {
  struct Golden {
    const char* hex;
    RecordBody body;
    cwt::Claims claims;
    RecordKind kind;
  };
  const Golden goldens[] = {
      {kGoldenAccreditation, testing::SampleAccreditation(), testing::AccreditationClaims(),
       RecordKind::kAccreditation},
      {kGoldenCertificate, testing::SampleSkillCertificate(), testing::CertificateClaims(),
       RecordKind::kCertificate},
      {kGoldenRevocation, testing::SampleRevocation(), testing::RevocationClaims(),
       RecordKind::kRevocation},
      {kGoldenTitle, testing::SampleTitleCertificate(), testing::CertificateClaims(),
       RecordKind::kCertificate},
  };
  SecretKey key = testing::Key1();
  for (const Golden& g : goldens) {
    Bytes bytes = Hex(g.hex);
    Result<SignedRecord> r = ParseRecord(bytes);
    INFO(r.status().ToString());
    REQUIRE(r.ok());
    CHECK(r->bytes == bytes);
    CHECK(r->kind == g.kind);
    CHECK(r->body == g.body);
    cwt::Claims expected_claims = g.claims;
    if (expected_claims.cti.empty()) expected_claims.cti = ToBytes(r->certificate()->number);
    CHECK(r->claims == expected_claims);
    CHECK(r->kid == key.public_key().Id());
    CHECK(VerifyRecordSignature(*r, key.public_key()).ok());
    // Another key is refused by kid before any signature check.
    Status other = VerifyRecordSignature(*r, SecretKey::Generate().public_key());
    CHECK(other.code() == StatusCode::kVerificationFailed);
    CHECK(other.reason() == "kid_mismatch");
  }
}

TEST_CASE("record: signature covers the exact bytes", "[record]") {
  Bytes bytes = Hex(kGoldenCertificate);
  SecretKey key = testing::Key1();
  // Flip one byte of the payload (inside a text field, so that the record
  // still parses) and of the signature: both no longer verify.
  Result<SignedRecord> good = ParseRecord(bytes);
  REQUIRE(good.ok());
  std::string hex = HexEncode(bytes);
  std::size_t pos = hex.find(HexEncode(AsBytes("P-2025-0001")));
  REQUIRE(pos != std::string::npos);
  Bytes payload_changed = bytes;
  payload_changed[pos / 2 + 2] ^= 0x01;  // "P-2025-0001" -> "P-3025-0001"
  Result<SignedRecord> tampered = ParseRecord(payload_changed);
  REQUIRE(tampered.ok());
  CHECK(tampered->certificate()->project == "P-3025-0001");
  Status s = VerifyRecordSignature(*tampered, key.public_key());
  CHECK(s.code() == StatusCode::kVerificationFailed);
  CHECK(s.reason() == "bad_signature");

  Bytes sig_changed = bytes;
  sig_changed.back() ^= 0x01;
  Result<SignedRecord> bad_sig = ParseRecord(sig_changed);
  REQUIRE(bad_sig.ok());
  CHECK(VerifyRecordSignature(*bad_sig, key.public_key()).reason() == "bad_signature");
}

TEST_CASE("record: SignRecord makes a random 16-byte cti for non-certificates", "[record]") {
  cwt::Claims claims = testing::RevocationClaims();
  claims.cti.clear();
  Result<SignedRecord> a = SignRecord(testing::SampleRevocation(), claims, testing::Key1());
  Result<SignedRecord> b = SignRecord(testing::SampleRevocation(), claims, testing::Key1());
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(a->claims.cti.size() == 16);
  CHECK(a->claims.cti != b->claims.cti);
  // A certificate's cti must be its number.
  cwt::Claims wrong = testing::CertificateClaims();
  wrong.cti = ToBytes("another number");
  CHECK(SignRecord(testing::SampleSkillCertificate(), wrong, testing::Key1())
            .status()
            .message() == "record: cti is not the certificate number");
  wrong = testing::RevocationClaims();
  wrong.cti = {1, 2, 3};
  CHECK(SignRecord(testing::SampleRevocation(), wrong, testing::Key1()).status().message() ==
        "record: cti of revocation must be 16 bytes, got 3");
}

// SignRecord assembles its result from the parts it encoded instead of
// parsing the bytes back; the two must be the same value, field by field.
void CheckSameAsParsed(const RecordBody& body, const cwt::Claims& claims) {
  Result<SignedRecord> made = SignRecord(body, claims, testing::Key1());
  REQUIRE(made.ok());
  Result<SignedRecord> parsed = ParseRecord(made->bytes);
  REQUIRE(parsed.ok());
  CHECK(made->bytes == parsed->bytes);
  CHECK(made->cose.protected_bytes == parsed->cose.protected_bytes);
  CHECK(made->cose.protected_header == parsed->cose.protected_header);
  CHECK(made->cose.unprotected_header == parsed->cose.unprotected_header);
  CHECK(made->cose.payload == parsed->cose.payload);
  CHECK(made->cose.signature == parsed->cose.signature);
  CHECK(made->cose.alg == parsed->cose.alg);
  CHECK(made->cose.tagged == parsed->cose.tagged);
  CHECK(made->kid == parsed->kid);
  CHECK(made->claims == parsed->claims);
  CHECK(made->kind == parsed->kind);
  CHECK(made->body == parsed->body);
  CHECK(VerifyRecordSignature(*made, testing::Key1().public_key()).ok());
}

TEST_CASE("record: SignRecord's value is what ParseRecord reads from its bytes", "[record]") {
  CheckSameAsParsed(testing::SampleAccreditation(), testing::AccreditationClaims());
  CheckSameAsParsed(testing::SampleSkillCertificate(), testing::CertificateClaims());
  CheckSameAsParsed(testing::SampleTitleCertificate(), testing::CertificateClaims());
  CheckSameAsParsed(testing::SampleRevocation(), testing::RevocationClaims());
  cwt::Claims with_exp = testing::CertificateClaims();
  with_exp.exp = with_exp.iat + 86400;
  CheckSameAsParsed(testing::SampleSkillCertificate(), with_exp);
}

TEST_CASE("record: SignRecord refuses a record over the size limit", "[record]") {
  Accreditation a = testing::SampleAccreditation();
  // About 70 KB of occupation codes: each is valid, the whole is too large.
  for (int i = 0; i < 7000; ++i) a.scope.occupations.push_back("6-18-01-" + std::to_string(i));
  Result<SignedRecord> r = SignRecord(a, testing::AccreditationClaims(), testing::Key1());
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().rfind("record: ", 0) == 0);
  CHECK(r.status().message().find("bytes exceed the limit of 65521") != std::string::npos);
}

TEST_CASE("record: display names and codes", "[record]") {
  CHECK(LevelNameZh(Level::kSkill1) == "一级/高级技师");
  CHECK(LevelNameEn(Level::kSkill1) == "Level 1 / Senior Technician");
  CHECK(LevelNameZh(Level::kDeputySenior) == "副高级");
  CHECK(LevelCode(Level::kApprentice) == "apprentice");
  CHECK(ParseLevel("chief") == Level::kChief);
  CHECK(ParseLevel("full_senior") == Level::kFullSenior);
  CHECK_FALSE(ParseLevel("9").has_value());
  CHECK(LevelType(Level::kChief) == CertificateType::kSkill);
  CHECK(LevelType(Level::kYuan) == CertificateType::kTitle);
  CHECK(RouteAllowed(CertificateType::kSkill, Route::kCompetition));
  CHECK(RouteAllowed(CertificateType::kTitle, Route::kCompetition));
  CHECK_FALSE(RouteAllowed(CertificateType::kSkill, Route::kReview));
  CHECK_FALSE(RouteAllowed(CertificateType::kTitle, Route::kExemption));
  CHECK(RouteAllowed(CertificateType::kTitle, Route::kSkillToTitle));
  CHECK(ParseRoute("green_channel") == Route::kGreenChannel);
  CHECK(CertificateTypeNameZh(CertificateType::kSkill) == "职业技能等级证书");
  CHECK(RevocationReasonCode(RevocationReason::kSuperseded) == "superseded");
}

TEST_CASE("record: dates are real calendar dates", "[record]") {
  CHECK(Date::Parse("2024-02-29").ok());
  CHECK(Date::Parse("2000-02-29").ok());
  CHECK(Date::Parse("2025-12-31").value().ToString() == "2025-12-31");
  CHECK(Date::Parse("2025-02-29").status().message() == "\"2025-02-29\" is not a calendar date");
  CHECK(Date::Parse("1900-02-29").status().message() == "\"1900-02-29\" is not a calendar date");
  CHECK_FALSE(Date::Parse("2025-04-31").ok());
  CHECK_FALSE(Date::Parse("2025-13-01").ok());
  CHECK_FALSE(Date::Parse("2025-00-10").ok());
  CHECK_FALSE(Date::Parse("0000-01-01").ok());
  CHECK(Date::Parse("2025-1-01").status().message() == "\"2025-1-01\" is not a date YYYY-MM-DD");
  CHECK_FALSE(Date::Parse("2025/01/01").ok());
  CHECK_FALSE(Date::Parse("2025-01-01T").ok());
  CHECK_FALSE(Date::Parse("+025-01-01").ok());
}

}  // namespace
}  // namespace certledger
