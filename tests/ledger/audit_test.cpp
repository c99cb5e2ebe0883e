// The audit: a clean sample ledger passes; one byte changed at rest in each
// kind of stored value is found and named; rows that should not exist,
// missing rows, and records that break the rules are named; the audit runs
// beside a writer.
#include "certledger/audit.h"

#include <atomic>
#include <catch2/catch.hpp>
#include <filesystem>
#include <fstream>
#include <span>
#include <thread>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/ledger_store.h"
#include "certledger/merkle.h"
#include "ledger/audit_test_util.h"
#include "ledger/store_test_util.h"

using namespace certledger;
using certledger::test::kSampleSize;
using certledger::test::RawDb;
using certledger::test::TempDir;
using certledger::test::World;

namespace {

using Golden = test::GoldenSample;

Golden& GoldenLedger() { return test::GoldenSampleLedger(); }

// A copy of the sample ledger's directory, removed with the object.
struct Copy {
  TempDir dir{"audit_copy"};
  std::string path = dir.path() + "/db";
  Copy() {
    std::filesystem::copy(GoldenLedger().path, path, std::filesystem::copy_options::recursive);
  }
};

AuditReport Audit(const std::string& path, const AuditOptions& options = {}) {
  const World& w = GoldenLedger().w;
  Result<AuditReport> report = AuditLocal(path, w.Rules(), w.log.Public(), options);
  REQUIRE(report.ok());
  return std::move(report).value();
}

std::string Describe(const AuditReport& r) {
  std::string out = std::to_string(r.finding_count) + " findings:";
  for (const AuditFinding& f : r.findings)
    out += "\n  " + f.code + " | " + f.subject + " | " + f.message;
  return out;
}

// The report's one finding (a copy: reports are often temporaries).
AuditFinding Only(const AuditReport& r) {
  INFO(Describe(r));
  REQUIRE(r.finding_count == 1);
  REQUIRE(r.findings.size() == 1);
  return r.findings[0];
}

const AuditFinding* FindCode(const AuditReport& r, const std::string& code,
                             const std::string& subject) {
  for (const AuditFinding& f : r.findings) {
    if (f.code == code && f.subject == subject) return &f;
  }
  return nullptr;
}

bool Contains(const std::string& text, const std::string& part) {
  return text.find(part) != std::string::npos;
}

std::string StoredLeaf(RawDb& db, std::uint64_t index) { return db.Get(test::EntryRow(index)); }

Hash256 RecordHashOf(const std::string& leaf) {
  Result<certledger::Leaf> decoded = DecodeLeaf(AsBytes(leaf));
  REQUIRE(decoded.ok());
  return Sha256::Hash(decoded->record);
}

std::uint64_t LoggedAtMs(const std::string& leaf) {
  Result<certledger::Leaf> decoded = DecodeLeaf(AsBytes(leaf));
  REQUIRE(decoded.ok());
  return decoded->logged_at_ms;
}

// MTH of the first `size` entries, from the raw rows with nothing but
// SHA-256 (RFC 9162 section 2.1.1, store_test_util.h).
Hash256 NaiveRoot(RawDb& db, std::uint64_t size) {
  std::vector<Hash256> leaves;
  for (std::uint64_t i = 0; i < size; ++i) leaves.push_back(test::LeafHashOf(StoredLeaf(db, i)));
  return testing::NaiveMth(leaves);
}

}  // namespace

TEST_CASE("audit: the sample ledger is clean", "[audit]") {
  Copy copy;
  std::vector<AuditProgress> progress;
  AuditOptions options;
  options.progress = [&](const AuditProgress& p) { progress.push_back(p); };
  AuditReport r = Audit(copy.path, options);
  INFO(Describe(r));
  CHECK(r.ok());
  CHECK(r.finding_count == 0);
  CHECK(r.tree_size == kSampleSize);
  CHECK(r.entries_checked == kSampleSize);
  CHECK(r.accreditations == 3);
  CHECK(r.certificates == 595);
  CHECK(r.revocations == 2);
  // Level 0: tiles 0 and 1 and the partial tile 2 (88 wide); level 1: the
  // partial tile 0 (2 wide).
  CHECK(r.tiles_checked == 4);
  // 600 leaf-hash, 600 record-hash, 595 certificate, 2 revocation and 3
  // accreditation rows.
  CHECK(r.index_rows_checked == 1800);
  RawDb db(copy.path);
  REQUIRE(r.root.has_value());
  CHECK(*r.root == NaiveRoot(db, kSampleSize));
  REQUIRE_FALSE(progress.empty());
  CHECK(progress.back().entries_checked == kSampleSize);
  CHECK(progress.back().entries_total == kSampleSize);
}

