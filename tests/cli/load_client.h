// A small HTTP/1.1 client over plain POSIX sockets for load tests of
// `certledger serve`: keep-alive connections that never throw (every
// outcome is a value, so that client threads can count instead of
// asserting), raw connections for hostile requests, and the server
// process's resident memory from /proc. Every wait has a deadline.
//
// Thread safety: a Connection or RawConnection is used by one thread at a
// time; the free functions are thread-safe.
#ifndef CERTLEDGER_TESTS_CLI_LOAD_CLIENT_H_
#define CERTLEDGER_TESTS_CLI_LOAD_CLIENT_H_

#include <arpa/inet.h>
#include <dirent.h>
#include <netinet/in.h>
#include <netinet/tcp.h>
#include <poll.h>
#include <sys/socket.h>
#include <unistd.h>

#include <cerrno>
#include <chrono>
#include <climits>
#include <cstdint>
#include <cstdlib>
#include <cstring>
#include <fstream>
#include <iterator>
#include <memory>
#include <optional>
#include <sstream>
#include <string>

namespace certledger::test {

using LoadClock = std::chrono::steady_clock;

// What came back for one request. status 0: no answer (`error` says why:
// the connection was refused, reset or closed, or the deadline passed).
struct Reply {
  int status = 0;
  std::string error;
  std::string head;  // status line and header fields
  std::string body;
  bool close = false;  // the server said "Connection: close"
};

// A request as bytes, with Host and Content-Length.
inline std::string HttpRequestBytes(const std::string& method, const std::string& target,
                                    const std::string& content_type, const std::string& body,
                                    bool keep_alive = true) {
  std::string r = method + " " + target + " HTTP/1.1\r\nHost: 127.0.0.1\r\n";
  if (!keep_alive) r += "Connection: close\r\n";
  if (!content_type.empty()) r += "Content-Type: " + content_type + "\r\n";
  if (method == "POST" || !body.empty()) {
    r += "Content-Length: " + std::to_string(body.size()) + "\r\n";
  }
  r += "\r\n" + body;
  return r;
}

// A connected TCP socket to 127.0.0.1:port, or -1 (errno set).
inline int ConnectLoopback(std::uint16_t port) {
  const int fd = ::socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
  if (fd < 0) return -1;
  const int one = 1;
  ::setsockopt(fd, IPPROTO_TCP, TCP_NODELAY, &one, sizeof one);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  if (::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) != 0) {
    const int saved = errno;
    ::close(fd);
    errno = saved;
    return -1;
  }
  return fd;
}

// Sends all of `data` before `deadline`; false on an error or timeout.
inline bool SendAll(int fd, const char* data, std::size_t size, LoadClock::time_point deadline) {
  while (size > 0) {
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - LoadClock::now());
    if (left.count() <= 0) return false;
    pollfd p{fd, POLLOUT, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::send(fd, data, size, MSG_NOSIGNAL | MSG_DONTWAIT);
    if (n < 0) {
      if (errno == EAGAIN || errno == EINTR) continue;
      return false;
    }
    data += n;
    size -= static_cast<std::size_t>(n);
  }
  return true;
}

// Reads one response from `fd` into `reply`, with `buffer` holding bytes
// already read (and what is left after the response). The server always
// sends Content-Length, so the body's end is known.
inline void ReadReply(int fd, std::string& buffer, LoadClock::time_point deadline, Reply& reply) {
  std::size_t body_size = 0;
  std::size_t head_end = std::string::npos;
  char chunk[16384];
  for (;;) {
    if (head_end == std::string::npos) {
      head_end = buffer.find("\r\n\r\n");
      if (head_end != std::string::npos) {
        reply.head = buffer.substr(0, head_end);
        if (reply.head.rfind("HTTP/1.1 ", 0) != 0 || reply.head.size() < 12) {
          reply.error = "not an HTTP/1.1 response: " + reply.head.substr(0, 80);
          return;
        }
        reply.status = std::atoi(reply.head.c_str() + 9);
        std::string lower = reply.head;
        for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
        const std::size_t cl = lower.find("\r\ncontent-length:");
        if (cl != std::string::npos) {
          body_size = std::strtoull(lower.c_str() + cl + 17, nullptr, 10);
        }
        reply.close = lower.find("\r\nconnection: close") != std::string::npos;
      }
    }
    if (head_end != std::string::npos && buffer.size() >= head_end + 4 + body_size) {
      reply.body = buffer.substr(head_end + 4, body_size);
      buffer.erase(0, head_end + 4 + body_size);
      return;
    }
    const auto left =
        std::chrono::duration_cast<std::chrono::milliseconds>(deadline - LoadClock::now());
    if (left.count() <= 0) {
      reply.status = 0;
      reply.error = "no complete response before the deadline";
      return;
    }
    pollfd p{fd, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(left.count())) <= 0) continue;
    const ssize_t n = ::recv(fd, chunk, sizeof chunk, MSG_DONTWAIT);
    if (n < 0 && (errno == EAGAIN || errno == EINTR)) continue;
    if (n <= 0) {
      reply.status = 0;
      reply.error =
          n == 0 ? "connection closed by the server" : std::string("recv: ") + std::strerror(errno);
      if (head_end == std::string::npos && !buffer.empty()) {
        reply.error += " after " + std::to_string(buffer.size()) + " bytes";
      }
      return;
    }
    buffer.append(chunk, static_cast<std::size_t>(n));
  }
}

// A keep-alive connection, opened on first use and again after the server
// closes it. Like any HTTP client, it does not reuse a connection that sat
// idle for longer than `max_idle` (the server closes idle connections after
// its read timeout, and a request sent just then would meet the close).
class Connection {
 public:
  Connection(std::uint16_t port, std::chrono::milliseconds max_idle)
      : port_(port), max_idle_(max_idle) {}
  ~Connection() { Close(); }
  Connection(const Connection&) = delete;
  Connection& operator=(const Connection&) = delete;

