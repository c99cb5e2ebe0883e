// The sequencer's batching paths (ledger/ledger.cpp): SubmitMany's order
// over many chunks, the optimistic first pass and the careful pass that
// follows a batch the store refused, and accreditations of one body within
// one second.
#include <catch2/catch.hpp>

#include "certledger/leaf.h"
#include "test_world.h"

using namespace certledger;
using certledger::test::kDay;
using certledger::test::kT0;
using certledger::test::TempDir;
using certledger::test::World;

namespace {

std::string ReasonOf(const Result<AppendResult>& r) { return r.ok() ? "" : r.status().reason(); }

std::uint64_t LoggedAt(const LedgerSnapshot& snap, std::uint64_t index) {
  auto entry = snap.Entry(index);
  REQUIRE(entry.ok());
  auto leaf = DecodeLeaf(*entry);
  REQUIRE(leaf.ok());
  return leaf->logged_at_ms;
}

}  // namespace

TEST_CASE("SubmitMany over many chunks and threads appends in the given order", "[ledger]") {
  World w;
  TempDir dir("batch_order");
  LedgerOptions options = w.Options(dir.path());
  options.max_batch = 100;  // several batches, each spanning chunks
  auto opened = Ledger::Open(options, test::KeyFromByte(w.log.name, 2));
  REQUIRE(opened.ok());
  Ledger& ledger = **opened;
  REQUIRE(ledger.Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()))).ok());
  std::vector<Bytes> records;
  for (int i = 0; i < 1500; ++i) records.push_back(w.Certify("ORD-" + std::to_string(i), w.alpha));
  auto results = ledger.SubmitMany(records, 3);
  REQUIRE(results.size() == records.size());
  auto snap = ledger.Snapshot();
  REQUIRE(snap.ok());
  CHECK(snap->size() == 1501);
  for (std::size_t i = 0; i < results.size(); ++i) {
    REQUIRE(results[i].ok());
    CHECK(results[i]->index == i + 1);
    CHECK_FALSE(results[i]->duplicate);
    auto entry = snap->Entry(results[i]->index);
    REQUIRE(entry.ok());
    CHECK(DecodeLeaf(*entry)->record == records[i]);
  }
  CHECK(ledger.SubmitMany({}).empty());
}

TEST_CASE("a batch holding a logged record or a taken number still appends the rest", "[ledger]") {
  World w;
  TempDir dir("batch_careful");
  auto ledger = w.Open(dir.path());
  REQUIRE(ledger->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()))).ok());
  const Bytes old_record = w.Certify("B-OLD", w.alpha);
  auto first = ledger->Submit(old_record);
  REQUIRE(first.ok());
  REQUIRE(first->index == 1);

  // The store refuses the optimistic pass (the old record's keys exist); the
  // careful pass gives every record its own answer.
  auto results = ledger->SubmitMany({w.Certify("B-1", w.alpha), old_record,
                                     w.Certify("B-OLD", w.alpha, kT0 + 6 * kDay),  // same number
                                     w.Certify("B-2", w.alpha), w.Certify("B-1", w.alpha)});
  REQUIRE(results.size() == 5);
  REQUIRE(results[0].ok());
  CHECK(results[0]->index == 2);
  REQUIRE(results[1].ok());
  CHECK(results[1]->duplicate);
  CHECK(results[1]->index == 1);
  CHECK(results[1]->leaf_hash == first->leaf_hash);
  CHECK(ReasonOf(results[2]) == "number_in_use");
  REQUIRE(results[3].ok());
  CHECK(results[3]->index == 3);
  CHECK_FALSE(results[3]->duplicate);
  // The same bytes again within the batch: the batch's own first index.
  REQUIRE(results[4].ok());
  CHECK(results[4]->duplicate);
  CHECK(results[4]->index == 2);
  CHECK(ledger->Snapshot()->size() == 4);
}

TEST_CASE("a logged record comes back as a duplicate even when it would now be refused", "[ledger]") {
  World w;
  TempDir dir("batch_dup_refused");
  auto ledger = w.Open(dir.path());
  Accreditation acc = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  REQUIRE(ledger->Submit(w.Accredit(acc)).ok());
  const Bytes cert = w.Certify("D-1", w.alpha);
  auto logged = ledger->Submit(cert);
  REQUIRE(logged.ok());
  // The key is revoked from day 11; on day 12 a new record by it is refused...
  acc.keys[0].revoked = kT0 + 11 * kDay;
  w.now_ms = (kT0 + 11 * kDay) * 1000;
  REQUIRE(ledger->Submit(w.Accredit(acc, kT0 + 11 * kDay)).ok());
  w.now_ms = (kT0 + 12 * kDay) * 1000;
  CHECK(ReasonOf(ledger->Submit(w.Certify("D-2", w.alpha))) == "key_revoked");
  // ...but the record logged before still gets its first index.
  auto again = ledger->Submit(cert);
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(again->index == logged->index);
  CHECK(again->leaf_hash == logged->leaf_hash);
}

TEST_CASE("accreditations of one body within one second keep their log order",
          "[ledger]") {
  World w;  // the clock stands still
  TempDir dir("batch_acc_second");
  auto ledger = w.Open(dir.path());
  Accreditation acc = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  Accreditation wider = acc;
  wider.scope.occupations.push_back("6-18-01-02");
  Accreditation beta = World::BodyAccreditation("beta-association", w.beta.key.public_key());
  auto results = ledger->SubmitMany(
      {w.Accredit(acc), w.Accredit(beta), w.Accredit(wider, kT0 + 2 * kDay), w.Certify("S-1", w.alpha)});
  for (const auto& r : results) REQUIRE(r.ok());
  auto snap = ledger->Snapshot();
  REQUIRE(snap.ok());
  for (std::uint64_t i = 0; i < 4; ++i) CHECK(LoggedAt(*snap, i) == w.now_ms);  // one batch
  auto history = snap->AccreditationHistory("alpha-works");
  REQUIRE(history.ok());
  REQUIRE(history->size() == 2);
  CHECK((*history)[0].time == (*history)[1].time);  // the same second
  CHECK((*history)[0].index == 0);
  CHECK((*history)[1].index == 2);
  // The second accreditation is in force: its wider scope is accepted.
  CHECK(ledger->Submit(w.Certify("S-2", w.alpha, kT0 + 5 * kDay, "", Level::kSkill1, "6-18-01-02")).ok());
}
