// Deterministic CBOR (RFC 8949), the subset certledger uses.
//
// Encoding follows the core deterministic encoding requirements of RFC 8949
// section 4.2.1: integers, lengths and tags in their shortest form, definite
// lengths only, map keys sorted bytewise by their encoded form. The same
// Value therefore always has the same bytes.
//
// Decoding accepts only that encoding, so that a decoded record can be
// re-encoded to exactly the bytes that were signed. It rejects, with a
// Status that names the problem and its byte offset: truncated input,
// trailing bytes after the top-level item, non-shortest heads, indefinite
// lengths, unsorted or duplicate map keys, floats and undefined/simple
// values other than false, true and null, invalid UTF-8 in text strings,
// and input over the Limits (size, nesting depth, item count).
//
// Supported major types: unsigned and negative integers (64-bit), byte and
// text strings, arrays, maps, tags, and the simple values false, true, null.
//
// Thread safety: Values are plain values (copyable, movable); the free
// functions are pure.
#ifndef CERTLEDGER_CBOR_H_
#define CERTLEDGER_CBOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/status.h"

namespace certledger::cbor {

enum class Type { kUnsigned, kNegative, kBytes, kText, kArray, kMap, kTag, kBool, kNull };

class Value {
 public:
  using Array = std::vector<Value>;
  using Entry = std::pair<Value, Value>;

  Value() = default;  // null

  static Value Null() { return Value(); }
  static Value Bool(bool b);
  static Value Uint(std::uint64_t v);
  // Any int64: non-negative as kUnsigned, negative as kNegative.
  static Value Int(std::int64_t v);
  static Value Bytes(ByteView b);
  static Value Text(std::string_view s);  // precondition: valid UTF-8
  static Value MakeArray(Array items = {});
  static Value MakeMap();
  static Value Tag(std::uint64_t tag, Value inner);

  Type type() const { return type_; }
  bool is_uint() const { return type_ == Type::kUnsigned; }
  bool is_int() const { return type_ == Type::kUnsigned || type_ == Type::kNegative; }
  bool is_bytes() const { return type_ == Type::kBytes; }
  bool is_text() const { return type_ == Type::kText; }
  bool is_array() const { return type_ == Type::kArray; }
  bool is_map() const { return type_ == Type::kMap; }
  bool is_tag() const { return type_ == Type::kTag; }
  bool is_bool() const { return type_ == Type::kBool; }
  bool is_null() const { return type_ == Type::kNull; }

  // Accessors; preconditions: the matching type (checked: abort otherwise).
  std::uint64_t uint() const;            // kUnsigned
  // kUnsigned or kNegative when the value fits in int64; nullopt otherwise.
  std::optional<std::int64_t> int64() const;
  ByteView bytes() const;                // kBytes
  std::string_view text() const;         // kText
  bool boolean() const;                  // kBool
  const Array& array() const;            // kArray
  Array& array();                        // kArray
  const std::vector<Entry>& map() const; // kMap, in canonical key order
  std::uint64_t tag() const;             // kTag
  const Value& tagged() const;           // kTag

  // Map building. Set() inserts or replaces the entry with an equal key and
  // keeps entries in canonical order. Precondition: is_map().
  Value& Set(Value key, Value value);
  Value& Set(std::int64_t key, Value value) { return Set(Int(key), std::move(value)); }
  Value& Set(std::string_view key, Value value) { return Set(Text(key), std::move(value)); }

  // Map lookup; nullptr when absent or when this is not a map.
  const Value* Find(const Value& key) const;
  const Value* Find(std::int64_t key) const { return Find(Int(key)); }
  const Value* Find(std::string_view key) const { return Find(Text(key)); }

  // Structural equality (same type, same contents, maps in canonical order).
  friend bool operator==(const Value& a, const Value& b);

 private:
  Type type_ = Type::kNull;
  std::uint64_t u_ = 0;           // unsigned value; for kNegative, -1 - value; tag number; bool
  std::string s_;                 // byte or text string contents
  std::vector<Value> items_;      // array items; for kTag, the single tagged item
  std::vector<Entry> entries_;    // map entries, sorted by encoded key
};

// Deterministic encoding of `value`.
::certledger::Bytes Encode(const Value& value);

struct Limits {
  std::size_t max_input_bytes = 1 << 20;  // whole input
  std::size_t max_depth = 16;             // nesting of arrays, maps and tags
  std::size_t max_items = 1 << 16;        // elements of one array or pairs of one map
  std::size_t max_string_bytes = 1 << 20; // one byte or text string
};

// Decodes exactly one item that must span the whole input.
// Errors: InvalidArgument (malformed or non-deterministic, message says what
// and at which offset), ResourceExhausted (a limit was hit).
Result<Value> Decode(ByteView data, const Limits& limits = Limits());

}  // namespace certledger::cbor

#endif  // CERTLEDGER_CBOR_H_
