// The certledger program end to end: exit codes, help, errors.
#include <catch2/catch.hpp>

#include "cli_test_util.h"

using certledger::test::RunProgram;

TEST_CASE("certledger --version and --help", "[cli]") {
  auto v = RunProgram("--version");
  CHECK(v.exit_code == 0);
  CHECK(v.out.rfind("certledger ", 0) == 0);
  auto h = RunProgram("--help");
  CHECK(h.exit_code == 0);
  CHECK(h.out.find("demo") != std::string::npos);
  CHECK(h.out.find("verify") != std::string::npos);
}

TEST_CASE("every subcommand has --help", "[cli]") {
  for (const char* cmd : {"demo", "keygen", "qr", "verify", "version"}) {
    auto r = RunProgram(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(std::string("usage: certledger ") + cmd, 0) == 0);
  }
}

TEST_CASE("usage errors exit 2 and name the problem", "[cli]") {
  auto none = RunProgram("");
  CHECK(none.exit_code == 2);
  auto unknown = RunProgram("frobnicate");
  CHECK(unknown.exit_code == 2);
  CHECK(unknown.err.find("unknown command \"frobnicate\"") != std::string::npos);
  auto bad_opt = RunProgram("qr --nope");
  CHECK(bad_opt.exit_code == 2);
  CHECK(bad_opt.err.find("unknown option --nope") != std::string::npos);
  auto missing = RunProgram("qr --text");
  CHECK(missing.exit_code == 2);
  CHECK(missing.err.find("--text needs a value") != std::string::npos);
}

TEST_CASE("qr writes a PNG that zbarimg reads back", "[cli]") {
  auto dir = certledger::test::TempDir("cli_qr");
  std::string png = dir + "/code.png";
  auto r = RunProgram("qr --text 'https://v.example/v#abc-_XYZ' --png " + png);
  REQUIRE(r.exit_code == 0);
  auto z = certledger::test::Shell("zbarimg --raw -q " + png);
  CHECK(z.out == "https://v.example/v#abc-_XYZ\n");
}
