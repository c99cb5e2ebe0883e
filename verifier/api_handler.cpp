// The verifier's routes (DESIGN.md, "Read API", "Verifier API", "Pinned
// details"). GET routes also answer HEAD. Every error is the JSON object
// {"error": code, "reason": text} (verifier/http_status.cpp).
//
//   GET  /checkpoint                      text/plain; charset=utf-8, the signed checkpoint
//   GET  /tile/<L>/<N>[.p/<W>]            application/octet-stream, C2SP hash tile
//   GET  /tile/entries/<N>[.p/<W>]        application/octet-stream, C2SP entry bundle
//                                         (gzip when Accept-Encoding allows it)
//   GET  /v                               the verification page (verifier/page.cpp)
//   POST /api/v1/verify                   text/plain QR text -> verification
//   POST /api/v1/scan                     image/png or image/jpeg photo -> {"text": QR text}
//                                         (verifier/api_scan.cpp: its errors, the limits)
//   POST /api/v1/records                  application/cose record -> appended entry
//   GET  /api/v1/certificates/<number>    certificate status (%XX-encoded number)
//   GET  /api/v1/proof/inclusion?index=I&size=S
//   GET  /api/v1/proof/consistency?old=M&size=N
//   GET  /api/v1/entries/<index>
//   GET  /api/v1/issuers
//   GET  /healthz                         JSON
//   GET  /metrics                         Prometheus text format 0.0.4
//
// JSON answers (application/json). Hashes and byte strings are standard
// padded base64 (RFC 4648 section 4), times are seconds since the epoch
// unless named *_ms, dates "YYYY-MM-DD", kids lower-case hex; members that
// do not apply are left out:
//
//   entry        {"index": i, "leaf": b64}
//   inclusion    {"index": i, "size": s, "hashes": [b64, ...]}     RFC 9162 2.1.3, leaf to root
//   consistency  {"old": m, "size": n, "hashes": [b64, ...]}       RFC 9162 2.1.4
//   verification {"verdict": v, "verdict_text": names, "reason": text,
//                 "ledger_checked": bool, "ledger_as_of": rfc3339,
//                 "certificate": certificate,
//                 "issuer": {"body", "name_zh", "name_en", "status", "from", "until"},
//                 "holder": {"name", "id_masked"},
//                 "index": i, "leaf_hash": b64, "logged_at_ms": t,
//                 "tree_size": s, "checkpoint": text, "inclusion_proof": inclusion,
//                 "revocation": revocation,
//                 "qr_base_url": url, "foreign_host": bool}
//                 ledger_as_of (with ledger_checked): since when the revocation
//                 data the answer used is known current, UTC, e.g.
//                 "2026-11-22T02:30:00Z" (ApiContext::ledger_as_of_ms)
//   appended     {"index": i, "leaf_hash": b64, "duplicate": bool, "tree_size": s,
//                 "checkpoint": text, "inclusion_proof": inclusion}
//                 201 (Location: /api/v1/entries/<i>), or 200 for a duplicate
//   status       {"number": n, "status": "logged" / "revoked", "expired": bool,
//                 "index": i, "logged_at_ms": t, "leaf_hash": b64, "tree_size": s,
//                 "certificate": certificate, "revocation": revocation}
//   issuers      {"tree_size": s,
//                 "log": {"origin", "verifier_key", "kid", "public_key"},
//                 "keys": [key, ...]}
//   key          {"kid": hex, "public_key": b64, "role": "regulator" / "issuer",
//                 "body": id, "name_zh", "name_en", "from", "until", "revoked",
//                 "accreditation": {"index", "logged_at_ms", "status", "from", "until"},
//                 "scope": {"occupations": [...], "series": [...], "levels": [...]}}
//   certificate  {"number", "type", "type_name", "level", "level_name", "route",
//                 "route_name", "issued", "evaluated", "expires", "occupation",
//                 "occupation_name", "work_type", "project", "series", "specialty",
//                 "committee", "foreign", "iss", "iat", "kid"}
//   revocation   {"index", "reason", "reason_name", "at", "by", "revoked_by"}
//   names        {"zh": text, "en": text}
//   scanned      {"text": text}    the first QR code zbar finds in the photo, UTF-8
//   health       {"status": "ok", "tree_size": s, "origin": text, "read_only": bool,
//                 "writable": bool, "write_error": text}
//                 writable (the writer only): false after a write to the store
//                 failed (full or read-only disk), with the error, until a
//                 later write succeeds; reads are served either way
//
// Verdicts are answers, not errors: POST /api/v1/verify answers 200 for
// every verdict, "malformed" and "indeterminate" included.
#include <array>
#include <functional>

