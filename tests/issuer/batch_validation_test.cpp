// Batch files: every validation message, each with a bad row, at its line,
// column and column name; and nothing issued while any row is bad.
#include <catch2/catch.hpp>

#include <algorithm>

#include "certledger/cbor.h"
#include "issuer_test_util.h"

using namespace certledger;
using namespace certledger::issuer_test;

namespace {

std::size_t Col(const std::string& name) {
  auto it = std::find(kHeader.begin(), kHeader.end(), name);
  return static_cast<std::size_t>(it - kHeader.begin()) + 1;
}

struct Fixture {
  TempDir dir{"batch_validation"};
  std::unique_ptr<IssuerStore> store = std::move(IssuerStore::Open(dir.path() + "/store")).value();
  IssuerProfile profile = Profile();
  BatchOptions options = Options();

  std::vector<RowError> Errors(const std::string& csv) {
    return PlanBatch(csv, profile, *store, options).errors;
  }
  // The one error of a file whose line 2 is good and line 3 is `bad`.
  RowError OnlyError(const Row& bad) {
    auto errors = Errors(Csv({SkillRow(), bad}));
    INFO(Csv({SkillRow(), bad}));
    for (const auto& e : errors) INFO(e.ToString());
    REQUIRE(errors.size() == 1);
    return errors[0];
  }
  RowError FieldError(const std::string& column, const std::string& message) const {
    return RowError{3, Col(column), column, message};
  }
};

}  // namespace

TEST_CASE("batch: the row hash is SHA-256 of the documented CBOR", "[issuer][batch]") {
  Fixture f;
  // Columns in another order, spaces around a value, an empty column: the
  // hash covers the non-empty values by column name (batch_plan.cpp).
  std::string csv =
      "name,type,id_number,level,route,occupation,occupation_name,project,evaluated,work_type\n"
      " 王建国 ,skill,310101199001011234,1,exam,6-18-01-01,车工,P,2025-12-20,\n";
  BatchPlan plan = PlanBatch(csv, f.profile, *f.store, f.options);
  REQUIRE(plan.rows.size() == 1);
  cbor::Value fields = cbor::Value::MakeMap();
  fields.Set("type", cbor::Value::Text("skill"));
  fields.Set("name", cbor::Value::Text("王建国"));
  fields.Set("id_number", cbor::Value::Text("310101199001011234"));
  fields.Set("level", cbor::Value::Text("1"));
  fields.Set("route", cbor::Value::Text("exam"));
  fields.Set("occupation", cbor::Value::Text("6-18-01-01"));
  fields.Set("occupation_name", cbor::Value::Text("车工"));
  fields.Set("project", cbor::Value::Text("P"));
  fields.Set("evaluated", cbor::Value::Text("2025-12-20"));
  Bytes expected_input = cbor::Encode(
      cbor::Value::MakeArray({cbor::Value::Text("certledger-row-1"), std::move(fields)}));
  CHECK(plan.rows[0].row_hash == Sha256::Hash(expected_input));
}

// ---- the file and its header ----

TEST_CASE("batch: a good file has no errors", "[issuer][batch]") {
  Fixture f;
  BatchPlan plan = PlanBatch(Csv({SkillRow(), TitleRow()}), f.profile, *f.store, f.options);
  for (const auto& e : plan.errors) INFO(e.ToString());
  CHECK(plan.errors.empty());
  REQUIRE(plan.rows.size() == 2);
  CHECK(plan.rows[0].line == 2);
  CHECK(plan.rows[0].certificate.level == Level::kSkill1);
  CHECK(plan.rows[0].certificate.work_type == "--");
  CHECK(plan.rows[1].certificate.committee == "阿尔法工程技术职称评审委员会");
}

TEST_CASE("batch message: the file has no header row", "[issuer][batch]") {
  Fixture f;
  CHECK(f.Errors("") == std::vector<RowError>{{0, 0, "", "the file has no header row"}});
}

TEST_CASE("batch message: the file has no rows below the header", "[issuer][batch]") {
  Fixture f;
  CHECK(f.Errors(Csv({})) ==
        std::vector<RowError>{{0, 0, "", "the file has no rows below the header"}});
}

