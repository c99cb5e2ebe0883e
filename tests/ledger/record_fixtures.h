// Fixed keys, times and salts for the record tests (golden bytes depend on
// every value here: change nothing without regenerating and rechecking them).
#ifndef CERTLEDGER_TESTS_LEDGER_RECORD_FIXTURES_H_
#define CERTLEDGER_TESTS_LEDGER_RECORD_FIXTURES_H_

#include <catch2/catch.hpp>

#include <string_view>

#include "certledger/bytes.h"
#include "certledger/cwt.h"
#include "certledger/disclosure.h"
#include "certledger/ed25519.h"
#include "certledger/record.h"

namespace certledger::testing {

inline Bytes Hex(std::string_view hex) {
  Result<Bytes> b = HexDecode(hex);
  REQUIRE(b.ok());
  return *b;
}

// RFC 8032 section 7.1, TEST 1 secret key (seed).
inline SecretKey Key1() {
  Result<SecretKey> k =
      SecretKey::FromSeed(Hex("9d61b19deffd5a60ba844af492ec2cc44449c5697b326919703bac031cae7f60"));
  REQUIRE(k.ok());
  return std::move(k).value();
}

// RFC 8032 section 7.1, TEST 2 public key (an issuer key in the samples).
inline PublicKey Key2Public() {
  Result<PublicKey> k = PublicKey::FromBytes(
      Hex("3d4017c3e843895a92b70aa74d1b7ebc9c982ccf2ec4968cc0cd55f12af4660c"));
  REQUIRE(k.ok());
  return *k;
}

constexpr std::uint64_t k2025_01_01 = 1735689600;  // 2025-01-01T00:00:00Z
constexpr std::uint64_t k2030_01_01 = 1893456000;
constexpr std::uint64_t k2025_06_30 = 1751241600;
constexpr std::uint64_t k2025_07_01 = 1751328000;
constexpr char kNumber[] = "Y000131000123251000124";  // DOMAIN.md's example
constexpr char kNextNumber[] = "Y000131000123251000125";

inline Bytes Salt(std::uint8_t first) {
  Bytes salt;
  for (int i = 0; i < 16; ++i) salt.push_back(static_cast<std::uint8_t>(first + i));
  return salt;
}

inline std::vector<Disclosure> HolderDisclosures() {
  Result<Disclosure> name = MakeDisclosureWithSalt(Salt(0x00), "name", "张三");
  Result<Disclosure> id = MakeDisclosureWithSalt(Salt(0x00), "id", "310101199001011234");
  REQUIRE(name.ok());
  REQUIRE(id.ok());
  return {*name, *id};
}

inline Accreditation SampleAccreditation() {
  Accreditation a;
  a.body = "S0001";
  a.name_zh = "示例职业技能评价中心";
  a.name_en = "Example Skill Evaluation Centre";
  a.keys.push_back({Key2Public(), k2025_01_01, k2030_01_01, std::nullopt});
  a.scope.occupations = {"6-18-01-01"};
  a.scope.levels = {Level::kSkill3, Level::kSkill2, Level::kSkill1};
  a.from = k2025_01_01;
  a.until = k2030_01_01;
  a.status = AccreditationStatus::kActive;
  return a;
}

inline cwt::Claims AccreditationClaims() {
  cwt::Claims c;
  c.iss = "regulator-sh";
  c.iat = k2025_01_01;
  c.cti = Salt(0x00);
  return c;
}

inline Certificate SampleSkillCertificate() {
  Certificate c;
  c.number = kNumber;
  c.type = CertificateType::kSkill;
  c.level = Level::kSkill1;
  c.route = Route::kExam;
  c.issued = {2025, 6, 30};
  c.evaluated = {2025, 6, 15};
  Result<Commitments> holder = CommitmentsOf(HolderDisclosures());
  REQUIRE(holder.ok());
  c.holder = *holder;
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "--";
  c.project = "P-2025-0001";
  return c;
}

inline Certificate SampleTitleCertificate() {
  Certificate c;
  c.number = "ENG-2025-000042";
  c.type = CertificateType::kTitle;
  c.level = Level::kDeputySenior;
  c.route = Route::kOverseas;
  c.issued = {2025, 6, 30};
  c.evaluated = {2025, 5, 20};
  c.expires = Date{2030, 6, 29};
  Result<Commitments> holder = CommitmentsOf(HolderDisclosures());
  REQUIRE(holder.ok());
  c.holder = *holder;
  c.series = "engineering";
  c.specialty = "集成电路";
  c.committee = "示例工程系列高级职称评审委员会";
  c.foreign = "CIMA";
  return c;
}

inline cwt::Claims CertificateClaims() {
  cwt::Claims c;
  c.iss = "S0001";
  c.iat = k2025_06_30;
  return c;  // cti: the number, filled in by SignRecord
}

inline Revocation SampleRevocation() {
  Revocation r;
  r.number = kNumber;
  r.reason = RevocationReason::kSuperseded;
  r.at = k2025_07_01;
  r.by = kNextNumber;
  return r;
}

inline cwt::Claims RevocationClaims() {
  cwt::Claims c;
  c.iss = "S0001";
  c.iat = k2025_07_01;
  c.cti = Salt(0xa0);
  return c;
}

}  // namespace certledger::testing

#endif  // CERTLEDGER_TESTS_LEDGER_RECORD_FIXTURES_H_
