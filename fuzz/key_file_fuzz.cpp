// Fuzzes the key string readers: ParseVerifierKey and ParseSignerKey
// (key_file.h) and ParseWitnessVerifierKey (cosignature.h). Property: a
// verifier key that parses formats back to exactly its input.
#include <cstddef>
#include <cstdint>

#include "certledger/cosignature.h"
#include "certledger/key_file.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  const std::string_view input = fuzz::AsText(data, size);
  auto key = ParseVerifierKey(input);
  if (key.ok()) {
    auto formatted = FormatVerifierKey(*key);
    fuzz::Require(formatted.ok() && *formatted == input,
                  "key_file: a verifier key does not format back to its input");
  }
  (void)ParseSignerKey(input);
  (void)ParseWitnessVerifierKey(input);
  return 0;
}