TEST_CASE("batch message: unknown column", "[issuer][batch]") {
  Fixture f;
  auto header = kHeader;
  header[3] = "id_numbr";
  auto errors = f.Errors(Csv({SkillRow()}, header));
  REQUIRE(errors.size() == 2);
  CHECK(errors[0] == RowError{1, 0, "", "the header has no column \"id_number\""});
  CHECK(errors[1] == RowError{1, 4, "id_numbr", "unknown column \"id_numbr\""});
}

TEST_CASE("batch message: a column appears twice", "[issuer][batch]") {
  Fixture f;
  auto header = kHeader;
  header.push_back("姓名");  // the Chinese name of "name"
  auto errors = f.Errors(Csv({SkillRow()}, header));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == RowError{1, 19, "姓名", "column \"name\" appears twice"});
}

TEST_CASE("batch message: the header has no column", "[issuer][batch]") {
  Fixture f;
  auto header = kHeader;
  header.erase(header.begin() + 13);  // evaluated
  auto errors = f.Errors(Csv({SkillRow()}, header));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == RowError{1, 0, "", "the header has no column \"evaluated\""});
}

TEST_CASE("batch message: the row has too few fields", "[issuer][batch]") {
  Fixture f;
  std::string csv = Csv({SkillRow()}) + "skill,张三\r\n";
  CHECK(f.Errors(csv) == std::vector<RowError>{{3, 0, "", "the row has 2 fields, the header 18"}});
}

TEST_CASE("batch message: a value under a column without a name", "[issuer][batch]") {
  Fixture f;
  auto header = kHeader;
  header.push_back("");
  std::string csv = Csv({SkillRow()}, header);
  CHECK(f.Errors(csv).empty());  // an unnamed, empty column is ignored
  csv.insert(csv.size() - 2, "note");
  CHECK(f.Errors(csv) == std::vector<RowError>{{2, 19, "", "a value under a column without a name"}});
}

TEST_CASE("batch message: a row repeats an earlier line", "[issuer][batch]") {
  Fixture f;
  // The same result with other spacing and column order is the same row.
  std::string csv = Csv({SkillRow(), TitleRow()});
  Row spaced = SkillRow();
  spaced["name"] = " 王建国\xE3\x80\x80";  // a trailing ideographic space
  csv += Csv({spaced}).substr(csv.find("\r\n") + 2);
  CHECK(f.Errors(csv) == std::vector<RowError>{{4, 0, "", "repeats line 2"}});
}

TEST_CASE("batch message: CSV errors carry the column name", "[issuer][batch]") {
  Fixture f;
  std::string csv = Csv({With(SkillRow(), "name", "\xD5\xC5")});
  auto errors = f.Errors(csv);
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == RowError{2, 2, "name",
                              "invalid UTF-8 (byte 0xD5); save the file as UTF-8, not GBK"});
  CHECK(errors[0].ToString() ==
        "line 2, column 2 (name): invalid UTF-8 (byte 0xD5); save the file as UTF-8, not GBK");
}

TEST_CASE("batch message: the accreditation was withdrawn", "[issuer][batch]") {
  Fixture f;
  World world;
  Accreditation acc = world.AlphaAccreditation();
  acc.status = AccreditationStatus::kWithdrawn;
  f.options.accreditation = acc;
  CHECK(f.Errors(Csv({SkillRow()})) ==
        std::vector<RowError>{{0, 0, "", "the accreditation of \"alpha-works\" was withdrawn"}});
}

TEST_CASE("batch message: the profile has no skill numbering", "[issuer][batch]") {
  Fixture f;
  f.profile.skill.reset();
  CHECK(f.Errors(Csv({SkillRow(), TitleRow(), SkillRow()})) ==
        std::vector<RowError>{
            {2, 0, "", "the profile has no skill numbering (org_type, org_code, province, site)"},
            {4, 0, "", "repeats line 2"}});
}

