// LedgerStore: commits, indexes, refusals, recovery, snapshots, secondaries.
// Tiles, entry bundles and proofs: ledger_store_tiles_test.cpp.
#include "certledger/ledger_store.h"

#include <rocksdb/db.h>

#include <atomic>
#include <catch2/catch.hpp>
#include <map>
#include <memory>
#include <thread>

#include "certledger/merkle.h"
#include "ledger/store_test_util.h"

using namespace certledger;
using namespace certledger::testing;

namespace {

LedgerStore OpenStore(const std::string& path) {
  Result<LedgerStore> store = LedgerStore::Open(path);
  REQUIRE(store.ok());
  return std::move(store).value();
}

LedgerSnapshot Snap(const LedgerStore& store) {
  Result<LedgerSnapshot> snap = store.Snapshot();
  REQUIRE(snap.ok());
  return std::move(snap).value();
}

CommitBatch Leaves(std::uint64_t from, std::uint64_t count) {
  CommitBatch batch;
  for (std::uint64_t i = from; i < from + count; ++i)
    batch.entries.push_back({.leaf = MakeLeaf(i)});
  return batch;
}

std::vector<Hash256> LeafHashes(std::uint64_t count) {
  std::vector<Hash256> out;
  for (std::uint64_t i = 0; i < count; ++i) out.push_back(NaiveLeafHash(MakeLeaf(i)));
  return out;
}

void CommitLeaves(LedgerStore& store, std::uint64_t from, std::uint64_t count) {
  Result<CommittedTree> done = store.Commit(Leaves(from, count), FakeSigner());
  REQUIRE(done.ok());
  REQUIRE(done->first_index == from);
  REQUIRE(done->size == from + count);
}

Hash256 RecordHash(const std::string& s) { return Sha256::Hash(AsBytes(s)); }

// Every key and value of the database, read with RocksDB directly.
std::map<std::string, std::string> RawContents(const std::string& path) {
  rocksdb::DB* raw = nullptr;
  REQUIRE(rocksdb::DB::OpenForReadOnly(rocksdb::Options(), path, &raw).ok());
  std::unique_ptr<rocksdb::DB> db(raw);
  std::map<std::string, std::string> out;
  std::unique_ptr<rocksdb::Iterator> it(db->NewIterator(rocksdb::ReadOptions()));
  for (it->SeekToFirst(); it->Valid(); it->Next())
    out[it->key().ToString()] = it->value().ToString();
  REQUIRE(it->status().ok());
  return out;
}

std::string U64(std::uint64_t v) {
  std::string out;
  for (int s = 56; s >= 0; s -= 8) out.push_back(static_cast<char>(v >> s));
  return out;
}

}  // namespace

TEST_CASE("store: a new store is the empty tree", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  CHECK_FALSE(store.read_only());
  LedgerSnapshot snap = Snap(store);
  CHECK(snap.size() == 0);
  // RFC 9162 2.1.1: MTH({}) = SHA-256(), the FIPS 180-4 empty-string digest.
  CHECK(HexEncode(AsBytes(snap.root())) ==
        "e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855");
  CHECK(snap.checkpoint().empty());
  CHECK(snap.Entry(0).status().Is(StatusCode::kNotFound));
  CHECK(snap.Tile(0, 0, 1).status().Is(StatusCode::kNotFound));

  // An empty batch signs the empty tree.
  Result<CommittedTree> done = store.Commit(CommitBatch{}, FakeSigner());
  REQUIRE(done.ok());
  CHECK(done->size == 0);
  CHECK(Snap(store).checkpoint() ==
        std::string(kOrigin) +
            "\n0\n47DEQpj8HBSa+/TImW+5JCeuQeRkm5NMpJWZG3hSuFU=\n\n\xE2\x80\x94 " + kOrigin +
            " AAAAAA==\n");
}

