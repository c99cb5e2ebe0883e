// `certledger demo`: the whole path on the example keys and the demo data
// set (cli/demo_data.h): the log opens and its verifier starts on
// loopback; the regulator accredits an enterprise, an industry association
// and a title committee; each issues its evaluation round (QR codes and
// printable certificates); one certificate is revoked and one superseded;
// the ledger refuses a duplicate number; the QR code is verified against
// the ledger, in process and through the server, and forgeries are caught.
#include <signal.h>
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "certledger/batch.h"
#include "certledger/disclosure.h"
#include "certledger/file_util.h"
#include "certledger/http_client.h"
#include "certledger/http_server.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "certledger/json_reader.h"
#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/qr_image.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "certledger/revoke.h"
#include "certledger/utf8.h"
#include "certledger/verifier_api.h"
#include "certledger/verifier_metrics.h"
#include "certledger/verify.h"
#include "cli/cli.h"
#include "cli/demo_data.h"
#include "cli/example_keys.h"
#include "cli/file_io.h"
#include "cli/report.h"
#include "cli/server_util.h"

namespace certledger::cli {
namespace {

constexpr std::uint64_t kDay = 86400;

void Section(const char* title) { std::printf("\n== %s\n", title); }

Result<NamedSecretKey> ExampleKey(const char* signer_key) { return ParseSignerKey(signer_key); }

// A level-1 lathe operator certificate; `serial` is the body's 6-digit serial.
Certificate LatheCertificate(const Commitments& holder, std::uint64_t now, int serial) {
  char serial_text[8];
  std::snprintf(serial_text, sizeof serial_text, "%06d", serial % 1000000);
  Certificate c;
  c.number = "Y000131000123" + ChinaDateOf(now).ToString().substr(2, 2) + "1" + serial_text;
  c.type = CertificateType::kSkill;
  c.level = Level::kSkill1;
  c.route = Route::kExam;
  c.issued = ChinaDateOf(now);
  c.evaluated = ChinaDateOf(now - 14 * kDay);
  c.holder = holder;
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "--";
  c.project = "SE-2025-07";
  return c;
}

void ShowVerdict(const char* title, const Verification& v) {
  std::printf("\n-- %s\n%s", title, FormatVerification(v).c_str());
}

constexpr const char* kDefaultListen = "127.0.0.1:8080";

struct DemoOptions {
  std::string out_dir;
  std::string listen;
  std::optional<std::string> base_url;
  bool serve = false;      // keep serving until a stop signal
  sigset_t stop_signals{};  // blocked before any thread started (serve only)
};

// The verifier of the demo's ledger on loopback. Falls back to any free
// port when the default one is taken.
struct DemoServer {
  VerifierMetrics metrics;
  ApiContext context;
  std::unique_ptr<HttpServer> server;
};

Status StartServer(DemoServer& s, const std::string& listen, bool fallback) {
  ServerOptions options;
  CL_RETURN_IF_ERROR(ParseListen(listen, options));
  options.io_threads = 1;
  options.handler_threads = 2;
  RequestHandler handler = [&s](const HttpRequest& r) { return HandleRequest(r, s.context); };
  auto server = HttpServer::Start(options, handler, [&s](std::string_view route, int status,
                                                          double seconds) {
    s.metrics.ObserveRequest(route, status, seconds);
  });
  if (!server.ok() && fallback && server.status().code() == StatusCode::kIOError) {
    std::printf("%s is taken (%s); listening on another port\n", listen.c_str(),
                server.status().message().c_str());
    options.port = 0;
    server = HttpServer::Start(options, handler);
  }
  if (!server.ok()) return server.status();
  s.server = std::move(*server);
  return Status::OK();
}

// The second field of each data row of `csv` (the holder's name), in order.
std::vector<std::string> HolderNames(std::string_view csv) {
  std::vector<std::string> names;
  std::size_t line_start = csv.find('\n') + 1;
  while (line_start < csv.size()) {
    const std::size_t end = csv.find('\n', line_start);
    const std::string_view line = csv.substr(line_start, end - line_start);
    const std::size_t a = line.find(',');
    const std::size_t b = line.find(',', a + 1);
    names.emplace_back(line.substr(a + 1, b - a - 1));
    if (end == std::string_view::npos) break;
    line_start = end + 1;
  }
  return names;
}

std::string ReplaceAll(std::string text, std::string_view from, std::string_view to) {
  for (std::size_t at = text.find(from); at != std::string::npos; at = text.find(from, at)) {
    text.replace(at, from.size(), to);
    at += to.size();
  }
  return text;
}

// One body's issuing, as the `certledger issue` command does it.
struct BodyRun {
  const demo::DemoBody* body = nullptr;
  NamedSecretKey key;
  Accreditation accreditation;
  IssuerProfile profile;
  std::unique_ptr<IssuerStore> store;
  std::string out_dir;
};

Result<BatchReport> IssueCsv(BodyRun& run, const std::string& csv, Ledger& ledger,
                             const std::string& base_url, std::uint64_t now) {
  BatchOptions options;
  options.today = ChinaDateOf(now);
  options.accreditation = run.accreditation;
  CL_ASSIGN_OR_RETURN(LedgerSnapshot snapshot, ledger.Snapshot());
  options.number_in_ledger = [snapshot](std::string_view number) {
    return snapshot.FindCertificate(number).ok();
  };
  BatchPlan plan = PlanBatch(csv, run.profile, *run.store, options);
  if (!plan.errors.empty()) {
    return Status::Internal("the demo data has a bad row: " + plan.errors[0].ToString());
  }
  IssueOptions issue;
  issue.body = run.accreditation.body;
  issue.now = now;
  issue.out_dir = run.out_dir;
  issue.base_url = base_url;
  issue.number_in_ledger = options.number_in_ledger;
  issue.files.body = {run.accreditation.name_zh, run.accreditation.name_en};
  EmbeddedLedgerSink sink(ledger, "the demo's ledger");
  CL_ASSIGN_OR_RETURN(BatchReport report,
                      IssueBatch(plan, run.profile, run.key.key, *run.store, sink, issue));
  for (const IssuedRow& row : report.rows) {
    if (!row.submission.ok()) {
      return Status::Internal("the ledger refused demo row " + std::to_string(row.line) + ": " +
                              row.submission.ToString());
    }
  }
  return report;
}

// `text` padded with spaces to `columns` terminal columns, counting East
// Asian wide characters (CJK, full-width forms) as two.
std::string Pad(std::string text, std::size_t columns) {
  std::size_t width = 0;
  std::size_t pos = 0;
  char32_t c = 0;
  while (pos < text.size() && NextCodePoint(text, &pos, &c)) {
    const bool wide = (c >= 0x1100 && c <= 0x115F) || (c >= 0x2E80 && c <= 0xA4CF) ||
                      (c >= 0xAC00 && c <= 0xD7A3) || (c >= 0xF900 && c <= 0xFAFF) ||
                      (c >= 0xFF00 && c <= 0xFF60) || (c >= 0xFFE0 && c <= 0xFFE6);
    width += wide ? 2 : 1;
  }
  if (width < columns) text.append(columns - width, ' ');
  return text;
}

// "Y0001310001232610000001  王建国  一级/高级技师  考核评价" for each row.
void ShowIssued(const BodyRun& run, const BatchReport& report,
                const std::vector<std::string>& holders) {
  for (std::size_t i = 0; i < report.rows.size(); ++i) {
    const IssuedRow& row = report.rows[i];
    const StoredCertificate* stored = run.store->FindCertificate(row.number);
    auto record = stored ? ParseRecord(stored->record) : Result<SignedRecord>(Status::NotFound(""));
    const Certificate* c = record.ok() ? record->certificate() : nullptr;
    if (c == nullptr) continue;
    std::string what = c->type == CertificateType::kSkill
                           ? c->occupation_name + " " + std::string(LevelNameZh(c->level))
                           : c->specialty + " " + std::string(LevelNameZh(c->level));
    std::printf("  %s %s %s %s (index %llu)\n", Pad(row.number, 24).c_str(),
                Pad(i < holders.size() ? holders[i] : "", 12).c_str(), Pad(what, 30).c_str(),
                std::string(RouteNameZh(c->route)).c_str(),
                static_cast<unsigned long long>(row.receipt ? row.receipt->index : 0));
  }
}

// The number issued to `holder` in `report` (rows in the CSV's order).
std::string NumberOf(const BatchReport& report, const std::vector<std::string>& holders,
                     std::string_view holder) {
  for (std::size_t i = 0; i < holders.size() && i < report.rows.size(); ++i) {
    if (holders[i] == holder) return report.rows[i].number;
  }
  return "";
}

Result<std::string> QrTextOf(const BodyRun& run, const std::string& number) {
  CL_ASSIGN_OR_RETURN(std::string text, ReadFile(run.out_dir + "/" + number + ".qr.txt"));
  while (!text.empty() && text.back() == '\n') text.pop_back();
  return text;
}

Result<Verdict> Demo(const DemoOptions& o) {
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  CL_ASSIGN_OR_RETURN(NamedSecretKey regulator, ExampleKey(example_keys::kRegulatorKey));
  CL_ASSIGN_OR_RETURN(NamedSecretKey log_key, ExampleKey(example_keys::kLogKey));
  const NamedPublicKey log_public = log_key.Public();
  const std::string& out_dir = o.out_dir;

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create " + out_dir + ": " + ec.message());
  // The demo's ledger, stores and certificates are its own: made afresh.
  for (const char* sub : {"ledger", "stores", "certificates"}) {
    std::filesystem::remove_all(out_dir + "/" + sub, ec);
  }
  const std::string ledger_dir = out_dir + "/ledger";

  Section("0. The log operator opens an empty ledger and starts its verifier");
  LedgerOptions options;
  options.path = ledger_dir;
  options.rules = LogRules{regulator.Public(), 300};
  CL_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger,
                      Ledger::Open(std::move(options), std::move(log_key)));
  std::printf("ledger %s (RocksDB), origin %s\n", ledger_dir.c_str(), log_public.name.c_str());
  DemoServer verifier;
  verifier.context.regulator = regulator.Public();
  verifier.context.log_key = log_public;
  verifier.context.ledger = ledger.get();
  verifier.context.snapshot = [l = ledger.get()] { return l->Snapshot(); };
  verifier.context.metrics = &verifier.metrics;
  CL_RETURN_IF_ERROR(StartServer(verifier, o.listen, o.listen == kDefaultListen));
  const std::string server_url = "http://127.0.0.1:" + std::to_string(verifier.server->port());
  const std::string base_url = o.base_url.value_or(server_url);
  verifier.context.public_url = base_url;
  std::printf("verifier listening on %s; QR codes point to %s/v\n", server_url.c_str(),
              base_url.c_str());

