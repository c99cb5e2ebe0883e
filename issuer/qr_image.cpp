#include "certledger/qr_image.h"

#include <qrencode.h>

#include <algorithm>
#include <cerrno>
#include <memory>
#include <string>

#include "certledger/png.h"

namespace certledger {
namespace {

constexpr int kQuietZone = 4;

QRecLevel ToQrencode(QrErrorCorrection level) {
  switch (level) {
    case QrErrorCorrection::kM: return QR_ECLEVEL_M;
    case QrErrorCorrection::kQ: return QR_ECLEVEL_Q;
    case QrErrorCorrection::kH: return QR_ECLEVEL_H;
  }
  return QR_ECLEVEL_M;
}

// Dark module at (x, y) of the symbol with its quiet zone around it.
bool DarkWithQuietZone(const QrSymbol& s, int x, int y) {
  x -= kQuietZone;
  y -= kQuietZone;
  return x >= 0 && y >= 0 && x < s.width() && y < s.width() && s.dark(x, y);
}

}  // namespace

Result<QrSymbol> EncodeQr(std::string_view text, QrErrorCorrection level) {
  if (text.empty()) return Status::InvalidArgument("qr: nothing to encode");
  // QRcode_encodeData takes bytes with an explicit length: 8-bit mode, no
  // assumption about NUL termination or character classes.
  errno = 0;
  std::unique_ptr<QRcode, decltype(&QRcode_free)> code(
      QRcode_encodeData(static_cast<int>(text.size()),
                        reinterpret_cast<const unsigned char*>(text.data()), 0,
                        ToQrencode(level)),
      &QRcode_free);
  if (!code) {
    if (errno == ERANGE) {
      std::string msg = "qr: ";
      msg.append(std::to_string(text.size()))
          .append(" bytes do not fit in a QR symbol at this error correction");
      return Status::ResourceExhausted(msg);
    }
    return Status::Internal("qr: libqrencode failed (errno " + std::to_string(errno) + ")");
  }
  int width = code->width;
  std::vector<bool> dark(static_cast<std::size_t>(width) * width);
  for (std::size_t i = 0; i < dark.size(); ++i) dark[i] = (code->data[i] & 1) != 0;
  return QrSymbol(width, std::move(dark));
}

std::string RenderQrText(const QrSymbol& symbol, bool ansi_colors) {
  const int n = symbol.width() + 2 * kQuietZone;
  std::string out;
  for (int y = 0; y < n; y += 2) {
    if (ansi_colors) out += "\x1b[30;47m";
    for (int x = 0; x < n; ++x) {
      bool top = DarkWithQuietZone(symbol, x, y);
      bool bottom = y + 1 < n && DarkWithQuietZone(symbol, x, y + 1);
      if (top && bottom) out += "\u2588";
      else if (top) out += "\u2580";
      else if (bottom) out += "\u2584";
      else out += ' ';
    }
    if (ansi_colors) out += "\x1b[0m";
    out += '\n';
  }
  return out;
}

Result<Bytes> RenderQrPng(const QrSymbol& symbol, int scale) {
  if (scale < 1 || scale > 64) return Status::InvalidArgument("qr: PNG scale must be 1..64");
  const int n = symbol.width() + 2 * kQuietZone;
  const auto side = static_cast<std::uint32_t>(n * scale);
  // One bit per pixel (1 white); each module row is drawn once and
  // repeated `scale` times, which the PNG writer stores as Up rows.
  const std::size_t stride = (static_cast<std::size_t>(side) + 7) / 8;
  Bytes packed(stride * side, 0xFF);
  for (int y = 0; y < n; ++y) {
    std::uint8_t* row = packed.data() + static_cast<std::size_t>(y * scale) * stride;
    for (int x = 0; x < n; ++x) {
      if (!DarkWithQuietZone(symbol, x, y)) continue;
      for (int p = x * scale; p < (x + 1) * scale; ++p) {
        row[p / 8] &= static_cast<std::uint8_t>(~(0x80u >> (p % 8)));
      }
    }
    for (int dy = 1; dy < scale; ++dy) std::copy_n(row, stride, row + static_cast<std::size_t>(dy) * stride);
  }
  return EncodeBilevelPng(side, side, packed);
}

std::string RenderQrSvg(const QrSymbol& symbol) {
  const int n = symbol.width() + 2 * kQuietZone;
  const std::string side = std::to_string(n);
  std::string out = "<?xml version=\"1.0\" encoding=\"UTF-8\"?>\n";
  out.append("<svg xmlns=\"http://www.w3.org/2000/svg\" version=\"1.1\" viewBox=\"0 0 ")
      .append(side).append(" ").append(side)
      .append("\" shape-rendering=\"crispEdges\">\n<rect width=\"")
      .append(side).append("\" height=\"").append(side)
      .append("\" fill=\"#fff\"/>\n<path fill=\"#000\" d=\"");
  // One horizontal run of dark modules per path segment.
  for (int y = 0; y < n; ++y) {
    for (int x = 0; x < n;) {
      if (!DarkWithQuietZone(symbol, x, y)) {
        ++x;
        continue;
      }
      int run = 1;
      while (x + run < n && DarkWithQuietZone(symbol, x + run, y)) ++run;
      const std::string len = std::to_string(run);
      out.append("M").append(std::to_string(x)).append(",").append(std::to_string(y))
          .append("h").append(len).append("v1h-").append(len).append("z");
      x += run;
    }
  }
  out.append("\"/>\n</svg>\n");
  return out;
}

}  // namespace certledger
