// The codes of record fields and their display names, and calendar dates.
//
// Codes (the text written in a record body):
//   kind:   "accreditation" | "certificate" | "revocation"
//   type:   "skill" | "title"
//   level:  skill: "apprentice" | "5" | "4" | "3" | "2" | "1" | "special" | "chief"
//           title: "yuan" | "assistant" | "intermediate" | "deputy_senior" | "full_senior"
//   route:  skill: "exam" | "competition" | "direct" | "exemption"
//           title: "review" | "green_channel" | "direct_train" | "competition" |
//                  "overseas" | "recommendation" | "skill_to_title"
//   reason: "superseded" | "error" | "fraud" | "withdrawn" | "other"
//   status: "active" | "withdrawn"
//   date:   "YYYY-MM-DD", a real Gregorian calendar date, years 0001-9999
#include <array>
#include <cstdio>

#include "certledger/record.h"

namespace certledger {
namespace {

template <typename E>
struct Named {
  E value;
  std::string_view code;
  std::string_view zh;
  std::string_view en;
};

constexpr std::array<Named<Level>, 13> kLevels = {{
    {Level::kApprentice, "apprentice", "学徒工", "Apprentice"},
    {Level::kSkill5, "5", "五级/初级工", "Level 5 / Junior Worker"},
    {Level::kSkill4, "4", "四级/中级工", "Level 4 / Intermediate Worker"},
    {Level::kSkill3, "3", "三级/高级工", "Level 3 / Senior Worker"},
    {Level::kSkill2, "2", "二级/技师", "Level 2 / Technician"},
    {Level::kSkill1, "1", "一级/高级技师", "Level 1 / Senior Technician"},
    {Level::kSpecial, "special", "特级技师", "Special-Grade Technician"},
    {Level::kChief, "chief", "首席技师", "Chief Technician"},
    {Level::kYuan, "yuan", "员级", "Junior (Yuan) Level"},
    {Level::kAssistant, "assistant", "助理级", "Assistant Level"},
    {Level::kIntermediate, "intermediate", "中级", "Intermediate Level"},
    {Level::kDeputySenior, "deputy_senior", "副高级", "Deputy Senior Level"},
    {Level::kFullSenior, "full_senior", "正高级", "Full Senior Level"},
}};

constexpr std::array<Named<Route>, 10> kRoutes = {{
    {Route::kExam, "exam", "考核评价", "Examination and assessment"},
    {Route::kCompetition, "competition", "以赛代评", "Competition"},
    {Route::kDirect, "direct", "直接认定", "Direct recognition"},
    {Route::kExemption, "exemption", "免试理论知识", "Theory test exemption"},
    {Route::kReview, "review", "评审", "Committee review"},
    {Route::kGreenChannel, "green_channel", "绿色通道", "Green channel"},
    {Route::kDirectTrain, "direct_train", "直通车", "Direct train"},
    {Route::kOverseas, "overseas", "境外职业资格比照认定", "Overseas qualification"},
    {Route::kRecommendation, "recommendation", "专家举荐", "Recommendation"},
    {Route::kSkillToTitle, "skill_to_title", "技能人才贯通", "Skill-to-title"},
}};

constexpr std::array<Named<RevocationReason>, 5> kReasons = {{
    {RevocationReason::kSuperseded, "superseded", "已被替换", "Superseded"},
    {RevocationReason::kError, "error", "信息有误", "Issued in error"},
    {RevocationReason::kFraud, "fraud", "弄虚作假", "Fraud"},
    {RevocationReason::kWithdrawn, "withdrawn", "撤回", "Withdrawn"},
    {RevocationReason::kOther, "other", "其他", "Other"},
}};

constexpr std::array<Named<CertificateType>, 2> kTypes = {{
    {CertificateType::kSkill, "skill", "职业技能等级证书", "Skill Level Certificate"},
    {CertificateType::kTitle, "title", "专业技术职称", "Professional Title"},
}};

constexpr std::array<Named<RecordKind>, 3> kKinds = {{
    {RecordKind::kAccreditation, "accreditation", "备案认可", "Accreditation"},
    {RecordKind::kCertificate, "certificate", "证书", "Certificate"},
    {RecordKind::kRevocation, "revocation", "撤销", "Revocation"},
}};

constexpr std::array<Named<AccreditationStatus>, 2> kStatuses = {{
    {AccreditationStatus::kActive, "active", "有效", "Active"},
    {AccreditationStatus::kWithdrawn, "withdrawn", "已撤销", "Withdrawn"},
}};

template <typename E, std::size_t N>
const Named<E>& Lookup(const std::array<Named<E>, N>& table, E value) {
  for (const Named<E>& n : table) {
    if (n.value == value) return n;
  }
  return table[0];  // unreachable for valid enumerators
}

template <typename E, std::size_t N>
std::optional<E> Parse(const std::array<Named<E>, N>& table, std::string_view code) {
  for (const Named<E>& n : table) {
    if (n.code == code) return n.value;
  }
  return std::nullopt;
}

// "\"" + text + "\"" written with append: GCC 12 warns (-Wrestrict, a false
// positive) on a literal followed by a temporary string.
std::string Quote(std::string_view text) {
  std::string out = "\"";
  out.append(text);
  out += '"';
  return out;
}

bool IsLeapYear(int y) { return (y % 4 == 0 && y % 100 != 0) || y % 400 == 0; }

int DaysInMonth(int y, int m) {
  static constexpr int kDays[] = {31, 28, 31, 30, 31, 30, 31, 31, 30, 31, 30, 31};
  return m == 2 && IsLeapYear(y) ? 29 : kDays[m - 1];
}

}  // namespace

std::string_view RecordKindCode(RecordKind kind) { return Lookup(kKinds, kind).code; }
std::optional<RecordKind> ParseRecordKind(std::string_view code) { return Parse(kKinds, code); }
std::string_view CertificateTypeCode(CertificateType type) { return Lookup(kTypes, type).code; }
std::optional<CertificateType> ParseCertificateType(std::string_view code) {
  return Parse(kTypes, code);
}
std::string_view LevelCode(Level level) { return Lookup(kLevels, level).code; }
std::optional<Level> ParseLevel(std::string_view code) { return Parse(kLevels, code); }
CertificateType LevelType(Level level) {
  return level >= Level::kYuan ? CertificateType::kTitle : CertificateType::kSkill;
}
std::string_view RouteCode(Route route) { return Lookup(kRoutes, route).code; }
std::optional<Route> ParseRoute(std::string_view code) { return Parse(kRoutes, code); }
bool RouteAllowed(CertificateType type, Route route) {
  if (route == Route::kCompetition) return true;
  bool skill_route = route <= Route::kExemption;
  return skill_route == (type == CertificateType::kSkill);
}
std::string_view RevocationReasonCode(RevocationReason reason) {
  return Lookup(kReasons, reason).code;
}
std::optional<RevocationReason> ParseRevocationReason(std::string_view code) {
  return Parse(kReasons, code);
}
std::string_view AccreditationStatusCode(AccreditationStatus status) {
  return Lookup(kStatuses, status).code;
}
std::optional<AccreditationStatus> ParseAccreditationStatus(std::string_view code) {
  return Parse(kStatuses, code);
}

std::string_view CertificateTypeNameZh(CertificateType type) { return Lookup(kTypes, type).zh; }
std::string_view CertificateTypeNameEn(CertificateType type) { return Lookup(kTypes, type).en; }
std::string_view LevelNameZh(Level level) { return Lookup(kLevels, level).zh; }
std::string_view LevelNameEn(Level level) { return Lookup(kLevels, level).en; }
std::string_view RouteNameZh(Route route) { return Lookup(kRoutes, route).zh; }
std::string_view RouteNameEn(Route route) { return Lookup(kRoutes, route).en; }
std::string_view RevocationReasonNameZh(RevocationReason reason) {
  return Lookup(kReasons, reason).zh;
}
std::string_view RevocationReasonNameEn(RevocationReason reason) {
  return Lookup(kReasons, reason).en;
}

Result<Date> Date::Parse(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument(Quote(text) + " is not a date YYYY-MM-DD");
  };
  if (text.size() != 10 || text[4] != '-' || text[7] != '-') return bad();
  auto number = [&](std::size_t pos, std::size_t len, int* out) {
    int v = 0;
    for (std::size_t i = pos; i < pos + len; ++i) {
      if (text[i] < '0' || text[i] > '9') return false;
      v = v * 10 + (text[i] - '0');
    }
    *out = v;
    return true;
  };
  Date d;
  if (!number(0, 4, &d.year) || !number(5, 2, &d.month) || !number(8, 2, &d.day)) return bad();
  if (!d.IsValid()) {
    return Status::InvalidArgument(Quote(text) + " is not a calendar date");
  }
  return d;
}

bool Date::IsValid() const {
  return year >= 1 && year <= 9999 && month >= 1 && month <= 12 && day >= 1 &&
         day <= DaysInMonth(year, month);
}

std::string Date::ToString() const {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%04d-%02d-%02d", year, month, day);
  return buf;
}

}  // namespace certledger
