// Fuzzes the photo decoder of POST /api/v1/scan (verifier/photo_decode.h):
// DecodeGrey on PNG or JPEG bytes, with a small pixel bound so that runs
// stay fast, then ScanQrCode on what decodes. Properties: a decoded image
// has width x height pixels within the bound.
#include <cstddef>
#include <cstdint>

#include "fuzz/fuzz_util.h"
#include "verifier/photo_decode.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  using namespace certledger::photo;
  constexpr std::uint64_t kFuzzMaxPixels = 512 * 512;
  auto image = DecodeGrey(ByteView(data, size), kFuzzMaxPixels);
  if (!image.ok()) return 0;
  const std::uint64_t pixels = std::uint64_t{image->width} * image->height;
  fuzz::Require(pixels <= kFuzzMaxPixels && image->pixels.size() == pixels,
                "photo: decoded image size");
  (void)ScanQrCode(*image);
  return 0;
}
