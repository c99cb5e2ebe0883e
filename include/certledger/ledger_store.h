// LedgerStore: the append-only log in RocksDB.
//
// The store keeps, for one Merkle log (RFC 9162 hashing, see merkle.h):
// the entries (leaf bytes), the hashes as C2SP tlog-tiles hash tiles of
// height 8, the indexes that point at entries (leaf hash, record hash,
// certificate number, revocation, accreditation history), the tree size and
// root, and the latest signed checkpoint. docs/STORAGE.md describes the key
// schema; ledger/store_keys.cpp holds its grammar.
//
// Writing. One process opens the database as the primary and appends with
// Commit(): the leaves of a CommitBatch take the next indexes, and
// everything they imply (entries, hash tiles, indexes, tree state, the
// checkpoint that covers the new size) is written in ONE RocksDB WriteBatch
// with sync=true. A commit is therefore all or nothing, durable when
// Commit() returns, and the stored state is always a consistent tree. The
// store validates nothing about records: it stores already-validated
// entries. It does refuse to write any index that exists (AlreadyExists,
// nothing written), so no entry or index row is ever overwritten.
//
// Reading. Snapshot() returns a LedgerSnapshot: a frozen, consistent view
// of one committed tree size, usable from any thread while the writer
// commits (a RocksDB snapshot on the primary). Other processes read with
// OpenSecondary() (a RocksDB secondary instance) and see new commits after
// CatchUp().
//
// Thread safety: all LedgerStore methods may be called from any thread.
// Commit() calls are serialized internally. A LedgerSnapshot is an
// immutable value: copies share state, and its const methods may be called
// concurrently. A snapshot keeps the database open until the last copy of
// it is destroyed, so it may outlive its LedgerStore.
#ifndef CERTLEDGER_LEDGER_STORE_H_
#define CERTLEDGER_LEDGER_STORE_H_

#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/merkle.h"
#include "certledger/sha256.h"
#include "certledger/status.h"
#include "certledger/tile_path.h"

namespace rocksdb {
class Env;
}  // namespace rocksdb

namespace certledger {

// How the writer opens its store.
struct StoreOptions {
  // The RocksDB Env under the store; nullptr: the real file system. Tests
  // pass one that injects write errors (tests/ledger/disk_fault_test.cpp).
  // It must outlive the store and every snapshot of it.
  rocksdb::Env* env = nullptr;
};

// The largest leaf: the entry bundle's length prefix is 16 bits.
inline constexpr std::size_t kMaxLeafBytes = 65535;
// The largest certificate number or body id, in bytes.
inline constexpr std::size_t kMaxIndexKeyBytes = 1024;

// An accreditation row: which body, effective from when. Rows are not
// unique by (body, time): rows with equal times are kept in log order.
struct AccreditationKey {
  std::string body_id;     // the accredited body's id (non-empty)
  std::uint64_t time = 0;  // the record's effective time, NumericDate seconds
};

// One leaf to append, and the index rows that will point at its index.
// Build with designated initializers: {.leaf = ..., .certificate_number = ...}.
struct NewEntry {
  // The exact leaf bytes that are hashed: CBOR [1, logged_at_ms, record].
  // 1 to kMaxLeafBytes bytes. The leaf hash index is always written.
  Bytes leaf = {};
  // SHA-256 of the record bytes, for idempotent resubmission.
  std::optional<Hash256> record_hash = {};
  // The number of the certificate this entry issues.
  std::optional<std::string> certificate_number = {};
  // The number of the certificate this entry revokes.
  std::optional<std::string> revoked_certificate_number = {};
  // The body whose accreditation this entry sets, and from when.
  std::optional<AccreditationKey> accreditation = {};
};

struct CommitBatch {
  std::vector<NewEntry> entries;  // appended in this order; may be empty
};

// The tree after a commit.
struct CommittedTree {
  std::uint64_t first_index = 0;  // index of the batch's first entry (= old size)
  std::uint64_t size = 0;         // new tree size
  Hash256 root{};                 // new root hash
};

// Called by Commit() once the new size and root are known, inside the
// commit: returns the signed checkpoint text (C2SP tlog-checkpoint as a
// signed note) for exactly that tree. An error aborts the commit and is
// returned by Commit() unchanged.
using CheckpointSigner =
    std::function<Result<std::string>(std::uint64_t size, const Hash256& root)>;

struct AccreditationRow {
  std::string body_id;
  std::uint64_t time = 0;
  std::uint64_t index = 0;  // the accreditation entry
};

// What the indexes say about one certificate number.
struct CertificateStatus {
  std::optional<std::uint64_t> certificate_index;  // the entry that issued it
  std::optional<std::uint64_t> revocation_index;   // the entry that revoked it
};

// A consistent view of the ledger at one committed tree size. Every method
// answers for that tree, whatever was committed since.
//
// Errors common to the methods: IOError when RocksDB fails; Corruption when
// stored data contradicts itself (an alarm: missing entry or tile below the
// tree size, wrong lengths).
class LedgerSnapshot {
 public:
  std::uint64_t size() const;
  // Root hash of the tree of size() leaves (SHA-256("") when empty).
  const Hash256& root() const;
  // The latest signed checkpoint text; empty if nothing was ever committed.
  const std::string& checkpoint() const;

