// Shared pieces of the issuer tests: keys, a ledger with an accredited
// body, a profile, CSV rows, temporary directories.
#ifndef CERTLEDGER_TESTS_ISSUER_ISSUER_TEST_UTIL_H_
#define CERTLEDGER_TESTS_ISSUER_ISSUER_TEST_UTIL_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <fstream>
#include <map>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "certledger/batch.h"
#include "certledger/certificate_rules.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/record.h"
#include "certledger/record_sink.h"
#include "ledger/test_world.h"

namespace certledger::issuer_test {

// Shared with the ledger tests.
using certledger::test::KeyFromByte;
using certledger::test::TempDir;

// 2026-01-10 in China; the clock of every test here.
inline constexpr std::uint64_t kNow = 1768003200 + 12 * 3600;  // 2026-01-10T12:00:00Z
inline const Date kToday{2026, 1, 10};

// Reads a whole file (binary).
inline std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Every byte of every regular file under `dir`, concatenated.
inline std::string AllBytesUnder(const std::string& dir) {
  std::string out;
  for (const auto& e : std::filesystem::recursive_directory_iterator(dir)) {
    if (e.is_regular_file()) out += Slurp(e.path().string());
  }
  return out;
}

inline IssuerProfile Profile() {
  auto p = ParseIssuerProfile(
      "body = alpha-works\n"
      "org_type = Y\norg_code = 0001\nprovince = 31\nsite = 000123\n"
      "committee_code = AWGC\ncommittee_name = 阿尔法工程技术职称评审委员会\n"
      "title_pattern = {committee}-{year}-{serial:6}\n"
      "base_url = https://verify.example.cn\n");
  if (!p.ok()) throw std::runtime_error(p.status().ToString());
  return *p;
}

// The regulator, the log, the body "alpha-works", and a ledger where the
// body is accredited for 6-18-01-01 (levels 3, 2, 1) and series
// engineering (中级, 副高级).
struct World {
  NamedSecretKey regulator = KeyFromByte("test-regulator", 1);
  NamedSecretKey alpha = KeyFromByte("alpha-works", 3);
  std::uint64_t now_ms = kNow * 1000;

  Accreditation AlphaAccreditation() const {
    Accreditation a;
    a.body = "alpha-works";
    a.name_zh = "阿尔法工厂";
    a.name_en = "Alpha Works";
    a.keys.push_back(AccreditedKey{alpha.key.public_key(), kNow - 100 * 86400, std::nullopt,
                                   std::nullopt});
    a.scope.occupations = {"6-18-01-01"};
    a.scope.series = {"engineering"};
    a.scope.levels = {Level::kSkill3, Level::kSkill2, Level::kSkill1, Level::kIntermediate,
                      Level::kDeputySenior};
    a.from = kNow - 100 * 86400;
    a.until = kNow + 1000 * 86400;
    return a;
  }

  std::unique_ptr<Ledger> OpenLedger(const std::string& path) {
    LedgerOptions o;
    o.path = path;
    o.rules = LogRules{regulator.Public(), 300};
    o.now_ms = [this] { return now_ms; };
    auto l = Ledger::Open(std::move(o), KeyFromByte("test.example/log", 2));
    if (!l.ok()) throw std::runtime_error(l.status().ToString());
    return std::move(*l);
  }

  // A ledger with the accreditation logged.
  std::unique_ptr<Ledger> AccreditedLedger(const std::string& path) {
    auto ledger = OpenLedger(path);
    auto record = SignRecord(AlphaAccreditation(),
                             cwt::Claims{regulator.name, kNow - 3600, std::nullopt, {}},
                             regulator.key);
    if (!record.ok()) throw std::runtime_error(record.status().ToString());
    auto r = ledger->Submit(record->bytes);
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return ledger;
  }
};

// CSV rows built from named fields.
inline const std::vector<std::string> kHeader = {
    "type",    "name",      "id_type",   "id_number", "level",    "route",  "occupation",
    "occupation_name", "work_type", "project", "series", "specialty", "foreign", "evaluated",
    "issued",  "expires",   "number",    "supersedes"};

using Row = std::map<std::string, std::string>;

// A valid skill row: 310101199001011234 is valid under GB 11643 (its check
// digit recomputed independently in certificate_rules_test.cpp).
inline Row SkillRow() {
  return {{"type", "skill"},          {"name", "王建国"},          {"id_number", "310101199001011234"},
          {"level", "一级/高级技师"}, {"route", "考核评价"},       {"occupation", "6-18-01-01"},
          {"occupation_name", "车工"}, {"work_type", "--"},          {"project", "AW-2025-07"},
          {"evaluated", "2025-12-20"}, {"issued", "2026-01-05"}};
}

inline Row TitleRow() {
  return {{"type", "title"},          {"name", "陈志强"},     {"id_number", "310228197811200076"},
          {"level", "副高级"},        {"route", "review"},    {"series", "engineering"},
          {"specialty", "集成电路"}, {"evaluated", "2025-12-15"}, {"issued", "2026-01-05"}};
}

inline Row With(Row row, const std::string& field, const std::string& value) {
  row[field] = value;
  return row;
}

inline std::string CsvField(const std::string& v) {
  if (v.find_first_of(",\"\r\n") == std::string::npos) return v;
  std::string out = "\"";
  for (char c : v) {
    if (c == '"') out += '"';
    out += c;
  }
  return out + "\"";
}

inline std::string Csv(const std::vector<Row>& rows,
                       const std::vector<std::string>& header = kHeader) {
  std::string out;
  for (std::size_t i = 0; i < header.size(); ++i) out += (i ? "," : "") + header[i];
  out += "\r\n";
  for (const Row& r : rows) {
    for (std::size_t i = 0; i < header.size(); ++i) {
      auto it = r.find(header[i]);
      out += (i ? "," : "") + CsvField(it == r.end() ? "" : it->second);
    }
    out += "\r\n";
  }
  return out;
}

inline BatchOptions Options() {
  BatchOptions o;
  o.today = kToday;
  return o;
}

inline IssueOptions Issue(const std::string& out_dir) {
  IssueOptions o;
  o.body = "alpha-works";
  o.now = kNow;
  o.out_dir = out_dir;
  o.base_url = "https://verify.example.cn";
  o.threads = 2;
  return o;
}

}  // namespace certledger::issuer_test

#endif  // CERTLEDGER_TESTS_ISSUER_ISSUER_TEST_UTIL_H_
