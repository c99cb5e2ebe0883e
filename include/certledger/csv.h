// CSV files (RFC 4180) of UTF-8 text, as spreadsheets write them.
//
// The grammar, with certledger's relaxations, is at the top of
// issuer/csv.cpp: a UTF-8 byte order mark is skipped, records end in CRLF,
// LF or a lone CR, the last line break is optional, and empty lines are
// skipped. Every field must be valid UTF-8.
//
// Positions count from 1: `line` is the physical line of the file (a quoted
// field may span several), `column` the field's place in its record (1 is
// the spreadsheet's column A).
//
// Thread safety: pure function over its argument; results are values.
#ifndef CERTLEDGER_CSV_H_
#define CERTLEDGER_CSV_H_

#include <cstddef>
#include <string>
#include <string_view>
#include <vector>

namespace certledger {

// One problem in a CSV file.
struct CsvError {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string message;

  // "line 3, column 2: <message>".
  std::string ToString() const;
  friend bool operator==(const CsvError&, const CsvError&) = default;
};

struct CsvRecord {
  std::size_t line = 0;             // where the record starts
  std::vector<std::string> fields;  // unquoted values, at least one
};

struct CsvDocument {
  std::vector<CsvRecord> records;  // in file order (the header is records[0])
  std::vector<CsvError> errors;    // empty when the file is well formed
};

// Reads `text`. Never fails as a whole: problems are listed in `errors`, in
// file order, and parsing goes on after each one where it can, so that a
// file's every problem is reported at once. The messages:
//   "the file is UTF-16; save it as UTF-8"   (a UTF-16 byte order mark)
//   "invalid UTF-8 (byte 0xB5); save the file as UTF-8, not GBK"
//       (once per field; the field's bytes are kept as they are)
//   "a quote inside an unquoted field; quote the whole field and double the quote"
//   "text after a closing quote"
//   "a quoted field is not closed"   (at the field's opening quote; the rest
//                                     of the file is that field)
// A record with an error is still returned, so callers can go on checking
// the other records, but must not use a file with errors.
CsvDocument ParseCsv(std::string_view text);

}  // namespace certledger

#endif  // CERTLEDGER_CSV_H_