TEST_CASE("batch message: the profile has no title committee", "[issuer][batch]") {
  Fixture f;
  f.profile.title_pattern.reset();
  CHECK(f.Errors(Csv({TitleRow()})) ==
        std::vector<RowError>{{2, 0, "",
                               "the profile has no title committee (committee_code, "
                               "committee_name, title_pattern)"}});
}

// ---- item 1: the certificate model ----

TEST_CASE("batch message: unknown certificate type", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "type", "diploma")) ==
        f.FieldError("type", "unknown certificate type \"diploma\": expected skill "
                             "(职业技能等级证书) or title (专业技术职称)"));
}

TEST_CASE("batch message: a required field is empty", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "type", "")) == f.FieldError("type", "is empty"));
  CHECK(f.OnlyError(With(SkillRow(), "level", "")) == f.FieldError("level", "is empty"));
  CHECK(f.OnlyError(With(SkillRow(), "route", "")) == f.FieldError("route", "is empty"));
  CHECK(f.OnlyError(With(SkillRow(), "evaluated", "")) == f.FieldError("evaluated", "is empty"));
}

TEST_CASE("batch message: bad holder name", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "name", "")) == f.FieldError("name", "name is empty"));
  CHECK(f.OnlyError(With(SkillRow(), "name", "王2")) == f.FieldError("name", "name holds a digit"));
}

TEST_CASE("batch message: unknown ID type", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "id_type", "驾驶证")) ==
        f.FieldError("id_type", "unknown ID type \"驾驶证\"; ID types are resident (居民身份证), "
                                "foreign_permanent (外国人永久居留身份证), passport (护照), "
                                "hk_macao_permit (港澳居民来往内地通行证), taiwan_permit "
                                "(台湾居民来往大陆通行证)"));
}

TEST_CASE("batch message: a mistyped ID number, and the number is never quoted",
          "[issuer][batch]") {
  Fixture f;
  RowError e = f.OnlyError(With(SkillRow(), "id_number", "310101199001011243"));
  CHECK(e == f.FieldError("id_number",
                          "the ID number fails its GB 11643 check digit: a character is mistyped"));
  CHECK(e.ToString().find("310101") == std::string::npos);
  CHECK(f.OnlyError(With(SkillRow(), "id_number", "3101011990")) ==
        f.FieldError("id_number", "a resident ID number has 18 characters, not 10"));
}

TEST_CASE("batch message: unknown grade", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "level", "九级")) ==
        f.FieldError("level", "unknown skill level \"九级\"; skill levels are 学徒工, 五级/初级工, "
                              "四级/中级工, 三级/高级工, 二级/技师, 一级/高级技师, 特级技师, 首席技师"));
}

TEST_CASE("batch message: a level the certificate type does not have", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "level", "副高级")) ==
        f.FieldError("level", "a skill certificate has no level \"副高级\" (a professional title "
                              "level); skill levels are 学徒工, 五级/初级工, 四级/中级工, 三级/高级工, "
                              "二级/技师, 一级/高级技师, 特级技师, 首席技师"));
  CHECK(f.OnlyError(With(TitleRow(), "level", "高级技师")) ==
        f.FieldError("level", "a professional title has no level \"高级技师\" (a skill level); "
                              "title levels are 员级, 助理级, 中级, 副高级, 正高级"));
}

TEST_CASE("batch message: a route the certificate type does not have", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "route", "绿色通道")) ==
        f.FieldError("route", "\"green_channel\" (绿色通道) is not a route of skill certificates; "
                              "they have exam (考核评价), competition (以赛代评), direct (直接认定), "
                              "exemption (免试理论知识)"));
}

TEST_CASE("batch message: unknown route", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "route", "抽签")) ==
        f.FieldError("route", "unknown route \"抽签\"; routes of skill certificates are exam "
                              "(考核评价), competition (以赛代评), direct (直接认定), exemption "
                              "(免试理论知识)"));
}

TEST_CASE("batch message: malformed occupation code", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "occupation", "6-18-1-01")) ==
        f.FieldError("occupation", "malformed occupation code \"6-18-1-01\": expected the form "
                                   "6-18-01-01 (major category 1-8, then three two-digit groups)"));
}

