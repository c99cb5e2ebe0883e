// Fuzz regressions of the issuer's decoders: every input under
// tests/fuzz_regressions/{csv,batch}/ (crashes fuzz/csv_fuzz.cpp and
// fuzz/batch_fuzz.cpp once found, fixed since) goes to the same decoder,
// and the properties the fuzz target checks must hold (fuzz/README.md).
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <vector>

#include "certledger/batch.h"
#include "certledger/csv.h"
#include "issuer_test_util.h"

namespace certledger {
namespace {

std::vector<std::string> RegressionInputs(const std::string& target) {
  const std::filesystem::path dir =
      std::filesystem::path(CERTLEDGER_SOURCE_DIR) / "tests" / "fuzz_regressions" / target;
  std::vector<std::filesystem::path> files;
  if (std::filesystem::is_directory(dir)) {
    for (const auto& entry : std::filesystem::directory_iterator(dir)) {
      if (entry.is_regular_file()) files.push_back(entry.path());
    }
  }
  std::sort(files.begin(), files.end());
  std::vector<std::string> inputs;
  for (const auto& file : files) inputs.push_back(issuer_test::Slurp(file.string()));
  return inputs;
}

// csv_fuzz's properties: records have fields; records and errors are in
// line order.
void CheckCsv(const CsvDocument& document) {
  std::size_t line = 0;
  for (const CsvRecord& record : document.records) {
    CHECK_FALSE(record.fields.empty());
    CHECK(record.line > line);
    line = record.line;
  }
  line = 0;
  for (const CsvError& error : document.errors) {
    INFO(error.ToString());
    CHECK(error.line >= line);
    line = error.line;
  }
}

TEST_CASE("fuzz regressions: csv", "[issuer][csv][fuzz]") {
  const std::vector<std::string> inputs = RegressionInputs("csv");
  CHECK_FALSE(inputs.empty());
  for (const std::string& input : inputs) CheckCsv(ParseCsv(input));
}

// The first crash of csv_fuzz, written small: a quoted field spanning two
// lines, with invalid UTF-8 and text after its closing quote. Its errors
// come in file order (csv.h): the UTF-8 one at the field's first line
// before the one at its closing quote.
TEST_CASE("csv: errors of a multi-line field come in line order", "[issuer][csv][fuzz]") {
  const CsvDocument d = ParseCsv("\"\xFF\n\"x\r\n");
  REQUIRE(d.errors.size() == 2);
  CHECK(d.errors[0] ==
        CsvError{1, 1, "invalid UTF-8 (byte 0xFF); save the file as UTF-8, not GBK"});
  CHECK(d.errors[1] == CsvError{2, 1, "text after a closing quote"});
  CheckCsv(d);
}

TEST_CASE("fuzz regressions: batch", "[issuer][fuzz]") {
  issuer_test::TempDir dir("fuzz_batch");
  auto store = IssuerStore::Open(dir.path() + "/store");
  REQUIRE(store.ok());
  const IssuerProfile profile = issuer_test::Profile();
  BatchOptions options;
  options.today = issuer_test::kToday;
  for (const std::string& input : RegressionInputs("batch")) {
    const BatchPlan plan = PlanBatch(input, profile, **store, options);
    std::size_t line = 0;
    for (const BatchRow& row : plan.rows) {
      CHECK(row.line > line);
      line = row.line;
    }
  }
}

}  // namespace
}  // namespace certledger
