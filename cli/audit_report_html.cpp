// The audit report as one self-contained HTML page (cli/audit_report.h).
//
//   page    = <!DOCTYPE html> html(head(meta charset, meta CSP, title, style),
//             body(header, section#summary, section.chart*, section#findings))
//   chart   = section.chart#chart-<name> (h2, svg.bars)
//   svg     = one <g class="bar"> per bar: label <text>, <rect>, value <text>;
//             the month chart draws columns instead of rows
//   findings= table#findings-table: category, code, subject, entry, message
//
// The charts are SVG drawn here; the page holds no script and its
// Content-Security-Policy ("default-src 'none'; style-src 'unsafe-inline'")
// lets a browser load nothing else, so it opens offline as it is.
#include <algorithm>
#include <cstdio>
#include <ctime>
#include <vector>

#include "certledger/bytes.h"
#include "cli/audit_report.h"

namespace certledger::cli {
namespace {

// Bars shown per chart; the rest are summed into one "others" bar.
constexpr std::size_t kMaxBars = 30;
constexpr int kChartWidth = 1100;
constexpr int kLabelWidth = 330;
constexpr int kBarArea = 640;
constexpr int kRowHeight = 26;

struct Bar {
  std::string label;
  std::uint64_t value = 0;
};

std::string Num(std::uint64_t v) { return std::to_string(v); }

std::string Fixed(double v) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f", v);
  return buf;
}

// The largest first (ties by label), at most kMaxBars with the rest summed.
std::vector<Bar> Top(std::vector<Bar> bars) {
  std::stable_sort(bars.begin(), bars.end(),
                   [](const Bar& a, const Bar& b) { return a.value > b.value; });
  if (bars.size() <= kMaxBars) return bars;
  std::uint64_t rest = 0;
  const std::size_t hidden = bars.size() - (kMaxBars - 1);
  for (std::size_t i = kMaxBars - 1; i < bars.size(); ++i) rest += bars[i].value;
  bars.resize(kMaxBars - 1);
  bars.push_back(Bar{"其他 " + Num(hidden) + " 项 / " + Num(hidden) + " others", rest});
  return bars;
}

std::string Heading(std::string_view id, std::string_view zh, std::string_view en) {
  return "<section class=\"chart\" id=\"chart-" + std::string(id) + "\">\n<h2>" +
         HtmlEscape(zh) + " <span class=\"en\">" + HtmlEscape(en) + "</span></h2>\n";
}

std::string NoData(std::string_view id) {
  return "<svg class=\"bars\" id=\"svg-" + std::string(id) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kChartWidth) +
         "\" height=\"40\" role=\"img\"><title>无数据 No data</title>"
         "<text x=\"10\" y=\"25\" class=\"muted\">无数据 No data</text></svg>\n";
}

// Horizontal bars, one row each, in the given order.
std::string BarChart(std::string_view id, std::string_view zh, std::string_view en,
                     const std::vector<Bar>& bars, std::string_view colour) {
  std::string out = Heading(id, zh, en);
  if (bars.empty()) return out + NoData(id) + "</section>\n";
  std::uint64_t max = 1;
  for (const Bar& b : bars) max = std::max(max, b.value);
  const int height = static_cast<int>(bars.size()) * kRowHeight + 8;
  out += "<svg class=\"bars\" id=\"svg-" + std::string(id) +
         "\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" + std::to_string(kChartWidth) +
         "\" height=\"" + std::to_string(height) + "\" viewBox=\"0 0 " +
         std::to_string(kChartWidth) + " " + std::to_string(height) + "\" role=\"img\">";
  out += "<title>" + HtmlEscape(zh) + " " + HtmlEscape(en) + "</title>\n";
  int y = 4;
  for (const Bar& b : bars) {
    const double width =
        b.value == 0 ? 0.0 : std::max(2.0, static_cast<double>(kBarArea) * b.value / max);
    out += "<g class=\"bar\"><text x=\"" + std::to_string(kLabelWidth - 8) + "\" y=\"" +
           std::to_string(y + 17) + "\" text-anchor=\"end\">" + HtmlEscape(b.label) +
           "</text><rect x=\"" + std::to_string(kLabelWidth) + "\" y=\"" +
           std::to_string(y + 3) + "\" width=\"" + Fixed(width) + "\" height=\"" +
           std::to_string(kRowHeight - 6) + "\" fill=\"" + std::string(colour) +
           "\"/><text x=\"" + Fixed(kLabelWidth + width + 6) + "\" y=\"" +
           std::to_string(y + 17) + "\" class=\"value\">" + Num(b.value) + "</text></g>\n";
    y += kRowHeight;
  }
  return out + "</svg>\n</section>\n";
}

