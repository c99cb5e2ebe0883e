// Certificate numbers: the national skill number and title patterns.
#include <catch2/catch.hpp>

#include <algorithm>

#include "certledger/numbering.h"

using namespace certledger;

TEST_CASE("numbering: DOMAIN.md's example number reads back", "[issuer][numbering]") {
  // shared/DOMAIN.md: Y000131 + 000123 + 25 + 1 + 000124.
  auto n = ParseSkillNumber("Y000131000123251000124");
  REQUIRE(n.ok());
  CHECK(n->codes.org_type == 'Y');
  CHECK(n->codes.org_code == "0001");
  CHECK(n->codes.province == "31");
  CHECK(n->codes.site == "000123");
  CHECK(n->year == 25);
  CHECK(n->level == Level::kSkill1);
  CHECK(n->serial == 124);
  CHECK(n->ToString() == "Y000131000123251000124");
  CHECK(n->Sequence() == "Y000131000123251");
}

TEST_CASE("numbering: level characters of every skill grade", "[issuer][numbering]") {
  SkillNumbering codes{'S', "0000", "31", "000007"};
  REQUIRE(codes.Check().ok());
  const std::pair<Level, char> expected[] = {
      {Level::kSkill1, '1'}, {Level::kSkill2, '2'},      {Level::kSkill3, '3'},
      {Level::kSkill4, '4'}, {Level::kSkill5, '5'},      {Level::kApprentice, '6'},
      {Level::kSpecial, 'T'}, {Level::kChief, 'S'}};
  for (auto [level, c] : expected) {
    SkillNumber n{codes, 26, level, 42};
    std::string text = n.ToString();
    INFO(text);
    CHECK(text.size() == 22);
    CHECK(text == std::string("S000031000007") + "26" + c + "000042");
    auto back = ParseSkillNumber(text);
    REQUIRE(back.ok());
    CHECK(back->level == level);
  }
  // The grades above level 1: two letters and 20 digits (DOMAIN.md).
  std::string special = SkillNumber{codes, 26, Level::kSpecial, 1}.ToString();
  CHECK(std::count_if(special.begin(), special.end(), [](char ch) { return ch >= 'A'; }) == 2);
}

TEST_CASE("numbering: malformed national numbers", "[issuer][numbering]") {
  auto msg = [](std::string_view s) { return ParseSkillNumber(s).status().message(); };
  CHECK(msg("Y00013100012325100012") == "a skill certificate number has 22 characters, not 21");
  CHECK(msg("X000131000123251000124") ==
        "a skill certificate number starts with Y (employer) or S (social evaluation "
        "organisation), not \"X\"");
  CHECK(msg("Y0001310001232510001A4") == "character 21 of a skill certificate number must be a digit");
  CHECK(msg("Y000131000123259000124") ==
        "character 16 of a skill certificate number is the level: 1-5, 6 (学徒工), T (特级技师) "
        "or S (首席技师), not \"9\"");
  CHECK(msg("Y000131000123251000000") ==
        "the serial of a skill certificate number starts at 000001");
}

TEST_CASE("numbering: the body's codes are checked", "[issuer][numbering]") {
  CHECK(SkillNumbering{'X', "0001", "31", "000123"}.Check().message() ==
        "org_type must be Y (employer) or S (social evaluation organisation)");
  CHECK(SkillNumbering{'Y', "001", "31", "000123"}.Check().message() == "org_code must be 4 digits");
  CHECK(SkillNumbering{'Y', "0001", "3a", "000123"}.Check().message() == "province must be 2 digits");
  CHECK(SkillNumbering{'Y', "0001", "31", "00123"}.Check().message() == "site must be 6 digits");
  CHECK(SkillNumbering{'Y', "0001", "31", "000123"}.Prefix() == "Y000131000123");
}

TEST_CASE("numbering: title patterns", "[issuer][numbering]") {
  auto p = TitleNumberPattern::Parse("{committee}-{year}-{serial:6}");
  REQUIRE(p.ok());
  TitleNumberPattern::Fields f{"SHGC", 2026, "engineering"};
  CHECK(*p->Format(f, 1) == "SHGC-2026-000001");
  CHECK(*p->Format(f, 999999) == "SHGC-2026-999999");
  CHECK(p->max_serial() == 999999);
  CHECK(p->Format(f, 1000000).status().code() == StatusCode::kResourceExhausted);
  CHECK(p->Format(f, 0).status().code() == StatusCode::kResourceExhausted);
  CHECK(p->Sequence(f) == "SHGC-2026-######");
  CHECK(p->Match("SHGC-2026-000042", f).ok());
  CHECK(p->Match("SHGC-2025-000042", f).message() ==
        "certificate number \"SHGC-2025-000042\" does not follow the pattern "
        "\"{committee}-{year}-{serial:6}\" (expected e.g. \"SHGC-2026-000001\")");
  CHECK(!p->Match("SHGC-2026-00042", f).ok());
  CHECK(!p->Match("SHGC-2026-000000", f).ok());

  auto q = TitleNumberPattern::Parse("ZC{yy}.{series}.{serial:4}");
  REQUIRE(q.ok());
  CHECK(*q->Format(f, 7) == "ZC26.engineering.0007");
}

TEST_CASE("numbering: malformed title patterns", "[issuer][numbering]") {
  auto msg = [](std::string_view s) { return TitleNumberPattern::Parse(s).status().message(); };
  CHECK(msg("{committee}-{year}") ==
        "title number pattern \"{committee}-{year}\": needs exactly one {serial:N}");
  CHECK(msg("{serial:6}-{serial:6}") ==
        "title number pattern \"{serial:6}-{serial:6}\": needs exactly one {serial:N}");
  CHECK(msg("{serial:2}") ==
        "title number pattern \"{serial:2}\": the serial is written {serial:N} with N from 3 to 9");
  CHECK(msg("{month}-{serial:6}") ==
        "title number pattern \"{month}-{serial:6}\": unknown field {month} (fields: {committee}, "
        "{year}, {yy}, {series}, {serial:N})");
  CHECK(msg("{serial:6") == "title number pattern \"{serial:6\": '{' at position 1 is not closed");
  CHECK(msg("A/{serial:6}") ==
        "title number pattern \"A/{serial:6}\": character 2 is not a letter, digit, '-', '_' or '.'");
}

TEST_CASE("numbering: number characters", "[issuer][numbering]") {
  CHECK(CheckNumberCharacters("SHGC-2026-000001").ok());
  CHECK(CheckNumberCharacters("").message() == "certificate number is empty");
  CHECK(CheckNumberCharacters(std::string(65, '1')).message() ==
        "certificate number is longer than 64 characters");
  CHECK(CheckNumberCharacters("../etc").message() ==
        "certificate number \"../etc\" may hold only letters, digits, '-', '_' and '.', starting "
        "with a letter or digit");
  CHECK(!CheckNumberCharacters("A B").ok());
  CHECK(!CheckNumberCharacters("证书1").ok());
}
