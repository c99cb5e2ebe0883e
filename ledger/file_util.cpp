#include "certledger/file_util.h"

#include <fcntl.h>
#include <sys/stat.h>
#include <unistd.h>

#include <atomic>
#include <cerrno>
#include <cstring>
#include <filesystem>

namespace certledger {
namespace {

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

}  // namespace

UniqueFd::~UniqueFd() {
  if (fd_ >= 0) ::close(fd_);
}

bool UniqueFd::Close() {
  const int fd = fd_;
  fd_ = -1;
  return ::close(fd) == 0;
}

Status WriteAll(int fd, ByteView data) {
  while (!data.empty()) {
    const ssize_t n = ::write(fd, data.data(), data.size());
    if (n < 0) {
      if (errno == EINTR) continue;
      return Status::IOError(std::strerror(errno));
    }
    data = data.subspan(static_cast<std::size_t>(n));
  }
  return Status::OK();
}

std::string DirectoryOf(const std::string& path) {
  auto slash = path.rfind('/');
  if (slash == std::string::npos) return ".";
  if (slash == 0) return "/";
  return path.substr(0, slash);
}

Status SyncDirectory(const std::string& dir) {
  UniqueFd fd(::open(dir.c_str(), O_RDONLY | O_DIRECTORY | O_CLOEXEC));
  if (fd.get() < 0) return Errno("cannot open directory", dir);
  if (::fsync(fd.get()) != 0) return Errno("cannot sync directory", dir);
  return Status::OK();
}

namespace {

Status WriteFile(const std::string& path, ByteView data, mode_t mode, bool sync) {
  static std::atomic<unsigned> counter{0};
  const std::string tmp = path + ".tmp." + std::to_string(::getpid()) + "." +
                          std::to_string(counter.fetch_add(1));
  {
    UniqueFd fd(::open(tmp.c_str(), O_WRONLY | O_CREAT | O_EXCL | O_CLOEXEC, mode));
    if (fd.get() < 0) return Errno("cannot create", tmp);
    Status status = WriteAll(fd.get(), data);
    if (!status.ok()) status = Status::IOError("cannot write " + tmp + ": " + status.message());
    if (status.ok() && sync && ::fsync(fd.get()) != 0) status = Errno("cannot sync", tmp);
    if (status.ok() && !fd.Close()) status = Errno("cannot close", tmp);
    if (!status.ok()) {
      ::unlink(tmp.c_str());
      return status;
    }
  }
  if (::rename(tmp.c_str(), path.c_str()) != 0) {
    Status s = Errno("cannot rename into", path);
    ::unlink(tmp.c_str());
    return s;
  }
  return sync ? SyncDirectory(DirectoryOf(path)) : Status::OK();
}

}  // namespace

Status WriteFileDurably(const std::string& path, ByteView data, mode_t mode) {
  return WriteFile(path, data, mode, true);
}

Status WriteFileAtomically(const std::string& path, ByteView data, mode_t mode) {
  return WriteFile(path, data, mode, false);
}

Result<std::string> ReadWholeFile(const std::string& path, std::size_t max_bytes) {
  UniqueFd fd(::open(path.c_str(), O_RDONLY | O_CLOEXEC));
  if (fd.get() < 0) {
    if (errno == ENOENT) return Status::NotFound("no such file: " + path);
    return Errno("cannot open", path);
  }
  std::string out;
  char buf[1 << 16];
  for (;;) {
    ssize_t n = ::read(fd.get(), buf, sizeof buf);
    if (n < 0 && errno == EINTR) continue;
    if (n < 0) return Errno("cannot read", path);
    if (n == 0) break;
    out.append(buf, static_cast<std::size_t>(n));
    if (out.size() > max_bytes) {
      return Status::ResourceExhausted(path + " is larger than " + std::to_string(max_bytes) +
                                       " bytes");
    }
  }
  return out;
}

Status MakeDirectory(const std::string& dir, mode_t mode) {
  std::error_code ec;
  std::filesystem::path p(dir);
  if (p.has_parent_path() && !p.parent_path().empty()) {
    std::filesystem::create_directories(p.parent_path(), ec);
    if (ec) return Status::IOError("cannot create " + p.parent_path().string() + ": " + ec.message());
  }
  if (::mkdir(dir.c_str(), mode) != 0 && errno != EEXIST) return Errno("cannot create", dir);
  return Status::OK();
}

}  // namespace certledger
