// Which decoder a photo goes to (by magic bytes), and the size limit every
// decoder applies before decoding pixels.
#include "verifier/photo_decode.h"

#include <algorithm>
#include <array>

namespace certledger::photo {
namespace {

// ISO/IEC 15948 (PNG) section 5.2, the PNG signature.
constexpr std::array<std::uint8_t, 8> kPngSignature = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
// ITU-T T.81 (JPEG) B.1.1.3: SOI (FF D8), then the first marker's FF.
constexpr std::array<std::uint8_t, 3> kJpegStart = {0xFF, 0xD8, 0xFF};
// The largest side JPEG can express (T.81 B.2.2, 16-bit X and Y) and the
// most we accept from PNG too.
constexpr std::uint64_t kMaxSide = 65535;

template <std::size_t N>
bool StartsWith(ByteView data, const std::array<std::uint8_t, N> &prefix) {
  return data.size() >= N && std::equal(prefix.begin(), prefix.end(), data.begin());
}

}  // namespace

std::optional<ImageFormat> SniffImageFormat(ByteView data) {
  if (StartsWith(data, kPngSignature)) return ImageFormat::kPng;
  if (StartsWith(data, kJpegStart)) return ImageFormat::kJpeg;
  return std::nullopt;
}

Status CheckImageSize(std::string_view format, std::uint64_t width, std::uint64_t height,
                      std::uint64_t max_pixels) {
  if (width == 0 || height == 0) {
    return Status::InvalidArgument("corrupt " + std::string(format) + " image: it claims " +
                                   std::to_string(width) + "x" + std::to_string(height) + " pixels")
        .WithReason("corrupt_image");
  }
  if (width > kMaxSide || height > kMaxSide || width * height > max_pixels) {
    return Status::ResourceExhausted("the " + std::string(format) + " image is " +
                                     std::to_string(width) + "x" + std::to_string(height) +
                                     " pixels; at most " + std::to_string(max_pixels) +
                                     " pixels are decoded")
        .WithReason("image_too_large");
  }
  return Status::OK();
}

Result<GreyImage> DecodeGrey(ByteView data, std::uint64_t max_pixels) {
  const std::optional<ImageFormat> format = SniffImageFormat(data);
  if (!format) {
    return Status::InvalidArgument("the body is not a PNG or JPEG image (by its first bytes)")
        .WithReason("not_an_image");
  }
  return *format == ImageFormat::kPng ? DecodePngGrey(data, max_pixels)
                                      : DecodeJpegGrey(data, max_pixels);
}

}  // namespace certledger::photo
