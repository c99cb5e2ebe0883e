// Helpers for the LedgerStore tests: a temporary directory per test, leaves,
// a fake checkpoint signer, and a naive RFC 9162 Merkle tree written from
// the RFC's recursive definitions with nothing but SHA-256, so that the
// store's tiles and proofs are checked against an independent computation.
#ifndef CERTLEDGER_TESTS_LEDGER_STORE_TEST_UTIL_H_
#define CERTLEDGER_TESTS_LEDGER_STORE_TEST_UTIL_H_

#include <stdlib.h>

#include <bit>
#include <cstdint>
#include <filesystem>
#include <span>
#include <string>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/ledger_store.h"
#include "certledger/sha256.h"

namespace certledger::testing {

// A fresh directory under the system temp dir, removed at scope exit.
class TempDir {
 public:
  TempDir() {
    std::string pattern =
        (std::filesystem::temp_directory_path() / "certledger-store-XXXXXX").string();
    if (mkdtemp(pattern.data()) == nullptr) std::abort();
    path_ = pattern;
  }
  ~TempDir() {
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  TempDir(const TempDir&) = delete;
  TempDir& operator=(const TempDir&) = delete;

  std::string Sub(const std::string& name) const { return (path_ / name).string(); }

 private:
  std::filesystem::path path_;
};

// A leaf as the ledger writes it: CBOR [1, logged_at_ms, record_bytes],
// with a record of `record_size` bytes that differs for each i.
inline Bytes MakeLeaf(std::uint64_t i, std::size_t record_size = 40) {
  Bytes record(record_size, static_cast<std::uint8_t>(i * 7 + 1));
  for (std::size_t b = 0; b < 8 && b < record.size(); ++b) {
    record[b] = static_cast<std::uint8_t>(i >> (8 * b));
  }
  return cbor::Encode(cbor::Value::MakeArray(
      {cbor::Value::Uint(1), cbor::Value::Uint(1767225600000 + i), cbor::Value::Bytes(record)}));
}

inline constexpr const char* kOrigin = "ledger.example/test";

// Signs nothing: writes the C2SP checkpoint body for (size, root) and a
// placeholder signature line. The store checks only the body.
inline CheckpointSigner FakeSigner() {
  return [](std::uint64_t size, const Hash256& root) -> Result<std::string> {
    return std::string(kOrigin) + "\n" + std::to_string(size) + "\n" + Base64Encode(AsBytes(root)) +
           "\n\n\xE2\x80\x94 " + kOrigin + " AAAAAA==\n";
  };
}

// ------------------------------------------ naive RFC 9162 section 2.1

inline Hash256 NaiveLeafHash(ByteView leaf) {
  Sha256 h;
  h.Update(std::uint8_t{0x00}).Update(leaf);
  return h.Finish();
}

inline Hash256 NaiveNodeHash(const Hash256& left, const Hash256& right) {
  Sha256 h;
  h.Update(std::uint8_t{0x01}).Update(AsBytes(left)).Update(AsBytes(right));
  return h.Finish();
}

// Largest power of two smaller than n (n >= 2).
inline std::size_t SplitK(std::size_t n) { return std::bit_floor(n - 1); }

// MTH over leaf hashes (2.1.1).
inline Hash256 NaiveMth(std::span<const Hash256> d) {
  if (d.empty()) return Sha256::Hash(ByteView());
  if (d.size() == 1) return d[0];
  const std::size_t k = SplitK(d.size());
  return NaiveNodeHash(NaiveMth(d.first(k)), NaiveMth(d.subspan(k)));
}

// PATH(m, D[n]) (2.1.3.1).
inline std::vector<Hash256> NaivePath(std::size_t m, std::span<const Hash256> d) {
  if (d.size() <= 1) return {};
  const std::size_t k = SplitK(d.size());
  std::vector<Hash256> out;
  if (m < k) {
    out = NaivePath(m, d.first(k));
    out.push_back(NaiveMth(d.subspan(k)));
  } else {
    out = NaivePath(m - k, d.subspan(k));
    out.push_back(NaiveMth(d.first(k)));
  }
  return out;
}

// SUBPROOF(m, D[n], b) and PROOF(m, D[n]) (2.1.4.1).
inline std::vector<Hash256> NaiveSubproof(std::size_t m, std::span<const Hash256> d, bool b) {
  if (m == d.size()) {
    if (b) return {};
    return {NaiveMth(d)};
  }
  const std::size_t k = SplitK(d.size());
  std::vector<Hash256> out;
  if (m <= k) {
    out = NaiveSubproof(m, d.first(k), b);
    out.push_back(NaiveMth(d.subspan(k)));
  } else {
    out = NaiveSubproof(m - k, d.subspan(k), false);
    out.push_back(NaiveMth(d.first(k)));
  }
  return out;
}

inline std::vector<Hash256> NaiveProof(std::size_t m, std::span<const Hash256> d) {
  return NaiveSubproof(m, d, true);
}

inline Bytes Concat(std::span<const Hash256> hashes) {
  Bytes out;
  for (const Hash256& h : hashes) out.insert(out.end(), h.begin(), h.end());
  return out;
}

}  // namespace certledger::testing

#endif  // CERTLEDGER_TESTS_LEDGER_STORE_TEST_UTIL_H_
