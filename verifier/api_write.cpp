// POST /api/v1/verify and POST /api/v1/records (shapes at the top of
// verifier/api_handler.cpp).
#include "certledger/qr_payload.h"
#include "certledger/verifier_metrics.h"
#include "verifier/api_internal.h"

namespace certledger::api {
namespace {

Status UnsupportedMediaType(std::string_view endpoint, std::string_view wanted,
                            std::string_view got) {
  return Status::InvalidArgument(std::string(endpoint) + " takes " + std::string(wanted) +
                                 (got.empty() ? ", but the request has no Content-Type"
                                              : ", got \"" + std::string(got.substr(0, 100)) + "\""))
      .WithReason("unsupported_media_type");
}

void Count(ApiContext& context, VerifierMetrics::RecordResult result) {
  if (context.metrics != nullptr) context.metrics->CountRecord(result);
}

}  // namespace

HttpResponse ServeVerify(const HttpRequest& request, ApiContext& context) {
  if (!MediaTypeIs(request.content_type, "text/plain")) {
    return ErrorResponse(UnsupportedMediaType("POST /api/v1/verify",
                                              "text/plain (the scanned QR text)",
                                              request.content_type));
  }
  if (request.body.find_first_not_of(" \t\r\n") == std::string::npos) {
    return ErrorResponse(Status::InvalidArgument("the request body is empty: send the scanned "
                                                 "QR text (the URL or the part after '#')")
                             .WithReason("empty_body"));
  }
  if (request.body.size() > kMaxQrTextSize) {
    return ErrorResponse(Status::InvalidArgument("the QR text is longer than " +
                                                 std::to_string(kMaxQrTextSize) + " bytes")
                             .WithReason("too_large"));
  }
  Verification v;
  if (auto snapshot = SnapshotOf(context); snapshot.ok()) {
    v = VerifyWithLedger(request.body, *snapshot, context.regulator.key, context.log_key,
                         NowSeconds(context));
    if (context.review_verification) context.review_verification(v, *snapshot);
  } else {
    v.verdict = Verdict::kIndeterminate;
    v.reason = "the ledger could not be read: " + snapshot.status().ToString();
    v.qr_base_url = QrUrlBase(request.body);
  }
  if (context.metrics != nullptr) context.metrics->CountVerdict(v.verdict);
  return JsonResponse(200, VerificationJson(v, context), kNoStore);
}

HttpResponse ServeSubmit(const HttpRequest& request, ApiContext& context) {
  if (context.ledger == nullptr) {
    HttpResponse response = ErrorResponse(
        Status::PermissionDenied("this verifier serves a read-only copy of the ledger; submit "
                                 "records to the ledger's writer")
            .WithReason("read_only"));
    response.headers.emplace_back("Allow", "");  // RFC 9110 10.2.1: no method is allowed
    return response;
  }
  if (!MediaTypeIs(request.content_type, "application/cose")) {
    return ErrorResponse(UnsupportedMediaType("POST /api/v1/records",
                                              "application/cose (a signed COSE_Sign1 record)",
                                              request.content_type));
  }
  if (request.body.empty()) {
    return ErrorResponse(
        Status::InvalidArgument("the request body is empty: send the signed record's bytes")
            .WithReason("empty_body"));
  }
  if (request.body.size() > kMaxRecordBytes) {
    Count(context, VerifierMetrics::RecordResult::kRefused);
    return ErrorResponse(Status::InvalidArgument("the record has " +
                                                 std::to_string(request.body.size()) +
                                                 " bytes; at most " +
                                                 std::to_string(kMaxRecordBytes) + " fit in a leaf")
                             .WithReason("too_large"));
  }
  auto appended = context.ledger->Submit(ToBytes(request.body));
  if (!appended.ok()) {
    Count(context, VerifierMetrics::RecordResult::kRefused);
    return ErrorResponse(appended.status());
  }
  Count(context, appended->duplicate ? VerifierMetrics::RecordResult::kDuplicate
                                     : VerifierMetrics::RecordResult::kAppended);
  // The proof is against the newest checkpoint, which covers the entry.
  auto snapshot = context.ledger->Snapshot();
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  auto proof = snapshot->InclusionProof(appended->index, snapshot->size());
  if (!proof.ok()) return ErrorResponse(proof.status());

  JsonWriter w;
  w.BeginObject();
  w.Key("index").Uint(appended->index);
  w.Key("leaf_hash").String(Base64Encode(appended->leaf_hash));
  w.Key("duplicate").Bool(appended->duplicate);
  w.Key("tree_size").Uint(snapshot->size());
  w.Key("checkpoint").String(snapshot->checkpoint());
  w.Key("inclusion_proof");
  WriteInclusionProof(w, appended->index, snapshot->size(), *proof);
  w.EndObject();
  HttpResponse response =
      JsonResponse(appended->duplicate ? 200 : 201, std::move(w).Take(), kNoStore);
  if (!appended->duplicate) {
    response.headers.emplace_back("Location",
                                  "/api/v1/entries/" + std::to_string(appended->index));
  }
  return response;
}

}  // namespace certledger::api
