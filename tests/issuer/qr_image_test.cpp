// QR symbols rendered by certledger and decoded by a real reader (zbarimg).
#include <catch2/catch.hpp>

#include <algorithm>
#include <array>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "certledger/png.h"
#include "certledger/qr_image.h"

using namespace certledger;

namespace {

// Runs a shell command and returns its standard output.
std::string Capture(const std::string& command) {
  std::unique_ptr<FILE, decltype(&pclose)> pipe(popen(command.c_str(), "r"), &pclose);
  REQUIRE(pipe);
  std::string out;
  std::array<char, 4096> buf;
  while (std::size_t n = std::fread(buf.data(), 1, buf.size(), pipe.get())) out.append(buf.data(), n);
  return out;
}

std::filesystem::path WriteTemp(const std::string& name, ByteView data) {
  auto path = std::filesystem::temp_directory_path() / name;
  std::ofstream(path, std::ios::binary)
      .write(reinterpret_cast<const char*>(data.data()), static_cast<std::streamsize>(data.size()));
  return path;
}

}  // namespace

TEST_CASE("a rendered QR PNG decodes back to the same text with zbarimg", "[qr_image]") {
  // A realistic certificate URL: mixed-case base64url needs byte mode.
  const std::string text =
      "https://verify.example.cn/v#eJxrYGBgYmRiZGBkYmBkYmRkYmBkYmRiZGBkYmBkYmRkYmBkYmRiZGBkYmBk"
      "YmRkYmBkYmRiZGBkYmBkYmRkYmBkYmRiZGBkYmBkYmRkYmBkYmRiZGBkYmBkYmRkYmBkYmRiZGBkYmBkYmRk-_";
  auto symbol = EncodeQr(text, QrErrorCorrection::kM);
  REQUIRE(symbol.ok());
  auto png = RenderQrPng(*symbol, 4);
  REQUIRE(png.ok());
  auto path = WriteTemp("certledger_qr_test.png", *png);
  std::string decoded = Capture("zbarimg --raw -q " + path.string());
  std::filesystem::remove(path);
  CHECK(decoded == text + "\n");
}

TEST_CASE("QR PNGs are bilevel and scan at every scale", "[qr_image]") {
  const std::string text = "https://verify.example.cn/v#eJzLSM3JyVcozy_KSQEAGgQEXQ";
  auto symbol = EncodeQr(text, QrErrorCorrection::kM);
  REQUIRE(symbol.ok());
  for (int scale : {1, 3, 8}) {
    INFO("scale " << scale);
    auto png = RenderQrPng(*symbol, scale);
    REQUIRE(png.ok());
    // IHDR (ISO/IEC 15948 11.2.2): width and height at bytes 16..23, then
    // bit depth 1 and colour type 0 (greyscale).
    const std::uint32_t side = static_cast<std::uint32_t>((symbol->width() + 8) * scale);
    REQUIRE(png->size() > 26);
    CHECK(static_cast<std::uint32_t>((*png)[16] << 24 | (*png)[17] << 16 | (*png)[18] << 8 | (*png)[19]) == side);
    CHECK((*png)[24] == 1);
    CHECK((*png)[25] == 0);
    // Widths that are not a multiple of 8 leave padding bits in each row.
    auto path = WriteTemp("certledger_qr_scale.png", *png);
    std::string decoded = Capture("zbarimg --raw -q " + path.string());
    std::filesystem::remove(path);
    // zbar needs a few pixels per module; at scale 1 it may not find the code.
    if (scale > 1) CHECK(decoded == text + "\n");
  }
  CHECK(EncodeBilevelPng(9, 2, Bytes(3, 0xFF)).status().code() == StatusCode::kInvalidArgument);
  CHECK(EncodeBilevelPng(9, 2, Bytes(4, 0xFF)).ok());
  CHECK(EncodeBilevelPng(0, 2, Bytes()).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("QR encoding refuses empty and oversized text", "[qr_image]") {
  CHECK(EncodeQr("").status().code() == StatusCode::kInvalidArgument);
  auto too_big = EncodeQr(std::string(4000, 'x'), QrErrorCorrection::kH);
  CHECK(too_big.status().code() == StatusCode::kResourceExhausted);
}

TEST_CASE("higher error correction needs a larger symbol", "[qr_image]") {
  const std::string text(200, 'a');
  auto m = EncodeQr(text, QrErrorCorrection::kM);
  auto h = EncodeQr(text, QrErrorCorrection::kH);
  REQUIRE(m.ok());
  REQUIRE(h.ok());
  CHECK(h->width() > m->width());
}

TEST_CASE("terminal and SVG renderings cover every module", "[qr_image]") {
  auto symbol = EncodeQr("certledger");
  REQUIRE(symbol.ok());
  const int n = symbol->width() + 8;  // 4-module quiet zone on each side
  std::string text = RenderQrText(*symbol, false);
  CHECK(std::count(text.begin(), text.end(), '\n') == (n + 1) / 2);
  // The finder pattern's top row: 7 dark modules after the quiet zone.
  std::string svg = RenderQrSvg(*symbol);
  CHECK(svg.find("viewBox=\"0 0 " + std::to_string(n) + " " + std::to_string(n) + "\"") !=
        std::string::npos);
  CHECK(svg.find("M4,4h7v1h-7z") != std::string::npos);
}
