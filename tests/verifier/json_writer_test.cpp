// JsonWriter (json_writer.h) and the Prometheus text of VerifierMetrics.
#include <catch2/catch.hpp>

#include "certledger/json_writer.h"
#include "certledger/verifier_metrics.h"
#include "verifier/json_test_util.h"

namespace certledger {
namespace {

TEST_CASE("json: strings are escaped as RFC 8259 section 7 requires", "[json]") {
  // The characters that MUST be escaped: quotation mark, reverse solidus,
  // U+0000 through U+001F; the two-character forms where the grammar has one.
  CHECK(JsonQuote("\"") == R"("\"")");
  CHECK(JsonQuote("\\") == R"("\\")");
  CHECK(JsonQuote("\b\f\n\r\t") == R"("\b\f\n\r\t")");
  CHECK(JsonQuote(std::string_view("\x00\x01\x1f", 3)) == R"("\u0000\u0001\u001f")");
  // Everything else passes through: solidus, DEL, ASCII, UTF-8.
  CHECK(JsonQuote("a/b\x7f") == "\"a/b\x7f\"");
  CHECK(JsonQuote("王建国 €𝄞") == "\"王建国 €𝄞\"");
  CHECK(JsonQuote("") == "\"\"");
}

TEST_CASE("json: bytes that are not UTF-8 become U+FFFD", "[json]") {
  const std::string fffd = "\xEF\xBF\xBD";
  CHECK(JsonQuote("a\xff" "b") == "\"a" + fffd + "b\"");
  CHECK(JsonQuote("\xc0\xaf") == "\"" + fffd + fffd + "\"");              // overlong '/'
  CHECK(JsonQuote("\xed\xa0\x80") == "\"" + fffd + fffd + fffd + "\"");   // a surrogate
  CHECK(JsonQuote("\xe7\x8e") == "\"" + fffd + fffd + "\"");              // truncated
  // Whatever goes in, a strict reader reads the output back.
  std::string all;
  for (int i = 0; i < 256; ++i) all.push_back(static_cast<char>(i));
  const test::Json j = test::ParseJson(JsonQuote(all));
  CHECK(j.str().substr(0, 32) == all.substr(0, 32));
}

TEST_CASE("json: the writer nests values and separates them", "[json]") {
  JsonWriter w;
  w.BeginObject();
  w.Key("index").Uint(18446744073709551615u);
  w.Key("neg").Int(-5);
  w.Key("hashes").BeginArray().String("a").String("b").EndArray();
  w.Key("empty").BeginArray().EndArray();
  w.Key("obj").BeginObject().Key("x").Null().Key("y").Bool(true).EndObject();
  w.Key("nested").BeginArray().BeginObject().EndObject().BeginArray().Bool(false).EndArray().EndArray();
  w.EndObject();
  const std::string text = std::move(w).Take();
  CHECK(text ==
        R"({"index":18446744073709551615,"neg":-5,"hashes":["a","b"],"empty":[],)"
        R"("obj":{"x":null,"y":true},"nested":[{},[false]]})");
  const test::Json j = test::ParseJson(text);
  CHECK(j["hashes"].size() == 2);
  CHECK(j["index"].u64() == 18446744073709551615u);

  JsonWriter scalar;
  scalar.String("top");
  CHECK(std::move(scalar).Take() == "\"top\"");
}

TEST_CASE("metrics: Prometheus text format", "[metrics]") {
  VerifierMetrics m;
  m.ObserveRequest("/checkpoint", 200, 0.0004);
  m.ObserveRequest("/checkpoint", 200, 0.003);
  m.ObserveRequest("/api/v1/verify", 413, 20.0);
  m.ObserveRequest("a\"b\\c\nd", 404, 0.2);
  m.CountVerdict(Verdict::kRevoked);
  m.CountRecord(VerifierMetrics::RecordResult::kDuplicate);
  m.SetConnections(3);
  const std::string text = m.Render({.tree_size = 42, .queue_depth = 7, .read_only = false});
  INFO(text);
  CHECK(text.back() == '\n');
  CHECK_THAT(text, Catch::Contains("# HELP certledger_http_requests_total "));
  CHECK_THAT(text, Catch::Contains("# TYPE certledger_http_requests_total counter\n"));
  CHECK_THAT(text, Catch::Contains(
                       "certledger_http_requests_total{route=\"/checkpoint\",status=\"200\"} 2\n"));
  // Label values escape '"', '\' and line feed.
  CHECK_THAT(text, Catch::Contains(
                       "certledger_http_requests_total{route=\"a\\\"b\\\\c\\nd\",status=\"404\"} 1\n"));
  // Histogram buckets are cumulative; +Inf equals the count.
  CHECK_THAT(text, Catch::Contains("# TYPE certledger_http_request_duration_seconds histogram\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_bucket{le=\"0.0005\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_bucket{le=\"0.0025\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_bucket{le=\"0.005\"} 2\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_bucket{le=\"0.25\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_bucket{le=\"10\"} 3\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_bucket{le=\"+Inf\"} 4\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_count 4\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_request_duration_seconds_sum 20.20"));
  CHECK_THAT(text, Catch::Contains("certledger_verifications_total{verdict=\"revoked\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("certledger_verifications_total{verdict=\"valid\"} 0\n"));
  CHECK_THAT(text, Catch::Contains("certledger_records_total{result=\"duplicate\"} 1\n"));
  CHECK_THAT(text, Catch::Contains("certledger_http_connections 3\n"));
  CHECK_THAT(text, Catch::Contains("certledger_tree_size 42\n"));
  CHECK_THAT(text, Catch::Contains("certledger_sequencer_queue_depth 7\n"));
  CHECK_THAT(text, Catch::Contains("certledger_read_only 0\n"));
  CHECK(m.RequestCount("/checkpoint", 200) == 2);

  // Every sample line is "name{labels} value" or "name value".
  std::size_t pos = 0;
  while (pos < text.size()) {
    const std::size_t end = text.find('\n', pos);
    const std::string line = text.substr(pos, end - pos);
    pos = end + 1;
    if (line.rfind("# ", 0) == 0) continue;
    const std::size_t space = line.rfind(' ');
    REQUIRE(space != std::string::npos);
    CHECK(line.rfind("certledger_", 0) == 0);
    CHECK(line.find_first_not_of("0123456789.e+-", space + 1) == std::string::npos);
  }

  const std::string read_only = VerifierMetrics().Render({.tree_size = {}, .queue_depth = {}, .read_only = true});
  CHECK(read_only.find("certledger_tree_size") == std::string::npos);
  CHECK(read_only.find("certledger_sequencer_queue_depth") == std::string::npos);
  CHECK_THAT(read_only, Catch::Contains("certledger_read_only 1\n"));
}

}  // namespace
}  // namespace certledger
