// Fuzzes DecodeQrText and QrUrlBase (qr_payload.h). The first input byte
// picks what the rest is:
//   't'  scanned text as is (a URL or a bare payload)
//   else the payload's CBOR, which is compressed and base64url-encoded
//        here first, so that the fuzzer reaches the payload checks past
//        zlib and base64url
// Property: a payload that decodes encodes and decodes again to itself.
#include <cstddef>
#include <cstdint>
#include <string>

#include "certledger/bytes.h"
#include "certledger/qr_payload.h"
#include "certledger/zlib.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  if (size == 0) return 0;
  std::string text;
  if (data[0] == 't') {
    text = std::string(fuzz::AsText(data + 1, size - 1));
  } else {
    auto stream = Deflate(ByteView(data + 1, size - 1), 1);
    if (!stream.ok()) return 0;
    text = "https://verify.test/v#" + Base64UrlEncode(*stream);
  }
  (void)QrUrlBase(text);
  auto payload = DecodeQrText(text);
  if (!payload.ok()) return 0;
  auto again = EncodeQrPayload(*payload);
  fuzz::Require(again.ok(), "qr: a decoded payload does not encode");
  auto decoded = DecodeQrText(*again);
  fuzz::Require(decoded.ok() && *decoded == *payload, "qr: a payload does not round-trip");
  return 0;
}
