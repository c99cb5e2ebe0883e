// The audit report's HTML page in a real browser: `certledger audit --html`
// on a ledger with regulator findings (cli/audit_report_fixture.h), opened
// from a file:// URL by Debian's headless Chromium. The rendered DOM must
// hold the chart SVGs and the findings table, and a screenshot is kept in
// <build>/artifacts/audit-report.png beside the page itself,
// <build>/artifacts/audit-report.html. Skipped (with a warning) where
// /usr/bin/chromium is absent. Every wait is bounded by timeout(1).
#include <unistd.h>

#include <catch2/catch.hpp>
#include <filesystem>

#include "browser/chromium_util.h"
#include "cli/audit_report_fixture.h"
#include "cli/cli_test_util.h"

namespace certledger::test {
namespace {

std::size_t Occurrences(const std::string& text, const std::string& part) {
  std::size_t n = 0;
  for (std::size_t at = text.find(part); at != std::string::npos; at = text.find(part, at + 1)) {
    ++n;
  }
  return n;
}

}  // namespace

TEST_CASE("chromium: the audit report renders its charts and findings offline",
          "[browser][audit]") {
  if (::access(kChromium, X_OK) != 0) {
    WARN("skipped: " << kChromium << " is not installed");
    return;
  }
  const std::string dir = TempDir("browser_audit_report");
  const AuditReportLedger ledger = BuildAuditReportLedger(dir);
  const std::string artifacts = std::string(CERTLEDGER_BINARY_DIR) + "/artifacts";
  std::filesystem::create_directories(artifacts);
  const std::string html = artifacts + "/audit-report.html";
  const std::string shot = artifacts + "/audit-report.png";
  std::filesystem::remove(html);
  std::filesystem::remove(shot);

  const Output audit = RunProgram("audit --data " + ledger.data + " --regulator-key " +
                                  ledger.regulator_pub + " --log-key " + ledger.log_pub +
                                  " --html " + html);
  INFO(audit.out << audit.err);
  REQUIRE(audit.exit_code == 1);
  REQUIRE(std::filesystem::exists(html));
  const std::string url = "file://" + html;

  const Output dom = Shell(ChromiumCommand(dir + "/profile", "--dump-dom", url));
  INFO(dom.err.substr(0, 2000));
  INFO(dom.out.substr(0, 3000));
  REQUIRE(dom.exit_code == 0);
  CHECK(Occurrences(dom.out, "<svg class=\"bars\"") == 6);
  for (const char* chart : {"bodies", "occupations", "levels", "months", "revocations"}) {
    INFO(chart);
    CHECK(Occurrences(dom.out, std::string("<svg class=\"bars\" id=\"svg-") + chart + "\"") == 1);
  }
  // One bar per body, level and month: 3 bodies, 5 levels, 4 months, 1
  // body with revocations, 2 reasons, 4 occupations or series.
  CHECK(Occurrences(dom.out, "<g class=\"bar\">") == 3 + 5 + 4 + 1 + 2 + 4);
  CHECK(Occurrences(dom.out, "<rect ") == 3 + 5 + 4 + 1 + 2 + 4);
  CHECK(Occurrences(dom.out, "<table id=\"findings-table\">") == 1);
  CHECK(Occurrences(dom.out, "<tr class=\"regulator\">") == 4);
  for (const char* code :
       {"issuance_surge", "backdated", "serial_out_of_sequence", "high_revocation_rate"}) {
    CHECK(Occurrences(dom.out, std::string("<code>") + code + "</code>") == 1);
  }
  // The parsed text, serialized again: the name's markup stayed text.
  CHECK(Occurrences(dom.out, "上海阿尔法机械有限公司 &lt;测试&amp;转义&gt;") >= 1);
  CHECK(Occurrences(dom.out, "<测试") == 0);
  CHECK(Occurrences(dom.out, "<script") == 0);

  const Output png = Shell(ChromiumCommand(
      dir + "/profile", "--screenshot=" + shot + " --window-size=1280,2000 --hide-scrollbars",
      url));
  INFO(png.err.substr(0, 2000));
  CHECK(png.exit_code == 0);
  REQUIRE(std::filesystem::exists(shot));
  const std::string image = Slurp(shot);
  REQUIRE(image.size() > 33);
  CHECK(image.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);  // ISO/IEC 15948 5.2
  CHECK(image.compare(12, 4, "IHDR") == 0);              // 11.2.2: width, height
  CHECK(BigEndian32(image, 16) == 1280);
  CHECK(BigEndian32(image, 20) == 2000);
  // Text and charts, not a blank page (which compresses to a few KB).
  CHECK(image.size() > 40000);
  std::filesystem::remove_all(dir);
}

}  // namespace certledger::test
