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
// Error messages have the form "cbor: <problem> at offset <n>", where n is
// the byte offset in the input of the item (or byte) at fault, e.g.
// "cbor: non-shortest integer encoding at offset 3" or
// "cbor: truncated input at offset 10 (need 4 more bytes)" (for truncation
// the offset is where the input ends; the whole-input size limit names no
// offset).
//
// Thread safety: Values are plain values (copyable, movable; a copy is deep);
// concurrent const access to one Value is safe. The free functions are pure.
#ifndef CERTLEDGER_CBOR_H_
#define CERTLEDGER_CBOR_H_

#include <cstdint>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>
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
  // The negative integer -1 - n (kNegative); covers -2^64 .. -1.
  static Value Negative(std::uint64_t n);
  static Value Bytes(ByteView b);
  // Precondition: `s` is valid UTF-8 (IsValidUtf8 in utf8.h). Not checked here:
  // Encode writes the bytes as given, and Decode rejects invalid UTF-8.
  static Value Text(std::string_view s);
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
  Value& tagged();                       // kTag

  // Map building. Set() inserts or replaces the entry with an equal key and
  // keeps entries in canonical order (bytewise by encoded key, so 10 < 100 <
  // -1 < "a"). Cost: O(log n) key comparisons, plus moving the entries after
  // the insertion point; adding keys in canonical order is amortized O(1).
  // Returns *this. Precondition: is_map() (checked: abort otherwise).
  Value& Set(Value key, Value value);
  Value& Set(std::int64_t key, Value value) { return Set(Int(key), std::move(value)); }
  Value& Set(std::string_view key, Value value) { return Set(Text(key), std::move(value)); }

  // Map lookup, O(log n); nullptr when absent or when this is not a map. The
  // pointer is valid until the map is next modified.
  // The integer and text overloads build no Value (no allocation).
  const Value* Find(const Value& key) const;
  const Value* Find(std::int64_t key) const;
  const Value* Find(std::string_view key) const;
  // As Find, but the whole entry: a pointer into map(), so its index is
  // `entry - map().data()`. Same validity as Find's result.
  const Entry* FindEntry(std::int64_t key) const;
  const Entry* FindEntry(std::string_view key) const;
  // As Find, for changing or moving from the value (never the key, which
  // keeps the map in canonical order); nullptr when absent or not a map.
  Value* FindMutable(std::int64_t key);
  Value* FindMutable(std::string_view key);

  // Structural equality (same type, same contents, maps in canonical order).
  friend bool operator==(const Value& a, const Value& b);

 private:
  friend class Codec;  // the encoder, decoder and key order in cbor.cpp

  // The contents of each type, by invariant: kBytes and kText hold the
  // string, kArray and kTag the items (kTag exactly one, the tagged item),
  // kMap the entries sorted by encoded key; the rest hold nothing. Only the
  // accessors below reach them, after checking type_.
  using Data = std::variant<std::monostate, std::string, Array, std::vector<Entry>>;
  std::string& str() { return *std::get_if<std::string>(&data_); }
  const std::string& str() const { return *std::get_if<std::string>(&data_); }
  Array& items() { return *std::get_if<Array>(&data_); }
  const Array& items() const { return *std::get_if<Array>(&data_); }
  std::vector<Entry>& entries() { return *std::get_if<std::vector<Entry>>(&data_); }
  const std::vector<Entry>& entries() const { return *std::get_if<std::vector<Entry>>(&data_); }

  Type type_ = Type::kNull;
  std::uint64_t u_ = 0;  // unsigned value; for kNegative, -1 - value; tag number; bool
  Data data_;
};

// Deterministic encoding of `value` (never fails). Recursive: the nesting of
// `value` bounds the stack used.
::certledger::Bytes Encode(const Value& value);

// Appends the encoding of the byte string `b` to `out`: the bytes of
// Encode(Value::Bytes(b)), without building a Value (never fails).
void AppendByteString(ByteView b, ::certledger::Bytes& out);

// Hard limits on what Decode accepts. Memory use is linear in the input
// size: every decoded item takes at least one input byte, and no string or
// container is allocated before the input is known to hold it.
struct Limits {
  std::size_t max_input_bytes = 1 << 20;  // whole input
  // Nesting of arrays, maps and tags (a top-level array is depth 1). The
  // decoder is iterative, but Values are copied, compared, encoded and
  // destroyed recursively, so keep this small (hundreds at most).
  std::size_t max_depth = 16;
  std::size_t max_items = 1 << 16;        // elements of one array or pairs of one map
  std::size_t max_string_bytes = 1 << 20; // one byte or text string
};

// Decodes exactly one item that must span the whole input. Work is linear in
// the input size; a declared length is checked against the remaining input
// before anything is allocated for it.
// Errors: InvalidArgument (malformed or non-deterministic: truncated,
// trailing bytes, non-shortest head, indefinite length, unsorted or duplicate
// map key, float, unsupported simple value, reserved additional information,
// invalid UTF-8; the message says what and at which offset),
// ResourceExhausted (input size, depth, item count or string length over
// `limits`).
Result<Value> Decode(ByteView data, const Limits& limits = Limits());

}  // namespace certledger::cbor

#endif  // CERTLEDGER_CBOR_H_
