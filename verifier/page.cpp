// GET /v: the verification page for people (DESIGN.md, "Verifier API").
// Not built yet: the route exists so that the page can be added here
// alone, and answers 404 until then. The page will read the payload from
// the URL fragment (never sent to the server), POST it to /api/v1/verify
// and show the answer in Chinese and English.
#include "verifier/api_internal.h"

namespace certledger::api {

HttpResponse ServeVerificationPage(const HttpRequest& /*request*/, ApiContext& /*context*/) {
  return ErrorResponse(
      Status::NotFound("the verification page is not available on this verifier yet; "
                       "POST the scanned QR text to /api/v1/verify")
          .WithReason("no_page"));
}

}  // namespace certledger::api
