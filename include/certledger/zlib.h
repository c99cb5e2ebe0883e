// zlib streams (RFC 1950): a 2-byte header, DEFLATE data (RFC 1951) and
// the Adler-32 checksum of the uncompressed bytes. This is the "zlib" of
// the QR payload (DESIGN.md, Pinned details); raw DEFLATE and gzip are not
// accepted.
//
// Inflate() takes a cap on its output, so that a small hostile input (a
// "zip bomb") costs at most `max_output` bytes of memory, never more.
//
// Thread safety: both functions are pure and may be called from any thread.
#ifndef CERTLEDGER_ZLIB_H_
#define CERTLEDGER_ZLIB_H_

#include <cstddef>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger {

// How DEFLATE looks for matches (zlib's deflateInit2 strategy).
enum class DeflateStrategy {
  kDefault,  // Z_DEFAULT_STRATEGY: matches at any distance
  // Z_RLE: matches at distance 1 only, i.e. runs of one byte value. For
  // images of long runs (a QR code's pixel rows) it is several times faster
  // than kDefault at a slightly larger output.
  kRunLength,
};

// Compresses `data` into one complete zlib stream (32 KiB window, no
// preset dictionary). `level` is 0 (stored) to 9 (smallest), or -1 for
// zlib's default (6). The output is a pure function of (data, level,
// strategy) for a given zlib build; it is not guaranteed to be the same
// across zlib versions. Returns the stream; InvalidArgument for a level
// outside [-1, 9]; ResourceExhausted if zlib cannot allocate its state.
[[nodiscard]] Result<Bytes> Deflate(ByteView data, int level = 9,
                                    DeflateStrategy strategy = DeflateStrategy::kDefault);

// Decompresses exactly one zlib stream that spans all of `stream`.
// Returns the uncompressed bytes (at most `max_output` of them). Failures:
//   ResourceExhausted "zlib: inflated size exceeds limit of N bytes" when the
//     stream holds more than `max_output` bytes; no more than `max_output`
//     bytes are ever allocated for the output;
//   InvalidArgument, message starting "zlib: ", for
//     - "zlib: truncated stream ..."         the input ends before the stream;
//     - "zlib: bad header: ..."              wrong compression method, window
//                                            size, check bits, or a preset
//                                            dictionary is required;
//     - "zlib: Adler-32 checksum mismatch"   the data does not match its
//                                            checksum;
//     - "zlib: corrupt data: ..."            invalid DEFLATE data (zlib's
//                                            description follows);
//     - "zlib: N trailing bytes after the end of the stream".
[[nodiscard]] Result<Bytes> Inflate(ByteView stream, std::size_t max_output);

}  // namespace certledger

#endif  // CERTLEDGER_ZLIB_H_
