#include <cstdio>
#include <ctime>

#include "certledger/key_file.h"
#include "certledger/verify.h"
#include "cli/cli.h"
#include "cli/file_io.h"
#include "cli/report.h"

namespace certledger::cli {

int RunVerify(const std::vector<std::string>& argv) {
  Args args("verify",
            "Verify a certificate's QR text (the whole URL or the part after '#') and print\n"
            "the verdict. Offline: the regulator's key and the accreditation records\n"
            "(one base64 COSE record per line, as `certledger demo` writes them) are all\n"
            "it trusts. Exit code 0 when the verdict is valid, 1 otherwise.",
            {{"regulator-key", "FILE", "the regulator's public key file (verifier key)"},
             {"accreditations", "FILE", "accreditation records, one base64 record per line"},
             {"in", "FILE", "read the QR text from FILE ('-' for standard input)"}},
            "[QR_TEXT]");
  if (auto rc = ParseOrExit(args, "verify", argv)) return *rc;
  std::string text;
  if (!args.positional().empty()) {
    text = args.positional()[0];
  } else if (auto in = args.get("in")) {
    auto r = ReadFile(*in, kMaxQrTextSize);
    if (!r.ok()) return Fail("verify", r.status());
    text = *r;
  } else {
    return Fail("verify", Status::InvalidArgument("give the QR text or --in FILE"));
  }
  auto reg_path = args.require("regulator-key");
  if (!reg_path.ok()) return Fail("verify", reg_path.status());
  auto regulator = ReadPublicKeyFile(*reg_path);
  if (!regulator.ok()) return Fail("verify", regulator.status());
  OfflineTrust trust{regulator->key, {}};
  if (auto acc_path = args.get("accreditations")) {
    auto records = ReadRecordLines(*acc_path);
    if (!records.ok()) return Fail("verify", records.status());
    trust.accreditations = std::move(*records);
  }
  Verification v = VerifyOffline(text, trust, static_cast<std::uint64_t>(std::time(nullptr)));
  std::fputs(FormatVerification(v).c_str(), stdout);
  return v.verdict == Verdict::kValid ? kExitOk : kExitFailed;
}

}  // namespace certledger::cli
