// Pieces shared by the files of the API handler (not a public header): the
// request parsing helpers, the endpoint functions, and the JSON of the
// domain objects. The shapes are written down at the top of
// verifier/api_handler.cpp.
#ifndef CERTLEDGER_VERIFIER_API_INTERNAL_H_
#define CERTLEDGER_VERIFIER_API_INTERNAL_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/json_writer.h"
#include "certledger/record.h"
#include "certledger/verifier_api.h"
#include "certledger/verify.h"

namespace certledger::api {

// Cache-Control values.
inline constexpr std::string_view kNoStore = "no-store";
inline constexpr std::string_view kImmutable = "public, max-age=31536000, immutable";
// C2SP tlog-tiles: the checkpoint's headers "SHOULD prevent caching beyond
// a few seconds".
inline constexpr std::string_view kShortLived = "public, max-age=2";

// ------------------------------------------------------------ requests

// The path (as sent, not decoded) and the query (without '?') of a request
// target in origin form "/path?query" or absolute form
// "http://host/path?query" (RFC 9112 section 3.2). InvalidArgument for
// anything else.
struct Target {
  std::string path;
  std::string query;
};
[[nodiscard]] Result<Target> ParseTarget(std::string_view target);

// %XX-decodes `text` (RFC 3986 section 2.1; '+' stays '+').
// InvalidArgument naming `what` for a '%' not followed by two hex digits.
[[nodiscard]] Result<std::string> PercentDecode(std::string_view what, std::string_view text);

// A canonical unsigned decimal number: digits only, no sign, no leading
// zero (but "0"), at most 2^64 - 1. InvalidArgument naming `what` otherwise.
[[nodiscard]] Result<std::uint64_t> ParseDecimal(std::string_view what, std::string_view text);

// The value of query parameter `name` (percent-decoded); nullopt if
// absent; InvalidArgument if it is given twice or badly encoded.
[[nodiscard]] Result<std::optional<std::string>> QueryParam(std::string_view query,
                                                            std::string_view name);
// A required canonical decimal parameter.
[[nodiscard]] Result<std::uint64_t> DecimalParam(std::string_view query, std::string_view name);

// True if the media type of `content_type` (before any ';', trimmed,
// case-insensitive) is `type`.
bool MediaTypeIs(std::string_view content_type, std::string_view type);

// True if an Accept-Encoding field value accepts gzip (q > 0).
bool AcceptsGzip(std::string_view accept_encoding);
// `data` as one gzip member (RFC 1952). Internal if zlib fails.
[[nodiscard]] Result<std::string> Gzip(std::string_view data);

// ------------------------------------------------------------ responses

// A 2xx response with `body` (a JSON document; a line feed is added).
HttpResponse JsonResponse(int status, std::string body, std::string_view cache_control);

// The snapshot to serve from, or the error to answer with.
[[nodiscard]] Result<LedgerSnapshot> SnapshotOf(ApiContext& context);

std::uint64_t NowSeconds(const ApiContext& context);

// ------------------------------------------------------------ endpoints

HttpResponse ServeVerify(const HttpRequest& request, ApiContext& context);
HttpResponse ServeSubmit(const HttpRequest& request, ApiContext& context);
HttpResponse ServeEntry(std::string_view index_text, ApiContext& context);
HttpResponse ServeInclusionProof(std::string_view query, ApiContext& context);
HttpResponse ServeConsistencyProof(std::string_view query, ApiContext& context);
HttpResponse ServeCertificate(std::string_view number_text, ApiContext& context);
HttpResponse ServeIssuers(ApiContext& context);
// GET /v, the verification page (verifier/page.cpp).
HttpResponse ServeVerificationPage(const HttpRequest& request, ApiContext& context);
// POST /api/v1/scan, a photo's QR code to text (verifier/api_scan.cpp).
HttpResponse ServeScan(const HttpRequest& request, ApiContext& context);

// ------------------------------------------------------------ JSON

// {"zh": ..., "en": ...}
void WriteNames(JsonWriter& w, std::string_view zh, std::string_view en);
// The certificate object: its fields, never the holder commitments.
void WriteCertificate(JsonWriter& w, const SignedRecord& record, const Certificate& c);
void WriteRevocation(JsonWriter& w, std::uint64_t index, const Revocation& r,
                     std::string_view revoked_by);
void WriteScope(JsonWriter& w, const Scope& scope);
// {"index": i, "size": s, "hashes": [base64...]}
void WriteInclusionProof(JsonWriter& w, std::uint64_t index, std::uint64_t size,
                         const std::vector<Hash256>& hashes);
void WriteHashes(JsonWriter& w, const std::vector<Hash256>& hashes);
// The answer of POST /api/v1/verify.
std::string VerificationJson(const Verification& v, const ApiContext& context);

// True if `qr_base` names another site than `public_url` (scheme and host
// compared case-insensitively, the path exactly, trailing '/' ignored).
bool IsForeignBase(std::string_view qr_base, std::string_view public_url);

}  // namespace certledger::api

#endif  // CERTLEDGER_VERIFIER_API_INTERNAL_H_
