// `certledger serve` (and other long-running commands) as a child process
// in tests, and plain HTTP requests to it. Every wait is bounded.
#ifndef CERTLEDGER_TESTS_CLI_SERVE_PROCESS_H_
#define CERTLEDGER_TESTS_CLI_SERVE_PROCESS_H_

#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <cstdint>
#include <string>
#include <thread>
#include <vector>

namespace certledger::test {

// A child process running the certledger program, its stdout on a pipe.
class ServeProcess {
 public:
  explicit ServeProcess(const std::vector<std::string>& args) {
    int fds[2];
    REQUIRE(::pipe(fds) == 0);
    pid_ = ::fork();
    REQUIRE(pid_ >= 0);
    if (pid_ == 0) {
      ::dup2(fds[1], STDOUT_FILENO);
      ::close(fds[0]);
      ::close(fds[1]);
      std::vector<char*> argv;
      std::string program = CERTLEDGER_PROGRAM;
      argv.push_back(program.data());
      std::vector<std::string> copy = args;
      for (std::string& a : copy) argv.push_back(a.data());
      argv.push_back(nullptr);
      ::execv(program.c_str(), argv.data());
      ::_exit(127);
    }
    ::close(fds[1]);
    out_ = fds[0];
  }
  ~ServeProcess() {
    if (pid_ > 0 && !exited_) {
      ::kill(pid_, SIGKILL);
      ::waitpid(pid_, nullptr, 0);
    }
    if (out_ >= 0) ::close(out_);
  }
  ServeProcess(const ServeProcess&) = delete;
  ServeProcess& operator=(const ServeProcess&) = delete;

  // The next line the program prints (the first: once it listens), within
  // 20 s; what arrived so far when the time is up.
  std::string FirstLine() {
    std::string line;
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    char c = 0;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      if (::read(out_, &c, 1) != 1) break;
      if (c == '\n') break;
      line.push_back(c);
    }
    return line;
  }

  // The port from the line the server prints once it listens.
  std::uint16_t Port() {
    const std::string line = FirstLine();
    INFO(line);
    const std::size_t colon = line.rfind(':');
    REQUIRE(colon != std::string::npos);
    return static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
  }

  // Sends `signal` and waits for the exit: the exit code, or -1 if the
  // process did not exit within the limit.
  int SignalAndWait(int signal) {
    ::kill(pid_, signal);
    const auto end = std::chrono::steady_clock::now() + std::chrono::seconds(20);
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(std::chrono::milliseconds(20));
    }
    return -1;
  }

 private:
  pid_t pid_ = -1;
  int out_ = -1;
  bool exited_ = false;
};

struct HttpAnswer {
  int status = 0;
  std::string head;  // the status line and header fields
  std::string body;
};

// One request over a fresh connection ("Connection: close"), read to EOF.
inline HttpAnswer Http(std::uint16_t port, const std::string& method, const std::string& path,
                const std::string& content_type = "", const std::string& body = "") {
  const int fd = ::socket(AF_INET, SOCK_STREAM, 0);
  REQUIRE(fd >= 0);
  timeval tv{10, 0};
  ::setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &tv, sizeof tv);
  sockaddr_in addr{};
  addr.sin_family = AF_INET;
  addr.sin_port = htons(port);
  addr.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
  REQUIRE(::connect(fd, reinterpret_cast<sockaddr*>(&addr), sizeof addr) == 0);
  std::string request =
      method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n";
  if (!content_type.empty()) request += "Content-Type: " + content_type + "\r\n";
  request += "Content-Length: " + std::to_string(body.size()) + "\r\n\r\n" + body;
  REQUIRE(::send(fd, request.data(), request.size(), MSG_NOSIGNAL) ==
          static_cast<ssize_t>(request.size()));
  std::string response;
  char buf[4096];
  for (;;) {
    const ssize_t n = ::recv(fd, buf, sizeof buf, 0);
    if (n <= 0) break;
    response.append(buf, static_cast<std::size_t>(n));
  }
  ::close(fd);
  HttpAnswer a;
  INFO(response);
  REQUIRE(response.rfind("HTTP/1.1 ", 0) == 0);
  a.status = std::stoi(response.substr(9, 3));
  const std::size_t split = response.find("\r\n\r\n");
  REQUIRE(split != std::string::npos);
  a.head = response.substr(0, split);
  a.body = response.substr(split + 4);
  return a;
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_CLI_SERVE_PROCESS_H_
