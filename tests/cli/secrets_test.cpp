// Secrets hygiene (docs/THREAT_MODEL.md, "Leakage of personal data" and
// "Secrets hygiene"): after the demo, which issues with every example key,
// no private key and no holder's full ID number appears in any output of
// the program, in any file it wrote outside the issuers' private stores
// (the ledger's RocksDB files included), in the verifier's answers or in
// its metrics.
#include <catch2/catch.hpp>

#include <filesystem>
#include <set>
#include <string>
#include <vector>

#include "certledger/bytes.h"
#include "cli/cli_test_util.h"
#include "cli/serve_process.h"

namespace certledger::test {
namespace {

const std::string kSource = CERTLEDGER_SOURCE_DIR;

// The holders' ID numbers of the demo's evaluation results, read from the
// demo's own source so that the list follows it.
std::set<std::string> DemoIdNumbers() {
  const std::string source = Slurp(kSource + "/cli/demo_data.cpp");
  // A CSV field of 17 digits and a check character (digit or X).
  std::set<std::string> out;
  for (std::size_t at = source.find(','); at != std::string::npos; at = source.find(',', at + 1)) {
    if (at + 20 > source.size() || source[at + 19] != ',') continue;
    const std::string field = source.substr(at + 1, 18);
    bool id = true;
    for (std::size_t i = 0; i < 18 && id; ++i) {
      const char c = field[i];
      id = (c >= '0' && c <= '9') || (i == 17 && c == 'X');
    }
    if (id) out.insert(field);
  }
  return out;
}

// Each example private key as the base64 of its seed (the key file's last
// field) and that seed in hex.
std::vector<std::string> PrivateKeyTexts() {
  std::vector<std::string> out;
  for (const auto& entry : std::filesystem::directory_iterator(kSource + "/keys.example")) {
    if (entry.path().extension() != ".key") continue;
    std::string text = Slurp(entry.path().string());
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
    const std::string b64 = text.substr(text.rfind('+') + 1);
    out.push_back(b64);
    auto raw = Base64Decode(b64);
    REQUIRE(raw.ok());
    // The seed follows a one-byte algorithm tag (C2SP signed-note keys).
    out.push_back(HexEncode(ByteView(*raw).subspan(1)));
  }
  return out;
}

// The first secret that `text` holds, or "".
std::string FindSecret(const std::string& text, const std::set<std::string>& ids,
                       const std::vector<std::string>& keys) {
  for (const std::string& id : ids) {
    if (text.find(id) != std::string::npos) return "ID number " + id;
  }
  for (const std::string& key : keys) {
    if (text.find(key) != std::string::npos) return "private key " + key.substr(0, 6) + "...";
  }
  return "";
}

TEST_CASE("secrets: no private key or ID number in outputs, ledger files, answers or metrics",
          "[cli][secrets]") {
  const std::set<std::string> ids = DemoIdNumbers();
  REQUIRE(ids.size() >= 10);
  const std::vector<std::string> keys = PrivateKeyTexts();
  REQUIRE(keys.size() >= 8);

  const std::string dir = TempDir("cli_secrets");
  const Output demo = RunProgram("demo --out " + dir + "/demo");
  REQUIRE(demo.exit_code == 0);
  CHECK(FindSecret(demo.out, ids, keys) == "");
  CHECK(FindSecret(demo.err, ids, keys) == "");

  // Every file the demo wrote, but the issuers' private stores, which hold
  // the disclosures for reprinting by design.
  int files = 0;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir + "/demo")) {
    if (!entry.is_regular_file()) continue;
    const std::string path = entry.path().string();
    if (path.find("/demo/stores/") != std::string::npos) continue;
    ++files;
    INFO(path);
    CHECK(FindSecret(Slurp(path), ids, keys) == "");
  }
  CHECK(files > 50);
  // The private store does hold them: the search would have found them.
  bool in_store = false;
  for (const auto& entry : std::filesystem::recursive_directory_iterator(dir + "/demo/stores")) {
    if (entry.is_regular_file() && FindSecret(Slurp(entry.path().string()), ids, {}) != "") {
      in_store = true;
    }
  }
  CHECK(in_store);

  // The verifier: a verification, a bad request, the metrics.
  const std::string example_keys = kSource + "/keys.example";
  ServeProcess server({"serve", "--read-only", "--data", dir + "/demo/ledger", "--regulator-key",
                       example_keys + "/shanghai-hrss.pub", "--log-key",
                       example_keys + "/log.pub", "--listen", "127.0.0.1:0"});
  const std::uint16_t port = server.Port();
  const HttpAnswer verified = Http(port, "POST", "/api/v1/verify", "text/plain",
                                   Slurp(dir + "/demo/certificate.qr.txt"));
  CHECK(verified.status == 200);
  CHECK_THAT(verified.body, Catch::Contains("\"verdict\":\"valid\""));
  CHECK(FindSecret(verified.body, ids, keys) == "");
  const HttpAnswer bad =
      Http(port, "POST", "/api/v1/verify", "text/plain", "310101199001011234");
  CHECK(FindSecret(bad.body, ids, keys) == "");
  const HttpAnswer metrics = Http(port, "GET", "/metrics");
  CHECK(metrics.status == 200);
  CHECK(FindSecret(metrics.body, ids, keys) == "");
  const Output verify = RunProgram("verify --data " + dir + "/demo/ledger --regulator-key " +
                                   example_keys + "/shanghai-hrss.pub --log-key " + example_keys +
                                   "/log.pub --in " + dir + "/demo/certificate.qr.txt");
  CHECK(verify.exit_code == 0);
  CHECK(FindSecret(verify.out + verify.err, ids, keys) == "");
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace certledger::test