TEST_CASE("batch message: a skill certificate needs its occupation and project", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "occupation", "")) == f.FieldError("occupation", "is empty"));
  CHECK(f.OnlyError(With(SkillRow(), "occupation_name", "")) ==
        f.FieldError("occupation_name", "is empty"));
  CHECK(f.OnlyError(With(SkillRow(), "project", "")) == f.FieldError("project", "is empty"));
}

TEST_CASE("batch message: a field of the other certificate type", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "series", "engineering")) ==
        f.FieldError("series", "is not used by skill certificates; leave it empty"));
  CHECK(f.OnlyError(With(TitleRow(), "occupation", "6-18-01-01")) ==
        f.FieldError("occupation", "is not used by professional titles; leave it empty"));
}

TEST_CASE("batch message: malformed series code", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(TitleRow(), "series", "工程")) ==
        f.FieldError("series", "malformed series code \"工程\": expected lower-case letters, "
                               "digits, '_' or '-', e.g. engineering"));
  CHECK(f.OnlyError(With(TitleRow(), "specialty", "")) == f.FieldError("specialty", "is empty"));
}

TEST_CASE("batch message: the overseas route needs the foreign qualification", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(TitleRow(), "route", "overseas")) ==
        f.FieldError("foreign", "the overseas route needs the foreign qualification it maps "
                                "(e.g. CIMA)"));
  Row ok = With(With(TitleRow(), "route", "境外职业资格比照认定"), "foreign", "CIMA");
  CHECK(f.Errors(Csv({ok})).empty());
}

TEST_CASE("batch message: a foreign qualification without the overseas route", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(TitleRow(), "foreign", "CIMA")) ==
        f.FieldError("foreign", "a foreign qualification belongs only to the overseas route"));
}

TEST_CASE("batch message: an evaluation date in the future", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "evaluated", "2026-01-11")) ==
        f.FieldError("evaluated", "the evaluation date 2026-01-11 is in the future (today is "
                                  "2026-01-10 in China)"));
}

TEST_CASE("batch message: an issue date in the future", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "issued", "2026-02-01")) ==
        f.FieldError("issued", "the issue date 2026-02-01 is in the future (today is 2026-01-10 "
                               "in China)"));
}

TEST_CASE("batch message: evaluated after issued", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "evaluated", "2026-01-06")) ==
        f.FieldError("evaluated", "the evaluation date 2026-01-06 is after the issue date "
                                  "2026-01-05"));
}

TEST_CASE("batch message: expiry not after issue", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "expires", "2025-01-05")) ==
        f.FieldError("expires", "the expiry date 2025-01-05 is not after the issue date "
                                "2026-01-05"));
}

TEST_CASE("batch message: not a date", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "evaluated", "2025-13-01")) ==
        f.FieldError("evaluated", "\"2025-13-01\" is not a date (expected YYYY-MM-DD)"));
}

// ---- item 2: numbers given as input ----

TEST_CASE("batch message: a given skill number is malformed", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "number", "Y00013100012326100001")) ==
        f.FieldError("number", "a skill certificate number has 22 characters, not 21"));
}

TEST_CASE("batch message: a given number with characters a file name cannot hold",
          "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "number", "Y/1")) ==
        f.FieldError("number", "certificate number \"Y/1\" may hold only letters, digits, '-', "
                               "'_' and '.', starting with a letter or digit"));
}

TEST_CASE("batch message: a given number of another level", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "number", "Y000131000123262000001")) ==
        f.FieldError("number", "certificate number \"Y000131000123262000001\" has level character "
                               "2, the row's level is 一级/高级技师 (1)"));
}

TEST_CASE("batch message: a given number of another year", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "number", "Y000131000123251000001")) ==
        f.FieldError("number", "certificate number \"Y000131000123251000001\" is of year 25, the "
                               "issue date of 2026"));
}

TEST_CASE("batch message: a given number of another body", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "number", "S000031000999261000001")) ==
        f.FieldError("number", "certificate number \"S000031000999261000001\" does not carry this "
                               "body's codes Y000131000123"));
}

