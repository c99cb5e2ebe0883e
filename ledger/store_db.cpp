#include "store_db.h"

#include <rocksdb/filter_policy.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <utility>

namespace certledger::store {
namespace {

rocksdb::Options BaseOptions() {
  rocksdb::Options options;
  options.IncreaseParallelism(2);
  // Commits check index keys that almost never exist: bloom filters answer
  // those without reading data blocks, in SST files and in the memtable.
  rocksdb::BlockBasedTableOptions table;
  table.filter_policy.reset(rocksdb::NewBloomFilterPolicy(10));
  options.table_factory.reset(rocksdb::NewBlockBasedTableFactory(table));
  options.memtable_prefix_bloom_size_ratio = 0.1;
  options.memtable_whole_key_filtering = true;
  options.paranoid_checks = true;
  return options;
}

}  // namespace

Status FromRocks(const rocksdb::Status& status, std::string_view context) {
  if (status.ok()) return Status::OK();
  std::string msg = std::string(context) + ": rocksdb: " + status.ToString();
  if (status.IsNotFound() || status.IsPathNotFound()) return Status::NotFound(std::move(msg));
  if (status.IsCorruption()) return Status::Corruption(std::move(msg));
  if (status.IsInvalidArgument()) return Status::InvalidArgument(std::move(msg));
  if (status.IsNoSpace()) return Status::ResourceExhausted(std::move(msg));
  return Status::IOError(std::move(msg));
}

Result<std::shared_ptr<Db>> OpenPrimary(const std::string& path) {
  rocksdb::Options options = BaseOptions();
  options.create_if_missing = true;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::Open(options, path, &raw);
  auto db = std::make_shared<Db>();
  db->db.reset(raw);  // owned at once, whatever the status
  CL_RETURN_IF_ERROR(FromRocks(s, "opening ledger store " + path));
  return db;
}

Result<std::shared_ptr<Db>> OpenSecondaryDb(const std::string& path,
                                            const std::string& secondary_path) {
  rocksdb::Options options = BaseOptions();
  // Required by RocksDB for secondaries (rocksdb/db.h, OpenAsSecondary):
  // keep every table file open, since the primary may delete it.
  options.max_open_files = -1;
  rocksdb::DB* raw = nullptr;
  rocksdb::Status s = rocksdb::DB::OpenAsSecondary(options, path, secondary_path, &raw);
  auto db = std::make_shared<Db>();
  db->db.reset(raw);
  db->secondary = true;
  CL_RETURN_IF_ERROR(FromRocks(s, "opening ledger store " + path + " as a secondary"));
  return db;
}

Result<std::optional<std::string>> Get(const Db& db, const rocksdb::ReadOptions& options,
                                       std::string_view key) {
  std::string value;
  rocksdb::Status s = db.db->Get(options, db.db->DefaultColumnFamily(), ToSlice(key), &value);
  if (s.IsNotFound()) return std::optional<std::string>();
  CL_RETURN_IF_ERROR(FromRocks(s, "reading the ledger store"));
  return std::optional<std::string>(std::move(value));
}

DbSnapshot::DbSnapshot(std::shared_ptr<Db> db) : db_(std::move(db)) {
  if (!db_->secondary) snapshot_ = db_->db->GetSnapshot();
}

DbSnapshot::~DbSnapshot() {
  if (snapshot_ != nullptr) db_->db->ReleaseSnapshot(snapshot_);
}

}  // namespace certledger::store