TEST_CASE("store: commit and read back entries and indexes", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  CommitBatch batch;
  batch.entries.push_back({.leaf = MakeLeaf(0),
                           .record_hash = RecordHash("accr-1"),
                           .accreditation = AccreditationKey{"body-A", 100}});
  batch.entries.push_back({.leaf = MakeLeaf(1),
                           .record_hash = RecordHash("cert-1"),
                           .certificate_number = "Y000131000123251000124"});
  batch.entries.push_back({.leaf = MakeLeaf(2),
                           .record_hash = RecordHash("accr-2"),
                           .accreditation = AccreditationKey{"body-A", 200}});
  batch.entries.push_back({.leaf = MakeLeaf(3),
                           .record_hash = RecordHash("revo-1"),
                           .revoked_certificate_number = "Y000131000123251000124"});
  batch.entries.push_back({.leaf = MakeLeaf(4), .accreditation = AccreditationKey{"body-B", 150}});
  Result<CommittedTree> done = store.Commit(batch, FakeSigner());
  REQUIRE(done.ok());
  CHECK(done->first_index == 0);
  CHECK(done->size == 5);
  const std::vector<Hash256> hashes = LeafHashes(5);
  CHECK(done->root == NaiveMth(hashes));

  LedgerSnapshot snap = Snap(store);
  CHECK(snap.size() == 5);
  CHECK(snap.root() == NaiveMth(hashes));
  CHECK(snap.checkpoint() == *FakeSigner()(5, NaiveMth(hashes)));
  for (std::uint64_t i = 0; i < 5; ++i) {
    Result<Bytes> leaf = snap.Entry(i);
    REQUIRE(leaf.ok());
    CHECK(*leaf == MakeLeaf(i));
    Result<std::uint64_t> by_hash = snap.FindLeafHash(hashes[i]);
    REQUIRE(by_hash.ok());
    CHECK(*by_hash == i);
  }
  Result<Bytes> beyond = snap.Entry(5);
  CHECK(beyond.status().Is(StatusCode::kNotFound));
  CHECK(beyond.status().message() == "entry 5 is not in the tree of size 5");

  CHECK(*snap.FindRecordHash(RecordHash("cert-1")) == 1);
  CHECK(snap.FindRecordHash(RecordHash("nope")).status().Is(StatusCode::kNotFound));
  CHECK(*snap.FindCertificate("Y000131000123251000124") == 1);
  CHECK(*snap.FindRevocation("Y000131000123251000124") == 3);
  CHECK(snap.FindCertificate("Y000131000123251000125").status().Is(StatusCode::kNotFound));
  CHECK(snap.FindCertificate("").status().Is(StatusCode::kInvalidArgument));

  Result<CertificateStatus> status = snap.StatusOf("Y000131000123251000124");
  REQUIRE(status.ok());
  CHECK(status->certificate_index == std::optional<std::uint64_t>(1));
  CHECK(status->revocation_index == std::optional<std::uint64_t>(3));
  status = snap.StatusOf("S000000000000000000000");
  REQUIRE(status.ok());
  CHECK_FALSE(status->certificate_index);
  CHECK_FALSE(status->revocation_index);

  Result<std::vector<AccreditationRow>> history = snap.AccreditationHistory("body-A");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].time == 100);
  CHECK((*history)[0].index == 0);
  CHECK((*history)[1].time == 200);
  CHECK((*history)[1].index == 2);
  CHECK(snap.AccreditationHistory("body-C")->empty());
  // "body-A" must not match a longer id that starts with it.
  CHECK(snap.AccreditationHistory("body-")->empty());
  CHECK(snap.AccreditationAt("body-A", 99).status().Is(StatusCode::kNotFound));
  CHECK(snap.AccreditationAt("body-A", 100)->index == 0);
  CHECK(snap.AccreditationAt("body-A", 199)->index == 0);
  CHECK(snap.AccreditationAt("body-A", 5000)->index == 2);
  Result<std::vector<AccreditationRow>> all = snap.AllAccreditations();
  REQUIRE(all.ok());
  REQUIRE(all->size() == 3);
  CHECK((*all)[2].body_id == "body-B");
  CHECK((*all)[2].index == 4);

  // Accreditations are not unique by time: equal times keep log order.
  CommitBatch more;
  more.entries.push_back({.leaf = MakeLeaf(5), .accreditation = AccreditationKey{"body-A", 200}});
  more.entries.push_back({.leaf = MakeLeaf(6), .accreditation = AccreditationKey{"body-A", 150}});
  REQUIRE(store.Commit(more, FakeSigner()).ok());
  const LedgerSnapshot later = Snap(store);
  history = later.AccreditationHistory("body-A");
  REQUIRE(history.ok());
  std::vector<std::pair<std::uint64_t, std::uint64_t>> time_index;
  for (const AccreditationRow& row : *history) time_index.emplace_back(row.time, row.index);
  CHECK(time_index == std::vector<std::pair<std::uint64_t, std::uint64_t>>{
                          {100, 0}, {150, 6}, {200, 2}, {200, 5}});
  CHECK(later.AccreditationAt("body-A", 5000)->index == 5);
  CHECK(later.AccreditationAt("body-A", 199)->index == 6);
  CHECK(snap.AccreditationHistory("body-A")->size() == 2);  // the older snapshot
}

