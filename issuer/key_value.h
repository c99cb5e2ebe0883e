// Simple "key = value" text files (the issuer profile, accreditation
// input). Internal to issuer/.
//
// Grammar:
//
//   file    = *line
//   line    = *WSP [comment / setting] *WSP (LF / CRLF / end-of-file)
//   comment = "#" *char                   ; only at the start of a line
//   setting = key *WSP "=" *WSP value     ; value: the rest of the line,
//                                         ; trailing spaces removed
//   key     = 1*(%x61-7A / DIGIT / "_")   ; lower case
//
// The file is UTF-8 (a byte order mark is skipped).
//
// Thread safety: pure function.
#ifndef CERTLEDGER_ISSUER_KEY_VALUE_H_
#define CERTLEDGER_ISSUER_KEY_VALUE_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/status.h"

namespace certledger::internal {

struct Setting {
  std::size_t line = 0;
  std::string key;
  std::string value;
};

// The settings in file order (keys may repeat). InvalidArgument "line N:
// expected key = value" or "line N: not valid UTF-8".
[[nodiscard]] Result<std::vector<Setting>> ParseKeyValue(std::string_view text);

}  // namespace certledger::internal

#endif  // CERTLEDGER_ISSUER_KEY_VALUE_H_
