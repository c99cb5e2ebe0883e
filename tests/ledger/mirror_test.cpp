// LogMirror (certledger/mirror.h) against in-memory sources: a fetch that
// serves C2SP tlog-tiles resources (https://c2sp.org/tlog-tiles) from a
// real ledger's snapshot, with hooks that tamper with what it serves.
#include <catch2/catch.hpp>

#include <filesystem>
#include <fstream>
#include <map>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/ledger_store.h"
#include "certledger/mirror.h"
#include "certledger/tile_path.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

// A ledger and a fetch serving it like the Read API does.
struct Source {
  World world;
  TempDir dir{"mirror_source"};
  std::unique_ptr<Ledger> ledger = world.Open(dir.path() + "/ledger");
  std::vector<std::string> fetched;  // paths, in order
  // Changes a served body (path, body) before it is returned.
  std::function<void(std::string_view, std::string*)> tamper;
  // When set, served instead of the ledger's checkpoint.
  std::optional<std::string> checkpoint;

  // Accreditation of alpha-works at entry 0, then certificates `prefix`-N.
  void Fill(std::size_t count, const std::string& prefix = "A-") {
    std::vector<Bytes> records;
    if (Size() == 0) {
      records.push_back(world.Accredit(World::BodyAccreditation("alpha-works",
                                                                world.alpha.key.public_key())));
    }
    const std::size_t first = Size();
    while (first + records.size() < count) {
      records.push_back(world.Certify(prefix + std::to_string(first + records.size()), world.alpha));
    }
    for (auto& r : ledger->SubmitMany(std::move(records))) REQUIRE(r.ok());
    REQUIRE(Size() == count);
  }
  std::uint64_t Size() const { return ledger->Snapshot()->size(); }
  std::string Checkpoint() const { return ledger->Snapshot()->checkpoint(); }

  MirrorFetch Fetch() {
    return [this](std::string_view path) -> Result<std::string> {
      fetched.emplace_back(path);
      Result<LedgerSnapshot> snap = ledger->Snapshot();
      REQUIRE(snap.ok());
      std::string body;
      if (path == "checkpoint") {
        body = checkpoint ? *checkpoint : snap->checkpoint();
      } else if (path.rfind("api/v1/proof/consistency?", 0) == 0) {
        // "old=M&size=N" in that order, as CheckSplitView asks.
        const std::string q(path.substr(path.find('?') + 1));
        const std::uint64_t old = std::stoull(q.substr(4, q.find('&') - 4));
        const std::uint64_t size = std::stoull(q.substr(q.find("size=") + 5));
        auto proof = snap->ConsistencyProof(old, size);
        if (!proof.ok()) return proof.status();
        body = "{\"old\":" + std::to_string(old) + ",\"size\":" + std::to_string(size) +
               ",\"hashes\":[";
        for (std::size_t i = 0; i < proof->size(); ++i) {
          body += (i ? ",\"" : "\"") + Base64Encode(AsBytes((*proof)[i])) + "\"";
        }
        body += "]}";
      } else {
        Result<TileAddress> tile = ParseTilePath(path);
        if (!tile.ok()) return Status::NotFound(std::string(path));
        Result<Bytes> bytes = snap->Read(*tile);
        if (!bytes.ok()) return bytes.status();
        body = ToString(*bytes);
      }
      if (tamper) tamper(path, &body);
      return body;
    };
  }
};

MirrorOptions Options(const World& w) {
  MirrorOptions o;
  o.rules = w.Rules();
  o.log_key = w.log.Public();
  return o;
}

MirrorReport Mirror(const std::string& state, Source& source) {
  source.fetched.clear();
  Result<MirrorReport> r = MirrorAndAudit(state, source.Fetch(), Options(source.world));
  INFO(r.status().ToString());
  REQUIRE(r.ok());
  return std::move(r).value();
}

bool HasFinding(const MirrorReport& r, std::string_view code) {
  for (const AuditFinding& f : r.audit.findings) {
    if (f.code == code) return true;
  }
  return false;
}

std::string Codes(const MirrorReport& r) {
  std::string out;
  for (const AuditFinding& f : r.audit.findings) out += f.code + ": " + f.message + "\n";
  return out;
}

