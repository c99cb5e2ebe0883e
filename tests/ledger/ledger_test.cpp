// The sequencer and the log's validation rules, on a real RocksDB store.
#include <catch2/catch.hpp>

#include <set>
#include <thread>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/merkle.h"
#include "test_world.h"

using namespace certledger;
using certledger::test::kDay;
using certledger::test::kT0;
using certledger::test::TempDir;
using certledger::test::World;

namespace {

// The refusal reason of a submission (empty when it was accepted).
std::string ReasonOf(const Result<AppendResult>& r) { return r.ok() ? "" : r.status().reason(); }

}  // namespace

TEST_CASE("a new ledger has a signed checkpoint of the empty tree", "[ledger]") {
  World w;
  TempDir dir("ledger_empty");
  auto ledger = w.Open(dir.path());
  auto snap = ledger->Snapshot();
  REQUIRE(snap.ok());
  CHECK(snap->size() == 0);
  auto cp = OpenCheckpoint(snap->checkpoint(), w.log.Public());
  REQUIRE(cp.ok());
  CHECK(cp->size == 0);
  CHECK(cp->root == EmptyRoot());
  CHECK(cp->origin == "test.example/log");
}

TEST_CASE("accreditation then certificate are appended and indexed", "[ledger]") {
  World w;
  TempDir dir("ledger_basic");
  auto ledger = w.Open(dir.path());
  auto acc = ledger->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key())));
  REQUIRE(acc.ok());
  CHECK(acc->index == 0);
  Bytes cert_bytes = w.Certify("Y000131000123251000124", w.alpha);
  auto cert = ledger->Submit(cert_bytes);
  REQUIRE(cert.ok());
  CHECK(cert->index == 1);
  CHECK_FALSE(cert->duplicate);

  auto snap = ledger->Snapshot();
  REQUIRE(snap.ok());
  CHECK(snap->size() == 2);
  auto status = snap->StatusOf("Y000131000123251000124");
  REQUIRE(status.ok());
  CHECK(status->certificate_index == std::optional<std::uint64_t>(1));
  CHECK_FALSE(status->revocation_index.has_value());

  // The stored leaf is [1, logged_at_ms, record] with the sequencer's clock.
  auto leaf_bytes = snap->Entry(1);
  REQUIRE(leaf_bytes.ok());
  auto leaf = DecodeLeaf(*leaf_bytes);
  REQUIRE(leaf.ok());
  CHECK(leaf->logged_at_ms == w.now_ms);
  CHECK(leaf->record == cert_bytes);
  CHECK(HashLeaf(*leaf_bytes) == cert->leaf_hash);

  // The checkpoint covers the entry, and an inclusion proof verifies.
  auto cp = OpenCheckpoint(snap->checkpoint(), w.log.Public());
  REQUIRE(cp.ok());
  CHECK(cp->size == 2);
  auto proof = snap->InclusionProof(1, 2);
  REQUIRE(proof.ok());
  CHECK(VerifyInclusion(cert->leaf_hash, 1, 2, *proof, cp->root).ok());
}

TEST_CASE("a record submitted twice gets its first index back", "[ledger]") {
  World w;
  TempDir dir("ledger_dup");
  auto ledger = w.Open(dir.path());
  REQUIRE(ledger->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()))).ok());
  Bytes cert = w.Certify("N-1", w.alpha);
  auto first = ledger->Submit(cert);
  REQUIRE(first.ok());
  auto again = ledger->Submit(cert);
  REQUIRE(again.ok());
  CHECK(again->duplicate);
  CHECK(again->index == first->index);
  CHECK(again->leaf_hash == first->leaf_hash);
  // Twice in one batch: one entry, both answered with it.
  Bytes other = w.Certify("N-2", w.alpha);
  auto both = ledger->SubmitMany({other, other});
  REQUIRE(both[0].ok());
  REQUIRE(both[1].ok());
  CHECK(both[0]->index == both[1]->index);
  CHECK(both[1]->duplicate);
  CHECK(ledger->Snapshot()->size() == 3);
}

