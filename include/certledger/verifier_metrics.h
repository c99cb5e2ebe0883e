// VerifierMetrics: the counters of a verifier server, rendered for GET
// /metrics in the Prometheus text exposition format 0.0.4
// (https://prometheus.io/docs/instrumenting/exposition_formats/):
//
//   certledger_http_requests_total{route,status}       counter
//   certledger_http_request_duration_seconds           histogram
//   certledger_verifications_total{verdict}            counter (every verdict, 0 included)
//   certledger_records_total{result}                   counter: appended, duplicate, refused
//   certledger_http_connections                        gauge: open connections
//   certledger_tree_size                               gauge: the log's size as served
//   certledger_sequencer_queue_depth                   gauge: records waiting (writer only)
//   certledger_read_only                               gauge: 1 for a read-only verifier
//
// Thread safety: all methods are thread-safe.
#ifndef CERTLEDGER_VERIFIER_METRICS_H_
#define CERTLEDGER_VERIFIER_METRICS_H_

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <utility>

#include "certledger/verdict.h"

namespace certledger {

class VerifierMetrics {
 public:
  // Upper bounds of the latency histogram's buckets, in seconds (+Inf is
  // implied).
  static constexpr std::array<double, 14> kLatencyBuckets = {
      0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10};

  // One answered request: its route label, HTTP status and latency.
  void ObserveRequest(std::string_view route, int status, double seconds);
  void CountVerdict(Verdict verdict);
  enum class RecordResult { kAppended, kDuplicate, kRefused };
  void CountRecord(RecordResult result);
  void SetConnections(std::int64_t open);

  // What the server knows at render time.
  struct Gauges {
    std::optional<std::uint64_t> tree_size;    // nullopt: the log could not be read
    std::optional<std::uint64_t> queue_depth;  // nullopt: read-only
    bool read_only = false;
  };
  // The whole exposition, ending with a line feed.
  std::string Render(const Gauges& gauges) const;

  // For tests: requests counted with this route and status.
  std::uint64_t RequestCount(std::string_view route, int status) const;

 private:
  mutable std::mutex mu_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;
  std::array<std::uint64_t, kLatencyBuckets.size()> buckets_{};  // not cumulative
  std::uint64_t latency_count_ = 0;
  double latency_sum_ = 0;
  std::array<std::uint64_t, 10> verdicts_{};  // by Verdict's value
  std::array<std::uint64_t, 3> records_{};
  std::atomic<std::int64_t> connections_{0};
};

// A label value escaped for the text format: '\' as "\\", '"' as "\"",
// line feed as "\n".
std::string PrometheusLabelValue(std::string_view value);

}  // namespace certledger

#endif  // CERTLEDGER_VERIFIER_METRICS_H_
