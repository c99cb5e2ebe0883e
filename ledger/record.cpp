// Signed ledger records (DESIGN.md, "Records" and "Pinned details").
//
// Grammar (CDDL). Everything is deterministic CBOR (RFC 8949 section 4.2.1),
// so that a record has exactly one encoding.
//
//   record = #6.18([                      ; COSE_Sign1, RFC 9052 section 4.2
//     protected: bstr .cbor {
//       1 => -8 / -19,                    ; alg: EdDSA (Ed25519 accepted)
//       4 => bstr .size 8,                ; kid: SHA-256(public key)[0..8]
//     },                                  ; nothing else
//     unprotected: {},                    ; must be empty
//     payload: bstr .cbor claims,
//     signature: bstr .size 64,           ; Ed25519 over the Sig_structure
//   ])                                    ; ["Signature1", protected, h'', payload]
//
//   claims = {                            ; CWT claims set, RFC 8392 (cwt.cpp)
//     1 => tstr,                          ; iss: signer's body id (the
//                                         ; regulator's id for accreditations)
//     ? 4 => uint,                        ; exp: NumericDate seconds
//     6 => uint,                          ; iat: NumericDate seconds
//     7 => bstr,                          ; cti: a certificate's number in
//                                         ; UTF-8; 16 random bytes otherwise
//     -65537 => body,
//   }
//
//   body = accreditation / certificate / revocation
//                                         ; maps with text keys; "k" names the
//                                         ; kind: accreditation.cpp,
//                                         ; certificate.cpp, revocation.cpp
//
// The record as a whole is at most kMaxRecordBytes (65,521) bytes.
#include <sodium.h>

#include "certledger/record.h"
#include "record_fields.h"

