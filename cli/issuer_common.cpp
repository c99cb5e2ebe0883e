#include "cli/issuer_common.h"

#include <unistd.h>

#include <cstdio>
#include <ctime>

namespace certledger::cli {

std::vector<Args::Option> LedgerArgOptions(bool with_regulator_key) {
  std::vector<Args::Option> out = {
      {"ledger", "DIR", "submit to the embedded ledger in DIR (RocksDB; created if missing)"},
      {"log-key", "FILE", "the log's private key file (with --ledger: this process signs "
                          "checkpoints)"},
      {"ledger-url", "URL", "submit to a remote ledger instead (its verifier API, "
                            "POST /api/v1/records)"},
  };
  if (with_regulator_key) {
    out.push_back({"regulator-key", "FILE", "the regulator's public key file (with --ledger or "
                                            "--ledger-url)"});
  }
  return out;
}

Result<NamedSecretKey> ReadSigningKey(const Args& args, std::string_view option) {
  CL_ASSIGN_OR_RETURN(std::string path, args.require(option));
  CL_ASSIGN_OR_RETURN(std::optional<Passphrase> pass, PassphraseFromArgs(args));
  if (pass) return ReadSecretKeyFile(path, *pass);
  return ReadSecretKeyFile(path);
}

Result<NamedPublicKey> ReadRegulatorKey(const Args& args) {
  CL_ASSIGN_OR_RETURN(std::string path, args.require("regulator-key"));
  return ReadPublicKeyFile(path);
}

Result<std::optional<LedgerTarget>> OpenLedgerTarget(const Args& args,
                                                     const NamedPublicKey& regulator) {
  if (auto url = args.get("ledger-url")) {
    if (args.get("ledger")) return Status::InvalidArgument("give --ledger or --ledger-url, not both");
    LedgerTarget target;
    CL_ASSIGN_OR_RETURN(target.remote, RemoteLedger::Connect(*url, regulator));
    target.sink = std::make_unique<RemoteLedgerSink>(*url);
    return std::optional<LedgerTarget>(std::move(target));
  }
  auto dir = args.get("ledger");
  if (!dir) return std::optional<LedgerTarget>();
  CL_ASSIGN_OR_RETURN(std::string log_path, args.require("log-key"));
  // The log key is the operator's: never the issuer's passphrase.
  CL_ASSIGN_OR_RETURN(NamedSecretKey log_key, ReadSecretKeyFile(log_path));
  LedgerOptions options;
  options.path = *dir;
  options.rules = LogRules{regulator, 300};
  CL_ASSIGN_OR_RETURN(std::unique_ptr<Ledger> ledger,
                      Ledger::Open(std::move(options), std::move(log_key)));
  LedgerTarget target;
  target.sink = std::make_unique<EmbeddedLedgerSink>(*ledger, "ledger directory " + *dir);
  target.ledger = std::move(ledger);
  return std::optional<LedgerTarget>(std::move(target));
}

Result<std::optional<Accreditation>> LedgerTarget::AccreditationOf(const std::string& body,
                                                                   std::uint64_t now) {
  if (remote) return remote->LatestAccreditation(body);
  auto logged = ledger->validator().AccreditationAt(body, now);
  if (!logged) return std::optional<Accreditation>();
  return std::optional<Accreditation>(std::move(logged->accreditation));
}

Result<std::function<bool(std::string_view)>> LedgerTarget::NumberLookup() {
  if (remote) {
    RemoteLedger* r = remote.get();
    return std::function<bool(std::string_view)>([r](std::string_view number) {
      auto held = r->HasCertificate(number);
      return held.ok() && *held;
    });
  }
  CL_ASSIGN_OR_RETURN(LedgerSnapshot snapshot, ledger->Snapshot());
  return std::function<bool(std::string_view)>([snapshot](std::string_view number) {
    return snapshot.FindCertificate(number).ok();
  });
}

ProgressBar::ProgressBar() : enabled_(isatty(STDERR_FILENO) != 0) {}

ProgressBar::~ProgressBar() {
  if (open_) std::fputc('\n', stderr);
}

void ProgressBar::Update(std::string_view stage, std::size_t done, std::size_t total) {
  if (!enabled_ || total == 0) return;
  if (stage != stage_) {
    if (open_) std::fputc('\n', stderr);
    stage_ = std::string(stage);
    last_permille_ = -1;
  }
  const int permille = static_cast<int>(done * 1000 / total);
  if (permille == last_permille_) return;
  last_permille_ = permille;
  constexpr int kWidth = 30;
  const int filled = permille * kWidth / 1000;
  std::fprintf(stderr, "\r%-7s [%s%s] %5.1f%% %zu/%zu", stage_.c_str(),
               std::string(static_cast<std::size_t>(filled), '#').c_str(),
               std::string(static_cast<std::size_t>(kWidth - filled), ' ').c_str(),
               permille / 10.0, done, total);
  open_ = done < total;
  if (!open_) std::fputc('\n', stderr);
  std::fflush(stderr);
}

std::uint64_t NowSeconds() { return static_cast<std::uint64_t>(std::time(nullptr)); }

}  // namespace certledger::cli
