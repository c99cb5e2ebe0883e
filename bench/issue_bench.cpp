// issue_bench: batch issuance end to end, exactly what `certledger issue`
// runs, beside raw libsodium signing and verification measured in the same
// run.
//
//   1. A synthetic UTF-8 CSV of N evaluation results in the format of
//      docs/examples/evaluation-results.csv: skill rows only, synthetic
//      Chinese names, distinct 18-digit resident ID numbers with their
//      GB 11643 check digit, the occupations and skill levels that
//      docs/examples/accreditation.conf allows. Not timed.
//   2. A new ledger directory (keys.example/log.key signs checkpoints,
//      keys.example/shanghai-hrss is the regulator) and shanghai-electric
//      accredited from docs/examples/accreditation.conf, as
//      `certledger accredit --in` does. A new issuer store.
//   3. Timed: PlanBatch (parse and check every row), then IssueBatch with an
//      EmbeddedLedgerSink, as cli/command_issue.cpp does (printable
//      certificates off, as with --no-print; IssueOptions has no switch for
//      the QR files, so they are written and timed as their own stage).
//      The stages come from IssueBatch's progress callback: number (serials
//      reserved durably), sign (disclosures, commitments, COSE signature, on
//      --threads threads), store (the issuer store, durable), submit (the
//      ledger: parse, verify, validate, durable commit with a signed
//      checkpoint), write (<number>.qr.txt, .qr.png, .qr.svg).
//   4. Raw baselines over the exact Sig_structure messages of the issued
//      records: crypto_sign_detached and crypto_sign_verify_detached on one
//      thread, and one sign plus one verify per certificate (what issuance
//      must do at least: the issuer signs, the ledger verifies), on 1 and
//      2 threads.
//
// Columns: wall-clock seconds and rate; CPU us, this process's CPU time
// (all threads, user + system) per certificate; seq us, the ledger
// sequencer thread's ("cl-sequencer"). The CPU figures stay meaningful when
// other programs load the machine; wall-clock rates do not.
//
// Usage: issue_bench [--rows N] [--threads T] [--dir D] [--keep] [--print]
//   --rows     rows of the CSV (default 100,000)
//   --threads  IssueOptions::threads and the sink's prepare threads (2)
//   --dir      where the ledger, store and files go (default a new
//              directory under /tmp, removed at the end unless --keep)
//   --print    also render the printable certificates (PDF and PNG
//              preview); slow, use a few hundred rows
//   --source   the source tree, for keys.example/ and docs/examples/
//              (default: the tree this program was built from)
#include <sodium.h>
#include <stdlib.h>
#include <sys/resource.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <functional>
#include <map>
#include <memory>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "certledger/accreditation_input.h"
#include "certledger/batch.h"
#include "certledger/certificate_rules.h"
#include "certledger/cose.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "certledger/qr_image.h"
#include "certledger/qr_payload.h"
#include "certledger/certificate_print.h"
#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/record.h"
#include "certledger/record_sink.h"

#ifndef CERTLEDGER_SOURCE_DIR
#define CERTLEDGER_SOURCE_DIR "."
#endif

