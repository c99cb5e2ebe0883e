// JPEG (ITU-T T.81, JFIF) to 8-bit grey through libjpeg (Debian's
// libjpeg-turbo).
//
// libjpeg reports errors by calling error_exit, which must not return; the
// library's documented way (libjpeg.txt, "Error handling") is a longjmp
// back to the caller. Here the jumps land in two small C-style functions,
// ReadHeader() and ReadRows(), whose own locals are trivially destructible
// and which call nothing but libjpeg, so that no C++ destructor is ever
// skipped. Everything else (the check of the image's size, the pixel
// buffer) happens in C++ between the two. Warnings (corrupt data that
// libjpeg would paper over, e.g. a truncated file) are errors too, and a
// progressive image may have at most kMaxScans scans (the CPU bomb that
// djpeg's -maxscans guards against).
#include <csetjmp>
#include <cstdio>
#include <cstring>
#include <memory>

#include "verifier/photo_decode.h"

// jpeglib.h needs <cstdio> (FILE, size_t) before it.
#include <jpeglib.h>

namespace certledger::photo {
namespace {

constexpr int kMaxScans = 100;
// Memory libjpeg may allocate for one image (coefficient buffers of a
// progressive image of kMaxPixels need about 240 MB).
constexpr long kMaxJpegMemory = 320L * 1024 * 1024;

// Value-initialise (zeroed) before use; owns the libjpeg decompressor.
struct JpegDecoder {
  jpeg_decompress_struct cinfo;
  jpeg_error_mgr errors;
  jpeg_progress_mgr progress;
  std::jmp_buf jump;
  char message[JMSG_LENGTH_MAX];
  bool created;

  ~JpegDecoder() {
    if (created) jpeg_destroy_decompress(&cinfo);
  }
};

JpegDecoder *DecoderOf(j_common_ptr cinfo) {
  return static_cast<JpegDecoder *>(cinfo->client_data);
}

[[noreturn]] void ErrorExit(j_common_ptr cinfo) {
  JpegDecoder *d = DecoderOf(cinfo);
  (*cinfo->err->format_message)(cinfo, d->message);
  std::longjmp(d->jump, 1);
}

// Level -1 is a warning about corrupt data; higher levels are traces.
void EmitMessage(j_common_ptr cinfo, int msg_level) {
  if (msg_level < 0) ErrorExit(cinfo);
}

void ProgressMonitor(j_common_ptr cinfo) {
  if (cinfo->is_decompressor == 0) return;
  const auto *dinfo = reinterpret_cast<j_decompress_ptr>(cinfo);
  if (dinfo->input_scan_number > kMaxScans) {
    JpegDecoder *d = DecoderOf(cinfo);
    std::snprintf(d->message, sizeof d->message, "more than %d progressive scans", kMaxScans);
    std::longjmp(d->jump, 1);
  }
}

// Sets up the decoder over `data`, reads the image's header and, for a
// colour space that converts to grey, computes the output dimensions.
// False on error, with the reason in d->message.
bool ReadHeader(JpegDecoder *d, const unsigned char *data, unsigned long size) {
  d->cinfo.err = jpeg_std_error(&d->errors);
  d->errors.error_exit = ErrorExit;
  d->errors.emit_message = EmitMessage;
  d->cinfo.client_data = d;
  if (setjmp(d->jump) != 0) return false;
  d->created = true;  // the zeroed struct is safe to destroy even if this fails
  jpeg_create_decompress(&d->cinfo);
  d->cinfo.mem->max_memory_to_use = kMaxJpegMemory;
  d->progress.progress_monitor = ProgressMonitor;
  d->cinfo.progress = &d->progress;
  jpeg_mem_src(&d->cinfo, data, size);
  jpeg_read_header(&d->cinfo, TRUE);
  const J_COLOR_SPACE space = d->cinfo.jpeg_color_space;
  if (space == JCS_GRAYSCALE || space == JCS_YCbCr || space == JCS_RGB) {
    d->cinfo.out_color_space = JCS_GRAYSCALE;
    jpeg_calc_output_dimensions(&d->cinfo);
  }
  return true;
}

// Decodes the whole image as grey rows into `out` (stride bytes per row).
// False on error, with the reason in d->message.
bool ReadRows(JpegDecoder *d, unsigned char *out, std::size_t stride) {
  if (setjmp(d->jump) != 0) return false;
  jpeg_start_decompress(&d->cinfo);
  while (d->cinfo.output_scanline < d->cinfo.output_height) {
    JSAMPROW row = out + static_cast<std::size_t>(d->cinfo.output_scanline) * stride;
    jpeg_read_scanlines(&d->cinfo, &row, 1);
  }
  jpeg_finish_decompress(&d->cinfo);
  return true;
}

Status Corrupt(const JpegDecoder &d) {
  return Status::InvalidArgument(std::string("corrupt JPEG image: ") + d.message)
      .WithReason("corrupt_image");
}

}  // namespace

Result<GreyImage> DecodeJpegGrey(ByteView data, std::uint64_t max_pixels) {
  auto d = std::make_unique<JpegDecoder>();
  if (!ReadHeader(d.get(), data.data(), static_cast<unsigned long>(data.size()))) {
    return Corrupt(*d);
  }
  const J_COLOR_SPACE space = d->cinfo.jpeg_color_space;
  if (space != JCS_GRAYSCALE && space != JCS_YCbCr && space != JCS_RGB) {
    return Status::InvalidArgument(
               "unsupported JPEG colour space (CMYK or YCCK?): send a "
               "greyscale or colour photo")
        .WithReason("unsupported_image");
  }
  CL_RETURN_IF_ERROR(
      CheckImageSize("JPEG", d->cinfo.image_width, d->cinfo.image_height, max_pixels));
  if (d->cinfo.output_width != d->cinfo.image_width ||
      d->cinfo.output_height != d->cinfo.image_height || d->cinfo.output_components != 1) {
    return Status::Internal("libjpeg would decode an unexpected image shape");
  }
  GreyImage image;
  image.width = d->cinfo.output_width;
  image.height = d->cinfo.output_height;
  image.pixels.resize(static_cast<std::size_t>(image.width) * image.height);
  if (!ReadRows(d.get(), image.pixels.data(), image.width)) return Corrupt(*d);
  return image;
}

}  // namespace certledger::photo