  Section("1. The regulator accredits three certifying bodies");
  std::vector<BodyRun> runs;
  std::string accreditation_lines;
  std::vector<SignedRecord> accreditation_records;
  for (const demo::DemoBody& body : demo::Bodies()) {
    CL_ASSIGN_OR_RETURN(NamedSecretKey key, ExampleKey(body.signer_key));
    BodyRun run{&body, std::move(key), {}, {}, nullptr, {}};
    run.accreditation = body.accreditation(run.key.key.public_key(), now);
    CL_ASSIGN_OR_RETURN(SignedRecord record,
                        SignRecord(run.accreditation,
                                   cwt::Claims{regulator.name, now - 60, std::nullopt, {}},
                                   regulator.key));
    CL_ASSIGN_OR_RETURN(AppendResult r, ledger->Submit(record.bytes));
    const Scope& scope = run.accreditation.scope;
    std::string levels;
    for (Level l : scope.levels) levels += (levels.empty() ? "" : ", ") + std::string(LevelNameZh(l));
    std::string fields;
    for (const auto& f : scope.occupations.empty() ? scope.series : scope.occupations) {
      fields += (fields.empty() ? "" : ", ") + f;
    }
    std::printf("%s (%s, %s), index %llu:\n  %s: %s; levels %s\n", run.accreditation.name_zh.c_str(),
                run.accreditation.body.c_str(), body.kind, static_cast<unsigned long long>(r.index),
                scope.occupations.empty() ? "series" : "occupations", fields.c_str(),
                levels.c_str());
    accreditation_lines += Base64Encode(record.bytes) + "\n";
    accreditation_records.push_back(std::move(record));
    CL_ASSIGN_OR_RETURN(run.profile, ParseIssuerProfile(body.profile));
    CL_ASSIGN_OR_RETURN(run.store, IssuerStore::Open(out_dir + "/stores/" + run.accreditation.body));
    run.out_dir = out_dir + "/certificates/" + run.accreditation.body;
    runs.push_back(std::move(run));
  }
  CL_RETURN_IF_ERROR(WriteFileDurably(out_dir + "/accreditations.txt", AsBytes(accreditation_lines), 0644));

