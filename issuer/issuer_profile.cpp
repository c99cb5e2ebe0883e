// The issuer profile file; its keys are listed in issuer_profile.h.
#include "certledger/issuer_profile.h"

#include <algorithm>
#include <map>

#include "key_value.h"

namespace certledger {
namespace {

constexpr const char* kKeys[] = {"body",           "org_type",       "org_code",
                                 "province",       "site",           "committee_code",
                                 "committee_name", "title_pattern", "base_url"};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

}  // namespace

Result<IssuerProfile> ParseIssuerProfile(std::string_view text) {
  CL_ASSIGN_OR_RETURN(std::vector<internal::Setting> settings, internal::ParseKeyValue(text));
  std::map<std::string, internal::Setting> values;
  for (internal::Setting& s : settings) {
    const std::string where = "line " + std::to_string(s.line) + ": ";
    if (std::find(std::begin(kKeys), std::end(kKeys), s.key) == std::end(kKeys)) {
      return Status::InvalidArgument(where + "unknown key " + Quote(s.key));
    }
    if (values.contains(s.key)) {
      return Status::InvalidArgument(where + Quote(s.key) + " is given twice");
    }
    values.emplace(s.key, std::move(s));
  }
  auto get = [&](const char* key) -> std::string {
    auto it = values.find(key);
    return it == values.end() ? "" : it->second.value;
  };
  IssuerProfile p;
  p.body = get("body");
  p.base_url = get("base_url");
  if (!p.base_url.empty() && !p.base_url.starts_with("http://") &&
      !p.base_url.starts_with("https://")) {
    return Status::InvalidArgument("base_url must start with http:// or https://");
  }

  const char* skill_keys[] = {"org_type", "org_code", "province", "site"};
  std::string missing;
  int present = 0;
  for (const char* k : skill_keys) {
    if (values.contains(k)) {
      ++present;
    } else {
      missing += missing.empty() ? k : std::string(", ") + k;
    }
  }
  if (present != 0 && present != 4) {
    return Status::InvalidArgument("org_type, org_code, province and site go together; missing: " +
                                   missing);
  }
  if (present == 4) {
    SkillNumbering codes;
    std::string type = get("org_type");
    codes.org_type = type.size() == 1 ? type[0] : '?';
    codes.org_code = get("org_code");
    codes.province = get("province");
    codes.site = get("site");
    if (Status s = codes.Check(); !s.ok()) {
      // Name the line of the code at fault.
      for (const char* k : skill_keys) {
        if (s.message().starts_with(k)) {
          return Status::InvalidArgument("line " + std::to_string(values[k].line) + ": " +
                                         s.message());
        }
      }
      return s;
    }
    p.skill = codes;
  }

  p.committee_code = get("committee_code");
  p.committee_name = get("committee_name");
  std::string pattern = get("title_pattern");
  if (!p.committee_code.empty() || !pattern.empty()) {
    if (p.committee_name.empty()) {
      return Status::InvalidArgument("committee_code needs committee_name");
    }
    bool code_ok = std::all_of(p.committee_code.begin(), p.committee_code.end(), [](char c) {
      return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
             c == '-' || c == '_';
    });
    if (!code_ok) {
      return Status::InvalidArgument("committee_code may hold only letters, digits, '-' and '_'");
    }
    CL_ASSIGN_OR_RETURN(TitleNumberPattern parsed,
                        TitleNumberPattern::Parse(pattern.empty() ? kDefaultTitlePattern : pattern));
    // The pattern must give a number for this committee.
    TitleNumberPattern::Fields sample{p.committee_code.empty() ? "X" : p.committee_code, 2026,
                                      "engineering"};
    if (p.committee_code.empty() && parsed.text().find("{committee}") != std::string::npos) {
      return Status::InvalidArgument("title_pattern uses {committee}: set committee_code");
    }
    CL_RETURN_IF_ERROR(parsed.Format(sample, 1).status());
    p.title_pattern = std::move(parsed);
  } else if (!p.committee_name.empty()) {
    return Status::InvalidArgument("committee_name needs committee_code (for title numbers)");
  }
  return p;
}

}  // namespace certledger