// Vertical columns, one per month in order, labels below.
std::string MonthChart(const std::map<std::string, std::uint64_t>& months) {
  std::string out = Heading("months", "每月证书数（北京时间，按上链时间）",
                            "Certificates per month (China time, by logged_at)");
  if (months.empty()) return out + NoData("months") + "</section>\n";
  std::uint64_t max = 1;
  for (const auto& [m, v] : months) max = std::max(max, v);
  const int n = static_cast<int>(months.size());
  const int left = 50, top = 20, plot = 220, bottom = 60;
  const double step = std::min(80.0, static_cast<double>(kChartWidth - left - 10) / n);
  const double column = step * 0.7;
  const int label_every = std::max(1, static_cast<int>(60.0 / step + 0.999));
  const int height = top + plot + bottom;
  out += "<svg class=\"bars\" id=\"svg-months\" xmlns=\"http://www.w3.org/2000/svg\" width=\"" +
         std::to_string(kChartWidth) + "\" height=\"" + std::to_string(height) +
         "\" viewBox=\"0 0 " + std::to_string(kChartWidth) + " " + std::to_string(height) +
         "\" role=\"img\"><title>每月证书数 Certificates per month</title>\n";
  out += "<line x1=\"" + std::to_string(left) + "\" y1=\"" + std::to_string(top + plot) +
         "\" x2=\"" + std::to_string(kChartWidth - 10) + "\" y2=\"" +
         std::to_string(top + plot) + "\" class=\"axis\"/>\n";
  int k = 0;
  for (const auto& [month, value] : months) {
    const double h = value == 0 ? 0.0 : std::max(2.0, static_cast<double>(plot) * value / max);
    const double x = left + k * step + (step - column) / 2;
    out += "<g class=\"bar\"><rect x=\"" + Fixed(x) + "\" y=\"" + Fixed(top + plot - h) +
           "\" width=\"" + Fixed(column) + "\" height=\"" + Fixed(h) +
           "\" fill=\"#2f6db5\"/><text x=\"" + Fixed(x + column / 2) + "\" y=\"" +
           Fixed(top + plot - h - 4) + "\" text-anchor=\"middle\" class=\"value\">" + Num(value) +
           "</text>";
    if (k % label_every == 0) {
      out += "<text x=\"" + Fixed(x + column / 2) + "\" y=\"" + std::to_string(top + plot + 18) +
             "\" text-anchor=\"middle\">" + HtmlEscape(month) + "</text>";
    }
    out += "</g>\n";
    ++k;
  }
  return out + "</svg>\n</section>\n";
}

std::string BodyLabel(const std::string& id, const AuditStatistics::Body& body) {
  if (body.name_zh.empty()) return id;
  return body.name_zh + " (" + id + ")";
}

std::string Row(std::string_view zh, std::string_view en, const std::string& value_html) {
  return "<tr><th>" + HtmlEscape(zh) + " <span class=\"en\">" + HtmlEscape(en) +
         "</span></th><td>" + value_html + "</td></tr>\n";
}

