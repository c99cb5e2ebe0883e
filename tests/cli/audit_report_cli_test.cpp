// `certledger audit --json --html FILE` on a ledger this test builds
// (audit_report_fixture.h): the regulator findings exit 1, the JSON carries
// the statistics and the findings with their category, and the HTML page
// is one self-contained file with its texts escaped.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>

#include "certledger/json_reader.h"
#include "cli/audit_report_fixture.h"
#include "cli_test_util.h"

namespace certledger::test {
namespace {

bool Has(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::uint64_t CountOf(const JsonValue& array, const std::string& key, const std::string& value) {
  for (const JsonValue& item : array.array) {
    if (item.String(key) == value) return item.Uint("count").value_or(0);
  }
  return 0;
}

}  // namespace

TEST_CASE("audit report: --json and --html on a ledger with regulator findings",
          "[cli][audit]") {
  const std::string dir = TempDir("cli_audit_report");
  const AuditReportLedger ledger = BuildAuditReportLedger(dir);
  const std::string html = dir + "/report.html";
  const Output run = RunProgram("audit --data " + ledger.data + " --regulator-key " +
                                ledger.regulator_pub + " --log-key " + ledger.log_pub +
                                " --html " + html + " --json");
  INFO(run.out.substr(0, 4000) << run.err);
  CHECK(run.exit_code == 1);  // regulator findings are findings
  Result<JsonValue> json = ParseJson(run.out);
  REQUIRE(json.ok());
  const JsonValue& j = *json;
  CHECK(j.Find("ok")->type == JsonValue::Type::kBool);
  CHECK_FALSE(j.Find("ok")->boolean);
  CHECK(j.Uint("finding_count") == 4u);
  CHECK(j.Uint("regulator_finding_count") == 4u);
  std::uint64_t certificates = 0;
  for (const auto& [body, n] : ledger.certificates) certificates += n;
  CHECK(j.Uint("certificates") == certificates);
  CHECK(j.Uint("revocations") == 6u);

  std::set<std::string> codes;
  for (const JsonValue& f : j.Find("findings")->array) {
    codes.insert(f.String("code").value_or(""));
    CHECK(f.String("category") == "regulator");
  }
  CHECK(codes == std::set<std::string>{"issuance_surge", "backdated", "serial_out_of_sequence",
                                       "high_revocation_rate"});

  const JsonValue* stats = j.Find("statistics");
  REQUIRE(stats != nullptr);
  const JsonValue* bodies = stats->Find("bodies");
  REQUIRE(bodies != nullptr);
  REQUIRE(bodies->array.size() == 3);
  for (const JsonValue& b : bodies->array) {
    const std::string id = b.String("body").value_or("");
    INFO(id);
    CHECK(b.Uint("certificates") == ledger.certificates.at(id));
    CHECK(b.Uint("revoked") == (ledger.revoked.count(id) ? ledger.revoked.at(id) : 0));
    if (id == "alpha-works") CHECK(b.String("name_zh") == ledger.alpha_name_zh);
  }
  const JsonValue* months = stats->Find("by_month");
  REQUIRE(months != nullptr);
  CHECK(months->array.size() == ledger.by_month.size());
  for (const auto& [month, n] : ledger.by_month) CHECK(CountOf(*months, "month", month) == n);
  const JsonValue* occupations = stats->Find("by_occupation");
  REQUIRE(occupations != nullptr);
  CHECK(CountOf(*occupations, "code", "6-18-01-01") + CountOf(*occupations, "code", "6-29-03-01") ==
        certificates - ledger.titles);
  CHECK(occupations->array.at(1).String("name") == "焊工");
  const JsonValue* series = stats->Find("by_series");
  REQUIRE(series != nullptr);
  CHECK(CountOf(*series, "code", "accounting") == 8);
  CHECK(CountOf(*series, "code", "engineering") == 12);
  const JsonValue* levels = stats->Find("by_level");
  REQUIRE(levels != nullptr);
  bool intermediate = false;
  for (const JsonValue& l : levels->array) {
    if (l.String("level") == "intermediate") {
      intermediate = l.String("type") == "title" && l.Uint("count") == 8u;
    }
  }
  CHECK(intermediate);  // 2 of the 5 titles a month, over 4 months
  const JsonValue* reasons = stats->Find("revocations_by_reason");
  REQUIRE(reasons != nullptr);
  CHECK(CountOf(*reasons, "reason", "error") == 3);
  CHECK(CountOf(*reasons, "reason", "fraud") == 3);

  // The page: one document that loads nothing and runs nothing.
  REQUIRE(std::filesystem::exists(html));
  const std::string page = Slurp(html);
  CHECK(page.rfind("<!DOCTYPE html>\n", 0) == 0);
  CHECK(Has(page, "<meta charset=\"utf-8\">"));
  CHECK(Has(page, "default-src 'none'"));
  for (const char* chart : {"bodies", "occupations", "levels", "months", "revocations"}) {
    CHECK(Has(page, std::string("<svg class=\"bars\" id=\"svg-") + chart + "\""));
  }
  CHECK(Has(page, "<table id=\"findings-table\">"));
  CHECK(Has(page, "<code>issuance_surge</code>"));
  CHECK_FALSE(Has(page, "<script"));
  CHECK_FALSE(Has(page, "<link"));
  CHECK_FALSE(Has(page, " src="));
  CHECK_FALSE(Has(page, "url("));
  // The body's name as text, its markup characters escaped.
  CHECK(Has(page, "上海阿尔法机械有限公司 &lt;测试&amp;转义&gt;"));
  CHECK_FALSE(Has(page, "<测试"));

  // The text report names them too; --html without --json.
  const std::string html2 = dir + "/report2.html";
  const Output text = RunProgram("audit --data " + ledger.data + " --regulator-key " +
                                 ledger.regulator_pub + " --log-key " + ledger.log_pub +
                                 " --html " + html2);
  CHECK(text.exit_code == 1);
  CHECK(Has(text.out, "findings: 4\n"));
  CHECK(Has(text.out, "  backdated: entry "));
  CHECK(std::filesystem::exists(html2));

  // An unwritable --html path fails as an I/O error.
  const Output bad = RunProgram("audit --data " + ledger.data + " --regulator-key " +
                                ledger.regulator_pub + " --log-key " + ledger.log_pub +
                                " --html " + dir + "/no/such/dir/r.html");
  CHECK(bad.exit_code == 4);
  std::filesystem::remove_all(dir);
}

}  // namespace certledger::test
