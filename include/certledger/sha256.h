// SHA-256 through OpenSSL's EVP interface.
//
// The algorithm object is fetched once per process and each Sha256 keeps
// its EVP_MD_CTX for reuse: Merkle hashing calls this millions of times and
// the one-shot EVP_Digest() pays for a fetch and a context allocation on
// every call (about 3x slower for 64-byte inputs).
//
// Thread safety: a Sha256 object is not thread-safe; Sha256::Hash() uses a
// thread-local hasher and may be called from any thread.
#ifndef CERTLEDGER_SHA256_H_
#define CERTLEDGER_SHA256_H_

#include <array>
#include <cstdint>
#include <memory>

#include "certledger/bytes.h"

namespace certledger {

using Hash256 = std::array<std::uint8_t, 32>;

class Sha256 {
 public:
  // Aborts if OpenSSL cannot provide SHA-256: no certledger operation is
  // possible without it, and it is a broken installation, not bad input.
  Sha256();
  ~Sha256();
  Sha256(Sha256&&) noexcept;
  Sha256& operator=(Sha256&&) noexcept;
  Sha256(const Sha256&) = delete;
  Sha256& operator=(const Sha256&) = delete;

  Sha256& Update(ByteView data);
  Sha256& Update(std::uint8_t byte) { return Update(ByteView(&byte, 1)); }
  // Returns the digest of everything given since construction or the last
  // Finish(), and resets the object for the next message.
  Hash256 Finish();

  // One-shot hash on a thread-local, reused context.
  static Hash256 Hash(ByteView data);

 private:
  struct Ctx;
  std::unique_ptr<Ctx> ctx_;
};

inline ByteView AsBytes(const Hash256& h) { return {h.data(), h.size()}; }

}  // namespace certledger

#endif  // CERTLEDGER_SHA256_H_