TEST_CASE("store: key schema golden rows", "[store]") {
  // The rows of one commit, as the grammar in ledger/store_keys.cpp (and
  // docs/STORAGE.md) writes them.
  TempDir dir;
  const Bytes leaf = MakeLeaf(0);
  const Hash256 leaf_hash = NaiveLeafHash(leaf);
  const Hash256 record = RecordHash("record");
  {
    LedgerStore store = OpenStore(dir.Sub("db"));
    CommitBatch batch;
    batch.entries.push_back({.leaf = leaf,
                             .record_hash = record,
                             .certificate_number = "N1",
                             .accreditation = AccreditationKey{"B", 7}});
    REQUIRE(store.Commit(batch, FakeSigner()).ok());
  }
  const std::string h(reinterpret_cast<const char*>(leaf_hash.data()), 32);
  const std::string r(reinterpret_cast<const char*>(record.data()), 32);
  std::map<std::string, std::string> want = {
      {"C", *FakeSigner()(1, leaf_hash)},
      {"F", "certledger-store-1"},
      {"S", U64(1) + h},
      {std::string("a\x00\x01", 3) + "B" + U64(7) + U64(0), U64(0)},  // body "B", time, index
      {"e" + U64(0), std::string(leaf.begin(), leaf.end())},
      {"h" + h, U64(0)},
      {"nN1", U64(0)},
      {std::string("p\x00", 2) + U64(0), h},
      {"r" + r, U64(0)},
  };
  CHECK(RawContents(dir.Sub("db")) == want);
}

TEST_CASE("store: tile rows are the full tiles and the partial tiles of the size", "[store]") {
  TempDir dir;
  {
    LedgerStore store = OpenStore(dir.Sub("db"));
    CommitLeaves(store, 0, 250);    // partial (0, 0) of width 250
    CommitLeaves(store, 250, 300);  // tiles (0, 0) and (0, 1) complete
    CommitLeaves(store, 550, 2);
  }
  const std::vector<Hash256> hashes = LeafHashes(552);
  const std::span<const Hash256> all(hashes);
  const std::vector<Hash256> level1 = {NaiveMth(all.first(256)), NaiveMth(all.subspan(256, 256))};
  const auto str = [](const Bytes& b) { return std::string(b.begin(), b.end()); };
  std::map<std::string, std::string> tiles;
  for (const auto& [key, value] : RawContents(dir.Sub("db"))) {
    if (key[0] == 't' || key[0] == 'p') tiles[key] = value;
  }
  const std::map<std::string, std::string> want = {
      {std::string("p\x00", 2) + U64(2), str(Concat(all.subspan(512, 40)))},
      {std::string("p\x01", 2) + U64(0), str(Concat(level1))},
      {std::string("t\x00", 2) + U64(0), str(Concat(all.first(256)))},
      {std::string("t\x00", 2) + U64(1), str(Concat(all.subspan(256, 256)))},
  };
  CHECK(tiles == want);
}

