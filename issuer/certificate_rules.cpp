// Domain rules of certificates: ID numbers, codes, levels, routes, dates.
//
// Resident ID number (GB 11643-1999, 公民身份号码):
//
//   id        = region birth order check          ; 18 characters
//   region    = 6DIGIT    ; GB/T 2260 county code; the first two digits a
//                         ; province: 11-15 21-23 31-37 41-46 50-54 61-65,
//                         ; 71 (Taiwan), 81 82 (Hong Kong, Macao), 83
//                         ; (Taiwan residents' residence permit)
//   birth     = 8DIGIT    ; YYYYMMDD
//   order     = 3DIGIT
//   check     = DIGIT / "X"
//
// check = "10X98765432"[S mod 11] with S = sum of a_i * w_i over the first
// 17 digits and w = 7 9 10 5 8 4 2 1 6 3 7 9 10 5 8 4 2 (ISO 7064 MOD
// 11-2; the standard's own examples, annex A: 11010519491231002X and
// 440524188001010014).
//
// Occupation code (职业分类大典 2022): occ = %x31-38 "-" 2DIGIT "-" 2DIGIT "-" 2DIGIT
#include "certledger/certificate_rules.h"

#include <algorithm>
#include <array>
#include <cctype>

#include "certledger/numbering.h"
#include "certledger/utf8.h"