#include "certledger/tile_path.h"
#include "certledger/verifier_metrics.h"
#include "verifier/api_internal.h"

namespace certledger {
namespace {

using api::JsonResponse;

enum Methods : unsigned { kGet = 1, kPost = 2 };

std::string AllowOf(unsigned methods) {
  return methods == kPost ? "POST" : "GET, HEAD";
}

Status MethodNotAllowed(const HttpRequest& request, std::string_view path) {
  return Status::InvalidArgument("method " + request.method + " is not allowed on " +
                                 std::string(path))
      .WithReason("method_not_allowed");
}

HttpResponse ServeCheckpoint(ApiContext& context) {
  auto snapshot = api::SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  if (snapshot->checkpoint().empty()) {
    return ErrorResponse(
        Status::IOError("the log has no signed checkpoint yet").WithReason("no_checkpoint"));
  }
  HttpResponse response;
  response.content_type = std::string(kCheckpointContentType);
  response.body = snapshot->checkpoint();
  response.headers.emplace_back("Cache-Control", std::string(api::kShortLived));
  return response;
}

HttpResponse ServeTile(const HttpRequest& request, std::string_view path, ApiContext& context) {
  auto tile = ParseTilePath(path.substr(1));  // without the leading '/'
  if (!tile.ok()) return ErrorResponse(tile.status());
  auto snapshot = api::SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  auto bytes = snapshot->Read(*tile);
  if (!bytes.ok()) {
    if (bytes.status().Is(StatusCode::kNotFound)) {
      return ErrorResponse(Status::NotFound(std::string(path.substr(1)) +
                                            " is not in the tree of size " +
                                            std::to_string(snapshot->size())));
    }
    return ErrorResponse(bytes.status());
  }
  HttpResponse response;
  response.content_type = std::string(kTileContentType);
  response.body.assign(bytes->begin(), bytes->end());
  // Full and partial tiles alike never change (C2SP tlog-tiles: "This
  // endpoint is immutable, so its caching headers SHOULD be long-lived").
  response.headers.emplace_back("Cache-Control", std::string(api::kImmutable));
  if (tile->entries) {
    // "Entry bundles SHOULD be compressed at the HTTP layer."
    response.headers.emplace_back("Vary", "Accept-Encoding");
    if (api::AcceptsGzip(request.accept_encoding)) {
      auto gzipped = api::Gzip(response.body);
      if (!gzipped.ok()) return ErrorResponse(gzipped.status());
      response.body = std::move(*gzipped);
      response.headers.emplace_back("Content-Encoding", "gzip");
    }
  }
  return response;
}

HttpResponse ServeHealth(ApiContext& context) {
  auto snapshot = api::SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  JsonWriter w;
  w.BeginObject();
  w.Key("status").String("ok");
  w.Key("tree_size").Uint(snapshot->size());
  w.Key("origin").String(context.log_key.name);
  w.Key("read_only").Bool(context.ledger == nullptr);
  if (context.ledger != nullptr) {
    // A writer whose last write failed (a full or read-only disk) still
    // serves reads; it says so here.
    const Status write_error = context.ledger->write_error();
    w.Key("writable").Bool(write_error.ok());
    if (!write_error.ok()) w.Key("write_error").String(write_error.message());
  }
  w.EndObject();
  return JsonResponse(200, std::move(w).Take(), api::kNoStore);
}

HttpResponse ServeMetrics(ApiContext& context) {
  if (context.metrics == nullptr) {
    return ErrorResponse(Status::NotFound("this verifier keeps no metrics"));
  }
  VerifierMetrics::Gauges gauges;
  if (auto snapshot = api::SnapshotOf(context); snapshot.ok()) gauges.tree_size = snapshot->size();
  if (context.ledger != nullptr) gauges.queue_depth = context.ledger->queue_depth();
  gauges.read_only = context.ledger == nullptr;
  HttpResponse response;
  response.content_type = std::string(kMetricsContentType);
  response.body = context.metrics->Render(gauges);
  response.headers.emplace_back("Cache-Control", std::string(api::kNoStore));
  return response;
}

// One route: an exact path or a prefix followed by one parameter.
struct Route {
  std::string_view pattern;  // the metrics label
  std::string_view path;     // exact path, or the prefix when `prefix`
  bool prefix;
  unsigned methods;
  std::function<HttpResponse(const HttpRequest&, const api::Target&, std::string_view param,
                             ApiContext&)>
      serve;
};

const std::vector<Route>& Routes() {
  using R = HttpResponse;
  using T = api::Target;
  using Q = HttpRequest;
  using C = ApiContext;
  using P = std::string_view;
  static const std::vector<Route> routes = {
      {"/checkpoint", "/checkpoint", false, kGet,
       [](const Q&, const T&, P, C& c) -> R { return ServeCheckpoint(c); }},
      {"/tile/entries/{N}", "/tile/entries/", true, kGet,
       [](const Q& q, const T& t, P, C& c) -> R { return ServeTile(q, t.path, c); }},
      {"/tile/{L}/{N}", "/tile/", true, kGet,
       [](const Q& q, const T& t, P, C& c) -> R { return ServeTile(q, t.path, c); }},
      {"/v", "/v", false, kGet,
       [](const Q& q, const T&, P, C& c) -> R { return api::ServeVerificationPage(q, c); }},
      {"/api/v1/verify", "/api/v1/verify", false, kPost,
       [](const Q& q, const T&, P, C& c) -> R { return api::ServeVerify(q, c); }},
      {"/api/v1/scan", "/api/v1/scan", false, kPost,
       [](const Q& q, const T&, P, C& c) -> R { return api::ServeScan(q, c); }},
      {"/api/v1/records", "/api/v1/records", false, kPost,
       [](const Q& q, const T&, P, C& c) -> R { return api::ServeSubmit(q, c); }},
      {"/api/v1/certificates/{number}", "/api/v1/certificates/", true, kGet,
       [](const Q&, const T&, P p, C& c) -> R { return api::ServeCertificate(p, c); }},
      {"/api/v1/proof/inclusion", "/api/v1/proof/inclusion", false, kGet,
       [](const Q&, const T& t, P, C& c) -> R { return api::ServeInclusionProof(t.query, c); }},
      {"/api/v1/proof/consistency", "/api/v1/proof/consistency", false, kGet,
       [](const Q&, const T& t, P, C& c) -> R { return api::ServeConsistencyProof(t.query, c); }},
      {"/api/v1/entries/{index}", "/api/v1/entries/", true, kGet,
       [](const Q&, const T&, P p, C& c) -> R { return api::ServeEntry(p, c); }},
      {"/api/v1/issuers", "/api/v1/issuers", false, kGet,
       [](const Q&, const T&, P, C& c) -> R { return api::ServeIssuers(c); }},
      {"/healthz", "/healthz", false, kGet,
       [](const Q&, const T&, P, C& c) -> R { return ServeHealth(c); }},
      {"/metrics", "/metrics", false, kGet,
       [](const Q&, const T&, P, C& c) -> R { return ServeMetrics(c); }},
  };
  return routes;
}

HttpResponse Dispatch(const HttpRequest& request, ApiContext& context) {
  auto target = api::ParseTarget(request.target);
  if (!target.ok()) return ErrorResponse(target.status());
  const std::string& path = target->path;
  for (const Route& route : Routes()) {
    std::string_view param;
    if (route.prefix) {
      if (path.size() <= route.path.size() || path.compare(0, route.path.size(), route.path) != 0) {
        continue;
      }
      param = std::string_view(path).substr(route.path.size());
    } else if (path != route.path) {
      continue;
    }
    const bool get = request.method == "GET" || request.method == "HEAD";
    const bool allowed = ((route.methods & kGet) != 0 && get) ||
                         ((route.methods & kPost) != 0 && request.method == "POST");
    HttpResponse response;
    if (!allowed) {
      response = ErrorResponse(MethodNotAllowed(request, path));
      response.headers.emplace_back("Allow", AllowOf(route.methods));
    } else {
      response = route.serve(request, *target, param, context);
    }
    response.route = std::string(route.pattern);
    return response;
  }
  return ErrorResponse(Status::NotFound("no such resource: " + request.method + " " +
                                        (path.size() > 200 ? path.substr(0, 200) + "..." : path)));
}

}  // namespace

bool AnswersWithoutWaiting(const HttpRequest& request) {
  if (request.method != "POST") return true;
  auto target = api::ParseTarget(request.target);
  if (!target.ok()) return true;  // an error answer
  return target->path != "/api/v1/records" && target->path != "/api/v1/scan";
}

HttpResponse HandleRequest(const HttpRequest& request, ApiContext& context) {
  HttpResponse response = Dispatch(request, context);
  // The read API may be fetched from any origin (a mirror, an auditor's
  // page); nothing here depends on cookies or credentials.
  response.headers.emplace_back("Access-Control-Allow-Origin", "*");
  return response;
}

}  // namespace certledger
