#include "cli/file_io.h"

#include <unistd.h>

#include <cerrno>
#include <cstring>

#include "certledger/file_util.h"

namespace certledger::cli {

Result<std::string> ReadFile(const std::string& path, std::size_t max_bytes) {
  if (path != "-") return ReadWholeFile(path, max_bytes);
  std::string out;
  char buf[1 << 16];
  for (;;) {
    const ssize_t n = ::read(STDIN_FILENO, buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0)
      return Status::IOError(std::string("cannot read standard input: ") + std::strerror(errno));
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      return Status::ResourceExhausted("standard input is larger than " +
                                       std::to_string(max_bytes) + " bytes");
    }
  }
  return out;
}

}  // namespace certledger::cli
