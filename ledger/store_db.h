// The RocksDB handle behind LedgerStore and LedgerSnapshot (private to
// ledger/): opening, status translation, point reads.
//
// Thread safety: a Db may be used from any thread; RocksDB reads and writes
// are thread-safe. `catch_up_mu` orders a secondary's CatchUp() against
// the reads that build a snapshot (see ledger_snapshot.cpp).
#ifndef CERTLEDGER_LEDGER_STORE_DB_H_
#define CERTLEDGER_LEDGER_STORE_DB_H_

#include <rocksdb/db.h>

#include <memory>
#include <optional>
#include <shared_mutex>
#include <string>
#include <string_view>

#include "certledger/status.h"

namespace certledger::store {

struct Db {
  // Objects that refer to the DB (snapshots, iterators) hold a
  // shared_ptr<Db>, so the DB is closed only after the last of them.
  std::unique_ptr<rocksdb::DB> db;
  bool secondary = false;
  mutable std::shared_mutex catch_up_mu;
};

// Translates a RocksDB status: NotFound (and a missing file or directory),
// Corruption, InvalidArgument keep their meaning; no space is
// ResourceExhausted; everything else IOError.
// The message is "<context>: rocksdb: <status>".
Status FromRocks(const rocksdb::Status& status, std::string_view context);

// Opens the primary (creating the directory) or a secondary instance.
// `env`: nullptr for RocksDB's default Env.
Result<std::shared_ptr<Db>> OpenPrimary(const std::string& path, rocksdb::Env* env);
Result<std::shared_ptr<Db>> OpenSecondaryDb(const std::string& path,
                                            const std::string& secondary_path);

// The value of `key`, or nullopt if absent. IOError/Corruption otherwise.
Result<std::optional<std::string>> Get(const Db& db, const rocksdb::ReadOptions& options,
                                       std::string_view key);

// A RocksDB snapshot that is released before the DB it came from closes.
class DbSnapshot {
 public:
  explicit DbSnapshot(std::shared_ptr<Db> db);
  ~DbSnapshot();
  DbSnapshot(const DbSnapshot&) = delete;
  DbSnapshot& operator=(const DbSnapshot&) = delete;

  // nullptr on a secondary, which has no snapshots for iterators.
  const rocksdb::Snapshot* get() const { return snapshot_; }

 private:
  std::shared_ptr<Db> db_;
  const rocksdb::Snapshot* snapshot_ = nullptr;
};

inline rocksdb::Slice ToSlice(std::string_view s) { return rocksdb::Slice(s.data(), s.size()); }
inline std::string_view ToView(const rocksdb::Slice& s) {
  return std::string_view(s.data(), s.size());
}

}  // namespace certledger::store

#endif  // CERTLEDGER_LEDGER_STORE_DB_H_
