#include "store_db.h"

#include <sys/stat.h>

#include <rocksdb/filter_policy.h>
#include <rocksdb/listener.h>
#include <rocksdb/options.h>
#include <rocksdb/table.h>

#include <cstdarg>
#include <cstdio>
#include <utility>

namespace certledger::store {
namespace {

// RocksDB's own diagnostics: warnings and worse, to standard error, never to
// a LOG file in the ledger directory. RocksDB 7.8's file logger aborts the
// process on the line after a failed write (writable_file_writer.h,
// AssertFalseAndGetStatusForPrevError, in Debian's build with assertions),
// so a full disk would turn a refused batch into a crash.
class StderrLogger : public rocksdb::Logger {
 public:
  StderrLogger() : rocksdb::Logger(rocksdb::InfoLogLevel::WARN_LEVEL) {}

  void Logv(const rocksdb::InfoLogLevel level, const char* format, va_list ap) override {
    if (level < GetInfoLogLevel() || level == rocksdb::InfoLogLevel::HEADER_LEVEL) return;
    char line[1024];
    std::vsnprintf(line, sizeof line, format, ap);
    std::fprintf(stderr, "certledger: rocksdb: %s\n", line);
  }
  void Logv(const char* format, va_list ap) override {
    Logv(rocksdb::InfoLogLevel::WARN_LEVEL, format, ap);
  }
};

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
  options.info_log = std::make_shared<StderrLogger>();
  return options;
}

// The writer recovers from a failed write itself (LedgerStore::Commit calls
// DB::Resume() before its next write), at once when space returns, rather
// than in RocksDB's background retry every 5 s, which also makes a manual
// Resume() answer "busy" meanwhile.
class ManualRecovery : public rocksdb::EventListener {
 public:
  void OnErrorRecoveryBegin(rocksdb::BackgroundErrorReason /*reason*/,
                            rocksdb::Status /*bg_error*/, bool* auto_recovery) override {
    *auto_recovery = false;
  }
};

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

Result<std::shared_ptr<Db>> OpenPrimary(const std::string& path, rocksdb::Env* env) {
  rocksdb::Options options = BaseOptions();
  if (env != nullptr) options.env = env;
  options.create_if_missing = true;
  options.listeners.push_back(std::make_shared<ManualRecovery>());
  // Made here rather than by RocksDB, which first logs an error about the
  // missing directory. A missing parent stays RocksDB's NotFound.
  ::mkdir(path.c_str(), 0755);
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