  Section("2. Each body issues its evaluation round: signed, logged, QR codes and printable "
          "certificates");
  const std::string eval_date = ChinaDateOf(now - 14 * kDay).ToString();
  std::vector<BatchReport> reports;
  std::vector<std::vector<std::string>> holders;
  for (BodyRun& run : runs) {
    const std::string csv = ReplaceAll(run.body->results, "{EVAL}", eval_date);
    CL_ASSIGN_OR_RETURN(BatchReport report, IssueCsv(run, csv, *ledger, base_url, now));
    holders.push_back(HolderNames(csv));
    std::printf("%s: %zu certificates in %s/\n", run.accreditation.name_zh.c_str(), report.issued,
                run.out_dir.c_str());
    ShowIssued(run, report, holders.back());
    reports.push_back(std::move(report));
  }
  std::printf("holders' names and ID numbers stay in each body's private store; the ledger holds "
              "only salted SHA-256 commitments\n");

  Section("3. A revocation, a correction, and a refused duplicate");
  BodyRun& electric = runs[0];
  const std::string revoked = NumberOf(reports[0], holders[0], demo::kRevokedHolder);
  RevocationRequest revoke{revoked, RevocationReason::kError, std::nullopt, now, now};
  EmbeddedLedgerSink sink(*ledger, "the demo's ledger");
  CL_ASSIGN_OR_RETURN(SinkReceipt revocation,
                      RevokeCertificate(revoke, electric.accreditation.body, electric.key.key,
                                        electric.store.get(), sink));
  std::printf("%s (%s) revoked: issued in error; index %llu\n", revoked.c_str(),
              demo::kRevokedHolder, static_cast<unsigned long long>(revocation.index));
  const std::string corrected = NumberOf(reports[0], holders[0], demo::kCorrectedHolder);
  CL_ASSIGN_OR_RETURN(BatchReport correction,
                      IssueCsv(electric, demo::CorrectionCsv(corrected, eval_date), *ledger,
                               base_url, now));
  const IssuedRow& fixed = correction.rows.at(0);
  std::printf("%s (%s) corrected: the new certificate %s supersedes it (%s)\n", corrected.c_str(),
              demo::kCorrectedHolder, fixed.number.c_str(),
              fixed.revocation.ok() ? "revoked with reason superseded"
                                    : fixed.revocation.ToString().c_str());
  // The ledger refuses what breaks its rules: an issued number again.
  const std::string sample_number = NumberOf(reports[0], holders[0], demo::kSampleHolder);
  CL_ASSIGN_OR_RETURN(Disclosure name, MakeDisclosure("name", demo::kSampleHolder));
  CL_ASSIGN_OR_RETURN(Disclosure id, MakeDisclosure("id", demo::kSampleId));
  CL_ASSIGN_OR_RETURN(Commitments holder, CommitmentsOf({name, id}));
  Certificate dup = LatheCertificate(holder, now, 1);
  dup.number = sample_number;
  dup.level = Level::kSkill2;
  CL_ASSIGN_OR_RETURN(SignedRecord dup_record,
                      SignRecord(dup, cwt::Claims{electric.key.name, now, std::nullopt, {}},
                                 electric.key.key));
  auto refused = ledger->Submit(dup_record.bytes);
  std::printf("a second certificate numbered %s: %s\n", dup.number.c_str(),
              refused.ok() ? "accepted (unexpected)" : refused.status().ToString().c_str());
  CL_ASSIGN_OR_RETURN(LedgerSnapshot snapshot, ledger->Snapshot());
  std::printf("\nthe log's signed checkpoint now:\n%s", snapshot.checkpoint().c_str());

