#include "certledger/secure_buffer.h"

#include <sodium.h>

#include <cstdio>
#include <cstdlib>
#include <cstring>

#include "certledger/ed25519.h"

namespace certledger {

void WipeString(std::string& s) {
  if (!s.empty()) sodium_memzero(s.data(), s.size());
  s.clear();
}

void WipeBytes(Bytes& b) {
  if (!b.empty()) sodium_memzero(b.data(), b.size());
  b.clear();
}

void SecureBuffer::Free::operator()(std::uint8_t* p) const noexcept { sodium_free(p); }

SecureBuffer::SecureBuffer(std::size_t size) {
  if (size == 0) return;
  InitSodium();
  auto* p = static_cast<std::uint8_t*>(sodium_malloc(size));
  if (p == nullptr) {
    std::fprintf(stderr, "certledger: fatal: sodium_malloc(%zu) failed\n", size);
    std::abort();
  }
  std::memset(p, 0, size);
  data_.reset(p);
  size_ = size;
}

SecureBuffer SecureBuffer::Copy(ByteView data) {
  SecureBuffer out(data.size());
  if (!data.empty()) std::memcpy(out.data(), data.data(), data.size());
  return out;
}

bool SecureBuffer::Equals(ByteView other) const {
  if (other.size() != size_) return false;
  if (size_ == 0) return true;
  return sodium_memcmp(data_.get(), other.data(), size_) == 0;
}

}  // namespace certledger
