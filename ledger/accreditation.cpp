// The accreditation record body.
//
// Grammar (CDDL; codes in record_codes.cpp):
//
//   accreditation = {
//     "k": "accreditation",
//     "body": tstr,               ; the certifying body's id
//     "name_zh": tstr,
//     "name_en": tstr,
//     "keys": [+ key],            ; distinct public keys
//     "scope": {
//       "occupations": [* tstr],  ; occupation codes, e.g. "6-18-01-01"
//       "series": [* tstr],       ; professional title series codes
//       "levels": [* level-code], ; either ladder
//     },                          ; every list without duplicates
//     "from": uint,               ; seconds since the epoch
//     "until": uint,              ; > from
//     "status": "active" / "withdrawn",
//   }
//   key = {
//     "pk": bstr .size 32,        ; Ed25519 public key
//     "from": uint,
//     ? "until": uint,            ; > from
//     ? "revoked": uint,          ; the key is revoked from this time on
//   }
//
// All text values are non-empty. No other field is allowed.
#include <algorithm>
#include <array>
#include <set>

#include "record_fields.h"

namespace certledger::internal {
namespace {

Result<AccreditedKey> ReadKey(const FieldReader& parent, const cbor::Value& value,
                              std::size_t index) {
  std::string path = "keys[" + std::to_string(index) + "].";
  CL_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(parent.what(), path, value));
  AccreditedKey key;
  CL_ASSIGN_OR_RETURN(ByteView pk, r.FixedBytesView("pk", kEd25519PublicKeySize));
  CL_ASSIGN_OR_RETURN(key.public_key, PublicKey::FromBytes(pk));
  CL_ASSIGN_OR_RETURN(key.from, r.Uint("from"));
  CL_ASSIGN_OR_RETURN(key.until, r.OptionalUint("until"));
  if (key.until && *key.until <= key.from) return r.Error("until", "not after \"from\"");
  CL_ASSIGN_OR_RETURN(key.revoked, r.OptionalUint("revoked"));
  CL_RETURN_IF_ERROR(r.Finish());
  return key;
}

Result<Scope> ReadScope(FieldReader& parent) {
  CL_ASSIGN_OR_RETURN(const cbor::Value* value, parent.Map("scope"));
  CL_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open(parent.what(), "scope.", *value));
  Scope scope;
  CL_ASSIGN_OR_RETURN(scope.occupations, TextArray(r, "occupations"));
  CL_ASSIGN_OR_RETURN(scope.series, TextArray(r, "series"));
  CL_ASSIGN_OR_RETURN(std::vector<std::string> levels, TextArray(r, "levels"));
  for (std::size_t i = 0; i < levels.size(); ++i) {
    std::optional<Level> level = ParseLevel(levels[i]);
    if (!level) {
      return r.Error("levels[" + std::to_string(i) + "]", "unknown level \"" + levels[i] + "\"");
    }
    scope.levels.push_back(*level);
  }
  CL_RETURN_IF_ERROR(r.Finish());
  return scope;
}

}  // namespace

Result<cbor::Value> EncodeAccreditation(const Accreditation& a) {
  cbor::Value::Array keys;
  for (const AccreditedKey& key : a.keys) {
    MapBuilder k("accreditation");
    k.Set("pk", cbor::Value::Bytes(key.public_key.view()))
        .Uint("from", key.from)
        .OptionalUint("until", key.until)
        .OptionalUint("revoked", key.revoked);
    CL_ASSIGN_OR_RETURN(cbor::Value map, k.Finish());
    keys.push_back(std::move(map));
  }
  std::vector<std::string> levels;
  for (Level level : a.scope.levels) levels.emplace_back(LevelCode(level));
  MapBuilder scope("accreditation");
  scope.TextArray("occupations", a.scope.occupations)
      .TextArray("series", a.scope.series)
      .TextArray("levels", levels);
  CL_ASSIGN_OR_RETURN(cbor::Value scope_map, scope.Finish());

  MapBuilder b("accreditation");
  b.Text("k", "accreditation")
      .Text("body", a.body)
      .Text("name_zh", a.name_zh)
      .Text("name_en", a.name_en)
      .Set("keys", cbor::Value::MakeArray(std::move(keys)))
      .Set("scope", std::move(scope_map))
      .Uint("from", a.from)
      .Uint("until", a.until)
      .Text("status", AccreditationStatusCode(a.status));
  return b.Finish();
}

Result<Accreditation> DecodeAccreditation(const cbor::Value& body) {
  CL_ASSIGN_OR_RETURN(FieldReader r, FieldReader::Open("accreditation", "", body));
  r.Get("k");  // checked by DecodeRecordBody
  Accreditation a;
  CL_ASSIGN_OR_RETURN(a.body, r.Text("body"));
  CL_ASSIGN_OR_RETURN(a.name_zh, r.Text("name_zh"));
  CL_ASSIGN_OR_RETURN(a.name_en, r.Text("name_en"));

  CL_ASSIGN_OR_RETURN(const cbor::Value* keys, r.Array("keys"));
  if (keys->array().empty()) return r.Error("keys", "no keys");
  std::set<std::array<std::uint8_t, kEd25519PublicKeySize>> seen;
  for (std::size_t i = 0; i < keys->array().size(); ++i) {
    CL_ASSIGN_OR_RETURN(AccreditedKey key, ReadKey(r, keys->array()[i], i));
    if (!seen.insert(key.public_key.bytes).second) {
      return r.Error("keys[" + std::to_string(i) + "].pk", "duplicate key");
    }
    a.keys.push_back(std::move(key));
  }
  CL_ASSIGN_OR_RETURN(a.scope, ReadScope(r));
  CL_ASSIGN_OR_RETURN(a.from, r.Uint("from"));
  CL_ASSIGN_OR_RETURN(a.until, r.Uint("until"));
  if (a.until <= a.from) return r.Error("until", "not after \"from\"");
  CL_ASSIGN_OR_RETURN(std::string_view status, r.TextView("status"));
  std::optional<AccreditationStatus> st = ParseAccreditationStatus(status);
  if (!st) return r.Error("status", "unknown status \"" + std::string(status) + "\"");
  a.status = *st;
  CL_RETURN_IF_ERROR(r.Finish());
  return a;
}

}  // namespace certledger::internal

namespace certledger {

bool InScope(const Scope& scope, const Certificate& c) {
  if (std::find(scope.levels.begin(), scope.levels.end(), c.level) == scope.levels.end()) {
    return false;
  }
  const bool skill = c.type == CertificateType::kSkill;
  const auto& codes = skill ? scope.occupations : scope.series;
  return std::find(codes.begin(), codes.end(), skill ? c.occupation : c.series) != codes.end();
}

}  // namespace certledger
