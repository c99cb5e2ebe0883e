// Domain rules: GB 11643 ID numbers, codes, levels, routes, dates.
#include <catch2/catch.hpp>

#include "certledger/certificate_rules.h"

using namespace certledger;

namespace {

const Date kToday{2026, 1, 10};

std::string IdMessage(IdType type, std::string_view id) {
  Status s = CheckIdNumber(type, id, kToday);
  return s.ok() ? "OK" : s.message();
}

// The check character computed another way than the library does: the
// weights as 2^(17-i) mod 11 and the check as (12 - S mod 11) mod 11
// (ISO 7064 MOD 11-2 in the form GB 11643-1999 section 5.5 gives it).
char IndependentCheck(std::string_view body) {
  int s = 0;
  int w = 1;
  for (int i = 16; i >= 0; --i) {
    w = (w * 2) % 11;
    s += (body[static_cast<std::size_t>(i)] - '0') * w;
  }
  int r = (12 - s % 11) % 11;
  return r == 10 ? 'X' : static_cast<char>('0' + r);
}

Certificate Skill() {
  Certificate c;
  c.number = "Y000131000123261000001";
  c.type = CertificateType::kSkill;
  c.level = Level::kSkill1;
  c.route = Route::kExam;
  c.issued = Date{2026, 1, 5};
  c.evaluated = Date{2025, 12, 20};
  c.holder = {{"name", Hash256{}}, {"id", Hash256{}}};
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "--";
  c.project = "P-1";
  return c;
}

Certificate Title() {
  Certificate c;
  c.number = "AWGC-2026-000001";
  c.type = CertificateType::kTitle;
  c.level = Level::kDeputySenior;
  c.route = Route::kReview;
  c.issued = Date{2026, 1, 5};
  c.evaluated = Date{2025, 12, 20};
  c.holder = {{"name", Hash256{}}, {"id", Hash256{}}};
  c.series = "engineering";
  c.specialty = "集成电路";
  c.committee = "评审委员会";
  return c;
}

}  // namespace

TEST_CASE("rules: GB 11643-1999 annex A examples pass", "[issuer][rules]") {
  // GB 11643-1999 annex A (公民身份号码实例): 北京市朝阳区 11010519491231002X
  // and 广东省汕头市 440524188001010014 (the latter, born 1880, is older than
  // certledger accepts, so only its check digit is tested).
  CHECK(Gb11643CheckCharacter("11010519491231002") == 'X');
  CHECK(Gb11643CheckCharacter("44052418800101001") == '4');
  CHECK(IdMessage(IdType::kResident, "11010519491231002X") == "OK");
  CHECK(IdMessage(IdType::kResident, "440524188001010014") ==
        "the ID number's birth date is before 1900");
}

TEST_CASE("rules: the check digit agrees with an independent computation", "[issuer][rules]") {
  for (std::string body : {"31010119900101123", "31011519850612004", "32058319880808333",
                           "31010719870930452", "65010219991231000", "81000019800229011"}) {
    INFO(body);
    CHECK(Gb11643CheckCharacter(body) == IndependentCheck(body));
    CHECK(IdMessage(IdType::kResident, body + IndependentCheck(body)) == "OK");
  }
}

TEST_CASE("rules: every resident ID message, none quoting the number", "[issuer][rules]") {
  CHECK(IdMessage(IdType::kResident, "") == "ID number is empty");
  CHECK(IdMessage(IdType::kResident, "31010119900101123") ==
        "a resident ID number has 18 characters, not 17");
  CHECK(IdMessage(IdType::kResident, "3101011990A101123X") ==
        "a resident ID number is 17 digits and a check digit 0-9 or X; character 11 is not");
  CHECK(IdMessage(IdType::kResident, "990101199001011234") ==
        "the ID number's region code 99 is no province of China");
  CHECK(IdMessage(IdType::kResident, "310101199002301234") ==
        "the ID number's birth date (characters 7 to 14) is not a real date");
  CHECK(IdMessage(IdType::kResident, "310101202701011234") ==
        "the ID number's birth date is in the future");
  CHECK(IdMessage(IdType::kResident, "310101199001011235") ==
        "the ID number fails its GB 11643 check digit: a character is mistyped");
  // A lower-case x is normalized first.
  CHECK(NormalizeIdNumber("11010519491231002x") == "11010519491231002X");
}

