// JSON text per RFC 8259 (https://www.rfc-editor.org/rfc/rfc8259):
//
//   value  = object / array / string / number / "true" / "false" / "null"
//   object = "{" [ string ":" value *( "," string ":" value ) ] "}"
//   array  = "[" [ value *( "," value ) ] "]"
//   string = %x22 *char %x22                          (section 7)
//   char   = unescaped / "\" ( %x22 / "\" / "b" / "f" / "n" / "r" / "t" / "u" 4HEXDIG )
//   unescaped = %x20-21 / %x23-5B / %x5D-10FFFF
//
// No insignificant whitespace is written. Numbers are unsigned or signed
// 64-bit integers in decimal.
#include "certledger/json_writer.h"

#include <array>
#include <charconv>
#include <cstdlib>

#include "certledger/utf8.h"

namespace certledger {
namespace {

constexpr char kHex[] = "0123456789abcdef";

// Bytes that stand for themselves inside a string: %x20-21 / %x23-5B /
// %x5D-7F. Bytes from 0x80 on are checked as UTF-8 below.
constexpr std::array<bool, 256> kPlain = [] {
  std::array<bool, 256> plain{};
  for (int b = 0x20; b < 0x80; ++b) plain[b] = b != '"' && b != '\\';
  return plain;
}();

// Room for the first top-level value: most answers fit, so the text is not
// copied as it grows.
constexpr std::size_t kInitialCapacity = 4096;

void AppendQuoted(std::string& out, std::string_view text) {
  out.push_back('"');
  std::size_t pos = 0;
  while (pos < text.size()) {
    // A run of printable ASCII that needs no escape, appended at once.
    std::size_t end = pos;
    while (end < text.size()) {
      if (!kPlain[static_cast<unsigned char>(text[end])]) break;
      ++end;
    }
    if (end > pos) {
      out.append(text.substr(pos, end - pos));
      pos = end;
      continue;
    }
    const auto byte = static_cast<unsigned char>(text[pos]);
    if (byte >= 0x80) {
      std::size_t next = pos;
      char32_t c = 0;
      if (NextCodePoint(text, &next, &c)) {
        out.append(text.substr(pos, next - pos));
        pos = next;
      } else {
        out.append("\xEF\xBF\xBD");  // U+FFFD REPLACEMENT CHARACTER
        ++pos;
      }
      continue;
    }
    switch (byte) {
      case '"': out.append("\\\""); break;
      case '\\': out.append("\\\\"); break;
      case '\b': out.append("\\b"); break;
      case '\f': out.append("\\f"); break;
      case '\n': out.append("\\n"); break;
      case '\r': out.append("\\r"); break;
      case '\t': out.append("\\t"); break;
      default:
        if (byte < 0x20) {
          out.append("\\u00");
          out.push_back(kHex[byte >> 4]);
          out.push_back(kHex[byte & 0x0f]);
        } else {
          out.push_back(static_cast<char>(byte));
        }
    }
    ++pos;
  }
  out.push_back('"');
}

}  // namespace

std::string JsonQuote(std::string_view text) {
  std::string out;
  out.reserve(text.size() + 2);
  AppendQuoted(out, text);
  return out;
}

void JsonWriter::BeforeValue() {
  if (done_) std::abort();  // a second top-level value
  if (stack_.empty()) return;
  switch (stack_.back()) {
    case Frame::kObjectKey: std::abort();  // a value where a key is due
    case Frame::kObjectValue: stack_.back() = Frame::kObjectKey; return;
    case Frame::kArray:
      if (!first_) out_.push_back(',');
      first_ = false;
      return;
  }
}

void JsonWriter::Open(char c, Frame frame) {
  BeforeValue();
  if (stack_.empty() && out_.empty()) {
    out_.reserve(kInitialCapacity);
    stack_.reserve(8);
  }
  out_.push_back(c);
  stack_.push_back(frame);
  first_ = true;
}

void JsonWriter::Close(char c, Frame expected) {
  if (stack_.empty() || stack_.back() != expected) std::abort();
  stack_.pop_back();
  out_.push_back(c);
  first_ = false;
  if (stack_.empty()) done_ = true;
}

JsonWriter& JsonWriter::BeginObject() {
  Open('{', Frame::kObjectKey);
  return *this;
}
JsonWriter& JsonWriter::EndObject() {
  Close('}', Frame::kObjectKey);
  return *this;
}
JsonWriter& JsonWriter::BeginArray() {
  Open('[', Frame::kArray);
  return *this;
}
JsonWriter& JsonWriter::EndArray() {
  Close(']', Frame::kArray);
  return *this;
}

JsonWriter& JsonWriter::Key(std::string_view name) {
  if (stack_.empty() || stack_.back() != Frame::kObjectKey) std::abort();
  if (!first_) out_.push_back(',');
  first_ = false;
  AppendQuoted(out_, name);
  out_.push_back(':');
  stack_.back() = Frame::kObjectValue;
  return *this;
}

JsonWriter& JsonWriter::String(std::string_view value) {
  BeforeValue();
  AppendQuoted(out_, value);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Uint(std::uint64_t value) {
  BeforeValue();
  char digits[20];
  out_.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Int(std::int64_t value) {
  BeforeValue();
  char digits[20];
  out_.append(digits, std::to_chars(digits, digits + sizeof digits, value).ptr);
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Bool(bool value) {
  BeforeValue();
  out_.append(value ? "true" : "false");
  if (stack_.empty()) done_ = true;
  return *this;
}

JsonWriter& JsonWriter::Null() {
  BeforeValue();
  out_.append("null");
  if (stack_.empty()) done_ = true;
  return *this;
}

std::string JsonWriter::Take() && {
  if (!done_) std::abort();
  return std::move(out_);
}

}  // namespace certledger
