// verify_fixture_bench: the fixture of bench/verify_http.sh, and its raw
// baseline.
//
// Makes a ledger directory that `certledger serve` opens with the example
// keys (keys.example/log.key signs checkpoints, keys.example/shanghai-hrss
// is the regulator): shanghai-electric accredited from
// docs/examples/accreditation.conf, then --certs skill certificates signed
// by keys.example/shanghai-electric.key (each with its own holder
// disclosures and a national number from docs/examples/issuer.profile's
// codes), appended with Ledger::SubmitMany; then revocations of every
// --revoke-every'th certificate of the pool. Writes:
//
//   <dir>/payloads.txt   --pool QR texts (http://127.0.0.1:8080/v#<payload>,
//                        one a line) of certificates spread over the log;
//                        those revoked are the pool's lines 1, 1 + k, ...
//                        (k = --revoke-every)
//   <dir>/raw.txt        "raw_verify_per_second <rate>": libsodium
//                        crypto_sign_verify_detached over the pool records'
//                        exact Sig_structure messages, on one thread (best
//                        of three rounds), and "raw_verify_cpu_us <us>":
//                        the thread's CPU time per verification
//
// and prints the same with the time each step took.
//
// Usage: verify_fixture_bench --dir D [--certs N] [--pool P]
//                             [--revoke-every K] [--source DIR]
#include <sodium.h>
#include <sys/resource.h>

#include <algorithm>
#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "certledger/accreditation_input.h"
#include "certledger/certificate_rules.h"
#include "certledger/cose.h"
#include "certledger/disclosure.h"
#include "certledger/issuer_profile.h"
#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/numbering.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"

#ifndef CERTLEDGER_SOURCE_DIR
#define CERTLEDGER_SOURCE_DIR "."
#endif

