#include <unistd.h>

#include <cstdio>

#include "certledger/file_util.h"
#include "certledger/qr_image.h"
#include "cli/cli.h"
#include "cli/file_io.h"

namespace certledger::cli {
namespace {

Result<QrErrorCorrection> ParseLevel(const std::string& s) {
  if (s == "M") return QrErrorCorrection::kM;
  if (s == "Q") return QrErrorCorrection::kQ;
  if (s == "H") return QrErrorCorrection::kH;
  return Status::InvalidArgument("--ec must be M, Q or H (got \"" + s + "\")");
}

}  // namespace

int RunQr(const std::vector<std::string>& argv) {
  Args args("qr",
            "Render QR text (a certificate's URL) as a QR code: drawn in the terminal,\n"
            "or written as PNG or SVG.",
            {{"text", "TEXT", "the text to encode"},
             {"in", "FILE", "read the text from FILE ('-' for standard input)"},
             {"png", "FILE", "write a PNG image"},
             {"svg", "FILE", "write an SVG image"},
             {"ec", "M|Q|H", "error correction level (default M)"}});
  if (auto rc = ParseOrExit(args, "qr", argv)) return *rc;

  std::string text;
  if (auto t = args.get("text")) {
    text = *t;
  } else if (auto in = args.get("in")) {
    auto r = ReadFile(*in, 1 << 16);
    if (!r.ok()) return Fail("qr", r.status());
    text = *r;
    while (!text.empty() && (text.back() == '\n' || text.back() == '\r')) text.pop_back();
  } else {
    return Fail("qr", Status::InvalidArgument("give --text or --in"));
  }
  auto level = ParseLevel(args.get_or("ec", "M"));
  if (!level.ok()) return Fail("qr", level.status());
  auto symbol = EncodeQr(text, *level);
  if (!symbol.ok()) return Fail("qr", symbol.status());

  bool wrote = false;
  if (auto png_path = args.get("png")) {
    auto png = RenderQrPng(*symbol);
    if (!png.ok()) return Fail("qr", png.status());
    if (Status s = WriteFileDurably(*png_path, *png, 0644); !s.ok()) return Fail("qr", s);
    wrote = true;
  }
  if (auto svg_path = args.get("svg")) {
    std::string svg = RenderQrSvg(*symbol);
    if (Status s = WriteFileDurably(*svg_path, AsBytes(svg), 0644); !s.ok()) return Fail("qr", s);
    wrote = true;
  }
  if (!wrote) std::fputs(RenderQrText(*symbol, isatty(STDOUT_FILENO) != 0).c_str(), stdout);
  return kExitOk;
}

}  // namespace certledger::cli