TEST_CASE("the log refuses records that break its rules, each with its reason", "[ledger]") {
  World w;
  TempDir dir("ledger_rules");
  auto ledger = w.Open(dir.path());
  Accreditation alpha = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  REQUIRE(ledger->Submit(w.Accredit(alpha)).ok());
  REQUIRE(ledger->Submit(w.Certify("TAKEN", w.alpha)).ok());

  SECTION("malformed bytes") {
    auto r = ledger->Submit(ToBytes("not a record"));
    CHECK(ReasonOf(r) == "malformed");
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
  }
  SECTION("accreditation signed by someone other than the regulator") {
    Bytes b = w.Sign(World::BodyAccreditation("beta-association", w.beta.key.public_key()), w.beta,
                     kT0 + kDay);
    CHECK(ReasonOf(ledger->Submit(b)) == "not_regulator");
  }
  SECTION("a forged signature") {
    Bytes b = w.Certify("FORGED", w.alpha);
    b[b.size() - 5] ^= 0x40;  // inside the 64-byte signature
    auto r = ledger->Submit(b);
    CHECK(ReasonOf(r) == "bad_signature");
    CHECK(r.status().code() == StatusCode::kVerificationFailed);
  }
  SECTION("a body without accreditation") {
    CHECK(ReasonOf(ledger->Submit(w.Certify("B-1", w.beta))) == "not_accredited");
  }
  SECTION("a key that is not the body's") {
    CHECK(ReasonOf(ledger->Submit(w.Certify("A-9", w.beta, kT0 + 5 * kDay, "alpha-works"))) ==
          "unknown_key");
  }
  SECTION("a certificate number already used") {
    auto r = ledger->Submit(w.Certify("TAKEN", w.alpha, kT0 + 6 * kDay));
    CHECK(ReasonOf(r) == "number_in_use");
    CHECK(r.status().code() == StatusCode::kAlreadyExists);
  }
  SECTION("outside the accredited occupation or level") {
    CHECK(ReasonOf(ledger->Submit(w.Certify("S-1", w.alpha, kT0 + 5 * kDay, "", Level::kSkill1,
                                            "6-29-03-01"))) == "out_of_scope");
    CHECK(ReasonOf(ledger->Submit(w.Certify("S-2", w.alpha, kT0 + 5 * kDay, "", Level::kChief))) ==
          "out_of_scope");
  }
  SECTION("an iat in the future") {
    CHECK(ReasonOf(ledger->Submit(w.Certify("F-1", w.alpha, w.now_ms / 1000 + 3600))) ==
          "iat_in_future");
  }
  SECTION("revocations: unknown number, wrong body, twice, bad successor") {
    CHECK(ReasonOf(ledger->Submit(w.Revoke("NOPE", w.alpha, RevocationReason::kError))) ==
          "unknown_certificate");
    REQUIRE(ledger->Submit(w.Accredit(World::BodyAccreditation("beta-association",
                                                               w.beta.key.public_key()))).ok());
    CHECK(ReasonOf(ledger->Submit(w.Revoke("TAKEN", w.beta, RevocationReason::kError))) ==
          "not_authorized");
    CHECK(ReasonOf(ledger->Submit(w.Revoke("TAKEN", w.alpha, RevocationReason::kSuperseded,
                                           std::string("MISSING")))) == "unknown_superseding");
    REQUIRE(ledger->Submit(w.Revoke("TAKEN", w.alpha, RevocationReason::kError)).ok());
    auto again = ledger->Submit(w.Revoke("TAKEN", w.regulator, RevocationReason::kFraud));
    CHECK(ReasonOf(again) == "already_revoked");
  }
  // Nothing refused was appended.
  auto snap = ledger->Snapshot();
  REQUIRE(snap.ok());
  CHECK(snap->FindCertificate("FORGED").status().code() == StatusCode::kNotFound);
}

TEST_CASE("key validity is judged at logging time, so a revoked key cannot backdate", "[ledger]") {
  World w;
  TempDir dir("ledger_keytime");
  auto ledger = w.Open(dir.path());
  Accreditation acc = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  acc.keys.push_back(AccreditedKey{w.alpha2.key.public_key(), kT0 + 20 * kDay, std::nullopt,
                                   std::nullopt});
  REQUIRE(ledger->Submit(w.Accredit(acc)).ok());
  // alpha2 is valid only from day 20; the clock says day 10.
  CHECK(ReasonOf(ledger->Submit(w.Certify("K-1", w.alpha2))) == "key_not_yet_valid");

  // The regulator revokes alpha's first key from day 11.
  Accreditation revoked = acc;
  revoked.keys[0].revoked = kT0 + 11 * kDay;
  REQUIRE(ledger->Submit(w.Accredit(revoked, kT0 + 10 * kDay)).ok());
  w.now_ms = (kT0 + 12 * kDay) * 1000;
  // A certificate claiming an iat before the revocation is still refused.
  auto backdated = ledger->Submit(w.Certify("K-2", w.alpha, kT0 + 5 * kDay));
  CHECK(ReasonOf(backdated) == "key_revoked");
  // Later the key window passes its end.
  Accreditation expiring = revoked;
  expiring.keys[1].from = kT0;
  expiring.keys[1].until = kT0 + 13 * kDay;
  REQUIRE(ledger->Submit(w.Accredit(expiring, kT0 + 12 * kDay)).ok());
  REQUIRE(ledger->Submit(w.Certify("K-3", w.alpha2, kT0 + 12 * kDay)).ok());
  w.now_ms = (kT0 + 14 * kDay) * 1000;
  CHECK(ReasonOf(ledger->Submit(w.Certify("K-4", w.alpha2, kT0 + 12 * kDay))) == "key_expired");
}

