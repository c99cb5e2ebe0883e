// A strict JSON reader (RFC 8259) for the answers of another certledger
// process: the ledger's answers to record submission, the issuers list.
//
// ParseJson accepts exactly one JSON value with optional whitespace around
// it; it refuses trailing data, duplicate object member names, unpaired
// UTF-16 surrogates in escapes, control characters in strings, and numbers
// that are not RFC 8259 numbers. At most kMaxJsonDepth arrays and objects
// nest.
//
// Returns the value, or InvalidArgument "JSON at byte N: what is wrong".
//
// Thread safety: values; ParseJson is reentrant.
#ifndef CERTLEDGER_JSON_READER_H_
#define CERTLEDGER_JSON_READER_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/status.h"

namespace certledger {

inline constexpr int kMaxJsonDepth = 64;

struct JsonValue {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string text;  // kString: the decoded UTF-8; kNumber: the literal
  std::vector<JsonValue> array;
  std::map<std::string, JsonValue, std::less<>> object;

  // The member `name` of an object; nullptr if absent or not an object.
  const JsonValue* Find(std::string_view name) const;
  // The member `name` as a string / unsigned integer (a number literal of
  // digits only that fits 64 bits); nullopt when absent or of another type.
  std::optional<std::string> String(std::string_view name) const;
  std::optional<std::uint64_t> Uint(std::string_view name) const;
};

[[nodiscard]] Result<JsonValue> ParseJson(std::string_view text);

}  // namespace certledger

#endif  // CERTLEDGER_JSON_READER_H_
