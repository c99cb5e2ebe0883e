// PNG writer.
//
//   png    = signature IHDR IDAT IEND
//   signature = 89 50 4E 47 0D 0A 1A 0A
//   chunk  = length:u32be type:4 data crc32(type || data):u32be
//   IHDR   = width:u32be height:u32be depth=8 colour=0 (grey) compression=0
//            filter=0 interlace=0
//   IDAT   = zlib(row*), row = filter-type 0x00 || width bytes
#include "certledger/png.h"

#include <zlib.h>

#include <string_view>

#include "certledger/zlib.h"

namespace certledger {
namespace {

void PutU32(Bytes& out, std::uint32_t v) {
  out.push_back(static_cast<std::uint8_t>(v >> 24));
  out.push_back(static_cast<std::uint8_t>(v >> 16));
  out.push_back(static_cast<std::uint8_t>(v >> 8));
  out.push_back(static_cast<std::uint8_t>(v));
}

void PutChunk(Bytes& out, std::string_view type, ByteView data) {
  PutU32(out, static_cast<std::uint32_t>(data.size()));
  std::size_t type_at = out.size();
  out.insert(out.end(), type.begin(), type.end());
  out.insert(out.end(), data.begin(), data.end());
  uLong crc = crc32(0L, out.data() + type_at, static_cast<uInt>(out.size() - type_at));
  PutU32(out, static_cast<std::uint32_t>(crc));
}

}  // namespace

Result<Bytes> EncodeGreyPng(std::uint32_t width, std::uint32_t height, ByteView pixels) {
  if (width == 0 || height == 0) return Status::InvalidArgument("png: empty image");
  if (pixels.size() != static_cast<std::size_t>(width) * height) {
    return Status::InvalidArgument("png: pixel buffer does not match width x height");
  }
  Bytes rows;
  rows.reserve(static_cast<std::size_t>(width + 1) * height);
  for (std::uint32_t y = 0; y < height; ++y) {
    rows.push_back(0);  // filter type: none
    auto row = pixels.subspan(static_cast<std::size_t>(y) * width, width);
    rows.insert(rows.end(), row.begin(), row.end());
  }
  // Level 6: QR images are long runs of one value; level 9 costs 3x the time
  // for a few bytes less.
  CL_ASSIGN_OR_RETURN(Bytes compressed, Deflate(rows, 6));

  Bytes out = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  PutU32(ihdr, width);
  PutU32(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});
  PutChunk(out, "IHDR", ihdr);
  PutChunk(out, "IDAT", compressed);
  PutChunk(out, "IEND", {});
  return out;
}

}  // namespace certledger
