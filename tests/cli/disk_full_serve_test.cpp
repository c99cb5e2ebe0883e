// `certledger serve` with its ledger directory on a small tmpfs that fills
// up in the middle of a run (tests/ledger/small_file_system.h; needs root):
// submitters get 503 with a JSON error naming the full disk and a
// Retry-After, nothing unacknowledged appears in the tree, reads go on, and
// once space returns the same server process appends again, at the next
// index. The ledger audits clean at the end. Every wait is bounded.
#include <signal.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <ctime>
#include <filesystem>
#include <string>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/record.h"
#include "cli/cli_test_util.h"
#include "cli/serve_process.h"
#include "ledger/small_file_system.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

bool Has(const std::string &text, const std::string &part) {
  return text.find(part) != std::string::npos;
}

// A skill certificate of the body, signed with its key.
std::string SignedCertificate(const NamedSecretKey &body, int serial, std::uint64_t now) {
  char number[32];
  std::snprintf(number, sizeof number, "D%06d", serial);
  auto record = SignRecord(World::SkillCertificate(number),
                           cwt::Claims{body.name, now - 60, std::nullopt, {}}, body.key);
  REQUIRE(record.ok());
  return ToString(record->bytes);
}

TEST_CASE("serve: the ledger's disk fills up and space returns", "[serve][disk]") {
  SmallFileSystem fs(24);
  if (MountUnavailable(fs)) return;
  const std::string dir = TempDir("serve_disk_full");
  const std::string keys = dir + "/keys";
  CopyExampleKeys(keys, {"shanghai-hrss", "log", "shanghai-electric"});
  const std::string data = fs.path() + "/ledger";

  ServeProcess server({"serve", "--data", data, "--regulator-key", keys + "/shanghai-hrss.pub",
                       "--log-key", keys + "/log.key", "--listen", "127.0.0.1:0", "--threads",
                       "2"});
  const std::uint16_t port = server.Port();

  auto regulator = ReadSecretKeyFile(keys + "/shanghai-hrss.key");
  REQUIRE(regulator.ok());
  auto electric = ReadSecretKeyFile(keys + "/shanghai-electric.key");
  REQUIRE(electric.ok());
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  auto accreditation =
      SignRecord(ExampleBodyAccreditation(electric->key.public_key(), now),
                 cwt::Claims{regulator->name, now - 60, std::nullopt, {}}, regulator->key);
  REQUIRE(accreditation.ok());
  REQUIRE(Http(port, "POST", "/api/v1/records", "application/cose", ToString(accreditation->bytes))
              .status == 201);
  for (int i = 0; i < 20; ++i) {
    const HttpAnswer answer = Http(port, "POST", "/api/v1/records", "application/cose",
                                   SignedCertificate(*electric, i, now));
    INFO(answer.body);
    REQUIRE(answer.status == 201);
  }
  CHECK(Has(Http(port, "GET", "/checkpoint").body, "\n21\n"));

  // The disk fills, leaving 2 KB; RocksDB may still have room in the
  // space it preallocated for its log, so records go in until the first
  // one meets the full disk (bounded: 2000 records are about 3 MB).
  fs.Fill(2048);
  int serial = 20;
  std::uint64_t size = 21;
  std::string refused;
  for (; serial < 2020 && refused.empty(); ++serial) {
    const std::string record = SignedCertificate(*electric, serial, now);
    const HttpAnswer answer = Http(port, "POST", "/api/v1/records", "application/cose", record);
    INFO(answer.head << "\n" << answer.body);
    if (answer.status == 201) {
      CHECK(Has(answer.body, "\"index\":" + std::to_string(size)));
      ++size;
      continue;
    }
    refused = record;
    CHECK(answer.status == 503);
    CHECK(Has(answer.head, "Retry-After: 5"));
    CHECK(Has(answer.body, "\"error\":\"storage_full\""));
    CHECK(Has(answer.body, "No space left on device"));
  }
  REQUIRE_FALSE(refused.empty());
  // Still full: still refused.
  for (int i = 0; i < 5; ++i) {
    const HttpAnswer answer = Http(port, "POST", "/api/v1/records", "application/cose",
                                   SignedCertificate(*electric, serial + i, now));
    INFO(answer.body);
    CHECK(answer.status == 503);
    CHECK(Has(answer.body, "\"error\":\"storage_full\""));
  }
  // Reads go on; the tree is exactly what was acknowledged; health says
  // that writing fails, and why.
  const HttpAnswer health = Http(port, "GET", "/healthz");
  CHECK(health.status == 200);
  CHECK(Has(health.body, "\"writable\":false"));
  CHECK(Has(health.body, "No space left on device"));
  CHECK(Http(port, "GET", "/api/v1/entries/" + std::to_string(size - 1)).status == 200);
  CHECK(Http(port, "GET", "/api/v1/entries/" + std::to_string(size)).status == 404);
  CHECK(Has(Http(port, "GET", "/checkpoint").body, "\n" + std::to_string(size) + "\n"));

  // Space returns: the same process appends the refused record, at the
  // next index, and more after it.
  fs.Unfill();
  const HttpAnswer late = Http(port, "POST", "/api/v1/records", "application/cose", refused);
  INFO(late.body);
  CHECK(late.status == 201);
  CHECK(Has(late.body, "\"index\":" + std::to_string(size)));
  CHECK(Has(Http(port, "GET", "/healthz").body, "\"writable\":true"));
  for (int i = 0; i < 5; ++i) {
    CHECK(Http(port, "POST", "/api/v1/records", "application/cose",
               SignedCertificate(*electric, serial + i, now))
              .status == 201);
  }
  CHECK(Has(Http(port, "GET", "/checkpoint").body, "\n" + std::to_string(size + 6) + "\n"));
  CHECK(server.SignalAndWait(SIGTERM) == 0);

  const Output audit = RunProgram("audit --data " + data + " --regulator-key " + keys +
                                  "/shanghai-hrss.pub --log-key " + keys + "/log.pub");
  INFO(audit.out << audit.err);
  CHECK(audit.exit_code == 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace certledger::test
