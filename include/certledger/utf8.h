// UTF-8 decoding for the text formats (signed notes, checkpoints, key
// names), with the same acceptance rules as Go's unicode/utf8: overlong
// forms, surrogates (U+D800..U+DFFF), code points above U+10FFFF and
// truncated sequences are invalid.
//
// Thread safety: pure functions.
#ifndef CERTLEDGER_UTF8_H_
#define CERTLEDGER_UTF8_H_

#include <cstddef>
#include <string_view>

namespace certledger {

// Decodes the code point starting at s[*pos] into *out and advances *pos
// past it. Returns false (leaving *pos and *out unchanged) if the bytes at
// *pos are not a valid UTF-8 sequence. Precondition: *pos < s.size().
bool NextCodePoint(std::string_view s, std::size_t* pos, char32_t* out);

// True if all of `s` is valid UTF-8 (the empty string is).
bool IsValidUtf8(std::string_view s);

// Go's unicode.IsSpace: U+0009..U+000D, U+0020, U+0085, U+00A0, U+1680,
// U+2000..U+200A, U+2028, U+2029, U+202F, U+205F, U+3000.
bool IsUnicodeSpace(char32_t c);

}  // namespace certledger

#endif  // CERTLEDGER_UTF8_H_
