// Regulator findings (certledger/audit_findings.h) through AuditLocal on
// real ledgers: each finding is raised just past its threshold and not at
// it, and the statistics count what was logged.
#include <catch2/catch.hpp>

#include <cstdio>

#include "certledger/audit.h"
#include "certledger/audit_findings.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

// A ledger with three accredited bodies: "alpha-works" (key alpha),
// "beta-association" (key beta) and "gamma-institute" (key alpha2).
struct Fixture {
  World w;
  TempDir dir{"audit_findings"};
  std::unique_ptr<Ledger> ledger;
  std::uint64_t first_certificate = 3;  // the index after the accreditations

  explicit Fixture(std::uint64_t until = kT0 + 1000 * kDay,
                   std::uint64_t beta_until = kT0 + 1000 * kDay) {
    ledger = w.Open(dir.path());
    Accreditation alpha = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
    alpha.until = until;
    Accreditation beta = World::BodyAccreditation("beta-association", w.beta.key.public_key());
    beta.until = beta_until;
    Accreditation gamma = World::BodyAccreditation("gamma-institute", w.alpha2.key.public_key());
    Submit({w.Accredit(alpha), w.Accredit(beta), w.Accredit(gamma)});
  }

  // Submits `records` in order; each must be accepted.
  void Submit(std::vector<Bytes> records) {
    const std::size_t n = records.size();
    auto results = ledger->SubmitMany(std::move(records), 2);
    REQUIRE(results.size() == n);
    for (auto& r : results) {
      INFO(r.status().ToString());
      REQUIRE(r.ok());
    }
  }

  const NamedSecretKey& Key(const std::string& body) const {
    return body == "alpha-works" ? w.alpha : body == "beta-association" ? w.beta : w.alpha2;
  }

  // A certificate of `body` signed at `iat` (default: the ledger's clock).
  Bytes Certify(const std::string& body, const std::string& number,
                std::optional<std::uint64_t> iat = std::nullopt) {
    return w.Certify(number, Key(body), iat.value_or(w.now_ms / 1000), body);
  }

  AuditReport Audit(RegulatorOptions regulator = {}) {
    ledger.reset();
    AuditOptions options;
    options.regulator = regulator;
    Result<AuditReport> r = AuditLocal(dir.path(), w.Rules(), w.log.Public(), options);
    REQUIRE(r.ok());
    return std::move(*r);
  }
};

// A national skill number (numbering.h): Y, organisation `org`, province
// 31, site 000123, year 26, `level`, `serial`.
std::string Number(const std::string& org, std::uint64_t serial, char level = '1') {
  char text[32];
  std::snprintf(text, sizeof text, "Y%s3100012326%c%06llu", org.c_str(), level,
                static_cast<unsigned long long>(serial));
  return text;
}

std::vector<AuditFinding> Coded(const AuditReport& r, const std::string& code) {
  std::vector<AuditFinding> out;
  for (const AuditFinding& f : r.findings) {
    if (f.code == code) out.push_back(f);
  }
  return out;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

// Every finding is a regulator finding of `code`.
void RequireOnly(const AuditReport& r, const std::string& code, std::size_t n) {
  std::string all;
  for (const AuditFinding& f : r.findings) all += f.code + ": " + f.message + "\n";
  INFO(all);
  CHECK(r.finding_count == n);
  CHECK(r.regulator_finding_count == n);
  CHECK(Coded(r, code).size() == n);
}

}  // namespace

TEST_CASE("audit findings: the codes and the month in China time", "[audit][findings]") {
  for (const char* code : {"backdated", "issuance_surge", "near_accreditation_end",
                           "high_revocation_rate", "serial_out_of_sequence"}) {
    CHECK(IsRegulatorFindingCode(code));
  }
  CHECK_FALSE(IsRegulatorFindingCode("record_invalid"));
  CHECK_FALSE(IsRegulatorFindingCode("entry_corrupt"));
  // 2026-01-01T00:00:00Z is 08:00 in China (UTC+8): China's January began
  // eight hours earlier, at 2025-12-31T16:00:00Z.
  CHECK(ChinaMonthOf(kT0) == "2026-01");
  CHECK(ChinaMonthOf(kT0 - 8 * 3600) == "2026-01");
  CHECK(ChinaMonthOf(kT0 - 8 * 3600 - 1) == "2025-12");
  // 2026-02-28T16:00:00Z is March 1st in China (2026 is not a leap year).
  CHECK(ChinaMonthOf(kT0 + 58 * kDay + 16 * 3600 - 1) == "2026-02");
  CHECK(ChinaMonthOf(kT0 + 58 * kDay + 16 * 3600) == "2026-03");
}