  // Leaf bytes of entry `index`. NotFound if index >= size().
  [[nodiscard]] Result<Bytes> Entry(std::uint64_t index) const;

  // C2SP hash tile bytes: `width` hashes of 32 bytes (width 256 = full
  // tile). A partial tile is the prefix of its full tile. NotFound unless
  // the tree of size() has those hashes: index < size >> 8(level+1) (full
  // tile exists), or index == size >> 8(level+1) and width <=
  // (size >> 8 level) mod 256. InvalidArgument for width outside 1..256 or
  // level outside 0..63.
  [[nodiscard]] Result<Bytes> Tile(int level, std::uint64_t index, int width) const;
  // C2SP entry bundle: entries [256 index, 256 index + width), each as a
  // 2-byte big-endian length and the leaf. NotFound unless all exist in the
  // tree of size(). InvalidArgument for width outside 1..256.
  [[nodiscard]] Result<Bytes> EntryBundle(std::uint64_t index, int width) const;
  // Tile() or EntryBundle(), whichever `tile` names.
  [[nodiscard]] Result<Bytes> Read(const TileAddress& tile) const;

  // Hash of the complete subtree (level, index) (merkle.h "Node
  // coordinates"). NotFound unless (index + 1) << level <= size().
  [[nodiscard]] Result<Hash256> NodeHash(int level, std::uint64_t index) const;
  // MTH of the first `size` leaves. InvalidArgument if size > size().
  [[nodiscard]] Result<Hash256> RootAt(std::uint64_t size) const;
  // RFC 9162 inclusion proof of leaf `index` in the tree of `size` leaves,
  // leaf to root. InvalidArgument unless index < size <= size().
  [[nodiscard]] Result<std::vector<Hash256>> InclusionProof(std::uint64_t index,
                                                            std::uint64_t size) const;
  // RFC 9162 consistency proof between trees of old_size and new_size
  // leaves. InvalidArgument unless old_size <= new_size <= size().
  [[nodiscard]] Result<std::vector<Hash256>> ConsistencyProof(std::uint64_t old_size,
                                                              std::uint64_t new_size) const;

  // Index lookups. NotFound when no entry of this tree has the key.
  [[nodiscard]] Result<std::uint64_t> FindLeafHash(const Hash256& leaf_hash) const;
  [[nodiscard]] Result<std::uint64_t> FindRecordHash(const Hash256& record_hash) const;
  [[nodiscard]] Result<std::uint64_t> FindCertificate(std::string_view number) const;
  [[nodiscard]] Result<std::uint64_t> FindRevocation(std::string_view number) const;
  // Both of the above; OK with both fields empty for an unknown number.
  [[nodiscard]] Result<CertificateStatus> StatusOf(std::string_view number) const;
  // The accreditation rows of one body by time, then index (empty if none).
  [[nodiscard]] Result<std::vector<AccreditationRow>> AccreditationHistory(
      std::string_view body_id) const;
  // The row in force at `time`: the last (by time, then index) with
  // row.time <= time.
  // NotFound if the body has none by then.
  [[nodiscard]] Result<AccreditationRow> AccreditationAt(std::string_view body_id,
                                                         std::uint64_t time) const;
  // Every accreditation row, by body id (bytewise), time, then index.
  [[nodiscard]] Result<std::vector<AccreditationRow>> AllAccreditations() const;