namespace {

using namespace certledger;
using namespace certledger::bench;
using Clock = std::chrono::steady_clock;

struct Args {
  std::size_t rows = 100'000;
  int threads = 2;
  std::string dir;
  bool keep = false;
  bool print = false;
  std::string source = CERTLEDGER_SOURCE_DIR;
};

// A point in time: wall clock, process CPU, sequencer CPU.
struct Mark {
  Clock::time_point wall = Clock::now();
  double cpu = CpuSeconds();
  double seq = SequencerCpuSeconds();
};

struct Span {
  double seconds = 0, cpu = 0, seq = 0;
  static Span Between(const Mark& a, const Mark& b) {
    return {std::chrono::duration<double>(b.wall - a.wall).count(), b.cpu - a.cpu, b.seq - a.seq};
  }
};

// Runs f(i) for i in [0, n) on `threads` threads, interleaved.
void Parallel(std::size_t n, int threads, const std::function<void(std::size_t)>& f) {
  std::vector<std::thread> workers;
  for (int t = 0; t < threads; ++t) {
    workers.emplace_back([&, t] {
      for (std::size_t i = static_cast<std::size_t>(t); i < n; i += static_cast<std::size_t>(threads)) f(i);
    });
  }
  for (auto& w : workers) w.join();
}

// ------------------------------------------------------------ the CSV

// The proleptic Gregorian date `days` after 1970-01-01.
Date CivilFromDays(long days) {
  days += 719468;
  const long era = (days >= 0 ? days : days - 146096) / 146097;
  const long doe = days - era * 146097;
  const long yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const long doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const long mp = (5 * doy + 2) / 153;
  const int d = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  const int m = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  const int y = static_cast<int>(yoe + era * 400 + (m <= 2 ? 1 : 0));
  return Date{y, m, d};
}

// GB 11643-1999 check character (ISO 7064 MOD 11-2) of 17 digits, written
// out here from the standard rather than taken from the library under test:
// weights 2^(17-i) mod 11, check = "10X98765432"[sum mod 11].
char CheckCharacter(const std::string& body) {
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int i = 0; i < 17; ++i) sum += (body[static_cast<std::size_t>(i)] - '0') * kWeights[i];
  return "10X98765432"[sum % 11];
}

// Row i's resident ID number: a Shanghai district, a birth date between
// 1966 and 2004, a sequence code; distinct for i < 14,000 * 1,000.
std::string IdNumber(std::size_t i) {
  static const char* kRegions[] = {"310101", "310104", "310105", "310106", "310107",
                                   "310109", "310110", "310112", "310113", "310115"};
  const Date birth = CivilFromDays(-1461 + static_cast<long>(i % 14000));  // from 1966-01-01
  char body[32];
  std::snprintf(body, sizeof body, "%s%04d%02d%02d%03zu", kRegions[(i / 14000) % 10], birth.year,
                birth.month, birth.day, (i / 14000) % 1000);
  std::string id = body;
  id.push_back(CheckCharacter(id));
  return id;
}

std::string Name(std::size_t i) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周",
                                    "徐", "孙", "马", "朱", "胡", "郭", "何", "高", "林", "罗",
                                    "欧阳", "司马"};
  static const char* kGiven[] = {"建", "国", "秀", "英", "志", "强", "晓", "梅", "伟", "芳",
                                 "军", "敏", "静", "丽", "磊", "洋", "艳", "勇", "杰", "娟",
                                 "涛", "明", "超", "霞", "平", "刚", "桂", "兰", "文", "华"};
  constexpr std::size_t kS = sizeof kSurnames / sizeof kSurnames[0];
  constexpr std::size_t kG = sizeof kGiven / sizeof kGiven[0];
  std::string name = kSurnames[i % kS];
  name += kGiven[(i / kS) % kG];
  if (i % 3 != 0) name += kGiven[(i / (kS * kG) + i) % kG];
  return name;
}

// N skill rows over the occupations and levels of accreditation.conf.
std::string MakeCsv(std::size_t rows, const Date& today) {
  struct Trade {
    const char* code;
    const char* name;
    const char* work_types[3];
  };
  static const Trade kTrades[] = {{"6-18-01-01", "车工", {"--", "数控车工", "普通车工"}},
                                  {"6-29-03-01", "焊工", {"电焊工", "气焊工", "--"}}};
  static const char* kLevels[] = {"三级/高级工", "二级/技师", "一级/高级技师", "特级技师"};
  static const char* kRoutes[] = {"考核评价", "exam", "以赛代评"};
  std::string csv =
      "type,name,id_type,id_number,level,route,occupation,occupation_name,work_type,project,"
      "series,specialty,foreign,evaluated,issued\n";
  csv.reserve(rows * 140);
  for (std::size_t i = 0; i < rows; ++i) {
    const Trade& t = kTrades[i % 2];
    // Evaluated within the 60 days before today.
    Date evaluated = today;
    evaluated.day = 1 + static_cast<int>(i % 28);
    if (evaluated.day > today.day) {
      evaluated.month = today.month == 1 ? 12 : today.month - 1;
      if (today.month == 1) --evaluated.year;
    }
    char project[32];
    std::snprintf(project, sizeof project, "SE-%04d-%02zu", evaluated.year, i % 40 + 1);
    csv += "skill,";
    csv += Name(i);
    csv += i % 5 == 0 ? ",居民身份证," : ",,";
    csv += IdNumber(i);
    csv += ',';
    csv += kLevels[(i / 2) % 4];
    csv += ',';
    csv += kRoutes[i % 3];
    csv += ',';
    csv += t.code;
    csv += ',';
    csv += t.name;
    csv += ',';
    csv += t.work_types[(i / 8) % 3];
    csv += ',';
    csv += project;
    csv += ",,,,";
    csv += evaluated.ToString();
    csv += ",\n";
  }
  return csv;
}

