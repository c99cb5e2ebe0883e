// RecordSink: where an issuer sends the records it signed. The issuer
// library signs locally and hands the signed bytes to a sink; the sink
// appends them to a ledger and says where they landed.
//
// Implementations: EmbeddedLedgerSink (a Ledger opened in this process,
// ledger.h). An HTTP sink (POST /api/v1/records, DESIGN.md) will implement
// the same interface.
//
// Thread safety: a sink is used by one thread at a time unless an
// implementation says otherwise.
#ifndef CERTLEDGER_RECORD_SINK_H_
#define CERTLEDGER_RECORD_SINK_H_

#include <cstdint>
#include <string>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/ledger.h"
#include "certledger/status.h"

namespace certledger {

// Where a record landed.
struct SinkReceipt {
  std::uint64_t index = 0;  // its entry in the log
  bool duplicate = false;   // the log already held exactly this record
};

class RecordSink {
 public:
  virtual ~RecordSink() = default;

  // Submits `records` (signed COSE records) in this order and waits until
  // each is durable in the log or refused. Returns one result per record,
  // in the same order: the receipt, or the ledger's refusal with its
  // machine-readable reason() (validation.h: "out_of_scope",
  // "number_in_use", ...), or an IOError when the ledger could not be
  // reached. A record submitted twice gets its first index back with
  // duplicate = true.
  virtual std::vector<Result<SinkReceipt>> Submit(std::vector<Bytes> records) = 0;

  // Names the ledger for messages, e.g. "ledger directory /srv/ledger".
  virtual std::string Describe() const = 0;
};

// A sink that appends to a Ledger in this process. Thread-safe (the Ledger
// is). The ledger must outlive the sink.
class EmbeddedLedgerSink : public RecordSink {
 public:
  // `threads`: how many threads prepare (parse, verify) records.
  EmbeddedLedgerSink(Ledger& ledger, std::string description, int threads = 2)
      : ledger_(ledger), description_(std::move(description)), threads_(threads) {}

  std::vector<Result<SinkReceipt>> Submit(std::vector<Bytes> records) override;
  std::string Describe() const override { return description_; }

 private:
  Ledger& ledger_;
  std::string description_;
  int threads_;
};

}  // namespace certledger

#endif  // CERTLEDGER_RECORD_SINK_H_
