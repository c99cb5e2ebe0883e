// A ledger for the audit report tests (CLI and browser): three bodies over
// four months (China time) with skill certificates and professional titles,
// revocations, and exactly four regulator findings, built with the ledger
// library and the test world; the regulator's and the log's public keys
// are written beside it.
#ifndef CERTLEDGER_TESTS_CLI_AUDIT_REPORT_FIXTURE_H_
#define CERTLEDGER_TESTS_CLI_AUDIT_REPORT_FIXTURE_H_

#include <cstdio>
#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/ledger.h"
// Before test_world.h: its class TempDir must be declared after
// cli_test_util.h's function TempDir, or GCC's -Wshadow objects.
#include "cli/cli_test_util.h"
#include "ledger/test_world.h"

namespace certledger::test {

struct AuditReportLedger {
  std::string data;           // the ledger directory
  std::string regulator_pub;  // key files
  std::string log_pub;
  // What was logged, by construction:
  std::map<std::string, std::uint64_t> certificates;  // body -> certificates
  std::map<std::string, std::uint64_t> revoked;       // body -> revoked
  std::map<std::string, std::uint64_t> by_month;      // "YYYY-MM" -> certificates
  std::uint64_t titles = 0;
  // A name with characters HTML must escape.
  std::string alpha_name_zh = "上海阿尔法机械有限公司 <测试&转义>";
};

inline std::string AuditReportNumber(const std::string& org, char level, std::uint64_t serial) {
  char text[32];
  std::snprintf(text, sizeof text, "Y%s3100012326%c%06llu", org.c_str(), level,
                static_cast<unsigned long long>(serial));
  return text;
}

// Builds the ledger under `dir`. The findings it holds:
//   issuance_surge          alpha: 10, 10, 10, then 100 certificates in 2026-04
//   backdated               one of beta's, signed 45 days before it was logged
//   serial_out_of_sequence  beta's last, 5000 above the serial before it
//   high_revocation_rate    beta: 6 of its 46 certificates revoked
inline AuditReportLedger BuildAuditReportLedger(const std::string& dir) {
  World w;
  AuditReportLedger out;
  out.data = dir + "/ledger";
  out.regulator_pub = dir + "/regulator.pub";
  out.log_pub = dir + "/log.pub";
  if (!WritePublicKeyFile(out.regulator_pub, w.regulator.Public()).ok() ||
      !WritePublicKeyFile(out.log_pub, w.log.Public()).ok()) {
    throw std::runtime_error("cannot write the key files");
  }
  auto ledger = w.Open(out.data);
  const auto submit = [&](std::vector<Bytes> records) {
    auto results = ledger->SubmitMany(std::move(records), 2);
    for (auto& r : results) {
      if (!r.ok()) throw std::runtime_error("audit report ledger: " + r.status().ToString());
    }
  };

  Accreditation alpha = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  alpha.name_zh = out.alpha_name_zh;
  alpha.name_en = "Alpha Works Co., Ltd.";
  alpha.scope.occupations = {"6-18-01-01", "6-29-03-01"};
  Accreditation beta = World::BodyAccreditation("beta-association", w.beta.key.public_key());
  beta.name_zh = "贝塔燃气行业协会";
  beta.name_en = "Beta Gas Industry Association";
  Accreditation gamma = World::BodyAccreditation("gamma-institute", w.alpha2.key.public_key());
  gamma.name_zh = "伽马工程职称评审委员会";
  gamma.name_en = "Gamma Engineering Title Committee";
  gamma.scope.series = {"engineering", "accounting"};
  gamma.scope.levels = {Level::kIntermediate, Level::kDeputySenior};
  submit({w.Accredit(alpha), w.Accredit(beta), w.Accredit(gamma)});

  std::map<std::string, std::uint64_t> serial;  // org + level -> last serial
  const auto skill = [&](const std::string& body, const NamedSecretKey& key,
                         const std::string& org, Level level, const std::string& occupation,
                         std::uint64_t iat) {
    const char c = LevelCode(level)[0];
    const std::uint64_t n = ++serial[org + c];
    Certificate cert = World::SkillCertificate(AuditReportNumber(org, c, n), level, occupation);
    if (occupation == "6-29-03-01") cert.occupation_name = "焊工";
    ++out.certificates[body];
    return w.Sign(cert, key, iat, body);
  };
  const std::vector<std::uint64_t> alpha_months = {10, 10, 10, 100};
  const std::vector<std::uint64_t> beta_months = {12, 8, 15, 9};
  const Level levels[] = {Level::kSkill3, Level::kSkill2, Level::kSkill1};
  for (int month = 0; month < 4; ++month) {
    w.now_ms = (kT0 + 10 * kDay + static_cast<std::uint64_t>(month) * 31 * kDay) * 1000;
    const std::uint64_t now = w.now_ms / 1000;
    const std::string month_text = "2026-0" + std::to_string(month + 1);
    std::vector<Bytes> batch;
    for (std::uint64_t i = 0; i < alpha_months[month]; ++i) {
      batch.push_back(skill("alpha-works", w.alpha, "0001", levels[i % 3],
                            i % 4 == 0 ? "6-29-03-01" : "6-18-01-01", now - kDay));
    }
    for (std::uint64_t i = 0; i < beta_months[month]; ++i) {
      batch.push_back(skill("beta-association", w.beta, "0002", levels[(i + 1) % 3],
                            "6-18-01-01", now - 2 * kDay));
    }
    for (std::uint64_t i = 0; i < 5; ++i) {
      const Certificate title = World::TitleCertificate(
          "GT-2026-" + std::to_string(month) + std::to_string(i),
          i % 2 ? Level::kIntermediate : Level::kDeputySenior,
          i % 3 == 0 ? "accounting" : "engineering", "伽马工程职称评审委员会");
      batch.push_back(w.Sign(title, w.alpha2, now - kDay, "gamma-institute"));
      ++out.certificates["gamma-institute"];
      ++out.titles;
    }
    out.by_month[month_text] = alpha_months[month] + beta_months[month] + 5;
    submit(std::move(batch));
  }
  // April, continued: beta's backdated certificate, then its stray serial.
  const std::uint64_t now = w.now_ms / 1000;
  submit({skill("beta-association", w.beta, "0002", Level::kSkill3, "6-18-01-01",
                now - 45 * kDay)});
  serial[std::string("0002") + '3'] += 4999;
  submit({skill("beta-association", w.beta, "0002", Level::kSkill3, "6-18-01-01", now)});
  out.by_month["2026-04"] += 2;
  // Beta revokes 6 of its 46 certificates (13%).
  w.now_ms += 3600 * 1000;
  std::vector<Bytes> revocations;
  for (std::uint64_t n = 1; n <= 6; ++n) {
    revocations.push_back(w.Revoke(AuditReportNumber("0002", '2', n), w.beta,
                                   n % 2 ? RevocationReason::kError : RevocationReason::kFraud,
                                   std::nullopt, "beta-association"));
  }
  submit(std::move(revocations));
  out.revoked["beta-association"] = 6;
  return out;
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_CLI_AUDIT_REPORT_FIXTURE_H_
