// The strict JSON reader (see json_reader.h). Grammar, RFC 8259 section 2-7:
//
//   JSON-text = ws value ws
//   value     = "null" / "true" / "false" / number / string / array / object
//   object    = "{" ws [ member *( ws "," ws member ) ] ws "}"
//   member    = string ws ":" ws value
//   array     = "[" ws [ value *( ws "," ws value ) ] ws "]"
//   number    = [ "-" ] ( "0" / %x31-39 *DIGIT ) [ "." 1*DIGIT ]
//               [ ( "e" / "E" ) [ "+" / "-" ] 1*DIGIT ]
//   string    = %x22 *( unescaped / "\" escape ) %x22
//   escape    = %x22 / "\" / "/" / "b" / "f" / "n" / "r" / "t" / "u" 4HEXDIG
//   ws        = *( %x20 / %x09 / %x0A / %x0D )
//
// Strings are checked to be UTF-8 by the escape decoder only: raw bytes
// other than controls are passed through as received.
#include "certledger/json_reader.h"

#include "certledger/bytes.h"

namespace certledger {
namespace {

class Parser {
 public:
  explicit Parser(std::string_view text) : text_(text) {}

  Result<JsonValue> Document() {
    SkipSpace();
    JsonValue v;
    CL_RETURN_IF_ERROR(Value(v, 0));
    SkipSpace();
    if (pos_ != text_.size()) return Error("trailing data after the value");
    return v;
  }

 private:
  Status Error(std::string_view what) const {
    return Status::InvalidArgument("JSON at byte " + std::to_string(pos_) + ": " +
                                   std::string(what));
  }

  void SkipSpace() {
    while (pos_ < text_.size() && (text_[pos_] == ' ' || text_[pos_] == '\t' ||
                                   text_[pos_] == '\n' || text_[pos_] == '\r')) {
      ++pos_;
    }
  }

  bool Literal(std::string_view word) {
    if (text_.substr(pos_, word.size()) != word) return false;
    pos_ += word.size();
    return true;
  }

  Status Value(JsonValue& out, int depth) {
    if (depth >= kMaxJsonDepth) return Error("nested deeper than " + std::to_string(kMaxJsonDepth));
    if (pos_ >= text_.size()) return Error("unexpected end, a value was expected");
    const char c = text_[pos_];
    if (c == '{') return Object(out, depth);
    if (c == '[') return Array(out, depth);
    if (c == '"') {
      out.type = JsonValue::Type::kString;
      return String(out.text);
    }
    if (c == '-' || (c >= '0' && c <= '9')) return Number(out);
    if (Literal("null")) {
      out.type = JsonValue::Type::kNull;
      return Status::OK();
    }
    if (Literal("true") || Literal("false")) {
      out.type = JsonValue::Type::kBool;
      out.boolean = text_[pos_ - 1] == 'e' && text_[pos_ - 2] == 'u';
      return Status::OK();
    }
    return Error(std::string("unexpected character '") + c + "'");
  }

  Status Object(JsonValue& out, int depth) {
    out.type = JsonValue::Type::kObject;
    ++pos_;  // '{'
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == '}') {
      ++pos_;
      return Status::OK();
    }
    for (;;) {
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != '"') return Error("a member name was expected");
      std::string name;
      CL_RETURN_IF_ERROR(String(name));
      SkipSpace();
      if (pos_ >= text_.size() || text_[pos_] != ':') return Error("':' was expected");
      ++pos_;
      SkipSpace();
      JsonValue member;
      CL_RETURN_IF_ERROR(Value(member, depth + 1));
      if (!out.object.emplace(name, std::move(member)).second) {
        return Error("duplicate member \"" + name + "\"");
      }
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unexpected end in an object");
      if (text_[pos_] == '}') {
        ++pos_;
        return Status::OK();
      }
      if (text_[pos_] != ',') return Error("',' or '}' was expected");
      ++pos_;
    }
  }

  Status Array(JsonValue& out, int depth) {
    out.type = JsonValue::Type::kArray;
    ++pos_;  // '['
    SkipSpace();
    if (pos_ < text_.size() && text_[pos_] == ']') {
      ++pos_;
      return Status::OK();
    }
    for (;;) {
      SkipSpace();
      JsonValue element;
      CL_RETURN_IF_ERROR(Value(element, depth + 1));
      out.array.push_back(std::move(element));
      SkipSpace();
      if (pos_ >= text_.size()) return Error("unexpected end in an array");
      if (text_[pos_] == ']') {
        ++pos_;
        return Status::OK();
      }
      if (text_[pos_] != ',') return Error("',' or ']' was expected");
      ++pos_;
    }
  }

  bool Digits() {
    const std::size_t start = pos_;
    while (pos_ < text_.size() && text_[pos_] >= '0' && text_[pos_] <= '9') ++pos_;
    return pos_ > start;
  }