std::string Summary(const AuditReport& r, const AuditReportSource& source) {
  std::string out = "<section id=\"summary\">\n<p class=\"status ";
  out += r.ok() ? "ok\">审计通过 <span class=\"en\">Audit OK</span>"
                : "failed\">发现问题 <span class=\"en\">Findings</span>";
  out += "</p>\n<table class=\"facts\">\n";
  out += Row("账本", "Ledger", "<code>" + HtmlEscape(source.ledger) + "</code>");
  out += Row("生成时间", "Generated", HtmlEscape(source.generated));
  out += Row("树大小", "Tree size", Num(r.tree_size));
  out += Row("根哈希", "Root",
             "<code>" + (r.root ? Base64Encode(AsBytes(*r.root)) : std::string("(unknown)")) +
                 "</code>");
  out += Row("已检查条目", "Entries checked", Num(r.entries_checked));
  out += Row("备案认可", "Accreditations", Num(r.accreditations));
  out += Row("证书", "Certificates", Num(r.certificates));
  out += Row("撤销", "Revocations", Num(r.revocations));
  out += Row("发现", "Findings",
             "<span id=\"finding-count\">" + Num(r.finding_count) + "</span>（其中监管发现 " +
                 Num(r.regulator_finding_count) + " / regulator findings: " +
                 Num(r.regulator_finding_count) + "）");
  out += Row("用时", "Time", Fixed(source.seconds) + " s");
  return out + "</table>\n</section>\n";
}

std::string_view CodeNameZh(std::string_view code) {
  if (code == "backdated") return "倒签";
  if (code == "issuance_surge") return "发证激增";
  if (code == "near_accreditation_end") return "临近备案到期";
  if (code == "high_revocation_rate") return "撤销率高";
  if (code == "serial_out_of_sequence") return "流水号异常";
  return "完整性";
}

std::string FindingsTable(const AuditReport& r) {
  std::string out =
      "<section id=\"findings\">\n<h2>发现 <span class=\"en\">Findings</span></h2>\n";
  if (r.findings.empty()) {
    return out + "<p id=\"no-findings\">未发现问题 <span class=\"en\">No findings</span></p>\n" +
           "</section>\n";
  }
  out +=
      "<table id=\"findings-table\">\n<thead><tr><th>类别 Category</th><th>代码 Code</th>"
      "<th>对象 Subject</th><th>条目 Entry</th><th>说明 Message</th></tr></thead>\n<tbody>\n";
  for (const AuditFinding& f : r.findings) {
    const std::string_view category = FindingCategory(f);
    out += "<tr class=\"" + std::string(category) + "\"><td>" +
           (category == "regulator" ? "监管 regulator" : "完整性 integrity") + "</td><td>" +
           HtmlEscape(CodeNameZh(f.code)) + "<br><code>" + HtmlEscape(f.code) + "</code></td><td>" +
           HtmlEscape(f.subject) + "</td><td>" + (f.index ? Num(*f.index) : std::string("—")) +
           "</td><td>" + HtmlEscape(f.message) +
           (f.reason.empty() ? std::string() : " [" + HtmlEscape(f.reason) + "]") + "</td></tr>\n";
  }
  out += "</tbody>\n</table>\n";
  if (r.finding_count > r.findings.size()) {
    out += "<p class=\"muted\">另有 " + Num(r.finding_count - r.findings.size()) +
           " 项未列出 / and " + Num(r.finding_count - r.findings.size()) +
           " more not listed</p>\n";
  }
  return out + "</section>\n";
}