  Section("4. The QR code printed on a certificate");
  CL_ASSIGN_OR_RETURN(std::string url, QrTextOf(electric, sample_number));
  CL_ASSIGN_OR_RETURN(QrSymbol symbol, EncodeQr(url, QrErrorCorrection::kM));
  std::fputs(RenderQrText(symbol, isatty(STDOUT_FILENO) != 0).c_str(), stdout);
  std::printf("%s\n", url.c_str());
  CL_RETURN_IF_ERROR(WriteFileDurably(out_dir + "/certificate.qr.txt", AsBytes(url + "\n"), 0644));
  CL_ASSIGN_OR_RETURN(Bytes png, RenderQrPng(symbol));
  CL_RETURN_IF_ERROR(WriteFileDurably(out_dir + "/certificate.qr.png", png, 0644));
  CL_RETURN_IF_ERROR(WriteFileDurably(out_dir + "/certificate.qr.svg", AsBytes(RenderQrSvg(symbol)), 0644));
  std::printf("certificate %s of %s: QR symbol %dx%d modules (error correction M), %zu "
              "characters; the printable certificate is %s/%s.pdf\n",
              sample_number.c_str(), demo::kSampleHolder, symbol.width(), symbol.width(),
              url.size(), electric.out_dir.c_str(), sample_number.c_str());

