// `certledger issue`: a CSV file of evaluation results in, certificates out.
#include <cstdio>
#include <cstdlib>

#include "certledger/batch.h"
#include "certledger/file_util.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "cli/cli.h"
#include "cli/file_io.h"
#include "cli/issuer_common.h"

namespace certledger::cli {
namespace {

constexpr char kSummary[] =
    "Issue certificates from a UTF-8 CSV file of evaluation results (docs/ISSUING.md).\n"
    "Every row is checked first; if any row is bad, every problem is listed with its\n"
    "line, column and reason, and nothing is issued. Then the certificates are\n"
    "numbered, signed with the body's key, kept in the issuer's private store\n"
    "(--store: the holders' names and ID numbers, never sent to the ledger), logged\n"
    "in the ledger, and written to --out as <number>.qr.txt, .qr.png and .qr.svg,\n"
    "the printable certificate <number>.pdf (A4) with its preview <number>.png\n"
    "(unless --no-print), and issued.csv listing every row's number. Running the\n"
    "same file again issues nothing twice: rows issued before keep their numbers\n"
    "and records.\n"
    "\n"
    "Columns (header names, any order; Chinese names such as 姓名 also work):\n"
    "  type (skill|title), name, id_type (default resident), id_number, level,\n"
    "  route, evaluated, [issued], [expires], [number], [supersedes];\n"
    "  skill: occupation (6-18-01-01), occupation_name, [work_type], project;\n"
    "  title: series, specialty, [foreign] (route overseas).\n"
    "A row with 'supersedes' corrects that certificate: the old one is revoked\n"
    "with reason superseded, pointing to the new number.\n"
    "\n"
    "The profile (--profile) is a key = value file: body, org_type, org_code,\n"
    "province, site (skill numbers), committee_code, committee_name, title_pattern\n"
    "(e.g. {committee}-{year}-{serial:6}), base_url.";

void WriteManifest(const BatchReport& report, const std::string& path) {
  std::string text = "line,number,status,index,supersedes\n";
  for (const IssuedRow& r : report.rows) {
    std::string status = !r.submission.ok()
                             ? "refused:" + (r.submission.reason().empty()
                                                 ? std::string(StatusCodeName(r.submission.code()))
                                                 : r.submission.reason())
                             : (r.repeated ? "repeated" : "issued");
    text += std::to_string(r.line) + "," + r.number + "," + status + "," +
            (r.receipt ? std::to_string(r.receipt->index) : "") + "," +
            r.superseded.value_or("") + "\n";
  }
  if (Status s = WriteFileDurably(path, AsBytes(text), 0644); !s.ok()) {
    std::fprintf(stderr, "certledger issue: %s\n", s.ToString().c_str());
  }
}

Result<int> Issue(const Args& args) {
  if (args.positional().size() != 1) {
    return Status::InvalidArgument("give exactly one CSV file ('-' for standard input)");
  }
  CL_ASSIGN_OR_RETURN(std::string profile_path, args.require("profile"));
  CL_ASSIGN_OR_RETURN(std::string profile_text, ReadFile(profile_path, 1 << 20));
  auto profile = ParseIssuerProfile(profile_text);
  if (!profile.ok()) return profile.status().Annotate(profile_path);
  CL_ASSIGN_OR_RETURN(std::string store_dir, args.require("store"));
  const bool dry_run = args.flag("dry-run");
  std::string out_dir;
  if (!dry_run) {
    CL_ASSIGN_OR_RETURN(out_dir, args.require("out"));
  }
  const std::string base_url = args.get_or("base-url", profile->base_url);
  if (!dry_run && base_url.empty()) {
    return Status::InvalidArgument("give --base-url or base_url in the profile");
  }
  int threads = 2;
  if (auto t = args.get("threads")) {
    threads = std::atoi(t->c_str());
    if (threads < 1 || threads > 256) return Status::InvalidArgument("--threads must be 1 to 256");
  }

  CL_ASSIGN_OR_RETURN(NamedSecretKey key, ReadSigningKey(args, "key"));
  const std::string body = profile->body.empty() ? key.name : profile->body;
  const std::uint64_t now = NowSeconds();
  BatchOptions options;
  options.today = ChinaCivilDate(now);
  if (auto d = args.get("issue-date")) {
    auto date = ParseDateText(*d);
    if (!date.ok()) return date.status().Annotate("--issue-date");
    if (*date > options.today) {
      return Status::InvalidArgument("--issue-date " + date->ToString() + " is in the future");
    }
    options.default_issued = *date;
  }

  std::optional<LedgerTarget> target;
  if (args.get("ledger") || args.get("ledger-url")) {
    CL_ASSIGN_OR_RETURN(NamedPublicKey regulator, ReadRegulatorKey(args));
    CL_ASSIGN_OR_RETURN(target, OpenLedgerTarget(args, regulator));
  }
  if (!target && !dry_run) {
    return Status::InvalidArgument(
        "give --ledger DIR or --ledger-url URL (or --dry-run to check the file only)");
  }
  if (target) {
    CL_ASSIGN_OR_RETURN(std::optional<Accreditation> acc, target->AccreditationOf(body, now));
    if (!acc) {
      return Status::InvalidArgument("body \"" + body + "\" has no accreditation in the " +
                                     target->sink->Describe());
    }
    if (now < acc->from || now >= acc->until) {
      return Status::InvalidArgument("the accreditation of \"" + body + "\" is not in force now");
    }
    options.accreditation = *acc;
    CL_ASSIGN_OR_RETURN(options.number_in_ledger, target->NumberLookup());
  }

  CL_ASSIGN_OR_RETURN(std::unique_ptr<IssuerStore> store, IssuerStore::Open(store_dir));
  const std::string csv_path = args.positional()[0];
  CL_ASSIGN_OR_RETURN(std::string csv, ReadFile(csv_path, std::size_t{1} << 30));
  BatchPlan plan = PlanBatch(csv, *profile, *store, options);
  if (!plan.errors.empty()) {
    for (const RowError& e : plan.errors) {
      std::fprintf(stderr, "%s: %s\n", csv_path.c_str(), e.ToString().c_str());
    }
    return Status::InvalidArgument(std::to_string(plan.errors.size()) + " problem" +
                                   (plan.errors.size() == 1 ? "" : "s") + " in " + csv_path +
                                   "; nothing was issued");
  }
  std::size_t known = 0;
  for (const BatchRow& r : plan.rows) known += r.issued_number ? 1 : 0;
  if (dry_run) {
    std::printf("%s: %zu rows are fine (%zu new, %zu issued before); nothing was issued "
                "(--dry-run)\n",
                csv_path.c_str(), plan.rows.size(), plan.rows.size() - known, known);
    return kExitOk;
  }

  ProgressBar bar;
  IssueOptions issue;
  issue.body = body;
  issue.now = now;
  issue.out_dir = out_dir;
  issue.base_url = base_url;
  issue.threads = threads;
  issue.number_in_ledger = options.number_in_ledger;
  if (options.accreditation) {
    issue.files.body = {options.accreditation->name_zh, options.accreditation->name_en};
  }
  issue.files.printable = !args.flag("no-print");
  issue.progress = [&bar](std::string_view stage, std::size_t done, std::size_t total) {
    bar.Update(stage, done, total);
  };
  CL_ASSIGN_OR_RETURN(BatchReport report,
                      IssueBatch(plan, *profile, key.key, *store, *target->sink, issue));
  WriteManifest(report, out_dir + "/issued.csv");

  int exit_code = kExitOk;
  for (const IssuedRow& r : report.rows) {
    if (!r.submission.ok()) {
      std::fprintf(stderr, "%s: line %zu: certificate %s was not logged: %s\n", csv_path.c_str(),
                   r.line, r.number.c_str(), r.submission.ToString().c_str());
      if (exit_code == kExitOk) exit_code = ExitCodeFor(r.submission);
    } else if (r.superseded && !r.revocation.ok()) {
      std::fprintf(stderr, "%s: line %zu: certificate %s was logged, but %s was not revoked: %s\n",
                   csv_path.c_str(), r.line, r.number.c_str(), r.superseded->c_str(),
                   r.revocation.ToString().c_str());
      if (exit_code == kExitOk) exit_code = ExitCodeFor(r.revocation);
    }
  }
  std::printf("%zu certificates issued, %zu issued before (unchanged), %zu not logged; files in "
              "%s, list in %s/issued.csv\n",
              report.issued, report.repeated, report.refused, out_dir.c_str(), out_dir.c_str());
  return exit_code;
}

}  // namespace

int RunIssue(const std::vector<std::string>& argv) {
  std::vector<Args::Option> options = {
      {"profile", "FILE", "the issuer profile (key = value): body, numbering codes, committee"},
      {"key", "FILE", "the body's private key file"},
      {"passphrase-file", "FILE", "the key's passphrase (or $CERTLEDGER_PASSPHRASE)"},
      {"store", "DIR", "the issuer's private store (created with mode 0700)"},
      {"out", "DIR", "where to write the QR files, printable certificates and issued.csv"},
      {"base-url", "URL", "the verifier's public URL (default: base_url of the profile)"},
      {"issue-date", "DATE", "issue date of rows without one (default: today in China)"},
      {"threads", "N", "signing and rendering threads (default 2)"},
      {"dry-run", "", "check the file and stop"},
      {"no-print", "", "write the QR files only, no printable certificates (PDF, PNG preview)"},
  };
  for (auto& o : LedgerArgOptions(true)) options.push_back(std::move(o));
  Args args("issue", kSummary, std::move(options), "CSV");
  if (auto rc = ParseOrExit(args, "issue", argv)) return *rc;
  auto result = Issue(args);
  if (!result.ok()) return Fail("issue", result.status());
  return *result;
}

}  // namespace certledger::cli
