// Text shown to people on the command line.
#ifndef CERTLEDGER_CLI_REPORT_H_
#define CERTLEDGER_CLI_REPORT_H_

#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "certledger/ledger_store.h"
#include "certledger/verify.h"

namespace certledger::cli {

// The verdict in Chinese and English, the certificate and the issuer.
std::string FormatVerification(const Verification& v);

// Reads a file of base64 COSE records, one a line ('#' starts a comment).
Result<std::vector<SignedRecord>> ReadRecordLines(const std::string& path);

// The ledger at a directory, read while another process may be writing it:
// a RocksDB secondary instance whose own files live in a temporary
// directory, removed when this object dies.
class ReadOnlyLedger {
 public:
  static Result<std::unique_ptr<ReadOnlyLedger>> Open(const std::string& data_dir);
  ~ReadOnlyLedger();
  LedgerStore& store() { return *store_; }

 private:
  ReadOnlyLedger(LedgerStore store, std::string secondary)
      : store_(std::move(store)), secondary_(std::move(secondary)) {}
  std::optional<LedgerStore> store_;
  std::string secondary_;
};

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_REPORT_H_