TEST_CASE("rules: other identity documents", "[issuer][rules]") {
  CHECK(IdMessage(IdType::kPassport, "E12345678") == "OK");
  CHECK(IdMessage(IdType::kPassport, "E1234") == "OK");
  CHECK(IdMessage(IdType::kPassport, "e1234567") ==
        "a passport number is 5 to 20 capital letters and digits");
  CHECK(IdMessage(IdType::kHkMacaoPermit, "H1234") == "OK");
  CHECK(IdMessage(IdType::kTaiwanPermit, "1234") ==
        "a Taiwan residents' permit number is 5 to 20 capital letters and digits");
  CHECK(IdMessage(IdType::kForeignPermanent, "USA123456789012") == "OK");
  std::string body = "93310019900101123";
  CHECK(IdMessage(IdType::kForeignPermanent, body + IndependentCheck(body)) == "OK");
  CHECK(IdMessage(IdType::kForeignPermanent, "310101199001011234") ==
        "a foreign permanent resident ID number has 18 characters beginning with 9, or 15 "
        "(3 letters and 12 digits)");
  CHECK(ParseIdType("居民身份证") == IdType::kResident);
  CHECK(ParseIdType("passport") == IdType::kPassport);
  CHECK(!ParseIdType("driving_licence"));
}

TEST_CASE("rules: holder names", "[issuer][rules]") {
  CHECK(CheckHolderName("王建国").ok());
  CHECK(CheckHolderName("买买提·艾力").ok());
  CHECK(CheckHolderName("Anna-Maria O'Neil").ok());
  CHECK(CheckHolderName("").message() == "name is empty");
  CHECK(CheckHolderName("张3").message() == "name holds a digit");
  CHECK(CheckHolderName("张\xEF\xBC\x93").message() == "name holds a digit");  // fullwidth 3
  CHECK(CheckHolderName("张\t三").message() == "name holds a control character");
  CHECK(CheckHolderName("a@b").message() == "name holds the character \"@\"");
  CHECK(CheckHolderName(std::string(65, 'a')).message() == "name is longer than 64 characters");
}

TEST_CASE("rules: occupation and series codes", "[issuer][rules]") {
  CHECK(CheckOccupationCode("6-18-01-01").ok());
  CHECK(CheckOccupationCode("2-02-10-09").ok());
  for (const char* bad : {"6-18-1-01", "618-01-01", "9-18-01-01", "0-18-01-01", "6-18-01-01-01",
                          "6-18-01-0a", ""}) {
    INFO(bad);
    CHECK(CheckOccupationCode(bad).message() ==
          "malformed occupation code \"" + std::string(bad) +
              "\": expected the form 6-18-01-01 (major category 1-8, then three two-digit groups)");
  }
  CHECK(CheckSeriesCode("engineering").ok());
  CHECK(CheckSeriesCode("higher_education").ok());
  CHECK(CheckSeriesCode("工程").message() ==
        "malformed series code \"工程\": expected lower-case letters, digits, '_' or '-', e.g. "
        "engineering");
  CHECK(!CheckSeriesCode("Engineering").ok());
  CHECK(!CheckSeriesCode("1x").ok());
}

