// The verifier's HTTP API as a pure function: HandleRequest() turns one
// request into one response, with no sockets involved (DESIGN.md, "Read
// API" and "Verifier API"; the routes and JSON shapes are written down at
// the top of verifier/api_handler.cpp). The Beast server (http_server.h)
// reads requests off the network and writes the responses back; tests call
// HandleRequest() directly.
//
// Errors: every failure is a JSON body {"error": <code>, "reason": <text>}
// whose HTTP status comes from HttpStatusOf(), the one place where Status
// codes become HTTP statuses.
//
// Thread safety: HandleRequest() may run on any number of threads at once
// for one ApiContext, as long as the context's members are not changed
// meanwhile (the Ledger and VerifierMetrics are thread-safe).
#ifndef CERTLEDGER_VERIFIER_API_H_
#define CERTLEDGER_VERIFIER_API_H_

#include <cstdint>
#include <functional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/ledger_store.h"
#include "certledger/status.h"
#include "certledger/verify.h"

namespace certledger {

class VerifierMetrics;

// One HTTP request, as far as the API looks at it. Plain value.
struct HttpRequest {
  std::string method = {};           // "GET", "POST", ... (case-sensitive, RFC 9110 9.1)
  std::string target = {};           // the request target: "/path?query", or absolute form
  std::string content_type = {};     // the Content-Type field, "" if absent
  std::string body = {};
  std::string accept_encoding = {};  // the Accept-Encoding field, "" if absent
};

// One HTTP response. Plain value.
struct HttpResponse {
  int status = 200;
  std::string content_type;
  std::string body;
  // Further header fields (Cache-Control, Allow, ...), in order.
  std::vector<std::pair<std::string, std::string>> headers;
  // The route that answered, as a metrics label: "/api/v1/verify",
  // "/tile/{L}/{N}", ...; "other" when no route matched.
  std::string route = "other";

  // The value of header field `name` (case-insensitive), "" if absent.
  std::string_view Header(std::string_view name) const;
};

// The content types the API answers with (DESIGN.md, "Pinned details").
inline constexpr std::string_view kJsonContentType = "application/json";
inline constexpr std::string_view kCheckpointContentType = "text/plain; charset=utf-8";
inline constexpr std::string_view kTileContentType = "application/octet-stream";
// Prometheus text exposition format 0.0.4.
inline constexpr std::string_view kMetricsContentType = "text/plain; version=0.0.4; charset=utf-8";

// What the handler serves from. The members must stay valid while requests
// are handled.
struct ApiContext {
  // The latest view of the log: Ledger::Snapshot() for the writer,
  // LedgerFollower::Latest() for a read-only verifier. An error (e.g. a
  // stale copy) makes verification answer "indeterminate" and the other
  // read endpoints answer 503.
  std::function<Result<LedgerSnapshot>()> snapshot;
  // The writer, which POST /api/v1/records feeds; nullptr in read-only
  // mode, where that endpoint answers 405.
  Ledger* ledger = nullptr;
  // The regulator (its key signs accreditations; its name is their iss)
  // and the log (its key signs checkpoints; its name is the origin).
  NamedPublicKey regulator;
  NamedPublicKey log_key;
  // This verifier's public base URL, e.g. "https://verify.example.cn"; a
  // scanned code naming another base is flagged (DESIGN.md, "Verifier API").
  std::string public_url;
  // The clock, seconds since the epoch; empty: the system clock.
  std::function<std::uint64_t()> now;
  // Since when the snapshots' revocation data is known current, in
  // milliseconds since the epoch: a read-only verifier's last catch-up
  // (LedgerFollower::caught_up_unix_ms; a snapshot taken just before one
  // may be older by one catch-up interval). Empty: the writer, whose
  // snapshots are current, so `now`.
  std::function<std::uint64_t()> ledger_as_of_ms;
  // Counts verdicts and renders GET /metrics; may be nullptr (then
  // /metrics answers 404).
  VerifierMetrics* metrics = nullptr;
  // Applied to each verification against the ledger before it is answered
  // (POST /api/v1/verify, and so the page /v); may be empty. `certledger
  // serve --witness-key` uses it to count only entries that a checkpoint
  // with the required witness cosignatures covers.
  std::function<void(Verification&, const LedgerSnapshot&)> review_verification;
};

// Answers one request. Never throws for any input (std::bad_alloc aside);
// bad input gets a 4xx JSON error naming the problem.
HttpResponse HandleRequest(const HttpRequest& request, ApiContext& context);

// Whether HandleRequest answers `request` with CPU work and ledger reads
// only, in well under a millisecond: true for everything but POST
// /api/v1/records (waits until the record is durable) and POST
// /api/v1/scan (decodes a photo: milliseconds). `certledger serve` answers
// these on its I/O threads (ServerOptions::answer_in_place).
bool AnswersWithoutWaiting(const HttpRequest& request);

// The HTTP status for a failed operation, by the Status's reason() first,
// then its code:
//   reason too_large, leaf_too_large, body_too_large      413
//   reason header_too_large                                431
//   reason unsupported_media_type                          415
//   reason method_not_allowed, read_only                   405
//   reason timeout                                         408
//   reason too_many_connections, stale, storage_full,
//          storage_error (then also Retry-After: 5)        503
//   InvalidArgument 400, NotFound 404, AlreadyExists 409,
//   VerificationFailed 422, ResourceExhausted 413, PermissionDenied 403,
//   IOError 503, Corruption 500, Internal 500.
// Precondition: !status.ok().
int HttpStatusOf(const Status& status);

// The "error" code of a failed operation: its reason() if set, else the
// code in snake case ("invalid_argument", "not_found", ...).
std::string ErrorCodeOf(const Status& status);

// The JSON error response {"error": ErrorCodeOf, "reason": message} with
// status HttpStatusOf(status). Precondition: !status.ok().
HttpResponse ErrorResponse(const Status& status);

}  // namespace certledger

#endif  // CERTLEDGER_VERIFIER_API_H_
