// The verification page in a real browser: `certledger serve` on loopback
// with a ledger holding a valid, a revoked and (outside the ledger) a
// forged certificate, and Debian's headless Chromium opening
// /v#<payload> for each. The rendered DOM must show the right verdict, which
// also proves that the page's Content-Security-Policy lets its own inline
// script and style run. Screenshots at a phone's size are kept in
// <build>/artifacts/page-<verdict>.png. Skipped (with a warning) where
// /usr/bin/chromium is absent. Every wait is bounded.
#include <signal.h>
#include <unistd.h>
#include <zlib.h>

#include <array>
#include <catch2/catch.hpp>

#include <chrono>
#include <cstdlib>
#include <ctime>
#include <filesystem>
#include <thread>

#include "certledger/key_file.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "browser/chromium_util.h"
#include "cli/cli_test_util.h"
#include "cli/serve_process.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

using namespace std::chrono_literals;

// POSTs a record; the HTTP status.
int PostRecord(std::uint16_t port, const Bytes &record) {
  return Http(port, "POST", "/api/v1/records", "application/cose", ToString(record)).status;
}

// The ledger's records, signed now with the example keys.
struct Fixture {
  Bytes accreditation, valid, revoked, revocation, forged;
  std::vector<Disclosure> disclosures;
};

Fixture MakeFixture(const std::string &keys) {
  auto regulator = ReadSecretKeyFile(keys + "/shanghai-hrss.key");
  REQUIRE(regulator.ok());
  auto body = ReadSecretKeyFile(keys + "/shanghai-electric.key");
  REQUIRE(body.ok());
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  Fixture f;
  auto signed_a = SignRecord(ExampleBodyAccreditation(body->key.public_key(), now),
                             cwt::Claims{regulator->name, now - 60, std::nullopt, {}},
                             regulator->key);
  REQUIRE(signed_a.ok());
  f.accreditation = signed_a->bytes;

  auto sign = [&](const RecordBody &record) {
    auto r = SignRecord(record, cwt::Claims{body->name, now - 30, std::nullopt, {}}, body->key);
    REQUIRE(r.ok());
    return r->bytes;
  };
  // World::SkillCertificate commits to these two disclosures.
  f.disclosures = {*MakeDisclosureWithSalt(Bytes(16, 7), "name", "王建国"),
                   *MakeDisclosureWithSalt(Bytes(16, 8), "id", "310101199001011234")};
  f.valid = sign(World::SkillCertificate("SE-2026-0001"));
  f.revoked = sign(World::SkillCertificate("SE-2026-0002"));
  f.revocation = sign(Revocation{"SE-2026-0002", RevocationReason::kError, now - 30, std::nullopt});
  // A forgery: the valid record with one byte of its signature changed.
  f.forged = f.valid;
  f.forged.back() ^= 0x01;
  return f;
}

std::string Fragment(const Bytes &record, const std::vector<Disclosure> &disclosures) {
  auto fragment = EncodeQrPayload(QrPayload{record, disclosures, std::nullopt});
  REQUIRE(fragment.ok());
  return *fragment;
}

// Chromium with time for the page's script to fetch the verdict.
std::string Chromium(const std::string &profile, const std::string &what, const std::string &url) {
  return ChromiumCommand(profile, "--virtual-time-budget=5000 " + what, url);
}

// A screenshot, decoded just enough to look at its pixels: 8-bit RGB or
// RGBA, not interlaced (ISO/IEC 15948: chunks 5.3, IHDR 11.2.2, the IDAT
// stream is zlib, scanline filters 9.2, Paeth 9.4).
struct Screenshot {
  std::uint32_t width = 0, height = 0, channels = 0;
  std::vector<std::uint8_t> pixels;  // unfiltered rows

  std::array<int, 3> Rgb(std::uint32_t x, std::uint32_t y) const {
    const std::size_t at = (static_cast<std::size_t>(y) * width + x) * channels;
    return {pixels[at], pixels[at + 1], pixels[at + 2]};
  }
};