TEST_CASE("rules: levels as people write them", "[issuer][rules]") {
  using T = CertificateType;
  CHECK(*ParseLevelText(T::kSkill, "一级/高级技师") == Level::kSkill1);
  CHECK(*ParseLevelText(T::kSkill, "高级技师") == Level::kSkill1);
  CHECK(*ParseLevelText(T::kSkill, "一级") == Level::kSkill1);
  CHECK(*ParseLevelText(T::kSkill, "1") == Level::kSkill1);
  CHECK(*ParseLevelText(T::kSkill, "学徒工") == Level::kApprentice);
  CHECK(*ParseLevelText(T::kSkill, "特级技师") == Level::kSpecial);
  CHECK(*ParseLevelText(T::kSkill, "首席技师") == Level::kChief);
  CHECK(*ParseLevelText(T::kSkill, "五级/初级工") == Level::kSkill5);
  CHECK(*ParseLevelText(T::kTitle, "员级") == Level::kYuan);
  CHECK(*ParseLevelText(T::kTitle, "助理级") == Level::kAssistant);
  CHECK(*ParseLevelText(T::kTitle, "中级") == Level::kIntermediate);
  CHECK(*ParseLevelText(T::kTitle, "副高级") == Level::kDeputySenior);
  CHECK(*ParseLevelText(T::kTitle, "正高级") == Level::kFullSenior);
  const std::string skill_levels =
      "skill levels are 学徒工, 五级/初级工, 四级/中级工, 三级/高级工, 二级/技师, "
      "一级/高级技师, 特级技师, 首席技师";
  CHECK(ParseLevelText(T::kSkill, "九级").status().message() ==
        "unknown skill level \"九级\"; " + skill_levels);
  CHECK(ParseLevelText(T::kSkill, "中级").status().message() ==
        "a skill certificate has no level \"中级\" (a professional title level); " + skill_levels);
  CHECK(ParseLevelText(T::kTitle, "技师").status().message() ==
        "a professional title has no level \"技师\" (a skill level); title levels are 员级, "
        "助理级, 中级, 副高级, 正高级");
}

TEST_CASE("rules: routes as people write them", "[issuer][rules]") {
  using T = CertificateType;
  CHECK(*ParseRouteText(T::kSkill, "考核评价") == Route::kExam);
  CHECK(*ParseRouteText(T::kSkill, "以赛代评") == Route::kCompetition);
  CHECK(*ParseRouteText(T::kTitle, "以赛代评") == Route::kCompetition);
  CHECK(*ParseRouteText(T::kTitle, "绿色通道") == Route::kGreenChannel);
  CHECK(*ParseRouteText(T::kTitle, "skill_to_title") == Route::kSkillToTitle);
  CHECK(ParseRouteText(T::kSkill, "green_channel").status().message() ==
        "\"green_channel\" (绿色通道) is not a route of skill certificates; they have exam "
        "(考核评价), competition (以赛代评), direct (直接认定), exemption (免试理论知识)");
  CHECK(ParseRouteText(T::kTitle, "lottery").status().message() ==
        "unknown route \"lottery\"; routes of professional titles are competition (以赛代评), "
        "review (评审), green_channel (绿色通道), direct_train (直通车), overseas "
        "(境外职业资格比照认定), recommendation (专家举荐), skill_to_title (技能人才贯通)");
}

TEST_CASE("rules: types and dates as text", "[issuer][rules]") {
  CHECK(*ParseCertificateTypeText("职称") == CertificateType::kTitle);
  CHECK(*ParseCertificateTypeText("skill") == CertificateType::kSkill);
  CHECK(ParseCertificateTypeText("diploma").status().message() ==
        "unknown certificate type \"diploma\": expected skill (职业技能等级证书) or title "
        "(专业技术职称)");
  CHECK(*ParseDateText("2025/12/01") == Date{2025, 12, 1});
  CHECK(*ParseDateText("2025.12.01") == Date{2025, 12, 1});
  CHECK(ParseDateText("2025-02-29").status().message() ==
        "\"2025-02-29\" is not a date (expected YYYY-MM-DD)");
  CHECK(ParseDateText("2025/12-01").status().message() ==
        "\"2025/12-01\" is not a date (expected YYYY-MM-DD)");
}

