// The audit's shared state between its passes (private to ledger/; see
// certledger/audit.h for what is checked).
//
//   audit.cpp          opens the store, picks the audited size, checks the
//                      format, state and checkpoint rows, runs the passes;
//   audit_entries.cpp  pass 1: entries in log order, leaf hashes and hash
//                      tiles, the leaf-hash and record-hash rows of each
//                      entry, and the replay of the log's rules;
//   audit_rows.cpp     pass 2: every other stored row, in key order.
//
// Thread safety: an AuditState belongs to the thread running the audit;
// pass 1's workers read only `db` and `size`.
#ifndef CERTLEDGER_LEDGER_AUDIT_INTERNAL_H_
#define CERTLEDGER_LEDGER_AUDIT_INTERNAL_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <unordered_set>
#include <vector>

#include "certledger/audit.h"
#include "certledger/audit_findings.h"
#include "certledger/validation.h"
#include "store_db.h"

namespace certledger::audit {

// Collects findings into a report: keeps the first `cap`, counts all.
class Findings {
 public:
  Findings(AuditReport* report, std::size_t cap) : report_(report), cap_(cap) {}

  void Add(std::string code, std::string subject, std::optional<std::uint64_t> index,
           std::string message, std::string reason = "");
  // Regulator findings (audit_findings.h), counted as such too.
  void AddRegulator(std::vector<AuditFinding> found);

 private:
  AuditReport* report_;
  std::size_t cap_;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

inline constexpr std::uint64_t kNoEntry = ~std::uint64_t{0};

// A certificate the replay accepted.
struct CertificateInfo {
  std::uint64_t index = 0;              // the entry that issued it
  std::uint32_t issuer = 0;             // into AuditState::issuers
  std::uint64_t revoked_by = kNoEntry;  // the entry that revoked it
  // Taken from an entry whose bytes changed: its rows are not required.
  bool lenient = false;
  bool revocation_lenient = false;
  bool certificate_row_seen = false;
  bool revocation_row_seen = false;
};

// An accreditation row that an accepted accreditation implies.
struct ExpectedRow {
  std::uint64_t index = 0;
  bool lenient = false;
  bool seen = false;
};

struct AuditState {
  AuditState(AuditReport* r, std::size_t max_findings) : report(r), findings(r, max_findings) {}

  std::shared_ptr<store::Db> db;
  LogRules rules;
  std::uint64_t size = 0;  // the audited tree size
  AuditReport* report;
  Findings findings;

  // Filled by pass 1, read by pass 2.
  std::unordered_map<std::string, CertificateInfo, StringHash, std::equal_to<>> certificates;
  std::vector<std::string> issuers;
  std::unordered_map<std::string, std::uint32_t, StringHash, std::equal_to<>> issuer_ids;
  std::map<std::string, ExpectedRow> accreditation_rows;  // AccreditationKey -> row
  // Entries that changed, could not be read or are missing: rows pointing
  // at them are not judged against their bytes.
  std::unordered_set<std::uint64_t> unreliable;
  // Entries holding records the rules refuse: rows pointing at them are
  // covered by that finding.
  std::unordered_set<std::uint64_t> refused;
  // Index keys already named in a finding (not named twice).
  std::unordered_set<std::string> reported_keys;
  // Entries whose leaf-hash / record-hash row was found pointing at them.
  std::uint64_t leaf_rows_ok = 0;
  std::uint64_t record_rows_ok = 0;
  std::optional<Hash256> root;  // recomputed; nullopt if unknown
  // Fed every record the replay accepts from an unchanged entry.
  RegulatorReview review;

  std::uint32_t IssuerId(std::string_view issuer);
  // Whether rows pointing at entry `index` are exempt from checks.
  bool Exempt(std::uint64_t index) const {
    return unreliable.count(index) != 0 || refused.count(index) != 0;
  }
};

// Pass 1 (audit_entries.cpp). Everything it finds is a finding.
void AuditEntries(AuditState& state, const AuditOptions& options);
// Pass 2 (audit_rows.cpp).
void AuditRows(AuditState& state);

// "entry 17", "leaf hash 3a5f...": subjects shared by the passes.
std::string EntrySubject(std::uint64_t index);

}  // namespace certledger::audit

#endif  // CERTLEDGER_LEDGER_AUDIT_INTERNAL_H_