TEST_CASE("mirror: a clean log is mirrored, then only its new entries are fetched", "[mirror]") {
  Source source;
  source.Fill(300);
  TempDir state("mirror_state");
  MirrorReport first = Mirror(state.path(), source);
  INFO(Codes(first));
  CHECK(first.log_consistent);
  CHECK(first.audit.finding_count == 0);
  CHECK(first.trusted_size_before == 0);
  CHECK(first.entries_fetched == 300);
  CHECK(first.audit.tree_size == 300);
  CHECK(first.audit.entries_checked == 300);
  CHECK(first.audit.accreditations == 1);
  CHECK(first.audit.certificates == 299);
  REQUIRE(first.audit.root);
  CHECK(*first.audit.root == source.ledger->Snapshot()->root());
  // C2SP tlog-tiles paths for a tree of 300 leaves: bundle and level-0 tile
  // 000 full, 001 partial of 300 - 256 = 44; level 1 holds one node
  // (leaves 0..255), so tile 1/000 is partial of width 1.
  const std::vector<std::string> expected_first = {
      "checkpoint",           "tile/entries/000", "tile/0/000", "tile/entries/001.p/44",
      "tile/0/001.p/44",      "tile/1/000.p/1"};
  CHECK(source.fetched == expected_first);
  CHECK(*TrustedCheckpoint(state.path(), source.world.log.Public()) == source.Checkpoint());

  // Nothing new: the checkpoint only, and the replay still covers all.
  MirrorReport same = Mirror(state.path(), source);
  CHECK(source.fetched == std::vector<std::string>{"checkpoint"});
  CHECK(same.entries_fetched == 0);
  CHECK(same.audit.entries_checked == 300);
  CHECK(same.audit.finding_count == 0);

  // 300 more: bundle 000 is not fetched again; 001 now full, 002 partial
  // of 600 - 512 = 88; level 1 has nodes 0 and 1, the run completed node 1.
  source.Fill(600);
  MirrorReport second = Mirror(state.path(), source);
  INFO(Codes(second));
  CHECK(second.log_consistent);
  CHECK(second.audit.finding_count == 0);
  CHECK(second.trusted_size_before == 300);
  CHECK(second.entries_fetched == 300);
  CHECK(second.audit.entries_checked == 600);
  CHECK(second.audit.certificates == 599);
  const std::vector<std::string> expected_second = {
      "checkpoint",      "tile/entries/001", "tile/0/001", "tile/entries/002.p/88",
      "tile/0/002.p/88", "tile/1/000.p/2"};
  CHECK(source.fetched == expected_second);
  CHECK(*TrustedCheckpoint(state.path(), source.world.log.Public()) == source.Checkpoint());
}

TEST_CASE("mirror: a changed byte in an entry bundle is a leaf and root mismatch", "[mirror]") {
  Source source;
  source.Fill(5);
  TempDir state("mirror_state");
  REQUIRE(Mirror(state.path(), source).log_consistent);
  source.Fill(9);
  source.tamper = [](std::string_view path, std::string* body) {
    if (path == "tile/entries/000.p/9") (*body)[body->size() - 10] ^= 0x01;  // inside leaf 8
  };
  MirrorReport bad = Mirror(state.path(), source);
  INFO(Codes(bad));
  CHECK_FALSE(bad.log_consistent);
  CHECK(HasFinding(bad, "leaf_mismatch"));
  CHECK(HasFinding(bad, "root_mismatch"));
  REQUIRE(!bad.audit.findings.empty());
  CHECK(bad.audit.findings.front().index == 8u);
  // Nothing was trusted: the replay covers the old tree, and the trusted
  // checkpoint is still the one of size 5.
  CHECK(bad.audit.tree_size == 5);
  auto trusted = OpenCheckpoint(*TrustedCheckpoint(state.path(), source.world.log.Public()),
                                source.world.log.Public());
  REQUIRE(trusted.ok());
  CHECK(trusted->size == 5);

  // The next clean run starts again from size 5.
  source.tamper = nullptr;
  MirrorReport good = Mirror(state.path(), source);
  CHECK(good.log_consistent);
  CHECK(good.trusted_size_before == 5);
  CHECK(good.entries_fetched == 4);
  CHECK(good.audit.tree_size == 9);
  CHECK(good.audit.finding_count == 0);
}

