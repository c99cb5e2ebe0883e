// Writing PNG images (ISO/IEC 15948): 8-bit greyscale, no interlace.
// Enough for QR symbols and certificate previews; zlib does the compression.
#ifndef CERTLEDGER_PNG_H_
#define CERTLEDGER_PNG_H_

#include <cstdint>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger {

// `pixels` holds height rows of width bytes (0 black .. 255 white).
// InvalidArgument when the sizes do not match or are zero.
Result<Bytes> EncodeGreyPng(std::uint32_t width, std::uint32_t height, ByteView pixels);

}  // namespace certledger

#endif  // CERTLEDGER_PNG_H_
