// The certificate record body.
//
// Grammar (CDDL; codes in record_codes.cpp):
//
//   certificate = {
//     "k": "certificate",
//     "no": tstr,                 ; certificate number, 1..64 bytes, no
//                                 ; whitespace or control characters
//     "type": "skill" / "title",
//     "level": level-code,        ; of the certificate's type
//     "route": route-code,        ; of the certificate's type
//     "issued": date,             ; "YYYY-MM-DD"
//     "evaluated": date,
//     ? "expires": date,
//     "holder": { "id": bstr .size 32, "name": bstr .size 32 },
//                                 ; commitments, see disclosure.cpp
//     ; type "skill" only:
//     "occ": tstr,                ; occupation code, e.g. "6-18-01-01"
//     "occ_name": tstr,           ; occupation name, e.g. "车工"
//     "work": tstr,               ; work type, "--" if none
//     "project": tstr,            ; evaluation project id
//     ; type "title" only:
//     "series": tstr,             ; title series code
//     "specialty": tstr,
//     "committee": tstr,          ; evaluation committee name
//     ? "foreign": tstr,          ; present iff route is "overseas"
//   }
//
// All text values are non-empty. No other field is allowed.
#include <cstring>

#include "record_fields.h"

namespace certledger::internal {
namespace {

constexpr const char* kHolderNames[] = {"name", "id"};

cbor::Value HolderMap(const Commitments& holder) {
  cbor::Value map = cbor::Value::MakeMap();
  for (const auto& [name, hash] : holder) {
    // Names were checked for UTF-8 by the caller (see EncodeCertificate).
    map.Set(name, cbor::Value::Bytes(AsBytes(hash)));
  }
  return map;
}

Result<Commitments> ReadHolder(FieldReader& r) {
  CL_ASSIGN_OR_RETURN(const cbor::Value* value, r.Map("holder"));
  CL_ASSIGN_OR_RETURN(FieldReader h, FieldReader::Open(r.what(), r.path() + "holder.", *value));
  Commitments out;
  for (const char* name : kHolderNames) {
    CL_ASSIGN_OR_RETURN(ByteView hash, h.FixedBytesView(name, 32));
    Hash256& slot = out[name];
    std::memcpy(slot.data(), hash.data(), slot.size());
  }
  CL_RETURN_IF_ERROR(h.Finish());
  return out;
}

}  // namespace

Result<cbor::Value> EncodeCertificate(const Certificate& c) {
  MapBuilder b("certificate");
  b.Text("k", "certificate")
      .Text("no", c.number)
      .Text("type", CertificateTypeCode(c.type))
      .Text("level", LevelCode(c.level))
      .Text("route", RouteCode(c.route))
      .Text("issued", c.issued.ToString())
      .Text("evaluated", c.evaluated.ToString());
  if (c.expires) b.Text("expires", c.expires->ToString());
  for (const auto& entry : c.holder) {
    if (!IsValidUtf8(entry.first)) {
      return Status::InvalidArgument("certificate: field \"holder\": name is not valid UTF-8");
    }
  }
  b.Set("holder", HolderMap(c.holder));
  // The fields of the other type are written when set, so that decoding
  // (which EncodeRecordBody runs) rejects them rather than losing them.
  bool skill = c.type == CertificateType::kSkill;
  auto put = [&b](bool required, const char* key, const std::string& value) {
    if (required || !value.empty()) b.Text(key, value);
  };
  put(skill, "occ", c.occupation);
  put(skill, "occ_name", c.occupation_name);
  put(skill, "work", c.work_type);
  put(skill, "project", c.project);
  put(!skill, "series", c.series);
  put(!skill, "specialty", c.specialty);
  put(!skill, "committee", c.committee);
  b.OptionalText("foreign", c.foreign);
  return b.Finish();
}

Result<Certificate> DecodeCertificate(const cbor::Value& body) {
  CL_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open("certificate", "", body));
  r.Get("k");  // checked by DecodeRecordBody
  Certificate c;
  CL_ASSIGN_OR_RETURN(c.number, r.Text("no"));
  CL_RETURN_IF_ERROR(CheckCertificateNumber(r, "no", c.number));

  CL_ASSIGN_OR_RETURN(std::string_view type, r.TextView("type"));
  std::optional<CertificateType> t = ParseCertificateType(type);
  if (!t) return r.Error("type", "unknown certificate type \"" + std::string(type) + "\"");
  c.type = *t;
  const char* type_word = c.type == CertificateType::kSkill ? "skill" : "title";

  CL_ASSIGN_OR_RETURN(std::string_view level, r.TextView("level"));
  std::optional<Level> l = ParseLevel(level);
  if (!l || LevelType(*l) != c.type) {
    return r.Error("level",
                   std::string("unknown ") + type_word + " level \"" + std::string(level) + "\"");
  }
  c.level = *l;

  CL_ASSIGN_OR_RETURN(std::string_view route, r.TextView("route"));
  std::optional<Route> rt = ParseRoute(route);
  if (!rt || !RouteAllowed(c.type, *rt)) {
    return r.Error("route",
                   std::string("unknown ") + type_word + " route \"" + std::string(route) + "\"");
  }
  c.route = *rt;

  CL_ASSIGN_OR_RETURN(c.issued, r.DateField("issued"));
  CL_ASSIGN_OR_RETURN(c.evaluated, r.DateField("evaluated"));
  CL_ASSIGN_OR_RETURN(c.expires, r.OptionalDate("expires"));
  CL_ASSIGN_OR_RETURN(c.holder, ReadHolder(r));

  if (c.type == CertificateType::kSkill) {
    CL_ASSIGN_OR_RETURN(c.occupation, r.Text("occ"));
    CL_ASSIGN_OR_RETURN(c.occupation_name, r.Text("occ_name"));
    CL_ASSIGN_OR_RETURN(c.work_type, r.Text("work"));
    CL_ASSIGN_OR_RETURN(c.project, r.Text("project"));
  } else {
    CL_ASSIGN_OR_RETURN(c.series, r.Text("series"));
    CL_ASSIGN_OR_RETURN(c.specialty, r.Text("specialty"));
    CL_ASSIGN_OR_RETURN(c.committee, r.Text("committee"));
    CL_ASSIGN_OR_RETURN(c.foreign, r.OptionalText("foreign"));
    if (c.route == Route::kOverseas && !c.foreign) return r.Missing("foreign");
    if (c.route != Route::kOverseas && c.foreign) {
      return r.Error("foreign", "only allowed with route \"overseas\"");
    }
  }
  CL_RETURN_IF_ERROR(r.Finish());
  return c;
}

}  // namespace certledger::internal