  struct State;  // implementation detail
  explicit LedgerSnapshot(std::shared_ptr<const State> state) : state_(std::move(state)) {}

 private:
  std::shared_ptr<const State> state_;
};

class LedgerStore {
 public:
  // Opens (creating if missing) the store at `path` as the one writer.
  // Rebuilds the writer's state (size, right edge, partial tiles) from what
  // is stored and checks it against the stored root. IOError if RocksDB
  // cannot open it (e.g. another process holds it); NotFound if the parent
  // directory is missing; Corruption if the stored state is inconsistent
  // or of an unknown format, or the directory holds another database.
  [[nodiscard]] static Result<LedgerStore> Open(const std::string& path,
                                                const StoreOptions& options = {});

  // Opens the store at `path`, written by another process, as a read-only
  // RocksDB secondary instance keeping its own files in `secondary_path`.
  // NotFound if `path` holds no certledger store; IOError, Corruption as
  // Open().
  [[nodiscard]] static Result<LedgerStore> OpenSecondary(const std::string& path,
                                                         const std::string& secondary_path);

  // Movable; a moved-from store may only be destroyed or assigned to.
  LedgerStore(LedgerStore&&) noexcept;
  LedgerStore& operator=(LedgerStore&&) noexcept;
  LedgerStore(const LedgerStore&) = delete;
  LedgerStore& operator=(const LedgerStore&) = delete;
  ~LedgerStore();

  bool read_only() const;

  // Appends batch.entries at indexes size(), size() + 1, ..., asks `sign`
  // for the checkpoint of the new tree, and writes everything in one synced
  // WriteBatch. An empty batch re-signs the current tree (e.g. the empty
  // tree's first checkpoint). On any failure nothing is written and the
  // store is unchanged. Failures:
  //   PermissionDenied  the store was opened with OpenSecondary();
  //   InvalidArgument   an empty leaf, an empty or over-long certificate
  //                     number or body id, or a checkpoint whose size or
  //                     root line does not match the new tree;
  //   ResourceExhausted a leaf over kMaxLeafBytes (reason "leaf_too_large");
  //   AlreadyExists     an index key that exists, or occurs twice in the
  //                     batch (reason "index_exists"; the message names it);
  //   the signer's error unchanged;
  //   ResourceExhausted the disk is full (reason "storage_full");
  //   IOError           any other write error, e.g. a read-only file system
  //                     (reason "storage_error").
  // After a failed write, RocksDB refuses writes; the next Commit() first
  // tries to resume (RocksDB's DB::Resume()), and fails with the same
  // reasons while the disk is still full. RocksDB resumes after a full disk
  // but not after other errors of the write-ahead log (e.g. a read-only
  // file system): then every later Commit() fails, saying so, until the
  // store is reopened. A batch whose write
  // failed was not acknowledged; if the device kept its bytes it may still
  // be found whole after a crash, never in part.
  [[nodiscard]] Result<CommittedTree> Commit(const CommitBatch& batch,
                                             const CheckpointSigner& sign);

  // The error of the last Commit() whose write (or recovery) failed, for
  // health checks; OK once a later write succeeded, and on a secondary.
  Status write_error() const;

  // A consistent view of the latest committed tree (on a secondary: as of
  // the last CatchUp()). IOError, Corruption as LedgerSnapshot.
  [[nodiscard]] Result<LedgerSnapshot> Snapshot() const;

  // Secondary only: replays what the primary wrote since the last call, so
  // that later Snapshot()s see it. Snapshots taken before do not change.
  // PermissionDenied on the primary; IOError, Corruption from RocksDB.
  [[nodiscard]] Status CatchUp();

  struct Impl;  // implementation detail

 private:
  explicit LedgerStore(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certledger

#endif  // CERTLEDGER_LEDGER_STORE_H_
