// Helpers for the audit tests: a sample ledger with a realistic mix of
// records (changes at rest are made with raw_db.h).
#ifndef CERTLEDGER_TESTS_LEDGER_AUDIT_TEST_UTIL_H_
#define CERTLEDGER_TESTS_LEDGER_AUDIT_TEST_UTIL_H_

#include <map>
#include <stdexcept>
#include <string>
#include <vector>

#include "certledger/ledger.h"
#include "ledger/raw_db.h"
#include "ledger/test_world.h"

namespace certledger::test {

// ----------------------------------------------------------- sample ledger

// The sample ledger, 600 entries:
//   0, 1      accreditations of "alpha-works" (key alpha) and
//   "beta-association" 2..301    certificates, even indexes by alpha, odd by
//   beta 302       a new accreditation of alpha with keys alpha and alpha2
//   303..597  certificates, odd indexes by alpha2, even by beta
//   598       alpha revokes its certificate of entry 2
//   599       the regulator revokes beta's certificate of entry 3
// 600 = two full level-0 tiles, a partial one of width 88, and a partial
// level-1 tile of width 2.
struct SampleLedger {
  std::map<std::uint64_t, std::string> numbers;  // certificate entry -> number
};

inline constexpr std::uint64_t kSampleSize = 600;

inline std::string SampleNumber(std::uint64_t index) {
  return "Y2601" + std::to_string(1000000 + index);
}

inline SampleLedger BuildSampleLedger(World& w, const std::string& path) {
  SampleLedger sample;
  auto ledger = w.Open(path);
  const auto submit_all = [&](std::vector<Bytes> records, std::uint64_t first) {
    auto results = ledger->SubmitMany(std::move(records), 2);
    for (std::size_t i = 0; i < results.size(); ++i) {
      if (!results[i].ok() || results[i]->index != first + i) {
        throw std::runtime_error("sample ledger: entry " + std::to_string(first + i) + ": " +
                                 results[i].status().ToString());
      }
    }
  };
  submit_all({w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key())),
              w.Accredit(World::BodyAccreditation("beta-association", w.beta.key.public_key()))},
             0);
  w.now_ms += 3600 * 1000;
  std::vector<Bytes> batch;
  for (std::uint64_t i = 2; i < 302; ++i) {
    sample.numbers[i] = SampleNumber(i);
    batch.push_back(w.Certify(sample.numbers[i], i % 2 == 0 ? w.alpha : w.beta));
  }
  submit_all(std::move(batch), 2);
  w.now_ms += 3600 * 1000;
  Accreditation again = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  again.keys.push_back(AccreditedKey{w.alpha2.key.public_key(), kT0, std::nullopt, std::nullopt});
  submit_all({w.Accredit(again, kT0 + 9 * kDay)}, 302);
  w.now_ms += 3600 * 1000;
  batch.clear();
  for (std::uint64_t i = 303; i < 598; ++i) {
    sample.numbers[i] = SampleNumber(i);
    batch.push_back(w.Certify(sample.numbers[i], i % 2 == 1 ? w.alpha2 : w.beta));
  }
  submit_all(std::move(batch), 303);
  w.now_ms += 3600 * 1000;
  submit_all({w.Revoke(sample.numbers[2], w.alpha, RevocationReason::kFraud),
              w.Revoke(sample.numbers[3], w.regulator, RevocationReason::kError)},
             598);
  return sample;
}

// The sample ledger in a temporary directory, built once per test process
// and never changed; tests audit or change copies of it.
struct GoldenSample {
  World w;
  TempDir dir{"audit_golden"};
  std::string path = dir.path() + "/db";
  SampleLedger sample = BuildSampleLedger(w, path);
};

inline GoldenSample& GoldenSampleLedger() {
  static GoldenSample golden;
  return golden;
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_LEDGER_AUDIT_TEST_UTIL_H_
