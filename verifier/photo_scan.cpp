// Finding a QR code in a grey image with zbar's image scanner C API
// (zbar.h: zbar_image_scanner_create, zbar_scan_image), every other
// symbology disabled. zbar converts the QR code's text to UTF-8 (it
// honours ECI and guesses otherwise). In C++, zbar.h declares its C API in
// namespace zbar.
#include <zbar.h>

#include <memory>

#include "certledger/utf8.h"
#include "verifier/photo_decode.h"

namespace certledger::photo {
namespace {

struct ScannerDestroy {
  void operator()(zbar::zbar_image_scanner_t *s) const { zbar::zbar_image_scanner_destroy(s); }
};
struct ImageDestroy {
  void operator()(zbar::zbar_image_t *i) const { zbar::zbar_image_destroy(i); }
};

Status NoQrCode() {
  return Status::InvalidArgument(
             "no QR code found in the image: photograph the certificate's "
             "QR code closer, sharp and well lit")
      .WithReason("no_qr_code");
}

}  // namespace

Result<std::string> ScanQrCode(const GreyImage &image) {
  std::unique_ptr<zbar::zbar_image_scanner_t, ScannerDestroy> scanner(
      zbar::zbar_image_scanner_create());
  std::unique_ptr<zbar::zbar_image_t, ImageDestroy> zimage(zbar::zbar_image_create());
  if (!scanner || !zimage) return Status::Internal("zbar: cannot create the scanner");
  if (zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_NONE, zbar::ZBAR_CFG_ENABLE,
                                          0) != 0 ||
      zbar::zbar_image_scanner_set_config(scanner.get(), zbar::ZBAR_QRCODE, zbar::ZBAR_CFG_ENABLE,
                                          1) != 0) {
    return Status::Internal("zbar: cannot enable QR codes only");
  }
  // "Y800": 8-bit grey, one byte per pixel, rows top to bottom. zbar only
  // reads the data; no cleanup handler, the pixels stay ours.
  zbar::zbar_image_set_format(zimage.get(), zbar_fourcc('Y', '8', '0', '0'));
  zbar::zbar_image_set_size(zimage.get(), image.width, image.height);
  zbar::zbar_image_set_data(zimage.get(), image.pixels.data(), image.pixels.size(), nullptr);
  const int found = zbar::zbar_scan_image(scanner.get(), zimage.get());
  if (found < 0) return Status::Internal("zbar: the scan failed");
  for (const zbar::zbar_symbol_t *symbol = zbar::zbar_image_first_symbol(zimage.get());
       symbol != nullptr; symbol = zbar::zbar_symbol_next(symbol)) {
    if (zbar::zbar_symbol_get_type(symbol) != zbar::ZBAR_QRCODE) continue;
    std::string text(zbar::zbar_symbol_get_data(symbol), zbar::zbar_symbol_get_data_length(symbol));
    if (!text.empty() && IsValidUtf8(text)) return text;
  }
  return NoQrCode();
}

}  // namespace certledger::photo