TEST_CASE("batch message: a given number twice in the file", "[issuer][batch]") {
  Fixture f;
  Row a = With(SkillRow(), "number", "Y000131000123261000007");
  Row b = With(With(SkillRow(), "number", "Y000131000123261000007"), "name", "李秀英");
  auto errors = f.Errors(Csv({a, b}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == f.FieldError("number", "certificate number \"Y000131000123261000007\" is "
                                            "also on line 2"));
}

TEST_CASE("batch message: a given number issued already", "[issuer][batch]") {
  Fixture f;
  StoredCertificate c;
  c.number = "Y000131000123261000007";
  c.record = Bytes{1};
  REQUIRE(f.store->Append({c}, {}).ok());
  CHECK(f.OnlyError(With(SkillRow(), "number", "Y000131000123261000007")) ==
        f.FieldError("number", "certificate number \"Y000131000123261000007\" was issued already, "
                               "from another row"));
}

TEST_CASE("batch message: a given number the ledger holds", "[issuer][batch]") {
  Fixture f;
  f.options.number_in_ledger = [](std::string_view n) { return n == "Y000131000123261000008"; };
  CHECK(f.OnlyError(With(SkillRow(), "number", "Y000131000123261000008")) ==
        f.FieldError("number", "certificate number \"Y000131000123261000008\" is in the ledger "
                               "already"));
}

TEST_CASE("batch message: a given title number off the pattern", "[issuer][batch]") {
  Fixture f;
  auto errors = f.Errors(Csv({SkillRow(), With(TitleRow(), "number", "AWGC-26-000001")}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == f.FieldError("number", "certificate number \"AWGC-26-000001\" does not follow "
                                            "the pattern \"{committee}-{year}-{serial:6}\" "
                                            "(expected e.g. \"AWGC-2026-000001\")"));
  CHECK(f.Errors(Csv({With(TitleRow(), "number", "AWGC-2026-000123")})).empty());
}

// ---- item 7: corrections ----

TEST_CASE("batch message: the certificate to supersede is unknown", "[issuer][batch]") {
  Fixture f;
  CHECK(f.OnlyError(With(SkillRow(), "supersedes", "Y000131000123261000099")) ==
        f.FieldError("supersedes", "certificate \"Y000131000123261000099\" to supersede is not in "
                                   "this issuer's store"));
}

TEST_CASE("batch message: the certificate to supersede was revoked", "[issuer][batch]") {
  Fixture f;
  StoredCertificate c;
  c.number = "Y000131000123261000009";
  c.record = Bytes{1};
  REQUIRE(f.store->Append({c}, {StoredRevocation{c.number, Bytes{2}, kNow}}).ok());
  CHECK(f.OnlyError(With(SkillRow(), "supersedes", c.number)) ==
        f.FieldError("supersedes", "certificate \"Y000131000123261000009\" was revoked already"));
}

TEST_CASE("batch message: one certificate superseded twice", "[issuer][batch]") {
  Fixture f;
  StoredCertificate c;
  c.number = "Y000131000123261000009";
  c.record = Bytes{1};
  REQUIRE(f.store->Append({c}, {}).ok());
  Row a = With(SkillRow(), "supersedes", c.number);
  Row b = With(With(SkillRow(), "supersedes", c.number), "work_type", "数控车工");
  auto errors = f.Errors(Csv({a, b}));
  REQUIRE(errors.size() == 1);
  CHECK(errors[0] == f.FieldError("supersedes", "certificate \"Y000131000123261000009\" is "
                                                "superseded on line 2 too"));
}

// ---- the body's scope ----

TEST_CASE("batch message: occupation outside the accreditation", "[issuer][batch]") {
  Fixture f;
  f.options.accreditation = World().AlphaAccreditation();
  CHECK(f.OnlyError(With(SkillRow(), "occupation", "6-29-03-01")) ==
        f.FieldError("occupation", "occupation \"6-29-03-01\" is not in the accreditation of "
                                   "\"alpha-works\""));
}

TEST_CASE("batch message: level outside the accreditation", "[issuer][batch]") {
  Fixture f;
  f.options.accreditation = World().AlphaAccreditation();
  CHECK(f.OnlyError(With(SkillRow(), "level", "特级技师")) ==
        f.FieldError("level", "level 特级技师 is not in the accreditation of \"alpha-works\""));
}

TEST_CASE("batch message: series outside the accreditation", "[issuer][batch]") {
  Fixture f;
  f.options.accreditation = World().AlphaAccreditation();
  CHECK(f.OnlyError(With(TitleRow(), "series", "accounting")) ==
        f.FieldError("series", "series \"accounting\" is not in the accreditation of "
                               "\"alpha-works\""));
}

// ---- all at once ----

TEST_CASE("batch: every bad row is reported, in line order, and nothing is issued",
          "[issuer][batch]") {
  Fixture f;
  std::string csv = Csv({With(SkillRow(), "level", "九级"), SkillRow(),
                         With(With(TitleRow(), "series", "工程"), "evaluated", "2027-01-01"),
                         With(SkillRow(), "name", "张3")});
  BatchPlan plan = PlanBatch(csv, f.profile, *f.store, f.options);
  REQUIRE(plan.errors.size() == 4);
  CHECK(plan.errors[0].line == 2);
  CHECK(plan.errors[0].column_name == "level");
  CHECK(plan.errors[1].line == 4);
  CHECK(plan.errors[1].column_name == "series");
  CHECK(plan.errors[2].line == 4);
  CHECK(plan.errors[2].column_name == "evaluated");
  CHECK(plan.errors[3].line == 5);
  CHECK(plan.errors[3].column_name == "name");
  CHECK(plan.rows.empty());

  World world;
  TempDir ledger_dir("batch_validation_ledger");
  auto ledger = world.AccreditedLedger(ledger_dir.path() + "/ledger");
  EmbeddedLedgerSink sink(*ledger, "test ledger");
  auto result = IssueBatch(plan, f.profile, world.alpha.key, *f.store, sink,
                           Issue(f.dir.path() + "/out"));
  CHECK(result.status().code() == StatusCode::kInvalidArgument);
  CHECK(result.status().message() == "the batch has 4 problems; nothing was issued");
  CHECK(f.store->certificate_count() == 0);
  CHECK(f.store->NextSerial("Y000131000123261") == 1);
  CHECK(ledger->Snapshot()->size() == 1);  // the accreditation only
  CHECK(!std::filesystem::exists(f.dir.path() + "/out"));
}

TEST_CASE("batch: Chinese headers and spreadsheet dates", "[issuer][batch]") {
  Fixture f;
  std::string csv =
      "证书类型,姓名,身份证号,等级,评价方式,职业编码,职业名称,评价项目,评价日期,发证日期\n"
      "技能,王建国,310101199001011234,高级技师,以赛代评,6-18-01-01,车工,AW-1,2025/12/20,2026.01.05\n";
  BatchPlan plan = PlanBatch(csv, f.profile, *f.store, f.options);
  for (const auto& e : plan.errors) INFO(e.ToString());
  REQUIRE(plan.errors.empty());
  REQUIRE(plan.rows.size() == 1);
  CHECK(plan.rows[0].certificate.route == Route::kCompetition);
  CHECK(plan.rows[0].certificate.issued == Date{2026, 1, 5});
  CHECK(plan.rows[0].certificate.evaluated == Date{2025, 12, 20});
  // Without an issue date the row takes the default, or today.
  std::string no_date =
      "type,name,id_number,level,route,occupation,occupation_name,project,evaluated\n"
      "skill,王建国,310101199001011234,1,exam,6-18-01-01,车工,AW-1,2025-12-20\n";
  CHECK(PlanBatch(no_date, f.profile, *f.store, f.options).rows.at(0).certificate.issued == kToday);
  f.options.default_issued = Date{2026, 1, 2};
  CHECK(PlanBatch(no_date, f.profile, *f.store, f.options).rows.at(0).certificate.issued ==
        Date{2026, 1, 2});
}
