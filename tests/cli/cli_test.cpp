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

TEST_CASE("usage errors exit 64 and name the problem", "[cli]") {
  auto none = RunProgram("");
  CHECK(none.exit_code == 64);
  auto unknown = RunProgram("frobnicate");
  CHECK(unknown.exit_code == 64);
  CHECK(unknown.err.find("unknown command \"frobnicate\"") != std::string::npos);
  auto bad_opt = RunProgram("qr --nope");
  CHECK(bad_opt.exit_code == 64);
  CHECK(bad_opt.err.find("unknown option --nope") != std::string::npos);
  auto missing = RunProgram("qr --text");
  CHECK(missing.exit_code == 64);
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

TEST_CASE("demo issues a certificate whose QR code scans and verifies", "[cli][demo]") {
  auto dir = certledger::test::TempDir("cli_demo");
  auto demo = RunProgram("demo --out " + dir);
  REQUIRE(demo.exit_code == 0);
  CHECK(demo.out.find("verdict: valid") != std::string::npos);
  CHECK(demo.out.find("verdict: bad_signature") != std::string::npos);
  CHECK(demo.out.find("verdict: unknown_issuer") != std::string::npos);
  CHECK(demo.out.find("verdict: malformed") != std::string::npos);
  CHECK(demo.out.find("verdict: revoked") != std::string::npos);
  CHECK(demo.out.find("verdict: not_logged") != std::string::npos);
  CHECK(demo.out.find("[number_in_use]") != std::string::npos);
  // RocksDB's diagnostics are warnings and worse only: creating the new
  // ledgers prints nothing of RocksDB's.
  CHECK(demo.err.find("rocksdb") == std::string::npos);
  // The data set: three bodies, a revocation and a correction; the server
  // answers the same verdicts as the library.
  CHECK(demo.out.find("8 certificates in") != std::string::npos);
  CHECK(demo.out.find("4 certificates in") != std::string::npos);
  CHECK(demo.out.find("5 certificates in") != std::string::npos);
  CHECK(demo.out.find("境外职业资格比照认定") != std::string::npos);
  CHECK(demo.out.find("superseded by Y000131000123") != std::string::npos);
  CHECK(demo.out.find("(the printed code): HTTP 200, verdict valid") != std::string::npos);
  CHECK(demo.out.find("(the revoked code): HTTP 200, verdict revoked") != std::string::npos);
  CHECK(demo.out.find("(the forged code): HTTP 200, verdict bad_signature") != std::string::npos);
  // The holder's full ID number is never printed, only its masked form.
  CHECK(demo.out.find("310101199001011234") == std::string::npos);
  CHECK(demo.out.find("3101**********1234") != std::string::npos);

  // The PNG written by the demo holds exactly the QR text it printed.
  std::string qr_text = certledger::test::Slurp(dir + "/certificate.qr.txt");
  REQUIRE(qr_text.rfind("http://127.0.0.1:", 0) == 0);
  REQUIRE(qr_text.find("/v#") != std::string::npos);
  auto z = certledger::test::Shell("zbarimg --raw -q " + dir + "/certificate.qr.png");
  CHECK(z.out == qr_text);
  // So does the page image of its printable certificate, beside its PDF.
  const std::string marker = "the printable certificate is ";
  const std::size_t at = demo.out.find(marker);
  REQUIRE(at != std::string::npos);
  const std::size_t end = demo.out.find(".pdf\n", at);
  REQUIRE(end != std::string::npos);
  const std::string page = demo.out.substr(at + marker.size(), end - at - marker.size());
  CHECK(page.rfind(dir + "/certificates/shanghai-electric/", 0) == 0);
  CHECK(certledger::test::Slurp(page + ".pdf").rfind("%PDF-", 0) == 0);
  auto scanned = certledger::test::Shell("zbarimg --raw -q " + page + ".png");
  CHECK(scanned.out == qr_text);

  // `certledger verify` accepts it offline, with the files the demo wrote.
  std::string trust = "--regulator-key " + std::string(CERTLEDGER_SOURCE_DIR) +
                      "/keys.example/shanghai-hrss.pub --accreditations " + dir +
                      "/accreditations.txt";
  auto ok = RunProgram("verify " + trust + " --in " + dir + "/certificate.qr.txt");
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.rfind("verdict: valid", 0) == 0);

  // Against the ledger the demo wrote: logged, with an inclusion proof.
  std::string keys = std::string(CERTLEDGER_SOURCE_DIR) + "/keys.example/";
  auto logged = RunProgram("verify --data " + dir + "/ledger --regulator-key " + keys +
                           "shanghai-hrss.pub --log-key " + keys + "log.pub --in " + dir +
                           "/certificate.qr.txt");
  CHECK(logged.exit_code == 0);
  CHECK(logged.out.rfind("verdict: valid", 0) == 0);
  CHECK(logged.out.find("inclusion proof of 5 hashes verified") != std::string::npos);
  // The wrong log key: the checkpoint does not verify, so no verdict can be given.
  auto wrong_log = RunProgram("verify --data " + dir + "/ledger --regulator-key " + keys +
                              "shanghai-hrss.pub --log-key " + keys + "shanghai-hrss.pub --in " +
                              dir + "/certificate.qr.txt");
  CHECK(wrong_log.exit_code == 1);
  CHECK(wrong_log.out.rfind("verdict: indeterminate", 0) == 0);

  // Without the accreditation, the issuer is unknown; a cut code is malformed.
  auto no_acc = RunProgram("verify --regulator-key " + std::string(CERTLEDGER_SOURCE_DIR) +
                           "/keys.example/shanghai-hrss.pub --in " + dir + "/certificate.qr.txt");
  CHECK(no_acc.exit_code == 1);
  CHECK(no_acc.out.rfind("verdict: unknown_issuer", 0) == 0);
  auto cut = RunProgram("verify " + trust + " '" + qr_text.substr(0, 100) + "'");
  CHECK(cut.exit_code == 1);
  CHECK(cut.out.rfind("verdict: malformed", 0) == 0);
}

TEST_CASE("keygen writes a 0600 private key and refuses to overwrite it", "[cli][keygen]") {
  auto dir = certledger::test::TempDir("cli_keygen");
  auto r = RunProgram("keygen --name test-body --out " + dir);
  REQUIRE(r.exit_code == 0);
  CHECK(r.out.rfind("test-body+", 0) == 0);
  auto perms = std::filesystem::status(dir + "/test-body.key").permissions();
  CHECK((perms & std::filesystem::perms::all) ==
        (std::filesystem::perms::owner_read | std::filesystem::perms::owner_write));
  CHECK(certledger::test::Slurp(dir + "/test-body.pub") == r.out);
  auto again = RunProgram("keygen --name test-body --out " + dir);
  CHECK(again.exit_code == 3);
  CHECK(again.err.find("AlreadyExists") != std::string::npos);
  auto no_pass = RunProgram("keygen --name other --encrypt --out " + dir);
  CHECK(no_pass.exit_code == 3);
  CHECK(no_pass.err.find("--encrypt needs --passphrase-file") != std::string::npos);
}
