// Audit pass 2: every stored row but the entries, in key order (see
// audit_internal.h; the key schema is at the top of store_keys.cpp).
//
//   certificate, revocation, accreditation rows: each must be one that the
//     replay of pass 1 implies, pointing at the entry it implies; then every
//     implied row must have been seen;
//   leaf-hash, record-hash rows: pass 1 listed the row each entry implies;
//     sorted, the list is met with the stored rows as the scan reaches
//     them, and each must point at its entry (a listed row the scan did not
//     meet is read on its own: it is missing, or lay past a read error).
//     Each row is counted; if there are more rows with a value below the
//     tree size than entries confirmed, a second scan of that kind reads
//     the entry each row points at and names the rows whose key is not
//     that entry's hash. (So the common, clean case reads no entry.)
//   tile rows: must be a full or partial tile of the audited tree (their
//     contents were compared in pass 1);
//   format, state, checkpoint: checked by audit.cpp; any other key is
//     unexpected.
#include <rocksdb/iterator.h>

#include <algorithm>

#include "audit_internal.h"
#include "certledger/leaf.h"
#include "certledger/ledger_store.h"
#include "certledger/merkle.h"
#include "store_keys.h"
#include "tile_edge.h"

namespace certledger::audit {
namespace {

using store::ToSlice;
using store::ToView;

constexpr char kLeafHashTag = 'h';
constexpr char kRecordHashTag = 'r';

std::uint64_t ReadU64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}

// The first 8 bytes of a hash as a number that orders as the bytes do.
std::uint64_t Prefix(const Hash256& h) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | h[static_cast<std::size_t>(i)];
  return v;
}

// Key order (the hash's bytes), then log order.
bool HashLess(const ExpectedHashRow& a, const ExpectedHashRow& b) {
  const std::uint64_t pa = Prefix(a.hash), pb = Prefix(b.hash);
  if (pa != pb) return pa < pb;
  return a.hash != b.hash ? a.hash < b.hash : a.index < b.index;
}

// The leaf-hash or record-hash rows pass 1 listed, in key order, met with
// the stored rows of that kind as the scan reaches them.
class ExpectedRows {
 public:
  ExpectedRows(AuditState& s, char tag, std::vector<ExpectedHashRow>& rows)
      : s_(s), tag_(tag), rows_(rows) {
    std::sort(rows_.begin(), rows_.end(), HashLess);
  }

  // The stored row `key` (of this kind) holding `value`: judges the listed
  // rows with that key; those before it were not met.
  void Meet(std::string_view key, std::string_view value) {
    const std::string_view hash = key.substr(1);
    for (; next_ < rows_.size(); ++next_) {
      const std::string_view listed = AsChars(AsBytes(rows_[next_].hash));
      const int order = listed.compare(hash);
      if (order > 0) return;
      if (order < 0) {
        unmet_.push_back(next_);
      } else {
        s_.CheckEntryRow(key, RowOf(value), rows_[next_].index);
      }
    }
  }

  // Judges the rows not met, reading each (the scan is over).
  void Finish() {
    for (; next_ < rows_.size(); ++next_) unmet_.push_back(next_);
    for (std::size_t i : unmet_) {
      const std::string key = tag_ + std::string(AsChars(AsBytes(rows_[i].hash)));
      std::string value;
      const rocksdb::Status status =
          s_.db->db->Get(rocksdb::ReadOptions(), ToSlice(key), &value);
      Row row;
      if (status.ok()) {
        row = RowOf(value);
      } else if (!status.IsNotFound()) {
        row = Row{Row::kError, 0, status.ToString()};
      }
      s_.CheckEntryRow(key, row, rows_[i].index);
    }
    std::vector<ExpectedHashRow>().swap(rows_);
  }

 private:
  AuditState& s_;
  const char tag_;
  std::vector<ExpectedHashRow>& rows_;
  std::size_t next_ = 0;            // rows_[next_] is the next to meet
  std::vector<std::size_t> unmet_;  // rows_ passed by with no stored row
};

