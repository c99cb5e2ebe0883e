// A ledger reached over HTTP (--ledger-url): what the issuing commands need
// of it, through the verifier's API (DESIGN.md, "Verifier API").
//
// Connect() reads GET /api/v1/issuers once and refuses a ledger whose
// regulator key is not the one the caller trusts: issuing into a log that
// another regulator governs is a mistake worth stopping early.
//
// Thread safety: LatestAccreditation and HasCertificate from one thread at
// a time; the sink runs its own threads (see RemoteLedgerSink).
#ifndef CERTLEDGER_CLI_REMOTE_LEDGER_H_
#define CERTLEDGER_CLI_REMOTE_LEDGER_H_

#include <memory>
#include <mutex>
#include <optional>
#include <string>

#include "certledger/http_client.h"
#include "certledger/key_file.h"
#include "certledger/record.h"
#include "certledger/record_sink.h"
#include "certledger/status.h"

namespace certledger::cli {

class RemoteLedger {
 public:
  // IOError (reason "unreachable", "timeout", "tls") when the ledger cannot
  // be reached; InvalidArgument for a bad URL; VerificationFailed when its
  // regulator key differs from `regulator`; Corruption for an answer that
  // is not the API's.
  static Result<std::unique_ptr<RemoteLedger>> Connect(const std::string& url,
                                                       const NamedPublicKey& regulator);

  // The body's latest accreditation, as the log holds it: the entry that
  // /api/v1/issuers names, decoded, its regulator signature checked.
  // nullopt when the log has none for `body`.
  Result<std::optional<Accreditation>> LatestAccreditation(std::string_view body);

  // Whether the log holds certificate `number`
  // (GET /api/v1/certificates/<number>).
  Result<bool> HasCertificate(std::string_view number);

  const std::string& url() const { return url_; }

 private:
  RemoteLedger(std::string url, NamedPublicKey regulator, std::unique_ptr<HttpClient> client)
      : url_(std::move(url)), regulator_(std::move(regulator)), client_(std::move(client)) {}

  std::string url_;
  NamedPublicKey regulator_;
  std::unique_ptr<HttpClient> client_;
  std::string issuers_json_;
};

// POSTs records to /api/v1/records, `connections` at a time on as many
// keep-alive connections, so that the ledger's group commit sees them
// together. Submission is idempotent (a record logged before answers with
// its first index), so a transport failure or a 503 is retried, up to
// `attempts` times with a growing pause, before the record's result becomes
// the error. Every record gets its own result, in order.
class RemoteLedgerSink : public RecordSink {
 public:
  RemoteLedgerSink(std::string url, int connections = 8, int attempts = 4)
      : url_(std::move(url)), connections_(connections), attempts_(attempts) {}

  std::vector<Result<SinkReceipt>> Submit(std::vector<Bytes> records) override;
  std::string Describe() const override { return "ledger at " + url_; }

 private:
  std::string url_;
  int connections_;
  int attempts_;
};

// The result of one POST /api/v1/records answer: 201 and 200 give the
// receipt; a 4xx becomes the ledger's refusal with its reason.
Result<SinkReceipt> ReceiptFromAnswer(const HttpClientResponse& answer);

}  // namespace certledger::cli

#endif  // CERTLEDGER_CLI_REMOTE_LEDGER_H_
