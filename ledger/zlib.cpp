// zlib streams through the system zlib library.
//
// Format (RFC 1950 section 2.2), all of the input, nothing after it:
//
//   zlib-stream = CMF FLG deflate-data ADLER32
//   CMF         = CINFO:4 CM:4          ; high bits first; CM = 8 (deflate),
//                                       ; CINFO <= 7 (window 2^(CINFO+8) bytes)
//   FLG         = FLEVEL:2 FDICT:1 FCHECK:5
//                                       ; (CMF * 256 + FLG) mod 31 = 0;
//                                       ; FDICT = 0 (no preset dictionary)
//   deflate-data = RFC 1951 blocks, the last one with BFINAL = 1
//   ADLER32     = 4 bytes, big-endian Adler-32 of the uncompressed data
//
// The header is checked here before zlib sees it, so that its errors name
// the field at fault; zlib checks the DEFLATE data and the checksum.
#include "certledger/zlib.h"

#include <zlib.h>

#include <algorithm>
#include <climits>
#include <cstdint>
#include <memory>
#include <string>

namespace certledger {
namespace {

// avail_in and avail_out are 32-bit: feed and drain in chunks of this size.
constexpr std::size_t kMaxChunk = UINT_MAX;

struct DeflateStreamDeleter {
  void operator()(z_stream* s) const {
    deflateEnd(s);
    std::default_delete<z_stream>()(s);
  }
};
struct InflateStreamDeleter {
  void operator()(z_stream* s) const {
    inflateEnd(s);
    std::default_delete<z_stream>()(s);
  }
};
using DeflateStream = std::unique_ptr<z_stream, DeflateStreamDeleter>;
using InflateStream = std::unique_ptr<z_stream, InflateStreamDeleter>;

// zlib takes a non-const input pointer but never writes through it.
Bytef* InputPointer(ByteView data, std::size_t pos) {
  return const_cast<Bytef*>(data.data() + pos);
}

Status CheckHeader(ByteView stream) {
  if (stream.size() < 2) {
    return Status::InvalidArgument("zlib: truncated stream (" + std::to_string(stream.size()) +
                                   " bytes, shorter than the 2-byte header)");
  }
  const unsigned cmf = stream[0];
  const unsigned flg = stream[1];
  if ((cmf & 0x0f) != 8) {
    return Status::InvalidArgument("zlib: bad header: compression method " +
                                   std::to_string(cmf & 0x0f) + " is not 8 (deflate)");
  }
  if ((cmf >> 4) > 7) {
    return Status::InvalidArgument("zlib: bad header: window size field CINFO = " +
                                   std::to_string(cmf >> 4) + " exceeds 7 (32 KiB)");
  }
  if ((cmf * 256 + flg) % 31 != 0) {
    return Status::InvalidArgument("zlib: bad header: check bits FCHECK are wrong");
  }
  if ((flg & 0x20) != 0) {
    return Status::InvalidArgument(
        "zlib: bad header: a preset dictionary (FDICT) is not supported");
  }
  return Status::OK();
}

// Translates an inflate() error code into our Status.
Status InflateError(int rc, const z_stream& zs) {
  const std::string msg = zs.msg != nullptr ? zs.msg : "";
  switch (rc) {
    case Z_NEED_DICT:
      return Status::InvalidArgument(
          "zlib: bad header: a preset dictionary (FDICT) is not supported");
    case Z_DATA_ERROR:
      if (msg == "incorrect data check") {
        return Status::InvalidArgument("zlib: Adler-32 checksum mismatch");
      }
      if (msg == "incorrect header check" || msg == "unknown compression method" ||
          msg == "invalid window size") {
        return Status::InvalidArgument("zlib: bad header: " + msg);
      }
      return Status::InvalidArgument("zlib: corrupt data: " + (msg.empty() ? "invalid" : msg));
    case Z_MEM_ERROR:
      return Status::ResourceExhausted("zlib: out of memory");
    default:
      return Status::Internal("zlib: inflate returned " + std::to_string(rc));
  }
}

}  // namespace

Result<Bytes> Deflate(ByteView data, int level, DeflateStrategy strategy) {
  if (level < -1 || level > 9) {
    return Status::InvalidArgument("zlib: compression level " + std::to_string(level) +
                                   " is outside [-1, 9]");
  }
  auto owned = std::make_unique<z_stream>();  // value-initialised: default allocators
  // Window 2^15 and memLevel 8 are deflateInit's defaults.
  const int init = deflateInit2(owned.get(), level, Z_DEFLATED, 15, 8,
                                strategy == DeflateStrategy::kRunLength ? Z_RLE
                                                                        : Z_DEFAULT_STRATEGY);
  if (init == Z_MEM_ERROR) return Status::ResourceExhausted("zlib: out of memory");
  if (init != Z_OK) return Status::Internal("zlib: deflateInit returned " + std::to_string(init));
  DeflateStream zs(owned.release());

  // deflateBound() is enough for one pass; the loop below still copes with
  // a shortfall by growing the buffer.
  Bytes out(std::max<std::size_t>(deflateBound(zs.get(), data.size()), 64));
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  for (;;) {
    if (zs->avail_in == 0 && in_pos < data.size()) {
      const std::size_t chunk = std::min(data.size() - in_pos, kMaxChunk);
      zs->next_in = InputPointer(data, in_pos);
      zs->avail_in = static_cast<uInt>(chunk);
      in_pos += chunk;
    }
    if (out_pos == out.size()) out.resize(out.size() * 2);
    const std::size_t out_chunk = std::min(out.size() - out_pos, kMaxChunk);
    zs->next_out = out.data() + out_pos;
    zs->avail_out = static_cast<uInt>(out_chunk);
    const int flush = (in_pos == data.size()) ? Z_FINISH : Z_NO_FLUSH;
    const int rc = deflate(zs.get(), flush);
    out_pos += out_chunk - zs->avail_out;
    if (rc == Z_STREAM_END) break;
    if (rc != Z_OK && rc != Z_BUF_ERROR) {
      return Status::Internal("zlib: deflate returned " + std::to_string(rc));
    }
  }
  out.resize(out_pos);
  return out;
}

Result<Bytes> Inflate(ByteView stream, std::size_t max_output) {
  CL_RETURN_IF_ERROR(CheckHeader(stream));

  auto owned = std::make_unique<z_stream>();  // value-initialised: default allocators
  const int init = inflateInit(owned.get());  // zlib format only, 32 KiB window
  if (init == Z_MEM_ERROR) return Status::ResourceExhausted("zlib: out of memory");
  if (init != Z_OK) return Status::Internal("zlib: inflateInit returned " + std::to_string(init));
  InflateStream zs(owned.release());

  // First guess: four times the input, within the cap; then doubling, within
  // the cap. Once the cap is reached, output goes to a one-byte probe: any
  // byte landing there means the stream is larger than allowed.
  Bytes out(std::min(max_output,
                     std::max<std::size_t>(1024, std::min(stream.size(), max_output / 4) * 4)));
  std::size_t in_pos = 0;
  std::size_t out_pos = 0;
  for (;;) {
    if (zs->avail_in == 0 && in_pos < stream.size()) {
      const std::size_t chunk = std::min(stream.size() - in_pos, kMaxChunk);
      zs->next_in = InputPointer(stream, in_pos);
      zs->avail_in = static_cast<uInt>(chunk);
      in_pos += chunk;
    }
    if (out_pos == out.size() && out.size() < max_output) {
      const std::size_t grown = out.size() > max_output / 2 ? max_output : out.size() * 2;
      out.resize(std::max<std::size_t>(grown, std::min<std::size_t>(max_output, 1024)));
    }
    std::uint8_t probe = 0;
    const bool probing = out_pos == out.size();
    const std::size_t out_chunk = probing ? 1 : std::min(out.size() - out_pos, kMaxChunk);
    zs->next_out = probing ? &probe : out.data() + out_pos;
    zs->avail_out = static_cast<uInt>(out_chunk);
    const int rc = inflate(zs.get(), Z_NO_FLUSH);
    const std::size_t produced = out_chunk - zs->avail_out;
    if (probing && produced > 0) {
      return Status::ResourceExhausted("zlib: inflated size exceeds limit of " +
                                       std::to_string(max_output) + " bytes");
    }
    out_pos += produced;
    if (rc == Z_STREAM_END) break;
    if (rc == Z_OK) continue;
    if (rc == Z_BUF_ERROR) {
      // No progress was possible: the input ran out before the end of the
      // stream, or this chunk of input or output is used up (the top of the
      // loop supplies the next one).
      if (zs->avail_in == 0 && in_pos == stream.size()) {
        return Status::InvalidArgument(
            "zlib: truncated stream (input ends before the end of the stream)");
      }
      if (zs->avail_in > 0 && zs->avail_out > 0) {
        return Status::Internal("zlib: inflate made no progress");
      }
      continue;
    }
    return InflateError(rc, *zs);
  }
  const std::size_t trailing = zs->avail_in + (stream.size() - in_pos);
  if (trailing > 0) {
    return Status::InvalidArgument("zlib: " + std::to_string(trailing) +
                                   " trailing bytes after the end of the stream");
  }
  out.resize(out_pos);
  return out;
}

}  // namespace certledger
