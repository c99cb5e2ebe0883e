// `certledger demo`: the whole path on the example keys, as far as it is
// built: the regulator accredits a body in the ledger, the body signs and
// logs certificates, the QR code is printed and verified against the
// ledger, and forgeries are caught.
#include <unistd.h>

#include <cstdio>
#include <ctime>
#include <filesystem>

#include "certledger/disclosure.h"
#include "certledger/key_file.h"
#include "certledger/ledger.h"
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

// A level-1 lathe operator certificate; `serial` is the body's 6-digit serial.
Certificate LatheCertificate(const Commitments& holder, std::uint64_t now, int serial) {
  char serial_text[8];
  std::snprintf(serial_text, sizeof serial_text, "%06d", serial % 1000000);
  Certificate c;
  c.number = "Y000131000123" + ChinaDateOf(now).ToString().substr(2, 2) + "1" + serial_text;
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

// Submits `record` and prints where it landed.
Result<AppendResult> Append(Ledger& ledger, const SignedRecord& record, const char* what) {
  CL_ASSIGN_OR_RETURN(AppendResult r, ledger.Submit(record.bytes));
  std::printf("%s: logged at index %llu, tree size %llu, durable and covered by a signed "
              "checkpoint\n",
              what, static_cast<unsigned long long>(r.index),
              static_cast<unsigned long long>(r.tree_size));
  return r;
}

Result<Verdict> Demo(const std::string& out_dir, const std::string& base_url) {
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  CL_ASSIGN_OR_RETURN(NamedSecretKey regulator, ExampleKey(example_keys::kRegulatorKey));
  CL_ASSIGN_OR_RETURN(NamedSecretKey log_key, ExampleKey(example_keys::kLogKey));
  CL_ASSIGN_OR_RETURN(NamedSecretKey electric, ExampleKey(example_keys::kElectricKey));
  CL_ASSIGN_OR_RETURN(NamedSecretKey gas, ExampleKey(example_keys::kGasKey));
  const NamedPublicKey log_public = log_key.Public();

  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create " + out_dir + ": " + ec.message());
  // The demo's ledger is its own: made afresh on every run.
  const std::string ledger_dir = out_dir + "/ledger";
  std::filesystem::remove_all(ledger_dir, ec);

  Section("0. The log operator opens an empty ledger");
  LedgerOptions options;
  options.path = ledger_dir;
  options.rules = LogRules{regulator.Public(), 300};
  CL_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger,
                      Ledger::Open(std::move(options), std::move(log_key)));
  std::printf("ledger %s (RocksDB), origin %s\n", ledger_dir.c_str(), log_public.name.c_str());

  Section("1. The regulator accredits a certifying body");
  Accreditation acc = ElectricAccreditation(electric.key.public_key(), now);
  CL_ASSIGN_OR_RETURN(SignedRecord acc_record,
                      SignRecord(acc, cwt::Claims{regulator.name, now - 60, std::nullopt, {}},
                                 regulator.key));
  std::printf("%s (%s) may certify occupations 6-18-01-01 and 6-29-03-01 at levels 3, 2, 1\n",
              acc.name_zh.c_str(), acc.body.c_str());
  CL_RETURN_IF_ERROR(Append(*ledger, acc_record, "accreditation").status());
  const std::string acc_path = out_dir + "/accreditations.txt";
  CL_RETURN_IF_ERROR(WriteFileAtomic(acc_path, AsBytes(Base64Encode(acc_record.bytes) + "\n")));

  Section("2. The body signs certificates after its evaluation round");
  CL_ASSIGN_OR_RETURN(Disclosure name, MakeDisclosure("name", "王建国"));
  CL_ASSIGN_OR_RETURN(Disclosure id, MakeDisclosure("id", "310101199001011234"));
  CL_ASSIGN_OR_RETURN(Commitments holder, CommitmentsOf({name, id}));
  Certificate cert = LatheCertificate(holder, now, 124);
  CL_ASSIGN_OR_RETURN(SignedRecord cert_record,
                      SignRecord(cert, cwt::Claims{electric.name, now, std::nullopt, {}},
                                 electric.key));
  std::printf("certificate %s: 车工, %s / %s; the holder's name and ID appear only as salted "
              "SHA-256 commitments\n",
              cert.number.c_str(), std::string(LevelNameZh(cert.level)).c_str(),
              std::string(LevelNameEn(cert.level)).c_str());
  CL_RETURN_IF_ERROR(Append(*ledger, cert_record, "certificate").status());
  // A second certificate, issued by mistake and then revoked.
  Certificate wrong = LatheCertificate(holder, now, 125);
  CL_ASSIGN_OR_RETURN(SignedRecord wrong_record,
                      SignRecord(wrong, cwt::Claims{electric.name, now, std::nullopt, {}},
                                 electric.key));
  CL_RETURN_IF_ERROR(Append(*ledger, wrong_record, "a second certificate").status());
  Revocation revocation{wrong.number, RevocationReason::kError, now, std::nullopt};
  CL_ASSIGN_OR_RETURN(SignedRecord rev_record,
                      SignRecord(revocation, cwt::Claims{electric.name, now, std::nullopt, {}},
                                 electric.key));
  CL_RETURN_IF_ERROR(Append(*ledger, rev_record, "its revocation").status());
  // The ledger refuses what breaks its rules: the same number again.
  Certificate dup = LatheCertificate(holder, now, 124);
  dup.level = Level::kSkill2;
  CL_ASSIGN_OR_RETURN(SignedRecord dup_record,
                      SignRecord(dup, cwt::Claims{electric.name, now, std::nullopt, {}},
                                 electric.key));
  auto refused = ledger->Submit(dup_record.bytes);
  std::printf("a second certificate numbered %s: %s\n", dup.number.c_str(),
              refused.ok() ? "accepted (unexpected)" : refused.status().ToString().c_str());
  CL_ASSIGN_OR_RETURN(LedgerSnapshot snapshot, ledger->Snapshot());
  std::printf("\nthe log's signed checkpoint now:\n%s", snapshot.checkpoint().c_str());

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

  Section("4. An employer scans it; the verifier checks it against the ledger");
  const PublicKey& reg = regulator.key.public_key();
  const auto scan_time = static_cast<std::uint64_t>(std::time(nullptr));
  Verification genuine = VerifyWithLedger(url, snapshot, reg, log_public, scan_time);
  ShowVerdict("the printed code", genuine);

  QrPayload wrong_payload{wrong_record.bytes, {name, id}, std::nullopt};
  CL_ASSIGN_OR_RETURN(std::string wrong_text, EncodeQrPayload(wrong_payload));
  ShowVerdict("the revoked certificate", VerifyWithLedger(wrong_text, snapshot, reg, log_public, scan_time));

  // A correctly signed certificate that was never submitted to the log.
  Certificate unlogged = LatheCertificate(holder, now, 126);
  CL_ASSIGN_OR_RETURN(SignedRecord unlogged_record,
                      SignRecord(unlogged, cwt::Claims{electric.name, now, std::nullopt, {}},
                                 electric.key));
  CL_ASSIGN_OR_RETURN(std::string unlogged_text,
                      EncodeQrPayload(QrPayload{unlogged_record.bytes, {name, id}, std::nullopt}));
  ShowVerdict("a signed certificate that was never logged",
              VerifyWithLedger(unlogged_text, snapshot, reg, log_public, scan_time));

  // A forger changes the holder's name in the QR code.
  CL_ASSIGN_OR_RETURN(Disclosure forged_name, MakeDisclosure("name", "李四"));
  CL_ASSIGN_OR_RETURN(std::string altered_text,
                      EncodeQrPayload(QrPayload{cert_record.bytes, {forged_name, id}, std::nullopt}));
  ShowVerdict("the same code with another holder's name",
              VerifyWithLedger(altered_text, snapshot, reg, log_public, scan_time));

  // A body with no accreditation signs a certificate of its own.
  CL_ASSIGN_OR_RETURN(SignedRecord rogue,
                      SignRecord(cert, cwt::Claims{gas.name, now, std::nullopt, {}}, gas.key));
  CL_ASSIGN_OR_RETURN(std::string rogue_text,
                      EncodeQrPayload(QrPayload{rogue.bytes, {name, id}, std::nullopt}));
  ShowVerdict("a certificate signed by a body without accreditation",
              VerifyWithLedger(rogue_text, snapshot, reg, log_public, scan_time));

  // One byte of the signed record flipped.
  QrPayload flipped = payload;
  flipped.record[flipped.record.size() / 2] ^= 0x01;
  CL_ASSIGN_OR_RETURN(std::string flipped_text, EncodeQrPayload(flipped));
  ShowVerdict("the record with one byte changed",
              VerifyWithLedger(flipped_text, snapshot, reg, log_public, scan_time));

  ShowVerdict("a truncated QR code",
              VerifyWithLedger(url.substr(0, url.size() / 2), snapshot, reg, log_public, scan_time));

  Section("5. Without the ledger (offline: signature, accreditation, disclosures only)");
  OfflineTrust trust{reg, {acc_record}};
  ShowVerdict("the printed code", VerifyOffline(url, trust, scan_time));

  std::printf("\nTo verify it yourself:\n"
              "  certledger verify --data %s --regulator-key keys.example/shanghai-hrss.pub "
              "--log-key keys.example/log.pub --in %s/certificate.qr.txt\n",
              ledger_dir.c_str(), out_dir.c_str());
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
