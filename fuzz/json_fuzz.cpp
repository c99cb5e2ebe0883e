// Fuzzes ParseJson (json_reader.h), the reader of the ledger's JSON
// answers when issuing into a remote ledger.
#include <cstddef>
#include <cstdint>

#include "certledger/json_reader.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  auto value = ParseJson(fuzz::AsText(data, size));
  if (!value.ok()) return 0;
  (void)value->String("error");
  (void)value->Uint("index");
  (void)value->Find("inclusion_proof");
  return 0;
}
