// The strict JSON reader: RFC 8259's own examples, and each refusal.
#include <catch2/catch.hpp>

#include "certledger/json_reader.h"

namespace certledger {
namespace {

TEST_CASE("json reader: the examples of RFC 8259 section 13", "[json]") {
  // RFC 8259, section 13: "This is a JSON object".
  const char* image = R"({
      "Image": {
          "Width":  800,
          "Height": 600,
          "Title":  "View from 15th Floor",
          "Thumbnail": {
              "Url":    "http://www.example.com/image/481989943",
              "Height": 125,
              "Width":  100
          },
          "Animated" : false,
          "IDs": [116, 943, 234, 38793]
        }
    })";
  auto v = ParseJson(image);
  REQUIRE(v.ok());
  const JsonValue* img = v->Find("Image");
  REQUIRE(img != nullptr);
  CHECK(img->Uint("Width") == 800u);
  CHECK(img->String("Title") == "View from 15th Floor");
  CHECK(img->Find("Thumbnail")->String("Url") == "http://www.example.com/image/481989943");
  CHECK(img->Find("Animated")->type == JsonValue::Type::kBool);
  CHECK_FALSE(img->Find("Animated")->boolean);
  REQUIRE(img->Find("IDs")->array.size() == 4);
  CHECK(img->Find("IDs")->array[3].text == "38793");

  // "This is a JSON array containing two objects".
  const char* places = R"([
        {
           "precision": "zip",
           "Latitude":  37.7668,
           "Longitude": -122.3959,
           "Address":   "",
           "City":      "SAN FRANCISCO",
           "State":     "CA",
           "Zip":       "94107",
           "Country":   "US"
        },
        {
           "precision": "zip",
           "Latitude":  37.371991,
           "Longitude": -122.026020,
           "Address":   "",
           "City":      "SUNNYVALE",
           "State":     "CA",
           "Zip":       "94085",
           "Country":   "US"
        }
      ])";
  v = ParseJson(places);
  REQUIRE(v.ok());
  REQUIRE(v->array.size() == 2);
  CHECK(v->array[1].Find("Longitude")->text == "-122.026020");
  CHECK_FALSE(v->array[1].Uint("Longitude").has_value());  // not an unsigned integer
  // The small texts of the same section.
  CHECK(ParseJson("\"Hello world!\"")->text == "Hello world!");
  CHECK(ParseJson("42")->text == "42");
  CHECK(ParseJson("true")->boolean);
  CHECK(ParseJson(" null ")->type == JsonValue::Type::kNull);
}

TEST_CASE("json reader: escapes decode to UTF-8", "[json]") {
  auto v = ParseJson(R"(["\u4e2d\u6587", "\ud83d\ude00", "a\/b\"\\\n\t", "上海"])");
  REQUIRE(v.ok());
  CHECK(v->array[0].text == "中文");
  CHECK(v->array[1].text == "\xF0\x9F\x98\x80");  // U+1F600 from its surrogate pair
  CHECK(v->array[2].text == "a/b\"\\\n\t");
  CHECK(v->array[3].text == "上海");
}

TEST_CASE("json reader: refusals name the byte and the problem", "[json]") {
  struct Case {
    const char* text;
    const char* message;
  };
  const Case cases[] = {
      {"", "a value was expected"},
      {"{\"a\":1,}", "a member name was expected"},
      {"[1,]", "unexpected character ']'"},
      {"01", "trailing data"},
      {"-", "a digit was expected"},
      {"1.", "a digit was expected after '.'"},
      {"1e+", "exponent"},
      {"{\"a\":1,\"a\":2}", "duplicate member \"a\""},
      {"\"\\ud800\"", "unpaired high surrogate"},
      {"\"\\udc00\"", "unpaired low surrogate"},
      {"\"\\u12G4\"", "four hex digits"},
      {"\"\\x\"", "unknown escape"},
      {"\"a\nb\"", "control character"},
      {"\"abc", "unterminated string"},
      {"{\"a\" 1}", "':' was expected"},
      {"[1 2]", "',' or ']' was expected"},
      {"{} {}", "trailing data"},
      {"nul", "unexpected character 'n'"},
      {"'a'", "unexpected character"},
  };
  for (const Case& c : cases) {
    INFO(c.text);
    auto r = ParseJson(c.text);
    REQUIRE_FALSE(r.ok());
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
    CHECK_THAT(r.status().message(), Catch::Contains(c.message) && Catch::StartsWith("JSON at byte"));
  }
  CHECK_THAT(ParseJson("[1,]").status().message(), Catch::StartsWith("JSON at byte 3:"));
  std::string deep(kMaxJsonDepth + 1, '[');
  deep += std::string(kMaxJsonDepth + 1, ']');
  CHECK_THAT(ParseJson(deep).status().message(), Catch::Contains("nested deeper"));
  std::string fine(kMaxJsonDepth, '[');
  fine += std::string(kMaxJsonDepth, ']');
  CHECK(ParseJson(fine).ok());
}

}  // namespace
}  // namespace certledger