TEST_CASE("audit: a new, empty ledger is clean", "[audit]") {
  World w;
  TempDir dir("audit_empty_ledger");
  w.Open(dir.path()).reset();  // signs the empty tree's checkpoint
  Result<AuditReport> r = AuditLocal(dir.path(), w.Rules(), w.log.Public());
  REQUIRE(r.ok());
  INFO(Describe(*r));
  CHECK(r->ok());
  CHECK(r->tree_size == 0);
  REQUIRE(r->root.has_value());
  CHECK(*r->root == Sha256::Hash(ByteView()));  // RFC 9162 2.1.1: MTH({}) = SHA-256()
}

TEST_CASE("audit: one byte changed in an entry", "[audit]") {
  Copy copy;
  SECTION("in the record's signature: the record no longer verifies") {
    {
      RawDb db(copy.path);
      db.Flip(test::EntryRow(300), StoredLeaf(db, 300).size() - 1);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "entry_corrupt");
    CHECK(f.subject == "entry 300");
    CHECK(f.index == std::optional<std::uint64_t>(300));
    CHECK(Contains(f.message, "entry 300 changed at rest"));
    CHECK(Contains(f.message, "bad_signature"));
  }
  SECTION("in logged_at: the record still passes the rules") {
    // The leaf is 0x83 0x01 0x1b <8-byte logged_at_ms> ...: byte 10 is
    // logged_at's lowest byte.
    {
      RawDb db(copy.path);
      db.Flip(test::EntryRow(0), 10);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "entry_corrupt");
    CHECK(f.subject == "entry 0");
    CHECK_FALSE(Contains(f.message, "no longer"));
  }
  SECTION("in the leaf's framing: it no longer decodes") {
    {
      RawDb db(copy.path);
      db.Flip(test::EntryRow(599), 0);  // 0x83 -> 0x82: a 2-element array
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "entry_corrupt");
    CHECK(f.subject == "entry 599");
    CHECK(Contains(f.message, "no longer decodes"));
  }
}

TEST_CASE("audit: one byte changed in a hash tile", "[audit]") {
  Copy copy;
  SECTION("a full level-0 tile") {
    {
      RawDb db(copy.path);
      db.Flip(test::TileRow(0, 1), 5 * 32 + 3);  // hash 5: entry 256 + 5
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "tile_mismatch");
    CHECK(f.subject == "tile level 0 index 1");
    CHECK(Contains(f.message, "position 5 (entry 261)"));
  }
  SECTION("the partial level-0 tile") {
    {
      RawDb db(copy.path);
      CHECK(db.Get(test::PartialRow(0, 2)).size() == 88 * 32);
      db.Flip(test::PartialRow(0, 2), 10 * 32);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "tile_mismatch");
    CHECK(f.subject == "partial tile level 0 index 2");
    CHECK(Contains(f.message, "entry 522"));
  }
  SECTION("the partial level-1 tile") {
    {
      RawDb db(copy.path);
      CHECK(db.Get(test::PartialRow(1, 0)).size() == 2 * 32);
      db.Flip(test::PartialRow(1, 0), 32 + 7);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "tile_mismatch");
    CHECK(f.subject == "partial tile level 1 index 0");
    CHECK(Contains(f.message, "at position 1 "));
  }
}