TEST_CASE("store: an index that exists is refused and nothing is written", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  CommitBatch first;
  first.entries.push_back(
      {.leaf = MakeLeaf(0), .record_hash = RecordHash("r0"), .certificate_number = "CERT-1"});
  first.entries.push_back({.leaf = MakeLeaf(1),
                           .record_hash = RecordHash("r1"),
                           .revoked_certificate_number = "CERT-0"});
  first.entries.push_back({.leaf = MakeLeaf(2),
                           .record_hash = RecordHash("r2"),
                           .accreditation = AccreditationKey{"B", 10}});
  REQUIRE(store.Commit(first, FakeSigner()).ok());
  const LedgerSnapshot before = Snap(store);

  const auto refused = [&](NewEntry bad, const std::string& message) {
    CommitBatch batch;
    batch.entries.push_back(
        {.leaf = MakeLeaf(100), .record_hash = RecordHash("fresh")});  // valid on its own
    batch.entries.push_back(std::move(bad));
    Result<CommittedTree> done = store.Commit(batch, FakeSigner());
    REQUIRE_FALSE(done.ok());
    CHECK(done.status().code() == StatusCode::kAlreadyExists);
    CHECK(done.status().reason() == "index_exists");
    CHECK(done.status().message() == message);
    LedgerSnapshot after = Snap(store);
    CHECK(after.size() == 3);
    CHECK(after.root() == before.root());
    CHECK(after.checkpoint() == before.checkpoint());
    CHECK(after.FindLeafHash(NaiveLeafHash(MakeLeaf(100))).status().Is(StatusCode::kNotFound));
    CHECK(after.FindRecordHash(RecordHash("fresh")).status().Is(StatusCode::kNotFound));
  };
  refused({.leaf = MakeLeaf(3), .certificate_number = "CERT-1"},
          "certificate number \"CERT-1\" already exists");
  refused({.leaf = MakeLeaf(3), .revoked_certificate_number = "CERT-0"},
          "revocation of certificate number \"CERT-0\" already exists");
  refused({.leaf = MakeLeaf(3), .record_hash = RecordHash("r1")},
          "record hash " + HexEncode(AsBytes(RecordHash("r1"))) + " already exists");
  refused({.leaf = MakeLeaf(1)},
          "leaf hash " + HexEncode(AsBytes(NaiveLeafHash(MakeLeaf(1)))) + " already exists");
  // Twice within one batch.
  refused({.leaf = MakeLeaf(100)}, "leaf hash " + HexEncode(AsBytes(NaiveLeafHash(MakeLeaf(100)))) +
                                       " occurs twice in the batch");
  refused({.leaf = MakeLeaf(3), .record_hash = RecordHash("fresh")},
          "record hash " + HexEncode(AsBytes(RecordHash("fresh"))) + " occurs twice in the batch");

  // The store still appends after the refusals, at the next index.
  CommitBatch next;
  next.entries.push_back({.leaf = MakeLeaf(3), .certificate_number = "CERT-2"});
  Result<CommittedTree> done = store.Commit(next, FakeSigner());
  REQUIRE(done.ok());
  CHECK(done->first_index == 3);
  CHECK(done->root == NaiveMth(LeafHashes(4)));
  CHECK(*Snap(store).FindCertificate("CERT-2") == 3);
}

TEST_CASE("store: leaf size limits, bad keys, signer and checkpoint errors", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  const auto commit_one = [&](NewEntry entry, const CheckpointSigner& sign) {
    CommitBatch batch;
    batch.entries.push_back(std::move(entry));
    return store.Commit(batch, sign);
  };

  Result<CommittedTree> too_big = commit_one({.leaf = Bytes(65536, 0x41)}, FakeSigner());
  CHECK(too_big.status().code() == StatusCode::kResourceExhausted);
  CHECK(too_big.status().reason() == "leaf_too_large");
  CHECK(too_big.status().message() == "entry 0 of the batch has 65536 bytes, more than 65535");
  CHECK(commit_one({.leaf = Bytes()}, FakeSigner()).status().Is(StatusCode::kInvalidArgument));
  CHECK(commit_one({.leaf = MakeLeaf(0), .certificate_number = ""}, FakeSigner())
            .status()
            .Is(StatusCode::kInvalidArgument));
  CHECK(commit_one(
            {.leaf = MakeLeaf(0), .accreditation = AccreditationKey{std::string(1025, 'b'), 1}},
            FakeSigner())
            .status()
            .Is(StatusCode::kInvalidArgument));

  const CheckpointSigner failing = [](std::uint64_t, const Hash256&) -> Result<std::string> {
    return Status::PermissionDenied("log key unavailable");
  };
  Result<CommittedTree> unsigned_commit = commit_one({.leaf = MakeLeaf(0)}, failing);
  CHECK(unsigned_commit.status().code() == StatusCode::kPermissionDenied);
  CHECK(unsigned_commit.status().message() == "log key unavailable");

  // A checkpoint for another tree is refused.
  const CheckpointSigner stale = [](std::uint64_t size, const Hash256& root) {
    return FakeSigner()(size - 1, root);
  };
  Result<CommittedTree> mismatch = commit_one({.leaf = MakeLeaf(0)}, stale);
  CHECK(mismatch.status().code() == StatusCode::kInvalidArgument);
  CHECK(mismatch.status().reason() == "checkpoint_mismatch");
  CHECK(mismatch.status().message() ==
        "checkpoint is for tree size \"0\", the new tree has size 1");
  const CheckpointSigner wrong_root = [](std::uint64_t size, const Hash256&) {
    return FakeSigner()(size, EmptyRoot());
  };
  CHECK(commit_one({.leaf = MakeLeaf(0)}, wrong_root).status().reason() == "checkpoint_mismatch");

  CHECK(Snap(store).size() == 0);
  // The largest leaf is accepted, and served back in an entry bundle.
  Result<CommittedTree> largest = commit_one({.leaf = Bytes(65535, 0x42)}, FakeSigner());
  REQUIRE(largest.ok());
  Result<Bytes> bundle = Snap(store).EntryBundle(0, 1);
  REQUIRE(bundle.ok());
  REQUIRE(bundle->size() == 2 + 65535);
  CHECK((*bundle)[0] == 0xff);
  CHECK((*bundle)[1] == 0xff);
}