  Section("5. An employer scans codes; the verifier checks them against the ledger");
  const PublicKey& reg = regulator.key.public_key();
  const auto scan_time = static_cast<std::uint64_t>(std::time(nullptr));
  Verification genuine = VerifyWithLedger(url, snapshot, reg, log_public, scan_time);
  ShowVerdict("the printed code", genuine);
  CL_ASSIGN_OR_RETURN(std::string revoked_url, QrTextOf(electric, revoked));
  ShowVerdict("the revoked certificate",
              VerifyWithLedger(revoked_url, snapshot, reg, log_public, scan_time));
  CL_ASSIGN_OR_RETURN(std::string old_url, QrTextOf(electric, corrected));
  ShowVerdict("the superseded certificate",
              VerifyWithLedger(old_url, snapshot, reg, log_public, scan_time));
  CL_ASSIGN_OR_RETURN(std::string title_url,
                      QrTextOf(runs[2], NumberOf(reports[2], holders[2], "周晓梅")));
  ShowVerdict("a title by overseas qualification mapping",
              VerifyWithLedger(title_url, snapshot, reg, log_public, scan_time));

  CL_ASSIGN_OR_RETURN(QrPayload payload, DecodeQrText(url));
  // A correctly signed certificate that was never submitted to the log.
  Certificate unlogged = LatheCertificate(holder, now, 999);
  CL_ASSIGN_OR_RETURN(SignedRecord unlogged_record,
                      SignRecord(unlogged, cwt::Claims{electric.key.name, now, std::nullopt, {}},
                                 electric.key.key));
  CL_ASSIGN_OR_RETURN(std::string unlogged_text,
                      EncodeQrPayload(QrPayload{unlogged_record.bytes, {name, id}, std::nullopt}));
  ShowVerdict("a signed certificate that was never logged",
              VerifyWithLedger(unlogged_text, snapshot, reg, log_public, scan_time));

  // A forger changes the holder's name in the QR code.
  CL_ASSIGN_OR_RETURN(Disclosure forged_name, MakeDisclosure("name", "李四"));
  QrPayload altered = payload;
  for (Disclosure& d : altered.disclosures) {
    if (d.name == "name") d = forged_name;
  }
  CL_ASSIGN_OR_RETURN(std::string altered_text, EncodeQrPayload(altered));
  ShowVerdict("the same code with another holder's name",
              VerifyWithLedger(altered_text, snapshot, reg, log_public, scan_time));

  // A body with no accreditation signs a certificate of its own.
  NamedSecretKey rogue{"shanghai-rogue-training", SecretKey::Generate()};
  CL_ASSIGN_OR_RETURN(SignedRecord rogue_record,
                      SignRecord(unlogged, cwt::Claims{rogue.name, now, std::nullopt, {}},
                                 rogue.key));
  CL_ASSIGN_OR_RETURN(std::string rogue_text,
                      EncodeQrPayload(QrPayload{rogue_record.bytes, {name, id}, std::nullopt}));
  ShowVerdict("a certificate signed by a body without accreditation",
              VerifyWithLedger(rogue_text, snapshot, reg, log_public, scan_time));