TEST_CASE("mirror: a bundle with a cut leaf is malformed", "[mirror]") {
  Source source;
  source.Fill(4);
  source.tamper = [](std::string_view path, std::string* body) {
    if (path.rfind("tile/entries/", 0) == 0) body->pop_back();
  };
  TempDir state("mirror_state");
  MirrorReport bad = Mirror(state.path(), source);
  CHECK_FALSE(bad.log_consistent);
  CHECK(HasFinding(bad, "bundle_malformed"));
  CHECK(bad.audit.tree_size == 0);
}

TEST_CASE("mirror: a changed hash tile is found at level 0 and level 1", "[mirror]") {
  Source source;
  source.Fill(260);
  TempDir state("mirror_state");
  SECTION("level 0") {
    source.tamper = [](std::string_view path, std::string* body) {
      if (path == "tile/0/000") (*body)[32 * 7] ^= 0x80;  // the hash of leaf 7
    };
    MirrorReport bad = Mirror(state.path(), source);
    INFO(Codes(bad));
    CHECK_FALSE(bad.log_consistent);
    REQUIRE(bad.audit.findings.size() == 1);
    CHECK(bad.audit.findings[0].code == "leaf_mismatch");
    CHECK(bad.audit.findings[0].index == 7u);
  }
  SECTION("level 1") {
    source.tamper = [](std::string_view path, std::string* body) {
      if (path == "tile/1/000.p/1") (*body)[0] ^= 0x01;
    };
    MirrorReport bad = Mirror(state.path(), source);
    INFO(Codes(bad));
    CHECK_FALSE(bad.log_consistent);
    REQUIRE(bad.audit.findings.size() == 1);
    CHECK(bad.audit.findings[0].code == "tile_mismatch");
    CHECK_THAT(bad.audit.findings[0].message, Catch::Contains("tile/1/000.p/1"));
  }
  SECTION("wrong length") {
    source.tamper = [](std::string_view path, std::string* body) {
      if (path == "tile/0/001.p/4") body->resize(3 * 32);
    };
    MirrorReport bad = Mirror(state.path(), source);
    CHECK_FALSE(bad.log_consistent);
    CHECK(HasFinding(bad, "tile_malformed"));
  }
}

TEST_CASE("mirror: a checkpoint not signed by the log key is refused", "[mirror]") {
  Source source;
  source.Fill(3);
  const NamedSecretKey impostor = KeyFromByte(source.world.log.name, 9);
  auto root = source.ledger->Snapshot()->root();
  source.checkpoint = *SignCheckpoint(Checkpoint{source.world.log.name, 3, root, {}}, impostor);
  TempDir state("mirror_state");
  MirrorReport bad = Mirror(state.path(), source);
  CHECK_FALSE(bad.log_consistent);
  REQUIRE(bad.audit.findings.size() == 1);
  CHECK(bad.audit.findings[0].code == "checkpoint_bad_signature");
  CHECK(source.fetched == std::vector<std::string>{"checkpoint"});
  CHECK(*TrustedCheckpoint(state.path(), source.world.log.Public()) == "");
}

TEST_CASE("mirror: a log that shows a smaller tree than trusted is a rollback", "[mirror]") {
  Source source;
  source.Fill(3);
  const std::string old_checkpoint = source.Checkpoint();
  source.Fill(6);
  TempDir state("mirror_state");
  REQUIRE(Mirror(state.path(), source).log_consistent);
  source.checkpoint = old_checkpoint;  // validly signed, but of size 3
  MirrorReport bad = Mirror(state.path(), source);
  CHECK_FALSE(bad.log_consistent);
  REQUIRE(bad.audit.findings.size() == 1);
  CHECK(bad.audit.findings[0].code == "rollback");
  CHECK_THAT(bad.audit.findings[0].message, Catch::Contains("size 3 root"));
  CHECK(bad.audit.tree_size == 6);
}

TEST_CASE("mirror: another tree under the same log key is a fork", "[mirror]") {
  Source a;
  a.Fill(4);
  Source b;  // same keys, other certificate numbers
  b.Fill(4, "B-");
  REQUIRE(a.Checkpoint() != b.Checkpoint());
  TempDir state("mirror_state");
  REQUIRE(Mirror(state.path(), a).log_consistent);
  SECTION("same size, another root") {
    MirrorReport bad = Mirror(state.path(), b);
    CHECK_FALSE(bad.log_consistent);
    REQUIRE(bad.audit.findings.size() == 1);
    CHECK(bad.audit.findings[0].code == "fork");
  }
  SECTION("a larger tree that does not extend the trusted one") {
    b.Fill(7, "B-");
    MirrorReport bad = Mirror(state.path(), b);
    INFO(Codes(bad));
    CHECK_FALSE(bad.log_consistent);
    CHECK(HasFinding(bad, "root_mismatch"));
    CHECK(bad.audit.tree_size == 4);
  }
}

