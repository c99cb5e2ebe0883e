// AuditLocal: opens a ledger store beside its writer and runs the audit's
// passes (certledger/audit.h; the passes are described in
// audit_internal.h).
#include "certledger/audit.h"

#include <rocksdb/iterator.h>
#include <stdlib.h>

#include <algorithm>
#include <filesystem>

#include "audit_internal.h"
#include "certledger/checkpoint.h"
#include "store_keys.h"

namespace certledger {
namespace audit {

void Findings::Add(std::string code, std::string subject, std::optional<std::uint64_t> index,
                   std::string message, std::string reason) {
  ++report_->finding_count;
  if (report_->findings.size() >= cap_) return;
  report_->findings.push_back(AuditFinding{std::move(code), std::move(subject), index,
                                           std::move(reason), std::move(message)});
}

void Findings::AddRegulator(std::vector<AuditFinding> found) {
  for (AuditFinding& f : found) {
    ++report_->regulator_finding_count;
    Add(std::move(f.code), std::move(f.subject), f.index, std::move(f.message),
        std::move(f.reason));
  }
}

std::string_view TextArena::Add(std::string_view text) {
  if (blocks_.empty() || capacity_ - used_ < text.size()) {
    capacity_ = std::max(kBlockBytes, text.size());
    blocks_.push_back(std::make_unique_for_overwrite<char[]>(capacity_));
    used_ = 0;
  }
  char* at = blocks_.back().get() + used_;
  std::copy(text.begin(), text.end(), at);
  used_ += text.size();
  return std::string_view(at, text.size());
}

void CertificateTable::Reserve(std::size_t count) {
  std::size_t slots = 16;
  while (slots < 2 * count) slots *= 2;
  if (slots > slots_.size()) Rehash(slots);
  items_.reserve(count);
}

std::size_t CertificateTable::Probe(std::string_view number, std::uint64_t hash) const {
  const std::size_t mask = slots_.size() - 1;
  const auto tag = static_cast<std::uint32_t>(hash >> 32);
  for (std::size_t i = hash & mask;; i = (i + 1) & mask) {
    const Slot& slot = slots_[i];
    if (slot.item == 0) return i;
    if (slot.tag == tag && items_[slot.item - 1].number == number) return i;
  }
}

void CertificateTable::Rehash(std::size_t slot_count) {
  slots_.assign(slot_count, Slot());
  const std::size_t mask = slot_count - 1;
  for (std::size_t k = 0; k < items_.size(); ++k) {
    const std::uint64_t hash = std::hash<std::string_view>{}(items_[k].number);
    std::size_t i = hash & mask;
    while (slots_[i].item != 0) i = (i + 1) & mask;
    slots_[i] = Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(k + 1)};
  }
}

void CertificateTable::Prefetch(std::string_view number) const {
  if (slots_.empty()) return;
  const std::uint64_t hash = std::hash<std::string_view>{}(number);
  __builtin_prefetch(&slots_[hash & (slots_.size() - 1)]);
}

std::uint32_t CertificateTable::ItemOf(std::string_view number) const {
  if (items_.empty()) return 0;
  return slots_[Probe(number, std::hash<std::string_view>{}(number))].item;
}

CertificateInfo* CertificateTable::Find(std::string_view number) {
  const std::uint32_t item = ItemOf(number);
  return item == 0 ? nullptr : &items_[item - 1].info;
}

const CertificateInfo* CertificateTable::Find(std::string_view number) const {
  const std::uint32_t item = ItemOf(number);
  return item == 0 ? nullptr : &items_[item - 1].info;
}

std::pair<CertificateInfo*, bool> CertificateTable::Insert(std::string_view number) {
  if (2 * (items_.size() + 1) > slots_.size()) Rehash(std::max<std::size_t>(16, 2 * slots_.size()));
  const std::uint64_t hash = std::hash<std::string_view>{}(number);
  Slot& slot = slots_[Probe(number, hash)];
  if (slot.item != 0) return {&items_[slot.item - 1].info, false};
  items_.push_back(Item{numbers_.Add(number), CertificateInfo()});
  slot = Slot{static_cast<std::uint32_t>(hash >> 32), static_cast<std::uint32_t>(items_.size())};
  return {&items_.back().info, true};
}

std::uint32_t AuditState::IssuerId(std::string_view issuer) {
  auto it = issuer_ids.find(issuer);
  if (it != issuer_ids.end()) return it->second;
  const auto id = static_cast<std::uint32_t>(issuers.size());
  issuers.emplace_back(issuer);
  issuer_ids.emplace(std::string(issuer), id);
  return id;
}

void AuditState::CheckEntryRow(std::string_view key, const Row& row, std::uint64_t index) {
  if (row.state == Row::kValue && row.index == index) {
    ++(key[0] == 'h' ? leaf_rows_ok : record_rows_ok);
    return;
  }
  const std::string what = store::DescribeKey(key);
  const std::string subject = EntrySubject(index);
  switch (row.state) {
    case Row::kValue:
      findings.Add(
          "index_mismatch", what, index,
          what + " points at entry " + std::to_string(row.index) + ", but it is " + subject + "'s");
      break;
    case Row::kAbsent:
      findings.Add("index_missing", what, index, subject + " has no row " + what);
      break;
    case Row::kMalformed:
      findings.Add("index_mismatch", what, index,
                   what + " of " + subject + " holds a malformed value of " +
                       std::to_string(row.index) + " bytes");
      break;
    case Row::kError:
      findings.Add("read_error", what, index, what + " cannot be read: " + row.error);
      break;
  }
  reported_keys.emplace(key);
}

Row RowOf(std::string_view value) {
  Row row;
  if (store::DecodeIndex(value, &row.index)) {
    row.state = Row::kValue;
  } else {
    row.state = Row::kMalformed;
    row.index = value.size();
  }
  return row;
}

std::string EntrySubject(std::uint64_t index) { return "entry " + std::to_string(index); }

}  // namespace audit