TEST_CASE("audit: one byte changed in an index row", "[audit]") {
  Copy copy;
  const std::string number = GoldenLedger().sample.numbers.at(300);
  SECTION("leaf hash: points at the next entry") {
    std::string key;
    {
      RawDb db(copy.path);
      key = test::HashRow('h', test::LeafHashOf(StoredLeaf(db, 42)));
      db.Flip(key, 7);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "index_mismatch");
    CHECK(f.subject == "leaf hash " + HexEncode(AsBytes(key.substr(1))));
    CHECK(f.index == std::optional<std::uint64_t>(42));
    CHECK(Contains(f.message, "points at entry 43, but it is entry 42's"));
  }
  SECTION("leaf hash: points beyond the tree") {
    {
      RawDb db(copy.path);
      db.Flip(test::HashRow('h', test::LeafHashOf(StoredLeaf(db, 42))), 0);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "index_mismatch");
    CHECK(Contains(f.message, "points at entry 72057594037927978, but it is entry 42's"));
  }
  SECTION("record hash") {
    std::string key;
    {
      RawDb db(copy.path);
      key = test::HashRow('r', RecordHashOf(StoredLeaf(db, 42)));
      db.Flip(key, 7);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "index_mismatch");
    CHECK(f.subject == "record hash " + HexEncode(AsBytes(key.substr(1))));
    CHECK(Contains(f.message, "points at entry 43, but it is entry 42's"));
  }
  SECTION("certificate number") {
    {
      RawDb db(copy.path);
      db.Flip("n" + number, 7);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "index_mismatch");
    CHECK(f.subject == "certificate number \"" + number + "\"");
    CHECK(Contains(f.message, "points at entry 301, but certificate \"" + number +
                                  "\" is issued by entry 300"));
  }
  SECTION("revocation") {
    const std::string revoked = GoldenLedger().sample.numbers.at(2);
    {
      RawDb db(copy.path);
      db.Flip("v" + revoked, 7);  // 598 -> 599
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "index_mismatch");
    CHECK(f.subject == "revocation of certificate number \"" + revoked + "\"");
    CHECK(Contains(f.message, "points at entry 599, but certificate \"" + revoked +
                                  "\" is revoked by entry 598"));
  }
  SECTION("accreditation") {
    std::string key;
    {
      RawDb db(copy.path);
      key = test::AccreditationRow("alpha-works", LoggedAtMs(StoredLeaf(db, 302)) / 1000, 302);
      db.Flip(key, 7);  // 302 -> 303
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "index_mismatch");
    CHECK(Contains(f.subject, "accreditation of body \"alpha-works\""));
    CHECK(Contains(f.message, "points at entry 303, but that accreditation is entry 302"));
  }
}

TEST_CASE("audit: one byte changed in the tree state or the checkpoint", "[audit]") {
  Copy copy;
  SECTION("state: the root") {
    {
      RawDb db(copy.path);
      db.Flip("S", 8 + 5);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "state_mismatch");
    CHECK(f.subject == "state");
    CHECK(Contains(f.message, "is not the root recomputed from the entries"));
  }
  SECTION("state: the size") {
    {
      RawDb db(copy.path);
      db.Flip("S", 7);  // 600 -> 601
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "state_mismatch");
    CHECK(Contains(f.message, "the tree state says size 601, but the log has 600 entries"));
  }
  SECTION("checkpoint: the signature no longer verifies") {
    {
      RawDb db(copy.path);
      const std::string cp = db.Get("C");
      const std::size_t size_line = cp.find('\n') + 1;
      REQUIRE(cp.substr(size_line, 4) == "600\n");
      db.Flip("C", size_line);  // "600" -> "700"
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "checkpoint_bad_signature");
    CHECK(f.subject == "checkpoint");
  }
  SECTION("checkpoint: signed by the log key, but for another tree") {
    {
      RawDb db(copy.path);
      const World& w = GoldenLedger().w;
      Result<std::string> older = SignCheckpoint(
          Checkpoint{w.log.name, kSampleSize - 1, NaiveRoot(db, kSampleSize - 1), {}}, w.log);
      REQUIRE(older.ok());
      db.Put("C", *older);
    }
    const AuditFinding f = Only(Audit(copy.path));
    CHECK(f.code == "checkpoint_mismatch");
    CHECK(Contains(f.message, "is for size 599, but the log has 600 entries"));
  }
}

TEST_CASE("audit: rows that should not exist and rows that are missing", "[audit]") {
  Copy copy;
  const std::string number = GoldenLedger().sample.numbers.at(100);
  Hash256 stray{};
  stray[0] = 0xab;
  {
    RawDb db(copy.path);
    db.Put("x-junk", "1");
    db.Put(test::EntryRow(kSampleSize), StoredLeaf(db, 5));
    db.Put("nNO-SUCH-NUMBER", test::U64(5));
    db.Put(test::HashRow('h', stray), test::U64(7));
    db.Put(test::TileRow(0, 5), std::string(8192, '\0'));
    db.Delete("n" + number);
  }
  AuditReport r = Audit(copy.path);
  INFO(Describe(r));
  CHECK(r.finding_count == 6);
  CHECK(r.tree_size == kSampleSize);
  CHECK(FindCode(r, "unexpected_key", "key 782d6a756e6b") != nullptr);
  CHECK(FindCode(r, "unexpected_key", "entry 600") != nullptr);
  CHECK(FindCode(r, "unexpected_key", "tile level 0 index 5") != nullptr);
  const AuditFinding* orphan = FindCode(r, "index_orphan", "certificate number \"NO-SUCH-NUMBER\"");
  REQUIRE(orphan != nullptr);
  CHECK(Contains(orphan->message, "points at entry 5"));
  const AuditFinding* stray_row =
      FindCode(r, "index_orphan", "leaf hash " + HexEncode(AsBytes(stray)));
  REQUIRE(stray_row != nullptr);
  CHECK(Contains(stray_row->message, "points at entry 7"));
  const AuditFinding* missing =
      FindCode(r, "index_missing", "certificate number \"" + number + "\"");
  REQUIRE(missing != nullptr);
  CHECK(missing->index == std::optional<std::uint64_t>(100));
}

