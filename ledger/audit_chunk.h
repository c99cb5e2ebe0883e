// Audit pass 1's unit of work, a chunk of entries, and the replay that
// judges the chunks in log order (private to ledger/; see
// audit_entries.cpp for the flow).
//
// Thread safety: a Chunk is filled by the reader, then examined by one
// worker, then applied by the replay, then filled again; never two at
// once. A Replay lives on the auditing thread.
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

// Chunks are reused: the reader Reset()s each entry, which keeps `prepared`
// (the worker replaces it, so that the record is freed on the thread that
// made it) and the capacity of the strings.
struct EntryFacts {
  void Reset() {
    present = false;
    read_error.clear();
    tile_hash.reset();
    leaf_row = Row();
    tile_row = Row();
    leaf_status = Status::OK();
    logged_at_ms = 0;
  }

  bool present = false;
  std::string read_error;  // RocksDB could not read the entry
  // The stored leaf: Chunk::leaves.substr(bytes_at, bytes_size).
  std::size_t bytes_at = 0;
  std::size_t bytes_size = 0;
  Hash256 leaf_hash{};
  std::optional<Hash256> tile_hash;  // this entry's hash in its stored tile
  // Looked up only when the tile holds another hash (pass 2 checks the
  // leaf-hash rows of the other entries, and every record-hash row).
  Row leaf_row;                      // h(leaf_hash)
  Row tile_row;                      // h(tile_hash)
  Status leaf_status;                // DecodeLeaf
  std::uint64_t logged_at_ms = 0;
  PreparedRecord prepared;  // when the leaf decodes, else empty
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
  // Makes this the chunk of `count` entries from `first`, none read yet.
  void Reset(std::uint64_t first_index, std::size_t count) {
    first = first_index;
    entries.resize(count);
    for (EntryFacts& e : entries) e.Reset();
    tiles.clear();
    leaves.clear();
  }

  std::uint64_t first = 0;  // index of entries[0]
  std::vector<EntryFacts> entries;
  std::vector<TileFacts> tiles;  // the level-0 tiles over the entries, in order
  std::string leaves;            // the entries' stored bytes, one after another
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
