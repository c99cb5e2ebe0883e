// gzip (RFC 1952) for entry bundles, which C2SP tlog-tiles says "SHOULD be
// compressed at the HTTP layer", and the Accept-Encoding test (RFC 9110
// section 12.5.3):
//
//   Accept-Encoding = #( codings [ OWS ";" OWS "q=" qvalue ] )
//
// zlib writes the gzip member (header, deflate data, CRC-32 and size
// trailer) when deflateInit2 is given windowBits 15 + 16.
#include <zlib.h>

#include <cctype>
#include <climits>
#include <memory>

#include "verifier/api_internal.h"

namespace certledger::api {
namespace {

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

bool EqualsNoCase(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(a[i])) !=
        std::tolower(static_cast<unsigned char>(b[i]))) {
      return false;
    }
  }
  return true;
}

// A qvalue of zero ("0", "0.", "0.0", "0.00", "0.000") means "not acceptable".
bool IsZeroQ(std::string_view q) {
  if (q.empty() || q[0] != '0') return false;
  for (char c : q.substr(1)) {
    if (c != '.' && c != '0') return false;
  }
  return true;
}

}  // namespace

bool AcceptsGzip(std::string_view accept_encoding) {
  while (!accept_encoding.empty()) {
    const std::size_t comma = accept_encoding.find(',');
    std::string_view item = accept_encoding.substr(0, comma);
    accept_encoding =
        comma == std::string_view::npos ? std::string_view() : accept_encoding.substr(comma + 1);
    const std::size_t semi = item.find(';');
    const std::string_view coding = Trim(item.substr(0, semi));
    if (!EqualsNoCase(coding, "gzip") && !EqualsNoCase(coding, "x-gzip")) continue;
    if (semi == std::string_view::npos) return true;
    std::string_view param = Trim(item.substr(semi + 1));
    if (param.size() >= 2 && (param[0] == 'q' || param[0] == 'Q') && param[1] == '=') {
      return !IsZeroQ(Trim(param.substr(2)));
    }
    return true;
  }
  return false;
}

Result<std::string> Gzip(std::string_view data) {
  if (data.size() > UINT_MAX / 2) return Status::InvalidArgument("gzip: input too large");
  z_stream stream{};  // value-initialised: default allocators
  if (deflateInit2(&stream, Z_DEFAULT_COMPRESSION, Z_DEFLATED, 15 + 16, 8, Z_DEFAULT_STRATEGY) !=
      Z_OK) {
    return Status::Internal("gzip: deflateInit2 failed");
  }
  // Owns the stream's zlib state (not its memory, which is on the stack).
  std::unique_ptr<z_stream, int (*)(z_streamp)> zs(&stream, deflateEnd);
  // deflateBound() counts the gzip header and trailer too: one pass.
  std::string out(deflateBound(zs.get(), static_cast<uLong>(data.size())), '\0');
  zs->next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs->avail_in = static_cast<uInt>(data.size());
  zs->next_out = reinterpret_cast<Bytef*>(out.data());
  zs->avail_out = static_cast<uInt>(out.size());
  if (deflate(zs.get(), Z_FINISH) != Z_STREAM_END) {
    return Status::Internal("gzip: deflate did not finish in one pass");
  }
  out.resize(zs->total_out);
  return out;
}

}  // namespace certledger::api
