// Fuzzes the record decoders (record.h): ParseRecord on the whole input
// (a COSE_Sign1 record), then VerifyRecordSignature on what parses; and,
// so that the fuzzer reaches the body checks without forging a COSE
// envelope, cbor::Decode + DecodeRecordBody on the input as a bare body.
#include <cstddef>
#include <cstdint>

#include "certledger/cbor.h"
#include "certledger/record.h"
#include "fuzz/fuzz_util.h"
#include "ledger/test_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  static const NamedSecretKey key = test::KeyFromByte("alpha-works", 3);
  const ByteView input(data, size);
  auto record = ParseRecord(input);
  if (record.ok()) {
    (void)KindOf(record->body);
    (void)VerifyRecordSignature(*record, key.key.public_key());
  }
  auto value = cbor::Decode(input);
  if (value.ok()) {
    auto body = DecodeRecordBody(*value);
    if (body.ok()) {
      // What decodes must encode again (the encoder's checks are the
      // decoder's).
      auto encoded = EncodeRecordBody(*body);
      fuzz::Require(encoded.ok(), "record: a decoded body does not encode");
    }
  }
  return 0;
}
