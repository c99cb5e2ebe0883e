// A small strict JSON reader (RFC 8259) for tests: it checks that the
// server's answers are valid JSON and lets tests look inside them. It is
// written independently of the JsonWriter under test. Throws
// std::runtime_error on invalid JSON.
#ifndef CERTLEDGER_TESTS_VERIFIER_JSON_TEST_UTIL_H_
#define CERTLEDGER_TESTS_VERIFIER_JSON_TEST_UTIL_H_

#include <cstdint>
#include <map>
#include <memory>
#include <stdexcept>
#include <string>
#include <string_view>
#include <vector>

namespace certledger::test {

struct Json {
  enum class Type { kNull, kBool, kNumber, kString, kArray, kObject };
  Type type = Type::kNull;
  bool boolean = false;
  std::string number;  // the literal text
  std::string string;
  std::vector<Json> array;
  std::map<std::string, Json> object;

  bool Has(const std::string& key) const {
    return type == Type::kObject && object.count(key) != 0;
  }
  const Json& operator[](const std::string& key) const {
    if (type != Type::kObject) throw std::runtime_error("not an object, looking for " + key);
    auto it = object.find(key);
    if (it == object.end()) throw std::runtime_error("no member \"" + key + "\"");
    return it->second;
  }
  const Json& operator[](std::size_t i) const {
    if (type != Type::kArray || i >= array.size()) throw std::runtime_error("no element");
    return array[i];
  }
  const std::string& str() const {
    if (type != Type::kString) throw std::runtime_error("not a string");
    return string;
  }
  std::uint64_t u64() const {
    if (type != Type::kNumber) throw std::runtime_error("not a number");
    return std::stoull(number);
  }
  bool b() const {
    if (type != Type::kBool) throw std::runtime_error("not a boolean");
    return boolean;
  }
  std::size_t size() const { return type == Type::kArray ? array.size() : object.size(); }
};

class JsonReader {
 public:
  static Json Parse(std::string_view text) {
    JsonReader r(text);
    r.Space();
    Json v = r.Value(0);
    r.Space();
    if (r.pos_ != text.size()) r.Fail("trailing characters");
    return v;
  }

 private:
  explicit JsonReader(std::string_view text) : s_(text) {}

  [[noreturn]] void Fail(const std::string& what) const {
    throw std::runtime_error("invalid JSON at " + std::to_string(pos_) + ": " + what);
  }
  void Space() {
    while (pos_ < s_.size() &&
           (s_[pos_] == ' ' || s_[pos_] == '\t' || s_[pos_] == '\n' || s_[pos_] == '\r')) {
      ++pos_;
    }
  }
  char Peek() const { return pos_ < s_.size() ? s_[pos_] : '\0'; }
  void Expect(char c) {
    if (Peek() != c) Fail(std::string("expected '") + c + "'");
    ++pos_;
  }
  void Literal(std::string_view word) {
    if (s_.substr(pos_, word.size()) != word) Fail("bad literal");
    pos_ += word.size();
  }

  Json Value(int depth) {
    if (depth > 64) Fail("too deep");
    Json v;
    const char c = Peek();
    if (c == '{') {
      v.type = Json::Type::kObject;
      ++pos_;
      Space();
      if (Peek() == '}') {
        ++pos_;
        return v;
      }
      for (;;) {
        Space();
        std::string key = String();
        Space();
        Expect(':');
        Space();
        if (v.object.count(key) != 0) Fail("duplicate member " + key);
        v.object[key] = Value(depth + 1);
        Space();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect('}');
        return v;
      }
    }
    if (c == '[') {
      v.type = Json::Type::kArray;
      ++pos_;
      Space();
      if (Peek() == ']') {
        ++pos_;
        return v;
      }
      for (;;) {
        Space();
        v.array.push_back(Value(depth + 1));
        Space();
        if (Peek() == ',') {
          ++pos_;
          continue;
        }
        Expect(']');
        return v;
      }
    }
    if (c == '"') {
      v.type = Json::Type::kString;
      v.string = String();
      return v;
    }
    if (c == 't' || c == 'f') {
      v.type = Json::Type::kBool;
      v.boolean = c == 't';
      Literal(c == 't' ? "true" : "false");
      return v;
    }
    if (c == 'n') {
      Literal("null");
      return v;
    }
    v.type = Json::Type::kNumber;
    const std::size_t start = pos_;
    if (Peek() == '-') ++pos_;
    if (Peek() == '0') {
      ++pos_;
    } else if (Peek() >= '1' && Peek() <= '9') {
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    } else {
      Fail("unexpected character");
    }
    if (Peek() == '.') {
      ++pos_;
      if (!(Peek() >= '0' && Peek() <= '9')) Fail("bad fraction");
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    }
    if (Peek() == 'e' || Peek() == 'E') {
      ++pos_;
      if (Peek() == '+' || Peek() == '-') ++pos_;
      if (!(Peek() >= '0' && Peek() <= '9')) Fail("bad exponent");
      while (Peek() >= '0' && Peek() <= '9') ++pos_;
    }
    v.number = std::string(s_.substr(start, pos_ - start));
    return v;
  }

  unsigned Hex4() {
    unsigned value = 0;
    for (int i = 0; i < 4; ++i) {
      const char c = Peek();
      int d = -1;
      if (c >= '0' && c <= '9') d = c - '0';
      if (c >= 'a' && c <= 'f') d = c - 'a' + 10;
      if (c >= 'A' && c <= 'F') d = c - 'A' + 10;
      if (d < 0) Fail("bad \\u escape");
      value = value * 16 + static_cast<unsigned>(d);
      ++pos_;
    }
    return value;
  }

  static void AppendUtf8(std::string& out, unsigned cp) {
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

  std::string String() {
    Expect('"');
    std::string out;
    for (;;) {
      if (pos_ >= s_.size()) Fail("unterminated string");
      const auto c = static_cast<unsigned char>(s_[pos_++]);
      if (c == '"') return out;
      if (c < 0x20) Fail("unescaped control character");
      if (c != '\\') {
        out.push_back(static_cast<char>(c));
        continue;
      }
      const char e = Peek();
      ++pos_;
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
          unsigned cp = Hex4();
          if (cp >= 0xD800 && cp < 0xDC00) {
            Expect('\\');
            Expect('u');
            const unsigned low = Hex4();
            if (low < 0xDC00 || low > 0xDFFF) Fail("bad surrogate pair");
            cp = 0x10000 + ((cp - 0xD800) << 10) + (low - 0xDC00);
          } else if (cp >= 0xDC00 && cp <= 0xDFFF) {
            Fail("lone low surrogate");
          }
          AppendUtf8(out, cp);
          break;
        }
        default: Fail("bad escape");
      }
    }
  }

  std::string_view s_;
  std::size_t pos_ = 0;
};

inline Json ParseJson(std::string_view text) { return JsonReader::Parse(text); }

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_VERIFIER_JSON_TEST_UTIL_H_
