#include "certledger/record_sink.h"

namespace certledger {

std::vector<Result<SinkReceipt>> EmbeddedLedgerSink::Submit(std::vector<Bytes> records) {
  std::vector<Result<AppendResult>> appended = ledger_.SubmitMany(std::move(records), threads_);
  std::vector<Result<SinkReceipt>> out;
  out.reserve(appended.size());
  for (auto& r : appended) {
    if (!r.ok()) {
      out.emplace_back(r.status());
    } else {
      out.emplace_back(SinkReceipt{r->index, r->duplicate});
    }
  }
  return out;
}

}  // namespace certledger
