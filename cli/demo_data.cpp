#include "cli/demo_data.h"

#include "cli/example_keys.h"

namespace certledger::cli::demo {
namespace {

constexpr std::uint64_t kDay = 86400;

Accreditation Accredit(const PublicKey& key, std::uint64_t now, const char* body,
                       const char* name_zh, const char* name_en, Scope scope) {
  Accreditation a;
  a.body = body;
  a.name_zh = name_zh;
  a.name_en = name_en;
  a.keys.push_back(AccreditedKey{key, now - 30 * kDay, std::nullopt, std::nullopt});
  a.scope = std::move(scope);
  a.from = now - 30 * kDay;
  a.until = now + 3 * 365 * kDay;
  return a;
}

constexpr char kHeader[] =
    "type,name,id_type,id_number,level,route,occupation,occupation_name,work_type,project,"
    "series,specialty,foreign,evaluated\n";

// An enterprise's first evaluation round: three trades, six grades, every
// skill route.
constexpr char kElectricProfile[] =
    "body           = shanghai-electric\n"
    "org_type       = Y\n"
    "org_code       = 0001\n"
    "province       = 31\n"
    "site           = 000123\n";

const std::string kElectricResults = std::string(kHeader) +
    "skill,王建国,,310101199001011234,一级/高级技师,考核评价,6-18-01-01,车工,--,SE-2026-01,,,,{EVAL}\n"
    "skill,李秀英,,310104198803130758,二级/技师,以赛代评,6-18-01-01,车工,数控车工,SE-2026-01,,,,{EVAL}\n"
    "skill,买买提·艾力,,310105200004024453,三级/高级工,考核评价,6-29-03-01,焊工,电焊工,SE-2026-02,,,,{EVAL}\n"
    "skill,张海峰,,310105199402085651,四级/中级工,考核评价,6-29-03-01,焊工,气焊工,SE-2026-02,,,,{EVAL}\n"
    "skill,刘芳,,310109198709271062,五级/初级工,考核评价,6-31-01-03,电工,--,SE-2026-03,,,,{EVAL}\n"
    "skill,陈立新,,310118197110190516,二级/技师,直接认定,6-31-01-03,电工,--,SE-2026-03,,,,{EVAL}\n"
    "skill,赵敏,,310109198704267160,三级/高级工,免试理论知识,6-18-01-01,车工,铣工,SE-2026-01,,,,{EVAL}\n"
    "skill,周国强,,310107198201182971,特级技师,考核评价,6-18-01-01,车工,--,SE-2026-01,,,,{EVAL}\n";

// An industry association (a social evaluation organisation: numbers
// start with S) for its member companies' workers.
constexpr char kGasProfile[] =
    "body           = shanghai-gas-association\n"
    "org_type       = S\n"
    "org_code       = 0002\n"
    "province       = 31\n"
    "site           = 000456\n";

const std::string kGasResults = std::string(kHeader) +
    "skill,孙伟,,310106199403185853,四级/中级工,考核评价,4-12-02-03,燃气具安装维修工,--,SGA-2026-01,,,,{EVAL}\n"
    "skill,吴静,,310115198302195384,三级/高级工,考核评价,4-12-02-03,燃气具安装维修工,--,SGA-2026-01,,,,{EVAL}\n"
    "skill,郑涛,,31015119880819371X,五级/初级工,考核评价,6-28-01-14,燃气储运工,--,SGA-2026-02,,,,{EVAL}\n"
    "skill,何丽娟,,310120199911187967,四级/中级工,以赛代评,6-28-01-14,燃气储运工,--,SGA-2026-02,,,,{EVAL}\n";

// A title evaluation committee of the engineering series: committee review,
// the competition route, overseas qualification mapping, the green channel
// and skill-to-title.
constexpr char kTitlesProfile[] =
    "body           = shanghai-engineering-titles\n"
    "committee_code = SHET\n"
    "committee_name = 上海市工程系列高级职称评审委员会\n"
    "title_pattern  = {committee}-{year}-{serial:6}\n";

const std::string kTitlesResults = std::string(kHeader) +
    "title,陈志强,,310228197811200076,正高级,评审,,,,,engineering,集成电路,,{EVAL}\n"
    "title,林雪,,310120197202171699,副高级,以赛代评,,,,,engineering,智能制造,,{EVAL}\n"
    "title,周晓梅,,31010719870930452X,副高级,境外职业资格比照认定,,,,,engineering,人工智能,"
    "Chartered Engineer (UK Engineering Council),{EVAL}\n"
    "title,Anna Müller,passport,C01X00T47,中级,green_channel,,,,,engineering,区块链,,{EVAL}\n"
    "title,黄建军,,31012019890316041X,中级,技能人才贯通,,,,,engineering,机械工程,,{EVAL}\n";

Accreditation ElectricAccreditation(const PublicKey& key, std::uint64_t now) {
  return Accredit(key, now, "shanghai-electric", "上海电气集团股份有限公司",
                  "Shanghai Electric Group Co., Ltd.",
                  Scope{{"6-18-01-01", "6-29-03-01", "6-31-01-03"},
                        {},
                        {Level::kSkill5, Level::kSkill4, Level::kSkill3, Level::kSkill2,
                         Level::kSkill1, Level::kSpecial}});
}

Accreditation GasAccreditation(const PublicKey& key, std::uint64_t now) {
  return Accredit(key, now, "shanghai-gas-association", "上海市燃气行业协会",
                  "Shanghai Gas Industry Association",
                  Scope{{"4-12-02-03", "6-28-01-14"},
                        {},
                        {Level::kSkill5, Level::kSkill4, Level::kSkill3}});
}

Accreditation TitlesAccreditation(const PublicKey& key, std::uint64_t now) {
  return Accredit(key, now, "shanghai-engineering-titles", "上海市工程系列高级职称评审委员会",
                  "Shanghai Engineering Series Senior Title Evaluation Committee",
                  Scope{{},
                        {"engineering"},
                        {Level::kIntermediate, Level::kDeputySenior, Level::kFullSenior}});
}

}  // namespace

const std::vector<DemoBody>& Bodies() {
  static const std::vector<DemoBody> bodies = {
      {example_keys::kElectricKey, "enterprise", kElectricProfile, kElectricResults.c_str(),
       ElectricAccreditation},
      {example_keys::kGasKey, "industry association", kGasProfile, kGasResults.c_str(),
       GasAccreditation},
      {example_keys::kTitlesKey, "title evaluation committee", kTitlesProfile,
       kTitlesResults.c_str(), TitlesAccreditation},
  };
  return bodies;
}

std::string CorrectionCsv(const std::string& number, const std::string& eval_date) {
  // 赵敏's row with the work type corrected (铣工 was a typing error for
  // 数控车工), and the number it supersedes.
  return "type,name,id_type,id_number,level,route,occupation,occupation_name,work_type,"
         "project,series,specialty,foreign,evaluated,supersedes\n"
         "skill,赵敏,,310109198704267160,三级/高级工,免试理论知识,6-18-01-01,车工,数控车工,"
         "SE-2026-01,,,," +
         eval_date + "," + number + "\n";
}

}  // namespace certledger::cli::demo