constexpr std::string_view kStyle = R"css(
body { font-family: "Noto Sans CJK SC", "Noto Sans SC", "Microsoft YaHei", sans-serif;
       margin: 0 auto; max-width: 1160px; padding: 16px 24px; color: #1d2733; background: #fff; }
h1 { font-size: 26px; margin: 8px 0 4px; }
h2 { font-size: 19px; margin: 28px 0 8px; border-bottom: 2px solid #dde3ea; padding-bottom: 4px; }
.en { color: #5b6773; font-weight: normal; }
.muted { color: #6c7883; }
code { font-family: "DejaVu Sans Mono", monospace; font-size: 13px; word-break: break-all; }
.status { display: inline-block; padding: 6px 16px; border-radius: 6px; font-size: 20px;
          font-weight: bold; color: #fff; }
.status.ok { background: #1b7f3b; }
.status.failed { background: #b3261e; }
.status .en { color: #f3f3f3; }
table { border-collapse: collapse; }
.facts th { text-align: left; padding: 3px 16px 3px 0; font-weight: 600; white-space: nowrap; }
.facts td { padding: 3px 0; }
svg.bars text { font-size: 13px; fill: #1d2733; }
svg.bars text.value { fill: #3d4852; }
svg.bars .axis { stroke: #8a96a3; stroke-width: 1; }
#findings-table { width: 100%; font-size: 13px; }
#findings-table th, #findings-table td { border: 1px solid #cfd7df; padding: 4px 6px;
                                         vertical-align: top; text-align: left; }
#findings-table thead th { background: #eef2f6; }
#findings-table td:nth-child(2) code { white-space: nowrap; }
#findings-table tr.regulator td:first-child { color: #8a4b00; font-weight: 600; }
#findings-table tr.integrity td:first-child { color: #b3261e; font-weight: 600; }
footer { margin-top: 32px; font-size: 12px; color: #6c7883; }
)css";

}  // namespace

std::string HtmlEscape(std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (char c : text) {
    switch (c) {
      case '&':
        out += "&amp;";
        break;
      case '<':
        out += "&lt;";
        break;
      case '>':
        out += "&gt;";
        break;
      case '"':
        out += "&quot;";
        break;
      case '\'':
        out += "&#39;";
        break;
      default:
        out += c;
    }
  }
  return out;
}

std::string ChinaTimeText(std::int64_t unix_seconds) {
  const std::time_t china = static_cast<std::time_t>(unix_seconds + 8 * 3600);
  std::tm tm{};
  ::gmtime_r(&china, &tm);
  char buf[48];
  std::strftime(buf, sizeof buf, "%Y-%m-%d %H:%M:%S +08:00", &tm);
  return buf;
}

std::string AuditReportHtml(const AuditReport& report, const AuditReportSource& source) {
  const AuditStatistics& s = report.statistics;
  std::string out =
      "<!DOCTYPE html>\n<html lang=\"zh-CN\">\n<head>\n<meta charset=\"utf-8\">\n"
      "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; "
      "style-src 'unsafe-inline'\">\n"
      "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
      "<title>账本审计报告 Ledger audit report</title>\n<style>";
  out += kStyle;
  out += "</style>\n</head>\n<body>\n<header><h1>账本审计报告 <span class=\"en\">Ledger audit "
         "report</span></h1></header>\n";
  out += Summary(report, source);

  std::vector<Bar> bodies, revoked;
  for (const auto& [id, body] : s.bodies) {
    bodies.push_back(Bar{BodyLabel(id, body), body.certificates});
    if (body.revoked > 0) revoked.push_back(Bar{BodyLabel(id, body), body.revoked});
  }
  out += BarChart("bodies", "各机构证书数", "Certificates per body", Top(bodies), "#2f6db5");

  std::vector<Bar> fields;
  for (const auto& [code, count] : s.by_occupation) {
    auto name = s.occupation_names.find(code);
    fields.push_back(Bar{
        code + (name == s.occupation_names.end() || name->second.empty() ? "" : " " + name->second),
        count});
  }
  for (const auto& [code, count] : s.by_series) {
    fields.push_back(Bar{"职称系列 series: " + code, count});
  }
  out += BarChart("occupations", "各职业（工种）或职称系列证书数",
                  "Certificates per occupation or title series", Top(fields), "#3a8f7d");

  std::vector<Bar> levels;  // lowest level first, as the ladders go
  for (const auto& [level, count] : s.by_level) {
    levels.push_back(
        Bar{std::string(LevelNameZh(level)) + " " + std::string(LevelNameEn(level)), count});
  }
  out += BarChart("levels", "各等级证书数", "Certificates per level", levels, "#7a5cb0");
  out += MonthChart(s.by_month);
  out += BarChart("revocations", "各机构被撤销证书数", "Revoked certificates per body",
                  Top(revoked), "#b3261e");
  std::vector<Bar> reasons;
  for (const auto& [reason, count] : s.revocations_by_reason) {
    reasons.push_back(Bar{std::string(RevocationReasonNameZh(reason)) + " " +
                              std::string(RevocationReasonNameEn(reason)),
                          count});
  }
  out += BarChart("reasons", "撤销原因", "Revocations by reason", reasons, "#c9731c");
  out += FindingsTable(report);
  out += "<footer>certledger audit · 本报告为独立文件，可离线打开 / a self-contained file that "
         "opens offline</footer>\n</body>\n</html>\n";
  return out;
}

}  // namespace certledger::cli
