// certledger accredit, issue, revoke and reprint end to end, on the
// example files of docs/examples/ and the example keys.
#include <catch2/catch.hpp>

#include <sys/stat.h>

#include <filesystem>
#include <fstream>

#include "cli_test_util.h"

using certledger::test::RunProgram;
using certledger::test::Shell;
using certledger::test::Slurp;

namespace {

const std::string kSource = CERTLEDGER_SOURCE_DIR;

// The holders' ID numbers in docs/examples/evaluation-results.csv.
const char* const kIds[] = {"310101199001011234", "310115198506120042", "310104199203052818",
                            "310228197811200076", "31010719870930452X", "C01X00T47"};

struct Setup {
  std::string dir = certledger::test::TempDir("cli_issue");
  std::string keys = dir + "/keys";
  std::string ledger_args;
  std::string issue_args;

  Setup() {
    certledger::test::CopyExampleKeys(keys, {"shanghai-hrss", "log", "shanghai-electric"});
    ledger_args = " --ledger " + dir + "/ledger --log-key " + keys + "/log.key";
    issue_args = " --profile " + kSource + "/docs/examples/issuer.profile --key " + keys +
                 "/shanghai-electric.key --store " + dir + "/store --out " + dir + "/out" +
                 ledger_args + " --regulator-key " + keys + "/shanghai-hrss.pub ";
  }

  std::string Verify(const std::string& number) const {
    return "verify --data " + dir + "/ledger --regulator-key " + keys +
           "/shanghai-hrss.pub --log-key " + keys + "/log.pub --in " + dir + "/out/" + number +
           ".qr.txt";
  }
};

void CheckNoIdNumber(const certledger::test::Output& o) {
  for (const char* id : kIds) {
    INFO(id);
    CHECK(o.out.find(id) == std::string::npos);
    CHECK(o.err.find(id) == std::string::npos);
  }
}

}  // namespace

TEST_CASE("issue cli: the new commands have --help", "[cli][issue]") {
  for (const char* cmd : {"accredit", "issue", "revoke", "reprint"}) {
    auto r = RunProgram(std::string(cmd) + " --help");
    INFO(cmd);
    CHECK(r.exit_code == 0);
    CHECK(r.out.rfind(std::string("usage: certledger ") + cmd, 0) == 0);
  }
  auto h = RunProgram("accredit --help");
  CHECK(h.out.find("--rotate-key") != std::string::npos);
  CHECK(h.out.find("revoked=") != std::string::npos);
  auto i = RunProgram("issue --help");
  CHECK(i.out.find("supersedes") != std::string::npos);
}