class RowScan {
 public:
  explicit RowScan(AuditState& s)
      : s_(s),
        leaf_rows_listed_(s, kLeafHashTag, s.expected_leaf_rows),
        record_rows_listed_(s, kRecordHashTag, s.expected_record_rows) {}

  void Run() {
    const bool complete = Scan();
    leaf_rows_listed_.Finish();
    record_rows_listed_.Finish();
    if (!complete) return;  // rows after the read error were not seen
    ReportMissing();
    if (hash_rows_ > s_.leaf_rows_ok) RescanHashRows(kLeafHashTag);
    if (record_rows_ > s_.record_rows_ok) RescanHashRows(kRecordHashTag);
  }

 private:
  // One pass over all rows; false if RocksDB failed part way. After a read
  // error the scan goes on at the next kind of row (the next tag byte), so
  // one damaged block costs the rest of its kind, not of the store.
  bool Scan() {
    rocksdb::ReadOptions options;
    options.readahead_size = 4 << 20;
    options.fill_cache = false;
    std::unique_ptr<rocksdb::Iterator> it(s_.db->db->NewIterator(options));
    std::string last;
    int resume = 0;  // the tag byte the last restart began at
    bool complete = true;
    bool reported = false;  // a read error since the last row read
    it->SeekToFirst();
    for (;;) {
      if (!it->Valid()) {
        if (it->status().ok()) break;
        if (!reported) {
          s_.findings.Add("read_error", "index rows", std::nullopt,
                          "reading the rows after " +
                              (last.empty() ? std::string("the start") : store::DescribeKey(last)) +
                              " failed; rows up to the next readable kind were "
                              "not checked: " +
                              it->status().ToString());
        }
        reported = true;
        complete = false;
        const int after_last = last.empty() ? 0 : static_cast<std::uint8_t>(last[0]) + 1;
        resume = std::max(resume + 1, after_last);
        if (resume > 0xff) break;
        it.reset(s_.db->db->NewIterator(options));
        it->Seek(std::string(1, static_cast<char>(resume)));
        continue;
      }
      const std::string_view key = ToView(it->key());
      const std::string_view value = ToView(it->value());
      if (!key.empty() && key[0] == 'e') {
        it->Seek("f");  // the entries were read in pass 1
        continue;
      }
      last.assign(key);
      reported = false;
      Check(key, value);
      it->Next();
    }
    return complete;
  }

  void Check(std::string_view key, std::string_view value) {
    if (key.empty()) return Unexpected(key, "is not a key of the store's schema");
    switch (key[0]) {
      case 'F':
      case 'S':
      case 'C':
        if (key.size() == 1) return;  // audit.cpp checks these
        return Unexpected(key, "is not a key of the store's schema");
      case 't':
      case 'p':
        return CheckTileKey(key);
      case kLeafHashTag:
      case kRecordHashTag:
        return CheckHashRow(key, value);
      case 'n':
      case 'v':
        return CheckNumberRow(key, value);
      case 'a':
        return CheckAccreditationRow(key, value);
      default:
        return Unexpected(key, "is not a key of the store's schema");
    }
  }

  void Unexpected(std::string_view key, std::string_view why) {
    const std::string what = store::DescribeKey(key);
    s_.findings.Add("unexpected_key", what, std::nullopt, what + " " + std::string(why));
  }

  // A finding about an index row, unless pass 1 named the row already.
  void Report(std::string_view key, std::string code, std::optional<std::uint64_t> index,
              std::string message) {
    if (!s_.reported_keys.insert(std::string(key)).second) return;
    s_.findings.Add(std::move(code), store::DescribeKey(key), index, std::move(message));
  }

