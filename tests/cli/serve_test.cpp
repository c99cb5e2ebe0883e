// `certledger serve` as a process: a writer and a read-only follower of
// the same directory, real HTTP over loopback, and SIGTERM ending each with
// exit code 0. Every wait is bounded.
#include <signal.h>

#include <catch2/catch.hpp>

#include <chrono>
#include <ctime>
#include <filesystem>
#include <thread>

#include "certledger/key_file.h"
#include "certledger/record.h"
#include "cli/cli_test_util.h"
#include "cli/serve_process.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

using namespace std::chrono_literals;

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
  auto record = SignRecord(ExampleBodyAccreditation(electric->key, now),
                           cwt::Claims{regulator->name, now - 60, std::nullopt, {}},
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
