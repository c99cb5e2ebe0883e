// ledger_bench: append throughput of the ledger (full validation, durable
// commit with a signed checkpoint) beside the raw baselines it is built on,
// measured in the same run:
//
//   raw Ed25519 verify/s   libsodium crypto_sign_verify_detached over the
//                          exact Sig_structure messages of the bench's
//                          records, on 1 thread and on 2 threads;
//   raw RocksDB puts/s     synced WriteBatch of 1000 small puts, and a
//                          synced single Put (plain default options);
//   ledger records/s       pre-signed certificates appended by one
//                          SubmitMany() call, and by many threads each
//                          calling Submit(); the ratio to raw verify/s.
//
// Then, unless --no-million, the log is grown to --target entries (default
// 1,000,000) and the append rate there is measured again, and inclusion
// proofs (LedgerSnapshot::InclusionProof at random indexes) are timed.
//
// Columns: the wall-clock rate; CPU, this process's CPU time (all
// threads, user + system) per operation; seq, the CPU time of the ledger's
// sequencer thread ("cl-sequencer") per record, the part that cannot run
// in parallel; and 2-core, the rate two otherwise idle cores would reach
// at that cost, min(2 s / CPU, 1 s / seq). The CPU figures remain
// meaningful when other programs load the machine, which wall-clock rates
// do not; the ratios are given both ways.
//
// Usage: ledger_bench [--records N] [--submit-threads T] [--no-million]
//                     [--target N] [--samples N] [--dir D] [--max-batch N]
//                     [--ledger-only | --submit-only]
//   --ledger-only, --submit-only: only the SubmitMany row, or only the
//   Submit() threads row (for profiling)
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
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
#include <memory>
#include <random>
#include <string>
#include <thread>
#include <vector>

#include "bench_util.h"
#include "certledger/cose.h"
#include "certledger/disclosure.h"
#include "certledger/ledger.h"
#include "certledger/merkle.h"
#include "certledger/record.h"

namespace {

using namespace certledger;
using namespace certledger::bench;
using Clock = std::chrono::steady_clock;

constexpr std::uint64_t kT0 = 1767225600;  // 2026-01-01T00:00:00Z
constexpr std::uint64_t kDay = 86400;
constexpr const char* kBody = "bench-works";

struct Args {
  std::size_t records = 200'000;
  int submit_threads = 64;
  bool million = true;
  bool ledger_only = false;  // only the SubmitMany row (for profiling)
  bool submit_only = false;  // only the Submit() threads row (for profiling)
  std::uint64_t target = 1'000'000;
  std::size_t samples = 10'000;
  std::size_t max_batch = LedgerOptions{}.max_batch;
  std::string dir;
};

NamedSecretKey KeyFromByte(const std::string& name, std::uint8_t b) {
  return NamedSecretKey{name, Check(SecretKey::FromSeed(Bytes(32, b)), "key")};
}


// Wall-clock and CPU time of one measured run.
struct Timer {
  Clock::time_point start = Clock::now();
  double cpu_start = CpuSeconds();
  double seq_start = SequencerCpuSeconds();
  double Seconds() const { return std::chrono::duration<double>(Clock::now() - start).count(); }
  double Cpu() const { return CpuSeconds() - cpu_start; }
  double SequencerCpu() const { return SequencerCpuSeconds() - seq_start; }
};

struct Rate {
  double per_second = 0;
  double cpu_us = 0;  // CPU microseconds per operation, all threads
  double seq_us = 0;  // of the sequencer thread
  // The rate at this cost on `cores` idle cores.
  double Projected(int cores) const {
    double r = cores * 1e6 / cpu_us;
    if (seq_us > 0) r = std::min(r, 1e6 / seq_us);
    return r;
  }
};

Rate RateOf(const Timer& t, std::size_t ops) {
  const double n = static_cast<double>(ops);
  return {n / t.Seconds(), t.Cpu() * 1e6 / n, t.SequencerCpu() * 1e6 / n};
}

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

// The regulator, the log and one accredited body with one key.
struct World {
  NamedSecretKey regulator = KeyFromByte("bench-regulator", 1);
  NamedSecretKey log = KeyFromByte("bench.example/log", 2);
  NamedSecretKey issuer = KeyFromByte(kBody, 3);
  Commitments holder;
  std::size_t max_batch = LedgerOptions{}.max_batch;

  World() {
    auto name = Check(MakeDisclosureWithSalt(Bytes(16, 7), "name", "王建国"), "disclosure");
    auto id = Check(MakeDisclosureWithSalt(Bytes(16, 8), "id", "310101199001011234"), "disclosure");
    holder = Check(CommitmentsOf({name, id}), "commitments");
  }