  // Sends one request; Finish() reads its answer. False (with `error`) if
  // it could not be sent.
  bool Start(const std::string& request, LoadClock::time_point deadline, std::string& error) {
    if (fd_ >= 0 && LoadClock::now() - last_used_ > max_idle_) Close();
    if (fd_ < 0) {
      fd_ = ConnectLoopback(port_);
      if (fd_ < 0) {
        error = std::string("connect: ") + std::strerror(errno);
        return false;
      }
      buffer_.clear();
    }
    if (!SendAll(fd_, request.data(), request.size(), deadline)) {
      error = std::string("send failed: ") + std::strerror(errno);
      Close();
      return false;
    }
    return true;
  }

  Reply Finish(LoadClock::time_point deadline) {
    Reply reply;
    ReadReply(fd_, buffer_, deadline, reply);
    if (reply.status == 0 || reply.close) Close();
    last_used_ = LoadClock::now();
    return reply;
  }

  Reply Send(const std::string& request, LoadClock::time_point deadline) {
    Reply reply;
    if (!Start(request, deadline, reply.error)) return reply;
    return Finish(deadline);
  }

  void Close() {
    if (fd_ >= 0) ::close(fd_);
    fd_ = -1;
  }

 private:
  std::uint16_t port_;
  std::chrono::milliseconds max_idle_;
  int fd_ = -1;
  std::string buffer_;
  LoadClock::time_point last_used_ = LoadClock::now();
};

// One connection for one hostile exchange, closed when it dies.
class RawConnection {
 public:
  explicit RawConnection(std::uint16_t port) : fd_(ConnectLoopback(port)) {}
  ~RawConnection() {
    if (fd_ >= 0) ::close(fd_);
  }
  RawConnection(const RawConnection&) = delete;
  RawConnection& operator=(const RawConnection&) = delete;

  bool ok() const { return fd_ >= 0; }

  // Sends `data`; false if the server closed or reset the connection
  // meanwhile (which it may do to a hostile client) or the deadline passed.
  bool Write(const std::string& data, LoadClock::time_point deadline) {
    return SendAll(fd_, data.data(), data.size(), deadline);
  }
  // Ends the sending side: the server reads end of stream.
  void ShutdownWrite() { ::shutdown(fd_, SHUT_WR); }

  // The server's answer, if it sends one before closing.
  Reply Read(LoadClock::time_point deadline) {
    Reply reply;
    std::string buffer;
    ReadReply(fd_, buffer, deadline, reply);
    return reply;
  }

  // Waits at most `wait` for the server: 0 if it sent nothing, 1 if an
  // answer is waiting to be read, -1 if it closed or reset the connection.
  int Wait(std::chrono::milliseconds wait) {
    pollfd p{fd_, POLLIN, 0};
    if (::poll(&p, 1, static_cast<int>(wait.count())) <= 0) return 0;
    char c;
    const ssize_t n = ::recv(fd_, &c, 1, MSG_DONTWAIT | MSG_PEEK);
    if (n > 0) return 1;
    return n == 0 || (errno != EAGAIN && errno != EINTR) ? -1 : 0;
  }

 private:
  int fd_;
};

// VmRSS of process `pid` in KiB from /proc/PID/status; 0 if unreadable.
inline std::uint64_t ResidentKiB(pid_t pid) {
  std::ifstream in("/proc/" + std::to_string(pid) + "/status");
  std::string line;
  while (std::getline(in, line)) {
    if (line.rfind("VmRSS:", 0) == 0) return std::strtoull(line.c_str() + 6, nullptr, 10);
  }
  return 0;
}

// The pid of this process's child running `program` (the one server a
// test has started), or -1: scans /proc for a process whose parent is this
// one and whose executable is `program`.
inline pid_t ChildRunning(const std::string& program) {
  std::unique_ptr<DIR, int (*)(DIR*)> dir(::opendir("/proc"), ::closedir);
  if (dir == nullptr) return -1;
  char resolved[PATH_MAX];
  const std::string target = ::realpath(program.c_str(), resolved) != nullptr ? resolved : program;
  while (dirent* e = ::readdir(dir.get())) {
    const pid_t pid = static_cast<pid_t>(std::atoi(e->d_name));
    if (pid <= 0) continue;
    std::ifstream stat("/proc/" + std::to_string(pid) + "/stat");
    std::string text((std::istreambuf_iterator<char>(stat)), std::istreambuf_iterator<char>());
    // "pid (comm) state ppid ...": comm may hold spaces, so read after ')'.
    const std::size_t paren = text.rfind(')');
    if (paren == std::string::npos) continue;
    std::istringstream rest(text.substr(paren + 1));
    std::string state;
    long ppid = 0;
    rest >> state >> ppid;
    if (ppid != ::getpid()) continue;
    char exe[PATH_MAX];
    const std::string link = "/proc/" + std::to_string(pid) + "/exe";
    const ssize_t n = ::readlink(link.c_str(), exe, sizeof exe - 1);
    if (n <= 0) continue;
    exe[n] = '\0';
    if (target == exe) return pid;
  }
  return -1;
}

// The unsigned number after "\"<key>\":" in a JSON text, if any.
inline std::optional<std::uint64_t> JsonNumber(const std::string& json, const std::string& key) {
  const std::string needle = "\"" + key + "\":";
  const std::size_t at = json.find(needle);
  if (at == std::string::npos) return std::nullopt;
  const char* start = json.c_str() + at + needle.size();
  if (*start < '0' || *start > '9') return std::nullopt;
  return std::strtoull(start, nullptr, 10);
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_CLI_LOAD_CLIENT_H_
