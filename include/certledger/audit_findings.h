// Regulator findings and statistics: what a regulator wants to know about a
// log beyond the validity of its records (issue 6, "Findings for
// regulators"). A RegulatorReview is fed every record the log's rules
// accepted, in log order, and tells at the end how many certificates each
// body issued, of what, when, and which patterns look wrong.
//
// Statistics (AuditStatistics). A certificate counts for its signer body
// (its iss), its occupation (skill) or series (title), its level, and the
// month in China time (UTC+8) of the entry's logged_at. A revocation counts
// for the body that issued the revoked certificate (not for its signer,
// which may be the regulator), and for its reason.
//
// Findings, with their codes. Every threshold is in RegulatorOptions:
//
//   backdated               a certificate whose iat lies more than
//                           `backdated_seconds` (30 days) before its entry's
//                           logged_at. Exactly that far is not a finding.
//   issuance_surge          a body's certificates in one month (China time,
//                           by logged_at) are more than `surge_factor` (5)
//                           times the median of its previous months, and at
//                           least `surge_min_certificates` (100). The
//                           previous months are every calendar month from the
//                           body's first month with a certificate up to the
//                           month before, months without any counted as 0;
//                           at least `surge_min_history_months` (3) of them
//                           are needed. (Median of an even count: the mean
//                           of the middle two.) One finding per body and
//                           month, judged at the end.
//   near_accreditation_end  a certificate logged at most
//                           `near_end_seconds` (14 days) before the end
//                           (`until`) of the accreditation of its body in
//                           force at the time (the body's latest logged
//                           accreditation), or logged after that end. The
//                           log's rules refuse the latter, so it appears only
//                           when such a record slipped in.
//   high_revocation_rate    a body that issued at least
//                           `revocation_min_certificates` (20) certificates
//                           of which more than `revocation_rate` (10%) were
//                           revoked. Judged at the end, one per body.
//   serial_out_of_sequence  a skill certificate with a national 22-character
//                           number (numbering.h: `Y`/`S`, 14 digits, the
//                           level character, a 6-digit serial) whose serial
//                           is not above the last serial of its sequence, or
//                           above it by more than `serial_max_gap` (1000).
//                           A sequence is the signer body together with the
//                           number without its serial (organisation,
//                           province, site, year and level), as the issuer
//                           numbers them (numbering.h). The first serial of
//                           a sequence is not judged.
//
// Thread safety: a RegulatorReview is used by one thread at a time. The
// free functions are pure.
#ifndef CERTLEDGER_AUDIT_FINDINGS_H_
#define CERTLEDGER_AUDIT_FINDINGS_H_

#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/record.h"

namespace certledger {

struct AuditFinding;

// The thresholds of the findings above, with their defaults.
struct RegulatorOptions {
  // Whether the audit looks for regulator findings at all (statistics are
  // always kept).
  bool enabled = true;
  std::uint64_t backdated_seconds = 30 * 86400;
  double surge_factor = 5.0;
  std::uint64_t surge_min_certificates = 100;
  std::uint64_t surge_min_history_months = 3;
  std::uint64_t near_end_seconds = 14 * 86400;
  double revocation_rate = 0.10;
  std::uint64_t revocation_min_certificates = 20;
  std::uint64_t serial_max_gap = 1000;
};

// Counts, keyed by code; std::map keeps them sorted for reports.
struct AuditStatistics {
  struct Body {
    std::string name_zh, name_en;  // from its latest accreditation
    std::uint64_t certificates = 0;
    std::uint64_t revoked = 0;  // of its certificates, revoked by anyone
  };
  std::map<std::string, Body> bodies;  // body id -> (every accredited or issuing body)
  // Certificates per occupation code (skill) or series code (title).
  std::map<std::string, std::uint64_t> by_occupation;
  std::map<std::string, std::string> occupation_names;  // code -> first occ_name seen
  std::map<std::string, std::uint64_t> by_series;
  std::map<Level, std::uint64_t> by_level;
  std::map<std::string, std::uint64_t> by_month;  // "YYYY-MM", China time
  std::map<RevocationReason, std::uint64_t> revocations_by_reason;
};

// The codes above; whether `code` is one of them.
bool IsRegulatorFindingCode(std::string_view code);

// "YYYY-MM": the month in China (UTC+8) at `unix_seconds`.
std::string ChinaMonthOf(std::uint64_t unix_seconds);

class RegulatorReview {
 public:
  explicit RegulatorReview(RegulatorOptions options = {});
  // Movable, not copyable (it points into its own statistics).
  RegulatorReview(RegulatorReview&&) = default;
  RegulatorReview& operator=(RegulatorReview&&) = default;
  RegulatorReview(const RegulatorReview&) = delete;
  RegulatorReview& operator=(const RegulatorReview&) = delete;

  // One accepted record, in log order: entry `index`, logged at
  // `logged_at_ms`. For a revocation, `revoked_issuer` is the body that
  // issued the revoked certificate (empty if unknown). Findings about this
  // record are appended to `findings`.
  void Add(std::uint64_t index, std::uint64_t logged_at_ms, const SignedRecord& record,
           std::string_view revoked_issuer, std::vector<AuditFinding>* findings);

  // The findings judged over the whole log (issuance_surge,
  // high_revocation_rate), appended to `findings`. Call once, after the
  // last Add.
  void Finish(std::vector<AuditFinding>* findings) const;

  const AuditStatistics& statistics() const { return stats_; }

 private:
  struct Sequence {
    std::uint64_t last_serial = 0;
    std::uint64_t last_index = 0;
  };
  void AddCertificate(std::uint64_t index, std::uint64_t logged_at_s, const SignedRecord& record,
                      const Certificate& c, std::vector<AuditFinding>* findings);

  RegulatorOptions options_;
  AuditStatistics stats_;
  // body -> its latest accreditation's until.
  std::map<std::string, std::uint64_t, std::less<>> until_;
  // The month of the last certificate and its count in stats_.by_month
  // (std::map nodes stay where they are).
  std::int64_t last_month_ = -1;
  std::uint64_t* last_month_count_ = nullptr;
  // body -> month (year * 12 + month - 1, China time) -> certificates.
  std::map<std::string, std::map<std::int64_t, std::uint64_t>, std::less<>> monthly_;
  // body + '\n' + number without serial -> the last serial.
  std::map<std::string, Sequence, std::less<>> sequences_;
};

}  // namespace certledger

#endif  // CERTLEDGER_AUDIT_FINDINGS_H_
