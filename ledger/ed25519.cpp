#include "certledger/ed25519.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "certledger/sha256.h"

namespace certledger {

static_assert(crypto_sign_PUBLICKEYBYTES == kEd25519PublicKeySize);
static_assert(crypto_sign_SEEDBYTES == kEd25519SeedSize);
static_assert(crypto_sign_BYTES == kEd25519SignatureSize);
static_assert(crypto_sign_SECRETKEYBYTES == kEd25519SeedSize + kEd25519PublicKeySize);

void InitSodium() {
  static const bool initialized = [] {
    if (sodium_init() < 0) {
      std::fprintf(stderr, "certledger: fatal: libsodium failed to initialize\n");
      std::abort();
    }
    return true;
  }();
  (void)initialized;
}

Result<PublicKey> PublicKey::FromBytes(ByteView b) {
  if (b.size() != kEd25519PublicKeySize) {
    return Status::InvalidArgument("Ed25519 public key must be 32 bytes, got " +
                                   std::to_string(b.size()));
  }
  PublicKey key;
  std::memcpy(key.bytes.data(), b.data(), b.size());
  return key;
}

KeyId PublicKey::Id() const {
  Hash256 digest = Sha256::Hash(view());
  KeyId id;
  std::memcpy(id.data(), digest.data(), id.size());
  return id;
}

SecretKey SecretKey::Generate() {
  InitSodium();
  SecretKey key;
  key.sk_ = SecureBuffer(crypto_sign_SECRETKEYBYTES);
  // Cannot fail: libsodium's keypair functions always return 0.
  crypto_sign_keypair(key.public_key_.bytes.data(), key.sk_.data());
  return key;
}

Result<SecretKey> SecretKey::FromSeed(ByteView seed) {
  if (seed.size() != kEd25519SeedSize) {
    return Status::InvalidArgument("Ed25519 seed must be 32 bytes, got " +
                                   std::to_string(seed.size()));
  }
  InitSodium();
  SecretKey key;
  key.sk_ = SecureBuffer(crypto_sign_SECRETKEYBYTES);
  crypto_sign_seed_keypair(key.public_key_.bytes.data(), key.sk_.data(), seed.data());
  return key;
}

SecretKey::SecretKey(SecretKey&& other) noexcept = default;
SecretKey& SecretKey::operator=(SecretKey&& other) noexcept = default;
SecretKey::~SecretKey() = default;  // SecureBuffer wipes and frees

ByteView SecretKey::seed() const {
  if (sk_.empty()) return {};
  return sk_.view().first(kEd25519SeedSize);
}

Signature SecretKey::Sign(ByteView message) const {
  if (sk_.empty()) {
    std::fprintf(stderr, "certledger: fatal: Sign() on a moved-from SecretKey\n");
    std::abort();
  }
  Signature sig;
  // crypto_sign_detached only fails on a message longer than
  // crypto_sign_MESSAGEBYTES_MAX (about 2^64), impossible for a span.
  crypto_sign_detached(sig.data(), nullptr, message.data(), message.size(), sk_.data());
  return sig;
}

Status Verify(const PublicKey& key, ByteView message, ByteView signature) {
  InitSodium();
  if (signature.size() != kEd25519SignatureSize) {
    return Status::VerificationFailed("Ed25519 signature must be 64 bytes, got " +
                                      std::to_string(signature.size()))
        .WithReason("bad_signature");
  }
  if (crypto_sign_verify_detached(signature.data(), message.data(), message.size(),
                                  key.bytes.data()) != 0) {
    return Status::VerificationFailed("Ed25519 signature does not verify")
        .WithReason("bad_signature");
  }
  return Status::OK();
}

}  // namespace certledger
