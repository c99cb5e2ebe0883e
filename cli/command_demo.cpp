// `certledger demo`: the whole path on the example keys, as far as it is
// built: the regulator accredits a body, the body signs a certificate, the
// QR code is printed and verified, and forgeries are caught.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "certledger/disclosure.h"
#include "certledger/key_file.h"
#include "certledger/qr_image.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "certledger/verify.h"
#include "cli/cli.h"
#include "cli/example_keys.h"
#include "cli/file_io.h"
#include "cli/report.h"

namespace certledger::cli {
namespace {

constexpr std::uint64_t kDay = 86400;

void Section(const char* title) { std::printf("\n== %s\n", title); }

Result<NamedSecretKey> ExampleKey(const char* signer_key) { return ParseSignerKey(signer_key); }

Accreditation ElectricAccreditation(const PublicKey& key, std::uint64_t now) {
  Accreditation a;
  a.body = "shanghai-electric";
  a.name_zh = "上海电气集团股份有限公司";
  a.name_en = "Shanghai Electric Group Co., Ltd.";
  a.keys.push_back(AccreditedKey{key, now - 30 * kDay, std::nullopt, std::nullopt});
  a.scope.occupations = {"6-18-01-01", "6-29-03-01"};  // 车工, 焊工 (examples)
  a.scope.levels = {Level::kSkill3, Level::kSkill2, Level::kSkill1};
  a.from = now - 30 * kDay;
  a.until = now + 3 * 365 * kDay;
  return a;
}

Certificate LatheCertificate(const Commitments& holder, std::uint64_t now) {
  Certificate c;
  c.number = "Y000131000123" + ChinaDateOf(now).ToString().substr(2, 2) + "1000124";
  c.type = CertificateType::kSkill;
  c.level = Level::kSkill1;
  c.route = Route::kExam;
  c.issued = ChinaDateOf(now);
  c.evaluated = ChinaDateOf(now - 14 * kDay);
  c.holder = holder;
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "--";
  c.project = "SE-2025-07";
  return c;
}

void ShowVerdict(const char* title, const Verification& v) {
  std::printf("\n-- %s\n%s", title, FormatVerification(v).c_str());
}

Result<Verdict> Demo(const std::string& out_dir, const std::string& base_url) {
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  CL_ASSIGN_OR_RETURN(NamedSecretKey regulator, ExampleKey(example_keys::kRegulatorKey));
  CL_ASSIGN_OR_RETURN(NamedSecretKey electric, ExampleKey(example_keys::kElectricKey));
  CL_ASSIGN_OR_RETURN(NamedSecretKey gas, ExampleKey(example_keys::kGasKey));

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create " + out_dir + ": " + ec.message());

  Section("1. The regulator accredits a certifying body");
  Accreditation acc = ElectricAccreditation(electric.key.public_key(), now);
  CL_ASSIGN_OR_RETURN(SignedRecord acc_record, SignRecord(acc, cwt::Claims{regulator.name, now - 30 * kDay, std::nullopt, {}}, regulator.key));
  std::printf("%s (%s) may certify occupations 6-18-01-01 and 6-29-03-01 at levels 3, 2, 1\n",
              acc.name_zh.c_str(), acc.body.c_str());
  std::printf("accreditation record: %zu bytes, signed by %s (kid %s)\n", acc_record.bytes.size(),
              regulator.name.c_str(), HexEncode(acc_record.kid).c_str());
  const std::string acc_path = out_dir + "/accreditations.txt";
  CL_RETURN_IF_ERROR(WriteFileAtomic(acc_path, AsBytes(Base64Encode(acc_record.bytes) + "\n")));

  Section("2. The body signs a certificate after its evaluation round");
  CL_ASSIGN_OR_RETURN(Disclosure name, MakeDisclosure("name", "王建国"));
  CL_ASSIGN_OR_RETURN(Disclosure id, MakeDisclosure("id", "310101199001011234"));
  CL_ASSIGN_OR_RETURN(Commitments holder, CommitmentsOf({name, id}));
  Certificate cert = LatheCertificate(holder, now);
  CL_ASSIGN_OR_RETURN(SignedRecord cert_record, SignRecord(cert, cwt::Claims{electric.name, now, std::nullopt, {}}, electric.key));
  std::printf("certificate %s: %s, %s %s\n", cert.number.c_str(), "车工",
              std::string(LevelNameZh(cert.level)).c_str(),
              std::string(LevelNameEn(cert.level)).c_str());
  std::printf("record: %zu bytes; the holder's name and ID appear only as salted SHA-256 "
              "commitments\n",
              cert_record.bytes.size());

  Section("3. The QR code printed on the certificate");
  QrPayload payload{cert_record.bytes, {name, id}, std::nullopt};
  CL_ASSIGN_OR_RETURN(std::string fragment, EncodeQrPayload(payload));
  std::string url = QrUrl(base_url, fragment);
  CL_ASSIGN_OR_RETURN(QrSymbol symbol, EncodeQr(url, QrErrorCorrection::kM));
  std::fputs(RenderQrText(symbol, isatty(STDOUT_FILENO) != 0).c_str(), stdout);
  std::printf("%s\n", url.c_str());
  CL_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/certificate.qr.txt", AsBytes(url + "\n")));
  CL_ASSIGN_OR_RETURN(Bytes png, RenderQrPng(symbol));
  CL_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/certificate.qr.png", png));
  CL_RETURN_IF_ERROR(WriteFileAtomic(out_dir + "/certificate.qr.svg", AsBytes(RenderQrSvg(symbol))));
  std::printf("QR symbol %dx%d modules (error correction M), %zu characters; written to %s/\n",
              symbol.width(), symbol.width(), url.size(), out_dir.c_str());

  Section("4. An employer scans it (offline verification)");
  OfflineTrust trust{regulator.key.public_key(), {acc_record}};
  Verification genuine = VerifyOffline(url, trust, now);
  ShowVerdict("the printed code", genuine);

  // A forger changes the holder's name in the QR code.
  CL_ASSIGN_OR_RETURN(Disclosure forged_name, MakeDisclosure("name", "李四"));
  QrPayload altered{cert_record.bytes, {forged_name, id}, std::nullopt};
  CL_ASSIGN_OR_RETURN(std::string altered_text, EncodeQrPayload(altered));
  ShowVerdict("the same code with another holder's name",
              VerifyOffline(altered_text, trust, now));

  // A body with no accreditation signs a certificate of its own.
  CL_ASSIGN_OR_RETURN(SignedRecord rogue, SignRecord(cert, cwt::Claims{gas.name, now, std::nullopt, {}}, gas.key));
  QrPayload rogue_payload{rogue.bytes, {name, id}, std::nullopt};
  CL_ASSIGN_OR_RETURN(std::string rogue_payload_text, EncodeQrPayload(rogue_payload));
  ShowVerdict("a certificate signed by a body without accreditation",
              VerifyOffline(rogue_payload_text, trust, now));

  // One byte of the signed record flipped.
  QrPayload flipped = payload;
  flipped.record[flipped.record.size() / 2] ^= 0x01;
  CL_ASSIGN_OR_RETURN(std::string flipped_text, EncodeQrPayload(flipped));
  ShowVerdict("the record with one byte changed",
              VerifyOffline(flipped_text, trust, now));

  ShowVerdict("a truncated QR code", VerifyOffline(url.substr(0, url.size() / 2), trust, now));

  std::printf("\nTo verify it yourself:\n  certledger verify --regulator-key "
              "keys.example/shanghai-hrss.pub --accreditations %s --in %s/certificate.qr.txt\n",
              acc_path.c_str(), out_dir.c_str());
  return genuine.verdict;
}

}  // namespace

int RunDemo(const std::vector<std::string>& argv) {
  Args args("demo",
            "Walk the whole path on the example keys (keys.example/, compiled in): the\n"
            "regulator accredits a certifying body, the body signs a certificate, its QR\n"
            "code is drawn and written as PNG and SVG, and an employer's verification\n"
            "accepts it and catches four kinds of forgery.",
            {{"out", "DIR", "where to write the QR images and records (default certledger-demo)"},
             {"base-url", "URL", "the verifier's public URL (default http://127.0.0.1:8080)"}});
  if (auto rc = ParseOrExit(args, "demo", argv)) return *rc;
  auto verdict = Demo(args.get_or("out", "certledger-demo"),
                      args.get_or("base-url", "http://127.0.0.1:8080"));
  if (!verdict.ok()) return Fail("demo", verdict.status());
  return *verdict == Verdict::kValid ? kExitOk : kExitFailed;
}

}  // namespace certledger::cli
