#include <cstdio>
#include <ctime>

#include "certledger/cosignature.h"
#include "certledger/key_file.h"
#include "certledger/verify.h"
#include "cli/cli.h"
#include "cli/file_io.h"
#include "cli/report.h"
#include "cli/server_util.h"

namespace certledger::cli {

int RunVerify(const std::vector<std::string>& argv) {
  Args args("verify",
            "Verify a certificate's QR text (the whole URL or the part after '#') and print\n"
            "the verdict. With --data, against a ledger directory (opened read-only, so a\n"
            "running ledger may keep writing it): logged, revoked, inclusion proof. Without\n"
            "it, offline: the regulator's key and the accreditation records (one base64\n"
            "COSE record per line, as `certledger demo` writes them) are all it trusts.\n"
            "Exit code 0 when the verdict is valid, 1 otherwise.",
            {{"regulator-key", "FILE", "the regulator's public key file (verifier key)"},
             {"data", "DIR", "the ledger directory to verify against"},
             {"log-key", "FILE", "the log's public key file (with --data)"},
             {"accreditations", "FILE", "accreditation records, one base64 record per line"},
             {"in", "FILE", "read the QR text from FILE ('-' for standard input)"},
             {"witness-key", "FILE[,FILE]",
              "witness public keys (with --data): unless a checkpoint" + std::string(kHelpIndent) +
                  "they cosigned covers the entry, the verdict is" + std::string(kHelpIndent) +
                  "indeterminate"},
             {"min-cosignatures", "K", "cosignatures required from those witnesses (default 1)"}},
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
  const auto now = static_cast<std::uint64_t>(std::time(nullptr));
  auto witnesses = WitnessPolicyFromArgs(args);
  if (!witnesses.ok()) return Fail("verify", witnesses.status());
  if (witnesses->enabled() && !args.get("data")) {
    return Fail("verify", Status::InvalidArgument("--witness-key needs --data"));
  }
  if (auto data = args.get("data")) {
    auto log_path = args.require("log-key");
    if (!log_path.ok()) return Fail("verify", log_path.status());
    auto log_key = ReadPublicKeyFile(*log_path);
    if (!log_key.ok()) return Fail("verify", log_key.status());
    auto ledger = ReadOnlyLedger::Open(*data);
    if (!ledger.ok()) return Fail("verify", ledger.status());
    auto snapshot = (*ledger)->store().Snapshot();
    if (!snapshot.ok()) return Fail("verify", snapshot.status());
    Verification v = VerifyWithLedger(text, *snapshot, regulator->key, *log_key, now);
    if (witnesses->enabled()) RequireCosignedEvidence(v, *data, *snapshot, *log_key, *witnesses);
    std::fputs(FormatVerification(v).c_str(), stdout);
    return v.verdict == Verdict::kValid ? kExitOk : kExitFailed;
  }
  OfflineTrust trust{regulator->key, {}};
  if (auto acc_path = args.get("accreditations")) {
    auto records = ReadRecordLines(*acc_path);
    if (!records.ok()) return Fail("verify", records.status());
    trust.accreditations = std::move(*records);
  }
  Verification v = VerifyOffline(text, trust, now);
  std::fputs(FormatVerification(v).c_str(), stdout);
  return v.verdict == Verdict::kValid ? kExitOk : kExitFailed;
}

}  // namespace certledger::cli
