// certledger audit --url URL: mirrors a remote log through its C2SP
// tlog-tiles read API and audits it (certledger/mirror.h), and compares the
// checkpoints of other sources (split view).
#include "cli/audit_mirror.h"
#include "cli/audit_report.h"

#include <charconv>
#include <chrono>
#include <ctime>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <optional>
#include <string>
#include <vector>

#include "certledger/file_util.h"
#include "certledger/http_client.h"
#include "certledger/json_writer.h"
#include "certledger/mirror.h"
#include "cli/file_io.h"
#include "cli/issuer_common.h"

namespace certledger::cli {
namespace {

int Usage(std::string_view message) {
  std::fprintf(stderr, "certledger audit: %.*s\nRun 'certledger audit --help' for usage.\n",
               static_cast<int>(message.size()), message.data());
  return kExitUsage;
}

std::optional<std::uint64_t> Count(const Args& args, std::string_view name,
                                   std::uint64_t fallback, std::uint64_t max) {
  const auto text = args.get(name);
  if (!text) return fallback;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text->data(), text->data() + text->size(), v);
  if (ec != std::errc() || end != text->data() + text->size() || text->empty() || v > max) {
    return std::nullopt;
  }
  return v;
}

// A temporary state directory for a run without --state, removed at the end.
class TempStateDir {
 public:
  TempStateDir() {
    std::string templ =
        (std::filesystem::temp_directory_path() / "certledger-audit-XXXXXX").string();
    if (::mkdtemp(templ.data()) != nullptr) path_ = templ;
  }
  ~TempStateDir() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  std::string path_;
};

// A MirrorFetch over one keep-alive HTTP connection to `base`.
struct HttpSource {
  std::string base;
  std::unique_ptr<HttpClient> client;

  static Result<HttpSource> Open(const std::string& url) {
    CL_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client, HttpClient::Create(url));
    std::string base = url;
    while (!base.empty() && base.back() == '/') base.pop_back();
    return HttpSource{std::move(base), std::move(client)};
  }

  MirrorFetch Fetch() {
    return [this](std::string_view path) -> Result<std::string> {
      const std::string target = "/" + std::string(path);
      CL_ASSIGN_OR_RETURN(HttpClientResponse answer, client->Get(target));
      if (answer.status == 200) return std::move(answer.body);
      const std::string what = "GET " + base + target + ": HTTP " + std::to_string(answer.status);
      if (answer.status == 404) return Status::NotFound(what);
      return Status::IOError(what).WithReason("unavailable");
    };
  }
};

// A second source's checkpoint and what comparing it found.
struct Comparison {
  std::string source;
  std::string checkpoint;
  std::vector<AuditFinding> findings;
};

void PrintIndented(const std::string& text) {
  std::size_t start = 0;
  while (start < text.size()) {
    const std::size_t nl = text.find('\n', start);
    const std::size_t end = nl == std::string::npos ? text.size() : nl;
    std::printf("      %s\n", text.substr(start, end - start).c_str());
    start = end + 1;
  }
}

void PrintText(const std::string& url, const MirrorReport& r,
               const std::vector<Comparison>& comparisons, const std::string& trusted,
               bool consistent, std::uint64_t total) {
  const AuditReport& a = r.audit;
  std::printf("log: %s\n", url.c_str());
  std::printf("entries fetched: %llu (requests: %llu, hash tiles checked: %llu)\n",
              static_cast<unsigned long long>(r.entries_fetched),
              static_cast<unsigned long long>(r.fetches),
              static_cast<unsigned long long>(a.tiles_checked));
  PrintAuditReportText(a, "entries replayed",
                       " (trusted before this run: " + std::to_string(r.trusted_size_before) +
                           ")");
  for (const Comparison& c : comparisons) {
    std::printf("compared with %s: %s\n", c.source.c_str(),
                c.findings.empty() ? "consistent" : "NOT CONSISTENT");
    for (const AuditFinding& f : c.findings) PrintAuditFinding(f);
    if (c.findings.empty()) continue;
    std::printf("    the log's trusted checkpoint:\n");
    PrintIndented(trusted);
    std::printf("    the checkpoint from %s:\n", c.source.c_str());
    PrintIndented(c.checkpoint);
  }
  std::printf("audit: %s\n", !consistent          ? "FAILED (the log is inconsistent or corrupt)"
                             : total > 0           ? "FAILED"
                                                   : "OK");
}

void PrintJson(const std::string& url, const MirrorReport& r,
               const std::vector<Comparison>& comparisons, const std::string& trusted,
               bool consistent, std::uint64_t total) {
  const AuditReport& a = r.audit;
  JsonWriter w;
  w.BeginObject();
  w.Key("ok").Bool(consistent && total == 0);
  w.Key("log_consistent").Bool(consistent);
  w.Key("url").String(url);
  w.Key("trusted_size_before").Uint(r.trusted_size_before);
  w.Key("checkpoint").String(trusted);
  w.Key("entries_fetched").Uint(r.entries_fetched);
  w.Key("requests").Uint(r.fetches);
  WriteAuditReportJson(a, w);
  w.Key("compared").BeginArray();
  for (const Comparison& c : comparisons) {
    w.BeginObject();
    w.Key("source").String(c.source);
    w.Key("consistent").Bool(c.findings.empty());
    w.Key("checkpoint").String(c.checkpoint);
    w.Key("findings").BeginArray();
    for (const AuditFinding& f : c.findings) WriteAuditFindingJson(f, w);
    w.EndArray();
    w.EndObject();
  }
  w.EndArray();
  w.EndObject();
  const std::string text = std::move(w).Take();
  std::printf("%s\n", text.c_str());
}

}  // namespace

