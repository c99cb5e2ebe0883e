// Fuzzes cose::ParseSign1 (cose.h), with and without the tag requirement,
// and VerifySign1 on what parses (the signature cannot verify for a fixed
// key; the point is that checking it is safe).
#include <cstddef>
#include <cstdint>

#include "certledger/cose.h"
#include "certledger/ed25519.h"
#include "fuzz/fuzz_util.h"
#include "ledger/test_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  static const NamedSecretKey key = test::KeyFromByte("fuzz", 9);
  const ByteView input(data, size);
  for (bool require_tag : {true, false}) {
    auto message = cose::ParseSign1(input, cose::ParseOptions{require_tag});
    if (!message.ok()) continue;
    (void)message->kid();
    fuzz::Require(message->signature.size() == 64, "cose: parsed a signature not of 64 bytes");
    fuzz::Require(!cose::VerifySign1(*message, key.key.public_key()).ok(),
                  "cose: a fuzzed message verified");
  }
  return 0;
}