TEST_CASE("rules: the date in China", "[issuer][rules]") {
  // 2025-12-31T16:00:00Z is midnight in China (UTC+8); Python's datetime
  // gives 1767196800 for it.
  CHECK(ChinaCivilDate(1767196800) == Date{2026, 1, 1});
  CHECK(ChinaCivilDate(1767196799) == Date{2025, 12, 31});
  CHECK(ChinaMidnight(Date{2026, 1, 1}) == 1767196800);
  CHECK(ChinaCivilDate(0) == Date{1970, 1, 1});
  CHECK(ChinaCivilDate(951753600) == Date{2000, 2, 29});  // 2000-02-28T16:00Z
}

TEST_CASE("rules: a valid certificate of each type passes", "[issuer][rules]") {
  CHECK(CheckCertificate(Skill(), kToday).empty());
  CHECK(CheckCertificate(Title(), kToday).empty());
  Certificate overseas = Title();
  overseas.route = Route::kOverseas;
  overseas.foreign = "CIMA";
  CHECK(CheckCertificate(overseas, kToday).empty());
}

TEST_CASE("rules: CheckCertificate messages", "[issuer][rules]") {
  auto first = [](const Certificate& c) {
    auto e = CheckCertificate(c, kToday);
    return e.empty() ? FieldError{} : e[0];
  };
  Certificate c = Skill();
  c.level = Level::kIntermediate;
  CHECK(first(c) == FieldError{"level", "a skill certificate has no level \"intermediate\" (a "
                                        "professional title level)"});
  c = Skill();
  c.route = Route::kGreenChannel;
  CHECK(first(c) == FieldError{"route", "\"green_channel\" (绿色通道) is not a route of skill "
                                        "certificates"});
  c = Title();
  c.route = Route::kOverseas;
  CHECK(first(c) == FieldError{"foreign", "the overseas route needs the foreign qualification "
                                          "it maps (e.g. CIMA)"});
  c = Title();
  c.foreign = "CIMA";
  CHECK(first(c) == FieldError{"foreign", "a foreign qualification belongs only to the overseas "
                                          "route"});
  c = Skill();
  c.evaluated = Date{2026, 1, 11};
  c.issued = Date{2026, 1, 11};
  auto both = CheckCertificate(c, kToday);
  REQUIRE(both.size() == 2);
  CHECK(both[0] == FieldError{"evaluated", "the evaluation date 2026-01-11 is in the future "
                                           "(today is 2026-01-10 in China)"});
  CHECK(both[1] == FieldError{"issued", "the issue date 2026-01-11 is in the future (today is "
                                        "2026-01-10 in China)"});
  c = Skill();
  c.evaluated = Date{2026, 1, 6};
  CHECK(first(c) == FieldError{"evaluated", "the evaluation date 2026-01-06 is after the issue "
                                            "date 2026-01-05"});
  c = Skill();
  c.expires = Date{2026, 1, 5};
  CHECK(first(c) == FieldError{"expires", "the expiry date 2026-01-05 is not after the issue "
                                          "date 2026-01-05"});
  c = Skill();
  c.occupation = "61801";
  CHECK(first(c).field == "occupation");
  c = Title();
  c.occupation = "6-18-01-01";
  CHECK(first(c) == FieldError{"occupation", "a professional title has no occupation; leave it "
                                             "empty"});
  c = Skill();
  c.project = "";
  CHECK(first(c) == FieldError{"project", "is empty"});
  c = Skill();
  c.occupation_name = "车\x01工";
  CHECK(first(c) == FieldError{"occupation_name", "holds a control character"});
  c = Skill();
  c.number = "Y 1";
  CHECK(first(c).field == "number");
  c = Skill();
  c.holder.erase("id");
  CHECK(first(c) == FieldError{"holder", "needs exactly the commitments \"name\" and \"id\""});
}
