// SecureBuffer: a fixed-size byte buffer for secrets (seeds, passphrases,
// decrypted key files), in libsodium's guarded memory.
//
// The bytes live in sodium_malloc() memory (guard pages around it, locked
// against swapping where the system allows) and are wiped by sodium_free()
// when the buffer is destroyed. Movable (the moved-from buffer is empty),
// never copyable.
//
// Thread safety: like a std::vector: concurrent reads are safe, writes
// need external synchronization.
#ifndef CERTLEDGER_SECURE_BUFFER_H_
#define CERTLEDGER_SECURE_BUFFER_H_

#include <cstddef>
#include <cstdint>
#include <memory>
#include <span>
#include <string>
#include <string_view>
#include <utility>

#include "certledger/bytes.h"

namespace certledger {

// Wipes a heap copy of a secret that could not be kept in a SecureBuffer
// (sodium_memzero), then empties it. Capacity left by earlier reallocations
// is out of reach: reserve before filling such strings.
void WipeString(std::string& s);
void WipeBytes(Bytes& b);

class SecureBuffer {
 public:
  SecureBuffer() = default;  // empty
  // `size` zero bytes. Aborts if the memory cannot be allocated (the process
  // is out of memory or address space; nothing sensible can continue).
  explicit SecureBuffer(std::size_t size);
  // A copy of `data`.
  static SecureBuffer Copy(ByteView data);

  SecureBuffer(SecureBuffer&& other) noexcept
      : data_(std::move(other.data_)), size_(std::exchange(other.size_, 0)) {}
  SecureBuffer& operator=(SecureBuffer&& other) noexcept {
    data_ = std::move(other.data_);
    size_ = std::exchange(other.size_, 0);
    return *this;
  }
  SecureBuffer(const SecureBuffer&) = delete;
  SecureBuffer& operator=(const SecureBuffer&) = delete;
  ~SecureBuffer() = default;  // the deleter wipes and frees

  std::uint8_t* data() { return data_.get(); }
  const std::uint8_t* data() const { return data_.get(); }
  std::size_t size() const { return size_; }
  bool empty() const { return size_ == 0; }
  ByteView view() const { return {data_.get(), size_}; }
  std::span<std::uint8_t> span() { return {data_.get(), size_}; }
  // The bytes as characters (no copy; valid while the buffer lives).
  std::string_view chars() const { return AsChars(view()); }

  // Constant-time comparison (sodium_memcmp) of the contents.
  bool Equals(ByteView other) const;

 private:
  struct Free {
    void operator()(std::uint8_t* p) const noexcept;
  };
  std::unique_ptr<std::uint8_t, Free> data_;
  std::size_t size_ = 0;
};

}  // namespace certledger

#endif  // CERTLEDGER_SECURE_BUFFER_H_