  Bytes Accreditation() const {
    certledger::Accreditation a;
    a.body = kBody;
    a.name_zh = "基准测试机构";
    a.name_en = "Benchmark body";
    a.keys.push_back(AccreditedKey{issuer.key.public_key(), kT0, std::nullopt, std::nullopt});
    a.scope.occupations = {"6-18-01-01"};
    a.scope.levels = {Level::kSkill3, Level::kSkill2, Level::kSkill1};
    a.from = kT0;
    a.until = kT0 + 1000 * kDay;
    return Check(SignRecord(a, cwt::Claims{regulator.name, kT0 + kDay, std::nullopt, {}},
                            regulator.key),
                 "accreditation")
        .bytes;
  }

  // Certificate number i, signed by the body (about 500 bytes).
  Bytes Certificate(std::uint64_t i) const {
    certledger::Certificate c;
    char number[32];
    std::snprintf(number, sizeof number, "Y0001310001%011llu", static_cast<unsigned long long>(i));
    c.number = number;
    c.type = CertificateType::kSkill;
    c.level = Level::kSkill1;
    c.route = Route::kExam;
    c.issued = Date{2026, 1, 10};
    c.evaluated = Date{2026, 1, 5};
    c.holder = holder;
    c.occupation = "6-18-01-01";
    c.occupation_name = "车工";
    c.work_type = "--";
    c.project = "P-" + std::to_string(i % 1000);
    return Check(SignRecord(c, cwt::Claims{kBody, kT0 + 5 * kDay, std::nullopt, {}}, issuer.key),
                 "certificate")
        .bytes;
  }

  // Certificates [first, first + n), signed on 2 threads.
  std::vector<Bytes> Certificates(std::uint64_t first, std::size_t n) const {
    std::vector<Bytes> out(n);
    Parallel(n, 2, [&](std::size_t i) { out[i] = Certificate(first + i); });
    return out;
  }

  LedgerOptions Options(const std::string& path) const {
    LedgerOptions o;
    o.path = path;
    o.rules = LogRules{regulator.Public(), 300};
    o.now_ms = [] { return (kT0 + 10 * kDay) * 1000; };
    o.max_batch = max_batch;
    return o;
  }

  std::unique_ptr<Ledger> Open(const std::string& path) const {
    auto ledger = Check(Ledger::Open(Options(path), KeyFromByte(log.name, 2)), "open ledger");
    Check(ledger->Submit(Accreditation()), "accreditation");
    return ledger;
  }
};

// ------------------------------------------------------------ baselines

struct Signed {
  Bytes message;  // the Sig_structure
  Bytes signature;
};

Rate RawVerify(const std::vector<Signed>& msgs, const PublicKey& key, int threads) {
  std::atomic<int> failures{0};
  const Timer t;
  Parallel(msgs.size(), threads, [&](std::size_t i) {
    if (crypto_sign_verify_detached(msgs[i].signature.data(), msgs[i].message.data(),
                                    msgs[i].message.size(), key.bytes.data()) != 0) {
      failures.fetch_add(1);
    }
  });
  Rate r = RateOf(t, msgs.size());
  if (failures.load() != 0) Die("raw verify failed");
  return r;
}

std::unique_ptr<rocksdb::DB> RawDb(const std::string& path) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &raw);
  std::unique_ptr<rocksdb::DB> db(raw);
  if (!s.ok()) Die("rocksdb open: " + s.ToString());
  return db;
}

std::string RawKey(std::uint64_t i) {
  std::string key = "k";
  for (int shift = 56; shift >= 0; shift -= 8) key.push_back(static_cast<char>(i >> shift));
  return key;
}

Rate RawBatchPuts(const std::string& path, std::size_t puts) {
  auto db = RawDb(path);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const std::string value(100, 'v');
  const Timer t;
  for (std::size_t next = 0; next < puts; next += 1000) {
    rocksdb::WriteBatch wb;
    for (std::size_t i = next; i < next + 1000; ++i) wb.Put(RawKey(i), value);
    if (!db->Write(sync, &wb).ok()) Die("rocksdb write");
  }
  return RateOf(t, puts);
}

Rate RawSinglePuts(const std::string& path, double seconds) {
  auto db = RawDb(path);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const std::string value(100, 'v');
  const Timer t;
  std::size_t n = 0;
  while (t.Seconds() < seconds) {
    if (!db->Put(sync, RawKey(n), value).ok()) Die("rocksdb put");
    ++n;
  }
  return RateOf(t, n);
}

// --------------------------------------------------------------- ledger

void CheckAll(const std::vector<Result<AppendResult>>& results) {
  for (const auto& r : results) {
    if (!r.ok()) Die("append refused: " + r.status().ToString());
    if (r->duplicate) Die("append: unexpected duplicate");
  }
}

