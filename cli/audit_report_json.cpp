// The audit report's statistics as JSON members (cli/audit_report.h):
//
//   "regulator_finding_count": uint,       ; of "finding_count"
//   "statistics": {
//     "bodies":   [ {"body": str, "name_zh": str, "name_en": str,
//                    "certificates": uint, "revoked": uint} ],   ; by body id
//     "by_occupation": [ {"code": str, "name": str, "count": uint} ],
//     "by_series":     [ {"code": str, "count": uint} ],
//     "by_level":      [ {"level": level-code, "type": "skill" / "title",
//                         "count": uint} ],                ; lowest first
//     "by_month":      [ {"month": "YYYY-MM", "count": uint} ], ; China time
//     "revocations_by_reason": [ {"reason": reason-code, "count": uint} ]
//   }
//
// Codes are the records' wire codes (ledger/record_codes.cpp). "revoked"
// counts the body's certificates revoked by anyone; names are those of the
// body's latest accreditation ("" if it has none).
#include "cli/audit_report.h"

namespace certledger::cli {

std::string_view FindingCategory(const AuditFinding& finding) {
  return IsRegulatorFindingCode(finding.code) ? "regulator" : "integrity";
}

void WriteAuditFindingJson(const AuditFinding& f, JsonWriter& w) {
  w.BeginObject();
  w.Key("code").String(f.code);
  w.Key("subject").String(f.subject);
  w.Key("index");
  if (f.index) {
    w.Uint(*f.index);
  } else {
    w.Null();
  }
  if (!f.reason.empty()) w.Key("reason").String(f.reason);
  w.Key("message").String(f.message);
  w.Key("category").String(FindingCategory(f));
  w.EndObject();
}

void WriteAuditStatisticsJson(const AuditReport& report, JsonWriter& w) {
  const AuditStatistics& s = report.statistics;
  w.Key("regulator_finding_count").Uint(report.regulator_finding_count);
  w.Key("statistics").BeginObject();
  w.Key("bodies").BeginArray();
  for (const auto& [id, body] : s.bodies) {
    w.BeginObject();
    w.Key("body").String(id);
    w.Key("name_zh").String(body.name_zh);
    w.Key("name_en").String(body.name_en);
    w.Key("certificates").Uint(body.certificates);
    w.Key("revoked").Uint(body.revoked);
    w.EndObject();
  }
  w.EndArray();
  w.Key("by_occupation").BeginArray();
  for (const auto& [code, count] : s.by_occupation) {
    auto name = s.occupation_names.find(code);
    w.BeginObject();
    w.Key("code").String(code);
    w.Key("name").String(name == s.occupation_names.end() ? "" : name->second);
    w.Key("count").Uint(count);
    w.EndObject();
  }
  w.EndArray();
  w.Key("by_series").BeginArray();
  for (const auto& [code, count] : s.by_series) {
    w.BeginObject().Key("code").String(code).Key("count").Uint(count).EndObject();
  }
  w.EndArray();
  w.Key("by_level").BeginArray();
  for (const auto& [level, count] : s.by_level) {
    w.BeginObject();
    w.Key("level").String(LevelCode(level));
    w.Key("type").String(CertificateTypeCode(LevelType(level)));
    w.Key("count").Uint(count);
    w.EndObject();
  }
  w.EndArray();
  w.Key("by_month").BeginArray();
  for (const auto& [month, count] : s.by_month) {
    w.BeginObject().Key("month").String(month).Key("count").Uint(count).EndObject();
  }
  w.EndArray();
  w.Key("revocations_by_reason").BeginArray();
  for (const auto& [reason, count] : s.revocations_by_reason) {
    w.BeginObject()
        .Key("reason")
        .String(RevocationReasonCode(reason))
        .Key("count")
        .Uint(count)
        .EndObject();
  }
  w.EndArray();
  w.EndObject();
}

void WriteAuditReportJson(const AuditReport& r, JsonWriter& w) {
  w.Key("tree_size").Uint(r.tree_size);
  w.Key("root");
  if (r.root) {
    w.String(Base64Encode(AsBytes(*r.root)));
  } else {
    w.Null();
  }
  w.Key("entries_checked").Uint(r.entries_checked);
  w.Key("accreditations").Uint(r.accreditations);
  w.Key("certificates").Uint(r.certificates);
  w.Key("revocations").Uint(r.revocations);
  w.Key("tiles_checked").Uint(r.tiles_checked);
  w.Key("finding_count").Uint(r.finding_count);
  w.Key("findings").BeginArray();
  for (const AuditFinding& f : r.findings) WriteAuditFindingJson(f, w);
  w.EndArray();
  WriteAuditStatisticsJson(r, w);
}

}  // namespace certledger::cli
