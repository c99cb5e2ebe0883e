// PNG (ISO/IEC 15948) to 8-bit grey through libpng's simplified read API
// (png.h, "SIMPLIFIED API"), which does the colour conversion, gamma,
// 16-bit and palette handling and catches libpng's errors itself: a failed
// call returns 0 with the reason in png_image::message.
#include <png.h>

#include <cstring>
#include <memory>

#include "verifier/photo_decode.h"

namespace certledger::photo {
namespace {

// Frees what libpng holds for a png_image whose read was not finished.
struct PngImageFree {
  void operator()(png_image *image) const { png_image_free(image); }
};

Status Corrupt(const png_image &image) {
  return Status::InvalidArgument(std::string("corrupt PNG image: ") + image.message)
      .WithReason("corrupt_image");
}

}  // namespace

Result<GreyImage> DecodePngGrey(ByteView data, std::uint64_t max_pixels) {
  png_image image;
  std::memset(&image, 0, sizeof image);
  image.version = PNG_IMAGE_VERSION;
  std::unique_ptr<png_image, PngImageFree> guard(&image);
  if (png_image_begin_read_from_memory(&image, data.data(), data.size()) == 0) {
    return Corrupt(image);
  }
  CL_RETURN_IF_ERROR(CheckImageSize("PNG", image.width, image.height, max_pixels));
  image.format = PNG_FORMAT_GRAY;
  GreyImage grey;
  grey.width = image.width;
  grey.height = image.height;
  grey.pixels.resize(PNG_IMAGE_SIZE(image));
  if (grey.pixels.size() != static_cast<std::size_t>(grey.width) * grey.height) {
    return Status::Internal("libpng would decode an unexpected image shape");
  }
  // Transparent pixels become white: a QR code drawn on a transparent
  // background still has its light modules.
  const png_color white{255, 255, 255};
  if (png_image_finish_read(&image, &white, grey.pixels.data(), static_cast<png_int_32>(grey.width),
                            nullptr) == 0) {
    return Corrupt(image);
  }
  return grey;
}

}  // namespace certledger::photo
