// The printable certificate (certificate_print.h): pages of real signed
// certificates, rasterised and scanned back with zbar (zbarimg from
// zbar-tools, an implementation independent of ours), and the PDF's
// structure read back: one A4 page (ISO 32000-1 section 14.11.2: MediaBox
// in points, A4 = 210 x 297 mm = 595.28 x 841.89 pt), embedded fonts
// (section 9.9, /FontFile*) and a ToUnicode map (section 9.10.3) that
// holds the holder's name.
#include <sys/stat.h>

#include <catch2/catch.hpp>
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <memory>
#include <string>

#include "certledger/batch.h"
#include "certledger/certificate_print.h"
#include "certledger/numbering.h"
#include "certledger/qr_payload.h"
#include "certledger/zlib.h"
#include "issuer/issuer_test_util.h"

namespace certledger {
namespace {

using issuer_test::KeyFromByte;
using issuer_test::kNow;
using issuer_test::kToday;
using issuer_test::Profile;
using issuer_test::Slurp;
using issuer_test::TempDir;

constexpr char kBaseUrl[] = "https://verify.example.cn";
constexpr char kId[] = "310101199001011234";  // valid GB 11643 (certificate_rules_test.cpp)

struct Signed {
  StoredCertificate stored;
  std::string qr_text;
};

// A certificate signed as the issuer signs one: disclosures with fresh
// salts, commitments, SignRecord with the body's key; checked against the
// issuer's domain rules first.
Signed SignCertificate(Certificate c, const std::string& name) {
  auto name_d = MakeDisclosure("name", name);
  auto id_d = MakeDisclosure("id", kId);
  REQUIRE(name_d.ok());
  REQUIRE(id_d.ok());
  auto holder = CommitmentsOf({*name_d, *id_d});
  REQUIRE(holder.ok());
  c.holder = *holder;
  REQUIRE(CheckCertificate(c, kToday).empty());
  auto record = SignRecord(c, cwt::Claims{"alpha-works", kNow, std::nullopt, {}},
                           KeyFromByte("alpha-works", 3).key);
  REQUIRE(record.ok());
  Signed s;
  s.stored = StoredCertificate{c.number,          record->bytes, {*name_d, *id_d},
                               IdType::kResident, std::nullopt,  kNow};
  auto fragment = EncodeQrPayload(QrPayload{s.stored.record, s.stored.disclosures, std::nullopt});
  REQUIRE(fragment.ok());
  s.qr_text = QrUrl(kBaseUrl, *fragment);
  return s;
}

Signed SkillCertificate(const std::string& name = "张伟") {
  Certificate c;
  c.number = SkillNumber{*Profile().skill, 26, Level::kSkill1, 7}.ToString();
  c.type = CertificateType::kSkill;
  c.level = Level::kSkill1;
  c.route = Route::kExam;
  c.issued = Date{2026, 1, 5};
  c.evaluated = Date{2025, 12, 20};
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "数控车工";
  c.project = "AW-2025-07";
  return SignCertificate(c, name);
}

Signed TitleCertificate() {
  Certificate c;
  c.number = "AWGC-2026-000003";
  c.type = CertificateType::kTitle;
  c.level = Level::kDeputySenior;
  c.route = Route::kOverseas;
  c.foreign = "CIMA";
  c.issued = Date{2026, 1, 5};
  c.evaluated = Date{2025, 12, 15};
  c.expires = Date{2031, 1, 4};
  c.series = "engineering";
  c.specialty = "集成电路";
  c.committee = "阿尔法工程技术职称评审委员会";
  return SignCertificate(c, "欧阳明月");
}

const CertifyingBodyNames kBody{"阿尔法工厂", "Alpha Works"};

PrintableCertificate Page(const Signed& s, IdPrinting printing = IdPrinting::kMasked) {
  auto page = MakePrintableCertificate(s.stored, kBody, kBaseUrl, s.qr_text, printing);
  REQUIRE(page.ok());
  return *page;
}

void WriteBytes(const std::string& path, const Bytes& bytes) {
  std::ofstream out(path, std::ios::binary);
  out.write(reinterpret_cast<const char*>(bytes.data()),
            static_cast<std::streamsize>(bytes.size()));
  REQUIRE(out.good());
}

// What `zbarimg --raw -q FILE` prints.
std::string Zbar(const std::string& path) {
  struct PipeCloser {
    void operator()(FILE* f) const { pclose(f); }
  };
  std::unique_ptr<FILE, PipeCloser> pipe(
      popen(("zbarimg --raw -q '" + path + "' 2>/dev/null").c_str(), "r"));
  REQUIRE(pipe);
  std::string out;
  char buffer[4096];
  for (std::size_t n; (n = std::fread(buffer, 1, sizeof buffer, pipe.get())) > 0;) {
    out.append(buffer, n);
  }
  return out;
}

std::size_t Count(std::string_view haystack, std::string_view needle) {
  std::size_t n = 0;
  for (std::size_t at = haystack.find(needle); at != std::string_view::npos;
       at = haystack.find(needle, at + 1)) {
    ++n;
  }
  return n;
}

// The inflated contents of every /FlateDecode stream of a PDF,
// concatenated (lower-cased, for searching hex).
std::string InflatedStreams(const std::string& pdf) {
  std::string out;
  for (std::size_t at = pdf.find("/FlateDecode"); at != std::string::npos;
       at = pdf.find("/FlateDecode", at + 1)) {
    std::size_t start = pdf.find("stream\n", at);
    if (start == std::string::npos) break;
    start += 7;
    std::size_t end = pdf.find("\nendstream", start);
    if (end == std::string::npos) break;
    auto data = Inflate(AsBytes(std::string_view(pdf).substr(start, end - start)), 1 << 24);
    if (!data.ok()) continue;  // a stream whose length we cut wrongly
    for (char ch : AsChars(*data))
      out += static_cast<char>(std::tolower(static_cast<unsigned char>(ch)));
  }
  return out;
}

// Checks a rendered PDF's structure.
void CheckPdf(const std::string& pdf) {
  REQUIRE(pdf.rfind("%PDF-", 0) == 0);
  CHECK(Count(pdf, "/Type /Page") - Count(pdf, "/Type /Pages") == 1);
  CHECK(pdf.find("/MediaBox [ 0 0 595.28 841.89 ]") != std::string::npos);
  CHECK(pdf.find("/FontFile") != std::string::npos);  // fonts embedded
  CHECK(pdf.find("NotoSerifCJK") != std::string::npos);
  CHECK(pdf.find("NotoSansCJK") != std::string::npos);
}

// The example files left in the build directory.
std::string ExampleDir() {
  std::string dir = std::string(CERTLEDGER_BINARY_DIR) + "/print-example";
  std::filesystem::create_directories(dir);
  return dir;
}

TEST_CASE("print: a skill certificate's page scans back to exactly its QR text", "[print]") {
  Signed s = SkillCertificate();
  PrintableCertificate page = Page(s);
  auto png = RenderCertificatePng(page, kPreviewDpi);
  REQUIRE(png.ok());
  auto pdf = RenderCertificatePdf(page);
  REQUIRE(pdf.ok());
  const std::string base = ExampleDir() + "/" + s.stored.number;
  WriteBytes(base + ".png", *png);
  WriteBytes(base + ".pdf", *pdf);

  // The preview is the page rasterised at 150 dpi: A4 is 1240 x 1754 pixels
  // (PNG IHDR, ISO/IEC 15948 section 11.2.2: width and height big-endian
  // at bytes 16 and 20).
  const Bytes& p = *png;
  REQUIRE(p.size() > 24);
  auto be32 = [&](std::size_t at) {
    return (std::uint32_t{p[at]} << 24) | (std::uint32_t{p[at + 1]} << 16) |
           (std::uint32_t{p[at + 2]} << 8) | p[at + 3];
  };
  CHECK(be32(16) == 1240);
  CHECK(be32(20) == 1754);
  CHECK(Zbar(base + ".png") == s.qr_text + "\n");

  const std::string text(AsChars(*pdf));
  CheckPdf(text);
  // The holder's name is text in the PDF: the ToUnicode maps hold 张 (U+5F20)
  // and 伟 (U+4F1F) as UTF-16BE hex.
  const std::string maps = InflatedStreams(text);
  CHECK(maps.find("begincmap") != std::string::npos);
  CHECK(maps.find("<5f20>") != std::string::npos);
  CHECK(maps.find("<4f1f>") != std::string::npos);
  // Positive control for the search: a character that is on no page.
  CHECK(maps.find("<9f98>") == std::string::npos);  // 龘
}

TEST_CASE("print: a professional title's page renders and scans", "[print]") {
  Signed s = TitleCertificate();
  PrintableCertificate page = Page(s);
  CHECK(page.series_zh == "工程");
  CHECK(page.route_zh == "境外职业资格比照认定（CIMA）");
  CHECK(page.level_zh == "副高级");
  auto png = RenderCertificatePng(page, kPreviewDpi);
  REQUIRE(png.ok());
  auto pdf = RenderCertificatePdf(page);
  REQUIRE(pdf.ok());
  const std::string base = ExampleDir() + "/" + s.stored.number;
  WriteBytes(base + ".png", *png);
  WriteBytes(base + ".pdf", *pdf);
  CHECK(Zbar(base + ".png") == s.qr_text + "\n");
  const std::string text(AsChars(*pdf));
  CheckPdf(text);
  const std::string maps = InflatedStreams(text);
  CHECK(maps.find("<6b27>") != std::string::npos);  // 欧 of 欧阳明月
  CHECK(maps.find("<96c6>") != std::string::npos);  // 集 of 集成电路
}

TEST_CASE("print: the ID number is masked unless printed in full", "[print]") {
  Signed s = SkillCertificate();
  // DESIGN.md, "Holder privacy": the masked form of 3101...1234.
  CHECK(Page(s).id_number == "3101**********1234");
  CHECK(Page(s, IdPrinting::kFull).id_number == kId);
  CHECK(Page(s).id_type_zh == "居民身份证");
  CHECK(Page(s).level_zh == "一级/高级技师");
  CHECK(Page(s).query_url == "https://verify.example.cn/v");
  CHECK(Page(s).body_name_zh == "阿尔法工厂");
  // Without names, the body id stands in.
  auto bare = MakePrintableCertificate(s.stored, {}, kBaseUrl, s.qr_text);
  REQUIRE(bare.ok());
  CHECK(bare->body_name_zh == "alpha-works");
}

TEST_CASE("print: the same certificate gives the same PDF bytes", "[print]") {
  PrintableCertificate page = Page(SkillCertificate());
  auto a = RenderCertificatePdf(page);
  auto b = RenderCertificatePdf(page);
  REQUIRE(a.ok());
  REQUIRE(b.ok());
  CHECK(*a == *b);
  // The issue date in China; cairo 1.16 writes it without the "D:" prefix
  // of ISO 32000-1 section 7.9.4, later versions with it.
  CHECK(std::string(AsChars(*a)).find("20260105000000+08'00") != std::string::npos);
  page.holder_name = "李娜";
  auto c = RenderCertificatePdf(page);
  REQUIRE(c.ok());
  CHECK(*c != *a);
}

TEST_CASE("print: a character no font can draw is refused, naming the field", "[print]") {
  PrintableCertificate page = Page(SkillCertificate());
  // U+10FFFD: a private-use code point that no installed font draws.
  page.holder_name = "张\xf4\x8f\xbf\xbd";
  for (bool pdf : {true, false}) {
    auto r = pdf ? RenderCertificatePdf(page) : RenderCertificatePng(page, 150);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK(r.status().message() ==
          "print: field \"holder_name\" has 1 character that no installed font "
          "can draw (is "
          "fonts-noto-cjk installed?)");
  }
  page = Page(SkillCertificate());
  page.occupation_name = "\xf4\x8f\xbf\xbd\xf4\x8f\xbf\xbc";
  auto r = RenderCertificatePdf(page);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().message().find("field \"occupation\" has 2 characters") != std::string::npos);
}

TEST_CASE("print: bad requests are refused", "[print]") {
  Signed s = SkillCertificate();
  PrintableCertificate page = Page(s);
  CHECK(RenderCertificatePng(page, 35).status().code() == StatusCode::kInvalidArgument);
  CHECK(RenderCertificatePng(page, 601).status().code() == StatusCode::kInvalidArgument);
  page.qr_text.clear();
  CHECK(RenderCertificatePdf(page).status().message() == "print: the QR text is empty");
  // A QR text too long for any QR code (version 40-M holds 2,331 bytes).
  page.qr_text = std::string(3000, 'a');
  CHECK(RenderCertificatePdf(page).status().code() == StatusCode::kResourceExhausted);

  // A disclosure that does not match its commitment.
  StoredCertificate tampered = s.stored;
  tampered.disclosures[0].value = "李娜";
  auto r = MakePrintableCertificate(tampered, kBody, kBaseUrl, s.qr_text);
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kVerificationFailed);
  // A record that is not one.
  tampered = s.stored;
  tampered.record[3] ^= 0xff;
  CHECK_FALSE(MakePrintableCertificate(tampered, kBody, kBaseUrl, s.qr_text).ok());
}

