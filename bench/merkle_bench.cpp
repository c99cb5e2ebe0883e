// Merkle node hashing throughput: HashChildren (a reused, thread-local
// EVP_MD_CTX) against OpenSSL's one-shot interfaces, EVP_Digest() and
// SHA256(), each hashing the same 65-byte node input 0x01 || left || right
// (two 32-byte children). Also CompactRange::Append, whose cost per leaf is
// amortized one HashChildren.
//
// Usage: merkle_bench [iterations]   (default 2,000,000 per row)
#include <openssl/evp.h>
#include <openssl/sha.h>

#include <array>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <cstring>
#include <string>

#include "certledger/merkle.h"

namespace {

using certledger::Hash256;
using Clock = std::chrono::steady_clock;

struct Row {
  const char* name;
  double seconds;
  std::uint64_t hashes;
  Hash256 last;  // compared across rows, so the work cannot be optimized away
};

std::array<std::uint8_t, 65> NodeInput(const Hash256& left, const Hash256& right) {
  std::array<std::uint8_t, 65> buf;
  buf[0] = 0x01;
  std::memcpy(buf.data() + 1, left.data(), 32);
  std::memcpy(buf.data() + 33, right.data(), 32);
  return buf;
}

template <typename HashFn>
Row Measure(const char* name, std::uint64_t n, HashFn hash) {
  Hash256 left{};
  Hash256 right{};
  right[0] = 1;
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    // Each result feeds the next input: no two calls can overlap or vanish.
    left = hash(left, right);
  }
  const std::chrono::duration<double> took = Clock::now() - start;
  return {name, took.count(), n, left};
}

}  // namespace

int main(int argc, char** argv) {
  std::uint64_t n = 2'000'000;
  if (argc > 1) n = std::strtoull(argv[1], nullptr, 10);
  if (n == 0) {
    std::fprintf(stderr, "usage: merkle_bench [iterations > 0]\n");
    return 2;
  }

  const EVP_MD* sha256 = EVP_sha256();
  Row rows[] = {
      Measure("HashChildren (reused context)", n,
              [](const Hash256& l, const Hash256& r) { return certledger::HashChildren(l, r); }),
      Measure("EVP_Digest (one-shot)", n,
              [sha256](const Hash256& l, const Hash256& r) {
                const auto in = NodeInput(l, r);
                Hash256 out;
                unsigned int len = 0;
                if (EVP_Digest(in.data(), in.size(), out.data(), &len, sha256, nullptr) != 1) {
                  std::abort();
                }
                return out;
              }),
      Measure("SHA256() (one-shot)", n,
              [](const Hash256& l, const Hash256& r) {
                const auto in = NodeInput(l, r);
                Hash256 out;
                SHA256(in.data(), in.size(), out.data());
                return out;
              }),
  };

  // CompactRange::Append: one leaf hash per call, amortized one node hash.
  certledger::CompactRange range;
  Hash256 leaf{};
  const auto start = Clock::now();
  for (std::uint64_t i = 0; i < n; ++i) {
    leaf[0] = static_cast<std::uint8_t>(i);
    range.Append(leaf);
  }
  const Hash256 root = range.Root();
  const std::chrono::duration<double> append_took = Clock::now() - start;

  const double base = static_cast<double>(rows[0].hashes) / rows[0].seconds;
  std::printf("SHA-256 of a 65-byte Merkle node input, %llu hashes per row\n\n",
              static_cast<unsigned long long>(n));
  std::printf("%-32s %14s %10s %14s\n", "method", "hashes/s", "ns/hash", "HashChildren x");
  for (const Row& row : rows) {
    const double rate = static_cast<double>(row.hashes) / row.seconds;
    std::printf("%-32s %14.0f %10.1f %14.2f\n", row.name, rate, 1e9 / rate, base / rate);
  }
  const double append_rate = static_cast<double>(n) / append_took.count();
  std::printf("%-32s %14.0f %10.1f %14s\n", "CompactRange::Append (leaves/s)", append_rate,
              1e9 / append_rate, "-");
  std::printf("\n(\"HashChildren x\" is how many times faster HashChildren is than that row.)\n");
  // The three rows compute the same chain of hashes, so they must agree.
  const bool agree = rows[0].last == rows[1].last && rows[1].last == rows[2].last;
  std::printf("results agree: %s; root of %llu leaves starts %02x%02x\n", agree ? "yes" : "NO",
              static_cast<unsigned long long>(n), root[0], root[1]);
  return agree ? 0 : 1;
}
