// A small file system of its own for disk-fault tests: a tmpfs of a few
// MiB mounted on a fresh directory, that a test fills up and empties again.
// Mounting needs CAP_SYS_ADMIN (root, as in CI).
#ifndef CERTLEDGER_TESTS_LEDGER_SMALL_FILE_SYSTEM_H_
#define CERTLEDGER_TESTS_LEDGER_SMALL_FILE_SYSTEM_H_

#include <sys/mount.h>
#include <sys/statvfs.h>
#include <unistd.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <filesystem>
#include <fstream>
#include <string>

namespace certledger::test {

// A tmpfs of `megabytes` mounted at a fresh directory; unmounted and removed
// at the end.
class SmallFileSystem {
 public:
  explicit SmallFileSystem(int megabytes) {
    static std::atomic<int> counter{0};
    path_ =
        (std::filesystem::temp_directory_path() /
         ("certledger_small_fs_" + std::to_string(::getpid()) + "_" + std::to_string(counter++)))
            .string();
    std::filesystem::remove_all(path_);
    std::filesystem::create_directories(path_);
    const std::string options = "size=" + std::to_string(megabytes) + "m";
    if (::mount("tmpfs", path_.c_str(), "tmpfs", 0, options.c_str()) != 0) {
      error_ = std::strerror(errno);
    } else {
      mounted_ = true;
    }
  }
  ~SmallFileSystem() {
    if (mounted_) ::umount2(path_.c_str(), MNT_DETACH);
    std::error_code ignored;
    std::filesystem::remove_all(path_, ignored);
  }
  SmallFileSystem(const SmallFileSystem &) = delete;
  SmallFileSystem &operator=(const SmallFileSystem &) = delete;

  bool mounted() const { return mounted_; }
  const std::string &error() const { return error_; }
  const std::string &path() const { return path_; }

  // Free bytes on the file system.
  std::uint64_t Free() const {
    struct statvfs s {};
    if (::statvfs(path_.c_str(), &s) != 0) return 0;
    return static_cast<std::uint64_t>(s.f_bavail) * s.f_frsize;
  }

  // Fills the file system with a filler file until about `leave` bytes are
  // free.
  void Fill(std::uint64_t leave) {
    std::ofstream out(path_ + "/filler", std::ios::binary | std::ios::app);
    const std::string block(4096, 'x');
    while (Free() > leave + block.size() && out.write(block.data(), block.size())) out.flush();
  }
  // Space returns.
  void Unfill() { std::filesystem::remove(path_ + "/filler"); }

 private:
  std::string path_;
  bool mounted_ = false;
  std::string error_;
};

// True if `fs` could not be mounted: then the test has failed, saying why,
// or, with CERTLEDGER_NO_MOUNT=1 in the environment, it is skipped with a
// warning. The caller returns at once.
inline bool MountUnavailable(const SmallFileSystem &fs) {
  if (fs.mounted()) return false;
  if (const char *no = std::getenv("CERTLEDGER_NO_MOUNT"); no != nullptr && *no == '1') {
    WARN("skipped: cannot mount a tmpfs (" << fs.error() << ") and CERTLEDGER_NO_MOUNT=1");
    return true;
  }
  FAIL("cannot mount a tmpfs: " << fs.error()
                                << " (run as root, or set CERTLEDGER_NO_MOUNT=1 to skip)");
  return true;
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_LEDGER_SMALL_FILE_SYSTEM_H_
