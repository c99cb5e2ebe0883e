// CSV reader: RFC 4180 section 2 with the relaxations spreadsheets need.
//
// Grammar (ABNF, RFC 5234; RFC 4180's with the changes marked *):
//
//   file        = [bom] *(record / empty-line) [record]
//   bom         = %xEF.BB.BF                    ; * skipped
//   empty-line  = eol                           ; * skipped, not a record
//   record      = field *(COMMA field) (eol / end-of-file)
//   eol         = CRLF / LF / CR                ; * RFC 4180 has CRLF only
//   field       = escaped / non-escaped
//   escaped     = DQUOTE *(TEXTDATA / COMMA / CR / LF / 2DQUOTE) DQUOTE
//   non-escaped = *TEXTDATA
//   TEXTDATA    = any byte but DQUOTE, COMMA, CR and LF   ; * not only
//                                                         ; %x20-7E
//
// and every field's value (quotes removed, "" read as ") is valid UTF-8.
// A line break inside a quoted field is kept as it is in the value.
#include "certledger/csv.h"

#include <cstddef>
#include <cstdio>
#include <optional>
#include <string>

#include "certledger/utf8.h"

namespace certledger {
namespace {

bool IsLineBreak(char c) { return c == '\r' || c == '\n'; }

// The first byte of `s` that starts no valid UTF-8 sequence, if any.
std::optional<unsigned char> FirstInvalidByte(std::string_view s) {
  std::size_t pos = 0;
  while (pos < s.size()) {
    char32_t cp;
    if (!NextCodePoint(s, &pos, &cp)) return static_cast<unsigned char>(s[pos]);
  }
  return std::nullopt;
}

class Reader {
 public:
  explicit Reader(std::string_view text) : text_(text) {}

  CsvDocument Read() {
    if (text_.starts_with("\xEF\xBB\xBF")) {
      pos_ = 3;
    } else if (text_.starts_with("\xFF\xFE") || text_.starts_with("\xFE\xFF")) {
      Error(1, 1, "the file is UTF-16; save it as UTF-8");
      return std::move(doc_);
    }
    while (pos_ < text_.size()) {
      if (IsLineBreak(text_[pos_])) {
        SkipLineBreak();
        continue;
      }
      if (!ReadRecord()) break;
    }
    return std::move(doc_);
  }

 private:
  void Error(std::size_t line, std::size_t column, std::string message) {
    doc_.errors.push_back(CsvError{line, column, std::move(message)});
  }

  // Precondition: text_[pos_] is CR or LF.
  void SkipLineBreak() {
    if (text_[pos_] == '\r' && pos_ + 1 < text_.size() && text_[pos_ + 1] == '\n') ++pos_;
    ++pos_;
    ++line_;
  }

  // Reads one record into doc_. False when the rest of the file was
  // consumed by an unclosed quote.
  bool ReadRecord() {
    CsvRecord record;
    record.line = line_;
    for (;;) {
      const std::size_t column = record.fields.size() + 1;
      const std::size_t field_line = line_;
      const std::size_t field_errors = doc_.errors.size();
      std::string field;
      bool ok = pos_ < text_.size() && text_[pos_] == '"' ? ReadQuoted(column, &field)
                                                         : ReadPlain(column, &field);
      if (auto bad = FirstInvalidByte(field)) {
        char hex[8];
        std::snprintf(hex, sizeof hex, "0x%02X", *bad);
        // Before the field's other errors: a quoted field may span lines,
        // and "text after a closing quote" is on its last one.
        doc_.errors.insert(
            doc_.errors.begin() + static_cast<std::ptrdiff_t>(field_errors),
            CsvError{field_line, column,
                     std::string("invalid UTF-8 (byte ") + hex +
                         "); save the file as UTF-8, not GBK"});
      }
      record.fields.push_back(std::move(field));
      if (!ok) {
        doc_.records.push_back(std::move(record));
        return false;
      }
      if (pos_ >= text_.size()) break;
      if (text_[pos_] == ',') {
        ++pos_;
        continue;
      }
      SkipLineBreak();
      break;
    }
    doc_.records.push_back(std::move(record));
    return true;
  }

  bool ReadPlain(std::size_t column, std::string* field) {
    bool reported = false;
    while (pos_ < text_.size() && text_[pos_] != ',' && !IsLineBreak(text_[pos_])) {
      if (text_[pos_] == '"' && !reported) {
        Error(line_, column,
              "a quote inside an unquoted field; quote the whole field and double the quote");
        reported = true;
      }
      field->push_back(text_[pos_++]);
    }
    return true;
  }

  bool ReadQuoted(std::size_t column, std::string* field) {
    const std::size_t open_line = line_;
    ++pos_;  // the opening quote
    for (;;) {
      if (pos_ >= text_.size()) {
        Error(open_line, column, "a quoted field is not closed");
        return false;
      }
      char c = text_[pos_];
      if (c == '"') {
        if (pos_ + 1 < text_.size() && text_[pos_ + 1] == '"') {
          field->push_back('"');
          pos_ += 2;
          continue;
        }
        ++pos_;
        break;
      }
      // A line break inside the field: CRLF counts once, at its LF.
      if (c == '\n' || (c == '\r' && (pos_ + 1 >= text_.size() || text_[pos_ + 1] != '\n'))) {
        ++line_;
      }
      field->push_back(c);
      ++pos_;
    }
    if (pos_ < text_.size() && text_[pos_] != ',' && !IsLineBreak(text_[pos_])) {
      Error(line_, column, "text after a closing quote");
      while (pos_ < text_.size() && text_[pos_] != ',' && !IsLineBreak(text_[pos_])) ++pos_;
    }
    return true;
  }

  std::string_view text_;
  std::size_t pos_ = 0;
  std::size_t line_ = 1;
  CsvDocument doc_;
};

}  // namespace

std::string CsvError::ToString() const {
  return "line " + std::to_string(line) + ", column " + std::to_string(column) + ": " + message;
}

CsvDocument ParseCsv(std::string_view text) { return Reader(text).Read(); }

}  // namespace certledger