TEST_CASE("withdrawn and lapsed accreditations stop issuance", "[ledger]") {
  World w;
  TempDir dir("ledger_withdrawn");
  auto ledger = w.Open(dir.path());
  Accreditation acc = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  acc.until = kT0 + 11 * kDay;
  REQUIRE(ledger->Submit(w.Accredit(acc)).ok());
  REQUIRE(ledger->Submit(w.Certify("W-1", w.alpha)).ok());
  w.now_ms = (kT0 + 12 * kDay) * 1000;
  CHECK(ReasonOf(ledger->Submit(w.Certify("W-2", w.alpha))) == "accreditation_not_in_force");
  Accreditation withdrawn = World::BodyAccreditation("alpha-works", w.alpha.key.public_key());
  withdrawn.status = AccreditationStatus::kWithdrawn;
  REQUIRE(ledger->Submit(w.Accredit(withdrawn, kT0 + 12 * kDay)).ok());
  CHECK(ReasonOf(ledger->Submit(w.Certify("W-3", w.alpha))) == "accreditation_withdrawn");
  // The regulator can still revoke; so can the body with its valid key.
  CHECK(ledger->Submit(w.Revoke("W-1", w.regulator, RevocationReason::kFraud)).ok());
}

TEST_CASE("a corrected certificate supersedes the old one", "[ledger]") {
  World w;
  TempDir dir("ledger_supersede");
  auto ledger = w.Open(dir.path());
  REQUIRE(ledger->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()))).ok());
  REQUIRE(ledger->Submit(w.Certify("OLD", w.alpha)).ok());
  REQUIRE(ledger->Submit(w.Certify("NEW", w.alpha, kT0 + 6 * kDay)).ok());
  auto rev = ledger->Submit(w.Revoke("OLD", w.alpha, RevocationReason::kSuperseded, std::string("NEW")));
  REQUIRE(rev.ok());
  auto status = ledger->Snapshot()->StatusOf("OLD");
  REQUIRE(status.ok());
  CHECK(status->revocation_index == std::optional<std::uint64_t>(rev->index));
}

TEST_CASE("the accreditation state survives reopening", "[ledger]") {
  World w;
  TempDir dir("ledger_reopen");
  Hash256 root;
  {
    auto ledger = w.Open(dir.path());
    REQUIRE(ledger->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()))).ok());
    REQUIRE(ledger->Submit(w.Certify("R-1", w.alpha)).ok());
    root = ledger->Snapshot()->root();
  }
  auto ledger = w.Open(dir.path());
  CHECK(ledger->Snapshot()->root() == root);
  CHECK(ledger->Submit(w.Certify("R-2", w.alpha)).ok());
  CHECK(ReasonOf(ledger->Submit(w.Certify("R-1", w.alpha, kT0 + 7 * kDay))) == "number_in_use");
  // Opened with another log key, the stored checkpoint does not verify.
  ledger.reset();
  auto wrong = Ledger::Open(w.Options(dir.path()), test::KeyFromByte("test.example/log", 9));
  CHECK(wrong.status().code() == StatusCode::kCorruption);
}

TEST_CASE("concurrent submitters are batched and every checkpoint extends the last", "[ledger]") {
  World w;
  TempDir dir("ledger_concurrent");
  auto ledger = w.Open(dir.path());
  REQUIRE(ledger->Submit(w.Accredit(World::BodyAccreditation("alpha-works", w.alpha.key.public_key()))).ok());
  constexpr int kThreads = 4, kEach = 150;
  std::vector<std::vector<Bytes>> records(kThreads);
  for (int t = 0; t < kThreads; ++t) {
    for (int i = 0; i < kEach; ++i) {
      records[t].push_back(w.Certify("C-" + std::to_string(t) + "-" + std::to_string(i), w.alpha));
    }
  }
  std::vector<std::vector<std::uint64_t>> indexes(kThreads);
  std::vector<std::thread> threads;
  std::vector<std::string> checkpoints;
  std::mutex cp_mu;
  for (int t = 0; t < kThreads; ++t) {
    threads.emplace_back([&, t] {
      for (Bytes& b : records[t]) {
        auto r = ledger->Submit(std::move(b));
        if (!r.ok()) continue;
        indexes[t].push_back(r->index);
        auto snap = ledger->Snapshot();
        std::lock_guard lock(cp_mu);
        if (snap.ok()) checkpoints.push_back(snap->checkpoint());
      }
    });
  }
  for (auto& th : threads) th.join();
  std::set<std::uint64_t> all;
  for (const auto& v : indexes) {
    CHECK(v.size() == kEach);
    // One submitter's records are acknowledged in its own order.
    CHECK(std::is_sorted(v.begin(), v.end()));
    all.insert(v.begin(), v.end());
  }
  CHECK(all.size() == kThreads * kEach);
  CHECK(*all.begin() == 1);
  CHECK(*all.rbegin() == kThreads * kEach);
  // Every checkpoint seen is consistent with the final tree.
  auto snap = ledger->Snapshot();
  REQUIRE(snap.ok());
  for (const std::string& text : checkpoints) {
    auto cp = OpenCheckpoint(text, w.log.Public());
    REQUIRE(cp.ok());
    auto proof = snap->ConsistencyProof(cp->size, snap->size());
    REQUIRE(proof.ok());
    CHECK(VerifyConsistency(cp->size, snap->size(), *proof, cp->root, snap->root()).ok());
  }
}
