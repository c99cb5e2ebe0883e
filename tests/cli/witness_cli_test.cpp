// `certledger witness` and `witness push` end to end: a real witness
// process, a ledger served by `certledger serve --witness-key`, pushes as the
// log grows, a forked ledger under the same key that the witness refuses,
// a witness restart, and `certledger verify --witness-key`.
#include <arpa/inet.h>
#include <netinet/in.h>
#include <poll.h>
#include <signal.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

#include <catch2/catch.hpp>
#include <chrono>
#include <ctime>
#include <filesystem>
#include <fstream>
#include <thread>

#include "certledger/checkpoint.h"
#include "certledger/cosignature.h"
#include "certledger/key_file.h"
#include "certledger/record.h"
#include "cli/cli_test_util.h"
#include "cli/serve_process.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

using namespace std::chrono_literals;

using Process = ServeProcess;

// An accreditation of `body` with `key` (the example body's scope and
// validity), signed by the regulator at `iat`, as bytes.
std::string Accreditation(const NamedSecretKey& regulator, const std::string& body,
                          const PublicKey& key, std::uint64_t iat) {
  certledger::Accreditation a =
      ExampleBodyAccreditation(key, static_cast<std::uint64_t>(std::time(nullptr)));
  a.body = body;
  auto record = SignRecord(a, cwt::Claims{regulator.name, iat, std::nullopt, {}}, regulator.key);
  REQUIRE(record.ok());
  return ToString(record->bytes);
}

void WriteText(const std::string& path, const std::string& text) {
  std::ofstream out(path, std::ios::binary);
  out << text;
}

std::string PrepareKeys(const std::string& dir) {
  CopyExampleKeys(dir, {"shanghai-hrss", "log", "shanghai-electric", "shanghai-gas-association"});
  NamedSecretKey w{"witness.example/w1", SecretKey::FromSeed(Bytes(32, 0x42)).value()};
  REQUIRE(WriteSecretKeyFile(dir + "/witness.key", w).ok());
  WriteText(dir + "/witness.vkey", FormatWitnessVerifierKey(w.Public()).value() + "\n");
  return dir;
}

// The example keys, and a witness key written as its operator keeps it.
struct Keys {
  std::string dir;
  NamedSecretKey regulator;
  NamedPublicKey log;
  NamedPublicKey witness;

  explicit Keys(const std::string& d)
      : dir(PrepareKeys(d)),
        regulator(ReadSecretKeyFile(dir + "/shanghai-hrss.key").value()),
        log(ReadPublicKeyFile(dir + "/log.pub").value()),
        witness(ReadWitnessKeyFile(dir + "/witness.vkey").value()) {}
  std::string Witness() const { return dir + "/witness.vkey"; }
};

}  // namespace