TEST_CASE("audit findings: backdated beyond 30 days, not at exactly 30", "[audit][findings]") {
  Fixture f;
  f.w.now_ms = (kT0 + 60 * kDay) * 1000;
  const std::uint64_t now = f.w.now_ms / 1000;
  f.Submit({f.Certify("alpha-works", Number("0001", 1), now - 30 * kDay),
            f.Certify("alpha-works", Number("0001", 2), now - 30 * kDay - 1),
            f.Certify("alpha-works", Number("0001", 3), now - 5 * kDay)});
  {
    const AuditReport r = f.Audit();
    RequireOnly(r, "backdated", 1);
    const AuditFinding& b = r.findings.at(0);
    CHECK(b.index == f.first_certificate + 1);
    CHECK(b.subject == "entry 4");
    CHECK(Contains(b.message, "\"" + Number("0001", 2) + "\" of \"alpha-works\""));
    CHECK(Contains(b.message, "30.0 days before it was logged"));
    CHECK(r.certificates == 3);
    CHECK(r.statistics.bodies.at("alpha-works").certificates == 3);
  }
  {  // A lower threshold names the 5-day one too; but not the others.
    RegulatorOptions o;
    o.backdated_seconds = 5 * kDay - 1;
    Fixture g;
    g.w.now_ms = f.w.now_ms;
    g.Submit({g.Certify("alpha-works", Number("0001", 1), now - 5 * kDay),
              g.Certify("alpha-works", Number("0001", 2), now - 5 * kDay + 1)});
    const AuditReport r = g.Audit(o);
    RequireOnly(r, "backdated", 1);
    CHECK(r.findings.at(0).index == g.first_certificate);
  }
  {  // Turned off: no findings, the statistics stay.
    RegulatorOptions off;
    off.enabled = false;
    Fixture g;
    g.w.now_ms = f.w.now_ms;
    g.Submit({g.Certify("alpha-works", Number("0001", 1), now - 90 * kDay)});
    const AuditReport r = g.Audit(off);
    CHECK(r.ok());
    CHECK(r.statistics.bodies.at("alpha-works").certificates == 1);
  }
}

TEST_CASE("audit findings: issued within 14 days of the accreditation's end",
          "[audit][findings]") {
  // now = kT0 + 10 days; alpha's accreditation ends 14 days later exactly,
  // beta's one second after that.
  const std::uint64_t now = kT0 + 10 * kDay;
  Fixture f(now + 14 * kDay, now + 14 * kDay + 1);
  REQUIRE(f.w.now_ms == now * 1000);
  f.Submit({f.Certify("alpha-works", Number("0001", 1)),
            f.Certify("beta-association", Number("0002", 1))});
  const AuditReport r = f.Audit();
  RequireOnly(r, "near_accreditation_end", 1);
  CHECK(r.findings.at(0).index == f.first_certificate);
  CHECK(Contains(r.findings.at(0).message, "14.0 days before its body's accreditation ends"));

  // A certificate logged after the end cannot pass the log's rules; a
  // review fed one directly names it.
  RegulatorReview review;
  World w;
  Accreditation a = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  a.until = now;
  auto acc = ParseRecord(w.Accredit(a));
  REQUIRE(acc.ok());
  auto cert = ParseRecord(w.Certify(Number("0001", 1), w.alpha, now));
  REQUIRE(cert.ok());
  std::vector<AuditFinding> found;
  review.Add(0, kT0 * 1000, *acc, "", &found);
  review.Add(1, (now + 1) * 1000, *cert, "", &found);
  REQUIRE(found.size() == 1);
  CHECK(found[0].code == "near_accreditation_end");
  CHECK(Contains(found[0].message, "after the end of its body's accreditation"));
}

