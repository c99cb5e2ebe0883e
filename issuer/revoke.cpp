#include "certledger/revoke.h"

#include "certledger/numbering.h"

namespace certledger {
namespace {

// The stored revocation of the same request, if any: same number, reason
// and successor (the time may differ: a retry comes later).
std::optional<Bytes> StoredFor(const RevocationRequest& request, const IssuerStore& store) {
  for (const StoredRevocation* stored : store.FindRevocations(request.number)) {
    auto parsed = ParseRecord(stored->record);
    if (!parsed.ok() || parsed->revocation() == nullptr) continue;
    const Revocation& r = *parsed->revocation();
    if (r.reason == request.reason && r.by == request.by) return stored->record;
  }
  return std::nullopt;
}

}  // namespace

Result<Bytes> PrepareRevocation(const RevocationRequest& request, const std::string& iss,
                                const SecretKey& key, IssuerStore* store) {
  CL_RETURN_IF_ERROR(CheckNumberCharacters(request.number));
  if (request.reason == RevocationReason::kSuperseded && !request.by) {
    return Status::InvalidArgument(
        "reason superseded needs the superseding certificate's number");
  }
  if (request.reason != RevocationReason::kSuperseded && request.by) {
    return Status::InvalidArgument("only reason superseded names a superseding certificate");
  }
  if (request.by) {
    CL_RETURN_IF_ERROR(CheckNumberCharacters(*request.by));
    if (*request.by == request.number) {
      return Status::InvalidArgument("a certificate cannot supersede itself");
    }
  }
  if (store != nullptr) {
    for (const std::string* n : {&request.number, request.by ? &*request.by : nullptr}) {
      if (n != nullptr && store->FindCertificate(*n) == nullptr) {
        return Status::NotFound("certificate " + *n + " is not in this issuer's store");
      }
    }
    if (auto stored = StoredFor(request, *store)) return *stored;
  }
  Revocation revocation{request.number, request.reason, request.at, request.by};
  CL_ASSIGN_OR_RETURN(SignedRecord signed_record,
                      SignRecord(revocation,
                                 cwt::Claims{iss, request.signed_at != 0 ? request.signed_at : request.at,
                                             std::nullopt, {}},
                                 key));
  if (store != nullptr) {
    CL_RETURN_IF_ERROR(
        store->Append({}, {StoredRevocation{request.number, signed_record.bytes, request.at}}));
  }
  return std::move(signed_record.bytes);
}

Result<SinkReceipt> RevokeCertificate(const RevocationRequest& request, const std::string& iss,
                                      const SecretKey& key, IssuerStore* store,
                                      RecordSink& sink) {
  CL_ASSIGN_OR_RETURN(Bytes record, PrepareRevocation(request, iss, key, store));
  std::vector<Bytes> records;
  records.push_back(std::move(record));
  auto results = sink.Submit(std::move(records));
  if (results.size() != 1) return Status::Internal("the sink answered no result");
  return std::move(results[0]);
}

}  // namespace certledger
