// Audit pass 1's unit of work, a chunk of entries, and the replay that
// judges the chunks in log order (private to ledger/; see
// audit_entries.cpp for the flow).
//
// Thread safety: a Chunk is filled by the reader, then examined by one
// worker, then applied by the replay; never two at once. A Replay lives on
// the auditing thread.
#ifndef CERTLEDGER_LEDGER_AUDIT_CHUNK_H_
#define CERTLEDGER_LEDGER_AUDIT_CHUNK_H_

#include <array>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "audit_internal.h"
#include "certledger/merkle.h"
#include "certledger/validation.h"
#include "tile_edge.h"

namespace certledger::audit {

// Entries per chunk: four level-0 tiles. Chunks start at multiples of it.
inline constexpr std::uint64_t kChunkEntries = 1024;

// What a lookup of one index row found.
struct Row {
  enum State { kAbsent, kValue, kMalformed, kError } state = kAbsent;
  std::uint64_t index = 0;  // kValue: the entry; kMalformed: the value's length
  std::string error;        // kError
};

struct EntryFacts {
  bool present = false;
  std::string read_error;  // RocksDB could not read the entry
  std::string bytes;       // the stored leaf; dropped once examined
  Hash256 leaf_hash{};
  std::optional<Hash256> tile_hash;  // this entry's hash in its stored tile
  Row leaf_row;                      // h(leaf_hash)
  Row tile_row;                      // h(tile_hash), only when it differs
  Status leaf_status;                // DecodeLeaf
  std::uint64_t logged_at_ms = 0;
  PreparedRecord prepared;  // when the leaf decodes
  Row record_row;           // r(record hash), when the leaf decodes
};

// A stored level-0 tile as the worker found it.
struct TileFacts {
  std::string key;
  int width = 0;  // hashes the tree size implies
  enum State { kOk, kMissing, kMalformed, kError } state = kOk;
  std::size_t stored_bytes = 0;  // kMalformed
  std::string error;             // kError
};

struct Chunk {
  std::uint64_t first = 0;  // index of entries[0]
  std::vector<EntryFacts> entries;
  std::vector<TileFacts> tiles;  // the level-0 tiles over the entries, in order
};

// Judges examined chunks in log order: steps 1 to 4 of audit_entries.cpp.
// Serves the Validator the certificates accepted so far.
class Replay final : public CertificateLookup {
 public:
  explicit Replay(AuditState& s);

  void Apply(Chunk& chunk);
  // Compares the partial tiles of level >= 1 and sets the state's root.
  void Finish();

  Result<std::optional<Issued>> Find(std::string_view number) const override;
  Result<bool> Exists(std::string_view number) const override;

 private:
  void ReportTile(const TileFacts& tile);
  // Whether an entry's bytes are the ones the tree holds.
  enum class Change {
    kNone,     // they are (or nothing says otherwise)
    kEntry,    // they changed: tile and index agree on another hash
    kUnclear,  // entry and tile disagree, the index confirms neither
  };
  // Step 1: the hash the tree holds for the entry, and *change.
  Hash256 Confirm(std::uint64_t index, const EntryFacts& e, Change* change,
                  std::map<std::string, std::vector<std::uint64_t>>* blamed);
  void ApplyEntry(std::uint64_t index, EntryFacts& e,
                  std::map<std::string, std::vector<std::uint64_t>>* blamed);
  // An entry whose bytes changed: its effects as far as they can be read.
  void ApplyChanged(std::uint64_t index, const EntryFacts& e, const Hash256& confirmed,
                    Change change);
  void Accept(std::uint64_t index, const RecordEffects& effects, std::uint64_t logged_at_ms,
              bool lenient);
  // Step 2: the finding for a row of entry `index` that does not point at it.
  void ReportRow(const std::string& key, const Row& row, std::uint64_t index);
  void AppendHash(const std::optional<Hash256>& hash);
  void CompareTile(int level, std::uint64_t n, const std::vector<Hash256>& computed, bool partial);

  AuditState& s_;
  Validator validator_;
  CompactRange range_;
  CompactRange::NodeVisitor visitor_;
  std::array<std::vector<Hash256>, store::kTileLevels> upper_;  // level >= 1
  bool root_known_ = true;
  std::uint64_t last_logged_at_ms_ = 0;
  std::uint64_t last_logged_index_ = 0;
};

}  // namespace certledger::audit

#endif  // CERTLEDGER_LEDGER_AUDIT_CHUNK_H_
