// The audit report for people and machines, beside the text that
// `certledger audit` prints: the statistics and findings as JSON members,
// and a self-contained HTML page with charts (audit_report_html.cpp).
//
// Thread safety: pure functions.
#ifndef CERTLEDGER_CLI_AUDIT_REPORT_H_
#define CERTLEDGER_CLI_AUDIT_REPORT_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "certledger/audit.h"
#include "certledger/json_writer.h"

namespace certledger::cli {

// "regulator" for the regulator findings (audit_findings.h), else
// "integrity".
std::string_view FindingCategory(const AuditFinding& finding);

// Writes the members "regulator_finding_count" and "statistics" into the
// object `w` is writing (the grammar is at the top of
// audit_report_json.cpp).
void WriteAuditStatisticsJson(const AuditReport& report, JsonWriter& w);

// Writes what the local and the remote audit report alike: "tree_size",
// "root" (base64, or null), "entries_checked", "accreditations",
// "certificates", "revocations", "tiles_checked", "finding_count",
// "findings", then the statistics members above.
void WriteAuditReportJson(const AuditReport& report, JsonWriter& w);

// The text lines the local and the remote audit print alike: "tree size",
// "root", the entries replayed with the record counts (`entries_label`, e.g.
// "entries checked"), then "findings: N", one line a finding, "... and K
// more not listed", and "regulator findings among them: M" when M > 0.
// `tree_size_note` follows the tree size, e.g. " (trusted before this run: 7)".
void PrintAuditReportText(const AuditReport& report, std::string_view entries_label,
                          std::string_view tree_size_note = "");
// One finding as a text line: "  code: message [reason]".
void PrintAuditFinding(const AuditFinding& finding);

// One finding as a JSON object: code, subject, index (or null), reason
// (when set), message, category.
void WriteAuditFindingJson(const AuditFinding& finding, JsonWriter& w);

// What the page shows besides the report.
struct AuditReportSource {
  std::string ledger;     // the audited directory or URL
  std::string generated;  // when, e.g. "2026-11-21 23:40:00 +08:00"
  double seconds = 0;     // how long the audit took
};

// One HTML5 document, UTF-8, that needs nothing else: inline CSS, inline
// SVG bar charts (certificates per body, per occupation or series, per
// level, per month; revocations per body and by reason), the findings
// table, labels in Chinese and English, no script, and a
// Content-Security-Policy that forbids loading anything. Every text taken
// from records or findings is escaped.
std::string AuditReportHtml(const AuditReport& report, const AuditReportSource& source);

// "YYYY-MM-DD hh:mm:ss +08:00": the time in China at `unix_seconds`.
std::string ChinaTimeText(std::int64_t unix_seconds);

// `text` with & < > " ' escaped as character references.
std::string HtmlEscape(std::string_view text);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_AUDIT_REPORT_H_