TEST_CASE("audit: a missing entry is named, its rows are not blamed", "[audit]") {
  Copy copy;
  Hash256 root{};
  {
    RawDb db(copy.path);
    root = NaiveRoot(db, kSampleSize);
    db.Delete(test::EntryRow(100));
  }
  AuditReport r = Audit(copy.path);
  const AuditFinding f = Only(r);
  CHECK(f.code == "entry_missing");
  CHECK(f.subject == "entry 100");
  // Its hash comes from its tile, so the root still checks.
  REQUIRE(r.root.has_value());
  CHECK(*r.root == root);
}

TEST_CASE("audit: records that break the rules, written past the validator", "[audit]") {
  Copy copy;
  World& w = GoldenLedger().w;
  const std::uint64_t t_ms = w.now_ms + 60 * 1000;
  const NamedSecretKey gamma = test::KeyFromByte("gamma-institute", 9);
  {
    Result<LedgerStore> store = LedgerStore::Open(copy.path);
    REQUIRE(store.ok());
    const auto entry = [](std::uint64_t ms, const Bytes& record) {
      Result<Bytes> leaf = EncodeLeaf(ms, record);
      REQUIRE(leaf.ok());
      return NewEntry{.leaf = *leaf, .record_hash = Sha256::Hash(record)};
    };
    CommitBatch batch;
    // 600: alpha certifies a level it is not accredited for.
    batch.entries.push_back(entry(t_ms, w.Certify("OUT-OF-SCOPE-1", w.alpha2,
                                                  test::kT0 + 5 * test::kDay, "", Level::kSkill5)));
    batch.entries.back().certificate_number = "OUT-OF-SCOPE-1";
    // 601: beta revokes alpha's certificate of entry 4.
    const std::string alphas = GoldenLedger().sample.numbers.at(4);
    batch.entries.push_back(entry(t_ms, w.Revoke(alphas, w.beta, RevocationReason::kError)));
    batch.entries.back().revoked_certificate_number = alphas;
    // 602: alpha accredits a body.
    batch.entries.push_back(
        entry(t_ms, w.Sign(World::BodyAccreditation("gamma-institute", gamma.key.public_key()),
                           w.alpha, test::kT0 + test::kDay)));
    batch.entries.back().accreditation = AccreditationKey{"gamma-institute", t_ms / 1000};
    // 603: a body nobody accredited certifies.
    batch.entries.push_back(entry(t_ms, w.Certify("UNACCREDITED-1", gamma)));
    batch.entries.back().certificate_number = "UNACCREDITED-1";
    // 604: a valid certificate, but logged before entry 603.
    batch.entries.push_back(entry(t_ms - 5000, w.Certify("EARLY-1", w.beta)));
    batch.entries.back().certificate_number = "EARLY-1";
    Result<CommittedTree> done = store->Commit(batch, [&](std::uint64_t size, const Hash256& root) {
      return SignCheckpoint(Checkpoint{w.log.name, size, root, {}}, w.log);
    });
    REQUIRE(done.ok());
    REQUIRE(done->first_index == kSampleSize);
  }
  AuditReport r = Audit(copy.path);
  INFO(Describe(r));
  CHECK(r.finding_count == 5);
  CHECK(r.tree_size == kSampleSize + 5);
  const std::pair<const char*, const char*> refused[] = {
      {"entry 600", "out_of_scope"},
      {"entry 601", "not_authorized"},
      {"entry 602", "not_regulator"},
      {"entry 603", "not_accredited"},
  };
  for (const auto& [subject, reason] : refused) {
    INFO(subject);
    const AuditFinding* f = FindCode(r, "record_invalid", subject);
    REQUIRE(f != nullptr);
    CHECK(f->reason == reason);
  }
  const AuditFinding* early = FindCode(r, "time_regression", "entry 604");
  REQUIRE(early != nullptr);
  CHECK(Contains(early->message, "before entry 603"));
  CHECK(r.certificates == 595 + 1);  // EARLY-1 is valid
}

