// Regulator findings and statistics (certledger/audit_findings.h).
//
// A national skill number, as judged by serial_out_of_sequence
// (numbering.h; shared/DOMAIN.md):
//
//   number   = org-type 14DIGIT level serial        ; 22 characters
//   org-type = "Y" / "S"
//   level    = DIGIT / ALPHA                        ; 1-6, T, S
//   serial   = 6DIGIT                               ; the body's serial
//
// Its sequence is everything but the serial (the first 16 characters).
#include "certledger/audit_findings.h"

#include <algorithm>
#include <chrono>
#include <cstdio>

#include "certledger/audit.h"

namespace certledger {
namespace {

constexpr std::uint64_t kChinaOffsetSeconds = 8 * 3600;
constexpr std::size_t kNumberSize = 22;
constexpr std::size_t kSerialAt = 16;

std::int64_t ChinaMonthNumber(std::uint64_t unix_seconds) {
  using namespace std::chrono;
  const sys_days day{days{static_cast<std::int64_t>((unix_seconds + kChinaOffsetSeconds) / 86400)}};
  const year_month_day ymd{day};
  return static_cast<std::int64_t>(static_cast<int>(ymd.year())) * 12 +
         static_cast<unsigned>(ymd.month()) - 1;
}

std::string MonthText(std::int64_t month_number) {
  char buf[16];
  std::snprintf(buf, sizeof buf, "%04d-%02d", static_cast<int>(month_number / 12),
                static_cast<int>(month_number % 12) + 1);
  return buf;
}

std::string DateTimeText(std::uint64_t unix_seconds) {
  using namespace std::chrono;
  const std::uint64_t china = unix_seconds + kChinaOffsetSeconds;
  const sys_days day{days{static_cast<std::int64_t>(china / 86400)}};
  const year_month_day ymd{day};
  const std::uint64_t s = china % 86400;
  char buf[48];
  std::snprintf(buf, sizeof buf, "%04d-%02u-%02u %02u:%02u:%02u +08:00",
                static_cast<int>(ymd.year()), static_cast<unsigned>(ymd.month()),
                static_cast<unsigned>(ymd.day()), static_cast<unsigned>(s / 3600),
                static_cast<unsigned>(s / 60 % 60), static_cast<unsigned>(s % 60));
  return buf;
}

std::string Days(std::uint64_t seconds) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%.1f days", static_cast<double>(seconds) / 86400.0);
  return buf;
}

std::string Quoted(std::string_view text) { return "\"" + std::string(text) + "\""; }

bool AllDigits(std::string_view s) {
  return !s.empty() && std::all_of(s.begin(), s.end(), [](char c) { return c >= '0' && c <= '9'; });
}

bool IsAlnum(char c) {
  return (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z');
}

// The serial of a national skill number (grammar above); nullopt otherwise.
std::optional<std::uint64_t> SerialOf(std::string_view number) {
  if (number.size() != kNumberSize || (number[0] != 'Y' && number[0] != 'S')) return std::nullopt;
  if (!AllDigits(number.substr(1, 14)) || !IsAlnum(number[15])) return std::nullopt;
  const std::string_view serial = number.substr(kSerialAt);
  if (!AllDigits(serial)) return std::nullopt;
  std::uint64_t v = 0;
  for (char c : serial) v = v * 10 + static_cast<std::uint64_t>(c - '0');
  return v;
}

double Median(std::vector<std::uint64_t> values) {
  std::sort(values.begin(), values.end());
  const std::size_t n = values.size();
  if (n % 2 == 1) return static_cast<double>(values[n / 2]);
  return (static_cast<double>(values[n / 2 - 1]) + static_cast<double>(values[n / 2])) / 2.0;
}

void Push(std::vector<AuditFinding>* findings, std::string code, std::string subject,
         std::optional<std::uint64_t> index, std::string message) {
  findings->push_back(
      AuditFinding{std::move(code), std::move(subject), index, "", std::move(message)});
}

std::string EntryText(std::uint64_t index) { return "entry " + std::to_string(index); }

}  // namespace

bool IsRegulatorFindingCode(std::string_view code) {
  return code == "backdated" || code == "issuance_surge" || code == "near_accreditation_end" ||
         code == "high_revocation_rate" || code == "serial_out_of_sequence";
}

std::string ChinaMonthOf(std::uint64_t unix_seconds) {
  return MonthText(ChinaMonthNumber(unix_seconds));
}

RegulatorReview::RegulatorReview(RegulatorOptions options) : options_(options) {}

void RegulatorReview::Add(std::uint64_t index, std::uint64_t logged_at_ms,
                          const SignedRecord& record, std::string_view revoked_issuer,
                          std::vector<AuditFinding>* findings) {
  const std::uint64_t logged_at_s = logged_at_ms / 1000;
  if (const Accreditation* a = record.accreditation()) {
    AuditStatistics::Body& body = stats_.bodies[a->body];
    body.name_zh = a->name_zh;
    body.name_en = a->name_en;
    until_[a->body] = a->until;
    return;
  }
  if (const Revocation* r = record.revocation()) {
    ++stats_.revocations_by_reason[r->reason];
    if (!revoked_issuer.empty()) ++stats_.bodies[std::string(revoked_issuer)].revoked;
    return;
  }
  if (const Certificate* c = record.certificate()) {
    AddCertificate(index, logged_at_s, record, *c, findings);
  }
}

void RegulatorReview::AddCertificate(std::uint64_t index, std::uint64_t logged_at_s,
                                     const SignedRecord& record, const Certificate& c,
                                     std::vector<AuditFinding>* findings) {
  const std::string& body = record.claims.iss;
  ++stats_.bodies[body].certificates;
  if (c.type == CertificateType::kSkill) {
    ++stats_.by_occupation[c.occupation];
    stats_.occupation_names.try_emplace(c.occupation, c.occupation_name);
  } else {
    ++stats_.by_series[c.series];
  }
  ++stats_.by_level[c.level];
  const std::int64_t month = ChinaMonthNumber(logged_at_s);
  if (month != last_month_) {  // the log is in time order: rarely a new month
    last_month_ = month;
    last_month_count_ = &stats_.by_month[MonthText(month)];
  }
  ++*last_month_count_;
  ++monthly_[body][month];
  if (!options_.enabled) return;

  const auto what = [&] { return "certificate " + Quoted(c.number) + " of " + Quoted(body); };
  const std::uint64_t iat = record.claims.iat;
  if (iat < logged_at_s && logged_at_s - iat > options_.backdated_seconds) {
    Push(findings, "backdated", EntryText(index), index,
        EntryText(index) + ": " + what() + " was signed (iat " + DateTimeText(iat) + ") " +
            Days(logged_at_s - iat) + " before it was logged (" + DateTimeText(logged_at_s) +
            "); more than " + Days(options_.backdated_seconds) + " is a finding");
  }

  auto until = until_.find(body);
  if (until != until_.end()) {
    if (logged_at_s > until->second) {
      Push(findings, "near_accreditation_end", EntryText(index), index,
          EntryText(index) + ": " + what() + " was logged (" + DateTimeText(logged_at_s) +
              ") after the end of its body's accreditation (" + DateTimeText(until->second) +
              ")");
    } else if (until->second - logged_at_s <= options_.near_end_seconds) {
      Push(findings, "near_accreditation_end", EntryText(index), index,
          EntryText(index) + ": " + what() + " was logged (" + DateTimeText(logged_at_s) + ") " +
              Days(until->second - logged_at_s) + " before its body's accreditation ends (" +
              DateTimeText(until->second) + "); within " + Days(options_.near_end_seconds) +
              " is a finding");
    }
  }

  if (c.type != CertificateType::kSkill) return;
  const std::optional<std::uint64_t> serial = SerialOf(c.number);
  if (!serial) return;
  const std::string key = body + '\n' + c.number.substr(0, kSerialAt);
  auto [it, inserted] = sequences_.try_emplace(key, Sequence{*serial, index});
  if (inserted) return;
  Sequence& seq = it->second;
  const std::string sequence_text = Quoted(c.number.substr(0, kSerialAt));
  if (*serial <= seq.last_serial) {
    Push(findings, "serial_out_of_sequence", EntryText(index), index,
        EntryText(index) + ": " + what() + " has serial " + std::to_string(*serial) +
            ", not above serial " + std::to_string(seq.last_serial) + " of entry " +
            std::to_string(seq.last_index) + " in its sequence " + sequence_text);
  } else if (*serial - seq.last_serial > options_.serial_max_gap) {
    Push(findings, "serial_out_of_sequence", EntryText(index), index,
        EntryText(index) + ": " + what() + " has serial " + std::to_string(*serial) + ", " +
            std::to_string(*serial - seq.last_serial) + " above serial " +
            std::to_string(seq.last_serial) + " of entry " + std::to_string(seq.last_index) +
            " in its sequence " + sequence_text + "; a gap of more than " +
            std::to_string(options_.serial_max_gap) + " is a finding");
  }
  // The sequence goes on from the highest serial seen, so that one stray
  // number is named once, not again with every later one.
  if (*serial > seq.last_serial) {
    seq.last_serial = *serial;
    seq.last_index = index;
  }
}

void RegulatorReview::Finish(std::vector<AuditFinding>* findings) const {
  if (!options_.enabled) return;
  for (const auto& [body, months] : monthly_) {
    std::vector<std::uint64_t> history;  // every month from the first, zeros included
    std::int64_t next = months.begin()->first;
    for (const auto& [month, count] : months) {
      for (; next < month; ++next) {
        history.push_back(0);
      }
      if (history.size() >= options_.surge_min_history_months && !history.empty()) {
        const double median = Median(history);
        if (count >= options_.surge_min_certificates &&
            static_cast<double>(count) > options_.surge_factor * median) {
          char ratio[64];
          std::snprintf(ratio, sizeof ratio, "%g", options_.surge_factor);
          char median_text[32];
          std::snprintf(median_text, sizeof median_text, "%g", median);
          Push(findings, "issuance_surge", "body " + Quoted(body) + " month " + MonthText(month),
              std::nullopt,
              Quoted(body) + " logged " + std::to_string(count) + " certificates in " +
                  MonthText(month) + " (China time), more than " + ratio +
                  " times the median " + median_text + " of its " +
                  std::to_string(history.size()) + " previous months");
        }
      }
      history.push_back(count);
      next = month + 1;
    }
  }
  for (const auto& [body, b] : stats_.bodies) {
    if (b.certificates < options_.revocation_min_certificates || b.certificates == 0) continue;
    const double rate = static_cast<double>(b.revoked) / static_cast<double>(b.certificates);
    if (rate <= options_.revocation_rate) continue;
    char text[96];
    std::snprintf(text, sizeof text, "%.1f%% (more than %.1f%%)", rate * 100.0,
                  options_.revocation_rate * 100.0);
    Push(findings, "high_revocation_rate", "body " + Quoted(body), std::nullopt,
        Quoted(body) + " had " + std::to_string(b.revoked) + " of its " +
            std::to_string(b.certificates) + " certificates revoked: " + text);
  }
}

}  // namespace certledger
