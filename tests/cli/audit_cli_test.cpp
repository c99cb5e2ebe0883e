// `certledger audit` end to end: the demo's ledger audits clean; a byte
// changed at rest exits 1 and is named; errors and usage have their exit
// codes (cli/cli.h).
#include <catch2/catch.hpp>

#include "cli_test_util.h"
#include "ledger/raw_db.h"

using certledger::test::RunProgram;

namespace {

// The example keys the demo's ledger uses (keys.example/README.md).
std::string KeyArgs(const std::string& log_key = "log.pub") {
  const std::string keys = std::string(CERTLEDGER_SOURCE_DIR) + "/keys.example/";
  return " --regulator-key " + keys + "shanghai-hrss.pub --log-key " + keys + log_key;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

}  // namespace

TEST_CASE("audit: the demo's ledger is clean; a changed byte exits 1", "[cli][audit]") {
  const std::string dir = certledger::test::TempDir("cli_audit");
  REQUIRE(RunProgram("demo --out " + dir).exit_code == 0);
  const std::string data = dir + "/ledger";

  auto clean = RunProgram("audit --data " + data + KeyArgs());
  INFO(clean.out << clean.err);
  CHECK(clean.exit_code == 0);
  CHECK(Contains(clean.out, "findings: 0\n"));
  CHECK(Contains(clean.out, "audit: OK\n"));
  CHECK(clean.err.empty());  // progress only on a terminal

  auto json = RunProgram("audit --json --data " + data + KeyArgs());
  CHECK(json.exit_code == 0);
  CHECK(json.out.rfind("{\"ok\":true,", 0) == 0);
  CHECK(Contains(json.out, "\"findings\":[]"));

  auto other_log = RunProgram("audit --data " + data + KeyArgs("shanghai-electric.pub"));
  CHECK(other_log.exit_code == 1);
  CHECK(Contains(other_log.out, "checkpoint_bad_signature: "));

  {
    certledger::test::RawDb db(data);
    const std::string key = certledger::test::EntryRow(1);
    db.Flip(key, db.Get(key).size() - 1);
  }
  auto changed = RunProgram("audit --data " + data + KeyArgs());
  INFO(changed.out << changed.err);
  CHECK(changed.exit_code == 1);
  CHECK(Contains(changed.out, "findings: 1\n"));
  CHECK(Contains(changed.out, "entry_corrupt: entry 1 changed at rest"));
  CHECK(Contains(changed.out, "audit: FAILED\n"));
  auto changed_json = RunProgram("audit --json --data " + data + KeyArgs());
  CHECK(changed_json.exit_code == 1);
  CHECK(changed_json.out.rfind("{\"ok\":false,", 0) == 0);
  CHECK(
      Contains(changed_json.out, "\"code\":\"entry_corrupt\",\"subject\":\"entry 1\",\"index\":1"));
}

TEST_CASE("audit: errors and usage exit codes", "[cli][audit]") {
  const std::string dir = certledger::test::TempDir("cli_audit_errors");
  auto help = RunProgram("audit --help");
  CHECK(help.exit_code == 0);
  CHECK(help.out.rfind("usage: certledger audit", 0) == 0);
  CHECK(Contains(help.out, "Exit codes: 0 the audit found nothing; 1 it found something"));

  auto no_data = RunProgram("audit" + KeyArgs());
  CHECK(no_data.exit_code == 64);
  CHECK(Contains(no_data.err, "--data is required"));
  auto bad_threads = RunProgram("audit --threads 0 --data " + dir + KeyArgs());
  CHECK(bad_threads.exit_code == 64);

  auto missing = RunProgram("audit --data " + dir + "/nothing" + KeyArgs());
  CHECK(missing.exit_code == 3);
  CHECK(Contains(missing.err, "no ledger store at " + dir + "/nothing"));

  auto no_key = RunProgram("audit --data " + dir + " --regulator-key " + dir +
                           "/none.pub --log-key " + dir + "/none.pub");
  CHECK(no_key.exit_code == 3);
}