// ------------------------------------------------------------ baselines

struct Signed {
  Bytes message;  // the Sig_structure
  Bytes signature;
};

// Seconds to run f(i) for every i in [0, n) on `threads` threads.
double Time(std::size_t n, int threads, const std::function<void(std::size_t)>& f) {
  const auto start = Clock::now();
  Parallel(n, threads, f);
  return std::chrono::duration<double>(Clock::now() - start).count();
}

struct RawRates {
  double sign = 0, verify = 0, sign_verify = 0, sign_verify_2 = 0;  // per second
};

// Best of two rounds of each.
RawRates MeasureRaw(const std::vector<Signed>& msgs, const SecretKey& key) {
  unsigned char pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(pk, sk, key.seed().data());
  const std::size_t n = msgs.size();
  std::atomic<int> failures{0};
  auto sign = [&](std::size_t i) {
    unsigned char s[crypto_sign_BYTES];
    crypto_sign_detached(s, nullptr, msgs[i].message.data(), msgs[i].message.size(), sk);
    if (std::memcmp(s, msgs[i].signature.data(), sizeof s) != 0) failures.fetch_add(1);
  };
  auto verify = [&](std::size_t i) {
    if (crypto_sign_verify_detached(msgs[i].signature.data(), msgs[i].message.data(),
                                    msgs[i].message.size(), pk) != 0) {
      failures.fetch_add(1);
    }
  };
  auto both = [&](std::size_t i) {
    sign(i);
    verify(i);
  };
  RawRates r;
  for (int round = 0; round < 2; ++round) {
    r.sign = std::max(r.sign, static_cast<double>(n) / Time(n, 1, sign));
    r.verify = std::max(r.verify, static_cast<double>(n) / Time(n, 1, verify));
    r.sign_verify = std::max(r.sign_verify, static_cast<double>(n) / Time(n, 1, both));
    r.sign_verify_2 = std::max(r.sign_verify_2, static_cast<double>(n) / Time(n, 2, both));
  }
  sodium_memzero(sk, sizeof sk);
  if (failures.load() != 0) Die("raw sign or verify disagrees with the issued records");
  return r;
}

// ------------------------------------------------------------ files

// CPU microseconds per certificate of each part of WriteCertificateFiles,
// on one thread, over `certificates` (the files themselves not written).
struct FileParts {
  std::size_t n = 0;
  double payload = 0, encode = 0, png = 0, svg = 0;  // QR files
  std::size_t url_chars = 0, png_bytes = 0, svg_bytes = 0;
  int modules = 0;
  std::size_t printed = 0;
  double make_page = 0, pdf = 0, preview = 0;  // printable certificate
};

FileParts TimeFileParts(const std::vector<const StoredCertificate*>& certificates,
                        std::size_t print_samples, const CertificateFileOptions& files,
                        const std::string& base_url) {
  FileParts f;
  auto us = [](double& into, auto fn) {
    const double cpu = CpuSeconds();
    auto r = fn();
    into += (CpuSeconds() - cpu) * 1e6;
    return r;
  };
  for (const StoredCertificate* c : certificates) {
    QrPayload payload{c->record, c->disclosures, std::nullopt};
    std::string fragment = Check(us(f.payload, [&] { return EncodeQrPayload(payload); }), "payload");
    const std::string url = QrUrl(base_url, fragment);
    QrSymbol symbol = Check(us(f.encode, [&] { return EncodeQr(url, QrErrorCorrection::kM); }), "qr");
    Bytes png = Check(us(f.png, [&] { return RenderQrPng(symbol); }), "png");
    std::string svg = us(f.svg, [&] { return RenderQrSvg(symbol); });
    f.url_chars = url.size();
    f.png_bytes = png.size();
    f.svg_bytes = svg.size();
    f.modules = symbol.width();
    if (f.printed < print_samples) {
      PrintableCertificate page = Check(us(f.make_page, [&] {
        return MakePrintableCertificate(*c, files.body, base_url, url, files.id_printing);
      }), "page");
      Check(us(f.pdf, [&] { return RenderCertificatePdf(page); }), "pdf");
      Check(us(f.preview, [&] { return RenderCertificatePng(page, kPreviewDpi); }), "preview");
      ++f.printed;
    }
    ++f.n;
  }
  return f;
}