Rate AppendMany(Ledger& ledger, std::vector<Bytes> records) {
  const std::size_t n = records.size();
  const Timer t;
  auto results = ledger.SubmitMany(std::move(records), 2);
  Rate r = RateOf(t, n);
  CheckAll(results);
  return r;
}

Rate AppendThreads(Ledger& ledger, std::vector<Bytes> records, int threads) {
  const std::size_t n = records.size();
  std::atomic<std::size_t> failed{0};
  const Timer t;
  Parallel(n, threads, [&](std::size_t i) {
    auto r = ledger.Submit(std::move(records[i]));
    if (!r.ok() || r->duplicate) failed.fetch_add(1);
  });
  Rate r = RateOf(t, n);
  if (failed.load() != 0) Die(std::to_string(failed.load()) + " Submit() calls failed");
  return r;
}

void Header() {
  std::printf("%-44s %10s %-10s %8s %7s %10s\n", "", "rate", "", "CPU us", "seq us", "2-core");
}

// `cores`: the cores the measured run could use at most (0: no projection).
void Row(const char* name, const Rate& r, const char* unit, int cores = 2) {
  std::printf("%-44s %10.0f %-10s %8.2f", name, r.per_second, unit, r.cpu_us);
  if (r.seq_us > 0) {
    std::printf(" %7.2f", r.seq_us);
  } else {
    std::printf(" %7s", "-");
  }
  if (cores == 0) {
    std::printf(" %10s\n", "-");
  } else {
    std::printf(" %10.0f\n", r.Projected(cores));
  }
}

void Ratio(const char* name, const Rate& ours, const Rate& base) {
  std::printf("%-44s %10.2f (2-core: %.2f)\n", name, ours.per_second / base.per_second,
              ours.Projected(2) / base.Projected(2));
}

double Percentile(std::vector<double>& v, double p) {
  std::sort(v.begin(), v.end());
  const std::size_t i = std::min(v.size() - 1, static_cast<std::size_t>(p * static_cast<double>(v.size())));
  return v[i];
}

Args Parse(int argc, char** argv) {
  Args a;
  for (int i = 1; i < argc; ++i) {
    const std::string arg = argv[i];
    auto value = [&]() -> std::string {
      if (i + 1 >= argc) Die(arg + " needs a value");
      return argv[++i];
    };
    if (arg == "--records") {
      a.records = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--submit-threads") {
      a.submit_threads = std::atoi(value().c_str());
    } else if (arg == "--no-million") {
      a.million = false;
    } else if (arg == "--million") {
      a.million = true;
    } else if (arg == "--ledger-only") {
      a.ledger_only = true;
      a.million = false;
    } else if (arg == "--submit-only") {
      a.submit_only = true;
      a.million = false;
    } else if (arg == "--target") {
      a.target = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--max-batch") {
      a.max_batch = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--samples") {
      a.samples = std::strtoull(value().c_str(), nullptr, 10);
    } else if (arg == "--dir") {
      a.dir = value();
    } else {
      Die("usage: ledger_bench [--records N] [--submit-threads T] [--no-million] [--target N] "
          "[--samples N] [--dir D] [--max-batch N] [--ledger-only | --submit-only]");
    }
  }
  if (a.records < 1000 || a.submit_threads < 1 || a.samples < 1) Die("bad arguments");
  return a;
}

}  // namespace

