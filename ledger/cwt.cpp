// CWT claims set of a certledger record (RFC 8392 sections 3 and 4).
//
// Grammar (CDDL):
//
//   Claims = {
//     1 => tstr,            ; iss: the signer's body id, non-empty
//     ? 4 => uint,          ; exp: NumericDate seconds, greater than iat
//     6 => uint,            ; iat: NumericDate seconds
//     7 => bstr .size (1..64), ; cti: unique record id
//     -65537 => { * tstr => any }, ; the record body (record.cpp)
//   }
//
// Deterministic encoding orders the keys 1, 4, 6, 7, -65537 (unsigned
// heads sort before negative ones). Floating-point NumericDates, which RFC
// 8392 permits, are not accepted.
#include "certledger/cwt.h"

#include <string>
#include <utility>

#include "certledger/utf8.h"

namespace certledger::cwt {

Status CheckClaims(const Claims& claims) {
  if (claims.iss.empty()) return Status::InvalidArgument("cwt: claim iss (1) is empty");
  if (!IsValidUtf8(claims.iss)) {
    return Status::InvalidArgument("cwt: claim iss (1) is not valid UTF-8");
  }
  if (claims.cti.empty() || claims.cti.size() > 64) {
    return Status::InvalidArgument("cwt: claim cti (7) must have 1 to 64 bytes, got " +
                                   std::to_string(claims.cti.size()));
  }
  if (claims.exp && *claims.exp <= claims.iat) {
    return Status::InvalidArgument("cwt: claim exp (4) is not after iat (6)");
  }
  return Status::OK();
}

Result<cbor::Value> EncodeClaimsSet(const Claims& claims, const cbor::Value& body) {
  return EncodeClaimsSet(claims, cbor::Value(body));
}

Result<cbor::Value> EncodeClaimsSet(const Claims& claims, cbor::Value&& body) {
  CL_RETURN_IF_ERROR(CheckClaims(claims));
  if (!body.is_map()) return Status::InvalidArgument("cwt: record body is not a map");
  cbor::Value map = cbor::Value::MakeMap();
  map.Set(kClaimIss, cbor::Value::Text(claims.iss));
  if (claims.exp) map.Set(kClaimExp, cbor::Value::Uint(*claims.exp));
  map.Set(kClaimIat, cbor::Value::Uint(claims.iat));
  map.Set(kClaimCti, cbor::Value::Bytes(claims.cti));
  map.Set(kClaimRecordBody, std::move(body));
  return map;
}

namespace {

// DecodeClaimsSet; the body is copied into the result only if `copy_body`.
Result<ClaimsSet> DecodeClaims(const cbor::Value& payload, bool copy_body) {
  if (!payload.is_map()) return Status::InvalidArgument("cwt: payload is not a map");
  ClaimsSet out;
  bool have_iss = false, have_iat = false, have_cti = false, have_body = false;
  for (const auto& [key, value] : payload.map()) {
    std::optional<std::int64_t> k = key.is_int() ? key.int64() : std::nullopt;
    if (!k) return Status::InvalidArgument("cwt: claim key is not a small integer");
    switch (*k) {
      case kClaimIss:
        if (!value.is_text()) return Status::InvalidArgument("cwt: claim iss (1) is not text");
        out.claims.iss = std::string(value.text());
        have_iss = true;
        break;
      case kClaimExp:
        if (!value.is_uint()) {
          return Status::InvalidArgument("cwt: claim exp (4) is not an unsigned integer");
        }
        out.claims.exp = value.uint();
        break;
      case kClaimIat:
        if (!value.is_uint()) {
          return Status::InvalidArgument("cwt: claim iat (6) is not an unsigned integer");
        }
        out.claims.iat = value.uint();
        have_iat = true;
        break;
      case kClaimCti:
        if (!value.is_bytes()) return Status::InvalidArgument("cwt: claim cti (7) is not a bstr");
        out.claims.cti.assign(value.bytes().begin(), value.bytes().end());
        have_cti = true;
        break;
      case kClaimRecordBody:
        if (!value.is_map()) {
          return Status::InvalidArgument("cwt: claim -65537 (record body) is not a map");
        }
        if (copy_body) out.body = value;
        have_body = true;
        break;
      default:
        return Status::InvalidArgument("cwt: unknown claim " + std::to_string(*k));
    }
  }
  if (!have_iss) return Status::InvalidArgument("cwt: missing claim iss (1)");
  if (!have_iat) return Status::InvalidArgument("cwt: missing claim iat (6)");
  if (!have_cti) return Status::InvalidArgument("cwt: missing claim cti (7)");
  if (!have_body) return Status::InvalidArgument("cwt: missing claim -65537 (record body)");
  CL_RETURN_IF_ERROR(CheckClaims(out.claims));
  return out;
}

}  // namespace

Result<ClaimsSet> DecodeClaimsSet(const cbor::Value& payload) {
  return DecodeClaims(payload, /*copy_body=*/true);
}

Result<ClaimsSet> DecodeClaimsSet(cbor::Value&& payload) {
  CL_ASSIGN_OR_RETURN(ClaimsSet out, DecodeClaims(payload, /*copy_body=*/false));
  // DecodeClaims found the body, so the lookup succeeds.
  out.body = std::move(*payload.FindMutable(kClaimRecordBody));
  return out;
}

}  // namespace certledger::cwt
