// Certificate numbers.
//
// National skill number (22 characters; DOMAIN.md; the level characters
// 6, T, S are certledger's, see numbering.h):
//
//   skill-number = org-type org-code province site year level serial
//   org-type     = "Y" / "S"        ; employer / social organisation
//   org-code     = 4DIGIT           ; "0000" when filed with a province
//   province     = 2DIGIT
//   site         = 6DIGIT
//   year         = 2DIGIT           ; issue year mod 100
//   level        = "1" / "2" / "3" / "4" / "5"   ; 一级/高级技师 .. 五级/初级工
//                / "6"              ; 学徒工
//                / "T" / "S"        ; 特级技师, 首席技师
//   serial       = 6DIGIT           ; 000001 .. 999999
//
// Title pattern:
//
//   pattern  = 1*(literal / field)         ; exactly one serial field
//   field    = "{committee}" / "{year}" / "{yy}" / "{series}" / "{serial:" %x33-39 "}"
//   literal  = ALPHA / DIGIT / "-" / "_" / "."
//
// Any number: 1*64(ALPHA / DIGIT / "-" / "_" / "."), first ALPHA / DIGIT.
#include "certledger/numbering.h"

#include <algorithm>
#include <cstdio>

namespace certledger {
namespace {

bool IsDigit(char c) { return c >= '0' && c <= '9'; }
bool IsAlnum(char c) { return IsDigit(c) || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z'); }
bool IsNumberChar(char c) { return IsAlnum(c) || c == '-' || c == '_' || c == '.'; }

bool AllDigits(std::string_view s, std::size_t n) {
  return s.size() == n && std::all_of(s.begin(), s.end(), IsDigit);
}

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

std::string ZeroPadded(std::uint64_t value, int digits) {
  std::string s = std::to_string(value);
  if (static_cast<int>(s.size()) < digits) s.insert(0, static_cast<std::size_t>(digits) - s.size(), '0');
  return s;
}

constexpr struct {
  Level level;
  char c;
} kLevelChars[] = {
    {Level::kSkill1, '1'}, {Level::kSkill2, '2'},     {Level::kSkill3, '3'},
    {Level::kSkill4, '4'}, {Level::kSkill5, '5'},     {Level::kApprentice, '6'},
    {Level::kSpecial, 'T'}, {Level::kChief, 'S'},
};

}  // namespace

Status CheckNumberCharacters(std::string_view number) {
  if (number.empty()) return Status::InvalidArgument("certificate number is empty");
  if (number.size() > kMaxNumberBytes) {
    return Status::InvalidArgument("certificate number is longer than " +
                                   std::to_string(kMaxNumberBytes) + " characters");
  }
  if (!IsAlnum(number[0]) || !std::all_of(number.begin(), number.end(), IsNumberChar)) {
    return Status::InvalidArgument("certificate number " + Quote(number) +
                                   " may hold only letters, digits, '-', '_' and '.', starting "
                                   "with a letter or digit");
  }
  return Status::OK();
}

Status SkillNumbering::Check() const {
  if (org_type != 'Y' && org_type != 'S') {
    return Status::InvalidArgument("org_type must be Y (employer) or S (social evaluation "
                                   "organisation)");
  }
  if (!AllDigits(org_code, 4)) return Status::InvalidArgument("org_code must be 4 digits");
  if (!AllDigits(province, 2)) return Status::InvalidArgument("province must be 2 digits");
  if (!AllDigits(site, 6)) return Status::InvalidArgument("site must be 6 digits");
  return Status::OK();
}

std::string SkillNumbering::Prefix() const { return std::string(1, org_type) + org_code + province + site; }

char SkillLevelCharacter(Level level) {
  for (const auto& e : kLevelChars) {
    if (e.level == level) return e.c;
  }
  return '?';
}

std::optional<Level> SkillLevelFromCharacter(char c) {
  for (const auto& e : kLevelChars) {
    if (e.c == c) return e.level;
  }
  return std::nullopt;
}

std::string SkillNumber::Sequence() const {
  return codes.Prefix() + ZeroPadded(static_cast<std::uint64_t>(year), 2) +
         SkillLevelCharacter(level);
}

std::string SkillNumber::ToString() const { return Sequence() + ZeroPadded(serial, 6); }

Result<SkillNumber> ParseSkillNumber(std::string_view text) {
  if (text.size() != kSkillNumberSize) {
    return Status::InvalidArgument("a skill certificate number has 22 characters, not " +
                                   std::to_string(text.size()));
  }
  if (text[0] != 'Y' && text[0] != 'S') {
    return Status::InvalidArgument(
        "a skill certificate number starts with Y (employer) or S (social evaluation "
        "organisation), not " +
        Quote(text.substr(0, 1)));
  }
  for (std::size_t i = 1; i < kSkillNumberSize; ++i) {
    if (i == 15 || IsDigit(text[i])) continue;
    return Status::InvalidArgument("character " + std::to_string(i + 1) +
                                   " of a skill certificate number must be a digit");
  }
  std::optional<Level> level = SkillLevelFromCharacter(text[15]);
  if (!level) {
    return Status::InvalidArgument(
        "character 16 of a skill certificate number is the level: 1-5, 6 (学徒工), T "
        "(特级技师) or S (首席技师), not " +
        Quote(text.substr(15, 1)));
  }
  SkillNumber n;
  n.codes.org_type = text[0];
  n.codes.org_code = std::string(text.substr(1, 4));
  n.codes.province = std::string(text.substr(5, 2));
  n.codes.site = std::string(text.substr(7, 6));
  n.year = std::stoi(std::string(text.substr(13, 2)));
  n.level = *level;
  n.serial = std::stoull(std::string(text.substr(16, 6)));
  if (n.serial == 0) {
    return Status::InvalidArgument("the serial of a skill certificate number starts at 000001");
  }
  return n;
}

Result<TitleNumberPattern> TitleNumberPattern::Parse(std::string_view pattern) {
  TitleNumberPattern p;
  p.text_ = std::string(pattern);
  std::size_t pos = 0;
  int serials = 0;
  while (pos < pattern.size()) {
    char c = pattern[pos];
    if (c == '{') {
      std::size_t close = pattern.find('}', pos);
      if (close == std::string_view::npos) {
        return Status::InvalidArgument("title number pattern " + Quote(pattern) +
                                       ": '{' at position " + std::to_string(pos + 1) +
                                       " is not closed");
      }
      std::string_view name = pattern.substr(pos + 1, close - pos - 1);
      Part part{Part::kLiteral, ""};
      if (name == "committee") {
        part.kind = Part::kCommittee;
      } else if (name == "year") {
        part.kind = Part::kYear;
      } else if (name == "yy") {
        part.kind = Part::kYy;
      } else if (name == "series") {
        part.kind = Part::kSeries;
      } else if (name.starts_with("serial:") && name.size() == 8 && name[7] >= '3' &&
                 name[7] <= '9') {
        part.kind = Part::kSerial;
        p.serial_digits_ = name[7] - '0';
        ++serials;
      } else if (name.starts_with("serial")) {
        return Status::InvalidArgument("title number pattern " + Quote(pattern) +
                                       ": the serial is written {serial:N} with N from 3 to 9");
      } else {
        return Status::InvalidArgument(
            "title number pattern " + Quote(pattern) + ": unknown field {" + std::string(name) +
            "} (fields: {committee}, {year}, {yy}, {series}, {serial:N})");
      }
      p.parts_.push_back(std::move(part));
      pos = close + 1;
      continue;
    }
    if (!IsNumberChar(c)) {
      return Status::InvalidArgument("title number pattern " + Quote(pattern) +
                                     ": character " + std::to_string(pos + 1) +
                                     " is not a letter, digit, '-', '_' or '.'");
    }
    if (p.parts_.empty() || p.parts_.back().kind != Part::kLiteral) {
      p.parts_.push_back(Part{Part::kLiteral, ""});
    }
    p.parts_.back().literal.push_back(c);
    ++pos;
  }
  if (serials != 1) {
    return Status::InvalidArgument("title number pattern " + Quote(pattern) +
                                   ": needs exactly one {serial:N}");
  }
  p.max_serial_ = 1;
  for (int i = 0; i < p.serial_digits_; ++i) p.max_serial_ *= 10;
  p.max_serial_ -= 1;
  return p;
}

std::string TitleNumberPattern::Render(const Fields& fields, std::string_view serial) const {
  std::string out;
  for (const Part& part : parts_) {
    switch (part.kind) {
      case Part::kLiteral: out += part.literal; break;
      case Part::kCommittee: out += fields.committee; break;
      case Part::kYear: out += ZeroPadded(static_cast<std::uint64_t>(fields.year), 4); break;
      case Part::kYy: out += ZeroPadded(static_cast<std::uint64_t>(fields.year % 100), 2); break;
      case Part::kSeries: out += fields.series; break;
      case Part::kSerial: out += serial; break;
    }
  }
  return out;
}

Result<std::string> TitleNumberPattern::Format(const Fields& fields, std::uint64_t serial) const {
  auto code_ok = [](std::string_view v) {
    return !v.empty() && std::all_of(v.begin(), v.end(), [](char c) {
      return IsAlnum(c) || c == '-' || c == '_';
    });
  };
  if (!code_ok(fields.committee)) {
    return Status::InvalidArgument("committee code " + Quote(fields.committee) +
                                   " may hold only letters, digits, '-' and '_'");
  }
  if (!fields.series.empty() && !code_ok(fields.series)) {
    return Status::InvalidArgument("series code " + Quote(fields.series) +
                                   " cannot be part of a certificate number");
  }
  if (fields.year < 1 || fields.year > 9999) {
    return Status::InvalidArgument("year " + std::to_string(fields.year) + " is out of range");
  }
  if (serial == 0 || serial > max_serial_) {
    return Status::ResourceExhausted("serial " + std::to_string(serial) + " is outside 1.." +
                                     std::to_string(max_serial_) + " of pattern " + Quote(text_));
  }
  std::string number = Render(fields, ZeroPadded(serial, serial_digits_));
  CL_RETURN_IF_ERROR(CheckNumberCharacters(number));
  return number;
}

std::string TitleNumberPattern::Sequence(const Fields& fields) const {
  return Render(fields, std::string(static_cast<std::size_t>(serial_digits_), '#'));
}

Status TitleNumberPattern::Match(std::string_view number, const Fields& fields) const {
  const std::string sequence = Sequence(fields);
  bool ok = number.size() == sequence.size();
  bool serial_nonzero = false;
  for (std::size_t i = 0; ok && i < number.size(); ++i) {
    if (sequence[i] == '#') {
      ok = IsDigit(number[i]);
      serial_nonzero = serial_nonzero || number[i] != '0';
    } else {
      ok = number[i] == sequence[i];
    }
  }
  // A '#' of the sequence may also come from a field value; the committee
  // and series codes hold no '#', so every '#' is the serial's.
  if (ok && serial_nonzero) return Status::OK();
  auto example = Format(fields, 1);
  return Status::InvalidArgument("certificate number " + Quote(number) +
                                 " does not follow the pattern " + Quote(text_) +
                                 (example.ok() ? " (expected e.g. " + Quote(*example) + ")" : ""));
}

}  // namespace certledger
