// `certledger accredit`: the regulator accredits a certifying body, rotates
// or revokes one of its keys, or withdraws its accreditation.
#include <cstdio>
#include <filesystem>

#include "certledger/accreditation_input.h"
#include "certledger/certificate_rules.h"
#include "certledger/file_util.h"
#include "cli/cli.h"
#include "cli/file_io.h"
#include "cli/issuer_common.h"

namespace certledger::cli {
namespace {

constexpr char kSummary[] =
    "Sign an accreditation record with the regulator's key (--key) and log it\n"
    "(--ledger) and/or append it as a base64 line to --records (the file that\n"
    "`certledger verify --accreditations` reads). One of:\n"
    "\n"
    "  --in FILE             accredit a body as FILE describes (key = value lines):\n"
    "                          body        = shanghai-electric\n"
    "                          name_zh     = 上海电气集团股份有限公司\n"
    "                          name_en     = Shanghai Electric Group Co., Ltd.\n"
    "                          from        = 2026-01-01\n"
    "                          until       = 2029-01-01\n"
    "                          occupations = 6-18-01-01, 6-29-03-01\n"
    "                          series      = engineering\n"
    "                          levels      = 3, 2, 1, 中级, 副高级\n"
    "                          key         = keys/shanghai-electric.pub\n"
    "                          key         = NAME+ID+KEY from=2026-06-01 revoked=2027-01-01\n"
    "                          status      = active        (or withdrawn)\n"
    "                        A key line holds a public key file or a verifier key, then\n"
    "                        optional from=, until=, revoked= times.\n"
    "  --body ID --rotate-key FILE [--at TIME]\n"
    "                        the body's open keys end at TIME, the new key starts then\n"
    "  --body ID --revoke-key FILE [--at TIME]\n"
    "                        records signed with that key and logged from TIME on are\n"
    "                        refused\n"
    "  --body ID --withdraw  the body may issue nothing more\n"
    "\n"
    "--body changes the body's accreditation in force in the ledger (--ledger).\n"
    "TIME: YYYY-MM-DD (00:00 China time), YYYY-MM-DDTHH:MM:SSZ, ...+08:00 or\n"
    "@SECONDS; default now. A later accreditation of a body supersedes the earlier.";

Result<NamedPublicKey> ReadKeyReference(std::string_view path, const std::string& base_dir) {
  std::filesystem::path p(path);
  if (p.is_relative() && !base_dir.empty()) p = std::filesystem::path(base_dir) / p;
  return ReadPublicKeyFile(p.string());
}

Result<int> Accredit(const Args& args) {
  CL_ASSIGN_OR_RETURN(NamedSecretKey regulator, ReadSigningKey(args, "key"));
  const std::uint64_t now = NowSeconds();
  std::uint64_t at = now;
  if (auto t = args.get("at")) {
    auto parsed = ParseTime(*t);
    if (!parsed.ok()) return parsed.status().Annotate("--at");
    at = *parsed;
  }
  if (!args.get("ledger") && !args.get("records") && !args.get("ledger-url")) {
    return Status::InvalidArgument("give --ledger DIR, --ledger-url URL or --records FILE");
  }
  CL_ASSIGN_OR_RETURN(std::optional<LedgerTarget> target,
                      OpenLedgerTarget(args, regulator.Public()));

  Accreditation accreditation;
  std::string action;
  if (auto in = args.get("in")) {
    if (args.get("body")) return Status::InvalidArgument("give --in or --body, not both");
    CL_ASSIGN_OR_RETURN(std::string text, ReadFile(*in, 1 << 20));
    const std::string base = std::filesystem::path(*in).parent_path().string();
    auto parsed = ParseAccreditationInput(
        text, [&](std::string_view path) { return ReadKeyReference(path, base); });
    if (!parsed.ok()) return parsed.status().Annotate(*in);
    accreditation = std::move(*parsed);
    action = "accredited";
  } else if (auto body = args.get("body")) {
    if (!target) {
      return Status::InvalidArgument(
          "--body changes the accreditation in force in a ledger: give --ledger DIR or "
          "--ledger-url URL");
    }
    CL_ASSIGN_OR_RETURN(std::optional<Accreditation> current,
                        target->AccreditationOf(*body, now));
    if (!current) {
      return Status::NotFound("body \"" + *body + "\" has no accreditation in the " +
                              target->sink->Describe());
    }
    int changes = (args.get("rotate-key") ? 1 : 0) + (args.get("revoke-key") ? 1 : 0) +
                  (args.flag("withdraw") ? 1 : 0);
    if (changes != 1) {
      return Status::InvalidArgument("with --body give one of --rotate-key, --revoke-key, --withdraw");
    }
    if (auto path = args.get("rotate-key")) {
      CL_ASSIGN_OR_RETURN(NamedPublicKey key, ReadPublicKeyFile(*path));
      CL_ASSIGN_OR_RETURN(accreditation, RotateKey(*current, key.key, at));
      action = "key rotated";
    } else if (auto revoke = args.get("revoke-key")) {
      CL_ASSIGN_OR_RETURN(NamedPublicKey key, ReadPublicKeyFile(*revoke));
      CL_ASSIGN_OR_RETURN(accreditation, RevokeKey(*current, key.key, at));
      action = "key revoked";
    } else {
      CL_ASSIGN_OR_RETURN(accreditation, Withdraw(*current));
      action = "accreditation withdrawn";
    }
  } else {
    return Status::InvalidArgument("give --in FILE, or --body ID with a change");
  }

  CL_ASSIGN_OR_RETURN(SignedRecord record,
                      SignRecord(accreditation, cwt::Claims{regulator.name, now, std::nullopt, {}},
                                 regulator.key));
  if (target) {
    std::vector<Bytes> records;
    records.push_back(record.bytes);
    auto results = target->sink->Submit(std::move(records));
    if (results.size() != 1) return Status::Internal("the sink answered no result");
    CL_RETURN_IF_ERROR(results[0].status());
    std::printf("%s: %s (%s), logged at index %llu%s\n", accreditation.body.c_str(),
                action.c_str(), accreditation.name_zh.c_str(),
                static_cast<unsigned long long>(results[0]->index),
                results[0]->duplicate ? " (already logged)" : "");
  }
  if (auto path = args.get("records")) {
    std::string existing;
    auto old = ReadFile(*path);
    if (old.ok()) {
      existing = std::move(*old);
    } else if (!old.status().Is(StatusCode::kNotFound)) {
      return old.status();
    }
    if (!existing.empty() && existing.back() != '\n') existing += '\n';
    existing += Base64Encode(record.bytes) + "\n";
    CL_RETURN_IF_ERROR(WriteFileDurably(*path, AsBytes(existing), 0644));
    std::printf("%s: %s; record appended to %s\n", accreditation.body.c_str(), action.c_str(),
                path->c_str());
  }
  return kExitOk;
}

}  // namespace

int RunAccredit(const std::vector<std::string>& argv) {
  std::vector<Args::Option> options = {
      {"key", "FILE", "the regulator's private key file"},
      {"passphrase-file", "FILE", "the key's passphrase (or $CERTLEDGER_PASSPHRASE)"},
      {"in", "FILE", "the accreditation to sign (key = value file, see above)"},
      {"body", "ID", "change this body's accreditation in force"},
      {"rotate-key", "FILE", "with --body: the new public key file"},
      {"revoke-key", "FILE", "with --body: the public key file of the key to revoke"},
      {"withdraw", "", "with --body: withdraw the accreditation"},
      {"at", "TIME", "when a rotation or key revocation takes effect (default now)"},
      {"records", "FILE", "append the signed record (base64) to FILE"},
  };
  for (auto& o : LedgerArgOptions(false)) options.push_back(std::move(o));
  Args args("accredit", kSummary, std::move(options));
  if (auto rc = ParseOrExit(args, "accredit", argv)) return *rc;
  auto result = Accredit(args);
  if (!result.ok()) return Fail("accredit", result.status());
  return *result;
}

}  // namespace certledger::cli
