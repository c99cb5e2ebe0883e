// A small world of keys and records for ledger tests: a regulator, a log,
// two certifying bodies, and builders for their records.
#ifndef CERTLEDGER_TESTS_LEDGER_TEST_WORLD_H_
#define CERTLEDGER_TESTS_LEDGER_TEST_WORLD_H_

#include <unistd.h>

#include <atomic>
#include <filesystem>
#include <string>

#include "certledger/disclosure.h"
#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/record.h"

namespace certledger::test {

inline NamedSecretKey KeyFromByte(const std::string& name, std::uint8_t b) {
  Bytes seed(32, b);
  return NamedSecretKey{name, std::move(SecretKey::FromSeed(seed)).value()};
}

// A temporary directory removed when the object dies.
class TempDir {
 public:
  explicit TempDir(const std::string& name) {
    static std::atomic<int> counter{0};
    path_ = (std::filesystem::temp_directory_path() /
             ("certledger_" + name + "_" + std::to_string(::getpid()) + "_" +
              std::to_string(counter++)))
                .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
  }
  ~TempDir() { std::filesystem::remove_all(path_); }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

inline constexpr std::uint64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
inline constexpr std::uint64_t kDay = 86400;

struct World {
  NamedSecretKey regulator = KeyFromByte("test-regulator", 1);
  NamedSecretKey log = KeyFromByte("test.example/log", 2);
  NamedSecretKey alpha = KeyFromByte("alpha-works", 3);    // body "alpha-works"
  NamedSecretKey beta = KeyFromByte("beta-association", 4);  // body "beta-association"
  NamedSecretKey alpha2 = KeyFromByte("alpha-works", 5);   // alpha's second key
  std::uint64_t now_ms = (kT0 + 10 * kDay) * 1000;

  LogRules Rules() const { return LogRules{regulator.Public(), 300}; }

  LedgerOptions Options(const std::string& path) {
    LedgerOptions o;
    o.path = path;
    o.rules = Rules();
    o.now_ms = [this] { return now_ms; };
    return o;
  }

  std::unique_ptr<Ledger> Open(const std::string& path) {
    auto l = Ledger::Open(Options(path), KeyFromByte(log.name, 2));
    if (!l.ok()) throw std::runtime_error(l.status().ToString());
    return std::move(*l);
  }

  static Accreditation BodyAccreditation(const std::string& body, const PublicKey& key) {
    Accreditation a;
    a.body = body;
    a.name_zh = "测试机构";
    a.name_en = "Test body";
    a.keys.push_back(AccreditedKey{key, kT0, std::nullopt, std::nullopt});
    a.scope.occupations = {"6-18-01-01"};
    a.scope.series = {"engineering"};
    a.scope.levels = {Level::kSkill3, Level::kSkill2, Level::kSkill1, Level::kIntermediate};
    a.from = kT0;
    a.until = kT0 + 1000 * kDay;
    return a;
  }

  Bytes Sign(const RecordBody& body, const NamedSecretKey& key, std::uint64_t iat,
             const std::string& iss = "") {
    auto r = SignRecord(body, cwt::Claims{iss.empty() ? key.name : iss, iat, std::nullopt, {}},
                        key.key);
    if (!r.ok()) throw std::runtime_error(r.status().ToString());
    return r->bytes;
  }

  Bytes Accredit(const Accreditation& a, std::uint64_t iat = kT0 + kDay) {
    return Sign(a, regulator, iat);
  }

  static Certificate SkillCertificate(const std::string& number,
                                      Level level = Level::kSkill1,
                                      const std::string& occupation = "6-18-01-01") {
    Certificate c;
    c.number = number;
    c.type = CertificateType::kSkill;
    c.level = level;
    c.route = Route::kExam;
    c.issued = Date{2026, 1, 10};
    c.evaluated = Date{2026, 1, 5};
    auto name = MakeDisclosureWithSalt(Bytes(16, 7), "name", "王建国");
    auto id = MakeDisclosureWithSalt(Bytes(16, 8), "id", "310101199001011234");
    c.holder = *CommitmentsOf({*name, *id});
    c.occupation = occupation;
    c.occupation_name = "车工";
    c.work_type = "--";
    c.project = "P-1";
    return c;
  }

  // A professional title by review in `series` (integrated circuits), with
  // SkillCertificate's holder and dates.
  static Certificate TitleCertificate(const std::string& number, Level level,
                                      const std::string& series, const std::string& committee) {
    Certificate c = SkillCertificate(number, level);
    c.type = CertificateType::kTitle;
    c.route = Route::kReview;
    c.occupation.clear();
    c.occupation_name.clear();
    c.work_type.clear();
    c.project.clear();
    c.series = series;
    c.specialty = "integrated circuits";
    c.committee = committee;
    return c;
  }

  Bytes Certify(const std::string& number, const NamedSecretKey& key,
                std::uint64_t iat = kT0 + 5 * kDay, const std::string& iss = "",
                Level level = Level::kSkill1, const std::string& occupation = "6-18-01-01") {
    return Sign(SkillCertificate(number, level, occupation), key, iat, iss);
  }

  Bytes Revoke(const std::string& number, const NamedSecretKey& key, RevocationReason reason,
               std::optional<std::string> by = std::nullopt, const std::string& iss = "") {
    Revocation r{number, reason, now_ms / 1000 - 60, std::move(by)};
    return Sign(r, key, now_ms / 1000 - 60, iss);
  }
};

// The accreditation of keys.example's shanghai-electric, for tests against a
// running server: `key` valid from a day before `now`, skill level 1 (三级)
// in occupation 6-18-01-01 (World::SkillCertificate's), for a year.
inline Accreditation ExampleBodyAccreditation(const PublicKey& key, std::uint64_t now) {
  Accreditation a;
  a.body = "shanghai-electric";
  a.name_zh = "上海电气集团股份有限公司";
  a.name_en = "Shanghai Electric Group Co., Ltd.";
  a.keys.push_back(AccreditedKey{key, now - 86400, std::nullopt, std::nullopt});
  a.scope.occupations = {"6-18-01-01"};
  a.scope.levels = {Level::kSkill1};
  a.from = now - 86400;
  a.until = now + 365 * 86400;
  return a;
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_LEDGER_TEST_WORLD_H_