TEST_CASE("mirror: split view between two sources under one log key", "[mirror]") {
  Source a;
  a.Fill(3);
  const std::string a3 = a.Checkpoint();
  a.Fill(5);
  const std::string a5 = a.Checkpoint();
  Source b;  // same keys, other certificate numbers
  b.Fill(5, "B-");
  TempDir state("mirror_state");
  REQUIRE(Mirror(state.path(), a).log_consistent);
  const NamedPublicKey key = a.world.log.Public();

  // Consistent: the same checkpoint, an earlier one, a later one with a proof.
  CHECK(CheckSplitView(state.path(), key, "a", a5, nullptr)->empty());
  CHECK(CheckSplitView(state.path(), key, "a", a3, nullptr)->empty());
  a.Fill(8);
  auto later = CheckSplitView(state.path(), key, "a", a.Checkpoint(), a.Fetch());
  REQUIRE(later.ok());
  CHECK(later->empty());
  CHECK(a.fetched.back() == "api/v1/proof/consistency?old=5&size=8");

  // b at size 5: same size, another root.
  auto same = CheckSplitView(state.path(), key, "b", b.Checkpoint(), b.Fetch());
  REQUIRE(same.ok());
  REQUIRE(same->size() == 1);
  CHECK((*same)[0].code == "split_view");
  CHECK_THAT((*same)[0].message, Catch::Contains("size 5 root " +
                                                 Base64Encode(AsBytes(b.ledger->Snapshot()->root()))));
  // b at size 8: its own consistency proof cannot join a's tree of size 5.
  b.Fill(8, "B-");
  auto larger = CheckSplitView(state.path(), key, "b", b.Checkpoint(), b.Fetch());
  REQUIRE(larger.ok());
  REQUIRE(larger->size() == 1);
  CHECK((*larger)[0].code == "split_view");
  // A saved checkpoint larger than the mirrored tree, with no source to ask.
  auto saved = CheckSplitView(state.path(), key, "saved.txt", b.Checkpoint(), nullptr);
  REQUIRE(saved->size() == 1);
  CHECK_THAT((*saved)[0].message, Catch::Contains("smaller tree than one it signed"));
  // A checkpoint by another key is not a split view but a bad checkpoint.
  const NamedSecretKey impostor = KeyFromByte(a.world.log.name, 9);
  auto forged = CheckSplitView(
      state.path(), key, "x",
      *SignCheckpoint(Checkpoint{a.world.log.name, 5, a.ledger->Snapshot()->root(), {}}, impostor),
      nullptr);
  REQUIRE(forged->size() == 1);
  CHECK((*forged)[0].code == "checkpoint_bad_signature");
}

TEST_CASE("mirror: a smaller checkpoint is checked against the mirrored entries", "[mirror]") {
  Source a;
  a.Fill(6);
  Source b;
  b.Fill(3, "B-");  // differs from a at entry 1
  TempDir state("mirror_state");
  REQUIRE(Mirror(state.path(), a).log_consistent);
  auto found = CheckSplitView(state.path(), a.world.log.Public(), "b", b.Checkpoint(), nullptr);
  REQUIRE(found.ok());
  REQUIRE(found->size() == 1);
  CHECK((*found)[0].code == "split_view");
  CHECK_THAT((*found)[0].message, Catch::Contains("the mirrored entries give root"));
}