  // The entry index in `value`; nullopt, reported, if malformed or beyond
  // the tree. `implied`: the replay implies a row with this key.
  std::optional<std::uint64_t> IndexOf(std::string_view key, std::string_view value, bool implied) {
    ++s_.report->index_rows_checked;
    std::uint64_t index = 0;
    if (!store::DecodeIndex(value, &index)) {
      Report(key, "index_mismatch", std::nullopt,
             store::DescribeKey(key) + " holds a malformed value of " +
                 std::to_string(value.size()) + " bytes");
      return std::nullopt;
    }
    if (index >= s_.size) {
      Report(key, implied ? "index_mismatch" : "index_orphan", index,
             store::DescribeKey(key) + " points at entry " + std::to_string(index) +
                 ", beyond the tree of size " + std::to_string(s_.size));
      return std::nullopt;
    }
    return index;
  }

  void CheckTileKey(std::string_view key) {
    if (key.size() != 10) return Unexpected(key, "is not a tile key");
    const int level = static_cast<std::uint8_t>(key[1]);
    const std::uint64_t n = ReadU64(key.substr(2));
    bool expected = false;
    if (level < store::kTileLevels) {
      const std::uint64_t full = store::FullTiles(s_.size, level);
      expected = key[0] == 't' ? n < full : n == full && store::PartialWidth(s_.size, level) > 0;
    }
    if (!expected) {
      Unexpected(key, "is not a tile of the tree of size " + std::to_string(s_.size));
    }
  }

  void CheckHashRow(std::string_view key, std::string_view value) {
    (key[0] == kLeafHashTag ? leaf_rows_listed_ : record_rows_listed_).Meet(key, value);
    if (key.size() != 1 + sizeof(Hash256)) return Unexpected(key, "is not an index key");
    if (!IndexOf(key, value, /*implied=*/false)) return;
    ++(key[0] == kLeafHashTag ? hash_rows_ : record_rows_);
  }

  void CheckNumberRow(std::string_view key, std::string_view value) {
    const std::string_view number = key.substr(1);
    if (number.empty() || number.size() > kMaxIndexKeyBytes) {
      return Unexpected(key, "is not an index key");
    }
    const bool revocation = key[0] == 'v';
    CertificateInfo* found = s_.certificates.Find(number);
    const bool implied = found != nullptr && (!revocation || found->revoked_by != kNoEntry);
    if (implied) {
      (revocation ? found->revocation_row_seen : found->certificate_row_seen) = true;
    }
    const std::optional<std::uint64_t> index = IndexOf(key, value, implied);
    if (!index) return;
    if (found != nullptr) {
      const CertificateInfo& c = *found;
      if (!revocation && *index == c.index) return;
      if (revocation && c.revoked_by != kNoEntry && *index == c.revoked_by) return;
    }
    if (s_.Exempt(*index) && !implied) return;
    const std::string what = store::DescribeKey(key);
    const std::string target = "certificate \"" + std::string(number) + "\"";
    if (found != nullptr) {
      const CertificateInfo& c = *found;
      if (!revocation) {
        return Report(key, "index_mismatch", *index,
                      what + " points at entry " + std::to_string(*index) + ", but " + target +
                          " is issued by entry " + std::to_string(c.index));
      }
      if (c.revoked_by != kNoEntry) {
        return Report(key, "index_mismatch", *index,
                      what + " points at entry " + std::to_string(*index) + ", but " + target +
                          " is revoked by entry " + std::to_string(c.revoked_by));
      }
    }
    Report(key, "index_orphan", *index,
           what + " points at entry " + std::to_string(*index) + ", but the log " +
               (revocation ? "holds no accepted revocation of " : "holds no accepted ") + target);
  }

  void CheckAccreditationRow(std::string_view key, std::string_view value) {
    std::string body;
    std::uint64_t time = 0, key_index = 0;
    if (!store::ParseAccreditationKey(key, &body, &time, &key_index)) {
      return Unexpected(key, "is not an index key");
    }
    auto it = s_.accreditation_rows.find(std::string(key));
    if (it != s_.accreditation_rows.end()) it->second.seen = true;
    const std::optional<std::uint64_t> index =
        IndexOf(key, value, it != s_.accreditation_rows.end());
    if (!index) return;
    if (it != s_.accreditation_rows.end() && *index == it->second.index) return;
    const std::string what = store::DescribeKey(key);
    if (it != s_.accreditation_rows.end()) {
      return Report(key, "index_mismatch", *index,
                    what + " points at entry " + std::to_string(*index) +
                        ", but that accreditation is entry " + std::to_string(it->second.index));
    }
    if (s_.Exempt(*index)) return;
    Report(key, "index_orphan", *index,
           what + " points at entry " + std::to_string(*index) +
               ", but the log holds no accepted accreditation of that body at "
               "that time");
  }

