// Shared pieces of the libFuzzer targets (fuzz/README.md): the input as
// text or bytes, and a check that aborts (a crash libFuzzer reports) when a
// property of a decoder does not hold.
#ifndef CERTLEDGER_FUZZ_FUZZ_UTIL_H_
#define CERTLEDGER_FUZZ_FUZZ_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <string_view>

#include "certledger/bytes.h"

namespace certledger::fuzz {

inline std::string_view AsText(const std::uint8_t* data, std::size_t size) {
  return {reinterpret_cast<const char*>(data), size};
}

// Aborts with `what` unless `condition`: a decoder broke one of its
// documented properties (e.g. a value it accepts does not encode back to
// the same bytes).
inline void Require(bool condition, const char* what) {
  if (!condition) {
    std::fprintf(stderr, "fuzz property failed: %s\n", what);
    std::abort();
  }
}

}  // namespace certledger::fuzz

#endif  // CERTLEDGER_FUZZ_FUZZ_UTIL_H_
