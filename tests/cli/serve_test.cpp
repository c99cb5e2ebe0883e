// `certledger serve` as a process: a writer and a read-only follower of
// the same directory, real HTTP over loopback, and SIGTERM ending each with
// exit code 0. Every wait is bounded.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "certledger/key_file.h"
#include "certledger/record.h"
#include "cli/cli_test_util.h"

namespace certledger::test {
namespace {

using namespace std::chrono_literals;

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

  // The port from the line the server prints once it listens.
  std::uint16_t Port() {
    std::string line;
    const auto end = std::chrono::steady_clock::now() + 20s;
    char c = 0;
    while (std::chrono::steady_clock::now() < end) {
      pollfd p{out_, POLLIN, 0};
      if (::poll(&p, 1, 100) <= 0) continue;
      if (::read(out_, &c, 1) != 1) break;
      if (c == '\n') break;
      line.push_back(c);
    }
    INFO(line);
    const std::size_t colon = line.rfind(':');
    REQUIRE(colon != std::string::npos);
    return static_cast<std::uint16_t>(std::stoi(line.substr(colon + 1)));
  }

  // Sends `signal` and waits for the exit: the exit code, or -1 if the
  // process did not exit within the limit.
  int SignalAndWait(int signal) {
    ::kill(pid_, signal);
    const auto end = std::chrono::steady_clock::now() + 20s;
    while (std::chrono::steady_clock::now() < end) {
      int status = 0;
      if (::waitpid(pid_, &status, WNOHANG) == pid_) {
        exited_ = true;
        return WIFEXITED(status) ? WEXITSTATUS(status) : 128 + WTERMSIG(status);
      }
      std::this_thread::sleep_for(20ms);
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
  std::string body;
};

// One request over a fresh connection ("Connection: close"), read to EOF.
HttpAnswer Http(std::uint16_t port, const std::string& method, const std::string& path,
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
  a.body = response.substr(split + 4);
  return a;
}

TEST_CASE("serve: a writer and a read-only follower, stopped by SIGTERM", "[serve]") {
  const std::string dir = TempDir("serve");
  // The keys as their owners keep them: private keys mode 0600.
  const std::string keys = dir + "/keys";
  CopyExampleKeys(keys, {"shanghai-hrss", "log", "shanghai-electric"});
  const std::string log_key = keys + "/log.key";
  const std::string data = dir + "/ledger";

  ServeProcess writer({"serve", "--data", data, "--regulator-key", keys + "/shanghai-hrss.pub",
                       "--log-key", log_key, "--listen", "127.0.0.1:0", "--threads", "2"});
  const std::uint16_t writer_port = writer.Port();
  const HttpAnswer health = Http(writer_port, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK_THAT(health.body, Catch::Contains("\"tree_size\":0"));

  ServeProcess follower({"serve", "--read-only", "--data", data, "--regulator-key",
                         keys + "/shanghai-hrss.pub", "--log-key", keys + "/log.pub",
                         "--listen", "127.0.0.1:0"});
  const std::uint16_t follower_port = follower.Port();
  CHECK(Http(follower_port, "GET", "/checkpoint").body ==
        Http(writer_port, "GET", "/checkpoint").body);

  // The regulator accredits a body through the writer's API.
  auto regulator = ReadSecretKeyFile(keys + "/shanghai-hrss.key");
  REQUIRE(regulator.ok());
  auto electric = ReadPublicKeyFile(keys + "/shanghai-electric.pub");
  REQUIRE(electric.ok());
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  Accreditation a;
  a.body = "shanghai-electric";
  a.name_zh = "上海电气集团股份有限公司";
  a.name_en = "Shanghai Electric Group Co., Ltd.";
  a.keys.push_back(AccreditedKey{electric->key, now - 86400, std::nullopt, std::nullopt});
  a.scope.occupations = {"6-18-01-01"};
  a.scope.levels = {Level::kSkill1};
  a.from = now - 86400;
  a.until = now + 365 * 86400;
  auto record = SignRecord(a, cwt::Claims{regulator->name, now - 60, std::nullopt, {}},
                           regulator->key);
  REQUIRE(record.ok());
  const std::string bytes = ToString(record->bytes);
  const HttpAnswer created =
      Http(writer_port, "POST", "/api/v1/records", "application/cose", bytes);
  INFO(created.body);
  CHECK(created.status == 201);
  CHECK(Http(follower_port, "POST", "/api/v1/records", "application/cose", bytes).status == 405);

  // The follower catches up by itself.
  bool caught_up = false;
  for (int i = 0; i < 200 && !caught_up; ++i) {
    caught_up = Http(follower_port, "GET", "/healthz").body.find("\"tree_size\":1") !=
                std::string::npos;
    if (!caught_up) std::this_thread::sleep_for(50ms);
  }
  CHECK(caught_up);
  CHECK(Http(follower_port, "GET", "/api/v1/entries/0").status == 200);

  CHECK(follower.SignalAndWait(SIGTERM) == 0);
  CHECK(writer.SignalAndWait(SIGTERM) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("serve: bad command lines", "[serve]") {
  const std::string keys = std::string(CERTLEDGER_SOURCE_DIR) + "/keys.example";
  Output o = RunProgram("serve --data /nonexistent --regulator-key " + keys +
                        "/shanghai-hrss.pub --log-key " + keys + "/log.key --listen nowhere");
  CHECK(o.exit_code == 3);
  CHECK_THAT(o.err, Catch::Contains("--listen must be HOST:PORT"));
  o = RunProgram("serve --regulator-key " + keys + "/shanghai-hrss.pub");
  CHECK(o.exit_code == 3);
  CHECK_THAT(o.err, Catch::Contains("--data is required"));
  o = RunProgram("serve --data /tmp/x --regulator-key " + keys + "/shanghai-hrss.pub --log-key " +
                 keys + "/log.key --tls-cert only.pem");
  CHECK(o.exit_code == 3);
  CHECK_THAT(o.err, Catch::Contains("--tls-cert and --tls-key go together"));
}

}  // namespace
}  // namespace certledger::test
