// IssuerProfile: who a certifying body is when it issues, and how it
// numbers its certificates. Read from a "key = value" file
// (docs/ISSUING.md; grammar in issuer/key_value.h):
//
//   body           = shanghai-electric       # iss of its records (default:
//                                            # the signing key's name)
//   org_type       = Y                       # the national skill number's
//   org_code       = 0001                    # codes (numbering.h): all four,
//   province       = 31                      # or none (then the body issues
//   site           = 000123                  # no skill certificates)
//   committee_code = SHGC                    # professional titles: the
//   committee_name = 上海市工程系列高级职称评审委员会   # committee and its
//   title_pattern  = {committee}-{year}-{serial:6}       # numbering pattern
//   base_url       = https://verify.example.cn           # the verifier's URL
//
// (the '#' notes are for this comment only: a comment in the file is a
// line of its own that starts with '#').
//
// Thread safety: plain values and pure functions.
#ifndef CERTLEDGER_ISSUER_PROFILE_H_
#define CERTLEDGER_ISSUER_PROFILE_H_

#include <optional>
#include <string>
#include <string_view>

#include "certledger/numbering.h"
#include "certledger/status.h"

namespace certledger {

inline constexpr char kDefaultTitlePattern[] = "{committee}-{year}-{serial:6}";

struct IssuerProfile {
  std::string body;                     // empty: the signing key's name
  std::optional<SkillNumbering> skill;  // absent: the body issues no skill certificates
  std::string committee_code;           // {committee} of title numbers
  std::string committee_name;           // the "committee" field of titles
  std::optional<TitleNumberPattern> title_pattern;  // absent: no titles
  std::string base_url;                 // the verifier's public URL for QR codes
};

// Reads a profile. InvalidArgument, naming the line where there is one:
//   "line N: unknown key \"x\"", "line N: \"site\" is given twice",
//   "line N: org_code must be 4 digits" (and the other SkillNumbering
//   messages), "org_type, org_code, province and site go together;
//   missing: site", "committee_code needs committee_name",
//   "committee_code may hold only letters, digits, '-' and '_'",
//   the TitleNumberPattern::Parse messages, "base_url must start with
//   http:// or https://".
[[nodiscard]] Result<IssuerProfile> ParseIssuerProfile(std::string_view text);

}  // namespace certledger

#endif  // CERTLEDGER_ISSUER_PROFILE_H_
