// crypto_bench: the cost of certledger's crypto wrappers against the raw
// libraries they wrap, measured in the same run.
//
//   Ed25519 sign/s and verify/s: SecretKey::Sign / Verify vs libsodium's
//     crypto_sign_detached / crypto_sign_verify_detached, same key, same
//     128-byte message (about a checkpoint's size).
//   SHA-256 of 64 bytes (a Merkle node's input) per second: Sha256::Hash vs
//     OpenSSL's one-shot EVP_Digest.
//
// Each figure is the best of kRounds timed runs of about kRunSeconds, the
// wrapper and the baseline alternating. Ratio = wrapper / baseline (1.00 =
// no overhead; above 1 = faster than the baseline). About 4 seconds.
#include <openssl/evp.h>
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <functional>

#include "bench_util.h"
#include "certledger/bytes.h"
#include "certledger/ed25519.h"
#include "certledger/sha256.h"

namespace {

using certledger::Bytes;

constexpr double kRunSeconds = 0.3;
constexpr int kRounds = 2;

// Keeps results observable so that the compiler cannot drop the work.
volatile std::uint8_t g_sink = 0;

void Compare(const char* name, const std::function<void()>& ours,
             const std::function<void()>& raw, const char* raw_name) {
  double best_ours = 0, best_raw = 0;
  for (int r = 0; r < kRounds; ++r) {
    best_ours = std::max(best_ours, certledger::bench::RatePerSecond(ours, kRunSeconds));
    best_raw = std::max(best_raw, certledger::bench::RatePerSecond(raw, kRunSeconds));
  }
  std::printf("%-28s %12.0f   %-30s %12.0f   %5.2f\n", name, best_ours, raw_name, best_raw,
              best_ours / best_raw);
}

[[noreturn]] void Fail(const char* what) {
  std::fprintf(stderr, "crypto_bench: %s\n", what);
  std::exit(1);
}

}  // namespace

int main() {
  certledger::InitSodium();

  // Same key for both sides: the wrapper's, and libsodium's from its seed.
  certledger::SecretKey key = certledger::SecretKey::Generate();
  unsigned char raw_pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char raw_sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(raw_pk, raw_sk, key.seed().data());
  if (sodium_memcmp(raw_pk, key.public_key().bytes.data(), sizeof raw_pk) != 0) {
    Fail("libsodium and the wrapper disagree on the public key");
  }

  Bytes message(128);
  randombytes_buf(message.data(), message.size());
  certledger::Signature signature = key.Sign(message);

  std::printf("%-28s %12s   %-30s %12s   %5s\n", "certledger", "ops/s", "baseline", "ops/s",
              "ratio");
  Compare(
      "Ed25519 SecretKey::Sign",
      [&] {
        certledger::Signature s = key.Sign(message);
        g_sink = g_sink ^ s[0];
      },
      [&] {
        unsigned char s[crypto_sign_BYTES];
        crypto_sign_detached(s, nullptr, message.data(), message.size(), raw_sk);
        g_sink = g_sink ^ s[0];
      },
      "crypto_sign_detached");

  Compare(
      "Ed25519 Verify",
      [&] {
        bool ok = certledger::Verify(key.public_key(), message, signature).ok();
        if (!ok) Fail("wrapper rejected a valid signature");
      },
      [&] {
        if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                        raw_pk) != 0) {
          Fail("libsodium rejected a valid signature");
        }
      },
      "crypto_sign_verify_detached");

  Bytes node(64);
  randombytes_buf(node.data(), node.size());
  const EVP_MD* sha256 = EVP_sha256();
  Compare(
      "SHA-256 64 B Sha256::Hash",
      [&] {
        certledger::Hash256 h = certledger::Sha256::Hash(node);
        g_sink = g_sink ^ h[0];
        node[0] = h[1];  // chain, so no call can be hoisted
      },
      [&] {
        unsigned char h[EVP_MAX_MD_SIZE];
        unsigned int len = 0;
        if (EVP_Digest(node.data(), node.size(), h, &len, sha256, nullptr) != 1) {
          Fail("EVP_Digest failed");
        }
        g_sink = g_sink ^ h[0];
        node[0] = h[1];
      },
      "EVP_Digest (one-shot)");
  sodium_memzero(raw_sk, sizeof raw_sk);
  return 0;
}
