// Accreditation input files and accreditation changes.
//
// Grammar of the values (the lines: issuer/key_value.h):
//
//   list    = [item *("," item)]           ; items trimmed
//   key     = KEY *(SP option)
//   option  = ("from" / "until" / "revoked") "=" time
//   time    = date                         ; 00:00 in China (UTC+8)
//           / date "T" 2DIGIT ":" 2DIGIT ":" 2DIGIT ("Z" / ("+" / "-") 2DIGIT ":" 2DIGIT)
//           / "@" 1*DIGIT                  ; Unix seconds
//   date    = 4DIGIT "-" 2DIGIT "-" 2DIGIT
#include "certledger/accreditation_input.h"

#include <algorithm>
#include <map>
#include <set>

#include "certledger/certificate_rules.h"
#include "key_value.h"

namespace certledger {
namespace {

constexpr const char* kKeys[] = {"body", "name_zh", "name_en", "from", "until",
                                 "status", "occupations", "series", "levels", "key"};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

std::vector<std::string> SplitList(std::string_view s) {
  std::vector<std::string> out;
  if (Trim(s).empty()) return out;
  for (;;) {
    std::size_t comma = s.find(',');
    out.emplace_back(Trim(s.substr(0, comma)));
    if (comma == std::string_view::npos) break;
    s.remove_prefix(comma + 1);
  }
  return out;
}

bool ReadDigits(std::string_view s, std::size_t pos, std::size_t len, int* out) {
  if (pos + len > s.size()) return false;
  int v = 0;
  for (std::size_t i = pos; i < pos + len; ++i) {
    if (s[i] < '0' || s[i] > '9') return false;
    v = v * 10 + (s[i] - '0');
  }
  *out = v;
  return true;
}

std::string KeyHex(const PublicKey& key) { return HexEncode(key.Id()); }

}  // namespace

Result<std::uint64_t> ParseTime(std::string_view text) {
  auto bad = [&] {
    return Status::InvalidArgument(Quote(text) +
                                   " is not a time (expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, "
                                   "YYYY-MM-DDTHH:MM:SS+08:00 or @SECONDS)");
  };
  if (text.starts_with("@")) {
    if (text.size() < 2 || text.size() > 20) return bad();
    std::uint64_t v = 0;
    for (char c : text.substr(1)) {
      if (c < '0' || c > '9') return bad();
      v = v * 10 + static_cast<std::uint64_t>(c - '0');
    }
    return v;
  }
  auto date = Date::Parse(text.substr(0, 10));
  if (!date.ok()) return bad();
  const std::uint64_t midnight_china = ChinaMidnight(*date);
  if (text.size() == 10) return midnight_china;
  int hh, mm, ss, oh = 0, om = 0;
  if (text[10] != 'T' || !ReadDigits(text, 11, 2, &hh) || text.size() < 20 || text[13] != ':' ||
      !ReadDigits(text, 14, 2, &mm) || text[16] != ':' || !ReadDigits(text, 17, 2, &ss) ||
      hh > 23 || mm > 59 || ss > 59) {
    return bad();
  }
  std::string_view zone = text.substr(19);
  int sign = 1;
  if (zone == "Z") {
  } else if (zone.size() == 6 && (zone[0] == '+' || zone[0] == '-') && zone[3] == ':' &&
             ReadDigits(zone, 1, 2, &oh) && ReadDigits(zone, 4, 2, &om) && oh <= 23 && om <= 59) {
    sign = zone[0] == '+' ? 1 : -1;
  } else {
    return bad();
  }
  // Midnight UTC of the date, plus the clock time, minus the offset.
  const std::int64_t midnight_utc = static_cast<std::int64_t>(midnight_china) + 8 * 3600;
  const std::int64_t t = midnight_utc + hh * 3600 + mm * 60 + ss - sign * (oh * 3600 + om * 60);
  if (t < 0) return bad();
  return static_cast<std::uint64_t>(t);
}

Result<Accreditation> ParseAccreditationInput(std::string_view text,
                                              const PublicKeyReader& read_key) {
  CL_ASSIGN_OR_RETURN(std::vector<internal::Setting> settings, internal::ParseKeyValue(text));
  std::map<std::string, const internal::Setting*> once;
  std::vector<const internal::Setting*> keys;
  for (const internal::Setting& s : settings) {
    const std::string where = "line " + std::to_string(s.line) + ": ";
    if (std::find(std::begin(kKeys), std::end(kKeys), s.key) == std::end(kKeys)) {
      return Status::InvalidArgument(where + "unknown key " + Quote(s.key));
    }
    if (s.key == "key") {
      keys.push_back(&s);
      continue;
    }
    if (!once.emplace(s.key, &s).second) {
      return Status::InvalidArgument(where + Quote(s.key) + " is given twice");
    }
  }
  for (const char* required : {"body", "name_zh", "name_en", "from", "until", "levels"}) {
    if (!once.contains(required)) return Status::InvalidArgument("missing " + Quote(required));
  }
  if (keys.empty()) return Status::InvalidArgument("missing \"key\"");
  auto where = [](const internal::Setting* s) { return "line " + std::to_string(s->line); };

  Accreditation a;
  a.body = once["body"]->value;
  a.name_zh = once["name_zh"]->value;
  a.name_en = once["name_en"]->value;
  {
    auto from = ParseTime(once["from"]->value);
    if (!from.ok()) return from.status().Annotate(where(once["from"]));
    a.from = *from;
    auto until = ParseTime(once["until"]->value);
    if (!until.ok()) return until.status().Annotate(where(once["until"]));
    a.until = *until;
  }
  if (auto it = once.find("status"); it != once.end()) {
    auto status = ParseAccreditationStatus(it->second->value);
    if (!status) {
      return Status::InvalidArgument(where(it->second) + ": unknown status " +
                                     Quote(it->second->value) + " (active or withdrawn)");
    }
    a.status = *status;
  }
  if (auto it = once.find("occupations"); it != once.end()) {
    a.scope.occupations = SplitList(it->second->value);
  }
  if (auto it = once.find("series"); it != once.end()) a.scope.series = SplitList(it->second->value);
  for (const std::string& item : SplitList(once["levels"]->value)) {
    auto skill = ParseLevelText(CertificateType::kSkill, item);
    auto title = ParseLevelText(CertificateType::kTitle, item);
    if (!skill.ok() && !title.ok()) {
      return Status::InvalidArgument(where(once["levels"]) + ": unknown level " + Quote(item));
    }
    a.scope.levels.push_back(skill.ok() ? *skill : *title);
  }
  for (const internal::Setting* s : keys) {
    std::string_view value = s->value;
    std::size_t space = value.find(' ');
    std::string_view ref = value.substr(0, space);
    AccreditedKey key;
    key.from = a.from;
    auto parsed = ParseVerifierKey(ref);
    if (!parsed.ok()) {
      if (ref.find('+') != std::string_view::npos && ref.find('/') == std::string_view::npos) {
        return parsed.status().Annotate(where(s));
      }
      parsed = read_key(ref);
      if (!parsed.ok()) return parsed.status().Annotate(where(s));
    }
    key.public_key = parsed->key;
    std::string_view rest = space == std::string_view::npos ? "" : value.substr(space + 1);
    for (std::string_view option; !(rest = Trim(rest)).empty();) {
      std::size_t end = rest.find(' ');
      option = rest.substr(0, end);
      rest = end == std::string_view::npos ? "" : rest.substr(end);
      std::size_t eq = option.find('=');
      std::string_view name = option.substr(0, eq);
      if (eq == std::string_view::npos || (name != "from" && name != "until" && name != "revoked")) {
        return Status::InvalidArgument(where(s) + ": unknown key option " + Quote(option) +
                                       " (from=, until=, revoked=)");
      }
      auto t = ParseTime(option.substr(eq + 1));
      if (!t.ok()) return t.status().Annotate(where(s));
      if (name == "from") key.from = *t;
      if (name == "until") key.until = *t;
      if (name == "revoked") key.revoked = *t;
    }
    a.keys.push_back(key);
  }
  CL_RETURN_IF_ERROR(CheckAccreditationInput(a));
  return a;
}

Status CheckAccreditationInput(const Accreditation& a) {
  if (!IsValidKeyName(a.body)) {
    return Status::InvalidArgument("body " + Quote(a.body) +
                                   " is not a valid id (no spaces, '+' or control characters)");
  }
  if (a.name_zh.empty()) return Status::InvalidArgument("name_zh is empty");
  if (a.name_en.empty()) return Status::InvalidArgument("name_en is empty");
  if (a.until <= a.from) return Status::InvalidArgument("until is not after from");
  if (a.keys.empty()) return Status::InvalidArgument("no key");
  std::set<PublicKey, bool (*)(const PublicKey&, const PublicKey&)> seen(
      [](const PublicKey& x, const PublicKey& y) { return x.bytes < y.bytes; });
  for (const AccreditedKey& k : a.keys) {
    if (!seen.insert(k.public_key).second) {
      return Status::InvalidArgument("key " + KeyHex(k.public_key) + " is listed twice");
    }
    if (k.until && *k.until <= k.from) {
      return Status::InvalidArgument("key " + KeyHex(k.public_key) + ": until is not after from");
    }
  }
  std::set<std::string> codes;
  for (const std::string& occ : a.scope.occupations) {
    CL_RETURN_IF_ERROR(CheckOccupationCode(occ).Annotate("occupations"));
    if (!codes.insert(occ).second) {
      return Status::InvalidArgument("occupations: " + Quote(occ) + " is listed twice");
    }
  }
  for (const std::string& series : a.scope.series) {
    CL_RETURN_IF_ERROR(CheckSeriesCode(series).Annotate("series"));
    if (!codes.insert(series).second) {
      return Status::InvalidArgument("series: " + Quote(series) + " is listed twice");
    }
  }
  if (a.scope.levels.empty()) return Status::InvalidArgument("levels: no level");
  std::set<Level> levels;
  for (Level l : a.scope.levels) {
    if (!levels.insert(l).second) {
      return Status::InvalidArgument("levels: " + std::string(LevelNameZh(l)) + " is listed twice");
    }
    bool skill = LevelType(l) == CertificateType::kSkill;
    if (skill && a.scope.occupations.empty()) {
      return Status::InvalidArgument("levels: skill level " + std::string(LevelNameZh(l)) +
                                     " given, but no occupations");
    }
    if (!skill && a.scope.series.empty()) {
      return Status::InvalidArgument("levels: title level " + std::string(LevelNameZh(l)) +
                                     " given, but no series");
    }
  }
  return Status::OK();
}

Result<Accreditation> RotateKey(Accreditation a, const PublicKey& new_key, std::uint64_t at) {
  for (AccreditedKey& k : a.keys) {
    if (k.public_key == new_key) {
      return Status::InvalidArgument("key " + KeyHex(new_key) + " is already accredited");
    }
  }
  for (AccreditedKey& k : a.keys) {
    bool open = (!k.until || *k.until > at) && !(k.revoked && *k.revoked <= at);
    if (!open) continue;
    if (k.from >= at) {
      return Status::InvalidArgument("key " + KeyHex(k.public_key) +
                                     " starts at or after the rotation time");
    }
    k.until = at;
  }
  a.keys.push_back(AccreditedKey{new_key, at, std::nullopt, std::nullopt});
  return a;
}

Result<Accreditation> RevokeKey(Accreditation a, const PublicKey& key, std::uint64_t at) {
  for (AccreditedKey& k : a.keys) {
    if (k.public_key != key) continue;
    if (k.revoked) {
      return Status::AlreadyExists("key " + KeyHex(key) + " was revoked already, at " +
                                   std::to_string(*k.revoked));
    }
    k.revoked = at;
    return a;
  }
  return Status::NotFound("key " + KeyHex(key) + " is not a key of " + Quote(a.body));
}

Result<Accreditation> Withdraw(Accreditation a) {
  if (a.status == AccreditationStatus::kWithdrawn) {
    return Status::AlreadyExists("the accreditation of " + Quote(a.body) +
                                 " was withdrawn already");
  }
  a.status = AccreditationStatus::kWithdrawn;
  return a;
}

}  // namespace certledger
