// certledger audit --url: auditing a log served by `certledger serve` over
// loopback HTTP, incrementally with --state, and split-view checks.
#include <signal.h>

#include <catch2/catch.hpp>

#include <fstream>
#include <string>

#include "cli/cli_test_util.h"
#include "cli/serve_process.h"

namespace certledger::test {
namespace {

const std::string kSource = CERTLEDGER_SOURCE_DIR;

TEST_CASE("audit remote: mirrors a served log, then only what was appended", "[cli][audit]") {
  const std::string dir = TempDir("audit_remote");
  const std::string keys = dir + "/keys";
  CopyExampleKeys(keys, {"shanghai-hrss", "log", "shanghai-electric"});
  ServeProcess server({"serve", "--data", dir + "/ledger", "--regulator-key",
                       keys + "/shanghai-hrss.pub", "--log-key", keys + "/log.key", "--listen",
                       "127.0.0.1:0"});
  const std::uint16_t port = server.Port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::string remote =
      " --ledger-url " + url + " --regulator-key " + keys + "/shanghai-hrss.pub";
  auto acc = RunProgram("accredit --key " + keys + "/shanghai-hrss.key --in " + kSource +
                        "/docs/examples/accreditation.conf --ledger-url " + url);
  REQUIRE(acc.exit_code == 0);
  auto issued = RunProgram("issue --profile " + kSource + "/docs/examples/issuer.profile --key " +
                           keys + "/shanghai-electric.key --store " + dir + "/store --out " + dir +
                           "/out --base-url " + url + remote + " " + kSource +
                           "/docs/examples/evaluation-results.csv");
  INFO(issued.err);
  REQUIRE(issued.exit_code == 0);
  const std::string saved = dir + "/checkpoint-7.txt";
  std::ofstream(saved) << Http(port, "GET", "/checkpoint").body;

  // The log key as its key string, as a regulator would configure it.
  const std::string vkey = Slurp(keys + "/log.pub").substr(0, Slurp(keys + "/log.pub").find('\n'));
  const std::string audit = "audit --url " + url + " --log-key " + vkey + " --regulator-key " +
                            keys + "/shanghai-hrss.pub --state " + dir + "/mirror";
  auto first = RunProgram(audit);
  INFO(first.out + first.err);
  CHECK(first.exit_code == 0);
  CHECK_THAT(first.out, Catch::Contains("tree size: 7 (trusted before this run: 0)"));
  CHECK_THAT(first.out, Catch::Contains("entries fetched: 7"));
  CHECK_THAT(first.out, Catch::Contains("certificates: 6"));
  CHECK_THAT(first.out, Catch::Contains("audit: OK"));

  auto revoke = RunProgram("revoke --key " + keys + "/shanghai-electric.key --store " + dir +
                           "/store --number Y000131000123251000001 --reason error" + remote);
  INFO(revoke.err);
  REQUIRE(revoke.exit_code == 0);
  const std::string html = dir + "/report.html";
  auto second = RunProgram(audit + " --json --checkpoint " + saved + " --html " + html);
  INFO(second.out + second.err);
  CHECK(second.exit_code == 0);
  // The regulator's statistics cover the whole mirrored log, not only what
  // this run fetched: the six certificates, one of them revoked.
  CHECK_THAT(second.out, Catch::Contains("\"regulator_finding_count\":0"));
  CHECK_THAT(second.out,
             Catch::Contains("{\"body\":\"shanghai-electric\",\"name_zh\":"));
  CHECK_THAT(second.out, Catch::Contains("\"certificates\":6,\"revoked\":1}"));
  CHECK_THAT(second.out, Catch::Contains("\"revocations_by_reason\":[{\"reason\":\"error\","
                                         "\"count\":1}]"));
  const std::string page = Slurp(html);
  CHECK_THAT(page, Catch::StartsWith("<!DOCTYPE html>"));
  CHECK_THAT(page, Catch::Contains(url));
  CHECK_THAT(page, Catch::Contains("shanghai-electric"));
  CHECK_THAT(second.out, Catch::Contains("\"tree_size\":8"));
  CHECK_THAT(second.out, Catch::Contains("\"trusted_size_before\":7"));
  CHECK_THAT(second.out, Catch::Contains("\"entries_fetched\":1"));
  CHECK_THAT(second.out, Catch::Contains("\"revocations\":1"));
  CHECK_THAT(second.out, Catch::Contains("\"consistent\":true"));

  // Another log under the same key: a split view.
  ServeProcess other({"serve", "--data", dir + "/ledger2", "--regulator-key",
                      keys + "/shanghai-hrss.pub", "--log-key", keys + "/log.key", "--listen",
                      "127.0.0.1:0"});
  const std::string url2 = "http://127.0.0.1:" + std::to_string(other.Port());
  REQUIRE(RunProgram("accredit --key " + keys + "/shanghai-hrss.key --in " + kSource +
                     "/docs/examples/accreditation.conf --ledger-url " + url2)
              .exit_code == 0);
  auto split = RunProgram(audit + " --compare " + url2);
  INFO(split.out + split.err);
  CHECK(split.exit_code == 2);
  CHECK_THAT(split.out, Catch::Contains("compared with " + url2 + ": NOT CONSISTENT"));
  CHECK_THAT(split.out, Catch::Contains("split_view"));
  CHECK_THAT(split.out, Catch::Contains("audit: FAILED (the log is inconsistent or corrupt)"));

  // The trusted state names the first log: the second one is a fork of it.
  auto fork = RunProgram("audit --url " + url2 + " --log-key " + vkey + " --regulator-key " +
                         keys + "/shanghai-hrss.pub --state " + dir + "/mirror");
  INFO(fork.out + fork.err);
  CHECK(fork.exit_code == 2);
  CHECK_THAT(fork.out, Catch::Contains("rollback"));

  CHECK(other.SignalAndWait(SIGTERM) == 0);
  CHECK(server.SignalAndWait(SIGTERM) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("audit remote: --state without --url is a usage error", "[cli][audit]") {
  auto r = RunProgram("audit --state /tmp/x --data /tmp/y --regulator-key a --log-key b");
  CHECK(r.exit_code == 64);
  CHECK_THAT(r.err, Catch::Contains("--state needs --url"));
}

}  // namespace
}  // namespace certledger::test
