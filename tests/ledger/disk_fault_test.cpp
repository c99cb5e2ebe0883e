// Disk faults under the ledger, in the middle of a run of batches.
//
// What must hold (docs/THREAT_MODEL.md, "Disk full or read-only"):
//   - the submitters of the failing batch get an error that says what is
//     wrong: ResourceExhausted, reason "storage_full", for a full disk;
//     IOError, reason "storage_error", for a read-only file system;
//   - nothing is acknowledged that is not durable: after a reopen every
//     acknowledged record is in the store at its index, and the tree is
//     exactly what was acknowledged;
//   - once space returns, the same Ledger appends again without a restart,
//     at the next index. RocksDB does not resume after other errors of its
//     write-ahead log: after a read-only file system the ledger keeps
//     refusing, says that it needs a restart, and appends after one;
//   - the store then audits clean.
//
// The full disk is real: a tmpfs of 16 MiB (small_file_system.h, needs
// root). The read-only file system is injected below RocksDB
// (ReadOnlySwitch): the kernel refuses to remount a file system read-only
// while files on it are open for writing (EBUSY).
#include <rocksdb/env.h>
#include <rocksdb/file_system.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <cerrno>
#include <cstring>
#include <map>
#include <string>

#include "certledger/audit.h"
#include "small_file_system.h"
#include "test_world.h"

using namespace certledger;
using certledger::test::MountUnavailable;
using certledger::test::SmallFileSystem;
using certledger::test::TempDir;
using certledger::test::World;

namespace {

// Acknowledged records: index -> record bytes.
using Acked = std::map<std::uint64_t, Bytes>;

// Submits `records` in one call; adds the acknowledged ones to `acked`,
// returns how many failed and the first failure.
std::size_t SubmitAll(Ledger &ledger, std::vector<Bytes> records, Acked &acked,
                      Status *first_error) {
  const std::vector<Bytes> copy = records;
  auto results = ledger.SubmitMany(std::move(records));
  std::size_t failed = 0;
  for (std::size_t i = 0; i < results.size(); ++i) {
    if (results[i].ok()) {
      acked[results[i]->index] = copy[i];
    } else {
      if (failed++ == 0 && first_error != nullptr) *first_error = results[i].status();
    }
  }
  return failed;
}

// Every acknowledged record is in the store at its index, and the stored
// checkpoint covers the whole tree; the audit is clean.
void CheckAckedAndAudit(World &w, const std::string &path, const Acked &acked) {
  auto ledger = w.Open(path);
  auto snapshot = ledger->Snapshot();
  REQUIRE(snapshot.ok());
  for (const auto &[index, record] : acked) {
    REQUIRE(index < snapshot->size());
    auto entry = snapshot->Entry(index);
    REQUIRE(entry.ok());
    INFO("entry " << index);
    CHECK(ToString(*entry).find(ToString(record)) != std::string::npos);
  }
  ledger.reset();
  auto report = AuditLocal(path, w.Rules(), w.log.Public());
  REQUIRE(report.ok());
  for (const auto &f : report->findings) INFO(f.code << " " << f.subject << ": " << f.message);
  CHECK(report->ok());
  CHECK(report->tree_size >= (acked.empty() ? 0 : acked.rbegin()->first + 1));
}

std::vector<Bytes> Certificates(World &w, const std::string &prefix, int from, int count) {
  std::vector<Bytes> out;
  for (int i = from; i < from + count; ++i) {
    char number[32];
    std::snprintf(number, sizeof number, "%s%06d", prefix.c_str(), i);
    out.push_back(w.Certify(number, w.alpha));
  }
  return out;
}

// A file system that turns read-only on demand: then creating, renaming or
// deleting files and every write to an open file fail with EROFS, as on a
// file system the kernel remounted read-only after an error. (A real
// remount cannot be had while RocksDB holds files open for writing: the
// kernel answers EBUSY.)
class ReadOnlySwitch : public rocksdb::FileSystemWrapper {
 public:
  explicit ReadOnlySwitch(const std::shared_ptr<rocksdb::FileSystem> &base)
      : rocksdb::FileSystemWrapper(base) {}
  const char *Name() const override { return "ReadOnlySwitch"; }

  void SetReadOnly(bool on) {
    appends_left_ = -1;
    read_only_ = on;
  }
  // Turns read-only once `n` more appends to write-ahead logs went through.
  void TurnReadOnlyAfter(int n) { appends_left_ = n; }