TEST_CASE("audit findings: a surge above 5 times the median month and at least 100",
          "[audit][findings]") {
  Fixture f;
  // Months (China time) 2026-01 .. 2026-04: alpha 10, 10, 10, 100 (a surge);
  // beta 10, 10, 10, 99 (below 100); gamma 30, 30, 30, 150 (exactly 5x).
  const std::vector<std::pair<std::string, std::vector<std::uint64_t>>> plan = {
      {"alpha-works", {10, 10, 10, 100}},
      {"beta-association", {10, 10, 10, 99}},
      {"gamma-institute", {30, 30, 30, 150}}};
  const std::map<std::string, std::string> org = {
      {"alpha-works", "0001"}, {"beta-association", "0002"}, {"gamma-institute", "0003"}};
  std::map<std::string, std::uint64_t> serial;
  for (int month = 0; month < 4; ++month) {
    f.w.now_ms = (kT0 + 10 * kDay + static_cast<std::uint64_t>(month) * 31 * kDay) * 1000;
    std::vector<Bytes> batch;
    for (const auto& [body, counts] : plan) {
      for (std::uint64_t i = 0; i < counts[month]; ++i) {
        batch.push_back(f.Certify(body, Number(org.at(body), ++serial[body])));
      }
    }
    f.Submit(std::move(batch));
  }
  const AuditReport r = f.Audit();
  RequireOnly(r, "issuance_surge", 1);
  const AuditFinding& s = r.findings.at(0);
  CHECK(s.subject == "body \"alpha-works\" month 2026-04");
  CHECK_FALSE(s.index.has_value());
  CHECK(Contains(s.message, "logged 100 certificates in 2026-04"));
  CHECK(Contains(s.message, "median 10 of its 3 previous months"));
  CHECK(r.statistics.by_month.at("2026-01") == 50);
  CHECK(r.statistics.by_month.at("2026-04") == 349);
  CHECK(r.statistics.bodies.at("gamma-institute").certificates == 240);

  {  // A lower minimum and factor make beta and gamma surge too.
    RegulatorOptions o;
    o.surge_min_certificates = 99;
    o.surge_factor = 4.9;
    const AuditReport again = [&] {
      AuditOptions options;
      options.regulator = o;
      auto a = AuditLocal(f.dir.path(), f.w.Rules(), f.w.log.Public(), options);
      REQUIRE(a.ok());
      return std::move(*a);
    }();
    CHECK(Coded(again, "issuance_surge").size() == 3);
    o.surge_min_history_months = 4;  // only three months before April
    AuditOptions options;
    options.regulator = o;
    auto none = AuditLocal(f.dir.path(), f.w.Rules(), f.w.log.Public(), options);
    REQUIRE(none.ok());
    CHECK(none->ok());
  }
}

TEST_CASE("audit findings: a revocation rate above 10% of at least 20 certificates",
          "[audit][findings]") {
  Fixture f;
  const std::map<std::string, std::string> org = {
      {"alpha-works", "0001"}, {"beta-association", "0002"}, {"gamma-institute", "0003"}};
  // alpha 20 issued, 3 revoked (15%); beta 20 issued, 2 revoked (10%, not
  // above); gamma 19 issued, 10 revoked (too few certificates).
  const std::vector<std::tuple<std::string, std::uint64_t, std::uint64_t>> plan = {
      {"alpha-works", 20, 3}, {"beta-association", 20, 2}, {"gamma-institute", 19, 10}};
  std::vector<Bytes> certificates, revocations;
  for (const auto& [body, issued, revoked] : plan) {
    for (std::uint64_t i = 1; i <= issued; ++i) {
      certificates.push_back(f.Certify(body, Number(org.at(body), i)));
    }
    for (std::uint64_t i = 1; i <= revoked; ++i) {
      revocations.push_back(f.w.Revoke(Number(org.at(body), i), f.Key(body),
                                       i % 2 ? RevocationReason::kError : RevocationReason::kFraud,
                                       std::nullopt, body));
    }
  }
  f.Submit(std::move(certificates));
  f.w.now_ms += 3600 * 1000;
  f.Submit(std::move(revocations));
  const AuditReport r = f.Audit();
  RequireOnly(r, "high_revocation_rate", 1);
  CHECK(r.findings.at(0).subject == "body \"alpha-works\"");
  CHECK(Contains(r.findings.at(0).message, "3 of its 20 certificates revoked: 15.0%"));
  CHECK(r.revocations == 15);
  CHECK(r.statistics.bodies.at("alpha-works").revoked == 3);
  CHECK(r.statistics.bodies.at("beta-association").revoked == 2);
  CHECK(r.statistics.bodies.at("gamma-institute").revoked == 10);
  // error: odd i (2 + 1 + 5), fraud: even i (1 + 1 + 5).
  CHECK(r.statistics.revocations_by_reason.at(RevocationReason::kError) == 8);
  CHECK(r.statistics.revocations_by_reason.at(RevocationReason::kFraud) == 7);
}

