// The domain rules of a certificate (shared/DOMAIN.md), which the record
// layer (record.h) leaves out: what an issuer checks before it signs.
//
// record.h checks structure: known codes, real dates, fields of the right
// type. Here: the holder's ID number (GB 11643-1999 for resident ID cards),
// the occupation code's form, that a level and a route belong to the
// certificate's type (written the way people write them, "一级/高级技师",
// "副高级", "绿色通道"), that the overseas route names its foreign
// qualification, and that no date lies in the future.
//
// Messages say what is wrong in words a clerk can act on. They never
// quote an ID number or a holder's name (they end up in logs); they may
// quote codes, dates and single characters.
//
// Thread safety: pure functions over their arguments.
#ifndef CERTLEDGER_CERTIFICATE_RULES_H_
#define CERTLEDGER_CERTIFICATE_RULES_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/record.h"
#include "certledger/status.h"

namespace certledger {

// The civil date in China (UTC+8, no daylight saving) at `unix_seconds`:
// the issuer's "today".
Date ChinaCivilDate(std::uint64_t unix_seconds);

// Unix seconds of 00:00 China time on `date`. Precondition: date.IsValid().
std::uint64_t ChinaMidnight(const Date& date);

// A problem with one field. `field` is the field's name as a CSV column
// (docs/ISSUING.md): "name", "id_number", "level", "occupation", ...
struct FieldError {
  std::string field;
  std::string message;
  friend bool operator==(const FieldError&, const FieldError&) = default;
};

// The holder's identity document.
enum class IdType {
  kResident,          // "resident": 居民身份证, also 港澳台居民居住证 (same form)
  kForeignPermanent,  // "foreign_permanent": 外国人永久居留身份证
  kPassport,          // "passport": 护照
  kHkMacaoPermit,     // "hk_macao_permit": 港澳居民来往内地通行证
  kTaiwanPermit,      // "taiwan_permit": 台湾居民来往大陆通行证
};

std::string_view IdTypeCode(IdType type);
std::string_view IdTypeNameZh(IdType type);
// A code or the Chinese name; nullopt if neither.
std::optional<IdType> ParseIdType(std::string_view text);

// The GB 11643-1999 check character ('0'..'9' or 'X', ISO 7064 MOD 11-2)
// of the first 17 characters. Precondition: `body` is 17 ASCII digits.
char Gb11643CheckCharacter(std::string_view body);

// The ID number as it is committed to: ASCII letters upper-cased ('x' ->
// 'X'), nothing else changed.
std::string NormalizeIdNumber(std::string_view id);

// Checks a (normalized) ID number of `type`; `today` bounds the birth date.
// OK, or InvalidArgument with one of:
//   "ID number is empty"
//   "a resident ID number has 18 characters, not N"
//   "a resident ID number is 17 digits and a check digit 0-9 or X; character N is not"
//   "the ID number's region code NN is no province of China"
//   "the ID number's birth date (characters 7 to 14) is not a real date"
//   "the ID number's birth date is in the future" / "... before 1900"
//   "the ID number fails its GB 11643 check digit: a character is mistyped"
//   (foreign_permanent) "a foreign permanent resident ID number has 18
//     characters beginning with 9, or 15 (3 letters and 12 digits)"
//   (passport and permits) "a <kind> number is 5 to 20 capital letters and digits"
[[nodiscard]] Status CheckIdNumber(IdType type, std::string_view id, const Date& today);

// A holder's name: 1 to 64 characters, no digits, no control characters,
// no ASCII punctuation other than space . - ' (names such as 买买提·艾力 and
// "Anna-Maria O'Neil" pass). InvalidArgument "name is empty", "name is
// longer than 64 characters", "name holds a digit", "name holds a control
// character", "name holds the character \"@\"", "name is not valid UTF-8".
[[nodiscard]] Status CheckHolderName(std::string_view name);

// An occupation code of the national classification (职业分类大典), the form
// "6-18-01-01": a major category 1 to 8, then three two-digit groups.
// InvalidArgument `malformed occupation code "6-18-1-01": expected the form
// 6-18-01-01 (major category 1-8, then three two-digit groups)`.
[[nodiscard]] Status CheckOccupationCode(std::string_view code);

// A title series code: 1 to 32 of a-z 0-9 _ -, starting with a letter
// ("engineering", "higher_education"). InvalidArgument `malformed series
// code "工程": expected lower-case letters, digits, '_' or '-', e.g.
// engineering`.
[[nodiscard]] Status CheckSeriesCode(std::string_view code);

// The certificate type from its code or Chinese name ("skill", "技能",
// "职业技能等级证书", "title", "职称", "专业技术职称"). InvalidArgument
// `unknown certificate type "x": expected skill (职业技能等级证书) or title
// (专业技术职称)`.
[[nodiscard]] Result<CertificateType> ParseCertificateTypeText(std::string_view text);

// A level of `type` from its code ("1", "special", "deputy_senior") or the
// way it is written ("一级/高级技师", "一级", "高级技师", "特级技师",
// "学徒工", "副高级", "正高级"). InvalidArgument:
//   `unknown skill level "九级"; skill levels are 学徒工, 五级/初级工, ...`
//   `a skill certificate has no level "中级" (a professional title level);
//    skill levels are ...` (and the same for titles).
[[nodiscard]] Result<Level> ParseLevelText(CertificateType type, std::string_view text);

// A route of `type` from its code or Chinese name ("exam", "考核评价",
// "以赛代评", "green_channel", "绿色通道", ...). InvalidArgument:
//   `unknown route "x"; routes of skill certificates are exam (考核评价), ...`
//   `"green_channel" (绿色通道) is not a route of skill certificates; they
//    have exam (考核评价), ...`.
[[nodiscard]] Result<Route> ParseRouteText(CertificateType type, std::string_view text);

// A date field "YYYY-MM-DD" (also "YYYY/MM/DD" and "YYYY.MM.DD", as
// spreadsheets write them). InvalidArgument `"2025-13-01" is not a date
// (expected YYYY-MM-DD)`.
[[nodiscard]] Result<Date> ParseDateText(std::string_view text);

// Every domain rule of `c` as a list of problems (empty: the certificate
// may be signed). `today` is the issuer's date in China. Checks: number
// characters (see numbering.h), level and route of the type, the fields of
// the type present and non-empty and those of the other type absent,
// occupation and series code forms, foreign qualification iff the route is
// overseas, text fields without control characters and at most 256 bytes,
// evaluated <= issued <= today, expires after issued, holder commitments
// "name" and "id". Messages (field: message), among others:
//   level:      "a skill certificate has no level \"intermediate\" (a professional title level)"
//   route:      "\"green_channel\" (绿色通道) is not a route of skill certificates"
//   foreign:    "the overseas route needs the foreign qualification it maps (e.g. CIMA)"
//   foreign:    "a foreign qualification belongs only to the overseas route"
//   evaluated:  "the evaluation date 2027-01-01 is in the future (today is 2026-01-10 in China)"
//   issued:     "the issue date 2027-01-01 is in the future (today is ...)"
//   evaluated:  "the evaluation date 2026-02-01 is after the issue date 2026-01-10"
//   expires:    "the expiry date 2026-01-01 is not after the issue date 2026-01-10"
//   occupation: (CheckOccupationCode)     series: (CheckSeriesCode)
//   occupation: "a professional title has no occupation; leave it empty"
//   <field>:    "is empty" / "is longer than 256 bytes" / "holds a control character"
std::vector<FieldError> CheckCertificate(const Certificate& c, const Date& today);

}  // namespace certledger

#endif  // CERTLEDGER_CERTIFICATE_RULES_H_