TEST_CASE(
    "witness: cosigns a growing log over HTTP, refuses its fork, "
    "survives a restart",
    "[cli][witness]") {
  const std::string dir = TempDir("cli_witness");
  Keys keys(dir + "/keys");
  const std::string data = dir + "/ledger", fork = dir + "/fork", state = dir + "/state";
  std::vector<std::string> witness_args = {"witness",
                                           "--state",
                                           state,
                                           "--key",
                                           keys.dir + "/witness.key",
                                           "--log-key",
                                           keys.dir + "/log.pub",
                                           "--listen",
                                           "127.0.0.1:0"};
  auto witness = std::make_unique<Process>(witness_args);
  const std::string line = witness->FirstLine();
  INFO(line);
  // It prints its verifier key of type 0x04, the one clients configure.
  CHECK(line.find(FormatWitnessVerifierKey(keys.witness).value() + " on http://127.0.0.1:") !=
        std::string::npos);
  const std::string witness_url = "http://127.0.0.1:" + line.substr(line.rfind(':') + 1);

  Process server({"serve", "--data", data, "--regulator-key", keys.dir + "/shanghai-hrss.pub",
                  "--log-key", keys.dir + "/log.key", "--listen", "127.0.0.1:0", "--witness-key",
                  keys.Witness(), "--min-cosignatures", "1"});
  const std::uint16_t port = server.Port();
  // Nothing is cosigned yet: the log publishes no checkpoint.
  HttpAnswer checkpoint = Http(port, "GET", "/checkpoint");
  CHECK(checkpoint.status == 503);
  CHECK_THAT(checkpoint.body, Catch::Contains("no_cosigned_checkpoint"));

  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  auto electric = ReadPublicKeyFile(keys.dir + "/shanghai-electric.pub").value();
  auto gas = ReadPublicKeyFile(keys.dir + "/shanghai-gas-association.pub").value();
  REQUIRE(Http(port, "POST", "/api/v1/records", "application/cose",
               Accreditation(keys.regulator, "shanghai-electric", electric.key, now - 60))
              .status == 201);

  const std::string push = "witness push --data " + data + " --log-key " + keys.dir +
                           "/log.pub --witness " + witness_url + " --witness-key " + keys.Witness();
  Output pushed = RunProgram(push);
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);
  CHECK_THAT(pushed.out, Catch::Contains("checkpoint of size 1 cosigned by 1 witness"));
  checkpoint = Http(port, "GET", "/checkpoint");
  REQUIRE(checkpoint.status == 200);
  std::vector<NamedPublicKey> trusted = {keys.witness};
  auto cosigned = VerifyCosignedCheckpoint(checkpoint.body, keys.log, trusted, 1);
  REQUIRE(cosigned.ok());
  CHECK(cosigned->checkpoint.size == 1);

  // The log grows; the next push proves consistency from size 1.
  REQUIRE(Http(port, "POST", "/api/v1/records", "application/cose",
               Accreditation(keys.regulator, "shanghai-gas-association", gas.key, now - 50))
              .status == 201);
  pushed = RunProgram(push);
  REQUIRE(pushed.exit_code == 0);
  checkpoint = Http(port, "GET", "/checkpoint");
  cosigned = VerifyCosignedCheckpoint(checkpoint.body, keys.log, trusted, 1);
  REQUIRE(cosigned.ok());
  CHECK(cosigned->checkpoint.size == 2);
  const Hash256 witnessed_root = cosigned->checkpoint.root;

  // A fork: another ledger under the same log key, two other entries.
  {
    Process forked({"serve", "--data", fork, "--regulator-key", keys.dir + "/shanghai-hrss.pub",
                    "--log-key", keys.dir + "/log.key", "--listen", "127.0.0.1:0"});
    const std::uint16_t fork_port = forked.Port();
    REQUIRE(Http(fork_port, "POST", "/api/v1/records", "application/cose",
                 Accreditation(keys.regulator, "shanghai-gas-association", gas.key, now - 40))
                .status == 201);
    REQUIRE(Http(fork_port, "POST", "/api/v1/records", "application/cose",
                 Accreditation(keys.regulator, "shanghai-electric", electric.key, now - 30))
                .status == 201);
    auto fork_checkpoint = OpenCheckpoint(Http(fork_port, "GET", "/checkpoint").body, keys.log);
    REQUIRE(fork_checkpoint.ok());
    REQUIRE(fork_checkpoint->size == 2);
    REQUIRE(fork_checkpoint->root != witnessed_root);
    CHECK(forked.SignalAndWait(SIGTERM) == 0);
  }
  Output refused =
      RunProgram("witness push --data " + fork + " --log-key " + keys.dir + "/log.pub --witness " +
                 witness_url + " --witness-key " + keys.Witness());
  INFO(refused.out << refused.err);
  CHECK(refused.exit_code == 1);
  CHECK_THAT(refused.err, Catch::Contains("refused (HTTP 409)"));
  CHECK_THAT(refused.err,
             Catch::Contains("too_few_cosignatures") || Catch::Contains("0 valid cosignatures"));
  CHECK(!std::filesystem::exists(fork + "/cosigned-checkpoint"));

  // The witness restarts from its state: still at size 2, still refusing.
  CHECK(witness->SignalAndWait(SIGTERM) == 0);
  witness = std::make_unique<Process>(witness_args);
  const std::string again = witness->FirstLine();
  const std::string url2 = "http://127.0.0.1:" + again.substr(again.rfind(':') + 1);
  CHECK(RunProgram("witness push --data " + fork + " --log-key " + keys.dir +
                   "/log.pub --witness " + url2 + " --witness-key " + keys.Witness())
            .exit_code == 1);
  CHECK(RunProgram("witness push --data " + data + " --log-key " + keys.dir +
                   "/log.pub --witness " + url2 + " --witness-key " + keys.Witness())
            .exit_code == 0);
  // Raw protocol: a client that knows nothing learns the witnessed size.
  const std::uint16_t witness_port =
      static_cast<std::uint16_t>(std::stoi(again.substr(again.rfind(':') + 1)));
  HttpAnswer conflict =
      Http(witness_port, "POST", "/add-checkpoint", "text/plain", "old 0\n\n" + checkpoint.body);
  CHECK(conflict.status == 409);
  CHECK_THAT(conflict.head, Catch::Contains("text/x.tlog.size"));
  CHECK(conflict.body == "2\n");
  CHECK(Http(witness_port, "GET", "/add-checkpoint").status == 405);
  CHECK(Http(witness_port, "GET", "/other").status == 404);

  CHECK(witness->SignalAndWait(SIGTERM) == 0);
  CHECK(server.SignalAndWait(SIGTERM) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE(
    "witness: verify --witness-key needs a cosigned checkpoint covering "
    "the entry",
    "[cli][witness]") {
  const std::string dir = TempDir("cli_witness_verify");
  Keys keys(dir + "/keys");
  REQUIRE(RunProgram("demo --out " + dir + "/demo").exit_code == 0);
  const std::string data = dir + "/demo/ledger";
  const std::string verify = "verify --data " + data + " --regulator-key " + keys.dir +
                             "/shanghai-hrss.pub --log-key " + keys.dir + "/log.pub --in " + dir +
                             "/demo/certificate.qr.txt";
  REQUIRE(RunProgram(verify).exit_code == 0);

  Output o = RunProgram(verify + " --witness-key " + keys.Witness());
  INFO(o.out << o.err);
  CHECK(o.exit_code == 1);
  CHECK_THAT(o.out, Catch::Contains("indeterminate"));
  CHECK_THAT(o.out, Catch::Contains("no checkpoint with 1 witness cosignatures"));
  // The server's verification (and so the page /v) requires them too.
  Process server({"serve", "--data", data, "--regulator-key", keys.dir + "/shanghai-hrss.pub",
                  "--log-key", keys.dir + "/log.key", "--listen", "127.0.0.1:0", "--witness-key",
                  keys.Witness()});
  const std::uint16_t port = server.Port();
  const std::string qr_text = Slurp(dir + "/demo/certificate.qr.txt");
  HttpAnswer served = Http(port, "POST", "/api/v1/verify", "text/plain", qr_text);
  INFO(served.body);
  CHECK(served.status == 200);
  CHECK_THAT(served.body, Catch::Contains("\"verdict\":\"indeterminate\""));
  CHECK_THAT(served.body, Catch::Contains("no checkpoint with 1 witness cosignatures"));

  Process witness({"witness", "--state", dir + "/state", "--key", keys.dir + "/witness.key",
                   "--log-key", keys.dir + "/log.pub", "--listen", "127.0.0.1:0"});
  const std::string url = "http://127.0.0.1:" + std::to_string(witness.Port());
  Output pushed = RunProgram("witness push --data " + data + " --log-key " + keys.dir +
                             "/log.pub --witness " + url + " --witness-key " + keys.Witness());
  INFO(pushed.out << pushed.err);
  REQUIRE(pushed.exit_code == 0);
  o = RunProgram(verify + " --witness-key " + keys.Witness() + " --min-cosignatures 1");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.out, Catch::Contains("valid"));
  // The evidence is the cosigned checkpoint.
  served = Http(port, "POST", "/api/v1/verify", "text/plain", qr_text);
  INFO(served.body);
  CHECK_THAT(served.body, Catch::Contains("\"verdict\":\"valid\""));
  CHECK_THAT(served.body, Catch::Contains("\u2014 witness.example/w1 "));
  CHECK(server.SignalAndWait(SIGTERM) == 0);

  // Bad policies are usage errors.
  CHECK(
      RunProgram(verify + " --witness-key " + keys.Witness() + " --min-cosignatures 2").exit_code ==
      3);
  CHECK(RunProgram(verify + " --min-cosignatures 1").exit_code == 3);
  CHECK(witness.SignalAndWait(SIGTERM) == 0);
  std::filesystem::remove_all(dir);
}

TEST_CASE("witness: help and bad command lines", "[cli][witness]") {
  Output o = RunProgram("--help");
  CHECK_THAT(o.out, Catch::Contains("witness"));
  o = RunProgram("witness --help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.out, Catch::Contains("add-checkpoint"));
  o = RunProgram("witness push --help");
  CHECK(o.exit_code == 0);
  CHECK_THAT(o.out, Catch::Contains("--min-cosignatures"));
  o = RunProgram("witness --state /tmp/x");
  CHECK(o.exit_code == 3);
  CHECK_THAT(o.err, Catch::Contains("--key is required"));
}

}  // namespace certledger::test
