// Certificate numbers: the national 22-character number of skill level
// certificates (shared/DOMAIN.md, 人社鉴发〔2021〕1号) and a title
// committee's own pattern. The grammar is at the top of issuer/numbering.cpp
// and in docs/ISSUING.md.
//
// Skill numbers:  Y 0001 31 000123 26 1 000124
//                 | |    |  |      |  | serial, assigned by the body
//                 | |    |  |      |  level: 1-5 (一级 ... 五级)
//                 | |    |  |      issue year, two digits
//                 | |    |  site serial, assigned by the provincial bureau
//                 | |    province code
//                 | organisation code ("0000" when filed with a province)
//                 Y employer or S social training and evaluation organisation
//
// The notice gives no level digit to 学徒工, and says only that the grades
// above level 1 use "two letters and 20 digits". certledger's choices: the
// level character of 学徒工 is '6' (the next step below 5), of 特级技师 'T'
// (tèjí) and of 首席技师 'S' (shǒuxí), in the same 16th place, so that every
// number keeps one layout.
//
// A serial is unique within its sequence: the number with its serial left
// out. Serials start at 1.
//
// Thread safety: plain values and pure functions.
#ifndef CERTLEDGER_NUMBERING_H_
#define CERTLEDGER_NUMBERING_H_

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/record.h"
#include "certledger/status.h"

namespace certledger {

// The most bytes of any certificate number (record.h allows 64).
constexpr std::size_t kMaxNumberBytes = 64;
constexpr std::size_t kSkillNumberSize = 22;
constexpr std::uint64_t kMaxSkillSerial = 999999;

// A number names its certificate's files, so it holds only A-Z a-z 0-9 and
// '-', '_', '.', starts with a letter or digit, and has 1 to 64 bytes.
// InvalidArgument `certificate number "a b" may hold only letters, digits,
// '-', '_' and '.', starting with a letter or digit` or `certificate number
// is longer than 64 characters` or `certificate number is empty`.
[[nodiscard]] Status CheckNumberCharacters(std::string_view number);

// A certifying body's codes for the national number.
struct SkillNumbering {
  char org_type = 'Y';    // 'Y' employer, 'S' social training and evaluation organisation
  std::string org_code;   // 4 digits
  std::string province;   // 2 digits
  std::string site;       // 6 digits

  // InvalidArgument naming the code: `org_type must be Y (employer) or S
  // (social evaluation organisation)`, `org_code must be 4 digits`,
  // `province must be 2 digits`, `site must be 6 digits`.
  [[nodiscard]] Status Check() const;
  // The first 13 characters of the body's numbers.
  std::string Prefix() const;
  friend bool operator==(const SkillNumbering&, const SkillNumbering&) = default;
};

// The level character of a skill number. Precondition: LevelType(level) is
// kSkill.
char SkillLevelCharacter(Level level);
// nullopt for a character that names no skill level.
std::optional<Level> SkillLevelFromCharacter(char c);

// The parts of a national number.
struct SkillNumber {
  SkillNumbering codes;
  int year = 0;  // the two digits, 0..99
  Level level = Level::kSkill5;
  std::uint64_t serial = 0;

  std::string ToString() const;
  // The number without its serial (the first 16 characters).
  std::string Sequence() const;
};

// Reads a national number. InvalidArgument with one of:
//   "a skill certificate number has 22 characters, not N"
//   `a skill certificate number starts with Y (employer) or S (social
//    evaluation organisation), not "X"`
//   "character N of a skill certificate number must be a digit"
//   `character 16 of a skill certificate number is the level: 1-5, 6
//    (学徒工), T (特级技师) or S (首席技师), not "X"`
//   "the serial of a skill certificate number starts at 000001"
[[nodiscard]] Result<SkillNumber> ParseSkillNumber(std::string_view text);

// A committee's numbering pattern for professional titles, e.g.
// "{committee}-{year}-{serial:6}" -> "SHGC-2026-000001". Fields:
//   {committee}  the committee's code (letters, digits, '-', '_')
//   {year}       the issue year, four digits;  {yy}  its last two digits
//   {series}     the title series code
//   {serial:N}   the serial, N digits with leading zeros (N from 3 to 9)
// Everything else is literal: letters, digits, '-', '_', '.'.
// Copyable value.
class TitleNumberPattern {
 public:
  struct Fields {
    std::string committee;
    int year = 0;
    std::string series;
  };

  // InvalidArgument naming the problem: an unknown field, an unclosed '{',
  // a literal character outside the set above, no {serial:N} or more than
  // one, N outside 3..9.
  [[nodiscard]] static Result<TitleNumberPattern> Parse(std::string_view pattern);

  const std::string& text() const { return text_; }
  std::uint64_t max_serial() const { return max_serial_; }

  // The number with `serial`. InvalidArgument if a field value holds a
  // character outside letters, digits, '-', '_' (series: also lower case
  // only) or the number is over kMaxNumberBytes; ResourceExhausted if
  // serial is 0 or over max_serial().
  [[nodiscard]] Result<std::string> Format(const Fields& fields, std::uint64_t serial) const;
  // The number with the serial's digits written as '#' (its sequence).
  std::string Sequence(const Fields& fields) const;
  // OK if `number` is Format(fields, s) for some serial s; InvalidArgument
  // `certificate number "X" does not follow the pattern "P" (expected e.g.
  // "SHGC-2026-000001")` otherwise.
  [[nodiscard]] Status Match(std::string_view number, const Fields& fields) const;

 private:
  struct Part {
    enum Kind { kLiteral, kCommittee, kYear, kYy, kSeries, kSerial } kind;
    std::string literal;
  };
  std::string Render(const Fields& fields, std::string_view serial) const;

  std::string text_;
  std::vector<Part> parts_;
  int serial_digits_ = 0;
  std::uint64_t max_serial_ = 0;
};

}  // namespace certledger

#endif  // CERTLEDGER_NUMBERING_H_
