// Writing PNG images (ISO/IEC 15948): greyscale, 8-bit or 1-bit
// (bilevel), no interlace. Enough for QR symbols and certificate previews;
// zlib does the compression.
#ifndef CERTLEDGER_PNG_H_
#define CERTLEDGER_PNG_H_

#include <cstdint>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger {

// `pixels` holds height rows of width bytes (0 black .. 255 white).
// InvalidArgument when the sizes do not match or are zero.
Result<Bytes> EncodeGreyPng(std::uint32_t width, std::uint32_t height, ByteView pixels);

// A bilevel image: `packed` holds height rows of (width + 7) / 8 bytes, one
// bit per pixel, the leftmost pixel in the most significant bit, 0 black
// and 1 white (bit depth 1, colour type 0); the padding bits of a row are
// ignored. A row equal to the one above is written with filter Up (all
// zero bytes), so images made of repeated rows, like scaled QR symbols,
// compress to little. InvalidArgument when the sizes do not match or are
// zero.
Result<Bytes> EncodeBilevelPng(std::uint32_t width, std::uint32_t height, ByteView packed);

}  // namespace certledger

#endif  // CERTLEDGER_PNG_H_