TEST_CASE("store: reopening restores the writer's state", "[store]") {
  TempDir dir;
  const std::uint64_t kFirst = 600;  // partial tiles at levels 0 and 1
  {
    LedgerStore store = OpenStore(dir.Sub("db"));
    CommitLeaves(store, 0, 300);
    CommitLeaves(store, 300, kFirst - 300);
  }
  LedgerStore store = OpenStore(dir.Sub("db"));
  LedgerSnapshot snap = Snap(store);
  CHECK(snap.size() == kFirst);
  CHECK(snap.root() == NaiveMth(LeafHashes(kFirst)));
  CHECK(snap.checkpoint() == *FakeSigner()(kFirst, NaiveMth(LeafHashes(kFirst))));
  // Appending after reopen continues the same tree, across a tile boundary.
  CommitLeaves(store, kFirst, 200);
  const std::vector<Hash256> hashes = LeafHashes(kFirst + 200);
  CHECK(Snap(store).root() == NaiveMth(hashes));
  Result<Bytes> tile = Snap(store).Tile(0, 2, 256);
  REQUIRE(tile.ok());
  CHECK(*tile == Concat(std::span(hashes).subspan(512, 256)));
}

TEST_CASE("store: reopening detects a tampered state", "[store]") {
  TempDir dir;
  {
    LedgerStore store = OpenStore(dir.Sub("db"));
    CommitLeaves(store, 0, 10);
  }
  {
    rocksdb::DB* raw = nullptr;
    REQUIRE(rocksdb::DB::Open(rocksdb::Options(), dir.Sub("db"), &raw).ok());
    std::unique_ptr<rocksdb::DB> db(raw);
    // The state claims a different root for the same size.
    REQUIRE(db->Put(rocksdb::WriteOptions(), "S", U64(10) + std::string(32, 'x')).ok());
  }
  Result<LedgerStore> reopened = LedgerStore::Open(dir.Sub("db"));
  CHECK(reopened.status().code() == StatusCode::kCorruption);
}

TEST_CASE("store: a second primary on the same directory is refused", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  Result<LedgerStore> second = LedgerStore::Open(dir.Sub("db"));
  CHECK(second.status().code() == StatusCode::kIOError);
}

TEST_CASE("store: a snapshot does not change while commits happen", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  CommitLeaves(store, 0, 250);
  const LedgerSnapshot old = Snap(store);
  const Bytes old_partial = *old.Tile(0, 0, 250);
  const Bytes old_bundle = *old.EntryBundle(0, 250);
  // This commit completes tile 0 (its partial tile is deleted) and more.
  CommitLeaves(store, 250, 300);

  const std::vector<Hash256> hashes = LeafHashes(550);
  CHECK(old.size() == 250);
  CHECK(old.root() == NaiveMth(std::span(hashes).first(250)));
  CHECK(old.checkpoint() == *FakeSigner()(250, old.root()));
  CHECK(*old.Tile(0, 0, 250) == old_partial);
  CHECK(old.Tile(0, 0, 256).status().Is(StatusCode::kNotFound));
  CHECK(*old.EntryBundle(0, 250) == old_bundle);
  CHECK(old.EntryBundle(0, 251).status().Is(StatusCode::kNotFound));
  CHECK(old.Entry(250).status().Is(StatusCode::kNotFound));
  CHECK(old.FindLeafHash(hashes[300]).status().Is(StatusCode::kNotFound));
  CHECK(*old.InclusionProof(3, 250) == NaivePath(3, std::span(hashes).first(250)));
  CHECK(old.InclusionProof(3, 251).status().Is(StatusCode::kInvalidArgument));

  const LedgerSnapshot now = Snap(store);
  CHECK(now.size() == 550);
  CHECK(*now.Tile(0, 0, 256) == Concat(std::span(hashes).first(256)));
  CHECK(*now.FindLeafHash(hashes[300]) == 300);
}

