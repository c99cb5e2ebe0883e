// JsonWriter: writes JSON text (RFC 8259) into a string, one value at a
// time, with commas and nesting kept by the writer.
//
//   JsonWriter w;
//   w.BeginObject();
//   w.Key("index").Uint(5);
//   w.Key("hashes").BeginArray().String("...").EndArray();
//   w.EndObject();
//   std::string text = std::move(w).Take();
//
// Strings are written per RFC 8259 section 7: '"' and '\' and the control
// characters U+0000..U+001F are escaped (\b \f \n \r \t, else \u00XX);
// every other character passes through as UTF-8. Bytes that are not valid
// UTF-8 are written as U+FFFD, so the output is always valid JSON in UTF-8
// (RFC 8259 section 8.1) whatever the input.
//
// Misuse (a value where a key is due, unbalanced Begin/End, Take() before
// the top-level value is complete) is a bug in the caller and aborts.
//
// Thread safety: none; one writer per thread. Movable, not copyable.
#ifndef CERTLEDGER_JSON_WRITER_H_
#define CERTLEDGER_JSON_WRITER_H_

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

namespace certledger {

class JsonWriter {
 public:
  JsonWriter() = default;
  JsonWriter(JsonWriter&&) = default;
  JsonWriter& operator=(JsonWriter&&) = default;
  JsonWriter(const JsonWriter&) = delete;
  JsonWriter& operator=(const JsonWriter&) = delete;

  JsonWriter& BeginObject();
  JsonWriter& EndObject();
  JsonWriter& BeginArray();
  JsonWriter& EndArray();
  // The name of the next member. Precondition: inside an object, where a
  // key is due.
  JsonWriter& Key(std::string_view name);

  JsonWriter& String(std::string_view value);
  JsonWriter& Uint(std::uint64_t value);
  JsonWriter& Int(std::int64_t value);
  JsonWriter& Bool(bool value);
  JsonWriter& Null();

  // The finished text. Precondition: exactly one complete top-level value.
  std::string Take() &&;

 private:
  enum class Frame { kObjectKey, kObjectValue, kArray };
  void BeforeValue();
  void Open(char c, Frame frame);
  void Close(char c, Frame expected);

  std::string out_;
  std::vector<Frame> stack_;
  bool first_ = true;  // no member or element yet in the innermost container
  bool done_ = false;  // the top-level value is complete
};

// `text` as a JSON string literal, quotes included (the escaping above).
std::string JsonQuote(std::string_view text);

}  // namespace certledger

#endif  // CERTLEDGER_JSON_WRITER_H_