  Status Number(JsonValue& out) {
    const std::size_t start = pos_;
    if (text_[pos_] == '-') ++pos_;
    if (pos_ < text_.size() && text_[pos_] == '0') {
      ++pos_;
    } else if (!Digits()) {
      return Error("a digit was expected");
    }
    if (pos_ < text_.size() && text_[pos_] == '.') {
      ++pos_;
      if (!Digits()) return Error("a digit was expected after '.'");
    }
    if (pos_ < text_.size() && (text_[pos_] == 'e' || text_[pos_] == 'E')) {
      ++pos_;
      if (pos_ < text_.size() && (text_[pos_] == '+' || text_[pos_] == '-')) ++pos_;
      if (!Digits()) return Error("a digit was expected in the exponent");
    }
    out.type = JsonValue::Type::kNumber;
    out.text = std::string(text_.substr(start, pos_ - start));
    return Status::OK();
  }

  Result<std::uint32_t> Hex4() {
    if (text_.size() - pos_ < 4) return Error("a \\u escape needs four hex digits");
    std::uint32_t v = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = text_[pos_++];
      v <<= 4;
      if (c >= '0' && c <= '9') {
        v |= static_cast<std::uint32_t>(c - '0');
      } else if (c >= 'a' && c <= 'f') {
        v |= static_cast<std::uint32_t>(c - 'a' + 10);
      } else if (c >= 'A' && c <= 'F') {
        v |= static_cast<std::uint32_t>(c - 'A' + 10);
      } else {
        --pos_;
        return Error("a \\u escape needs four hex digits");
      }
    }
    return v;
  }

  static void AppendUtf8(std::string& out, std::uint32_t cp) {
    if (cp < 0x80) {
      out.push_back(static_cast<char>(cp));
    } else if (cp < 0x800) {
      out.push_back(static_cast<char>(0xC0 | (cp >> 6)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else if (cp < 0x10000) {
      out.push_back(static_cast<char>(0xE0 | (cp >> 12)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    } else {
      out.push_back(static_cast<char>(0xF0 | (cp >> 18)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 12) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | ((cp >> 6) & 0x3F)));
      out.push_back(static_cast<char>(0x80 | (cp & 0x3F)));
    }
  }

  Status String(std::string& out) {
    ++pos_;  // '"'
    for (;;) {
      if (pos_ >= text_.size()) return Error("unterminated string");
      const char c = text_[pos_];
      if (c == '"') {
        ++pos_;
        return Status::OK();
      }
      if (static_cast<unsigned char>(c) < 0x20) return Error("control character in a string");
      if (c != '\\') {
        out.push_back(c);
        ++pos_;
        continue;
      }
      ++pos_;
      if (pos_ >= text_.size()) return Error("unterminated escape");
      const char e = text_[pos_++];
      switch (e) {
        case '"': out.push_back('"'); break;
        case '\\': out.push_back('\\'); break;
        case '/': out.push_back('/'); break;
        case 'b': out.push_back('\b'); break;
        case 'f': out.push_back('\f'); break;
        case 'n': out.push_back('\n'); break;
        case 'r': out.push_back('\r'); break;
        case 't': out.push_back('\t'); break;
        case 'u': {
          CL_ASSIGN_OR_RETURN(std::uint32_t cp, Hex4());
          if (cp >= 0xDC00 && cp <= 0xDFFF) return Error("unpaired low surrogate");
          if (cp >= 0xD800 && cp <= 0xDBFF) {
            if (!Literal("\\u")) return Error("unpaired high surrogate");
            CL_ASSIGN_OR_RETURN(std::uint32_t low, Hex4());
            if (low < 0xDC00 || low > 0xDFFF) return Error("unpaired high surrogate");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          }
          AppendUtf8(out, cp);
          break;
        }
        default:
          --pos_;
          return Error(std::string("unknown escape '\\") + e + "'");
      }
    }
  }

  std::string_view text_;
  std::size_t pos_ = 0;
};

}  // namespace

const JsonValue* JsonValue::Find(std::string_view name) const {
  if (type != Type::kObject) return nullptr;
  auto it = object.find(name);
  return it == object.end() ? nullptr : &it->second;
}

std::optional<std::string> JsonValue::String(std::string_view name) const {
  const JsonValue* v = Find(name);
  if (v == nullptr || v->type != Type::kString) return std::nullopt;
  return v->text;
}

std::optional<std::uint64_t> JsonValue::Uint(std::string_view name) const {
  const JsonValue* v = Find(name);
  if (v == nullptr || v->type != Type::kNumber) return std::nullopt;
  return ParseCanonicalUint(v->text);
}

Result<JsonValue> ParseJson(std::string_view text) { return Parser(text).Document(); }

}  // namespace certledger
