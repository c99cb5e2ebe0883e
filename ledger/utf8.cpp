#include "certledger/utf8.h"

#include <cstdint>

namespace certledger {

bool NextCodePoint(std::string_view s, std::size_t* pos, char32_t* out) {
  std::size_t i = *pos;
  auto byte = [&](std::size_t k) { return static_cast<std::uint8_t>(s[k]); };
  std::uint8_t b0 = byte(i);
  if (b0 < 0x80) {
    *out = b0;
    *pos = i + 1;
    return true;
  }
  std::size_t len;
  char32_t cp;
  char32_t min;
  if ((b0 & 0xE0) == 0xC0) {
    len = 2, cp = b0 & 0x1F, min = 0x80;
  } else if ((b0 & 0xF0) == 0xE0) {
    len = 3, cp = b0 & 0x0F, min = 0x800;
  } else if ((b0 & 0xF8) == 0xF0) {
    len = 4, cp = b0 & 0x07, min = 0x10000;
  } else {
    return false;  // a continuation byte or 0xF8..0xFF
  }
  if (s.size() - i < len) return false;
  for (std::size_t k = 1; k < len; ++k) {
    std::uint8_t b = byte(i + k);
    if ((b & 0xC0) != 0x80) return false;
    cp = (cp << 6) | (b & 0x3F);
  }
  if (cp < min || cp > 0x10FFFF || (cp >= 0xD800 && cp <= 0xDFFF)) return false;
  *out = cp;
  *pos = i + len;
  return true;
}

bool IsValidUtf8(std::string_view s) {
  std::size_t pos = 0;
  char32_t cp;
  while (pos < s.size()) {
    if (!NextCodePoint(s, &pos, &cp)) return false;
  }
  return true;
}

bool IsUnicodeSpace(char32_t c) {
  return (c >= 0x09 && c <= 0x0D) || c == 0x20 || c == 0x85 || c == 0xA0 || c == 0x1680 ||
         (c >= 0x2000 && c <= 0x200A) || c == 0x2028 || c == 0x2029 || c == 0x202F ||
         c == 0x205F || c == 0x3000;
}

}  // namespace certledger
