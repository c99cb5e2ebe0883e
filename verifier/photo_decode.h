// Reading a QR code from a photo (POST /api/v1/scan): PNG and JPEG images
// are recognised by their magic bytes, decoded to 8-bit grey (libpng's
// simplified API, libjpeg), and handed to zbar's image scanner with only
// the QR symbology enabled. Not a public header.
//
// Thread safety: pure functions; each call owns its decoder and scanner.
#ifndef CERTLEDGER_VERIFIER_PHOTO_DECODE_H_
#define CERTLEDGER_VERIFIER_PHOTO_DECODE_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger::photo {

// Largest image decoded, in pixels (width x height), checked from the
// image's header before any pixel is decoded: a few bytes of compressed
// data can claim a huge image ("decompression bomb").
inline constexpr std::uint64_t kMaxPixels = 40'000'000;

enum class ImageFormat { kPng, kJpeg };

// The format named by the first bytes of `data`: PNG's 8-byte signature
// (ISO/IEC 15948 section 5.2) or JPEG's SOI marker followed by another
// marker (ITU-T T.81 B.1.1.3: FF D8 FF). nullopt for anything else.
std::optional<ImageFormat> SniffImageFormat(ByteView data);

// An image as rows of 8-bit grey samples (0 black .. 255 white), top row
// first, `width` bytes per row.
struct GreyImage {
  std::uint32_t width = 0;
  std::uint32_t height = 0;
  Bytes pixels;
};

// Decodes a PNG or JPEG image to grey; transparency is composed on white.
// Errors, each with a reason for the API:
//   InvalidArgument "not_an_image"      neither PNG nor JPEG by magic bytes
//   InvalidArgument "corrupt_image"     the decoder failed (truncated data,
//                                        bad checksum, libjpeg warnings are
//                                        treated as errors); the message
//                                        carries the decoder's words
//   ResourceExhausted "image_too_large" more than max_pixels pixels, or a
//                                        side over 65,535 pixels
//   InvalidArgument "unsupported_image" a JPEG colour space other than
//                                        grey, YCbCr or RGB (e.g. CMYK)
[[nodiscard]] Result<GreyImage> DecodeGrey(ByteView data, std::uint64_t max_pixels = kMaxPixels);

// The text of the first QR code zbar finds in `image`, as UTF-8.
// InvalidArgument "no_qr_code" if there is none (or its text is not
// UTF-8); Internal if zbar cannot be set up.
// Preconditions: image.pixels.size() == width * height.
[[nodiscard]] Result<std::string> ScanQrCode(const GreyImage &image);

// ---------------------------------------------------------------- internals
// What DecodeGrey() is made of, one file each (photo_png.cpp,
// photo_jpeg.cpp); the same errors, for data already known to be of that
// format.
[[nodiscard]] Result<GreyImage> DecodePngGrey(ByteView data, std::uint64_t max_pixels);
[[nodiscard]] Result<GreyImage> DecodeJpegGrey(ByteView data, std::uint64_t max_pixels);

// OK if a `format` image of width x height pixels may be decoded; else
// ResourceExhausted "image_too_large" (over max_pixels, or a side over
// 65,535) or InvalidArgument "corrupt_image" (a side of 0).
[[nodiscard]] Status CheckImageSize(std::string_view format, std::uint64_t width,
                                    std::uint64_t height, std::uint64_t max_pixels);

}  // namespace certledger::photo

#endif  // CERTLEDGER_VERIFIER_PHOTO_DECODE_H_
