// What the issuer-side commands (issue, revoke, reprint, accredit) share:
// the signing key, the ledger to submit to, the progress bar.
#ifndef CERTLEDGER_CLI_ISSUER_COMMON_H_
#define CERTLEDGER_CLI_ISSUER_COMMON_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/record_sink.h"
#include "cli/cli.h"

namespace certledger::cli {

// The options that choose where records go, for Args.
std::vector<Args::Option> LedgerArgOptions(bool with_regulator_key);

// The private key file named by --<option>, with the passphrase of
// --passphrase-file or $CERTLEDGER_PASSPHRASE when it is encrypted.
Result<NamedSecretKey> ReadSigningKey(const Args& args, std::string_view option);

// An embedded ledger opened from --ledger DIR and --log-key FILE (the log's
// private key: this process sequences and signs checkpoints), with the
// regulator's public key; and a sink onto it.
struct LedgerTarget {
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<RecordSink> sink;
};

// nullopt when --ledger is not given. InvalidArgument for --ledger-url (not
// built yet) or a missing --log-key; errors of reading the keys and of
// Ledger::Open.
Result<std::optional<LedgerTarget>> OpenLedgerTarget(const Args& args,
                                                     const NamedPublicKey& regulator);

// The regulator's public key from --regulator-key FILE.
Result<NamedPublicKey> ReadRegulatorKey(const Args& args);

// A progress bar on standard error, drawn only when it is a terminal.
class ProgressBar {
 public:
  ProgressBar();
  ~ProgressBar();  // ends the line of an unfinished bar
  void Update(std::string_view stage, std::size_t done, std::size_t total);

 private:
  bool enabled_;
  std::string stage_;
  int last_permille_ = -1;
  bool open_ = false;
};

// Seconds since the epoch now.
std::uint64_t NowSeconds();

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_ISSUER_COMMON_H_