  rocksdb::IOStatus NewWritableFile(const std::string &name, const rocksdb::FileOptions &options,
                                    std::unique_ptr<rocksdb::FSWritableFile> *result,
                                    rocksdb::IODebugContext *dbg) override {
    if (read_only_) return Refuse("creating", name);
    rocksdb::IOStatus s = target()->NewWritableFile(name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<File>(std::move(*result), *this, name);
    return s;
  }
  rocksdb::IOStatus ReopenWritableFile(const std::string &name, const rocksdb::FileOptions &options,
                                       std::unique_ptr<rocksdb::FSWritableFile> *result,
                                       rocksdb::IODebugContext *dbg) override {
    if (read_only_) return Refuse("reopening", name);
    rocksdb::IOStatus s = target()->ReopenWritableFile(name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<File>(std::move(*result), *this, name);
    return s;
  }
  rocksdb::IOStatus ReuseWritableFile(const std::string &name, const std::string &old_name,
                                      const rocksdb::FileOptions &options,
                                      std::unique_ptr<rocksdb::FSWritableFile> *result,
                                      rocksdb::IODebugContext *dbg) override {
    if (read_only_) return Refuse("reusing", name);
    rocksdb::IOStatus s = target()->ReuseWritableFile(name, old_name, options, result, dbg);
    if (s.ok()) *result = std::make_unique<File>(std::move(*result), *this, name);
    return s;
  }
  rocksdb::IOStatus RenameFile(const std::string &from, const std::string &to,
                               const rocksdb::IOOptions &options,
                               rocksdb::IODebugContext *dbg) override {
    if (read_only_) return Refuse("renaming", from);
    return target()->RenameFile(from, to, options, dbg);
  }
  rocksdb::IOStatus DeleteFile(const std::string &name, const rocksdb::IOOptions &options,
                               rocksdb::IODebugContext *dbg) override {
    if (read_only_) return Refuse("deleting", name);
    return target()->DeleteFile(name, options, dbg);
  }

 private:
  static rocksdb::IOStatus Refuse(const std::string &doing, const std::string &name) {
    return rocksdb::IOStatus::IOError("While " + doing + " file " + name, std::strerror(EROFS));
  }

  // An open file of this file system: writes fail once it is read-only.
  class File : public rocksdb::FSWritableFileOwnerWrapper {
   public:
    File(std::unique_ptr<rocksdb::FSWritableFile> file, ReadOnlySwitch &fs, std::string name)
        : rocksdb::FSWritableFileOwnerWrapper(std::move(file)),
          fs_(fs),
          name_(std::move(name)),
          wal_(name_.size() > 4 && name_.compare(name_.size() - 4, 4, ".log") == 0) {}

    rocksdb::IOStatus Append(const rocksdb::Slice &data, const rocksdb::IOOptions &options,
                             rocksdb::IODebugContext *dbg) override {
      if (wal_ && fs_.appends_left_ >= 0 && fs_.appends_left_-- == 0) fs_.read_only_ = true;
      if (fs_.read_only_) return Refuse("appending to", name_);
      return target()->Append(data, options, dbg);
    }
    rocksdb::IOStatus Append(const rocksdb::Slice &data, const rocksdb::IOOptions &options,
                             const rocksdb::DataVerificationInfo & /*info*/,
                             rocksdb::IODebugContext *dbg) override {
      return Append(data, options, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice &data, uint64_t offset,
                                       const rocksdb::IOOptions &options,
                                       rocksdb::IODebugContext *dbg) override {
      if (fs_.read_only_) return Refuse("appending to", name_);
      return target()->PositionedAppend(data, offset, options, dbg);
    }
    rocksdb::IOStatus PositionedAppend(const rocksdb::Slice &data, uint64_t offset,
                                       const rocksdb::IOOptions &options,
                                       const rocksdb::DataVerificationInfo & /*info*/,
                                       rocksdb::IODebugContext *dbg) override {
      return PositionedAppend(data, offset, options, dbg);
    }
    rocksdb::IOStatus Truncate(uint64_t size, const rocksdb::IOOptions &options,
                               rocksdb::IODebugContext *dbg) override {
      if (fs_.read_only_) return Refuse("truncating", name_);
      return target()->Truncate(size, options, dbg);
    }
    rocksdb::IOStatus Flush(const rocksdb::IOOptions &options,
                            rocksdb::IODebugContext *dbg) override {
      if (fs_.read_only_) return Refuse("flushing", name_);
      return target()->Flush(options, dbg);
    }
    rocksdb::IOStatus Sync(const rocksdb::IOOptions &options,
                           rocksdb::IODebugContext *dbg) override {
      if (fs_.read_only_) return Refuse("syncing", name_);
      return target()->Sync(options, dbg);
    }
    rocksdb::IOStatus Fsync(const rocksdb::IOOptions &options,
                            rocksdb::IODebugContext *dbg) override {
      if (fs_.read_only_) return Refuse("syncing", name_);
      return target()->Fsync(options, dbg);
    }
    rocksdb::IOStatus RangeSync(uint64_t offset, uint64_t nbytes, const rocksdb::IOOptions &options,
                                rocksdb::IODebugContext *dbg) override {
      if (fs_.read_only_) return Refuse("syncing", name_);
      return target()->RangeSync(offset, nbytes, options, dbg);
    }

   private:
    ReadOnlySwitch &fs_;
    const std::string name_;
    const bool wal_;
  };

  std::atomic<bool> read_only_{false};
  std::atomic<int> appends_left_{-1};
};

}  // namespace

TEST_CASE("disk fault: the ledger directory fills up in the middle of a batch", "[disk]") {
  SmallFileSystem fs(16);
  if (MountUnavailable(fs)) return;
  World w;
  const std::string path = fs.path() + "/ledger";
  Acked acked;
  {
    auto ledger = w.Open(path);
    REQUIRE(
        ledger
            ->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key())))
            .ok());
    REQUIRE(SubmitAll(*ledger, Certificates(w, "A", 0, 200), acked, nullptr) == 0);
    const std::uint64_t size_before = ledger->Snapshot()->size();