Screenshot DecodeScreenshot(const std::string &png) {
  REQUIRE(png.size() > 33);
  REQUIRE(png.compare(0, 8, "\x89PNG\r\n\x1a\n") == 0);
  REQUIRE(png.compare(12, 4, "IHDR") == 0);
  Screenshot s;
  s.width = BigEndian32(png, 16);
  s.height = BigEndian32(png, 20);
  const int depth = static_cast<unsigned char>(png[24]);
  const int colour = static_cast<unsigned char>(png[25]);
  REQUIRE(depth == 8);
  REQUIRE((colour == 2 || colour == 6));
  REQUIRE(png[28] == 0);  // not interlaced
  s.channels = colour == 6 ? 4 : 3;
  std::string idat;
  for (std::size_t at = 8; at + 12 <= png.size();) {
    const std::uint32_t length = BigEndian32(png, at);
    REQUIRE(at + 12 + length <= png.size());
    if (png.compare(at + 4, 4, "IDAT") == 0) idat.append(png, at + 8, length);
    at += 12 + length;
  }
  const std::size_t stride = static_cast<std::size_t>(s.width) * s.channels;
  std::vector<std::uint8_t> raw((stride + 1) * s.height);
  uLongf raw_size = raw.size();
  REQUIRE(::uncompress(raw.data(), &raw_size, reinterpret_cast<const Bytef *>(idat.data()),
                       idat.size()) == Z_OK);
  REQUIRE(raw_size == raw.size());
  s.pixels.assign(stride * s.height, 0);
  for (std::size_t y = 0; y < s.height; ++y) {
    const std::uint8_t filter = raw[y * (stride + 1)];
    const std::uint8_t *in = &raw[y * (stride + 1) + 1];
    std::uint8_t *out = &s.pixels[y * stride];
    const std::uint8_t *up = y > 0 ? &s.pixels[(y - 1) * stride] : nullptr;
    for (std::size_t i = 0; i < stride; ++i) {
      const int a = i >= s.channels ? out[i - s.channels] : 0;
      const int b = up ? up[i] : 0;
      const int c = up && i >= s.channels ? up[i - s.channels] : 0;
      int predictor = 0;
      switch (filter) {
        case 0:
          predictor = 0;
          break;
        case 1:
          predictor = a;
          break;
        case 2:
          predictor = b;
          break;
        case 3:
          predictor = (a + b) / 2;
          break;
        case 4: {
          const int p = a + b - c, pa = std::abs(p - a), pb = std::abs(p - b), pc = std::abs(p - c);
          predictor = pa <= pb && pa <= pc ? a : pb <= pc ? b : c;
          break;
        }
        default:
          FAIL("PNG filter type " << int(filter));
      }
      out[i] = static_cast<std::uint8_t>(in[i] + predictor);
    }
  }
  return s;
}

// The start tag of the element whose attributes contain `attribute`
// (e.g. id="verdict") in serialized DOM; "" if there is none.
std::string StartTag(const std::string &dom, const std::string &attribute) {
  const std::size_t at = dom.find(" " + attribute);
  if (at == std::string::npos) return "";
  const std::size_t open = dom.rfind('<', at);
  const std::size_t close = dom.find('>', at);
  if (open == std::string::npos || close == std::string::npos) return "";
  return dom.substr(open, close + 1 - open);
}

bool Shown(const std::string &dom, const std::string &id) {
  const std::string tag = StartTag(dom, "id=\"" + id + "\"");
  return !tag.empty() && tag.find(" hidden") == std::string::npos;
}

