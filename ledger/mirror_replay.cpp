// The mirror's replay (certledger/mirror.h step 6): every trusted entry,
// read from the local entries file in log order, judged under the log's
// rules by a fresh Validator, as AuditLocal's pass 1 does for a store.
//
// Entries go in chunks of kChunk: the chunk's leaves are decoded, hashed and
// prepared (Validator::Prepare: parse, record hash, signature with the key
// its kid names) on options.threads threads, then validated in order on
// this thread against the certificates accepted so far.
#include <algorithm>
#include <thread>
#include <unordered_map>

#include "certledger/leaf.h"
#include "mirror_internal.h"

namespace certledger::mirror {
namespace {

constexpr std::size_t kChunk = 1024;

struct Item {
  Bytes bytes;
  Hash256 leaf_hash{};
  Status leaf_status;
  std::uint64_t logged_at_ms = 0;
  PreparedRecord prepared;
};

struct StringHash {
  using is_transparent = void;
  std::size_t operator()(std::string_view s) const { return std::hash<std::string_view>{}(s); }
};

// The certificates the replay accepted, for the Validator.
class Certificates final : public CertificateLookup {
 public:
  Result<std::optional<Issued>> Find(std::string_view number) const override {
    auto it = issued_.find(number);
    if (it == issued_.end()) return std::optional<Issued>();
    return std::optional<Issued>(it->second);
  }
  Result<bool> Exists(std::string_view number) const override {
    return issued_.find(number) != issued_.end();
  }
  bool Issue(const std::string& number, std::uint64_t index, const std::string& issuer) {
    return issued_.try_emplace(number, Issued{index, issuer, false}).second;
  }
  // Marks the certificate revoked; false if it is unknown or was revoked
  // already. Its issuer into *issuer.
  bool Revoke(std::string_view number, std::string* issuer) {
    auto it = issued_.find(number);
    if (it == issued_.end() || it->second.revoked) return false;
    it->second.revoked = true;
    *issuer = it->second.issuer;
    return true;
  }

 private:
  std::unordered_map<std::string, Issued, StringHash, std::equal_to<>> issued_;
};

std::string ReasonOf(const Status& status) {
  return status.reason().empty() ? std::string(StatusCodeName(status.code())) : status.reason();
}

std::string EntrySubject(std::uint64_t index) { return "entry " + std::to_string(index); }

void Examine(const Validator& validator, std::span<Item> items) {
  for (Item& item : items) {
    item.leaf_hash = HashLeaf(item.bytes);
    Result<Leaf> leaf = DecodeLeaf(item.bytes);
    if (!leaf.ok()) {
      item.leaf_status = leaf.status();
    } else {
      item.logged_at_ms = leaf->logged_at_ms;
      item.prepared = validator.Prepare(std::move(leaf->record));
    }
    Bytes().swap(item.bytes);
  }
}

void ExamineParallel(const Validator& validator, std::vector<Item>& items, int threads) {
  const std::size_t parts = static_cast<std::size_t>(std::max(1, threads));
  const std::size_t per = (items.size() + parts - 1) / parts;
  std::vector<std::thread> workers;
  std::span<Item> all(items);
  for (std::size_t p = 1; p < parts && p * per < items.size(); ++p) {
    const std::size_t begin = p * per;
    workers.emplace_back(Examine, std::cref(validator),
                         all.subspan(begin, std::min(per, items.size() - begin)));
  }
  Examine(validator, all.subspan(0, std::min(per, items.size())));
  for (std::thread& t : workers) t.join();
}

}  // namespace

Status Replay(const std::string& dir, const State& state, const MirrorOptions& options,
              AuditReport* report, FindingSink* findings) {
  CL_ASSIGN_OR_RETURN(EntriesReader reader, EntriesReader::Open(dir, state.entries_bytes));
  Validator validator(options.rules);
  Certificates certificates;
  RegulatorReview review(options.regulator);
  CompactRange range;
  std::uint64_t last_logged_at_ms = 0;
  std::uint64_t last_logged_index = 0;
  const std::uint64_t total = state.size();
  std::vector<Item> items;
  bool more = true;
  while (more) {
    items.clear();
    while (items.size() < kChunk) {
      Item item;
      CL_ASSIGN_OR_RETURN(more, reader.Next(&item.bytes));
      if (!more) break;
      items.push_back(std::move(item));
    }
    ExamineParallel(validator, items, options.threads);
    for (Item& item : items) {
      const std::uint64_t index = range.size();
      range.Append(item.leaf_hash);
      ++report->entries_checked;
      const std::string subject = EntrySubject(index);
      if (!item.leaf_status.ok()) {
        findings->Add("record_invalid", subject, index,
                      subject + " is not a leaf [1, logged_at_ms, record]: " +
                          item.leaf_status.message(),
                      "malformed");
        continue;
      }
      if (item.logged_at_ms < last_logged_at_ms) {
        findings->Add("time_regression", subject, index,
                      subject + " is logged at " + std::to_string(item.logged_at_ms) +
                          " ms, before entry " + std::to_string(last_logged_index) + " at " +
                          std::to_string(last_logged_at_ms) + " ms");
      } else {
        last_logged_at_ms = item.logged_at_ms;
        last_logged_index = index;
      }
      Result<RecordEffects> effects =
          validator.Validate(item.prepared, index, item.logged_at_ms, certificates);
      if (!effects.ok()) {
        findings->Add("record_invalid", subject, index,
                      subject + " (logged at " + std::to_string(item.logged_at_ms) +
                          " ms) breaks the log's rules: " + effects.status().message(),
                      ReasonOf(effects.status()));
        continue;
      }
      if (effects->certificate_number &&
          certificates.Issue(*effects->certificate_number, index, effects->issuer)) {
        ++report->certificates;
      }
      std::string revoked_issuer;
      if (effects->revoked_certificate_number &&
          certificates.Revoke(*effects->revoked_certificate_number, &revoked_issuer)) {
        ++report->revocations;
      }
      if (effects->accredited_body) ++report->accreditations;
      if (item.prepared.record) {
        std::vector<AuditFinding> found;
        review.Add(index, item.logged_at_ms, *item.prepared.record, revoked_issuer, &found);
        findings->AddRegulator(std::move(found));
      }
    }
    if (options.progress) options.progress(MirrorProgress{"replay", range.size(), total});
  }
  if (range.size() != state.size() || range.Root() != state.edge.Root()) {
    return Status::Corruption("mirror state: the entries file holds " +
                              std::to_string(range.size()) + " entries with root " +
                              Base64Encode(AsBytes(range.Root())) +
                              ", not the trusted tree (size " + std::to_string(state.size()) +
                              " root " + Base64Encode(AsBytes(state.edge.Root())) + ")");
  }
  std::vector<AuditFinding> found;
  review.Finish(&found);
  findings->AddRegulator(std::move(found));
  report->statistics = review.statistics();
  report->tree_size = range.size();
  report->root = range.Root();
  return Status::OK();
}

}  // namespace certledger::mirror
