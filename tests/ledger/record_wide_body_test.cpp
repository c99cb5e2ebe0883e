// Bodies with more than 64 fields: the field reader tracks which fields were
// read by position, a bit mask for the first 64 and a vector beyond, so a
// known field past position 64 must still be found and counted as read, and
// the first unread field in map order must still be the one reported.
#include <catch2/catch.hpp>

#include <cstdio>
#include <string>

#include "certledger/cbor.h"
#include "certledger/record.h"
#include "record_fixtures.h"

namespace certledger {
namespace {

using cbor::Value;

// The title certificate's body plus `count` unknown 9-character fields
// "aaaaaa000", "aaaaaa001", ...: in canonical order (shorter keys first,
// then bytewise) they come after every shorter known field and before the
// 9-character ones ("committee", "evaluated", "specialty"), which so land
// past position 64.
Value WideTitleBody(int count) {
  Result<Value> body = EncodeRecordBody(testing::SampleTitleCertificate());
  REQUIRE(body.ok());
  Value wide = *body;
  for (int i = 0; i < count; ++i) {
    char key[16];
    std::snprintf(key, sizeof key, "aaaaaa%03d", i);
    wide.Set(std::string_view(key), Value::Uint(static_cast<std::uint64_t>(i)));
  }
  return wide;
}

TEST_CASE("record wide body: known fields past position 64 are read, unknown ones named", "[record][wide]") {
  const Value wide = WideTitleBody(70);
  // The 9-character known fields sit past position 64.
  std::size_t committee = 0;
  for (std::size_t i = 0; i < wide.map().size(); ++i) {
    if (wide.map()[i].first == Value::Text("committee")) committee = i;
  }
  REQUIRE(committee > 64);
  Result<RecordBody> decoded = DecodeRecordBody(wide);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().message() == "certificate: unknown field \"aaaaaa000\"");
}

TEST_CASE("record wide body: a missing field past position 64 is named", "[record][wide]") {
  const Value full = WideTitleBody(70);
  Value wide = Value::MakeMap();
  for (const auto& [k, v] : full.map()) {
    if (!(k == Value::Text("specialty"))) wide.Set(k, v);
  }
  Result<RecordBody> decoded = DecodeRecordBody(wide);
  REQUIRE_FALSE(decoded.ok());
  CHECK(decoded.status().message() == "certificate: missing field \"specialty\"");
}

}  // namespace
}  // namespace certledger
