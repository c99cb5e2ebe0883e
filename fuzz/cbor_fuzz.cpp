// Fuzzes cbor::Decode (cbor.h) with the default limits. Property: the
// decoder accepts only deterministic CBOR (RFC 8949 section 4.2.1), so
// whatever it accepts encodes back to exactly the input bytes.
#include <cstddef>
#include <cstdint>

#include "certledger/cbor.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  const ByteView input(data, size);
  auto value = cbor::Decode(input);
  if (!value.ok()) return 0;
  const Bytes again = cbor::Encode(*value);
  fuzz::Require(again.size() == size && std::equal(again.begin(), again.end(), data),
                "cbor: a decoded value does not encode back to its input");
  return 0;
}