// ------------------------------------------------------------ output

void Header() {
  std::printf("%-46s %8s %12s %-14s %8s %7s\n", "", "seconds", "rate", "", "CPU us", "seq us");
}

void Row(const char* name, const Span& s, std::size_t n, const char* unit = "certificates/s") {
  const double count = static_cast<double>(n);
  std::printf("%-46s %8.2f %12.0f %-14s %8.2f", name, s.seconds, count / s.seconds, unit,
              s.cpu * 1e6 / count);
  if (s.seq > 0) {
    std::printf(" %7.2f\n", s.seq * 1e6 / count);
  } else {
    std::printf(" %7s\n", "-");
  }
}

void RawRow(const char* name, double rate, const char* unit) {
  std::printf("%-46s %8s %12.0f %-14s %8.2f %7s\n", name, "", rate, unit, 1e6 / rate, "-");
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--rows") {
      a.rows = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--threads") {
      a.threads = std::atoi(value().c_str());
    } else if (arg == "--dir") {
      a.dir = value();
    } else if (arg == "--keep") {
      a.keep = true;
    } else if (arg == "--print") {
      a.print = true;
    } else if (arg == "--source") {
      a.source = value();
    } else {
      Die("usage: issue_bench [--rows N] [--threads T] [--dir D] [--keep] [--print] "
          "[--source DIR]");
    }
  }
  if (a.rows < 1 || a.rows > 1'000'000 || a.threads < 1 || a.threads > 256) Die("bad arguments");
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  Args args = Parse(argc, argv);
  if (sodium_init() < 0) Die("sodium_init");
  const bool own_dir = args.dir.empty();
  if (own_dir) {
    std::string pattern = (std::filesystem::temp_directory_path() / "issue-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    args.dir = pattern;
  }
  const std::string keys = args.source + "/keys.example/";
  const std::string examples = args.source + "/docs/examples/";

  // The ledger, as `certledger issue --ledger DIR` opens it.
  const NamedSecretKey regulator = SignerKey(keys + "shanghai-hrss.key");
  const NamedSecretKey issuer = SignerKey(keys + "shanghai-electric.key");
  LedgerOptions ledger_options;
  ledger_options.path = args.dir + "/ledger";
  ledger_options.rules = LogRules{regulator.Public(), 300};
  std::unique_ptr<Ledger> ledger =
      Check(Ledger::Open(std::move(ledger_options), SignerKey(keys + "log.key")), "open ledger");
  EmbeddedLedgerSink sink(*ledger, "ledger directory " + args.dir + "/ledger", args.threads);

  // The accreditation, as `certledger accredit --in accreditation.conf`.
  const std::uint64_t now = static_cast<std::uint64_t>(std::time(nullptr));
  {
    Accreditation a = Check(
        ParseAccreditationInput(ReadText(examples + "accreditation.conf"),
                                [&](std::string_view path) {
                                  return ReadPublicKeyFile(examples + std::string(path));
                                }),
        "accreditation.conf");
    std::vector<Bytes> records;
    records.push_back(Check(SignRecord(a, cwt::Claims{regulator.name, now, std::nullopt, {}},
                                       regulator.key),
                            "sign accreditation")
                          .bytes);
    auto results = sink.Submit(std::move(records));
    if (results.size() != 1 || !results[0].ok()) Die("the accreditation was not logged");
  }
  const IssuerProfile profile =
      Check(ParseIssuerProfile(ReadText(examples + "issuer.profile")), "issuer.profile");
  const std::string body = profile.body.empty() ? issuer.name : profile.body;

  const Date today = ChinaCivilDate(now);
  const auto csv_start = Clock::now();
  const std::string csv = MakeCsv(args.rows, today);
  std::printf("CSV: %zu rows, %.1f MB, made in %.2f s; directory %s\n", args.rows,
              static_cast<double>(csv.size()) / 1e6,
              std::chrono::duration<double>(Clock::now() - csv_start).count(), args.dir.c_str());

  // What `certledger issue` does from here on (cli/command_issue.cpp).
  const Mark start;
  BatchOptions options;
  options.today = today;
  auto logged = ledger->validator().AccreditationAt(body, now);
  if (!logged) Die("no accreditation of " + body);
  options.accreditation = logged->accreditation;
  {
    LedgerSnapshot snapshot = Check(ledger->Snapshot(), "snapshot");
    options.number_in_ledger = [snapshot](std::string_view number) {
      return snapshot.FindCertificate(number).ok();
    };
  }
  std::unique_ptr<IssuerStore> store = Check(IssuerStore::Open(args.dir + "/store"), "store");
  const Mark opened;
  BatchPlan plan = PlanBatch(csv, profile, *store, options);
  const Mark planned;
  if (!plan.errors.empty()) {
    for (std::size_t i = 0; i < std::min<std::size_t>(plan.errors.size(), 10); ++i) {
      std::fprintf(stderr, "%s\n", plan.errors[i].ToString().c_str());
    }
    Die(std::to_string(plan.errors.size()) + " problems in the CSV");
  }

  IssueOptions issue;
  issue.body = body;
  issue.now = now;
  issue.out_dir = args.dir + "/out";
  issue.base_url = profile.base_url;
  issue.threads = args.threads;
  issue.number_in_ledger = options.number_in_ledger;
  issue.files.body = {options.accreditation->name_zh, options.accreditation->name_en};
  issue.files.printable = args.print;
  // Each stage's first and last report.
  std::vector<std::string> order;
  std::map<std::string, std::pair<Mark, Mark>> stages;
  issue.progress = [&](std::string_view stage, std::size_t done, std::size_t total) {
    const std::string name(stage);
    auto it = stages.find(name);
    if (it == stages.end()) {
      order.push_back(name);
      it = stages.emplace(name, std::make_pair(Mark(), Mark())).first;
    }
    if (done == total) it->second.second = Mark();
  };
  BatchReport report =
      Check(IssueBatch(plan, profile, issuer.key, *store, sink, issue), "IssueBatch");
  const Mark finished;
  if (report.issued != args.rows || report.refused != 0) {
    Die("issued " + std::to_string(report.issued) + ", refused " + std::to_string(report.refused));
  }
  const std::uint64_t tree = Check(ledger->Snapshot(), "snapshot").size();
  if (tree != args.rows + 1) Die("the log holds " + std::to_string(tree) + " entries");

  // The baselines, over the exact messages of (up to 20,000 of) the issued
  // records.
  std::vector<Signed> msgs;
  for (std::size_t i = 0; i < std::min<std::size_t>(report.rows.size(), 20'000); ++i) {
    const StoredCertificate* c = store->FindCertificate(report.rows[i].number);
    if (c == nullptr) Die("a certificate is not in the store");
    SignedRecord r = Check(ParseRecord(c->record), "parse");
    msgs.push_back({cose::SigStructure(r.cose.protected_bytes, {}, r.cose.payload), r.cose.signature});
  }
  const RawRates raw = MeasureRaw(msgs, issuer.key);

  std::printf("\n%zu certificates issued by %s, %d threads, record %zu bytes, Sig_structure %zu "
              "bytes; log size %llu\n\n",
              report.issued, body.c_str(), args.threads,
              store->FindCertificate(report.rows[0].number)->record.size(), msgs[0].message.size(),
              static_cast<unsigned long long>(tree));
  Header();
  Row("open store, snapshot", Span::Between(start, opened), args.rows);
  Row("plan: parse and check every row", Span::Between(opened, planned), args.rows);
  Mark before_files = finished;
  for (const std::string& name : order) {
    const auto& [first, last] = stages.at(name);
    const std::string label = name == "number"   ? "number: reserve serials (durable)"
                              : name == "sign"   ? "sign: disclosures, COSE signature"
                              : name == "store"  ? "store: issuer store (durable)"
                              : name == "submit" ? "submit: ledger validate + durable append"
                              : name == "write"  ? (args.print ? "write: QR files, PDF, PNG preview"
                                                               : "write: QR .txt .png .svg files")
                                                 : name;
    Row(label.c_str(), Span::Between(first, last), args.rows);
    if (name == "write") before_files = first;
  }
  const Span total = Span::Between(start, finished);
  const Span to_ledger = Span::Between(start, before_files);
  Row("total to durable append (plan .. submit)", to_ledger, args.rows);
  Row(args.print ? "total end to end (with all files)" : "total end to end (with QR files)", total,
      args.rows);
  RawRow("raw crypto_sign_detached, 1 thread", raw.sign, "sign/s");
  RawRow("raw crypto_sign_verify_detached, 1 thread", raw.verify, "verify/s");
  RawRow("raw sign + verify, 1 thread", raw.sign_verify, "pairs/s");
  RawRow("raw sign + verify, 2 threads", raw.sign_verify_2, "pairs/s");
  const double total_rate = static_cast<double>(args.rows) / total.seconds;
  const double ledger_rate = static_cast<double>(args.rows) / to_ledger.seconds;
  std::printf("\n%-46s %8.2f\n", "end to end / raw sign+verify, 1 thread", total_rate / raw.sign_verify);
  std::printf("%-46s %8.2f\n", "end to end / raw sign+verify, 2 threads", total_rate / raw.sign_verify_2);
  std::printf("%-46s %8.2f\n", "to append / raw sign+verify, 1 thread", ledger_rate / raw.sign_verify);
  std::printf("%-46s %8.2f\n", "to append / raw sign+verify, 2 threads", ledger_rate / raw.sign_verify_2);
  std::printf("%-46s %8.0f certificates/s (2 s / CPU per certificate)\n",
              "end to end, CPU-bound on 2 idle cores", 2.0 / (total.cpu / static_cast<double>(args.rows)));
  std::printf("goal: >= 20000 certificates/s on 2 cores\n");

  // The files, part by part, on one thread (measured separately, per
  // certificate, as the issue asks).
  std::vector<const StoredCertificate*> sample;
  for (std::size_t i = 0; i < std::min<std::size_t>(report.rows.size(), 200); ++i) {
    sample.push_back(store->FindCertificate(report.rows[i].number));
  }
  const FileParts parts = TimeFileParts(sample, 5, issue.files, issue.base_url);
  const double n = static_cast<double>(parts.n);
  std::printf("\nfiles per certificate, 1 thread, CPU us (%zu certificates; URL %zu characters, "
              "QR %d modules, PNG %zu bytes, SVG %zu bytes)\n",
              parts.n, parts.url_chars, parts.modules, parts.png_bytes, parts.svg_bytes);
  std::printf("  %-44s %10.1f\n", "EncodeQrPayload (CBOR, zlib, base64url)", parts.payload / n);
  std::printf("  %-44s %10.1f\n", "EncodeQr (libqrencode, level M)", parts.encode / n);
  std::printf("  %-44s %10.1f\n", "RenderQrPng (8 px a module, 1-bit, Z_RLE)", parts.png / n);
  std::printf("  %-44s %10.1f\n", "RenderQrSvg", parts.svg / n);
  std::printf("  %-44s %10.1f\n", "QR parts together",
              (parts.payload + parts.encode + parts.png + parts.svg) / n);
  if (parts.printed > 0) {
    const double p = static_cast<double>(parts.printed);
    std::printf("  %-44s %10.1f   (%zu certificates)\n", "MakePrintableCertificate",
                parts.make_page / p, parts.printed);
    std::printf("  %-44s %10.1f\n", "RenderCertificatePdf (A4)", parts.pdf / p);
    std::printf("  %-44s %10.1f\n", "RenderCertificatePng (preview)", parts.preview / p);
  }

  // The snapshot in options.number_in_ledger keeps the database open: drop
  // it, so that the ledger closes (and its compactions stop) before its
  // directory goes.
  options.number_in_ledger = nullptr;
  ledger.reset();
  store.reset();
  if (own_dir && !args.keep) std::filesystem::remove_all(args.dir);
  return 0;
}
