#include "certledger/sha256.h"

#include <openssl/evp.h>

#include <cstdio>
#include <cstdlib>

namespace certledger {
namespace {

[[noreturn]] void Die(const char* what) {
  std::fprintf(stderr, "certledger: fatal: OpenSSL SHA-256 unavailable (%s)\n", what);
  std::abort();
}

// Fetched once per process; never freed (lives as long as the process).
const EVP_MD* Sha256Algorithm() {
  static const EVP_MD* md = [] {
    EVP_MD* m = EVP_MD_fetch(nullptr, "SHA256", nullptr);
    if (m == nullptr) Die("EVP_MD_fetch");
    return m;
  }();
  return md;
}

}  // namespace

struct Sha256::Ctx {
  std::unique_ptr<EVP_MD_CTX, decltype(&EVP_MD_CTX_free)> ctx{EVP_MD_CTX_new(), &EVP_MD_CTX_free};
  bool started = false;
};

Sha256::Sha256() : ctx_(std::make_unique<Ctx>()) {
  if (!ctx_->ctx) Die("EVP_MD_CTX_new");
}
Sha256::~Sha256() = default;
Sha256::Sha256(Sha256&&) noexcept = default;
Sha256& Sha256::operator=(Sha256&&) noexcept = default;

Sha256& Sha256::Update(ByteView data) {
  if (!ctx_->started) {
    if (EVP_DigestInit_ex2(ctx_->ctx.get(), Sha256Algorithm(), nullptr) != 1) Die("init");
    ctx_->started = true;
  }
  if (!data.empty() && EVP_DigestUpdate(ctx_->ctx.get(), data.data(), data.size()) != 1) {
    Die("update");
  }
  return *this;
}

Hash256 Sha256::Finish() {
  if (!ctx_->started) Update(ByteView());
  Hash256 out;
  unsigned int len = 0;
  if (EVP_DigestFinal_ex(ctx_->ctx.get(), out.data(), &len) != 1 || len != out.size()) {
    Die("final");
  }
  ctx_->started = false;
  return out;
}

Hash256 Sha256::Hash(ByteView data) {
  thread_local Sha256 hasher;
  return hasher.Update(data).Finish();
}

}  // namespace certledger