TEST_CASE("mirror: records that break the rules are record findings, not inconsistency",
          "[mirror]") {
  // A store written directly (it validates nothing), so that the log holds
  // a certificate of a body nobody accredited.
  World w;
  TempDir dir("mirror_store");
  Result<LedgerStore> store = LedgerStore::Open(dir.path() + "/db");
  REQUIRE(store.ok());
  CommitBatch batch;
  const std::uint64_t t_ms = w.now_ms;
  batch.entries.push_back(
      {.leaf = *EncodeLeaf(t_ms - 60000, w.Accredit(World::BodyAccreditation(
                                     "alpha-works", w.alpha.key.public_key())))});
  batch.entries.push_back({.leaf = *EncodeLeaf(t_ms, w.Certify("A-1", w.alpha))});
  batch.entries.push_back({.leaf = *EncodeLeaf(t_ms, w.Certify("B-1", w.beta))});
  batch.entries.push_back({.leaf = *EncodeLeaf(t_ms - 1000, w.Certify("A-2", w.alpha))});
  REQUIRE(store
              ->Commit(batch,
                       [&](std::uint64_t size, const Hash256& root) {
                         return SignCheckpoint(Checkpoint{w.log.name, size, root, {}}, w.log);
                       })
              .ok());
  const MirrorFetch fetch = [&](std::string_view path) -> Result<std::string> {
    CL_ASSIGN_OR_RETURN(LedgerSnapshot snap, store->Snapshot());
    if (path == "checkpoint") return snap.checkpoint();
    CL_ASSIGN_OR_RETURN(TileAddress tile, ParseTilePath(path));
    CL_ASSIGN_OR_RETURN(Bytes bytes, snap.Read(tile));
    return ToString(bytes);
  };
  TempDir state("mirror_state");
  Result<MirrorReport> r = MirrorAndAudit(state.path(), fetch, Options(w));
  REQUIRE(r.ok());
  INFO(Codes(*r));
  CHECK(r->log_consistent);
  REQUIRE(r->audit.finding_count == 2);
  CHECK(r->audit.findings[0].code == "record_invalid");
  CHECK(r->audit.findings[0].index == 2u);
  CHECK(r->audit.findings[0].reason == "not_accredited");
  CHECK(r->audit.findings[1].code == "time_regression");
  CHECK(r->audit.findings[1].index == 3u);
  CHECK(r->audit.certificates == 2);
  for (const AuditFinding& f : r->audit.findings) CHECK_FALSE(IsLogInconsistencyFinding(f.code));
}

TEST_CASE("mirror: a changed byte in the local entries file is corruption", "[mirror]") {
  Source source;
  source.Fill(4);
  TempDir state("mirror_state");
  REQUIRE(Mirror(state.path(), source).log_consistent);
  {
    std::fstream f(state.path() + "/entries", std::ios::in | std::ios::out | std::ios::binary);
    f.seekp(20);
    f.put('\x7f');
  }
  Result<MirrorReport> r = MirrorAndAudit(state.path(), source.Fetch(), Options(source.world));
  REQUIRE_FALSE(r.ok());
  CHECK(r.status().code() == StatusCode::kCorruption);
  CHECK_THAT(r.status().message(), Catch::Contains("not the trusted tree"));

  // Another log's key does not open this state.
  World other;
  other.log = KeyFromByte("test.example/log", 42);
  Result<MirrorReport> wrong = MirrorAndAudit(state.path(), source.Fetch(), Options(other));
  REQUIRE_FALSE(wrong.ok());
  CHECK(wrong.status().code() == StatusCode::kVerificationFailed);
}

TEST_CASE("mirror: entry bundles frame leaves with a 2-byte big-endian length", "[mirror]") {
  // C2SP tlog-tiles entry bundle: each entry as a uint16 big-endian length
  // and its bytes (DESIGN.md "Read API").
  const Bytes bundle = {0x00, 0x02, 'h', 'i', 0x01, 0x00};
  Bytes long_leaf(256, 'x');
  Bytes two = {0x00, 0x01, 'a'};
  two.push_back(0x01);
  two.push_back(0x00);
  two.insert(two.end(), long_leaf.begin(), long_leaf.end());
  auto leaves = ParseEntryBundle(two, 2);
  REQUIRE(leaves.ok());
  CHECK((*leaves)[0] == Bytes{'a'});
  CHECK((*leaves)[1] == long_leaf);
  CHECK_FALSE(ParseEntryBundle(two, 1).ok());  // bytes after the leaves
  CHECK_FALSE(ParseEntryBundle(two, 3).ok());  // too few leaves
  auto cut = ParseEntryBundle(bundle, 2);      // 256 bytes announced, none there
  REQUIRE_FALSE(cut.ok());
  CHECK_THAT(cut.status().message(), Catch::Contains("runs past the end"));
  CHECK_FALSE(ParseEntryBundle(Bytes{0x00}, 1).ok());
  CHECK(ParseEntryBundle(Bytes{}, 0).ok());
}

}  // namespace
}  // namespace certledger::test
