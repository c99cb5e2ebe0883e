// certledger audit: re-verifies a whole ledger directory (certledger/audit.h).
#include <unistd.h>

#include <charconv>
#include <chrono>
#include <cstdio>
#include <ctime>

#include "certledger/audit.h"
#include "certledger/file_util.h"
#include "certledger/json_writer.h"
#include "certledger/key_file.h"
#include "cli/audit_mirror.h"
#include "cli/audit_report.h"
#include "cli/cli.h"
#include "cli/file_io.h"

namespace certledger::cli {
namespace {

using Clock = std::chrono::steady_clock;

// A usage error: printed like the argument parser's, exit code kExitUsage.
int Usage(std::string_view message) {
  std::fprintf(stderr, "certledger audit: %.*s\nRun 'certledger audit --help' for usage.\n",
               static_cast<int>(message.size()), message.data());
  return kExitUsage;
}

std::optional<std::uint64_t> ParseCount(std::string_view text) {
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size() || text.empty()) return std::nullopt;
  return v;
}

double Seconds(Clock::duration d) { return std::chrono::duration<double>(d).count(); }

// Progress on stderr, at most four times a second, when it is a terminal.
class ProgressLine {
 public:
  ProgressLine() : enabled_(::isatty(STDERR_FILENO) == 1), start_(Clock::now()) {}

  void Update(const AuditProgress& p) {
    if (!enabled_) return;
    const Clock::time_point now = Clock::now();
    if (p.entries_checked < p.entries_total && now - last_ < std::chrono::milliseconds(250)) {
      return;
    }
    last_ = now;
    const double seconds = Seconds(now - start_);
    const double rate = seconds > 0 ? static_cast<double>(p.entries_checked) / seconds : 0;
    const double percent = p.entries_total == 0 ? 100.0
                                                : 100.0 * static_cast<double>(p.entries_checked) /
                                                      static_cast<double>(p.entries_total);
    std::fprintf(stderr, "\raudit: %llu / %llu entries (%.0f%%), %.0f entries/s   ",
                 static_cast<unsigned long long>(p.entries_checked),
                 static_cast<unsigned long long>(p.entries_total), percent, rate);
    std::fflush(stderr);
    shown_ = true;
  }

  void Done() {
    if (shown_) std::fputc('\n', stderr);
  }

 private:
  bool enabled_;
  bool shown_ = false;
  Clock::time_point start_;
  Clock::time_point last_{};
};

void PrintText(const std::string& dir, const AuditReport& r, double seconds) {
  std::printf("ledger: %s\n", dir.c_str());
  std::printf("tiles checked: %llu, index rows checked: %llu\n",
              static_cast<unsigned long long>(r.tiles_checked),
              static_cast<unsigned long long>(r.index_rows_checked));
  std::printf("time: %.1f s (%.0f entries/s)\n", seconds,
              seconds > 0 ? static_cast<double>(r.entries_checked) / seconds : 0.0);
  PrintAuditReportText(r, "entries checked");
  std::printf("audit: %s\n", r.ok() ? "OK" : "FAILED");
}

void PrintJson(const std::string& dir, const AuditReport& r, double seconds) {
  JsonWriter w;
  w.BeginObject();
  w.Key("ok").Bool(r.ok());
  w.Key("data").String(dir);
  w.Key("index_rows_checked").Uint(r.index_rows_checked);
  w.Key("elapsed_ms").Uint(static_cast<std::uint64_t>(seconds * 1000));
  WriteAuditReportJson(r, w);
  w.EndObject();
  const std::string text = std::move(w).Take();
  std::printf("%s\n", text.c_str());
}

}  // namespace