namespace certledger {
namespace {

// The protected header of a record must be exactly {1: alg, 4: kid}.
Result<KeyId> CheckRecordHeaders(const cose::Sign1& m) {
  if (!m.unprotected_header.map().empty()) {
    return Status::InvalidArgument("record: the unprotected header must be empty");
  }
  for (const auto& entry : m.protected_header.map()) {
    std::optional<std::int64_t> label = entry.first.is_int() ? entry.first.int64() : std::nullopt;
    if (!label || (*label != cose::kHeaderAlg && *label != cose::kHeaderKid)) {
      return Status::InvalidArgument(
          "record: the protected header may hold only alg (1) and kid (4)");
    }
  }
  const cbor::Value* kid = m.protected_header.Find(cose::kHeaderKid);
  if (kid == nullptr) return Status::InvalidArgument("record: no kid in the protected header");
  if (kid->bytes().size() != kKeyIdSize) {
    return Status::InvalidArgument("record: kid must be 8 bytes, got " +
                                   std::to_string(kid->bytes().size()));
  }
  KeyId id;
  std::copy(kid->bytes().begin(), kid->bytes().end(), id.begin());
  return id;
}

Status CheckRecordSize(std::size_t size) {
  if (size > kMaxRecordBytes) {
    return Status::InvalidArgument("record: " + std::to_string(size) +
                                   " bytes exceed the limit of " +
                                   std::to_string(kMaxRecordBytes));
  }
  return Status::OK();
}

Status CheckCti(const cwt::Claims& claims, const RecordBody& body) {
  if (const Certificate* c = std::get_if<Certificate>(&body)) {
    if (claims.cti != ToBytes(c->number)) {
      return Status::InvalidArgument("record: cti is not the certificate number");
    }
  } else if (claims.cti.size() != kRandomCtiSize) {
    return Status::InvalidArgument("record: cti of " + std::string(RecordKindCode(KindOf(body))) +
                                   " must be 16 bytes, got " + std::to_string(claims.cti.size()));
  }
  return Status::OK();
}

}  // namespace

RecordKind KindOf(const RecordBody& body) {
  switch (body.index()) {
    case 0: return RecordKind::kAccreditation;
    case 1: return RecordKind::kCertificate;
    default: return RecordKind::kRevocation;
  }
}

Result<cbor::Value> EncodeRecordBody(const RecordBody& body) {
  Result<cbor::Value> encoded = std::visit(
      [](const auto& b) -> Result<cbor::Value> {
        using T = std::decay_t<decltype(b)>;
        if constexpr (std::is_same_v<T, Accreditation>) return internal::EncodeAccreditation(b);
        if constexpr (std::is_same_v<T, Certificate>) return internal::EncodeCertificate(b);
        if constexpr (std::is_same_v<T, Revocation>) return internal::EncodeRevocation(b);
      },
      body);
  if (!encoded.ok()) return encoded;
  // Validate by decoding: only bodies that decode back to themselves leave here.
  CL_ASSIGN_OR_RETURN(RecordBody decoded, DecodeRecordBody(*encoded));
  if (!(decoded == body)) {
    return Status::InvalidArgument(std::string(RecordKindCode(KindOf(body))) +
                                   ": the body does not survive encoding");
  }
  return encoded;
}

Result<RecordBody> DecodeRecordBody(const cbor::Value& body) {
  if (!body.is_map()) return Status::InvalidArgument("record: body is not a map");
  const cbor::Value* k = body.Find("k");
  if (k == nullptr) return Status::InvalidArgument("record: body has no field \"k\"");
  if (!k->is_text()) return Status::InvalidArgument("record: field \"k\" is not text");
  std::optional<RecordKind> kind = ParseRecordKind(k->text());
  if (!kind) {
    return Status::InvalidArgument("record: unknown kind \"" + std::string(k->text()) + "\"");
  }
  switch (*kind) {
    case RecordKind::kAccreditation: {
      CL_ASSIGN_OR_RETURN(Accreditation a, internal::DecodeAccreditation(body));
      return RecordBody(std::move(a));
    }
    case RecordKind::kCertificate: {
      CL_ASSIGN_OR_RETURN(Certificate c, internal::DecodeCertificate(body));
      return RecordBody(std::move(c));
    }
    case RecordKind::kRevocation: {
      CL_ASSIGN_OR_RETURN(Revocation r, internal::DecodeRevocation(body));
      return RecordBody(std::move(r));
    }
  }
  return Status::Internal("record: unhandled kind");
}

Result<SignedRecord> SignRecord(const RecordBody& body, cwt::Claims claims,
                                const SecretKey& key) {
  if (claims.cti.empty()) {
    if (const Certificate* c = std::get_if<Certificate>(&body)) {
      claims.cti = ToBytes(c->number);
    } else {
      InitSodium();
      claims.cti.resize(kRandomCtiSize);
      randombytes_buf(claims.cti.data(), claims.cti.size());
    }
  }
  // EncodeRecordBody validates the body by decoding it again, so the body
  // is exactly what ParseRecord would read back from the payload.
  CL_ASSIGN_OR_RETURN(cbor::Value body_map, EncodeRecordBody(body));
  CL_RETURN_IF_ERROR(CheckCti(claims, body));
  CL_ASSIGN_OR_RETURN(cbor::Value payload, cwt::EncodeClaimsSet(claims, std::move(body_map)));

  // The record is assembled from its parts rather than parsed back: each
  // part below is what ParseRecord yields for these bytes (the record tests
  // compare the two for every kind).
  SignedRecord out;
  out.kid = key.public_key().Id();
  out.cose.protected_header = cbor::Value::MakeMap();
  out.cose.protected_header.Set(cose::kHeaderAlg, cbor::Value::Int(cose::kAlgEdDSA));
  out.cose.protected_header.Set(cose::kHeaderKid,
                                cbor::Value::Bytes(ByteView(out.kid.data(), out.kid.size())));
  out.cose.protected_bytes = cbor::Encode(out.cose.protected_header);
  out.cose.unprotected_header = cbor::Value::MakeMap();
  out.cose.payload = cbor::Encode(payload);
  out.cose.alg = cose::kAlgEdDSA;
  out.cose.tagged = true;
  const Signature signature =
      key.Sign(cose::SigStructure(out.cose.protected_bytes, {}, out.cose.payload));
  out.cose.signature.assign(signature.begin(), signature.end());
  // Tag 18 (0xd2), an array of 4 (0x84), the protected bstr, an empty
  // map (0xa0), the payload bstr and the signature bstr.
  out.bytes = {0xd2, 0x84};
  out.bytes.reserve(out.cose.protected_bytes.size() + out.cose.payload.size() + 96);
  cbor::AppendByteString(out.cose.protected_bytes, out.bytes);
  out.bytes.push_back(0xa0);
  cbor::AppendByteString(out.cose.payload, out.bytes);
  cbor::AppendByteString(out.cose.signature, out.bytes);
  CL_RETURN_IF_ERROR(CheckRecordSize(out.bytes.size()));
  out.claims = std::move(claims);
  out.body = body;
  out.kind = KindOf(out.body);
  return out;
}

Result<SignedRecord> ParseRecord(ByteView bytes) {
  CL_RETURN_IF_ERROR(CheckRecordSize(bytes.size()));
  SignedRecord out;
  out.bytes.assign(bytes.begin(), bytes.end());
  CL_ASSIGN_OR_RETURN(out.cose, cose::ParseSign1(bytes));
  CL_ASSIGN_OR_RETURN(out.kid, CheckRecordHeaders(out.cose));
  Result<cbor::Value> payload = cbor::Decode(out.cose.payload);
  if (!payload.ok()) return payload.status().Annotate("record: payload");
  CL_ASSIGN_OR_RETURN(cwt::ClaimsSet set, cwt::DecodeClaimsSet(std::move(*payload)));
  out.claims = std::move(set.claims);
  CL_ASSIGN_OR_RETURN(out.body, DecodeRecordBody(set.body));
  out.kind = KindOf(out.body);
  CL_RETURN_IF_ERROR(CheckCti(out.claims, out.body));
  return out;
}

Status VerifyRecordSignature(const SignedRecord& record, const PublicKey& key) {
  if (record.kid != key.Id()) {
    return Status::VerificationFailed("record: kid " +
                                      HexEncode(ByteView(record.kid.data(), record.kid.size())) +
                                      " is not the id of the given key")
        .WithReason("kid_mismatch");
  }
  return cose::VerifySign1(record.cose, key);
}

}  // namespace certledger
