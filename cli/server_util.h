// Helpers shared by the commands that run a server (serve, witness) or
// trust witnesses (serve, verify, witness push).
#ifndef CERTLEDGER_CLI_SERVER_UTIL_H_
#define CERTLEDGER_CLI_SERVER_UTIL_H_

#include <signal.h>

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/http_server.h"
#include "certledger/key_file.h"
#include "certledger/status.h"
#include "certledger/verify.h"
#include "cli/cli.h"

namespace certledger::cli {

// Continues an option's help text on the next line, aligned by Args::Usage().
inline constexpr std::string_view kHelpIndent = "\n                            ";

// "127.0.0.1:8080", "[::1]:8080", ":8080" (all IPv4 interfaces) into
// options.address and options.port. InvalidArgument naming the problem.
Status ParseListen(std::string_view text, ServerOptions& options);

// Blocks SIGTERM and SIGINT in this thread and every thread it starts
// later, so that WaitForStopSignal() receives them; ignores SIGPIPE.
sigset_t BlockStopSignals();
// Waits for one of `set`; returns its number.
int WaitForStopSignal(const sigset_t& set);

// "a,b,c" into its non-empty parts.
std::vector<std::string> SplitList(std::string_view text);

// What a client of witnesses trusts: --witness-key FILE[,FILE...] (vkeys
// of type 0x04 or 0x01) and --min-cosignatures K (default 1 when keys are
// given; at most the number of keys). Empty keys and 0 when neither option
// is given. InvalidArgument for --min-cosignatures without keys or out of
// range; the key files' errors.
struct WitnessPolicy {
  std::vector<NamedPublicKey> keys;
  std::size_t min_cosignatures = 0;
  bool enabled() const { return !keys.empty(); }
};
Result<WitnessPolicy> WitnessPolicyFromArgs(const Args& args);

// With witnesses required, a logged record counts only when a checkpoint
// carrying the required cosignatures covers it (the one `certledger witness
// push` stored in `data_dir`): the evidence is then against that
// checkpoint; otherwise the verdict becomes indeterminate (the log may be
// showing this verifier a history no witness has seen). Leaves a
// verification without evidence as it is.
void RequireCosignedEvidence(Verification& v, const std::string& data_dir,
                             const LedgerSnapshot& snapshot, const NamedPublicKey& log_key,
                             const WitnessPolicy& policy);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_SERVER_UTIL_H_