int main(int argc, char** argv) {
  std::setvbuf(stdout, nullptr, _IOLBF, 0);  // progress shows when piped to a file
  Args args = Parse(argc, argv);
  if (sodium_init() < 0) Die("sodium_init");
  const bool own_dir = args.dir.empty();
  if (own_dir) {
    std::string pattern = (std::filesystem::temp_directory_path() / "ledger-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) Die("mkdtemp");
    args.dir = pattern;
  }
  World world;
  world.max_batch = args.max_batch;

  Timer signing;
  std::vector<Bytes> records = world.Certificates(0, args.records);
  std::printf("pre-signed %zu certificates (%zu bytes each) in %.1f s; directory %s\n\n",
              records.size(), records[0].size(), signing.Seconds(), args.dir.c_str());

  Header();
  if (args.ledger_only || args.submit_only) {
    std::unique_ptr<Ledger> ledger = world.Open(args.dir + "/ledger");
    if (args.ledger_only) {
      Row("ledger SubmitMany (2 prepare threads)", AppendMany(*ledger, std::move(records)),
          "records/s");
    } else {
      Row("ledger Submit threads", AppendThreads(*ledger, std::move(records), args.submit_threads),
          "records/s");
    }
    ledger.reset();
    if (own_dir) std::filesystem::remove_all(args.dir);
    return 0;
  }
  // The exact messages the ledger verifies.
  std::vector<Signed> msgs;
  const std::size_t verify_n = std::min<std::size_t>(records.size(), 100'000);
  for (std::size_t i = 0; i < verify_n; ++i) {
    SignedRecord r = Check(ParseRecord(records[i]), "parse");
    msgs.push_back({cose::SigStructure(r.cose.protected_bytes, {}, r.cose.payload), r.cose.signature});
  }
  const PublicKey& issuer_key = world.issuer.key.public_key();

  const Rate verify1 = RawVerify(msgs, issuer_key, 1);
  Row("raw Ed25519 verify, 1 thread", verify1, "verify/s", 1);
  const Rate verify2 = RawVerify(msgs, issuer_key, 2);
  Row("raw Ed25519 verify, 2 threads", verify2, "verify/s");
  Row("raw RocksDB synced WriteBatch of 1000 puts", RawBatchPuts(args.dir + "/raw-batch", 200'000),
      "puts/s", 0);
  Row("raw RocksDB synced single Put", RawSinglePuts(args.dir + "/raw-single", 1.0), "puts/s", 0);

  std::unique_ptr<Ledger> ledger = world.Open(args.dir + "/ledger");
  const Rate many = AppendMany(*ledger, records);
  Row("ledger SubmitMany (2 prepare threads)", many, "records/s");
  Rate threads;
  {
    std::unique_ptr<Ledger> other = world.Open(args.dir + "/ledger-threads");
    threads = AppendThreads(*other, records, args.submit_threads);
    char name[64];
    std::snprintf(name, sizeof name, "ledger Submit from %d threads", args.submit_threads);
    Row(name, threads, "records/s");
  }
  records.clear();
  Ratio("SubmitMany / raw verify, 2 threads", many, verify2);
  Ratio("Submit threads / raw verify, 2 threads", threads, verify2);
  std::printf("goal: >= 40000 records/s, about 0.70 of raw verify on 2 threads\n");

  if (args.million) {
    std::printf("\ngrowing the log to %llu entries (SubmitMany in chunks of %zu)\n",
                static_cast<unsigned long long>(args.target), args.records);
    std::uint64_t next = args.records;
    std::uint64_t size = Check(ledger->Snapshot(), "snapshot").size();
    while (size < args.target) {
      const std::size_t n = static_cast<std::size_t>(std::min<std::uint64_t>(args.records, args.target - size));
      const Rate r = AppendMany(*ledger, world.Certificates(next, n));
      next += n;
      size = Check(ledger->Snapshot(), "snapshot").size();
      std::printf("  size %9llu: %8.0f records/s, CPU %6.2f us/record, seq %6.2f us/record\n",
                  static_cast<unsigned long long>(size), r.per_second, r.cpu_us, r.seq_us);
    }
    const Rate at_target = AppendMany(*ledger, world.Certificates(next, args.records));
    auto snapshot = Check(ledger->Snapshot(), "snapshot");
    std::printf("\n");
    Header();
    Row("ledger SubmitMany at 0 entries", many, "records/s");
    char name[64];
    std::snprintf(name, sizeof name, "ledger SubmitMany at %llu entries",
                  static_cast<unsigned long long>(size));
    Row(name, at_target, "records/s");
    Ratio("rate at target / rate at 0", at_target, many);

    // Inclusion proofs in the final tree, at random indexes.
    std::mt19937_64 rng(1);
    const std::uint64_t tree = snapshot.size();
    std::vector<double> micros;
    micros.reserve(args.samples);
    for (std::size_t s = 0; s < args.samples; ++s) {
      const std::uint64_t index = rng() % tree;
      const auto start = Clock::now();
      auto proof = snapshot.InclusionProof(index, tree);
      micros.push_back(std::chrono::duration<double, std::micro>(Clock::now() - start).count());
      if (!proof.ok()) Die("inclusion proof: " + proof.status().ToString());
      if (s % 1000 == 0) {  // the proofs are right, not just fast
        const Hash256 leaf = HashLeaf(Check(snapshot.Entry(index), "entry"));
        if (!VerifyInclusion(leaf, index, tree, *proof, snapshot.root()).ok()) {
          Die("inclusion proof does not verify");
        }
      }
    }
    const double p50 = Percentile(micros, 0.50), p99 = Percentile(micros, 0.99);
    std::printf("inclusion proof at size %llu (%zu random indexes): p50 %.1f us, p99 %.1f us\n",
                static_cast<unsigned long long>(tree), args.samples, p50, p99);
  }
  ledger.reset();
  if (own_dir) std::filesystem::remove_all(args.dir);
  return 0;
}
