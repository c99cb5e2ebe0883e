// POST /api/v1/scan: a photo of a certificate's QR code in, the code's text
// out, for phones whose browser cannot read QR codes itself. The page then
// posts the text to /api/v1/verify as if it had been scanned.
//
//   request   Content-Type image/png, image/jpeg or application/octet-stream;
//             the body is a PNG or JPEG image, recognised by its magic bytes
//             (the Content-Type alone decides nothing)
//   answer    200 {"text": "<the QR code's text>"}
//   errors    415 unsupported_media_type  another Content-Type
//             400 empty_body              no body
//             400 not_an_image            neither PNG nor JPEG
//             400 corrupt_image           the decoder failed
//             400 unsupported_image       e.g. a CMYK JPEG
//             413 image_too_large         over photo::kMaxPixels pixels
//             400 no_qr_code              no QR code in the picture
#include "verifier/api_internal.h"
#include "verifier/photo_decode.h"

namespace certledger::api {

HttpResponse ServeScan(const HttpRequest &request, ApiContext & /*context*/) {
  if (!MediaTypeIs(request.content_type, "image/png") &&
      !MediaTypeIs(request.content_type, "image/jpeg") &&
      !MediaTypeIs(request.content_type, "application/octet-stream")) {
    return ErrorResponse(
        Status::InvalidArgument("POST /api/v1/scan takes a PNG or JPEG photo (image/png or "
                                "image/jpeg)" +
                                (request.content_type.empty()
                                     ? std::string(", but the request has no Content-Type")
                                     : ", got \"" + request.content_type.substr(0, 100) + "\""))
            .WithReason("unsupported_media_type"));
  }
  if (request.body.empty()) {
    return ErrorResponse(
        Status::InvalidArgument("the request body is empty: send a photo of the QR code")
            .WithReason("empty_body"));
  }
  auto image = photo::DecodeGrey(AsBytes(request.body));
  if (!image.ok()) return ErrorResponse(image.status());
  auto text = photo::ScanQrCode(*image);
  if (!text.ok()) return ErrorResponse(text.status());
  JsonWriter w;
  w.BeginObject();
  w.Key("text").String(*text);
  w.EndObject();
  return JsonResponse(200, std::move(w).Take(), kNoStore);
}

}  // namespace certledger::api
