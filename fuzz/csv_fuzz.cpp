// Fuzzes ParseCsv (csv.h). Properties: every record has at least one
// field, and records and errors come in line order.
#include <cstddef>
#include <cstdint>

#include "certledger/csv.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  const CsvDocument document = ParseCsv(fuzz::AsText(data, size));
  std::size_t line = 0;
  for (const CsvRecord& record : document.records) {
    fuzz::Require(!record.fields.empty(), "csv: a record without fields");
    fuzz::Require(record.line > line, "csv: records out of line order");
    line = record.line;
  }
  line = 0;
  for (const CsvError& error : document.errors) {
    fuzz::Require(error.line >= line, "csv: errors out of line order");
    line = error.line;
    (void)error.ToString();
  }
  return 0;
}
