// Map lookups by integer and text without building a Value (Find,
// FindEntry, FindMutable), checked against a linear search by equality over
// maps whose keys mix every type and head width, and AppendByteString
// against Encode.
#include <catch2/catch.hpp>

#include <cstdint>
#include <limits>
#include <string>
#include <utility>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"

namespace certledger {
namespace {

using cbor::Value;

// The entry whose key equals `key`, by a linear search.
const Value::Entry* Linear(const Value& map, const Value& key) {
  for (const Value::Entry& entry : map.map()) {
    if (entry.first == key) return &entry;
  }
  return nullptr;
}

constexpr std::int64_t kInts[] = {0,
                                  1,
                                  23,
                                  24,
                                  255,
                                  256,
                                  65535,
                                  65536,
                                  4294967295,
                                  4294967296,
                                  std::numeric_limits<std::int64_t>::max(),
                                  -1,
                                  -24,
                                  -25,
                                  -256,
                                  -257,
                                  -65537,
                                  std::numeric_limits<std::int64_t>::min()};

std::vector<std::string> Texts() {
  return {"", "a", "b", "k", "no", "zz", std::string(23, 'x'), std::string(24, 'x'),
          std::string(24, 'y'), std::string(30, 'a'), std::string(300, 'q'), "\xe8\xbd\xa6"};
}

// Every key above, plus keys of the other types (bytes, array, tag, bool,
// null), in one map; every other key of a kind is left out so that absent
// keys fall between present ones.
Value MixedMap(bool even) {
  Value map = Value::MakeMap();
  std::size_t i = 0;
  for (std::int64_t k : kInts) {
    if ((i++ % 2 == 0) == even) map.Set(Value::Int(k), Value::Uint(i));
  }
  for (const std::string& t : Texts()) {
    if ((i++ % 2 == 0) == even) map.Set(Value::Text(t), Value::Uint(i));
  }
  map.Set(Value::Bytes(ToBytes("k")), Value::Uint(100));
  map.Set(Value::MakeArray({Value::Uint(1)}), Value::Uint(101));
  map.Set(Value::Tag(1, Value::Uint(0)), Value::Uint(102));
  map.Set(Value::Bool(true), Value::Uint(103));
  map.Set(Value::Null(), Value::Uint(104));
  return map;
}

TEST_CASE("cbor find: integer and text lookups match a linear search", "[cbor][find]") {
  for (bool even : {true, false}) {
    Value map = MixedMap(even);
    for (std::int64_t k : kInts) {
      INFO("int key " << k);
      const Value::Entry* expected = Linear(map, Value::Int(k));
      CHECK(map.FindEntry(k) == expected);
      CHECK(map.Find(k) == (expected ? &expected->second : nullptr));
      CHECK(map.Find(Value::Int(k)) == map.Find(k));
      Value* mutable_value = map.FindMutable(k);
      CHECK(mutable_value == (expected ? &expected->second : nullptr));
    }
    for (const std::string& t : Texts()) {
      INFO("text key of " << t.size() << " bytes");
      const Value::Entry* expected = Linear(map, Value::Text(t));
      CHECK(map.FindEntry(t) == expected);
      CHECK(map.Find(t) == (expected ? &expected->second : nullptr));
      CHECK(map.Find(Value::Text(t)) == map.Find(std::string_view(t)));
      CHECK(map.FindMutable(t) == (expected ? &expected->second : nullptr));
    }
    // Keys of other types are never found by integer or text.
    CHECK(map.Find(std::string_view("\x41k", 2)) == nullptr);
  }
}

TEST_CASE("cbor find: lookups in non-maps and empty maps find nothing", "[cbor][find]") {
  const Value empty = Value::MakeMap();
  CHECK(empty.Find(1) == nullptr);
  CHECK(empty.Find("a") == nullptr);
  CHECK(empty.FindEntry("") == nullptr);
  Value array = Value::MakeArray({Value::Uint(1)});
  CHECK(array.Find(0) == nullptr);
  CHECK(array.FindEntry("a") == nullptr);
  CHECK(array.FindMutable(0) == nullptr);
  CHECK(Value::Text("a").Find("a") == nullptr);
}

TEST_CASE("cbor find: FindMutable changes the value and keeps the order", "[cbor][find]") {
  Value map = Value::MakeMap();
  map.Set("b", Value::Uint(1));
  map.Set("a", Value::Uint(2));
  map.Set(-65537, Value::MakeMap());
  Value* v = map.FindMutable("b");
  REQUIRE(v != nullptr);
  *v = Value::Text("changed");
  Value* body = map.FindMutable(-65537);
  REQUIRE(body != nullptr);
  Value moved = std::move(*body);
  CHECK(moved.is_map());
  // RFC 8949 section 4.2.1 order: -65537 (3a ...) < "a" (61 61) < "b" (61 62).
  REQUIRE(map.map().size() == 3);
  CHECK(map.map()[0].first == Value::Int(-65537));
  CHECK(map.map()[1].first == Value::Text("a"));
  CHECK(map.map()[2].first == Value::Text("b"));
  CHECK(map.map()[2].second == Value::Text("changed"));
}

TEST_CASE("cbor find: AppendByteString writes what Encode writes", "[cbor][find]") {
  for (std::size_t size : {0, 1, 23, 24, 255, 256, 65535, 65536}) {
    INFO("size " << size);
    Bytes b(size, 0x5a);
    Bytes out = {0x01};  // appended after what is there
    cbor::AppendByteString(b, out);
    Bytes expected = {0x01};
    const Bytes encoded = cbor::Encode(Value::Bytes(b));
    expected.insert(expected.end(), encoded.begin(), encoded.end());
    CHECK(out == expected);
  }
  // RFC 8949 Appendix A: h'01020304' is 0x4401020304.
  Bytes out;
  cbor::AppendByteString(Bytes{1, 2, 3, 4}, out);
  CHECK(HexEncode(out) == "4401020304");
}

}  // namespace
}  // namespace certledger
