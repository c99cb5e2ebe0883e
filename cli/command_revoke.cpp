// `certledger revoke`: revoke a certificate, or mark it superseded; and
// `certledger reprint`: write a stored certificate's QR files and printable
// certificate again.
#include <cstdio>
#include <filesystem>

#include "certledger/batch.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "certledger/revoke.h"
#include "cli/cli.h"
#include "cli/file_io.h"
#include "cli/issuer_common.h"

namespace certledger::cli {
namespace {

constexpr RevocationReason kReasons[] = {RevocationReason::kSuperseded, RevocationReason::kError,
                                         RevocationReason::kFraud, RevocationReason::kWithdrawn,
                                         RevocationReason::kOther};

Result<RevocationReason> ParseReasonText(std::string_view text) {
  for (RevocationReason r : kReasons) {
    if (RevocationReasonCode(r) == text || RevocationReasonNameZh(r) == text) return r;
  }
  return Status::InvalidArgument("unknown reason \"" + std::string(text) +
                                 "\": superseded, error, fraud, withdrawn or other");
}

Result<int> Revoke(const Args& args) {
  CL_ASSIGN_OR_RETURN(std::string number, args.require("number"));
  CL_ASSIGN_OR_RETURN(std::string reason_text, args.require("reason"));
  CL_ASSIGN_OR_RETURN(RevocationReason reason, ParseReasonText(reason_text));
  CL_ASSIGN_OR_RETURN(NamedSecretKey key, ReadSigningKey(args, "key"));
  const std::string iss = args.get_or("body", key.name);
  const std::uint64_t now = NowSeconds();
  RevocationRequest request{number, reason, args.get("by"), now, now};
  if (auto at = args.get("at")) {
    auto date = ParseDateText(*at);
    if (!date.ok()) return date.status().Annotate("--at");
    request.at = ChinaMidnight(*date);
    if (request.at > request.signed_at) {
      return Status::InvalidArgument("--at " + *at + " is in the future");
    }
  }
  CL_ASSIGN_OR_RETURN(NamedPublicKey regulator, ReadRegulatorKey(args));
  CL_ASSIGN_OR_RETURN(std::optional<LedgerTarget> target, OpenLedgerTarget(args, regulator));
  if (!target) return Status::InvalidArgument("give --ledger DIR or --ledger-url URL");
  std::unique_ptr<IssuerStore> store;
  if (auto dir = args.get("store")) {
    CL_ASSIGN_OR_RETURN(store, IssuerStore::Open(*dir));
  }
  CL_ASSIGN_OR_RETURN(SinkReceipt receipt,
                      RevokeCertificate(request, iss, key.key, store.get(), *target->sink));
  std::printf("certificate %s revoked (%s / %s%s): %s index %llu\n", number.c_str(),
              std::string(RevocationReasonNameZh(reason)).c_str(),
              std::string(RevocationReasonNameEn(reason)).c_str(),
              request.by ? (", superseded by " + *request.by).c_str() : "",
              receipt.duplicate ? "already logged at" : "logged at",
              static_cast<unsigned long long>(receipt.index));
  return kExitOk;
}

Result<int> Reprint(const Args& args) {
  CL_ASSIGN_OR_RETURN(std::string number, args.require("number"));
  CL_ASSIGN_OR_RETURN(std::string store_dir, args.require("store"));
  CL_ASSIGN_OR_RETURN(std::string out_dir, args.require("out"));
  std::string base_url = args.get_or("base-url", "");
  if (base_url.empty()) {
    if (auto path = args.get("profile")) {
      CL_ASSIGN_OR_RETURN(std::string text, ReadFile(*path, 1 << 20));
      auto profile = ParseIssuerProfile(text);
      if (!profile.ok()) return profile.status().Annotate(*path);
      base_url = profile->base_url;
    }
  }
  if (base_url.empty()) return Status::InvalidArgument("give --base-url or --profile");
  CL_ASSIGN_OR_RETURN(std::unique_ptr<IssuerStore> store, IssuerStore::Open(store_dir));
  const StoredCertificate* c = store->FindCertificate(number);
  if (c == nullptr) {
    return Status::NotFound("certificate " + number + " is not in the issuer store " + store_dir);
  }
  std::error_code ec;
  std::filesystem::create_directories(out_dir, ec);
  if (ec) return Status::IOError("cannot create " + out_dir + ": " + ec.message());
  CertificateFileOptions files;
  files.body = {args.get_or("body-name-zh", ""), args.get_or("body-name-en", "")};
  CL_RETURN_IF_ERROR(WriteCertificateFiles(*c, base_url, out_dir, files));
  std::printf("wrote %s/%s.qr.txt, .qr.png, .qr.svg, .pdf and .png (the same number and QR "
              "code)\n",
              out_dir.c_str(), number.c_str());
  return kExitOk;
}

}  // namespace

int RunRevoke(const std::vector<std::string>& argv) {
  std::vector<Args::Option> options = {
      {"number", "NUMBER", "the certificate to revoke"},
      {"reason", "REASON", "superseded, error, fraud, withdrawn or other (or 已被替换, 信息有误, ...)"},
      {"by", "NUMBER", "with reason superseded: the certificate that replaces it"},
      {"at", "DATE", "revoked from this date (00:00 China time; default: now)"},
      {"key", "FILE", "the private key of the certificate's issuer (or of the regulator)"},
      {"passphrase-file", "FILE", "the key's passphrase (or $CERTLEDGER_PASSPHRASE)"},
      {"body", "ID", "the signer's body id (default: the key's name)"},
      {"store", "DIR", "the issuer's store: keeps the signed revocation, checks the numbers"},
  };
  for (auto& o : LedgerArgOptions(true)) options.push_back(std::move(o));
  Args args("revoke",
            "Revoke a certificate: sign a revocation with the issuer's key (or the\n"
            "regulator's) and log it. A certificate corrected by a new one is revoked with\n"
            "--reason superseded --by NEW (`certledger issue` does this itself for rows with\n"
            "a 'supersedes' column). With --store, the signed revocation is kept there\n"
            "first, so running the same command again resubmits the same record.",
            std::move(options));
  if (auto rc = ParseOrExit(args, "revoke", argv)) return *rc;
  auto result = Revoke(args);
  if (!result.ok()) return Fail("revoke", result.status());
  return *result;
}

int RunReprint(const std::vector<std::string>& argv) {
  Args args("reprint",
            "Write a stored certificate's QR files and printable certificate again (a lost\n"
            "certificate is reprinted with the same number and QR code), from the issuer's\n"
            "private store.",
            {{"number", "NUMBER", "the certificate"},
             {"store", "DIR", "the issuer's private store"},
             {"out", "DIR", "where to write <number>.qr.txt, .qr.png, .qr.svg, .pdf and .png"},
             {"body-name-zh", "NAME", "the certifying body's name as printed (default: body id)"},
             {"body-name-en", "NAME", "its English name as printed"},
             {"base-url", "URL", "the verifier's public URL"},
             {"profile", "FILE", "take base_url from this issuer profile"}});
  if (auto rc = ParseOrExit(args, "reprint", argv)) return *rc;
  auto result = Reprint(args);
  if (!result.ok()) return Fail("reprint", result.status());
  return *result;
}

}  // namespace certledger::cli