TEST_CASE("audit: under other keys", "[audit]") {
  Copy copy;
  World& w = GoldenLedger().w;
  SECTION("another log key: the checkpoint does not verify") {
    const NamedPublicKey other = test::KeyFromByte(w.log.name, 42).Public();
    Result<AuditReport> r = AuditLocal(copy.path, w.Rules(), other);
    REQUIRE(r.ok());
    const AuditFinding f = Only(*r);
    CHECK(f.code == "checkpoint_bad_signature");
  }
  SECTION("another regulator: every record is refused; the list is capped") {
    LogRules rules = w.Rules();
    rules.regulator = test::KeyFromByte(w.regulator.name, 43).Public();
    AuditOptions options;
    options.max_findings = 5;
    Result<AuditReport> r = AuditLocal(copy.path, rules, w.log.Public(), options);
    REQUIRE(r.ok());
    CHECK(r->finding_count == kSampleSize);
    REQUIRE(r->findings.size() == 5);
    CHECK(r->findings[0].code == "record_invalid");
    CHECK(r->findings[0].subject == "entry 0");
    CHECK(r->findings[0].reason == "not_regulator");
    CHECK(r->findings[2].reason == "not_accredited");
  }
}

TEST_CASE("audit: runs while the ledger's writer holds the store and appends", "[audit]") {
  Copy copy;
  World& golden = GoldenLedger().w;
  World w;
  w.now_ms = golden.now_ms + 60 * 1000;
  auto ledger = w.Open(copy.path);
  std::atomic<bool> failed{false};
  std::thread writer([&] {
    for (int i = 0; i < 100; ++i) {
      if (!ledger->Submit(w.Certify("LIVE-" + std::to_string(i), w.beta)).ok()) failed = true;
    }
  });
  AuditReport during = Audit(copy.path);
  writer.join();
  CHECK_FALSE(failed);
  INFO(Describe(during));
  CHECK(during.ok());
  CHECK(during.tree_size >= kSampleSize);
  AuditReport after = Audit(copy.path);
  INFO(Describe(after));
  CHECK(after.ok());
  CHECK(after.tree_size == kSampleSize + 100);
}

TEST_CASE("audit: damaged table files give read errors, not a crash", "[audit]") {
  Copy copy;
  {
    RawDb db(copy.path);
    rocksdb::CompactRangeOptions options;
    REQUIRE(db.db().CompactRange(options, nullptr, nullptr).ok());
  }
  std::filesystem::path largest;
  for (const auto& f : std::filesystem::directory_iterator(copy.path)) {
    if (f.path().extension() == ".sst" &&
        (largest.empty() || f.file_size() > std::filesystem::file_size(largest))) {
      largest = f.path();
    }
  }
  REQUIRE_FALSE(largest.empty());
  {
    std::fstream file(largest, std::ios::in | std::ios::out | std::ios::binary);
    const auto size = static_cast<std::streamoff>(std::filesystem::file_size(largest));
    for (std::streamoff at = size / 8; at < size / 2; at += size / 16) {
      file.seekg(at);
      char c = 0;
      file.get(c);
      file.seekp(at);
      file.put(static_cast<char>(c ^ 0x55));
    }
  }
  Result<AuditReport> r =
      AuditLocal(copy.path, GoldenLedger().w.Rules(), GoldenLedger().w.log.Public());
  REQUIRE(r.ok());
  INFO(Describe(*r));
  CHECK_FALSE(r->ok());
  bool read_error = false;
  for (const AuditFinding& f : r->findings) read_error = read_error || f.code == "read_error";
  CHECK(read_error);
}

TEST_CASE("audit: a directory without a ledger is an error", "[audit]") {
  const World& w = GoldenLedger().w;
  TempDir empty("audit_empty");
  CHECK(AuditLocal(empty.path() + "/nothing", w.Rules(), w.log.Public()).status().code() ==
        StatusCode::kNotFound);
  CHECK_FALSE(AuditLocal(empty.path(), w.Rules(), w.log.Public()).ok());
  AuditOptions options;
  options.threads = 0;
  CHECK(AuditLocal(empty.path(), w.Rules(), w.log.Public(), options).status().code() ==
        StatusCode::kInvalidArgument);
}