namespace {

using audit::AuditState;

// The secondary instance's own directory, removed when this dies.
class TempDirectory {
 public:
  static Result<TempDirectory> Make() {
    std::error_code ec;
    std::filesystem::path base = std::filesystem::temp_directory_path(ec);
    if (ec) base = "/tmp";
    std::string pattern = (base / "certledger-audit-XXXXXX").string();
    if (::mkdtemp(pattern.data()) == nullptr) {
      return Status::IOError("cannot create a temporary directory under " + base.string());
    }
    return TempDirectory(std::move(pattern));
  }
  TempDirectory(TempDirectory&& other) noexcept : path_(std::move(other.path_)) {
    other.path_.clear();
  }
  TempDirectory& operator=(TempDirectory&&) = delete;
  ~TempDirectory() {
    std::error_code ec;
    if (!path_.empty()) std::filesystem::remove_all(path_, ec);
  }
  const std::string& path() const { return path_; }

 private:
  explicit TempDirectory(std::string path) : path_(std::move(path)) {}
  std::string path_;
};

// A stored row read for the audit: its value, or why there is none.
struct Stored {
  std::optional<std::string> value;
  Status error;  // a RocksDB failure, reported as read_error
};

Stored Read(const AuditState& s, const std::string& key) {
  Result<std::optional<std::string>> r = store::Get(*s.db, rocksdb::ReadOptions(), key);
  if (!r.ok()) return Stored{std::nullopt, r.status()};
  return Stored{std::move(*r), Status::OK()};
}

// The format row. NotFound when the directory holds no ledger store at all.
Status CheckFormat(AuditState& s, const std::string& path) {
  const Stored format = Read(s, store::FormatKey());
  if (!format.error.ok()) {
    s.findings.Add("read_error", "format", std::nullopt,
                   "the format row cannot be read: " + format.error.message());
    return Status::OK();
  }
  if (!format.value) {
    const Stored state = Read(s, store::StateKey());
    if (state.error.ok() && !state.value) {
      return Status::NotFound("no ledger store at " + path + " (no format or state row)");
    }
    s.findings.Add("format_mismatch", "format", std::nullopt, "the format row is missing");
  } else if (*format.value != store::kFormatVersion) {
    s.findings.Add("format_mismatch", "format", std::nullopt,
                   "the format row holds \"" + HexEncode(AsBytes(*format.value)) +
                       "\" (hex), not \"" + std::string(store::kFormatVersion) + "\"");
  }
  return Status::OK();
}

struct TreeState {
  std::optional<std::uint64_t> size;
  Hash256 root{};
};

TreeState ReadState(AuditState& s) {
  TreeState tree;
  const Stored state = Read(s, store::StateKey());
  std::uint64_t size = 0;
  if (!state.error.ok()) {
    s.findings.Add("read_error", "state", std::nullopt,
                   "the tree state row cannot be read: " + state.error.message());
  } else if (!state.value) {
    s.findings.Add("state_mismatch", "state", std::nullopt, "the tree state row is missing");
  } else if (!store::DecodeState(*state.value, &size, &tree.root)) {
    s.findings.Add("state_mismatch", "state", std::nullopt,
                   "the tree state row holds " + std::to_string(state.value->size()) +
                       " bytes, not 40 (size and root)");
  } else {
    tree.size = size;
  }
  return tree;
}

std::optional<Checkpoint> ReadCheckpoint(AuditState& s, const NamedPublicKey& log_key) {
  const Stored text = Read(s, store::CheckpointKey());
  if (!text.error.ok()) {
    s.findings.Add("read_error", "checkpoint", std::nullopt,
                   "the checkpoint row cannot be read: " + text.error.message());
    return std::nullopt;
  }
  if (!text.value) {
    s.findings.Add("checkpoint_missing", "checkpoint", std::nullopt,
                   "no signed checkpoint is stored");
    return std::nullopt;
  }
  Result<Checkpoint> cp = OpenCheckpoint(*text.value, log_key);
  if (cp.ok()) return std::move(*cp);
  if (cp.status().Is(StatusCode::kVerificationFailed)) {
    s.findings.Add("checkpoint_bad_signature", "checkpoint", std::nullopt,
                   "the stored checkpoint does not verify with the log key \"" + log_key.name +
                       "\": " + cp.status().message(),
                   cp.status().reason());
  } else {
    s.findings.Add("checkpoint_malformed", "checkpoint", std::nullopt,
                   "the stored checkpoint is not a signed checkpoint: " + cp.status().message(),
                   cp.status().reason());
  }
  return std::nullopt;
}

// One past the last entry row's index (0 if none); nullopt if unreadable.
std::optional<std::uint64_t> EntriesEnd(const AuditState& s) {
  const std::string lower = "e", upper = "f";
  const rocksdb::Slice lower_slice(lower), upper_slice(upper);
  rocksdb::ReadOptions options;
  options.iterate_lower_bound = &lower_slice;
  options.iterate_upper_bound = &upper_slice;
  std::unique_ptr<rocksdb::Iterator> it(s.db->db->NewIterator(options));
  for (it->SeekToLast(); it->Valid(); it->Prev()) {
    std::uint64_t index = 0;
    if (store::ParseEntryKey(store::ToView(it->key()), &index)) {
      return index == UINT64_MAX ? index : index + 1;
    }
  }
  if (!it->status().ok()) return std::nullopt;
  return 0;
}

// The audited size: what two of state, checkpoint and entries agree on;
// else the signed checkpoint's; else the entries'; else the state's.
std::uint64_t ChooseSize(std::optional<std::uint64_t> state,
                         std::optional<std::uint64_t> signed_size,
                         std::optional<std::uint64_t> entries) {
  if (state && signed_size && *state == *signed_size) return *state;
  if (signed_size && entries && *signed_size == *entries) return *signed_size;
  if (state && entries && *state == *entries) return *state;
  if (signed_size) return *signed_size;
  if (entries) return *entries;
  return state.value_or(0);
}

void CompareTree(AuditState& s, const TreeState& state, const std::optional<Checkpoint>& cp) {
  const std::string n = std::to_string(s.size);
  const auto b64 = [](const Hash256& h) { return Base64Encode(AsBytes(h)); };
  if (state.size && *state.size != s.size) {
    s.findings.Add("state_mismatch", "state", std::nullopt,
                   "the tree state says size " + std::to_string(*state.size) +
                       ", but the log has " + n + " entries");
  } else if (state.size && s.root && state.root != *s.root) {
    s.findings.Add("state_mismatch", "state", std::nullopt,
                   "the tree state's root " + b64(state.root) +
                       " is not the root recomputed from the entries, " + b64(*s.root));
  }
  if (!cp) return;
  if (cp->size != s.size) {
    s.findings.Add("checkpoint_mismatch", "checkpoint", std::nullopt,
                   "the signed checkpoint is for size " + std::to_string(cp->size) +
                       ", but the log has " + n + " entries");
  } else if (s.root && cp->root != *s.root) {
    s.findings.Add("checkpoint_mismatch", "checkpoint", std::nullopt,
                   "the signed checkpoint's root " + b64(cp->root) +
                       " is not the root recomputed from the entries, " + b64(*s.root));
  }
}

}  // namespace

