// What the issuer-side commands (issue, revoke, reprint, accredit) share:
// the signing key, the ledger to submit to, the progress bar.
#ifndef CERTLEDGER_CLI_ISSUER_COMMON_H_
#define CERTLEDGER_CLI_ISSUER_COMMON_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "certledger/key_file.h"
#include "certledger/ledger.h"
#include "certledger/record_sink.h"
#include "cli/remote_ledger.h"
#include "cli/cli.h"

namespace certledger::cli {

// The options that choose where records go, for Args.
std::vector<Args::Option> LedgerArgOptions(bool with_regulator_key);

// The private key file named by --<option>, with the passphrase of
// --passphrase-file or $CERTLEDGER_PASSPHRASE when it is encrypted.
Result<NamedSecretKey> ReadSigningKey(const Args& args, std::string_view option);

// The ledger the issuing commands write to: an embedded one opened from
// --ledger DIR and --log-key FILE (the log's private key: this process
// sequences and signs checkpoints), or a remote one at --ledger-url URL
// (its API, cli/remote_ledger.h); with the regulator's public key; and a
// sink onto it.
struct LedgerTarget {
  std::unique_ptr<Ledger> ledger;          // embedded only
  std::unique_ptr<RemoteLedger> remote;    // remote only
  std::unique_ptr<RecordSink> sink;

  // The accreditation of `body` in force at `now` as the ledger holds it,
  // nullopt if none. A remote ledger answers its latest accreditation.
  Result<std::optional<Accreditation>> AccreditationOf(const std::string& body,
                                                       std::uint64_t now);
  // Whether the ledger holds a certificate number, for numbering to skip.
  // For a remote ledger a failed lookup counts as "not held": the ledger
  // itself refuses a number in use when the record arrives.
  Result<std::function<bool(std::string_view)>> NumberLookup();
};

// nullopt when neither --ledger nor --ledger-url is given. InvalidArgument
// for both, or --ledger without --log-key; errors of reading the keys, of
// Ledger::Open and of reaching the remote ledger.
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
