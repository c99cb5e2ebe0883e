// QR code symbols for certificates, through libqrencode, and their
// renderings: terminal text, PNG and SVG.
//
// Symbols use byte mode (the QR URL is mixed-case base64url) and error
// correction level M or higher, which survives a crease or a smudge on a
// printed certificate.
//
// Thread safety: pure functions; libqrencode is reentrant for these calls.
#ifndef CERTLEDGER_QR_IMAGE_H_
#define CERTLEDGER_QR_IMAGE_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger {

enum class QrErrorCorrection { kM, kQ, kH };

// The module matrix of one QR symbol, without quiet zone.
class QrSymbol {
 public:
  QrSymbol(int width, std::vector<bool> dark) : width_(width), dark_(std::move(dark)) {}
  int width() const { return width_; }
  // Preconditions: 0 <= x, y < width().
  bool dark(int x, int y) const { return dark_[static_cast<std::size_t>(y) * width_ + x]; }

 private:
  int width_;
  std::vector<bool> dark_;
};

// Encodes `text` as a QR symbol. InvalidArgument for empty text;
// ResourceExhausted when the text does not fit in the largest symbol
// (version 40) at this error correction level.
Result<QrSymbol> EncodeQr(std::string_view text,
                          QrErrorCorrection level = QrErrorCorrection::kM);

// Text for a terminal: two modules per character cell (Unicode half
// blocks), with a 4-module quiet zone. With `ansi_colors`, forces black on
// white so the symbol scans on a dark terminal too.
std::string RenderQrText(const QrSymbol& symbol, bool ansi_colors);

// 8-bit greyscale PNG, `scale` pixels per module, 4-module quiet zone.
// Preconditions: 1 <= scale <= 64.
Result<Bytes> RenderQrPng(const QrSymbol& symbol, int scale = 8);

// SVG document drawing the symbol in module units, 4-module quiet zone.
std::string RenderQrSvg(const QrSymbol& symbol);

}  // namespace certledger

#endif  // CERTLEDGER_QR_IMAGE_H_
