// Audit pass 1, the serial part: judging examined chunks in log order
// (audit_chunk.h; the flow is at the top of audit_entries.cpp).
#include <algorithm>

#include "audit_chunk.h"
#include "certledger/record.h"
#include "certledger/tile_path.h"
#include "store_keys.h"

namespace certledger::audit {
namespace {

std::string Hex(const Hash256& h) { return HexEncode(AsBytes(h)); }

bool PointsAt(const Row& row, std::uint64_t index) {
  return row.state == Row::kValue && row.index == index;
}

// "position 5 (entry 261), position 9 (entry 265)", at most 8 listed.
std::string Positions(const std::vector<std::uint64_t>& entries) {
  std::string out;
  for (std::size_t i = 0; i < entries.size() && i < 8; ++i) {
    if (!out.empty()) out += ", ";
    out += "position " + std::to_string(entries[i] & 0xff) + " (entry " +
           std::to_string(entries[i]) + ")";
  }
  if (entries.size() > 8) out += " and " + std::to_string(entries.size() - 8) + " more";
  return out;
}

std::string ReasonOf(const Status& status) {
  return status.reason().empty() ? std::string(StatusCodeName(status.code())) : status.reason();
}

}  // namespace

Replay::Replay(AuditState& s) : s_(s), validator_(s.rules) {
  visitor_ = [this](int level, std::uint64_t index, const Hash256& hash) {
    if (level == 0 || level % 8 != 0) return;
    const int tile_level = level / 8;
    std::vector<Hash256>& tile = upper_[tile_level];
    tile.push_back(hash);
    if (tile.size() == static_cast<std::size_t>(kTileWidth)) {
      if (root_known_) CompareTile(tile_level, index >> 8, tile, /*partial=*/false);
      tile.clear();
    }
  };
}

Result<std::optional<CertificateLookup::Issued>> Replay::Find(std::string_view number) const {
  const CertificateInfo* found = s_.certificates.Find(number);
  if (found == nullptr) return std::optional<Issued>();
  const CertificateInfo& c = *found;
  return std::optional<Issued>(Issued{c.index, s_.issuers[c.issuer], c.revoked_by != kNoEntry});
}

Result<bool> Replay::Exists(std::string_view number) const {
  return s_.certificates.Find(number) != nullptr;
}

void Replay::Apply(Chunk& chunk) {
  for (const TileFacts& tile : chunk.tiles) ReportTile(tile);
  std::map<std::string, std::vector<std::uint64_t>> blamed;  // tile key -> entries
  // The number table is large and each certificate's lookup lands at
  // random: fetch its slot a few entries ahead.
  constexpr std::size_t kAhead = 8;
  const auto prefetch = [&](std::size_t k) {
    if (k >= chunk.entries.size()) return;
    const std::optional<SignedRecord>& record = chunk.entries[k].prepared.record;
    if (record && record->certificate() != nullptr) {
      s_.certificates.Prefetch(record->certificate()->number);
    }
  };
  for (std::size_t k = 0; k < kAhead; ++k) prefetch(k);
  for (std::size_t k = 0; k < chunk.entries.size(); ++k) {
    prefetch(k + kAhead);
    ApplyEntry(chunk.first + k, chunk.entries[k], &blamed);
  }
  for (const auto& [key, entries] : blamed) {
    s_.findings.Add("tile_mismatch", store::DescribeKey(key), std::nullopt,
                    store::DescribeKey(key) + " differs from the entries' leaf hashes at " +
                        Positions(entries) +
                        "; the leaf-hash index confirms the entries, so the tile changed");
  }
}

void Replay::ReportTile(const TileFacts& tile) {
  ++s_.report->tiles_checked;
  if (tile.state == TileFacts::kOk) return;
  const std::string subject = store::DescribeKey(tile.key);
  switch (tile.state) {
    case TileFacts::kOk:
      return;
    case TileFacts::kMissing:
      s_.findings.Add(
          "tile_missing", subject, std::nullopt,
          subject + " is missing; the tree of size " + std::to_string(s_.size) + " has it");
      return;
    case TileFacts::kMalformed:
      s_.findings.Add("tile_mismatch", subject, std::nullopt,
                      subject + " holds " + std::to_string(tile.stored_bytes) + " bytes, not the " +
                          std::to_string(tile.width * 32) + " of " + std::to_string(tile.width) +
                          " hashes");
      return;
    case TileFacts::kError:
      s_.findings.Add("read_error", subject, std::nullopt,
                      subject + " cannot be read: " + tile.error);
      return;
  }
}

Hash256 Replay::Confirm(std::uint64_t index, const EntryFacts& e, Change* change,
                        std::map<std::string, std::vector<std::uint64_t>>* blamed) {
  if (!e.tile_hash || *e.tile_hash == e.leaf_hash) {
    s_.expected_leaf_rows.push_back(ExpectedHashRow{e.leaf_hash, index});  // step 2
    return e.leaf_hash;
  }
  if (PointsAt(e.leaf_row, index)) {
    // The index agrees with the entry: the tile changed.
    ++s_.leaf_rows_ok;
    const std::uint64_t tile = index >> 8;
    const bool partial = tile >= store::FullTiles(s_.size, 0);
    (*blamed)[partial ? store::PartialTileKey(0, tile) : store::TileKey(0, tile)].push_back(index);
    return e.leaf_hash;
  }
  if (PointsAt(e.tile_row, index)) {
    ++s_.leaf_rows_ok;
    *change = Change::kEntry;  // ApplyChanged reports it
    return *e.tile_hash;
  }
  *change = Change::kUnclear;
  const std::string subject = EntrySubject(index);
  s_.findings.Add("leaf_mismatch", subject, index,
                  subject + " hashes to " + Hex(e.leaf_hash) + ", its tile holds " +
                      Hex(*e.tile_hash) +
                      ", and the leaf-hash index confirms neither for this entry");
  s_.reported_keys.insert(store::LeafHashKey(e.leaf_hash));
  return *e.tile_hash;
}

void Replay::ApplyEntry(std::uint64_t index, EntryFacts& e,
                        std::map<std::string, std::vector<std::uint64_t>>* blamed) {
  if (!e.present) {
    const std::string subject = EntrySubject(index);
    if (!e.read_error.empty()) {
      s_.findings.Add("read_error", subject, index, subject + " cannot be read: " + e.read_error);
    } else {
      s_.findings.Add(
          "entry_missing", subject, index,
          subject + " is missing; the tree of size " + std::to_string(s_.size) + " has it");
    }
    s_.unreliable.insert(index);
    AppendHash(e.tile_hash);
    return;
  }
  ++s_.report->entries_checked;
  Change change = Change::kNone;
  const Hash256 confirmed = Confirm(index, e, &change, blamed);
  AppendHash(confirmed);
  if (change != Change::kNone) {
    s_.unreliable.insert(index);
    ApplyChanged(index, e, confirmed, change);
    return;
  }
  if (!e.leaf_status.ok()) {
    s_.refused.insert(index);
    const std::string subject = EntrySubject(index);
    s_.findings.Add(
        "record_invalid", subject, index,
        subject + " is not a leaf [1, logged_at_ms, record]: " + e.leaf_status.message(),
        "malformed");
    return;
  }
  s_.expected_record_rows.push_back(ExpectedHashRow{e.prepared.record_hash, index});  // step 2
  if (e.logged_at_ms < last_logged_at_ms_) {
    s_.findings.Add("time_regression", EntrySubject(index), index,
                    EntrySubject(index) + " is logged at " + std::to_string(e.logged_at_ms) +
                        " ms, before entry " + std::to_string(last_logged_index_) + " at " +
                        std::to_string(last_logged_at_ms_) + " ms");
  } else {
    last_logged_at_ms_ = e.logged_at_ms;
    last_logged_index_ = index;
  }
  Result<RecordEffects> effects = validator_.Validate(e.prepared, index, e.logged_at_ms, *this);
  if (!effects.ok()) {
    s_.refused.insert(index);
    s_.findings.Add("record_invalid", EntrySubject(index), index,
                    EntrySubject(index) + " (logged at " + std::to_string(e.logged_at_ms) +
                        " ms) breaks the log's rules: " + effects.status().message(),
                    ReasonOf(effects.status()));
    return;
  }
  if (e.prepared.record) {
    std::string_view revoked_issuer;
    if (effects->revoked_certificate_number) {
      const CertificateInfo* c = s_.certificates.Find(*effects->revoked_certificate_number);
      if (c != nullptr) revoked_issuer = s_.issuers[c->issuer];
    }
    std::vector<AuditFinding> found;
    s_.review.Add(index, e.logged_at_ms, *e.prepared.record, revoked_issuer, &found);
    s_.findings.AddRegulator(std::move(found));
  }
  Accept(index, *effects, e.logged_at_ms, /*lenient=*/false);
}

void Replay::ApplyChanged(std::uint64_t index, const EntryFacts& e, const Hash256& confirmed,
                          Change change) {
  const std::string subject = EntrySubject(index);
  std::string detail;
  if (!e.leaf_status.ok()) {
    detail = "; it no longer decodes: " + e.leaf_status.message();
  } else if (!e.prepared.record) {
    detail = "; its record no longer parses: " + e.prepared.parse_status.message();
  } else {
    // Keep the replay's state as close to the log's as the bytes allow, so
    // that one changed entry does not make later records look invalid.
    Result<RecordEffects> effects = validator_.Validate(e.prepared, index, e.logged_at_ms, *this);
    if (effects.ok()) {
      Accept(index, *effects, e.logged_at_ms, /*lenient=*/true);
    } else {
      detail = "; its record no longer passes the rules (" + ReasonOf(effects.status()) + ": " +
               effects.status().message() + ")";
      const SignedRecord& r = *e.prepared.record;
      RecordEffects claimed;
      claimed.kind = r.kind;
      claimed.issuer = r.claims.iss;
      if (r.certificate() != nullptr) claimed.certificate_number = r.certificate()->number;
      if (r.revocation() != nullptr) claimed.revoked_certificate_number = r.revocation()->number;
      if (r.accreditation() != nullptr) {
        if (validator_.Load(r, index, e.logged_at_ms).ok()) {
          claimed.accredited_body = r.accreditation()->body;
        }
      }
      Accept(index, claimed, e.logged_at_ms, /*lenient=*/true);
    }
  }
  if (change != Change::kEntry) return;  // leaf_mismatch was reported
  s_.findings.Add("entry_corrupt", subject, index,
                  subject + " changed at rest: its bytes hash to " + Hex(e.leaf_hash) +
                      ", but its tile and the leaf-hash index record " + Hex(confirmed) + detail);
}

void Replay::Accept(std::uint64_t index, const RecordEffects& effects, std::uint64_t logged_at_ms,
                    bool lenient) {
  if (effects.certificate_number) {
    auto [c, inserted] = s_.certificates.Insert(*effects.certificate_number);
    if (inserted) {
      c->index = index;
      c->issuer = s_.IssuerId(effects.issuer);
      c->lenient = lenient;
      if (!lenient) ++s_.report->certificates;
    }
  }
  if (effects.revoked_certificate_number) {
    CertificateInfo* c = s_.certificates.Find(*effects.revoked_certificate_number);
    if (c != nullptr && c->revoked_by == kNoEntry) {
      c->revoked_by = index;
      c->revocation_lenient = lenient;
      if (!lenient) ++s_.report->revocations;
    }
  }
  if (effects.accredited_body) {
    const std::string key =
        store::AccreditationKey(*effects.accredited_body, logged_at_ms / 1000, index);
    if (s_.accreditation_rows.try_emplace(key, ExpectedRow{index, lenient, false}).second &&
        !lenient) {
      ++s_.report->accreditations;
    }
  }
}

void Replay::AppendHash(const std::optional<Hash256>& hash) {
  if (!hash) root_known_ = false;
  range_.Append(hash.value_or(Hash256{}), visitor_);
}

void Replay::CompareTile(int level, std::uint64_t n, const std::vector<Hash256>& computed,
                         bool partial) {
  const std::string key = partial ? store::PartialTileKey(level, n) : store::TileKey(level, n);
  const std::string subject = store::DescribeKey(key);
  ++s_.report->tiles_checked;
  Result<std::optional<std::string>> value = store::Get(*s_.db, rocksdb::ReadOptions(), key);
  if (!value.ok()) {
    s_.findings.Add("read_error", subject, std::nullopt,
                    subject + " cannot be read: " + value.status().message());
    return;
  }
  if (!*value) {
    s_.findings.Add(
        "tile_missing", subject, std::nullopt,
        subject + " is missing; the tree of size " + std::to_string(s_.size) + " has it");
    return;
  }
  std::vector<Hash256> stored;
  if (!store::ParseTile(**value, computed.size(), &stored)) {
    s_.findings.Add("tile_mismatch", subject, std::nullopt,
                    subject + " holds " + std::to_string((*value)->size()) + " bytes, not the " +
                        std::to_string(computed.size() * 32) + " of " +
                        std::to_string(computed.size()) + " hashes");
    return;
  }
  std::vector<std::size_t> differ;
  for (std::size_t k = 0; k < computed.size(); ++k) {
    if (stored[k] != computed[k]) differ.push_back(k);
  }
  if (differ.empty()) return;
  const std::size_t k = differ.front();
  s_.findings.Add(
      "tile_mismatch", subject, std::nullopt,
      subject + " holds " + Hex(stored[k]) + " at position " + std::to_string(k) +
          " where the entries give " + Hex(computed[k]) +
          (differ.size() > 1 ? " (and " + std::to_string(differ.size() - 1) + " more positions)"
                             : std::string()));
}

void Replay::Finish() {
  for (int level = 1; level < store::kTileLevels; ++level) {
    if (store::PartialWidth(s_.size, level) == 0 || !root_known_) continue;
    CompareTile(level, store::FullTiles(s_.size, level), upper_[level],
                /*partial=*/true);
  }
  if (root_known_) s_.root = range_.Root();
}

}  // namespace certledger::audit