    // A batch of about 200 KB meets 16 KB of free space.
    fs.Fill(16 * 1024);
    Status error;
    const std::size_t failed = SubmitAll(*ledger, Certificates(w, "B", 0, 300), acked, &error);
    INFO(error.ToString());
    CHECK(failed == 300);
    CHECK(error.Is(StatusCode::kResourceExhausted));
    CHECK(error.reason() == "storage_full");
    CHECK_THAT(error.message(), Catch::Contains("No space left on device"));
    CHECK(ledger->Snapshot()->size() == size_before);
    CHECK(ledger->write_error().reason() == "storage_full");

    // Still full: still refused, with the same clear error.
    Status again;
    CHECK(SubmitAll(*ledger, Certificates(w, "C", 0, 5), acked, &again) == 5);
    INFO(again.ToString());
    CHECK(again.reason() == "storage_full");

    // Space returns: the same ledger appends again, at the next index.
    fs.Unfill();
    const std::size_t before = acked.size();
    Status late;
    CHECK(SubmitAll(*ledger, Certificates(w, "D", 0, 300), acked, &late) == 0);
    INFO(late.ToString());
    CHECK(acked.size() == before + 300);
    CHECK(acked.rbegin()->first == size_before + 299);
    CHECK(ledger->Snapshot()->size() == size_before + 300);
    CHECK(ledger->write_error().ok());
  }
  CheckAckedAndAudit(w, path, acked);
}

TEST_CASE("disk fault: the ledger directory turns read-only in the middle of a run", "[disk]") {
  // The first WAL appends succeed, then the file system turns read-only:
  // later batches of the same SubmitMany call fail.
  auto fs = std::make_shared<ReadOnlySwitch>(rocksdb::FileSystem::Default());
  std::unique_ptr<rocksdb::Env> env = rocksdb::NewCompositeEnv(fs);
  TempDir dir("disk_fault_ro");
  World w;
  const std::string path = dir.path() + "/ledger";
  Acked acked;
  std::uint64_t size_before = 0;
  std::uint64_t size_after = 0;
  {
    LedgerOptions options = w.Options(path);
    options.max_batch = 40;
    options.store.env = env.get();
    auto opened = Ledger::Open(options, test::KeyFromByte(w.log.name, 2));
    REQUIRE(opened.ok());
    Ledger &ledger = **opened;
    REQUIRE(
        ledger.Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key())))
            .ok());
    size_before = ledger.Snapshot()->size();

    fs->TurnReadOnlyAfter(5);  // five more WAL appends, then read-only
    Status error;
    const std::size_t failed = SubmitAll(ledger, Certificates(w, "A", 0, 1000), acked, &error);
    INFO(error.ToString());
    CHECK(failed > 0);
    CHECK(failed < 1000);
    CHECK(error.Is(StatusCode::kIOError));
    CHECK(error.reason() == "storage_error");
    CHECK_THAT(error.message(), Catch::Contains("Read-only file system"));
    // What was acknowledged is exactly the tree.
    size_after = ledger.Snapshot()->size();
    CHECK(size_after == size_before + (1000 - failed));
    CHECK(acked.size() == 1000 - failed);

    // Writable again. RocksDB does not resume after an error of its
    // write-ahead log other than a full disk: the ledger keeps refusing,
    // and says that it needs a restart.
    fs->SetReadOnly(false);
    Status still;
    CHECK(SubmitAll(ledger, Certificates(w, "Z", 0, 10), acked, &still) == 10);
    INFO(still.ToString());
    CHECK(still.reason() == "storage_error");
    CHECK_THAT(still.message(), Catch::Contains("restart the ledger"));
    CHECK_THAT(ledger.write_error().message(), Catch::Contains("restart the ledger"));
    CHECK(ledger.Snapshot()->size() == size_after);
  }
  // After the restart, the rest goes in at the next index.
  {
    LedgerOptions options = w.Options(path);
    options.store.env = env.get();
    auto reopened = Ledger::Open(options, test::KeyFromByte(w.log.name, 2));
    REQUIRE(reopened.ok());
    const std::uint64_t size = (*reopened)->Snapshot()->size();
    CHECK(size == size_before + acked.size());
    Status late;
    CHECK(SubmitAll(**reopened, Certificates(w, "A", 0, 1000), acked, &late) == 0);
    INFO(late.ToString());
    CHECK(acked.size() == 1000);
    CHECK((*reopened)->Snapshot()->size() == size_before + 1000);
  }
  CheckAckedAndAudit(w, path, acked);
}
