// The JSON of the domain objects in API answers; the shapes are written
// down at the top of verifier/api_handler.cpp.
#include <cctype>
#include <ctime>

#include "certledger/bytes.h"
#include "certledger/verdict.h"
#include "verifier/api_internal.h"

namespace certledger::api {
namespace {

std::string Base64Of(const Hash256& hash) { return Base64Encode(ByteView(hash.data(), hash.size())); }

// "https://Example.COM:443/x/" -> {"https://example.com:443", "/x"}.
std::pair<std::string, std::string> SplitBase(std::string_view url) {
  while (!url.empty() && url.back() == '/') url.remove_suffix(1);
  std::size_t start = url.find("://");
  start = start == std::string_view::npos ? 0 : start + 3;
  const std::size_t slash = url.find('/', start);
  std::string origin(url.substr(0, slash));
  for (char& c : origin) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return {origin, slash == std::string_view::npos ? "" : std::string(url.substr(slash))};
}

// "2026-11-22T02:30:00Z" (RFC 3339, UTC) for seconds since the epoch.
std::string Rfc3339Utc(std::uint64_t unix_seconds) {
  const auto t = static_cast<std::time_t>(unix_seconds);
  std::tm tm{};
  gmtime_r(&t, &tm);
  char text[32];
  std::strftime(text, sizeof text, "%Y-%m-%dT%H:%M:%SZ", &tm);
  return text;
}

}  // namespace

bool IsForeignBase(std::string_view qr_base, std::string_view public_url) {
  return SplitBase(qr_base) != SplitBase(public_url);
}

void WriteNames(JsonWriter& w, std::string_view zh, std::string_view en) {
  w.BeginObject();
  w.Key("zh").String(zh);
  w.Key("en").String(en);
  w.EndObject();
}

void WriteHashes(JsonWriter& w, const std::vector<Hash256>& hashes) {
  w.BeginArray();
  for (const Hash256& h : hashes) w.String(Base64Of(h));
  w.EndArray();
}

void WriteInclusionProof(JsonWriter& w, std::uint64_t index, std::uint64_t size,
                         const std::vector<Hash256>& hashes) {
  w.BeginObject();
  w.Key("index").Uint(index);
  w.Key("size").Uint(size);
  w.Key("hashes");
  WriteHashes(w, hashes);
  w.EndObject();
}

void WriteCertificate(JsonWriter& w, const SignedRecord& record, const Certificate& c) {
  w.BeginObject();
  w.Key("number").String(c.number);
  w.Key("type").String(CertificateTypeCode(c.type));
  w.Key("type_name");
  WriteNames(w, CertificateTypeNameZh(c.type), CertificateTypeNameEn(c.type));
  w.Key("level").String(LevelCode(c.level));
  w.Key("level_name");
  WriteNames(w, LevelNameZh(c.level), LevelNameEn(c.level));
  w.Key("route").String(RouteCode(c.route));
  w.Key("route_name");
  WriteNames(w, RouteNameZh(c.route), RouteNameEn(c.route));
  w.Key("issued").String(c.issued.ToString());
  w.Key("evaluated").String(c.evaluated.ToString());
  if (c.expires) w.Key("expires").String(c.expires->ToString());
  if (c.type == CertificateType::kSkill) {
    w.Key("occupation").String(c.occupation);
    w.Key("occupation_name").String(c.occupation_name);
    w.Key("work_type").String(c.work_type);
    w.Key("project").String(c.project);
  } else {
    w.Key("series").String(c.series);
    w.Key("specialty").String(c.specialty);
    w.Key("committee").String(c.committee);
    if (c.foreign) w.Key("foreign").String(*c.foreign);
  }
  w.Key("iss").String(record.claims.iss);
  w.Key("iat").Uint(record.claims.iat);
  w.Key("kid").String(HexEncode(record.kid));
  w.EndObject();
}

void WriteRevocation(JsonWriter& w, std::uint64_t index, const Revocation& r,
                     std::string_view revoked_by) {
  w.BeginObject();
  w.Key("index").Uint(index);
  w.Key("reason").String(RevocationReasonCode(r.reason));
  w.Key("reason_name");
  WriteNames(w, RevocationReasonNameZh(r.reason), RevocationReasonNameEn(r.reason));
  w.Key("at").Uint(r.at);
  if (r.by) w.Key("by").String(*r.by);
  w.Key("revoked_by").String(revoked_by);
  w.EndObject();
}

void WriteScope(JsonWriter& w, const Scope& scope) {
  w.BeginObject();
  w.Key("occupations").BeginArray();
  for (const std::string& o : scope.occupations) w.String(o);
  w.EndArray();
  w.Key("series").BeginArray();
  for (const std::string& s : scope.series) w.String(s);
  w.EndArray();
  w.Key("levels").BeginArray();
  for (Level l : scope.levels) w.String(LevelCode(l));
  w.EndArray();
  w.EndObject();
}

std::string VerificationJson(const Verification& v, const ApiContext& context) {
  JsonWriter w;
  w.BeginObject();
  w.Key("verdict").String(VerdictName(v.verdict));
  w.Key("verdict_text");
  WriteNames(w, VerdictTextZh(v.verdict), VerdictTextEn(v.verdict));
  w.Key("reason").String(v.reason);
  w.Key("ledger_checked").Bool(v.ledger_checked);
  if (v.ledger_checked) {
    const std::uint64_t as_of_ms =
        context.ledger_as_of_ms ? context.ledger_as_of_ms() : NowSeconds(context) * 1000;
    w.Key("ledger_as_of").String(Rfc3339Utc(as_of_ms / 1000));
  }
  if (const Certificate* c = v.certificate()) {
    w.Key("certificate");
    WriteCertificate(w, *v.record, *c);
  }
  if (v.issuer) {
    w.Key("issuer").BeginObject();
    w.Key("body").String(v.issuer->body);
    w.Key("name_zh").String(v.issuer->name_zh);
    w.Key("name_en").String(v.issuer->name_en);
    w.Key("status").String(AccreditationStatusCode(v.issuer->status));
    w.Key("from").Uint(v.issuer->from);
    w.Key("until").Uint(v.issuer->until);
    w.EndObject();
  }
  if (!v.holder_name.empty() || !v.holder_id_masked.empty()) {
    w.Key("holder").BeginObject();
    w.Key("name").String(v.holder_name);
    w.Key("id_masked").String(v.holder_id_masked);
    w.EndObject();
  }
  if (v.evidence) {
    const LedgerEvidence& e = *v.evidence;
    w.Key("index").Uint(e.index);
    w.Key("leaf_hash").String(Base64Of(e.leaf_hash));
    w.Key("logged_at_ms").Uint(e.logged_at_ms);
    w.Key("tree_size").Uint(e.tree_size);
    w.Key("checkpoint").String(e.checkpoint);
    w.Key("inclusion_proof");
    WriteInclusionProof(w, e.index, e.tree_size, e.inclusion);
  }
  if (v.revocation) {
    w.Key("revocation");
    WriteRevocation(w, v.revocation->index, v.revocation->revocation, v.revocation->revoked_by);
  }
  if (v.qr_base_url) {
    w.Key("qr_base_url").String(*v.qr_base_url);
    if (!context.public_url.empty()) {
      w.Key("foreign_host").Bool(IsForeignBase(*v.qr_base_url, context.public_url));
    }
  }
  w.EndObject();
  return std::move(w).Take();
}

}  // namespace certledger::api
