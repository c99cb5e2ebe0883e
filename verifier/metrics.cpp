// The Prometheus text exposition format 0.0.4, as certledger writes it
// (https://prometheus.io/docs/instrumenting/exposition_formats/, "Text
// format details"):
//
//   exposition = *family
//   family     = "# HELP " name " " help LF "# TYPE " name " " type LF *sample
//   sample     = name [ "{" label *( "," label ) "}" ] " " value LF
//   label      = label-name "=" DQUOTE escaped-value DQUOTE
//   type       = "counter" / "gauge" / "histogram"
//
// Label values escape '\', '"' and line feed as \\, \" and \n. A histogram
// writes cumulative <name>_bucket{le="..."} samples ending with le="+Inf"
// (equal to <name>_count), then <name>_sum and <name>_count.
#include "certledger/verifier_metrics.h"

#include <cstdio>

namespace certledger {
namespace {

static_assert(static_cast<int>(Verdict::kIndeterminate) == 9, "verdicts_ holds 10 verdicts");

void Family(std::string& out, std::string_view name, std::string_view type,
            std::string_view help) {
  out.append("# HELP ").append(name).append(" ").append(help).append("\n");
  out.append("# TYPE ").append(name).append(" ").append(type).append("\n");
}

std::string Number(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.17g", value);
  return buf;
}

std::string ShortNumber(double value) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%g", value);
  return buf;
}

}  // namespace

std::string PrometheusLabelValue(std::string_view value) {
  std::string out;
  out.reserve(value.size());
  for (char c : value) {
    if (c == '\\') {
      out.append("\\\\");
    } else if (c == '"') {
      out.append("\\\"");
    } else if (c == '\n') {
      out.append("\\n");
    } else {
      out.push_back(c);
    }
  }
  return out;
}

void VerifierMetrics::ObserveRequest(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mu_);
  ++requests_[{std::string(route), status}];
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    if (seconds <= kLatencyBuckets[i]) {
      ++buckets_[i];
      break;
    }
  }
  ++latency_count_;
  latency_sum_ += seconds;
}

void VerifierMetrics::CountVerdict(Verdict verdict) {
  std::lock_guard lock(mu_);
  ++verdicts_[static_cast<std::size_t>(verdict)];
}

void VerifierMetrics::CountRecord(RecordResult result) {
  std::lock_guard lock(mu_);
  ++records_[static_cast<std::size_t>(result)];
}

void VerifierMetrics::SetConnections(std::int64_t open) { connections_.store(open); }

std::uint64_t VerifierMetrics::RequestCount(std::string_view route, int status) const {
  std::lock_guard lock(mu_);
  auto it = requests_.find({std::string(route), status});
  return it == requests_.end() ? 0 : it->second;
}

std::string VerifierMetrics::Render(const Gauges& gauges) const {
  std::lock_guard lock(mu_);
  std::string out;
  Family(out, "certledger_http_requests_total", "counter",
         "HTTP requests answered, by route and status.");
  for (const auto& [key, count] : requests_) {
    out.append("certledger_http_requests_total{route=\"")
        .append(PrometheusLabelValue(key.first))
        .append("\",status=\"")
        .append(std::to_string(key.second))
        .append("\"} ")
        .append(std::to_string(count))
        .append("\n");
  }

  Family(out, "certledger_http_request_duration_seconds", "histogram",
         "Time from a request's header to its response written, in seconds.");
  std::uint64_t cumulative = 0;
  for (std::size_t i = 0; i < kLatencyBuckets.size(); ++i) {
    cumulative += buckets_[i];
    out.append("certledger_http_request_duration_seconds_bucket{le=\"")
        .append(ShortNumber(kLatencyBuckets[i]))
        .append("\"} ")
        .append(std::to_string(cumulative))
        .append("\n");
  }
  out.append("certledger_http_request_duration_seconds_bucket{le=\"+Inf\"} ")
      .append(std::to_string(latency_count_))
      .append("\n");
  out.append("certledger_http_request_duration_seconds_sum ").append(Number(latency_sum_)).append("\n");
  out.append("certledger_http_request_duration_seconds_count ")
      .append(std::to_string(latency_count_))
      .append("\n");

  Family(out, "certledger_verifications_total", "counter",
         "Certificates verified, by verdict.");
  for (std::size_t i = 0; i < verdicts_.size(); ++i) {
    out.append("certledger_verifications_total{verdict=\"")
        .append(VerdictName(static_cast<Verdict>(i)))
        .append("\"} ")
        .append(std::to_string(verdicts_[i]))
        .append("\n");
  }

  Family(out, "certledger_records_total", "counter",
         "Records submitted, by result: appended, duplicate, refused.");
  static constexpr const char* kResults[] = {"appended", "duplicate", "refused"};
  for (std::size_t i = 0; i < records_.size(); ++i) {
    out.append("certledger_records_total{result=\"")
        .append(kResults[i])
        .append("\"} ")
        .append(std::to_string(records_[i]))
        .append("\n");
  }

  Family(out, "certledger_http_connections", "gauge", "Open HTTP connections.");
  out.append("certledger_http_connections ").append(std::to_string(connections_.load())).append("\n");

  if (gauges.tree_size) {
    Family(out, "certledger_tree_size", "gauge", "Entries in the log as this verifier serves it.");
    out.append("certledger_tree_size ").append(std::to_string(*gauges.tree_size)).append("\n");
  }
  if (gauges.queue_depth) {
    Family(out, "certledger_sequencer_queue_depth", "gauge",
           "Records waiting for the sequencer.");
    out.append("certledger_sequencer_queue_depth ")
        .append(std::to_string(*gauges.queue_depth))
        .append("\n");
  }
  Family(out, "certledger_read_only", "gauge",
         "1 if this verifier serves a read-only copy of the log.");
  out.append("certledger_read_only ").append(gauges.read_only ? "1" : "0").append("\n");
  return out;
}

}  // namespace certledger
