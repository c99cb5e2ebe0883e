// The revocation record body.
//
// Grammar (CDDL; codes in record_codes.cpp):
//
//   revocation = {
//     "k": "revocation",
//     "no": tstr,                 ; the revoked certificate's number
//     "reason": "superseded" / "error" / "fraud" / "withdrawn" / "other",
//     "at": uint,                 ; seconds since the epoch
//     ? "by": tstr,               ; the superseding certificate's number;
//                                 ; required when reason is "superseded"
//   }
//
// Numbers follow the certificate's "no" rules. No other field is allowed.
#include "record_fields.h"

namespace certledger::internal {

Result<cbor::Value> EncodeRevocation(const Revocation& r) {
  MapBuilder b("revocation");
  b.Text("k", "revocation")
      .Text("no", r.number)
      .Text("reason", RevocationReasonCode(r.reason))
      .Uint("at", r.at)
      .OptionalText("by", r.by);
  return b.Finish();
}

Result<Revocation> DecodeRevocation(const cbor::Value& body) {
  CL_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open("revocation", "", body));
  r.Get("k");  // checked by DecodeRecordBody
  Revocation out;
  CL_ASSIGN_OR_RETURN(out.number, r.Text("no"));
  CL_RETURN_IF_ERROR(CheckCertificateNumber(r, "no", out.number));
  CL_ASSIGN_OR_RETURN(std::string_view reason, r.TextView("reason"));
  std::optional<RevocationReason> parsed = ParseRevocationReason(reason);
  if (!parsed) return r.Error("reason", "unknown reason \"" + std::string(reason) + "\"");
  out.reason = *parsed;
  CL_ASSIGN_OR_RETURN(out.at, r.Uint("at"));
  CL_ASSIGN_OR_RETURN(out.by, r.OptionalText("by"));
  if (out.by) CL_RETURN_IF_ERROR(CheckCertificateNumber(r, "by", *out.by));
  if (out.reason == RevocationReason::kSuperseded && !out.by) return r.Missing("by");
  CL_RETURN_IF_ERROR(r.Finish());
  return out;
}

}  // namespace certledger::internal
