// Ed25519 (RFC 8032) through libsodium: key generation, signing, verifying.
//
// Secret keys live in memory from sodium_malloc (guarded, locked against
// swapping where the system allows) and are wiped when destroyed; they are
// movable but never copyable. Public keys and signatures are plain values.
//
// Thread safety: all functions are thread-safe; a SecretKey may be used
// for signing from several threads at once (Sign is const).
#ifndef CERTLEDGER_ED25519_H_
#define CERTLEDGER_ED25519_H_

#include <array>
#include <cstdint>
#include <string>

#include "certledger/bytes.h"
#include "certledger/secure_buffer.h"
#include "certledger/status.h"

namespace certledger {

// Calls sodium_init() once per process; aborts if libsodium cannot start.
// Every function below calls it, so calling it directly is optional.
void InitSodium();

constexpr std::size_t kEd25519PublicKeySize = 32;
constexpr std::size_t kEd25519SeedSize = 32;
constexpr std::size_t kEd25519SignatureSize = 64;
constexpr std::size_t kKeyIdSize = 8;

using Signature = std::array<std::uint8_t, kEd25519SignatureSize>;
// The COSE kid of a key: the first 8 bytes of SHA-256(public key).
using KeyId = std::array<std::uint8_t, kKeyIdSize>;

struct PublicKey {
  std::array<std::uint8_t, kEd25519PublicKeySize> bytes{};

  // InvalidArgument unless `b` has exactly 32 bytes.
  static Result<PublicKey> FromBytes(ByteView b);
  ByteView view() const { return {bytes.data(), bytes.size()}; }
  KeyId Id() const;
  friend bool operator==(const PublicKey&, const PublicKey&) = default;
};

// An Ed25519 key pair. Movable, never copyable. A moved-from key is empty:
// its seed() is an empty view and Sign() aborts (a bug in the caller); it
// may be destroyed or assigned to.
class SecretKey {
 public:
  // A fresh random key from libsodium's CSPRNG.
  static SecretKey Generate();
  // The key for a 32-byte RFC 8032 seed (private key). InvalidArgument on a
  // wrong length. The caller wipes its own copy of the seed.
  static Result<SecretKey> FromSeed(ByteView seed);

  SecretKey(SecretKey&& other) noexcept;
  SecretKey& operator=(SecretKey&& other) noexcept;
  SecretKey(const SecretKey&) = delete;
  SecretKey& operator=(const SecretKey&) = delete;
  ~SecretKey();  // wipes the key material

  const PublicKey& public_key() const { return public_key_; }
  // The 32-byte seed, for writing a key file. Never log it. Valid while
  // the key lives.
  ByteView seed() const;
  // The RFC 8032 signature of `message` (deterministic: the same key and
  // message always give the same signature).
  Signature Sign(ByteView message) const;

 private:
  SecretKey() = default;
  SecureBuffer sk_;  // 64 bytes: seed || public key (libsodium's layout)
  PublicKey public_key_;
};

// OK if `signature` is a valid Ed25519 signature of `message` by `key`
// (libsodium's checks: canonical S, no small-order key or R);
// VerificationFailed with reason "bad_signature" otherwise, also for a
// signature of the wrong length.
Status Verify(const PublicKey& key, ByteView message, ByteView signature);

}  // namespace certledger

#endif  // CERTLEDGER_ED25519_H_
