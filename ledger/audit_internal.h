// The audit's shared state between its passes (private to ledger/; see
// certledger/audit.h for what is checked).
//
//   audit.cpp          opens the store, picks the audited size, checks the
//                      format, state and checkpoint rows, runs the passes;
//   audit_entries.cpp  pass 1: entries in log order, leaf hashes and hash
//                      tiles, and the replay of the log's rules; it lists
//                      the leaf-hash and record-hash row each entry implies;
//   audit_rows.cpp     pass 2: every other stored row, in key order, and
//                      the rows pass 1 listed, met in that same order.
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

// Holds strings at stable addresses, in blocks, without a heap allocation
// each; nothing is freed before the arena.
class TextArena {
 public:
  // A copy of `text` that lives as long as the arena.
  std::string_view Add(std::string_view text);

 private:
  static constexpr std::size_t kBlockBytes = 64 * 1024;
  std::vector<std::unique_ptr<char[]>> blocks_;
  std::size_t capacity_ = 0;  // of blocks_.back()
  std::size_t used_ = 0;      // of blocks_.back()
};

inline constexpr std::uint64_t kNoEntry = ~std::uint64_t{0};

// What a lookup of one index row found.
struct Row {
  enum State { kAbsent, kValue, kMalformed, kError } state = kAbsent;
  std::uint64_t index = 0;  // kValue: the entry; kMalformed: the value's length
  std::string error;        // kError
};

// A stored index value as a Row (kValue or kMalformed).
Row RowOf(std::string_view value);

// A leaf-hash or record-hash row that entry `index` implies: the key
// without its tag byte is `hash`.
struct ExpectedHashRow {
  Hash256 hash;
  std::uint64_t index;
};

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

// The certificates the replay accepted, by number: an open-addressing
// table of 8-byte slots over the items in the order added, so that looking
// up a number never issued (as the replay does for each certificate)
// mostly touches one slot. Pointers into it stay valid until the next
// Insert().
class CertificateTable {
 public:
  struct Item {
    std::string_view number;  // in numbers_
    CertificateInfo info;
  };

  // Room for `count` certificates without growing.
  void Reserve(std::size_t count);
  // nullptr if `number` was never inserted.
  CertificateInfo* Find(std::string_view number);
  const CertificateInfo* Find(std::string_view number) const;
  // The certificate `number`, added with a default CertificateInfo if it
  // was not there; whether it was added.
  std::pair<CertificateInfo*, bool> Insert(std::string_view number);
  const std::vector<Item>& items() const { return items_; }
  // Asks the CPU to fetch the slot where `number` starts, ahead of a
  // Find() or Insert() of it.
  void Prefetch(std::string_view number) const;

 private:
  struct Slot {
    std::uint32_t tag = 0;   // the hash's high half
    std::uint32_t item = 0;  // 1 + index into items_; 0 if free
  };
  // The slot holding `number`, or the free slot where it belongs.
  std::size_t Probe(std::string_view number, std::uint64_t hash) const;
  // 1 + the index into items_ of `number`; 0 if absent.
  std::uint32_t ItemOf(std::string_view number) const;
  void Rehash(std::size_t slot_count);

  std::vector<Slot> slots_;  // a power of two, at most half full
  std::vector<Item> items_;
  TextArena numbers_;
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
  CertificateTable certificates;
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
  // The leaf-hash / record-hash rows of the entries whose bytes the tree
  // holds (pass 1 lists them in log order, pass 2 checks them in key
  // order), but for the leaf-hash rows pass 1 looked up itself (an entry
  // that disagrees with its tile).
  std::vector<ExpectedHashRow> expected_leaf_rows;
  std::vector<ExpectedHashRow> expected_record_rows;
  // Entries whose leaf-hash / record-hash row was found pointing at them.
  std::uint64_t leaf_rows_ok = 0;
  std::uint64_t record_rows_ok = 0;
  std::optional<Hash256> root;  // recomputed; nullopt if unknown
  // Fed every record the replay accepts from an unchanged entry.
  RegulatorReview review;

  std::uint32_t IssuerId(std::string_view issuer);
  // Judges the row `key` (leaf-hash or record-hash) that entry `index`
  // implies: counts it if it points at the entry, else the finding, and
  // the key is named.
  void CheckEntryRow(std::string_view key, const Row& row, std::uint64_t index);
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
