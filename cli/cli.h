// The certledger command line: subcommands, exit codes, argument parsing.
#ifndef CERTLEDGER_CLI_CLI_H_
#define CERTLEDGER_CLI_CLI_H_

#include <functional>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/status.h"

namespace certledger::cli {

// Exit codes, in one place. Statuses map onto them in ExitCodeFor().
inline constexpr int kExitOk = 0;
inline constexpr int kExitFailed = 1;     // a verification failed, an audit found something
inline constexpr int kExitUsage = 64;     // bad command line (EX_USAGE of sysexits.h)
inline constexpr int kExitInput = 3;      // bad input file or data
inline constexpr int kExitIO = 4;         // I/O or storage failure
inline constexpr int kExitCorrupt = 5;    // stored data is corrupt
inline constexpr int kExitInternal = 70;  // a bug

int ExitCodeFor(const Status& status);
// Prints "certledger <command>: <status>" to stderr and returns its exit code.
int Fail(std::string_view command, const Status& status);

// Parsed command line of one subcommand: --name value, --name=value,
// boolean --flag, and positional arguments.
class Args {
 public:
  struct Option {
    std::string name;         // without the leading "--"
    std::string value_name;   // empty for a boolean flag
    std::string help;
  };

  Args(std::string command, std::string summary, std::vector<Option> options,
       std::string positional_help = "");

  // InvalidArgument naming the unknown option or missing value.
  Status Parse(const std::vector<std::string>& argv);

  bool help_requested() const { return help_; }
  std::string Usage() const;

  bool flag(std::string_view name) const;
  std::optional<std::string> get(std::string_view name) const;
  std::string get_or(std::string_view name, std::string fallback) const;
  // InvalidArgument "--name is required" when absent.
  Result<std::string> require(std::string_view name) const;
  const std::vector<std::string>& positional() const { return positional_; }

 private:
  const Option* Find(std::string_view name) const;

  std::string command_, summary_, positional_help_;
  std::vector<Option> options_;
  std::map<std::string, std::string, std::less<>> values_;
  std::vector<std::string> positional_;
  bool help_ = false;
};

// Parses `argv` into `args`. Returns an exit code when the command must
// stop here: kExitOk after printing --help, kExitUsage after a parse error.
std::optional<int> ParseOrExit(Args& args, std::string_view command,
                               const std::vector<std::string>& argv);

// The passphrase given by --passphrase-file or $CERTLEDGER_PASSPHRASE, if any.
Result<std::optional<Passphrase>> PassphraseFromArgs(const Args& args);

// Subcommands. Each takes the arguments after its name.
int RunAudit(const std::vector<std::string>& argv);
int RunVersion(const std::vector<std::string>& argv);
int RunKeygen(const std::vector<std::string>& argv);
int RunQr(const std::vector<std::string>& argv);
int RunVerify(const std::vector<std::string>& argv);
int RunDemo(const std::vector<std::string>& argv);
int RunAccredit(const std::vector<std::string>& argv);
int RunIssue(const std::vector<std::string>& argv);
int RunRevoke(const std::vector<std::string>& argv);
int RunReprint(const std::vector<std::string>& argv);
int RunServe(const std::vector<std::string>& argv);
int RunWitness(const std::vector<std::string>& argv);

// Dispatches argv[1] to its subcommand.
int Run(int argc, char** argv);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_CLI_H_