  // Rows that accepted records imply and the scan did not see, by entry.
  void ReportMissing() {
    struct Missing {
      std::uint64_t index;
      std::string key;
    };
    std::vector<Missing> missing;
    for (const auto& [number, c] : s_.certificates.items()) {
      if (!c.lenient && !c.certificate_row_seen) {
        missing.push_back({c.index, store::CertificateKey(number)});
      }
      if (c.revoked_by != kNoEntry && !c.revocation_lenient && !c.revocation_row_seen) {
        missing.push_back({c.revoked_by, store::RevocationKey(number)});
      }
    }
    for (const auto& [key, row] : s_.accreditation_rows) {
      if (!row.lenient && !row.seen) missing.push_back({row.index, key});
    }
    std::sort(missing.begin(), missing.end(),
              [](const Missing& a, const Missing& b) { return a.index < b.index; });
    for (const Missing& m : missing) {
      Report(m.key, "index_missing", m.index,
             EntrySubject(m.index) + " has no row " + store::DescribeKey(m.key));
    }
  }

  // The slow check of leaf-hash or record-hash rows: more rows exist than
  // entries confirmed, so find the ones whose key is not their entry's.
  void RescanHashRows(char tag) {
    const std::string prefix(1, tag);
    std::unique_ptr<rocksdb::Iterator> it(s_.db->db->NewIterator(rocksdb::ReadOptions()));
    for (it->Seek(ToSlice(prefix)); it->Valid() && ToView(it->key()).starts_with(prefix);
         it->Next()) {
      const std::string_view key = ToView(it->key());
      std::uint64_t index = 0;
      if (key.size() != 1 + sizeof(Hash256) || !store::DecodeIndex(ToView(it->value()), &index) ||
          index >= s_.size || s_.unreliable.count(index) != 0 ||
          s_.reported_keys.count(std::string(key)) != 0) {
        continue;  // reported by the first scan or by pass 1
      }
      const std::string what = store::DescribeKey(key);
      auto leaf = store::Get(*s_.db, rocksdb::ReadOptions(), store::EntryKey(index));
      if (!leaf.ok() || !*leaf) continue;  // pass 1 reported the entry
      Hash256 actual;
      if (tag == kLeafHashTag) {
        actual = HashLeaf(AsBytes(**leaf));
      } else {
        auto decoded = DecodeLeaf(AsBytes(**leaf));
        if (!decoded.ok()) continue;
        actual = Sha256::Hash(decoded->record);
      }
      if (key.substr(1) == AsChars(AsBytes(actual))) continue;
      Report(key, "index_orphan", index,
             what + " points at " + EntrySubject(index) + ", whose " +
                 (tag == kLeafHashTag ? "leaf" : "record") + " hash is " +
                 HexEncode(AsBytes(actual)) + "; no entry implies this row");
    }
    if (!it->status().ok()) {
      s_.findings.Add("read_error", "index rows", std::nullopt,
                      "re-reading the index rows failed: " + it->status().ToString());
    }
  }

  AuditState& s_;
  ExpectedRows leaf_rows_listed_;    // by pass 1
  ExpectedRows record_rows_listed_;  // likewise
  std::uint64_t hash_rows_ = 0;    // leaf-hash rows with a value below the size
  std::uint64_t record_rows_ = 0;  // record-hash rows likewise
};

}  // namespace

void AuditRows(AuditState& s) { RowScan(s).Run(); }

}  // namespace certledger::audit