int RunAudit(const std::vector<std::string>& argv) {
  Args args(
      "audit",
      "Re-verify a whole ledger from its entries: every record under the log's rules,\n"
      "replayed in log order (signature, key and accreditation at the time it was\n"
      "logged, scope, number unused, revocation authority); every leaf hash and hash\n"
      "tile; the tree state; the stored checkpoint's signature, size and root; and\n"
      "every index row both ways. Names each problem found: a byte changed at rest,\n"
      "a missing or extra row, a record that breaks the rules.\n"
      "\n"
      "The ledger directory is opened as a RocksDB secondary instance (its own files\n"
      "go to a temporary directory), so the audit may run while the ledger serves and\n"
      "appends; it checks the tree as stored when it started. Progress goes to\n"
      "standard error when that is a terminal.\n"
      "\n"
      "Regulator findings about the accepted records are findings too: backdated,\n"
      "issuance_surge, near_accreditation_end, high_revocation_rate,\n"
      "serial_out_of_sequence. --html FILE writes a self-contained page with charts.\n"
      "\n"
      "With --url URL instead of --data, audits a remote log through its C2SP tiles\n"
      "API, keeping a mirror in --state. Exit codes then: 0 clean; 1 records break\n"
      "the rules or a regulator finding; 2 the log is inconsistent or corrupt.\n"
      "\n"
      "Exit codes: 0 the audit found nothing; 1 it found something (the log is\n"
      "inconsistent or was changed at rest, or a regulator finding: see the\n"
      "findings); 64 bad command line;\n"
      "3 a key file is missing or malformed, or --data holds no ledger; 4 I/O or\n"
      "storage failure; 5 the database is too damaged for RocksDB to open.",
      {{"data", "DIR", "the ledger's RocksDB directory"},
       {"url", "URL", kRemoteAuditUrlHelp},
       {"state", "DIR", kRemoteAuditStateHelp},
       {"compare", "URL2", kRemoteAuditCompareHelp},
       {"checkpoint", "FILE", kRemoteAuditCheckpointHelp},
       {"regulator-key", "FILE", "the regulator's public key file (verifier key)"},
       {"log-key", "FILE", "the log's public key file (verifier key; its name is the origin)"},
       {"max-clock-skew", "SECONDS",
        "how far a record's iat may lie after its logging time (default 300)"},
       {"threads", "N", "threads that check signatures (default 2)"},
       {"max-findings", "N", "findings listed (default 1000; all are counted)"},
       {"json", "", "print the report as JSON"},
       {"html", "FILE", "also write the report as a self-contained HTML page with charts"}});
  if (auto rc = ParseOrExit(args, "audit", argv)) return *rc;
  if (auto rc = DispatchRemoteAudit(args)) return *rc;  // --url, --state, --compare, --checkpoint
  auto data = args.require("data");
  if (!data.ok()) return Usage(data.status().message());
  auto regulator_path = args.require("regulator-key");
  if (!regulator_path.ok()) return Usage(regulator_path.status().message());
  auto log_path = args.require("log-key");
  if (!log_path.ok()) return Usage(log_path.status().message());

  LogRules rules;
  AuditOptions options;
  const auto count = [&](std::string_view name, std::uint64_t fallback,
                         std::uint64_t max) -> std::optional<std::uint64_t> {
    const auto text = args.get(name);
    if (!text) return fallback;
    const auto v = ParseCount(*text);
    if (!v || *v > max) return std::nullopt;
    return v;
  };
  const auto skew = count("max-clock-skew", rules.max_clock_skew_seconds, 86400);
  if (!skew) return Usage("--max-clock-skew must be a number of seconds, at most 86400");
  const auto threads = count("threads", 2, 64);
  if (!threads || *threads == 0) return Usage("--threads must be 1 to 64");
  const auto max_findings = count("max-findings", options.max_findings, 1000000);
  if (!max_findings) return Usage("--max-findings must be 0 to 1000000");

  auto regulator = ReadPublicKeyFile(*regulator_path);
  if (!regulator.ok()) return Fail("audit", regulator.status());
  auto log_key = ReadPublicKeyFile(*log_path);
  if (!log_key.ok()) return Fail("audit", log_key.status());
  rules.regulator = std::move(*regulator);
  rules.max_clock_skew_seconds = *skew;
  options.threads = static_cast<int>(*threads);
  options.max_findings = static_cast<std::size_t>(*max_findings);

  ProgressLine progress;
  options.progress = [&progress](const AuditProgress& p) { progress.Update(p); };
  const Clock::time_point start = Clock::now();
  Result<AuditReport> report = AuditLocal(*data, rules, *log_key, options);
  progress.Done();
  if (!report.ok()) return Fail("audit", report.status());
  const double seconds = Seconds(Clock::now() - start);
  if (const auto html = args.get("html")) {
    const std::string page = AuditReportHtml(
        *report, AuditReportSource{*data, ChinaTimeText(std::time(nullptr)), seconds});
    if (Status s = WriteFileDurably(*html, AsBytes(page), 0644); !s.ok()) return Fail("audit", s);
  }
  if (args.flag("json")) {
    PrintJson(*data, *report, seconds);
  } else {
    PrintText(*data, *report, seconds);
  }
  return report->ok() ? kExitOk : kExitFailed;
}

}  // namespace certledger::cli