TEST_CASE(
    "chromium: the page shows the verdict of a valid, a revoked and a "
    "forged certificate",
    "[browser]") {
  if (::access(kChromium, X_OK) != 0) {
    WARN("skipped: " << kChromium << " is not installed");
    return;
  }
  const std::string dir = TempDir("browser");
  const std::string keys = dir + "/keys";
  CopyExampleKeys(keys, {"shanghai-hrss", "log", "shanghai-electric"});
  ServeProcess server({"serve", "--data", dir + "/ledger", "--regulator-key",
                       keys + "/shanghai-hrss.pub", "--log-key", keys + "/log.key", "--listen",
                       "127.0.0.1:0", "--threads", "2"});
  const std::uint16_t port = server.Port();

  const Fixture f = MakeFixture(keys);
  auto log_key = ReadPublicKeyFile(keys + "/log.pub");
  REQUIRE(log_key.ok());
  const std::string log_origin = log_key->name;
  CHECK(PostRecord(port, f.accreditation) == 201);
  CHECK(PostRecord(port, f.valid) == 201);
  CHECK(PostRecord(port, f.revoked) == 201);
  CHECK(PostRecord(port, f.revocation) == 201);

  const std::string base = "http://127.0.0.1:" + std::to_string(port) + "/v";
  const std::string artifacts = std::string(CERTLEDGER_BINARY_DIR) + "/artifacts";
  std::filesystem::create_directories(artifacts);

  struct Case {
    std::string verdict;
    std::string zh;             // the big Chinese label
    std::array<int, 3> colour;  // of the verdict box, as the page's style sets it
    Bytes record;
    bool holder_shown;
  };
  const std::vector<Case> cases = {
      {"valid", "有效", {0x1b, 0x7f, 0x3b}, f.valid, true},
      {"revoked", "已撤销", {0xb3, 0x26, 0x1e}, f.revoked, true},
      {"bad_signature", "签名无效", {0xb3, 0x26, 0x1e}, f.forged, false},
  };
  for (const Case &c : cases) {
    INFO(c.verdict);
    {
      const std::string url = base + "#" + Fragment(c.record, f.disclosures);
      const Output dom = Shell(Chromium(dir + "/profile-" + c.verdict, "--dump-dom", url));
      INFO(dom.err.substr(0, 2000));
      INFO(dom.out.substr(0, 4000));
      REQUIRE(dom.exit_code == 0);
      // (The DOM holds the page's style and script too, so the checks look
      // at elements, not at bare words.)
      CHECK(StartTag(dom.out, "data-state=") == "<body data-state=\"done\">");
      CHECK(Shown(dom.out, "verdict"));
      CHECK_THAT(StartTag(dom.out, "id=\"verdict\""),
                 Catch::Contains("data-verdict=\"" + c.verdict + "\""));
      CHECK_THAT(dom.out, Catch::Contains("id=\"verdict-zh\">" + c.zh + "</div>"));
      // The holder as the API gives it: name, and the ID masked.
      CHECK((dom.out.find("王建国") != std::string::npos) == c.holder_shown);
      CHECK(dom.out.find("310101199001011234") == std::string::npos);
      CHECK(Shown(dom.out, "holder") == c.holder_shown);
      CHECK(Shown(dom.out, "revocation") == (c.verdict == "revoked"));
      CHECK(Shown(dom.out, "foreign") == false);
      // A forgery's fields are shown only as what the code claims.
      CHECK(Shown(dom.out, "unverified") == (c.verdict == "bad_signature"));
      CHECK(Shown(dom.out, "issuer-unverified") == (c.verdict == "bad_signature"));
      // The evidence, folded below, with the checkpoint it was proved against.
      CHECK(Shown(dom.out, "evidence") == c.holder_shown);
      if (c.holder_shown) {
        CHECK_THAT(dom.out, Catch::Contains("<pre class=\"mono\">" + log_origin + "\n"));
        CHECK(StartTag(dom.out, "id=\"evidence\"").find(" open") == std::string::npos);
      }

      const std::string shot = artifacts + "/page-" + c.verdict + ".png";
      std::filesystem::remove(shot);
      const Output png = Shell(Chromium(dir + "/profile-" + c.verdict,
                                        "--window-size=412,915 --screenshot=" + shot, url));
      INFO(png.err.substr(0, 2000));
      CHECK(png.exit_code == 0);
      REQUIRE(std::filesystem::exists(shot));
      const std::string image = Slurp(shot);
      CHECK(image.size() > 10000);  // a rendered page, not a blank one
      const Screenshot screen = DecodeScreenshot(image);
      CHECK(screen.width == 412);
      CHECK(screen.height == 915);
      // The verdict box's colour near its top left corner (below the page
      // title, beside the centred text): the inline style was allowed to apply.
      CHECK(screen.Rgb(30, 95) == c.colour);
      CHECK(screen.Rgb(200, 5) != c.colour);
    }
  }

  {  // No fragment: the explanation and the controls.
    const Output dom = Shell(Chromium(dir + "/profile-intro", "--dump-dom", base));
    INFO(dom.out.substr(0, 4000));
    REQUIRE(dom.exit_code == 0);
    CHECK(StartTag(dom.out, "data-state=") == "<body data-state=\"intro\">");
    CHECK(Shown(dom.out, "intro"));
    CHECK(Shown(dom.out, "scan"));
    CHECK_FALSE(Shown(dom.out, "verdict"));
    // Headless Chromium on Linux has no BarcodeDetector: no camera button.
    CHECK_FALSE(Shown(dom.out, "camera-button"));
  }

  CHECK(server.SignalAndWait(SIGTERM) == 0);
  std::filesystem::remove_all(dir);
}

}  // namespace
}  // namespace certledger::test
