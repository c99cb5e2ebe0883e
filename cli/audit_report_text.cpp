// The audit report's text lines shared by the local and the remote audit
// (cli/audit_report.h).
#include <cstdio>

#include "cli/audit_report.h"

namespace certledger::cli {

void PrintAuditFinding(const AuditFinding& f) {
  std::printf("  %s: %s%s%s%s\n", f.code.c_str(), f.message.c_str(), f.reason.empty() ? "" : " [",
              f.reason.c_str(), f.reason.empty() ? "" : "]");
}

void PrintAuditReportText(const AuditReport& r, std::string_view entries_label,
                          std::string_view tree_size_note) {
  std::printf("tree size: %llu%.*s\n", static_cast<unsigned long long>(r.tree_size),
              static_cast<int>(tree_size_note.size()), tree_size_note.data());
  std::printf("root: %s\n", r.root ? Base64Encode(AsBytes(*r.root)).c_str() : "(unknown)");
  std::printf("%.*s: %llu (accreditations: %llu, certificates: %llu, revocations: %llu)\n",
              static_cast<int>(entries_label.size()), entries_label.data(),
              static_cast<unsigned long long>(r.entries_checked),
              static_cast<unsigned long long>(r.accreditations),
              static_cast<unsigned long long>(r.certificates),
              static_cast<unsigned long long>(r.revocations));
  std::printf("findings: %llu\n", static_cast<unsigned long long>(r.finding_count));
  for (const AuditFinding& f : r.findings) PrintAuditFinding(f);
  if (r.finding_count > r.findings.size()) {
    std::printf("  ... and %llu more not listed\n",
                static_cast<unsigned long long>(r.finding_count - r.findings.size()));
  }
  if (r.regulator_finding_count > 0) {
    std::printf("regulator findings among them: %llu\n",
                static_cast<unsigned long long>(r.regulator_finding_count));
  }
}

}  // namespace certledger::cli
