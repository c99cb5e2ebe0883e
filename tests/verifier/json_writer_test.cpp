// JsonWriter (json_writer.h).
#include <catch2/catch.hpp>

#include "certledger/json_writer.h"
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

}  // namespace
}  // namespace certledger
