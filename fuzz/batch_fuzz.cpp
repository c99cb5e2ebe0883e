// Fuzzes PlanBatch (batch.h) on the input as a batch CSV file, with the
// example issuer profile (docs/examples/issuer.profile) and an empty
// issuer store made once. Property: rows come in line order.
#include <cstddef>
#include <cstdint>
#include <fstream>
#include <memory>
#include <sstream>
#include <stdexcept>

#include "certledger/batch.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "fuzz/fuzz_util.h"
#include "ledger/test_world.h"

namespace {

using namespace certledger;

struct Fixture {
  test::TempDir dir{"fuzz_batch"};
  IssuerProfile profile;
  std::unique_ptr<IssuerStore> store;
  BatchOptions options;

  Fixture() {
    std::ifstream in(CERTLEDGER_SOURCE_DIR "/docs/examples/issuer.profile");
    std::stringstream text;
    text << in.rdbuf();
    auto p = ParseIssuerProfile(text.str());
    if (!p.ok()) throw std::runtime_error(p.status().ToString());
    profile = std::move(*p);
    auto s = IssuerStore::Open(dir.path() + "/store");
    if (!s.ok()) throw std::runtime_error(s.status().ToString());
    store = std::move(*s);
    options.today = Date{2025, 12, 5};
    options.number_in_ledger = [](std::string_view number) { return number == "Y000131000123"; };
  }
};

Fixture* fixture = nullptr;

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static Fixture f;
  fixture = &f;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  const BatchPlan plan =
      PlanBatch(fuzz::AsText(data, size), fixture->profile, *fixture->store, fixture->options);
  std::size_t line = 0;
  for (const BatchRow& row : plan.rows) {
    fuzz::Require(row.line > line, "batch: rows out of line order");
    line = row.line;
  }
  for (const RowError& error : plan.errors) (void)error.ToString();
  return 0;
}