namespace certledger {
namespace {

constexpr std::uint64_t kChinaOffsetSeconds = 8 * 3600;
constexpr std::size_t kMaxTextBytes = 256;
constexpr std::size_t kMaxNameChars = 64;

// Days since 1970-01-01 of a proleptic Gregorian date (H. Hinnant's
// days_from_civil).
std::int64_t DaysFromCivil(int y, int m, int d) {
  y -= m <= 2;
  const std::int64_t era = (y >= 0 ? y : y - 399) / 400;
  const int yoe = static_cast<int>(y - era * 400);
  const int doy = (153 * (m + (m > 2 ? -3 : 9)) + 2) / 5 + d - 1;
  const int doe = yoe * 365 + yoe / 4 - yoe / 100 + doy;
  return era * 146097 + doe - 719468;
}

Date CivilFromDays(std::int64_t z) {
  z += 719468;
  const std::int64_t era = (z >= 0 ? z : z - 146096) / 146097;
  const int doe = static_cast<int>(z - era * 146097);
  const int yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  const int doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  const int mp = (5 * doy + 2) / 153;
  const int d = doy - (153 * mp + 2) / 5 + 1;
  const int m = mp < 10 ? mp + 3 : mp - 9;
  return Date{static_cast<int>(yoe + era * 400) + (m <= 2), m, d};
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

bool AllDigits(std::string_view s) {
  return std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsControl(char32_t c) { return c < 0x20 || (c >= 0x7F && c <= 0x9F); }

// ---- ID types ----

struct IdTypeName {
  IdType type;
  std::string_view code;
  std::string_view zh;
  std::string_view noun;  // for messages
};

constexpr std::array<IdTypeName, 5> kIdTypes = {{
    {IdType::kResident, "resident", "居民身份证", "resident ID"},
    {IdType::kForeignPermanent, "foreign_permanent", "外国人永久居留身份证",
     "foreign permanent resident ID"},
    {IdType::kPassport, "passport", "护照", "passport"},
    {IdType::kHkMacaoPermit, "hk_macao_permit", "港澳居民来往内地通行证",
     "Hong Kong and Macao residents' permit"},
    {IdType::kTaiwanPermit, "taiwan_permit", "台湾居民来往大陆通行证", "Taiwan residents' permit"},
}};

const IdTypeName& IdTypeInfo(IdType type) {
  for (const auto& t : kIdTypes) {
    if (t.type == type) return t;
  }
  return kIdTypes[0];
}

bool IsProvinceCode(int p) {
  return (p >= 11 && p <= 15) || (p >= 21 && p <= 23) || (p >= 31 && p <= 37) ||
         (p >= 41 && p <= 46) || (p >= 50 && p <= 54) || (p >= 61 && p <= 65) || p == 71 ||
         p == 81 || p == 82 || p == 83;
}

// 17 digits and a check character 0-9 or X.
Status CheckIdCharacters(std::string_view id, std::string_view noun) {
  for (std::size_t i = 0; i < 18; ++i) {
    bool ok = (id[i] >= '0' && id[i] <= '9') || (i == 17 && id[i] == 'X');
    if (!ok) {
      return Status::InvalidArgument("a " + std::string(noun) +
                                     " number is 17 digits and a check digit 0-9 or X; "
                                     "character " +
                                     std::to_string(i + 1) + " is not");
    }
  }
  return Status::OK();
}

// Precondition: CheckIdCharacters(id) is OK.
Status CheckIdCheckDigit(std::string_view id) {
  if (Gb11643CheckCharacter(id.substr(0, 17)) != id[17]) {
    return Status::InvalidArgument(
        "the ID number fails its GB 11643 check digit: a character is mistyped");
  }
  return Status::OK();
}

Status CheckResidentId(std::string_view id, const Date& today) {
  if (id.size() != 18) {
    return Status::InvalidArgument("a resident ID number has 18 characters, not " +
                                   std::to_string(id.size()));
  }
  CL_RETURN_IF_ERROR(CheckIdCharacters(id, "resident ID"));
  int province = (id[0] - '0') * 10 + (id[1] - '0');
  if (!IsProvinceCode(province)) {
    return Status::InvalidArgument("the ID number's region code " + std::string(id.substr(0, 2)) +
                                   " is no province of China");
  }
  Date birth{std::stoi(std::string(id.substr(6, 4))), std::stoi(std::string(id.substr(10, 2))),
             std::stoi(std::string(id.substr(12, 2)))};
  if (!birth.IsValid()) {
    return Status::InvalidArgument(
        "the ID number's birth date (characters 7 to 14) is not a real date");
  }
  if (birth.year < 1900) {
    return Status::InvalidArgument("the ID number's birth date is before 1900");
  }
  if (birth > today) return Status::InvalidArgument("the ID number's birth date is in the future");
  return CheckIdCheckDigit(id);
}

Status CheckForeignPermanentId(std::string_view id) {
  const char* form =
      "a foreign permanent resident ID number has 18 characters beginning with 9, or 15 "
      "(3 letters and 12 digits)";
  if (id.size() == 18) {
    if (id[0] != '9') return Status::InvalidArgument(form);
    CL_RETURN_IF_ERROR(CheckIdCharacters(id, "foreign permanent resident ID"));
    return CheckIdCheckDigit(id);
  }
  if (id.size() == 15) {
    bool ok = std::all_of(id.begin(), id.begin() + 3, [](char c) { return c >= 'A' && c <= 'Z'; }) &&
              AllDigits(id.substr(3));
    if (ok) return Status::OK();
  }
  return Status::InvalidArgument(form);
}

Status CheckDocumentNumber(std::string_view id, std::string_view noun) {
  bool ok = id.size() >= 5 && id.size() <= 20 &&
            std::all_of(id.begin(), id.end(), [](char c) {
              return (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9');
            });
  if (!ok) {
    return Status::InvalidArgument("a " + std::string(noun) +
                                   " number is 5 to 20 capital letters and digits");
  }
  return Status::OK();
}

// ---- levels, routes, types ----

struct Alias {
  std::string_view text;
  Level level;
};

constexpr std::array<Alias, 36> kLevelAliases = {{
    {"apprentice", Level::kApprentice}, {"学徒工", Level::kApprentice},
    {"学徒", Level::kApprentice},       {"5", Level::kSkill5},
    {"五级", Level::kSkill5},           {"初级工", Level::kSkill5},
    {"4", Level::kSkill4},              {"四级", Level::kSkill4},
    {"中级工", Level::kSkill4},         {"3", Level::kSkill3},
    {"三级", Level::kSkill3},           {"高级工", Level::kSkill3},
    {"2", Level::kSkill2},              {"二级", Level::kSkill2},
    {"技师", Level::kSkill2},           {"1", Level::kSkill1},
    {"一级", Level::kSkill1},           {"高级技师", Level::kSkill1},
    {"special", Level::kSpecial},       {"特级技师", Level::kSpecial},
    {"特级", Level::kSpecial},          {"chief", Level::kChief},
    {"首席技师", Level::kChief},        {"首席", Level::kChief},
    {"yuan", Level::kYuan},             {"员级", Level::kYuan},
    {"assistant", Level::kAssistant},   {"助理级", Level::kAssistant},
    {"intermediate", Level::kIntermediate}, {"中级", Level::kIntermediate},
    {"deputy_senior", Level::kDeputySenior}, {"副高级", Level::kDeputySenior},
    {"副高", Level::kDeputySenior},     {"full_senior", Level::kFullSenior},
    {"正高级", Level::kFullSenior},     {"正高", Level::kFullSenior},
}};

constexpr Level kAllLevels[] = {
    Level::kApprentice, Level::kSkill5,    Level::kSkill4,       Level::kSkill3,
    Level::kSkill2,     Level::kSkill1,    Level::kSpecial,      Level::kChief,
    Level::kYuan,       Level::kAssistant, Level::kIntermediate, Level::kDeputySenior,
    Level::kFullSenior,
};

constexpr Route kAllRoutes[] = {
    Route::kExam,         Route::kCompetition, Route::kDirect,   Route::kExemption,
    Route::kReview,       Route::kGreenChannel, Route::kDirectTrain, Route::kOverseas,
    Route::kRecommendation, Route::kSkillToTitle,
};

struct RouteAlias {
  std::string_view text;
  Route route;
};

constexpr std::array<RouteAlias, 11> kRouteAliases = {{
    {"考试", Route::kExam},
    {"竞赛", Route::kCompetition},
    {"直认", Route::kDirect},
    {"免理论考试", Route::kExemption},
    {"委员会评审", Route::kReview},
    {"绿色通道评审", Route::kGreenChannel},
    {"职称直通车", Route::kDirectTrain},
    {"境外", Route::kOverseas},
    {"举荐", Route::kRecommendation},
    {"贯通", Route::kSkillToTitle},
    {"技能人才评职称", Route::kSkillToTitle},
}};

std::string_view TypeWord(CertificateType type) {
  return type == CertificateType::kSkill ? "skill" : "title";
}

std::string_view TypeNoun(CertificateType type) {
  return type == CertificateType::kSkill ? "a skill certificate" : "a professional title";
}

std::string_view TypeNounOther(CertificateType type) {
  return type == CertificateType::kSkill ? "a professional title level" : "a skill level";
}

std::string LevelList(CertificateType type) {
  std::string out;
  for (Level l : kAllLevels) {
    if (LevelType(l) != type) continue;
    if (!out.empty()) out += ", ";
    out.append(LevelNameZh(l));
  }
  return out;
}

std::string RouteList(CertificateType type) {
  std::string out;
  for (Route r : kAllRoutes) {
    if (!RouteAllowed(type, r)) continue;
    if (!out.empty()) out += ", ";
    out.append(RouteCode(r));
    out += " (";
    out.append(RouteNameZh(r));
    out += ")";
  }
  return out;
}

std::string RouteNotOfType(CertificateType type, Route r) {
  return Quote(RouteCode(r)) + " (" + std::string(RouteNameZh(r)) + ") is not a route of " +
         (type == CertificateType::kSkill ? "skill certificates" : "professional titles");
}

// Appends an error unless `field` already has one.
void Add(std::vector<FieldError>* errors, std::string field, std::string message) {
  for (const FieldError& e : *errors) {
    if (e.field == field) return;
  }
  errors->push_back(FieldError{std::move(field), std::move(message)});
}

// Text rules of a free-text field; `required` adds "is empty".
void CheckText(std::vector<FieldError>* errors, const char* field, std::string_view value,
               bool required) {
  if (value.empty()) {
    if (required) Add(errors, field, "is empty");
    return;
  }
  if (value.size() > kMaxTextBytes) {
    Add(errors, field, "is longer than " + std::to_string(kMaxTextBytes) + " bytes");
    return;
  }
  if (!IsValidUtf8(value)) {
    Add(errors, field, "is not valid UTF-8");
    return;
  }
  std::size_t pos = 0;
  while (pos < value.size()) {
    char32_t c;
    NextCodePoint(value, &pos, &c);
    if (IsControl(c)) {
      Add(errors, field, "holds a control character");
      return;
    }
  }
}

void CheckAbsent(std::vector<FieldError>* errors, const char* field, std::string_view value,
                 CertificateType type, const char* what) {
  if (value.empty()) return;
  Add(errors, field,
      std::string(TypeNoun(type)) + " has no " + what + "; leave it empty");
}

}  // namespace

Date ChinaCivilDate(std::uint64_t unix_seconds) {
  return CivilFromDays(static_cast<std::int64_t>((unix_seconds + kChinaOffsetSeconds) / 86400));
}

std::uint64_t ChinaMidnight(const Date& date) {
  std::int64_t days = DaysFromCivil(date.year, date.month, date.day);
  std::int64_t t = days * 86400 - static_cast<std::int64_t>(kChinaOffsetSeconds);
  return t < 0 ? 0 : static_cast<std::uint64_t>(t);
}

std::string_view IdTypeCode(IdType type) { return IdTypeInfo(type).code; }
std::string_view IdTypeNameZh(IdType type) { return IdTypeInfo(type).zh; }

std::optional<IdType> ParseIdType(std::string_view text) {
  for (const auto& t : kIdTypes) {
    if (t.code == text || t.zh == text) return t.type;
  }
  if (text == "身份证") return IdType::kResident;
  return std::nullopt;
}

char Gb11643CheckCharacter(std::string_view body) {
  static constexpr int kWeights[17] = {7, 9, 10, 5, 8, 4, 2, 1, 6, 3, 7, 9, 10, 5, 8, 4, 2};
  static constexpr char kCheck[] = "10X98765432";
  int sum = 0;
  for (std::size_t i = 0; i < 17; ++i) sum += (body[i] - '0') * kWeights[i];
  return kCheck[sum % 11];
}

std::string NormalizeIdNumber(std::string_view id) {
  std::string out(id);
  for (char& c : out) {
    if (c >= 'a' && c <= 'z') c = static_cast<char>(c - 'a' + 'A');
  }
  return out;
}

Status CheckIdNumber(IdType type, std::string_view id, const Date& today) {
  if (id.empty()) return Status::InvalidArgument("ID number is empty");
  switch (type) {
    case IdType::kResident:
      return CheckResidentId(id, today);
    case IdType::kForeignPermanent:
      return CheckForeignPermanentId(id);
    case IdType::kPassport:
    case IdType::kHkMacaoPermit:
    case IdType::kTaiwanPermit:
      return CheckDocumentNumber(id, IdTypeInfo(type).noun);
  }
  return Status::Internal("unknown ID type");
}

Status CheckHolderName(std::string_view name) {
  if (name.empty()) return Status::InvalidArgument("name is empty");
  if (!IsValidUtf8(name)) return Status::InvalidArgument("name is not valid UTF-8");
  std::size_t pos = 0, count = 0;
  while (pos < name.size()) {
    char32_t c;
    NextCodePoint(name, &pos, &c);
    ++count;
    if (IsControl(c)) return Status::InvalidArgument("name holds a control character");
    if ((c >= '0' && c <= '9') || (c >= 0xFF10 && c <= 0xFF19)) {
      return Status::InvalidArgument("name holds a digit");
    }
    if (c < 0x80 && !std::isalpha(static_cast<int>(c)) && c != ' ' && c != '.' && c != '-' &&
        c != '\'') {
      return Status::InvalidArgument("name holds the character " +
                                     Quote(std::string(1, static_cast<char>(c))));
    }
  }
  if (count > kMaxNameChars) {
    return Status::InvalidArgument("name is longer than " + std::to_string(kMaxNameChars) +
                                   " characters");
  }
  return Status::OK();
}

Status CheckOccupationCode(std::string_view code) {
  bool ok = code.size() == 10 && code[0] >= '1' && code[0] <= '8' && code[1] == '-' &&
            code[4] == '-' && code[7] == '-' && AllDigits(code.substr(2, 2)) &&
            AllDigits(code.substr(5, 2)) && AllDigits(code.substr(8, 2));
  if (!ok) {
    return Status::InvalidArgument("malformed occupation code " + Quote(code) +
                                   ": expected the form 6-18-01-01 (major category 1-8, then "
                                   "three two-digit groups)");
  }
  return Status::OK();
}

Status CheckSeriesCode(std::string_view code) {
  bool ok = !code.empty() && code.size() <= 32 && code[0] >= 'a' && code[0] <= 'z' &&
            std::all_of(code.begin(), code.end(), [](char c) {
              return (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') || c == '_' || c == '-';
            });
  if (!ok) {
    return Status::InvalidArgument("malformed series code " + Quote(code) +
                                   ": expected lower-case letters, digits, '_' or '-', e.g. "
                                   "engineering");
  }
  return Status::OK();
}

Result<CertificateType> ParseCertificateTypeText(std::string_view text) {
  if (text == "skill" || text == "技能" || text == "职业技能等级证书") {
    return CertificateType::kSkill;
  }
  if (text == "title" || text == "职称" || text == "专业技术职称") return CertificateType::kTitle;
  return Status::InvalidArgument("unknown certificate type " + Quote(text) +
                                 ": expected skill (职业技能等级证书) or title (专业技术职称)");
}

Result<Level> ParseLevelText(CertificateType type, std::string_view text) {
  std::optional<Level> found;
  for (Level l : kAllLevels) {
    if (LevelNameZh(l) == text) found = l;
  }
  for (const Alias& a : kLevelAliases) {
    if (!found && a.text == text) found = a.level;
  }
  if (found && LevelType(*found) == type) return *found;
  const std::string list = std::string(TypeWord(type)) + " levels are " + LevelList(type);
  if (found) {
    return Status::InvalidArgument(std::string(TypeNoun(type)) + " has no level " + Quote(text) +
                                   " (" + std::string(TypeNounOther(type)) + "); " + list);
  }
  return Status::InvalidArgument("unknown " + std::string(TypeWord(type)) + " level " +
                                 Quote(text) + "; " + list);
}

Result<Route> ParseRouteText(CertificateType type, std::string_view text) {
  std::optional<Route> found;
  for (Route r : kAllRoutes) {
    if (RouteCode(r) == text || RouteNameZh(r) == text) found = r;
  }
  for (const RouteAlias& a : kRouteAliases) {
    if (!found && a.text == text) found = a.route;
  }
  const std::string list = RouteList(type);
  if (found && RouteAllowed(type, *found)) return *found;
  if (found) {
    return Status::InvalidArgument(RouteNotOfType(type, *found) + "; they have " + list);
  }
  return Status::InvalidArgument("unknown route " + Quote(text) + "; routes of " +
                                 (type == CertificateType::kSkill ? "skill certificates"
                                                                  : "professional titles") +
                                 " are " + list);
}

Result<Date> ParseDateText(std::string_view text) {
  std::string normalized(text);
  if (normalized.size() == 10 && normalized[4] == normalized[7] &&
      (normalized[4] == '/' || normalized[4] == '.')) {
    normalized[4] = normalized[7] = '-';
  }
  auto d = Date::Parse(normalized);
  if (!d.ok()) {
    return Status::InvalidArgument(Quote(text) + " is not a date (expected YYYY-MM-DD)");
  }
  return *d;
}

std::vector<FieldError> CheckCertificate(const Certificate& c, const Date& today) {
  std::vector<FieldError> errors;
  if (Status s = CheckNumberCharacters(c.number); !s.ok()) Add(&errors, "number", s.message());

  if (LevelType(c.level) != c.type) {
    Add(&errors, "level",
        std::string(TypeNoun(c.type)) + " has no level " + Quote(LevelCode(c.level)) + " (" +
            std::string(TypeNounOther(c.type)) + ")");
  }
  if (!RouteAllowed(c.type, c.route)) Add(&errors, "route", RouteNotOfType(c.type, c.route));

  const bool skill = c.type == CertificateType::kSkill;
  if (skill) {
    if (c.occupation.empty()) {
      Add(&errors, "occupation", "is empty");
    } else if (Status s = CheckOccupationCode(c.occupation); !s.ok()) {
      Add(&errors, "occupation", s.message());
    }
    CheckText(&errors, "occupation_name", c.occupation_name, true);
    CheckText(&errors, "work_type", c.work_type, true);
    CheckText(&errors, "project", c.project, true);
    CheckAbsent(&errors, "series", c.series, c.type, "series");
    CheckAbsent(&errors, "specialty", c.specialty, c.type, "specialty");
    CheckAbsent(&errors, "committee", c.committee, c.type, "committee");
    if (c.foreign) CheckAbsent(&errors, "foreign", *c.foreign, c.type, "foreign qualification");
  } else {
    if (c.series.empty()) {
      Add(&errors, "series", "is empty");
    } else if (Status s = CheckSeriesCode(c.series); !s.ok()) {
      Add(&errors, "series", s.message());
    }
    CheckText(&errors, "specialty", c.specialty, true);
    CheckText(&errors, "committee", c.committee, true);
    CheckAbsent(&errors, "occupation", c.occupation, c.type, "occupation");
    CheckAbsent(&errors, "occupation_name", c.occupation_name, c.type, "occupation name");
    CheckAbsent(&errors, "work_type", c.work_type, c.type, "work type");
    CheckAbsent(&errors, "project", c.project, c.type, "evaluation project");
    if (c.route == Route::kOverseas) {
      if (!c.foreign || c.foreign->empty()) {
        Add(&errors, "foreign",
            "the overseas route needs the foreign qualification it maps (e.g. CIMA)");
      } else {
        CheckText(&errors, "foreign", *c.foreign, true);
      }
    } else if (c.foreign) {
      Add(&errors, "foreign", "a foreign qualification belongs only to the overseas route");
    }
  }

  const std::string today_text = " (today is " + today.ToString() + " in China)";
  if (!c.evaluated.IsValid()) {
    Add(&errors, "evaluated", "is not a date");
  } else if (c.evaluated > today) {
    Add(&errors, "evaluated",
        "the evaluation date " + c.evaluated.ToString() + " is in the future" + today_text);
  }
  if (!c.issued.IsValid()) {
    Add(&errors, "issued", "is not a date");
  } else if (c.issued > today) {
    Add(&errors, "issued",
        "the issue date " + c.issued.ToString() + " is in the future" + today_text);
  }
  if (c.evaluated.IsValid() && c.issued.IsValid() && c.evaluated > c.issued) {
    Add(&errors, "evaluated",
        "the evaluation date " + c.evaluated.ToString() + " is after the issue date " +
            c.issued.ToString());
  }
  if (c.expires && c.issued.IsValid() && *c.expires <= c.issued) {
    Add(&errors, "expires",
        "the expiry date " + c.expires->ToString() + " is not after the issue date " +
            c.issued.ToString());
  }
  if (c.holder.size() != 2 || !c.holder.contains("name") || !c.holder.contains("id")) {
    Add(&errors, "holder", "needs exactly the commitments \"name\" and \"id\"");
  }
  return errors;
}

}  // namespace certledger