TEST_CASE("audit findings: serials going backwards or jumping more than 1000",
          "[audit][findings]") {
  Fixture f;
  f.Submit({
      f.Certify("alpha-works", Number("0001", 1)),     // 3
      f.Certify("alpha-works", Number("0001", 2)),     // 4
      f.Certify("alpha-works", Number("0001", 3)),     // 5
      f.Certify("alpha-works", Number("0001", 2, '2')),  // 6: another sequence (level 2)
      f.Certify("alpha-works", Number("0001", 1, '3')),  // 7: another (level 3)
      f.Certify("alpha-works", Number("0001", 7, '3')),  // 8
      f.Certify("alpha-works", Number("0001", 5, '3')),  // 9: backwards (after 7)
      f.Certify("alpha-works", Number("0001", 1003)),  // 10: +1000, allowed
      f.Certify("alpha-works", Number("0001", 2004)),  // 11: +1001
      f.Certify("alpha-works", Number("0001", 2005)),  // 12: on from 2004
      f.Certify("beta-association", Number("0001", 9)),  // 13: beta's own sequence
      f.Certify("alpha-works", "ALPHA-2026-000001"),   // 14: not a national number
      f.Certify("alpha-works", Number("0001", 2004, '2')),  // 15: level 2: +2002
  });
  const AuditReport r = f.Audit();
  RequireOnly(r, "serial_out_of_sequence", 3);
  const auto found = Coded(r, "serial_out_of_sequence");
  CHECK(found.at(0).index == 9u);
  CHECK(Contains(found.at(0).message, "has serial 5, not above serial 7 of entry 8"));
  CHECK(found.at(1).index == 11u);
  CHECK(Contains(found.at(1).message, "has serial 2004, 1001 above serial 1003 of entry 10"));
  CHECK(found.at(2).index == 15u);

  RegulatorOptions wide;
  wide.serial_max_gap = 2002;
  Fixture g;
  g.Submit({g.Certify("alpha-works", Number("0001", 1)),
            g.Certify("alpha-works", Number("0001", 2003)),
            g.Certify("alpha-works", Number("0001", 2003, '2')),
            g.Certify("alpha-works", Number("0001", 2003, '3'))});
  const AuditReport w = g.Audit(wide);
  CHECK(w.ok());
  CHECK(w.statistics.by_level.at(Level::kSkill1) == 4);
}

TEST_CASE("audit findings: statistics by occupation, series, level and month",
          "[audit][findings]") {
  Fixture f;
  const Certificate title = World::TitleCertificate("T-2026-0001", Level::kIntermediate,
                                                    "engineering", "Alpha engineering committee");
  f.Submit({f.w.Certify(Number("0001", 1), f.w.alpha, kT0 + 9 * kDay, "alpha-works",
                        Level::kSkill2),
            f.w.Certify(Number("0001", 2), f.w.alpha, kT0 + 9 * kDay, "alpha-works",
                        Level::kSkill1),
            f.w.Sign(title, f.w.alpha, kT0 + 9 * kDay, "alpha-works")});
  const AuditReport r = f.Audit();
  CHECK(r.ok());
  const AuditStatistics& s = r.statistics;
  CHECK(s.by_occupation.at("6-18-01-01") == 2);
  CHECK(s.occupation_names.at("6-18-01-01") == "车工");
  CHECK(s.by_series.at("engineering") == 1);
  CHECK(s.by_level.at(Level::kSkill2) == 1);
  CHECK(s.by_level.at(Level::kSkill1) == 1);
  CHECK(s.by_level.at(Level::kIntermediate) == 1);
  // now_ms is kT0 + 10 days: 2026-01-11 in China.
  CHECK(s.by_month.size() == 1);
  CHECK(s.by_month.at("2026-01") == 3);
  CHECK(s.bodies.size() == 3);  // every accredited body, even without certificates
  CHECK(s.bodies.at("alpha-works").name_zh == "测试机构");
  CHECK(s.bodies.at("beta-association").certificates == 0);
}

}  // namespace certledger::test
