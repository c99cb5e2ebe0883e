// Status codes to HTTP statuses (RFC 9110 section 15), in this one place.
// JSON error body:
//
//   error = {"error": code, "reason": text}
//   code  = a Status reason such as "number_in_use", or the Status code in
//           snake case ("invalid_argument", "not_found", ...)
//   text  = the Status message, one line of English
#include <cctype>
#include <cstdlib>

#include "certledger/json_writer.h"
#include "certledger/verifier_api.h"

namespace certledger {

int HttpStatusOf(const Status& status) {
  const std::string& reason = status.reason();
  if (reason == "too_large" || reason == "leaf_too_large" || reason == "body_too_large") {
    return 413;  // Content Too Large
  }
  if (reason == "header_too_large") return 431;  // Request Header Fields Too Large (RFC 6585)
  if (reason == "unsupported_media_type") return 415;
  if (reason == "method_not_allowed" || reason == "read_only") return 405;
  if (reason == "timeout") return 408;
  // The ledger's disk is full or failed: nothing was acknowledged, submit
  // again later (Retry-After).
  if (reason == "too_many_connections" || reason == "stale" || reason == "storage_full" ||
      reason == "storage_error") {
    return 503;
  }
  switch (status.code()) {
    case StatusCode::kOk: break;
    case StatusCode::kInvalidArgument: return 400;
    case StatusCode::kNotFound: return 404;
    case StatusCode::kAlreadyExists: return 409;
    case StatusCode::kVerificationFailed: return 422;
    case StatusCode::kResourceExhausted: return 413;
    case StatusCode::kPermissionDenied: return 403;
    case StatusCode::kIOError: return 503;
    case StatusCode::kCorruption: return 500;
    case StatusCode::kInternal: return 500;
  }
  std::abort();  // precondition: not OK
}

std::string ErrorCodeOf(const Status& status) {
  if (!status.reason().empty()) return status.reason();
  // "InvalidArgument" -> "invalid_argument", "IOError" -> "io_error".
  std::string_view name = StatusCodeName(status.code());
  std::string out;
  for (std::size_t i = 0; i < name.size(); ++i) {
    const char c = name[i];
    const bool upper = std::isupper(static_cast<unsigned char>(c)) != 0;
    // A word starts at an upper-case letter followed by a lower-case one
    // ("IOError": "IO" + "Error"), or after a lower-case letter.
    if (upper && i > 0 &&
        (std::islower(static_cast<unsigned char>(name[i - 1])) != 0 ||
         (i + 1 < name.size() && std::islower(static_cast<unsigned char>(name[i + 1])) != 0))) {
      out.push_back('_');
    }
    out.push_back(static_cast<char>(std::tolower(static_cast<unsigned char>(c))));
  }
  return out;
}

HttpResponse ErrorResponse(const Status& status) {
  HttpResponse response;
  response.status = HttpStatusOf(status);
  response.content_type = std::string(kJsonContentType);
  JsonWriter w;
  w.BeginObject();
  w.Key("error").String(ErrorCodeOf(status));
  w.Key("reason").String(status.message());
  w.EndObject();
  response.body = std::move(w).Take() + "\n";
  response.headers.emplace_back("Cache-Control", "no-store");
  if (response.status == 503) response.headers.emplace_back("Retry-After", "5");
  return response;
}

std::string_view HttpResponse::Header(std::string_view name) const {
  for (const auto& [key, value] : headers) {
    if (key.size() != name.size()) continue;
    bool same = true;
    for (std::size_t i = 0; i < key.size() && same; ++i) {
      same = std::tolower(static_cast<unsigned char>(key[i])) ==
             std::tolower(static_cast<unsigned char>(name[i]));
    }
    if (same) return value;
  }
  return {};
}

}  // namespace certledger
