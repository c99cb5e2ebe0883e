// GET /v (the verification page) and POST /api/v1/scan (a photo's QR code
// to text), through the request handler as a pure function, over a real
// temporary ledger. The headless browser test (tests/browser) renders the
// page itself.
#include <openssl/evp.h>
#include <zlib.h>

#include <catch2/catch.hpp>

#include <cctype>
#include <cstdio>
#include <cstdlib>
#include <map>
#include <memory>

#include "certledger/png.h"
#include "certledger/qr_image.h"
#include "verifier/api_test_world.h"
#include "verifier/json_test_util.h"

// jpeglib.h needs <cstdio> (FILE, size_t) before it.
#include <jpeglib.h>

namespace certledger {
namespace {

using test::ApiWorld;
using test::Json;
using test::ParseJson;

HttpResponse Get(ApiWorld &w, const std::string &method, const std::string &target) {
  return HandleRequest(HttpRequest{method, target, "", ""}, w.context);
}

HttpResponse Scan(ApiWorld &w, const std::string &content_type, const std::string &body) {
  return HandleRequest(HttpRequest{"POST", "/api/v1/scan", content_type, body}, w.context);
}
HttpResponse Scan(ApiWorld &w, const std::string &content_type, const Bytes &body) {
  return Scan(w, content_type, ToString(body));
}

// Checks a JSON error answer: status, "error" code, words in the reason.
void CheckError(const HttpResponse &r, int status, const std::string &code,
                const std::string &words) {
  INFO(r.body);
  CHECK(r.status == status);
  REQUIRE(r.content_type == "application/json");
  const Json j = ParseJson(r.body);
  CHECK(j["error"].str() == code);
  CHECK_THAT(j["reason"].str(), Catch::Contains(words));
}

// ------------------------------------------------------------ page helpers

// CSP Level 3, "hash-source": 'sha256-' + base64 (RFC 4648 section 4, with
// padding) of SHA-256 of the element's text as UTF-8. Computed with
// OpenSSL's EVP_Digest and EVP_EncodeBlock, apart from certledger's own
// SHA-256 and base64.
std::string CspHash(std::string_view text) {
  unsigned char digest[EVP_MAX_MD_SIZE];
  unsigned int length = 0;
  REQUIRE(EVP_Digest(text.data(), text.size(), digest, &length, EVP_sha256(), nullptr) == 1);
  unsigned char b64[64] = {};
  const int n = EVP_EncodeBlock(b64, digest, static_cast<int>(length));
  return "'sha256-" + std::string(reinterpret_cast<char *>(b64), static_cast<std::size_t>(n)) + "'";
}

// The text between `open` and `close`, which must each occur once.
std::string OnlyBetween(const std::string &html, const std::string &open,
                        const std::string &close) {
  const std::size_t a = html.find(open);
  REQUIRE(a != std::string::npos);
  REQUIRE(html.find(open, a + 1) == std::string::npos);
  const std::size_t b = html.find(close, a);
  REQUIRE(b != std::string::npos);
  REQUIRE(html.find(close, b + 1) == std::string::npos);
  return html.substr(a + open.size(), b - a - open.size());
}

// "a b; c d" -> {"a": "b", "c": "d"} (CSP section 2.2.1: directives split
// on ';', name up to the first space).
std::map<std::string, std::string> Directives(std::string_view policy) {
  std::map<std::string, std::string> out;
  while (!policy.empty()) {
    const std::size_t semi = policy.find(';');
    std::string_view d = policy.substr(0, semi);
    policy = semi == std::string_view::npos ? "" : policy.substr(semi + 1);
    while (!d.empty() && d.front() == ' ') d.remove_prefix(1);
    while (!d.empty() && d.back() == ' ') d.remove_suffix(1);
    if (d.empty()) continue;
    const std::size_t space = d.find(' ');
    const std::string name(d.substr(0, space));
    REQUIRE(out.count(name) == 0);
    out[name] = space == std::string_view::npos ? "" : std::string(d.substr(space + 1));
  }
  return out;
}

std::string Lower(std::string s) {
  for (char &c : s) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return s;
}

// ------------------------------------------------------------ image helpers

// The grey pixels of `symbol`, `scale` pixels per module, 4-module quiet
// zone (the same picture RenderQrPng draws, made here without it).
struct Pixels {
  std::uint32_t side = 0;
  Bytes grey;
};
Pixels QrPixels(const QrSymbol &symbol, int scale) {
  Pixels p;
  const int modules = symbol.width() + 8;
  p.side = static_cast<std::uint32_t>(modules * scale);
  p.grey.assign(static_cast<std::size_t>(p.side) * p.side, 255);
  for (std::uint32_t y = 0; y < p.side; ++y) {
    for (std::uint32_t x = 0; x < p.side; ++x) {
      const int mx = static_cast<int>(x) / scale - 4;
      const int my = static_cast<int>(y) / scale - 4;
      if (mx >= 0 && my >= 0 && mx < symbol.width() && my < symbol.width() && symbol.dark(mx, my)) {
        p.grey[static_cast<std::size_t>(y) * p.side + x] = 0;
      }
    }
  }
  return p;
}

// A baseline JPEG of grey pixels, written with libjpeg's compressor
// (libjpeg.txt, "Compression details"), quality 90.
Bytes EncodeJpeg(const Pixels &p) {
  jpeg_compress_struct cinfo;
  jpeg_error_mgr errors;
  cinfo.err = jpeg_std_error(&errors);  // error_exit exits: fine for a test's valid input
  jpeg_create_compress(&cinfo);
  unsigned char *buffer = nullptr;
  unsigned long size = 0;
  jpeg_mem_dest(&cinfo, &buffer, &size);
  cinfo.image_width = p.side;
  cinfo.image_height = p.side;
  cinfo.input_components = 1;
  cinfo.in_color_space = JCS_GRAYSCALE;
  jpeg_set_defaults(&cinfo);
  jpeg_set_quality(&cinfo, 90, TRUE);
  jpeg_start_compress(&cinfo, TRUE);
  while (cinfo.next_scanline < cinfo.image_height) {
    JSAMPROW row = const_cast<JSAMPROW>(p.grey.data()) +
                   static_cast<std::size_t>(cinfo.next_scanline) * p.side;
    jpeg_write_scanlines(&cinfo, &row, 1);
  }
  jpeg_finish_compress(&cinfo);
  jpeg_destroy_compress(&cinfo);
  std::unique_ptr<unsigned char, decltype(&std::free)> owned(buffer, &std::free);
  return Bytes(buffer, buffer + size);
}

void PutBigEndian32(Bytes &out, std::uint32_t v) {
  for (int shift = 24; shift >= 0; shift -= 8) out.push_back(static_cast<std::uint8_t>(v >> shift));
}

// A PNG chunk (ISO/IEC 15948 section 5.3): length, type, data, CRC-32 of
// type and data (zlib's crc32).
void PutChunk(Bytes &out, const std::string &type, const Bytes &data) {
  PutBigEndian32(out, static_cast<std::uint32_t>(data.size()));
  Bytes typed(type.begin(), type.end());
  typed.insert(typed.end(), data.begin(), data.end());
  out.insert(out.end(), typed.begin(), typed.end());
  PutBigEndian32(
      out, static_cast<std::uint32_t>(::crc32(0, typed.data(), static_cast<uInt>(typed.size()))));
}

// A PNG whose header claims width x height 8-bit grey pixels (section
// 11.2.2 IHDR), followed by a tiny IDAT and IEND: the data is far too
// short, but the header alone must already be refused.
Bytes PngClaiming(std::uint32_t width, std::uint32_t height) {
  Bytes png = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
  Bytes ihdr;
  PutBigEndian32(ihdr, width);
  PutBigEndian32(ihdr, height);
  ihdr.insert(ihdr.end(), {8, 0, 0, 0, 0});  // depth 8, grey, deflate, filter 0, no interlace
  PutChunk(png, "IHDR", ihdr);
  PutChunk(png, "IDAT", {0x78, 0x9C, 0x03, 0x00, 0x00, 0x00, 0x00, 0x01});
  PutChunk(png, "IEND", {});
  return png;
}

// A JPEG header (ITU-T T.81 B.2.2, SOF0) claiming width x height grey
// pixels, then an SOS: no tables, no data; the header must be refused.
Bytes JpegClaiming(std::uint16_t width, std::uint16_t height) {
  return {0xFF,
          0xD8,  // SOI
          0xFF,
          0xC0,
          0x00,
          0x0B,
          0x08,  // SOF0, length 11, precision 8
          static_cast<std::uint8_t>(height >> 8),
          static_cast<std::uint8_t>(height),
          static_cast<std::uint8_t>(width >> 8),
          static_cast<std::uint8_t>(width),
          0x01,
          0x01,
          0x11,
          0x00,  // 1 component: id 1, 1x1, table 0
          0xFF,
          0xDA,
          0x00,
          0x08,
          0x01,
          0x01,
          0x00,  // SOS, 1 component, tables 0/0
          0x00,
          0x3F,
          0x00,  // Ss 0, Se 63, Ah/Al 0
          0xFF,
          0xD9};  // EOI
}

// The certificate's QR URL as our own renderer draws it.
struct QrFixture {
  std::string url;
  Pixels pixels;
  Bytes png;
};
QrFixture MakeQr(const ApiWorld &w) {
  QrFixture f;
  f.url = w.Qr(w.valid);
  auto symbol = EncodeQr(f.url);
  REQUIRE(symbol.ok());
  auto png = RenderQrPng(*symbol, 4);
  REQUIRE(png.ok());
  f.png = *png;
  f.pixels = QrPixels(*symbol, 4);
  return f;
}

// ------------------------------------------------------------ the page

TEST_CASE("page: the CSP hash of a known script", "[page]") {
  // Mozilla's CSP test page dom/security/test/csp/file_hash_source.html
  // (searchfox.org, firefox-main) allows this script by the hash below.
  CHECK(CspHash("document.getElementById(\"inline-script-valid-hash\")."
                "innerHTML = \"allowed\";") ==
        "'sha256-siVR8vAcqP06h2ppeNwqgjr0yZ6yned4X2VF84j4GmI='");
}

TEST_CASE("page: GET /v is one HTML page under a strict Content-Security-Policy", "[page]") {
  ApiWorld w;
  const HttpResponse r = Get(w, "GET", "/v");
  REQUIRE(r.status == 200);
  CHECK(r.route == "/v");
  CHECK(r.content_type == "text/html; charset=utf-8");
  CHECK(r.body.rfind("<!DOCTYPE html>", 0) == 0);
  CHECK_THAT(r.body, Catch::Contains("<meta charset=\"utf-8\">"));
  CHECK(r.Header("X-Content-Type-Options") == "nosniff");
  CHECK(r.Header("Referrer-Policy") == "no-referrer");
  // The same page for every certificate: cacheable, not for ever.
  CHECK_THAT(std::string(r.Header("Cache-Control")), Catch::StartsWith("public, max-age="));

  const std::string policy(r.Header("Content-Security-Policy"));
  INFO(policy);
  const auto d = Directives(policy);
  CHECK(d.at("default-src") == "'none'");
  // Exactly the one inline script and the one inline style, by hash.
  CHECK(d.at("script-src") == CspHash(OnlyBetween(r.body, "<script>", "</script>")));
  CHECK(d.at("style-src") == CspHash(OnlyBetween(r.body, "<style>", "</style>")));
  CHECK(d.at("connect-src") == "'self'");
  CHECK(d.at("base-uri") == "'none'");
  CHECK(d.at("form-action") == "'none'");
  CHECK(d.at("frame-ancestors") == "'none'");
  for (const auto &[name, value] : d) {
    INFO(name);
    CHECK(value.find("unsafe") == std::string::npos);
    CHECK(value.find('*') == std::string::npos);
    CHECK(value.find(':') == std::string::npos);  // no scheme or host source
  }
  // No element that the policy would block or that loads anything.
  CHECK(r.body.find("<script ") == std::string::npos);
  CHECK(r.body.find("<style ") == std::string::npos);
  CHECK(r.body.find("style=\"") == std::string::npos);

  // HEAD answers the same; other methods are refused.
  const HttpResponse head = Get(w, "HEAD", "/v");
  CHECK(head.status == 200);
  CHECK(head.Header("Content-Security-Policy") == policy);
  const HttpResponse post = Get(w, "POST", "/v");
  CHECK(post.status == 405);
  CHECK(post.Header("Allow") == "GET, HEAD");
}

TEST_CASE("page: loads nothing from another origin", "[page]") {
  ApiWorld w;
  const std::string body = Lower(Get(w, "GET", "/v").body);
  // No absolute URL at all (the page talks to its own origin by path only),
  // no protocol-relative URL, no external stylesheet, font, image or script.
  CHECK(body.find("http://") == std::string::npos);
  CHECK(body.find("https://") == std::string::npos);
  CHECK(body.find("\"//") == std::string::npos);
  CHECK(body.find("'//") == std::string::npos);
  CHECK(body.find("<link") == std::string::npos);
  CHECK(body.find("<img") == std::string::npos);
  CHECK(body.find("<iframe") == std::string::npos);
  const std::string style = OnlyBetween(body, "<style>", "</style>");
  CHECK(style.find("@import") == std::string::npos);
  CHECK(style.find("@font-face") == std::string::npos);
  CHECK(style.find("url(") == std::string::npos);
  CHECK(body.find(" src=") == std::string::npos);
  // It fetches only the API, by absolute path.
  CHECK_THAT(body, Catch::Contains("fetchwithtimeout(\"/api/v1/verify\""));
  CHECK_THAT(body, Catch::Contains("fetchwithtimeout(\"/api/v1/scan\""));
}

TEST_CASE("page: names every verdict in Chinese and English", "[page]") {
  ApiWorld w;
  const std::string body = Get(w, "GET", "/v").body;
  // DESIGN.md, "Verifier API": the verdicts, each a key of the page's table
  // with its big Chinese and English labels.
  const std::vector<std::pair<std::string, std::string>> verdicts = {
      {"valid", "有效"},
      {"revoked", "已撤销"},
      {"not_logged", "未登记"},
      {"bad_signature", "签名无效"},
      {"unknown_issuer", "未知发证机构"},
      {"out_of_scope", "超出授权范围"},
      {"key_revoked", "签名密钥已撤销"},
      {"expired", "已过期"},
      {"malformed", "无法识别"},
      {"indeterminate", "暂无法确定"}};
  for (const auto &[name, zh] : verdicts) {
    INFO(name);
    REQUIRE(ParseVerdict(name).has_value());
    const std::size_t at = body.find("\n    " + name + ":");
    REQUIRE(at != std::string::npos);
    const std::string line = body.substr(at, body.find('\n', at + 1) - at);
    CHECK_THAT(line, Catch::Contains("zh: \"" + zh + "\""));
    CHECK_THAT(line, Catch::Contains("en: \""));
    // And a colour.
    CHECK_THAT(body, Catch::Contains("[data-verdict=\"" + name + "\"]"));
  }
  // The camera button starts hidden (shown only where BarcodeDetector
  // reads QR codes); the photo input takes the camera too.
  CHECK_THAT(body, Catch::Contains("id=\"camera-button\" hidden"));
  CHECK_THAT(body, Catch::Contains("accept=\"image/*\" capture"));
}

// ------------------------------------------------------------ the scanner

TEST_CASE("scan: a PNG of a certificate's QR code gives back its URL", "[scan]") {
  ApiWorld w;
  const QrFixture qr = MakeQr(w);
  const HttpResponse r = Scan(w, "image/png", qr.png);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(r.route == "/api/v1/scan");
  CHECK(r.Header("Cache-Control") == "no-store");
  const Json j = ParseJson(r.body);
  CHECK(j["text"].str() == qr.url);
  CHECK(j.size() == 1);

  // The text verifies as the page would send it.
  const HttpResponse v = HandleRequest(
      HttpRequest{"POST", "/api/v1/verify", "text/plain", j["text"].str()}, w.context);
  CHECK(ParseJson(v.body)["verdict"].str() == "valid");

  // The magic bytes decide, not the Content-Type.
  CHECK(ParseJson(Scan(w, "application/octet-stream", qr.png).body)["text"].str() == qr.url);
  CHECK(ParseJson(Scan(w, "image/jpeg", qr.png).body)["text"].str() == qr.url);
}

TEST_CASE("scan: a JPEG of a certificate's QR code gives back its URL", "[scan]") {
  ApiWorld w;
  const QrFixture qr = MakeQr(w);
  const Bytes jpeg = EncodeJpeg(qr.pixels);
  REQUIRE(jpeg.size() > 100);
  const HttpResponse r = Scan(w, "image/jpeg", jpeg);
  INFO(r.body);
  REQUIRE(r.status == 200);
  CHECK(ParseJson(r.body)["text"].str() == qr.url);
}

TEST_CASE("scan: a picture without a QR code", "[scan]") {
  ApiWorld w;
  // White, then stripes.
  Bytes white(300 * 200, 255);
  auto png = EncodeGreyPng(300, 200, white);
  REQUIRE(png.ok());
  CheckError(Scan(w, "image/png", *png), 400, "no_qr_code", "no QR code found");
  Bytes stripes(300 * 200);
  for (std::size_t i = 0; i < stripes.size(); ++i) stripes[i] = (i / 7) % 2 == 0 ? 0 : 255;
  png = EncodeGreyPng(300, 200, stripes);
  REQUIRE(png.ok());
  CheckError(Scan(w, "image/png", *png), 400, "no_qr_code", "no QR code found");
  CheckError(Scan(w, "image/jpeg", EncodeJpeg(Pixels{200, Bytes(200 * 200, 128)})), 400,
             "no_qr_code", "no QR code found");
}

TEST_CASE("scan: broken and hostile images are refused", "[scan]") {
  ApiWorld w;
  const QrFixture qr = MakeQr(w);

  // Truncated: the PNG's second half is missing, the JPEG's last third.
  const Bytes half_png(qr.png.begin(), qr.png.begin() + static_cast<long>(qr.png.size() / 2));
  CheckError(Scan(w, "image/png", half_png), 400, "corrupt_image", "corrupt PNG image");
  const Bytes jpeg = EncodeJpeg(qr.pixels);
  const Bytes cut_jpeg(jpeg.begin(), jpeg.begin() + static_cast<long>(jpeg.size() * 2 / 3));
  CheckError(Scan(w, "image/jpeg", cut_jpeg), 400, "corrupt_image", "corrupt JPEG image");
  // Only the signature.
  CheckError(Scan(w, "image/png", Bytes{0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'}), 400,
             "corrupt_image", "corrupt PNG image");
  CheckError(Scan(w, "image/jpeg", Bytes{0xFF, 0xD8, 0xFF}), 400, "corrupt_image",
             "corrupt JPEG image");
  // A flipped bit inside the PNG's IHDR breaks its CRC.
  Bytes bad_crc = qr.png;
  bad_crc[20] ^= 0x01;
  CheckError(Scan(w, "image/png", bad_crc), 400, "corrupt_image", "corrupt PNG image");

  // Not an image at all, whatever the Content-Type says.
  CheckError(Scan(w, "image/png", std::string("GIF89a garbage that is no PNG")), 400,
             "not_an_image", "not a PNG or JPEG image");
  CheckError(Scan(w, "image/jpeg", std::string(5000, '\x42')), 400, "not_an_image",
             "not a PNG or JPEG image");

  // Decompression bombs: headers claiming 10^10 and 4.3 * 10^9 pixels are
  // refused from the header, before any pixel is decoded (libjpeg itself
  // stops at 65,500 pixels a side).
  CheckError(Scan(w, "image/png", PngClaiming(100000, 100000)), 413, "image_too_large",
             "100000x100000 pixels");
  CheckError(Scan(w, "image/png", PngClaiming(40000, 1001)), 413, "image_too_large",
             "40000x1001 pixels");
  CheckError(Scan(w, "image/jpeg", JpegClaiming(65000, 65000)), 413, "image_too_large",
             "65000x65000 pixels");
  CheckError(Scan(w, "image/png", PngClaiming(0, 10)), 400, "corrupt_image", "corrupt PNG");

  // The request itself.
  CheckError(Scan(w, "text/plain", qr.png), 415, "unsupported_media_type", "got \"text/plain\"");
  CheckError(Scan(w, "", qr.png), 415, "unsupported_media_type", "no Content-Type");
  CheckError(Scan(w, "image/png", std::string()), 400, "empty_body", "empty");
  const HttpResponse get = Get(w, "GET", "/api/v1/scan");
  CHECK(get.status == 405);
  CHECK(get.Header("Allow") == "POST");
}

}  // namespace
}  // namespace certledger
