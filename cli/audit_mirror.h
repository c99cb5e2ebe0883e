// certledger audit --url: the remote audit (certledger/mirror.h) over HTTP,
// with split-view checks against a second source.
#ifndef CERTLEDGER_CLI_AUDIT_MIRROR_H_
#define CERTLEDGER_CLI_AUDIT_MIRROR_H_

#include <optional>
#include <string_view>

#include "certledger/key_file.h"
#include "cli/cli.h"

namespace certledger::cli {

// Help texts of the remote audit's options, for RunAudit's Args.
inline constexpr const char* kRemoteAuditUrlHelp =
    "audit the log served at URL through its C2SP tiles API instead of --data; then --log-key "
    "may be the key string <name>+<hash>+<key>";
inline constexpr const char* kRemoteAuditStateHelp =
    "with --url: the mirror's state (trusted checkpoint, entries, right edge), kept between "
    "runs so that each run fetches only new entries (default: a temporary directory)";
inline constexpr const char* kRemoteAuditCompareHelp =
    "with --url: check that the log at URL2 shows a checkpoint consistent with URL's";
inline constexpr const char* kRemoteAuditCheckpointHelp =
    "with --url: check that a saved signed checkpoint is consistent with the log";

// Exit code of the remote audit for a log that is inconsistent or corrupt.
inline constexpr int kExitLogInconsistent = 2;

// The log's verifier key given as the key string
// "<name>+<hex key hash>+<base64 key>" or as a public key file.
Result<NamedPublicKey> ReadLogVerifierKey(std::string_view text);

// nullopt when none of --url, --state, --compare, --checkpoint is given
// (the local audit). Otherwise runs the remote audit and returns its exit
// code: mirrors and audits the log at --url into --state (a temporary
// directory when absent), compares with --compare URL2 and --checkpoint
// FILE, prints the report (JSON with --json). kExitOk clean, kExitFailed
// record findings only, kExitLogInconsistent for any finding that makes
// the log inconsistent or corrupt (mirror.h), kExitUsage for a bad
// command line, or the code of the error that stopped the run
// (ExitCodeFor).
std::optional<int> DispatchRemoteAudit(const Args& args);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_AUDIT_MIRROR_H_
