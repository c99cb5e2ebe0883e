// The JSON read endpoints: entries, proofs, certificate status, issuers
// (shapes at the top of verifier/api_handler.cpp).
#include "certledger/leaf.h"
#include "certledger/merkle.h"
#include "verifier/api_internal.h"

namespace certledger::api {
namespace {

// The logged entry at `index`: its leaf and the record inside.
struct LoggedRecord {
  Leaf leaf;
  Hash256 leaf_hash{};
  SignedRecord record;
};

Result<LoggedRecord> ReadRecord(const LedgerSnapshot& snapshot, std::uint64_t index) {
  CL_ASSIGN_OR_RETURN(Bytes bytes, snapshot.Entry(index));
  const std::string where = "entry " + std::to_string(index) + ": ";
  auto leaf = DecodeLeaf(bytes);
  if (!leaf.ok()) return Status::Corruption(where + leaf.status().message());
  auto record = ParseRecord(leaf->record);
  if (!record.ok()) return Status::Corruption(where + record.status().message());
  return LoggedRecord{std::move(*leaf), HashLeaf(bytes), std::move(*record)};
}

// A tree size that a client asks about, against the one served.
Status CheckSize(std::uint64_t size, const LedgerSnapshot& snapshot) {
  if (size > snapshot.size()) {
    return Status::NotFound("size " + std::to_string(size) + " is beyond the log's tree size " +
                            std::to_string(snapshot.size()))
        .WithReason("beyond_tree");
  }
  return Status::OK();
}

void WriteKey(JsonWriter& w, const PublicKey& key) {
  w.Key("kid").String(HexEncode(key.Id()));
  w.Key("public_key").String(Base64Encode(key.view()));
}

}  // namespace

HttpResponse ServeEntry(std::string_view index_text, ApiContext& context) {
  auto index = ParseDecimal("the entry index", index_text);
  if (!index.ok()) return ErrorResponse(index.status());
  auto snapshot = SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  if (*index >= snapshot->size()) {
    return ErrorResponse(Status::NotFound("entry " + std::to_string(*index) +
                                          " is beyond the log's tree size " +
                                          std::to_string(snapshot->size())));
  }
  auto leaf = snapshot->Entry(*index);
  if (!leaf.ok()) return ErrorResponse(leaf.status());
  JsonWriter w;
  w.BeginObject();
  w.Key("index").Uint(*index);
  w.Key("leaf").String(Base64Encode(*leaf));
  w.EndObject();
  return JsonResponse(200, std::move(w).Take(), kImmutable);
}

HttpResponse ServeInclusionProof(std::string_view query, ApiContext& context) {
  auto index = DecimalParam(query, "index");
  if (!index.ok()) return ErrorResponse(index.status());
  auto size = DecimalParam(query, "size");
  if (!size.ok()) return ErrorResponse(size.status());
  if (*index >= *size) {
    return ErrorResponse(Status::InvalidArgument("index " + std::to_string(*index) +
                                                 " is not below size " + std::to_string(*size)));
  }
  auto snapshot = SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  if (Status s = CheckSize(*size, *snapshot); !s.ok()) return ErrorResponse(s);
  auto proof = snapshot->InclusionProof(*index, *size);
  if (!proof.ok()) return ErrorResponse(proof.status());
  JsonWriter w;
  WriteInclusionProof(w, *index, *size, *proof);
  return JsonResponse(200, std::move(w).Take(), kImmutable);
}

HttpResponse ServeConsistencyProof(std::string_view query, ApiContext& context) {
  auto old_size = DecimalParam(query, "old");
  if (!old_size.ok()) return ErrorResponse(old_size.status());
  auto size = DecimalParam(query, "size");
  if (!size.ok()) return ErrorResponse(size.status());
  if (*old_size > *size) {
    return ErrorResponse(Status::InvalidArgument("old size " + std::to_string(*old_size) +
                                                 " exceeds size " + std::to_string(*size)));
  }
  auto snapshot = SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  if (Status s = CheckSize(*size, *snapshot); !s.ok()) return ErrorResponse(s);
  auto proof = snapshot->ConsistencyProof(*old_size, *size);
  if (!proof.ok()) return ErrorResponse(proof.status());
  JsonWriter w;
  w.BeginObject();
  w.Key("old").Uint(*old_size);
  w.Key("size").Uint(*size);
  w.Key("hashes");
  WriteHashes(w, *proof);
  w.EndObject();
  return JsonResponse(200, std::move(w).Take(), kImmutable);
}

HttpResponse ServeCertificate(std::string_view number_text, ApiContext& context) {
  auto number = PercentDecode("the certificate number", number_text);
  if (!number.ok()) return ErrorResponse(number.status());
  if (number->empty() || number->size() > kMaxIndexKeyBytes) {
    return ErrorResponse(Status::InvalidArgument("a certificate number has 1 to " +
                                                 std::to_string(kMaxIndexKeyBytes) + " bytes"));
  }
  auto snapshot = SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  auto status = snapshot->StatusOf(*number);
  if (!status.ok()) return ErrorResponse(status.status());
  if (!status->certificate_index) {
    return ErrorResponse(Status::NotFound("the log holds no certificate numbered \"" + *number +
                                          "\"")
                             .WithReason("unknown_certificate"));
  }
  auto cert = ReadRecord(*snapshot, *status->certificate_index);
  if (!cert.ok()) return ErrorResponse(cert.status());
  const Certificate* c = cert->record.certificate();
  if (c == nullptr) {
    return ErrorResponse(Status::Corruption("entry " + std::to_string(*status->certificate_index) +
                                            " is indexed as a certificate but holds a " +
                                            std::string(RecordKindCode(cert->record.kind))));
  }
  std::optional<LoggedRecord> revocation;
  if (status->revocation_index) {
    auto rev = ReadRecord(*snapshot, *status->revocation_index);
    if (!rev.ok()) return ErrorResponse(rev.status());
    if (rev->record.revocation() == nullptr) {
      return ErrorResponse(Status::Corruption("entry " + std::to_string(*status->revocation_index) +
                                              " is indexed as a revocation but is not one"));
    }
    revocation = std::move(*rev);
  }
  JsonWriter w;
  w.BeginObject();
  w.Key("number").String(*number);
  w.Key("status").String(revocation ? "revoked" : "logged");
  w.Key("expired").Bool(c->expires && *c->expires < ChinaDateOf(NowSeconds(context)));
  w.Key("index").Uint(*status->certificate_index);
  w.Key("logged_at_ms").Uint(cert->leaf.logged_at_ms);
  w.Key("leaf_hash").String(Base64Encode(cert->leaf_hash));
  w.Key("tree_size").Uint(snapshot->size());
  w.Key("certificate");
  WriteCertificate(w, cert->record, *c);
  if (revocation) {
    w.Key("revocation");
    WriteRevocation(w, *status->revocation_index, *revocation->record.revocation(),
                    revocation->record.claims.iss);
  }
  w.EndObject();
  return JsonResponse(200, std::move(w).Take(), kNoStore);
}

HttpResponse ServeIssuers(ApiContext& context) {
  auto snapshot = SnapshotOf(context);
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  auto rows = snapshot->AllAccreditations();
  if (!rows.ok()) return ErrorResponse(rows.status());
  auto log_verifier_key = FormatVerifierKey(context.log_key);
  if (!log_verifier_key.ok()) return ErrorResponse(log_verifier_key.status());

  JsonWriter w;
  w.BeginObject();
  w.Key("tree_size").Uint(snapshot->size());
  w.Key("log").BeginObject();
  w.Key("origin").String(context.log_key.name);
  w.Key("verifier_key").String(*log_verifier_key);
  WriteKey(w, context.log_key.key);
  w.EndObject();
  w.Key("keys").BeginArray();
  w.BeginObject();
  WriteKey(w, context.regulator.key);
  w.Key("role").String("regulator");
  w.Key("body").String(context.regulator.name);
  w.EndObject();
  // Rows come by body, then time: the last row of each body is in force.
  for (std::size_t i = 0; i < rows->size(); ++i) {
    const AccreditationRow& row = (*rows)[i];
    if (i + 1 < rows->size() && (*rows)[i + 1].body_id == row.body_id) continue;
    auto logged = ReadRecord(*snapshot, row.index);
    if (!logged.ok()) return ErrorResponse(logged.status());
    const Accreditation* a = logged->record.accreditation();
    if (a == nullptr) {
      return ErrorResponse(Status::Corruption("entry " + std::to_string(row.index) +
                                              " is indexed as an accreditation but is not one"));
    }
    for (const AccreditedKey& key : a->keys) {
      w.BeginObject();
      WriteKey(w, key.public_key);
      w.Key("role").String("issuer");
      w.Key("body").String(a->body);
      w.Key("name_zh").String(a->name_zh);
      w.Key("name_en").String(a->name_en);
      w.Key("from").Uint(key.from);
      if (key.until) w.Key("until").Uint(*key.until);
      if (key.revoked) w.Key("revoked").Uint(*key.revoked);
      w.Key("accreditation").BeginObject();
      w.Key("index").Uint(row.index);
      w.Key("logged_at_ms").Uint(logged->leaf.logged_at_ms);
      w.Key("status").String(AccreditationStatusCode(a->status));
      w.Key("from").Uint(a->from);
      w.Key("until").Uint(a->until);
      w.EndObject();
      w.Key("scope");
      WriteScope(w, a->scope);
      w.EndObject();
    }
  }
  w.EndArray();
  w.EndObject();
  return JsonResponse(200, std::move(w).Take(), kNoStore);
}

}  // namespace certledger::api