namespace {

using namespace certledger;
using namespace certledger::bench;
using Clock = std::chrono::steady_clock;

struct Args {
  std::string dir;
  std::size_t certs = 100'000;
  std::size_t pool = 10'000;
  std::size_t revoke_every = 20;
  std::string source = CERTLEDGER_SOURCE_DIR;
};

double Since(Clock::time_point t) { return std::chrono::duration<double>(Clock::now() - t).count(); }

// CPU seconds of the calling thread (user + system).
double ThreadCpuSeconds() {
  rusage u{};
  getrusage(RUSAGE_THREAD, &u);
  auto secs = [](const timeval& t) { return static_cast<double>(t.tv_sec) + t.tv_usec / 1e6; };
  return secs(u.ru_utime) + secs(u.ru_stime);
}

// One certificate: its signed record and the holder's disclosures.
struct Issued {
  Bytes record;
  std::vector<Disclosure> disclosures;
};

// A synthetic resident ID number with its GB 11643 check digit (ISO 7064
// MOD 11-2: weights 2^(17-i) mod 11, check "10X98765432"[sum mod 11]).
std::string IdNumber(std::size_t i) {
  char body[32];
  std::snprintf(body, sizeof body, "3101%02zu19%02zu%02zu%02zu%03zu", 1 + i % 15, 60 + (i / 15) % 40,
                1 + (i / 600) % 12, 1 + (i / 7200) % 28, i % 1000);
  static const int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  int sum = 0;
  for (int k = 0; k < 17; ++k) sum += (body[k] - '0') * kWeights[k];
  std::string id = body;
  id.push_back("10X98765432"[sum % 11]);
  return id;
}

std::string Name(std::size_t i) {
  static const char* kSurnames[] = {"王", "李", "张", "刘", "陈", "杨", "黄", "赵", "吴", "周"};
  static const char* kGiven[] = {"建国", "秀英", "志强", "晓梅", "伟", "芳", "军", "敏", "静", "磊"};
  return std::string(kSurnames[i % 10]) + kGiven[(i / 10) % 10];
}

Issued MakeCertificate(std::size_t i, const SkillNumbering& codes, const Date& today,
                       std::uint64_t now, const NamedSecretKey& issuer) {
  static const Level kLevels[] = {Level::kSkill3, Level::kSkill2, Level::kSkill1};
  Issued out;
  out.disclosures.push_back(Check(MakeDisclosure("name", Name(i)), "disclosure"));
  out.disclosures.push_back(Check(MakeDisclosure("id", IdNumber(i)), "disclosure"));
  Certificate c;
  c.type = CertificateType::kSkill;
  c.level = kLevels[i % 3];
  // One sequence per level: serial i / 3 + 1 is unique within it.
  c.number = SkillNumber{codes, today.year % 100, c.level, i / 3 + 1}.ToString();
  c.route = Route::kExam;
  c.issued = today;
  c.evaluated = Date{today.year, today.month, 1};
  c.holder = Check(CommitmentsOf(out.disclosures), "commitments");
  const bool lathe = i % 2 == 0;
  c.occupation = lathe ? "6-18-01-01" : "6-29-03-01";
  c.occupation_name = lathe ? "车工" : "焊工";
  c.work_type = lathe ? "数控车工" : "电焊工";
  c.project = "SE-" + std::to_string(today.year) + "-" + std::to_string(i % 40 + 1);
  out.record = Check(SignRecord(c, cwt::Claims{issuer.name, now, std::nullopt, {}}, issuer.key),
                     "sign certificate")
                   .bytes;
  return out;
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--dir") {
      a.dir = value();
    } else if (arg == "--certs") {
      a.certs = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--pool") {
      a.pool = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--revoke-every") {
      a.revoke_every = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--source") {
      a.source = value();
    } else {
      Die("usage: verify_fixture_bench --dir D [--certs N] [--pool P] [--revoke-every K] "
          "[--source DIR]");
    }
  }
  if (a.dir.empty() || a.certs < 1 || a.certs > 2'000'000 || a.pool < 1 || a.pool > a.certs ||
      a.revoke_every < 1) {
    Die("bad arguments (give --dir; 1 <= --pool <= --certs <= 2000000)");
  }
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);
  const Args args = Parse(argc, argv);
  if (sodium_init() < 0) Die("sodium_init");
  const std::string keys = args.source + "/keys.example/";
  const std::string examples = args.source + "/docs/examples/";
  std::filesystem::create_directories(args.dir);
  if (std::filesystem::exists(args.dir + "/ledger")) Die(args.dir + "/ledger exists already");

  const NamedSecretKey regulator = SignerKey(keys + "shanghai-hrss.key");
  const NamedSecretKey issuer = SignerKey(keys + "shanghai-electric.key");
  const IssuerProfile profile =
      Check(ParseIssuerProfile(ReadText(examples + "issuer.profile")), "issuer.profile");
  if (!profile.skill) Die("the example profile has no skill numbering");
  const std::uint64_t now = static_cast<std::uint64_t>(std::time(nullptr));
  const Date today = ChinaCivilDate(now);

  LedgerOptions options;
  options.path = args.dir + "/ledger";
  options.rules = LogRules{regulator.Public(), 300};
  std::unique_ptr<Ledger> ledger =
      Check(Ledger::Open(std::move(options), SignerKey(keys + "log.key")), "open ledger");
  {
    Accreditation a = Check(
        ParseAccreditationInput(ReadText(examples + "accreditation.conf"),
                                [&](std::string_view path) {
                                  return ReadPublicKeyFile(examples + std::string(path));
                                }),
        "accreditation.conf");
    Check(ledger->Submit(Check(SignRecord(a, cwt::Claims{regulator.name, now, std::nullopt, {}},
                                          regulator.key),
                               "sign accreditation")
                             .bytes),
          "log accreditation");
  }

  // Sign on two threads, append in chunks (bounded memory).
  const std::size_t stride = args.certs / args.pool;  // pool: every stride'th certificate
  std::vector<Issued> pool;
  const auto start = Clock::now();
  constexpr std::size_t kChunk = 50'000;
  for (std::size_t first = 0; first < args.certs; first += kChunk) {
    const std::size_t n = std::min(kChunk, args.certs - first);
    std::vector<Issued> chunk(n);
    std::vector<std::thread> workers;
    for (std::size_t t = 0; t < 2; ++t) {
      workers.emplace_back([&, t] {
        for (std::size_t k = t; k < n; k += 2) {
          chunk[k] = MakeCertificate(first + k, *profile.skill, today, now, issuer);
        }
      });
    }
    for (auto& w : workers) w.join();
    std::vector<Bytes> records;
    records.reserve(n);
    for (std::size_t k = 0; k < n; ++k) {
      const std::size_t i = first + k;
      if (i % stride == 0 && pool.size() < args.pool) pool.push_back(chunk[k]);
      records.push_back(std::move(chunk[k].record));
    }
    for (auto& r : ledger->SubmitMany(std::move(records), 2)) {
      if (!r.ok()) Die("append refused: " + r.status().ToString());
    }
    std::printf("  %zu certificates logged, %.1f s\n", first + n, Since(start));
  }
  const double issue_seconds = Since(start);

  // Revocations of every revoke_every'th pool certificate.
  std::vector<Bytes> revocations;
  for (std::size_t p = 0; p < pool.size(); p += args.revoke_every) {
    SignedRecord r = Check(ParseRecord(pool[p].record), "parse");
    Revocation v;
    v.number = std::get<Certificate>(r.body).number;
    v.reason = RevocationReason::kError;
    v.at = now;
    revocations.push_back(Check(SignRecord(v, cwt::Claims{issuer.name, now, std::nullopt, {}},
                                           issuer.key),
                                "sign revocation")
                              .bytes);
  }
  const std::size_t revoked = revocations.size();
  for (auto& r : ledger->SubmitMany(std::move(revocations), 2)) {
    if (!r.ok()) Die("revocation refused: " + r.status().ToString());
  }
  const std::uint64_t size = Check(ledger->Snapshot(), "snapshot").size();
  ledger.reset();  // the server opens the directory next

  // The pool's QR texts.
  {
    std::ofstream out(args.dir + "/payloads.txt", std::ios::binary);
    for (const Issued& c : pool) {
      QrPayload payload{c.record, c.disclosures, std::nullopt};
      out << QrUrl(profile.base_url, Check(EncodeQrPayload(payload), "payload")) << '\n';
    }
    if (!out) Die("cannot write payloads.txt");
  }

  // Raw verification of the pool records' exact messages, one thread.
  struct Msg {
    Bytes message, signature;
  };
  std::vector<Msg> msgs;
  for (const Issued& c : pool) {
    SignedRecord r = Check(ParseRecord(c.record), "parse");
    msgs.push_back({cose::SigStructure(r.cose.protected_bytes, {}, r.cose.payload), r.cose.signature});
  }
  const PublicKey issuer_public = issuer.key.public_key();
  double best = 0;
  double best_cpu_us = 1e9;  // CPU microseconds per verify, the lowest round
  for (int round = 0; round < 3; ++round) {
    const auto t = Clock::now();
    const double cpu = ThreadCpuSeconds();
    for (const Msg& m : msgs) {
      if (crypto_sign_verify_detached(m.signature.data(), m.message.data(), m.message.size(),
                                      issuer_public.bytes.data()) != 0) {
        Die("raw verify failed");
      }
    }
    best = std::max(best, static_cast<double>(msgs.size()) / Since(t));
    best_cpu_us = std::min(best_cpu_us, (ThreadCpuSeconds() - cpu) * 1e6 / static_cast<double>(msgs.size()));
  }
  {
    std::ofstream raw(args.dir + "/raw.txt");
    raw << "raw_verify_per_second " << static_cast<long long>(best) << "\n";
    raw << "raw_verify_cpu_us " << best_cpu_us << "\n";
  }
  std::printf("ledger %s/ledger: %llu entries (%zu certificates in %.1f s, %.0f/s; %zu "
              "revocations)\n",
              args.dir.c_str(), static_cast<unsigned long long>(size), args.certs, issue_seconds,
              static_cast<double>(args.certs) / issue_seconds, revoked);
  std::printf("payloads %s/payloads.txt: %zu QR texts, %zu of them revoked\n", args.dir.c_str(),
              pool.size(), revoked);
  std::printf("raw crypto_sign_verify_detached, 1 thread: %.0f verify/s, %.1f CPU us/verify "
              "(%.0f/s on an idle core)\n",
              best, best_cpu_us, 1e6 / best_cpu_us);
  return 0;
}