TEST_CASE("issue cli: accredit, issue, verify, re-run, revoke, reprint", "[cli][issue]") {
  Setup s;
  const std::string csv = kSource + "/docs/examples/evaluation-results.csv";

  auto acc = RunProgram("accredit --key " + s.keys + "/shanghai-hrss.key --in " + kSource +
                        "/docs/examples/accreditation.conf --records " + s.dir + "/acc.txt" +
                        s.ledger_args);
  INFO(acc.err);
  REQUIRE(acc.exit_code == 0);
  CHECK(acc.out.find("shanghai-electric: accredited") != std::string::npos);

  auto issued = RunProgram("issue" + s.issue_args + csv);
  INFO(issued.err);
  REQUIRE(issued.exit_code == 0);
  CHECK(issued.out.find("6 certificates issued, 0 issued before") != std::string::npos);
  CheckNoIdNumber(issued);
  const std::string manifest = Slurp(s.dir + "/out/issued.csv");
  CHECK(manifest.find("2,Y000131000123251000001,issued,1,") != std::string::npos);
  CHECK(manifest.find("5,SEGC-2025-000001,issued,4,") != std::string::npos);
  for (const char* id : kIds) CHECK(manifest.find(id) == std::string::npos);

  // The PNG holds exactly the QR text, and it verifies against the ledger.
  const std::string number = "Y000131000123251000001";
  auto z = Shell("zbarimg --raw -q " + s.dir + "/out/" + number + ".qr.png");
  CHECK(z.out == Slurp(s.dir + "/out/" + number + ".qr.txt"));
  auto ok = RunProgram(s.Verify(number));
  CHECK(ok.exit_code == 0);
  CHECK(ok.out.rfind("verdict: valid", 0) == 0);
  CHECK(ok.out.find("3101**********1234") != std::string::npos);
  CheckNoIdNumber(ok);
  auto title = RunProgram(s.Verify("SEGC-2025-000002"));
  CHECK(title.exit_code == 0);
  CHECK(title.out.find("境外职业资格比照认定") != std::string::npos);

  // The same file again issues nothing.
  auto again = RunProgram("issue" + s.issue_args + csv);
  CHECK(again.exit_code == 0);
  CHECK(again.out.find("0 certificates issued, 6 issued before (unchanged)") != std::string::npos);

  // Revoked: the verifier says so.
  auto revoke = RunProgram("revoke --key " + s.keys + "/shanghai-electric.key --store " + s.dir +
                           "/store --number " + number + " --reason error" + s.ledger_args +
                           " --regulator-key " + s.keys + "/shanghai-hrss.pub");
  INFO(revoke.err);
  CHECK(revoke.exit_code == 0);
  auto revoked = RunProgram(s.Verify(number));
  CHECK(revoked.exit_code == 1);
  CHECK(revoked.out.rfind("verdict: revoked", 0) == 0);

  // A lost certificate is reprinted with the same QR code.
  auto reprint = RunProgram("reprint --store " + s.dir + "/store --number SEGC-2025-000001 --out " +
                            s.dir + "/reprint --profile " + kSource +
                            "/docs/examples/issuer.profile");
  CHECK(reprint.exit_code == 0);
  CHECK(Slurp(s.dir + "/reprint/SEGC-2025-000001.qr.txt") ==
        Slurp(s.dir + "/out/SEGC-2025-000001.qr.txt"));

  // Withdrawn: nothing more can be issued.
  auto withdraw = RunProgram("accredit --key " + s.keys +
                             "/shanghai-hrss.key --body shanghai-electric --withdraw" +
                             s.ledger_args);
  CHECK(withdraw.exit_code == 0);
  CHECK(withdraw.out.find("accreditation withdrawn") != std::string::npos);
  auto refused = RunProgram("issue --dry-run" + s.issue_args + csv);
  CHECK(refused.exit_code == 3);
  CHECK(refused.err.find("the accreditation of \"shanghai-electric\" was withdrawn") !=
        std::string::npos);
}

TEST_CASE("issue cli: a bad file lists every bad row and issues nothing", "[cli][issue]") {
  Setup s;
  REQUIRE(RunProgram("accredit --key " + s.keys + "/shanghai-hrss.key --in " + kSource +
                     "/docs/examples/accreditation.conf" + s.ledger_args)
              .exit_code == 0);
  const std::string csv = s.dir + "/bad.csv";
  std::ofstream(csv) << "type,name,id_number,level,route,occupation,occupation_name,project,"
                        "evaluated\n"
                        "skill,王建国,310101199001011234,1,exam,6-18-01-01,车工,P,2025-11-20\n"
                        "skill,李秀英,310115198506120043,九级,exam,6-18-01-01,车工,P,2025-11-20\n"
                        "skill,张伟,310104199203052818,1,exam,6-18-1-01,车工,P,2099-01-01\n";
  auto r = RunProgram("issue" + s.issue_args + csv);
  CHECK(r.exit_code == 3);
  CHECK(r.err.find("bad.csv: line 3, column 3 (id_number): the ID number fails its GB 11643 "
                   "check digit") != std::string::npos);
  CHECK(r.err.find("bad.csv: line 3, column 4 (level): unknown skill level \"九级\"") !=
        std::string::npos);
  CHECK(r.err.find("bad.csv: line 4, column 6 (occupation): malformed occupation code") !=
        std::string::npos);
  CHECK(r.err.find("bad.csv: line 4, column 9 (evaluated): the evaluation date 2099-01-01 is in "
                   "the future") != std::string::npos);
  CHECK(r.err.find("4 problems in " + csv + "; nothing was issued") != std::string::npos);
  CHECK(r.err.find("310115198506120043") == std::string::npos);
  CHECK(!std::filesystem::exists(s.dir + "/out"));
}