  // One byte of the signed record flipped.
  QrPayload flipped = payload;
  flipped.record[flipped.record.size() / 2] ^= 0x01;
  CL_ASSIGN_OR_RETURN(std::string flipped_text, EncodeQrPayload(flipped));
  ShowVerdict("the record with one byte changed",
              VerifyWithLedger(flipped_text, snapshot, reg, log_public, scan_time));

  ShowVerdict("a truncated QR code",
              VerifyWithLedger(url.substr(0, url.size() / 2), snapshot, reg, log_public, scan_time));

  Section("6. Without the ledger (offline: signature, accreditation, disclosures only)");
  OfflineTrust trust{reg, std::move(accreditation_records)};
  ShowVerdict("the printed code", VerifyOffline(url, trust, scan_time));

  Section("7. The same through the verifier's HTTP API and its page");
  CL_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client, HttpClient::Create(server_url));
  for (const auto& [what, text] : {std::pair<const char*, const std::string*>{"printed", &url},
                                   {"revoked", &revoked_url},
                                   {"forged", &flipped_text}}) {
    CL_ASSIGN_OR_RETURN(HttpClientResponse answer,
                        client->Post("/api/v1/verify", "text/plain", *text));
    auto json = ParseJson(answer.body);
    std::string verdict = json.ok() ? json->String("verdict").value_or("?") : "?";
    std::printf("POST %s/api/v1/verify (the %s code): HTTP %d, verdict %s\n", server_url.c_str(),
                what, answer.status, verdict.c_str());
  }
  std::printf("\nOpen the page of the printed certificate (a phone on this machine, or any browser):\n"
              "  %s\n",
              url.c_str());
  std::printf("\nTo verify it yourself:\n"
              "  certledger verify --data %s --regulator-key keys.example/shanghai-hrss.pub "
              "--log-key keys.example/log.pub --in %s/certificate.qr.txt\n",
              ledger_dir.c_str(), out_dir.c_str());
  if (o.serve) {
    std::printf("\nThe verifier keeps serving on %s; press Ctrl-C to stop.\n", server_url.c_str());
    std::fflush(stdout);
    WaitForStopSignal(o.stop_signals);
  }
  verifier.server->Stop();
  return genuine.verdict;
}

}  // namespace

int RunDemo(const std::vector<std::string>& argv) {
  Args args("demo",
            "Walk the whole path on the example keys (keys.example/, compiled in) and a\n"
            "synthetic data set: the log opens and its verifier starts on loopback; the\n"
            "regulator accredits an enterprise, an industry association and a title\n"
            "committee; each issues an evaluation round (QR codes as PNG and SVG, printable\n"
            "certificates as PDF and PNG); one certificate is revoked, one superseded; an\n"
            "employer's verification accepts the genuine code and catches forgeries, in\n"
            "process and through the HTTP API. On a terminal the verifier keeps serving\n"
            "until Ctrl-C, so that the printed page URL can be opened.",
            {{"out", "DIR", "where to write the ledger, stores and certificates "
                            "(default certledger-demo)"},
             {"listen", "HOST:PORT", "the verifier's address (default 127.0.0.1:8080; another "
                                     "free port if taken)"},
             {"base-url", "URL", "the verifier's public URL in QR codes (default: the address "
                                 "it listens on)"},
             {"no-serve", "", "stop when done, also on a terminal"}});
  if (auto rc = ParseOrExit(args, "demo", argv)) return *rc;
  DemoOptions options;
  options.out_dir = args.get_or("out", "certledger-demo");
  options.listen = args.get_or("listen", kDefaultListen);
  options.base_url = args.get("base-url");
  options.serve = isatty(STDIN_FILENO) != 0 && isatty(STDOUT_FILENO) != 0 && !args.flag("no-serve");
  // Before any thread starts: the signals that end serving.
  if (options.serve) options.stop_signals = BlockStopSignals();
  auto verdict = Demo(options);
  if (!verdict.ok()) return Fail("demo", verdict.status());
  return *verdict == Verdict::kValid ? kExitOk : kExitFailed;
}

}  // namespace certledger::cli
