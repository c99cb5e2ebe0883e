#include <cstdio>
#include <string>
#include <vector>

#include "certledger/version.h"
#include "cli/cli.h"

namespace certledger::cli {
namespace {

struct Command {
  const char* name;
  int (*run)(const std::vector<std::string>&);
  const char* summary;
};

constexpr Command kCommands[] = {
    {"accredit", RunAccredit, "regulator: accredit a body, rotate or revoke its keys, withdraw it"},
    {"audit", RunAudit, "re-verify a whole ledger: records, hashes, tiles, checkpoint, indexes"},
    {"demo", RunDemo, "walk the whole path on the example keys: accredit, issue, QR, verify"},
    {"issue", RunIssue, "issue certificates from a CSV file of evaluation results"},
    {"keygen", RunKeygen, "create an Ed25519 key pair (private key file 0600, public verifier key)"},
    {"qr", RunQr, "render QR text as a terminal drawing, PNG or SVG"},
    {"serve", RunServe, "serve the verifier's HTTP API and the log's tiles (Boost.Beast)"},
    {"reprint", RunReprint, "write a stored certificate's QR files again (same number)"},
    {"revoke", RunRevoke, "revoke a certificate, or mark it superseded by a corrected one"},
    {"verify", RunVerify, "verify a scanned certificate QR text"},
    {"version", RunVersion, "print the version"},
    {"witness", RunWitness, "run a tlog witness that cosigns consistent checkpoints; `push`: get cosignatures"},
};

void PrintUsage(std::FILE* out) {
  std::fprintf(out,
               "usage: certledger <command> [options]\n\n"
               "Certificate issuance and verification ledger.\n\ncommands:\n");
  for (const Command& c : kCommands) std::fprintf(out, "  %-10s %s\n", c.name, c.summary);
  std::fprintf(out, "\nRun 'certledger <command> --help' for a command's options.\n");
}

}  // namespace

int RunVersion(const std::vector<std::string>& argv) {
  Args args("version", "Print the version of certledger.", {});
  if (auto rc = ParseOrExit(args, "version", argv)) return *rc;
  std::printf("certledger %s\n", kVersion);
  return kExitOk;
}

int Run(int argc, char** argv) {
  if (argc < 2) {
    PrintUsage(stderr);
    return kExitUsage;
  }
  std::string name = argv[1];
  std::vector<std::string> rest(argv + 2, argv + argc);
  if (name == "--help" || name == "-h" || name == "help") {
    PrintUsage(stdout);
    return kExitOk;
  }
  if (name == "--version") return RunVersion({});
  for (const Command& c : kCommands) {
    if (name == c.name) return c.run(rest);
  }
  std::fprintf(stderr, "certledger: unknown command \"%s\"\n\n", name.c_str());
  PrintUsage(stderr);
  return kExitUsage;
}

}  // namespace certledger::cli
