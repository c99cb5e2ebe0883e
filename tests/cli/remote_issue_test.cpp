// Issuing into a remote ledger: `certledger serve` runs the log, and
// accredit, issue and revoke reach it with --ledger-url over loopback HTTP.
#include <signal.h>

#include <catch2/catch.hpp>

#include <string>

#include "cli/cli_test_util.h"
#include "cli/serve_process.h"

namespace certledger::test {
namespace {

const std::string kSource = CERTLEDGER_SOURCE_DIR;

TEST_CASE("remote issue: accredit, issue, re-run and revoke through --ledger-url", "[cli][remote]") {
  const std::string dir = TempDir("remote_issue");
  const std::string keys = dir + "/keys";
  CopyExampleKeys(keys, {"shanghai-hrss", "log", "shanghai-electric", "shanghai-gas-association"});
  ServeProcess server({"serve", "--data", dir + "/ledger", "--regulator-key",
                       keys + "/shanghai-hrss.pub", "--log-key", keys + "/log.key", "--listen",
                       "127.0.0.1:0"});
  const std::uint16_t port = server.Port();
  const std::string url = "http://127.0.0.1:" + std::to_string(port);
  const std::string remote = " --ledger-url " + url + " --regulator-key " + keys + "/shanghai-hrss.pub";

  // A regulator key the ledger does not trust is refused before anything is sent.
  auto wrong = RunProgram("accredit --key " + keys + "/shanghai-gas-association.key --in " +
                          kSource + "/docs/examples/accreditation.conf --ledger-url " + url);
  CHECK(wrong.exit_code != 0);
  CHECK_THAT(wrong.err, Catch::Contains("does not trust the regulator key"));

  auto acc = RunProgram("accredit --key " + keys + "/shanghai-hrss.key --in " + kSource +
                        "/docs/examples/accreditation.conf --ledger-url " + url);
  INFO(acc.err);
  REQUIRE(acc.exit_code == 0);
  CHECK_THAT(acc.out, Catch::Contains("shanghai-electric: accredited"));
  CHECK_THAT(acc.out, Catch::Contains("logged at index 0"));

  const std::string issue = "issue --profile " + kSource + "/docs/examples/issuer.profile --key " +
                            keys + "/shanghai-electric.key --store " + dir + "/store --out " + dir +
                            "/out --base-url " + url + remote + " " + kSource +
                            "/docs/examples/evaluation-results.csv";
  auto issued = RunProgram(issue);
  INFO(issued.err);
  REQUIRE(issued.exit_code == 0);
  CHECK_THAT(issued.out, Catch::Contains("6 certificates issued, 0 issued before"));
  CHECK_THAT(Http(port, "GET", "/healthz").body, Catch::Contains("\"tree_size\":7"));

  // The server verifies what was issued through it.
  const std::string number = "Y000131000123251000001";
  const std::string qr = Slurp(dir + "/out/" + number + ".qr.txt");
  REQUIRE_FALSE(qr.empty());
  HttpAnswer v = Http(port, "POST", "/api/v1/verify", "text/plain", qr);
  CHECK(v.status == 200);
  CHECK_THAT(v.body, Catch::Contains("\"verdict\":\"valid\""));

  // The same file again issues nothing.
  auto again = RunProgram(issue);
  CHECK(again.exit_code == 0);
  CHECK_THAT(again.out, Catch::Contains("0 certificates issued, 6 issued before (unchanged)"));
  CHECK_THAT(Http(port, "GET", "/healthz").body, Catch::Contains("\"tree_size\":7"));

  auto revoke = RunProgram("revoke --key " + keys + "/shanghai-electric.key --store " + dir +
                           "/store --number " + number + " --reason error" + remote);
  INFO(revoke.err);
  CHECK(revoke.exit_code == 0);
  v = Http(port, "POST", "/api/v1/verify", "text/plain", qr);
  CHECK_THAT(v.body, Catch::Contains("\"verdict\":\"revoked\""));

  CHECK(server.SignalAndWait(SIGTERM) == 0);

  // The ledger is gone: a clear error, and nothing issued.
  auto down = RunProgram("issue --profile " + kSource + "/docs/examples/issuer.profile --key " +
                         keys + "/shanghai-electric.key --store " + dir + "/store2 --out " + dir +
                         "/out2" + remote + " " + kSource + "/docs/examples/evaluation-results.csv");
  CHECK(down.exit_code != 0);
  CHECK_THAT(down.err, Catch::Contains("cannot connect to 127.0.0.1 port " + std::to_string(port)));
  std::filesystem::remove_all(dir);
}

TEST_CASE("remote issue: --ledger and --ledger-url together are refused", "[cli][remote]") {
  const std::string dir = TempDir("remote_both");
  CopyExampleKeys(dir, {"shanghai-hrss"});
  auto both = RunProgram("accredit --key " + dir + "/shanghai-hrss.key --in " + kSource +
                         "/docs/examples/accreditation.conf --ledger " + dir +
                         "/ledger --ledger-url http://127.0.0.1:1");
  CHECK(both.exit_code == 3);
  CHECK_THAT(both.err, Catch::Contains("give --ledger or --ledger-url, not both"));
  CHECK_FALSE(std::filesystem::exists(dir + "/ledger"));
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace certledger::test