TEST_CASE("store: readers on other threads see whole commits only", "[store]") {
  TempDir dir;
  LedgerStore store = OpenStore(dir.Sub("db"));
  const std::vector<Hash256> hashes = LeafHashes(2000);
  std::map<std::uint64_t, Hash256> roots;  // every size a commit produces
  for (std::uint64_t size = 0; size <= 2000; size += 40) {
    roots[size] = NaiveMth(std::span(hashes).first(size));
  }
  std::atomic<bool> done{false};
  std::atomic<int> checked{0};
  std::atomic<int> bad{0};
  std::thread reader([&] {
    while (!done.load()) {
      Result<LedgerSnapshot> snap = store.Snapshot();
      if (!snap.ok()) {
        ++bad;
        continue;
      }
      auto it = roots.find(snap->size());
      if (it == roots.end() || it->second != snap->root() ||
          (snap->size() > 0 && !snap->Entry(snap->size() - 1).ok()) ||
          !snap->RootAt(snap->size()).ok() || *snap->RootAt(snap->size()) != it->second) {
        ++bad;
      }
      ++checked;
    }
  });
  for (std::uint64_t from = 0; from < 2000; from += 40) CommitLeaves(store, from, 40);
  done = true;
  reader.join();
  CHECK(bad.load() == 0);
  CHECK(checked.load() > 0);
}

TEST_CASE("store: a secondary instance sees commits after CatchUp", "[store]") {
  TempDir dir;
  LedgerStore primary = OpenStore(dir.Sub("db"));
  CommitLeaves(primary, 0, 250);

  Result<LedgerStore> opened = LedgerStore::OpenSecondary(dir.Sub("db"), dir.Sub("secondary"));
  REQUIRE(opened.ok());
  LedgerStore secondary = std::move(opened).value();
  CHECK(secondary.read_only());
  const LedgerSnapshot first = Snap(secondary);
  CHECK(first.size() == 250);

  CommitLeaves(primary, 250, 300);       // completes tile 0, deletes its partial
  CHECK(Snap(secondary).size() == 250);  // not yet caught up
  REQUIRE(secondary.CatchUp().ok());
  const LedgerSnapshot second = Snap(secondary);
  const std::vector<Hash256> hashes = LeafHashes(550);
  CHECK(second.size() == 550);
  CHECK(second.root() == NaiveMth(hashes));
  CHECK(second.checkpoint() == Snap(primary).checkpoint());
  CHECK(*second.Entry(549) == MakeLeaf(549));
  CHECK(*second.Tile(0, 1, 256) == Concat(std::span(hashes).subspan(256, 256)));
  CHECK(*second.Tile(0, 2, 38) == Concat(std::span(hashes).subspan(512, 38)));
  CHECK(*second.FindLeafHash(hashes[500]) == 500);
  // The snapshot taken before CatchUp still answers for its own tree.
  CHECK(first.size() == 250);
  CHECK(*first.Tile(0, 0, 250) == Concat(std::span(hashes).first(250)));
  CHECK(first.FindLeafHash(hashes[500]).status().Is(StatusCode::kNotFound));

  CHECK(secondary.Commit(Leaves(550, 1), FakeSigner()).status().Is(StatusCode::kPermissionDenied));
  CHECK(primary.CatchUp().Is(StatusCode::kPermissionDenied));
}

TEST_CASE("store: a secondary needs an existing store", "[store]") {
  TempDir dir;
  Result<LedgerStore> opened = LedgerStore::OpenSecondary(dir.Sub("none"), dir.Sub("secondary"));
  CHECK(opened.status().code() == StatusCode::kNotFound);
}
