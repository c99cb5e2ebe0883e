// File helpers: durable and atomic writes, whole-file reads, directories,
// with errors as Status naming the path. Used by the issuer's store and
// output files, the witness state, the cosigned checkpoint and the mirror.
//
// Thread safety: the functions may run concurrently on different paths.
#ifndef CERTLEDGER_FILE_UTIL_H_
#define CERTLEDGER_FILE_UTIL_H_

#include <sys/types.h>

#include <string>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger {

// An open file descriptor, closed when destroyed (a negative one is none).
// Not copyable.
class UniqueFd {
 public:
  explicit UniqueFd(int fd) : fd_(fd) {}
  ~UniqueFd();
  UniqueFd(const UniqueFd&) = delete;
  UniqueFd& operator=(const UniqueFd&) = delete;
  int get() const { return fd_; }
  // Closes now; false (errno set) if close failed, which can report a
  // write error.
  bool Close();

 private:
  int fd_;
};

// Writes all of `data` to `fd`, retrying short writes and EINTR. IOError
// with the system's message (the caller names the file).
[[nodiscard]] Status WriteAll(int fd, ByteView data);

// The directory part of `path` ("." for a bare name).
std::string DirectoryOf(const std::string& path);

// Writes `data` to `path` through a temporary file in the same directory:
// write, fsync, rename over `path`, fsync the directory. When it returns OK
// the file is durable with exactly `data`; on failure `path` is unchanged.
// IOError naming the path.
[[nodiscard]] Status WriteFileDurably(const std::string& path, ByteView data, mode_t mode);

// Writes `data` to `path` through a temporary file and a rename, without
// fsync: readers see the old file or the whole new one, but a crash may
// lose it (for files that can be made again). IOError naming the path.
[[nodiscard]] Status WriteFileAtomically(const std::string& path, ByteView data, mode_t mode);

// Reads the whole file. NotFound if it does not exist; IOError; and
// ResourceExhausted past `max_bytes`.
[[nodiscard]] Result<std::string> ReadWholeFile(const std::string& path,
                                                std::size_t max_bytes = std::size_t{256} << 20);

// fsyncs a directory (so that entries created or renamed in it are
// durable). IOError naming it.
[[nodiscard]] Status SyncDirectory(const std::string& dir);

// Creates `dir` with `mode` if missing (parents too, with mode 0755).
// IOError naming it.
[[nodiscard]] Status MakeDirectory(const std::string& dir, mode_t mode);

}  // namespace certledger

#endif  // CERTLEDGER_FILE_UTIL_H_