Result<AuditReport> AuditLocal(const std::string& path, const LogRules& rules,
                               const NamedPublicKey& log_key, const AuditOptions& options) {
  if (options.threads < 1 || options.threads > 64) {
    return Status::InvalidArgument("audit: threads must be 1 to 64, got " +
                                   std::to_string(options.threads));
  }
  std::error_code ec;
  if (!std::filesystem::is_directory(path, ec)) {
    return Status::NotFound("no ledger store at " + path + " (not a directory)");
  }
  CL_ASSIGN_OR_RETURN(TempDirectory secondary, TempDirectory::Make());
  AuditReport report;
  {
    AuditState s(&report, options.max_findings);
    s.rules = rules;
    s.review = RegulatorReview(options.regulator);
    CL_ASSIGN_OR_RETURN(s.db, store::OpenSecondaryDb(path, secondary.path()));
    CL_RETURN_IF_ERROR(CheckFormat(s, path));
    const TreeState state = ReadState(s);
    const std::optional<Checkpoint> cp = ReadCheckpoint(s, log_key);
    const std::optional<std::uint64_t> entries = EntriesEnd(s);
    s.size = ChooseSize(state.size, cp ? std::optional(cp->size) : std::nullopt, entries);

    audit::AuditEntries(s, options);
    audit::AuditRows(s);
    std::vector<AuditFinding> found;
    s.review.Finish(&found);
    s.findings.AddRegulator(std::move(found));
    report.statistics = s.review.statistics();
    CompareTree(s, state, cp);
    report.tree_size = s.size;
    report.root = s.root;
  }  // the database closes before its secondary directory goes
  return report;
}

Result<AuditReport> AuditLocal(const std::string& path, const LogRules& rules,
                               const NamedPublicKey& log_key,
                               const AuditProgressCallback& progress) {
  AuditOptions options;
  options.progress = progress;
  return AuditLocal(path, rules, log_key, options);
}

}  // namespace certledger
