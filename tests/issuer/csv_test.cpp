// CSV reading: RFC 4180 section 2 examples, spreadsheet relaxations, and
// every error message with its line and column.
#include <catch2/catch.hpp>

#include "certledger/csv.h"

using namespace certledger;

namespace {

std::vector<std::vector<std::string>> Fields(const CsvDocument& doc) {
  std::vector<std::vector<std::string>> out;
  for (const CsvRecord& r : doc.records) out.push_back(r.fields);
  return out;
}

using Table = std::vector<std::vector<std::string>>;

}  // namespace

TEST_CASE("csv: RFC 4180 section 2 rules 1-7", "[issuer][csv]") {
  // Rule 1: records separated by CRLF; rule 2: the last one may lack it.
  auto d1 = ParseCsv("aaa,bbb,ccc\r\nzzz,yyy,xxx\r\n");
  CHECK(d1.errors.empty());
  CHECK(Fields(d1) == Table{{"aaa", "bbb", "ccc"}, {"zzz", "yyy", "xxx"}});
  auto d2 = ParseCsv("aaa,bbb,ccc\r\nzzz,yyy,xxx");
  CHECK(Fields(d2) == Fields(d1));
  // Rule 4: spaces are part of a field.
  auto d4 = ParseCsv(" aaa , b b\r\n");
  CHECK(Fields(d4) == Table{{" aaa ", " b b"}});
  // Rule 5: fields may be quoted.
  auto d5 = ParseCsv("\"aaa\",\"bbb\",\"ccc\"\r\nzzz,yyy,xxx");
  CHECK(Fields(d5) == Fields(d1));
  // Rule 6: quoted fields hold line breaks, quotes and commas.
  auto d6 = ParseCsv("\"aaa\",\"b\r\nbb\",\"ccc\"\r\nzzz,yyy,xxx");
  CHECK(d6.errors.empty());
  CHECK(Fields(d6) == Table{{"aaa", "b\r\nbb", "ccc"}, {"zzz", "yyy", "xxx"}});
  CHECK(d6.records[1].line == 3);  // the quoted line break counts
  // Rule 7: a quote inside a quoted field is doubled.
  auto d7 = ParseCsv("\"aaa\",\"b\"\"bb\",\"ccc\"");
  CHECK(Fields(d7) == Table{{"aaa", "b\"bb", "ccc"}});
}

TEST_CASE("csv: BOM, LF and CR line ends, empty lines, empty fields", "[issuer][csv]") {
  auto d = ParseCsv("\xEF\xBB\xBFname,id\n\n张三,1\r王五,\n,\n");
  CHECK(d.errors.empty());
  CHECK(Fields(d) == Table{{"name", "id"}, {"张三", "1"}, {"王五", ""}, {"", ""}});
  CHECK(d.records[1].line == 3);
  CHECK(d.records[2].line == 4);
  CHECK(d.records[3].line == 5);
  // A trailing comma at the end of the file is an empty last field.
  CHECK(Fields(ParseCsv("a,")) == Table{{"a", ""}});
  CHECK(ParseCsv("").records.empty());
}

TEST_CASE("csv: UTF-16 is refused with advice", "[issuer][csv]") {
  auto d = ParseCsv(std::string("\xFF\xFE" "n\0a\0", 6));
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0] == CsvError{1, 1, "the file is UTF-16; save it as UTF-8"});
}

TEST_CASE("csv: invalid UTF-8 (a GBK file) names line, column and byte", "[issuer][csv]") {
  // "张三" in GBK is D5 C5 C8 FD.
  auto d = ParseCsv("name,id\r\nx,\xD5\xC5\xC8\xFD\r\n\xB5,y\r\n");
  REQUIRE(d.errors.size() == 2);
  CHECK(d.errors[0] ==
        CsvError{2, 2, "invalid UTF-8 (byte 0xD5); save the file as UTF-8, not GBK"});
  CHECK(d.errors[1] ==
        CsvError{3, 1, "invalid UTF-8 (byte 0xB5); save the file as UTF-8, not GBK"});
  CHECK(d.errors[0].ToString() ==
        "line 2, column 2: invalid UTF-8 (byte 0xD5); save the file as UTF-8, not GBK");
  // Parsing went on: every record is there.
  CHECK(d.records.size() == 3);
}

TEST_CASE("csv: a quote inside an unquoted field", "[issuer][csv]") {
  auto d = ParseCsv("a,b\r\nx,say \"hi\"\r\n");
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0] ==
        CsvError{2, 2,
                 "a quote inside an unquoted field; quote the whole field and double the quote"});
}

TEST_CASE("csv: text after a closing quote", "[issuer][csv]") {
  auto d = ParseCsv("a,b,c\r\n1,\"x\"y,3\r\n");
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0] == CsvError{2, 2, "text after a closing quote"});
  CHECK(Fields(d)[1] == std::vector<std::string>{"1", "x", "3"});
}

TEST_CASE("csv: an unclosed quote names where it opened", "[issuer][csv]") {
  auto d = ParseCsv("a,b\r\n1,2\r\n3,\"open\r\nmore\r\n");
  REQUIRE(d.errors.size() == 1);
  CHECK(d.errors[0] == CsvError{3, 2, "a quoted field is not closed"});
}