TEST_CASE(
    "print: WriteCertificateFiles writes the PDF and the preview beside "
    "the QR files",
    "[print]") {
  TempDir dir("print_files");
  Signed s = SkillCertificate("王建国");
  CertificateFileOptions files;
  files.body = kBody;
  REQUIRE(WriteCertificateFiles(s.stored, kBaseUrl, dir.path(), files).ok());
  const std::string base = dir.path() + "/" + s.stored.number;
  CHECK(Slurp(base + ".qr.txt") == s.qr_text + "\n");
  CheckPdf(Slurp(base + ".pdf"));
  CHECK(Zbar(base + ".png") == s.qr_text + "\n");
  for (const char* ext : {".pdf", ".png"}) {
    struct stat st {};
    REQUIRE(::stat((base + ext).c_str(), &st) == 0);
    CHECK((st.st_mode & 0777) == 0600);
  }

  TempDir bare("print_files_bare");
  files.printable = false;
  REQUIRE(WriteCertificateFiles(s.stored, kBaseUrl, bare.path(), files).ok());
  CHECK(std::filesystem::exists(bare.path() + "/" + s.stored.number + ".qr.png"));
  CHECK_FALSE(std::filesystem::exists(bare.path() + "/" + s.stored.number + ".pdf"));
  CHECK_FALSE(std::filesystem::exists(bare.path() + "/" + s.stored.number + ".png"));
}

}  // namespace
}  // namespace certledger
