// Debian's headless Chromium for the browser tests: its command line and
// the one PNG field the tests read.
#ifndef CERTLEDGER_TESTS_BROWSER_CHROMIUM_UTIL_H_
#define CERTLEDGER_TESTS_BROWSER_CHROMIUM_UTIL_H_

#include <cstddef>
#include <cstdint>
#include <string>

namespace certledger::test {

inline constexpr const char* kChromium = "/usr/bin/chromium";

// Chromium's command line: headless, with its own profile directory, doing
// `what` (e.g. "--dump-dom", "--screenshot=F", with any further flags) on
// `url`; bounded by timeout(1).
inline std::string ChromiumCommand(const std::string& profile, const std::string& what,
                                   const std::string& url) {
  return "timeout -k 5 90 " + std::string(kChromium) +
         " --headless --no-sandbox --disable-gpu --no-first-run --disable-extensions"
         " --user-data-dir=" +
         profile + " " + what + " '" + url + "'";
}

// The big-endian 32-bit number at `at` (PNG lengths and IHDR fields).
inline std::uint32_t BigEndian32(const std::string& s, std::size_t at) {
  std::uint32_t v = 0;
  for (std::size_t i = 0; i < 4; ++i) v = (v << 8) | static_cast<unsigned char>(s[at + i]);
  return v;
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_BROWSER_CHROMIUM_UTIL_H_