Result<NamedPublicKey> ReadLogVerifierKey(std::string_view text) {
  Result<NamedPublicKey> key = ParseVerifierKey(text);
  if (key.ok()) return key;
  return ReadPublicKeyFile(std::string(text));
}

namespace {

// The remote audit once the command line is parsed.
int RunRemoteAudit(const Args& args, const LogRules& rules, const NamedPublicKey& log_key,
                   int threads, std::size_t max_findings) {
  const std::string url = *args.get("url");
  Result<HttpSource> source = HttpSource::Open(url);
  if (!source.ok()) return Fail("audit", source.status());
  std::optional<TempStateDir> temp;
  std::string state_dir = args.get_or("state", "");
  if (state_dir.empty()) {
    temp.emplace();
    if (temp->path().empty()) {
      return Fail("audit", Status::IOError("cannot create a temporary state directory"));
    }
    state_dir = temp->path();
  }

  MirrorOptions options;
  options.rules = rules;
  options.log_key = log_key;
  options.threads = threads;
  options.max_findings = max_findings;
  std::optional<ProgressBar> progress;
  progress.emplace();
  options.progress = [&progress](const MirrorProgress& p) {
    progress->Update(p.stage, static_cast<std::size_t>(p.done), static_cast<std::size_t>(p.total));
  };
  const auto start = std::chrono::steady_clock::now();
  Result<MirrorReport> report = MirrorAndAudit(state_dir, source->Fetch(), options);
  progress.reset();
  if (!report.ok()) return Fail("audit", report.status());
  const std::chrono::duration<double> elapsed = std::chrono::steady_clock::now() - start;

  std::vector<Comparison> comparisons;
  if (auto other_url = args.get("compare")) {
    Result<HttpSource> other = HttpSource::Open(*other_url);
    if (!other.ok()) return Fail("audit", other.status());
    const MirrorFetch fetch = other->Fetch();
    Result<std::string> note = fetch("checkpoint");
    if (!note.ok()) return Fail("audit", note.status());
    Result<std::vector<AuditFinding>> found =
        CheckSplitView(state_dir, log_key, *other_url, *note, fetch);
    if (!found.ok()) return Fail("audit", found.status());
    comparisons.push_back(Comparison{*other_url, std::move(*note), std::move(*found)});
  }
  if (auto file = args.get("checkpoint")) {
    Result<std::string> note = ReadFile(*file, 1 << 20);
    if (!note.ok()) return Fail("audit", note.status());
    Result<std::vector<AuditFinding>> found =
        CheckSplitView(state_dir, log_key, *file, *note, nullptr);
    if (!found.ok()) return Fail("audit", found.status());
    comparisons.push_back(Comparison{*file, std::move(*note), std::move(*found)});
  }

  bool consistent = report->log_consistent;
  std::uint64_t total = report->audit.finding_count;
  for (const Comparison& c : comparisons) {
    total += c.findings.size();
    for (const AuditFinding& f : c.findings) {
      if (IsLogInconsistencyFinding(f.code)) consistent = false;
    }
  }
  Result<std::string> trusted = TrustedCheckpoint(state_dir, log_key);
  if (!trusted.ok()) return Fail("audit", trusted.status());
  if (const auto html = args.get("html")) {
    // The page shows the mirrored log's statistics and findings; those of
    // the comparisons go in too.
    AuditReport shown = report->audit;
    for (const Comparison& c : comparisons) {
      shown.findings.insert(shown.findings.end(), c.findings.begin(), c.findings.end());
      shown.finding_count += c.findings.size();
    }
    const std::string page = AuditReportHtml(
        shown, AuditReportSource{url, ChinaTimeText(std::time(nullptr)), elapsed.count()});
    if (Status s = WriteFileDurably(*html, AsBytes(page), 0644); !s.ok()) return Fail("audit", s);
  }
  if (args.flag("json")) {
    PrintJson(url, *report, comparisons, *trusted, consistent, total);
  } else {
    PrintText(url, *report, comparisons, *trusted, consistent, total);
  }
  if (!consistent) return kExitLogInconsistent;
  return total > 0 ? kExitFailed : kExitOk;
}

}  // namespace

std::optional<int> DispatchRemoteAudit(const Args& args) {
  const bool remote = args.get("url").has_value();
  for (const char* name : {"state", "compare", "checkpoint"}) {
    if (!remote && args.get(name)) return Usage(std::string("--") + name + " needs --url");
  }
  if (!remote) return std::nullopt;
  if (args.get("data")) return Usage("--data cannot be used with --url");
  auto regulator_path = args.require("regulator-key");
  if (!regulator_path.ok()) return Usage(regulator_path.status().message());
  auto log_text = args.require("log-key");
  if (!log_text.ok()) return Usage(log_text.status().message());
  LogRules rules;
  const auto skew = Count(args, "max-clock-skew", rules.max_clock_skew_seconds, 86400);
  if (!skew) return Usage("--max-clock-skew must be a number of seconds, at most 86400");
  const auto threads = Count(args, "threads", 2, 64);
  if (!threads || *threads == 0) return Usage("--threads must be 1 to 64");
  const auto max_findings = Count(args, "max-findings", 1000, 1000000);
  if (!max_findings) return Usage("--max-findings must be 0 to 1000000");
  auto regulator = ReadPublicKeyFile(*regulator_path);
  if (!regulator.ok()) return Fail("audit", regulator.status());
  auto log_key = ReadLogVerifierKey(*log_text);
  if (!log_key.ok()) return Fail("audit", log_key.status());
  rules.regulator = std::move(*regulator);
  rules.max_clock_skew_seconds = *skew;
  return RunRemoteAudit(args, rules, *log_key, static_cast<int>(*threads),
                        static_cast<std::size_t>(*max_findings));
}

}  // namespace certledger::cli
