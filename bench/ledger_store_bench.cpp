// LedgerStore::Commit throughput: entries per second for group commits of
// several batch sizes, each entry a 700-byte leaf with a record hash and a
// certificate number index (what a certificate's commit writes), beside the
// raw baseline of one synced RocksDB WriteBatch holding the same entry and
// index puts without any checks, tiles or hashing. Wall-clock throughput
// depends on fsync latency and on other load; the CPU column (this
// process's CPU time per entry, all threads) shows the commit path's own
// cost.
//
// Usage: ledger_store_bench [entries] [directory]
//   (default 200,000 entries per row, in a new directory under /tmp)
#include <rocksdb/db.h>
#include <rocksdb/write_batch.h>
#include <stdlib.h>

#include <chrono>
#include <cstdio>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <memory>
#include <string>

#include "certledger/ledger_store.h"

namespace {

using namespace certledger;
using Clock = std::chrono::steady_clock;

constexpr std::size_t kLeafBytes = 700;

Bytes Leaf(std::uint64_t i) {
  Bytes leaf(kLeafBytes, static_cast<std::uint8_t>(i));
  for (int b = 0; b < 8; ++b)
    leaf[static_cast<std::size_t>(b)] = static_cast<std::uint8_t>(i >> (8 * b));
  return leaf;
}

std::string Number(std::uint64_t i) {
  char buf[48];
  std::snprintf(buf, sizeof(buf), "Y000131000123251%06llu", static_cast<unsigned long long>(i));
  return buf;
}

Result<std::string> Sign(std::uint64_t size, const Hash256& root) {
  return "bench.example/log\n" + std::to_string(size) + "\n" + Base64Encode(AsBytes(root)) +
         "\n\n- bench.example/log AAAA\n";
}

struct Figures {
  double per_second;
  double cpu_us_per_entry;
};

Figures Finish(Clock::time_point start, std::clock_t cpu_start, std::uint64_t total) {
  const std::chrono::duration<double> took = Clock::now() - start;
  const double cpu = static_cast<double>(std::clock() - cpu_start) / CLOCKS_PER_SEC;
  return {static_cast<double>(total) / took.count(), cpu * 1e6 / static_cast<double>(total)};
}

Figures LedgerRow(const std::string& path, std::uint64_t total, std::uint64_t batch_size) {
  Result<LedgerStore> store = LedgerStore::Open(path);
  if (!store.ok()) {
    std::fprintf(stderr, "%s\n", store.status().ToString().c_str());
    std::exit(1);
  }
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  for (std::uint64_t next = 0; next < total; next += batch_size) {
    CommitBatch batch;
    for (std::uint64_t i = next; i < next + batch_size && i < total; ++i) {
      batch.entries.push_back(
          {.leaf = Leaf(i), .record_hash = Sha256::Hash(Leaf(i)), .certificate_number = Number(i)});
    }
    Result<CommittedTree> done = store->Commit(batch, Sign);
    if (!done.ok()) {
      std::fprintf(stderr, "%s\n", done.status().ToString().c_str());
      std::exit(1);
    }
  }
  return Finish(start, cpu_start, total);
}

Figures RawRow(const std::string& path, std::uint64_t total, std::uint64_t batch_size) {
  rocksdb::Options options;
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  if (!rocksdb::DB::Open(options, path, &raw).ok()) std::exit(1);
  std::unique_ptr<rocksdb::DB> db(raw);
  rocksdb::WriteOptions sync;
  sync.sync = true;
  const auto start = Clock::now();
  const std::clock_t cpu_start = std::clock();
  for (std::uint64_t next = 0; next < total; next += batch_size) {
    rocksdb::WriteBatch wb;
    for (std::uint64_t i = next; i < next + batch_size && i < total; ++i) {
      const Bytes leaf = Leaf(i);
      const Hash256 h = Sha256::Hash(leaf);
      const std::string index = std::to_string(i);
      wb.Put("e" + index, rocksdb::Slice(reinterpret_cast<const char*>(leaf.data()), leaf.size()));
      wb.Put("r" + std::string(reinterpret_cast<const char*>(h.data()), h.size()), index);
      wb.Put("n" + Number(i), index);
    }
    if (!db->Write(sync, &wb).ok()) std::exit(1);
  }
  return Finish(start, cpu_start, total);
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t total = 200'000;
  if (argc > 1) total = std::strtoull(argv[1], nullptr, 10);
  std::string dir;
  if (argc > 2) {
    dir = argv[2];
  } else {
    std::string pattern = (std::filesystem::temp_directory_path() / "ledger-bench-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) return 1;
    dir = pattern;
  }
  std::printf("%-34s %12s %14s\n", "row", "entries/s", "CPU us/entry");
  int row = 0;
  for (std::uint64_t batch : {1000, 100}) {
    const Figures raw = RawRow(dir + "/raw" + std::to_string(row), total, batch);
    const Figures ledger = LedgerRow(dir + "/ledger" + std::to_string(row), total, batch);
    std::printf("raw WriteBatch, batch %-12llu %12.0f %14.2f\n",
                static_cast<unsigned long long>(batch), raw.per_second, raw.cpu_us_per_entry);
    std::printf("LedgerStore::Commit, batch %-7llu %12.0f %14.2f\n",
                static_cast<unsigned long long>(batch), ledger.per_second, ledger.cpu_us_per_entry);
    ++row;
  }
  if (argc <= 2) std::filesystem::remove_all(dir);
  return 0;
}
