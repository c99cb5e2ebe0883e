// VerifyWithLedger keeps, per thread, the opened checkpoint and the parsed
// accreditations, and the ledger keeps the inner nodes of hash tiles: what
// was logged after a verification must count in the next one, an older
// snapshot must still answer for its own tree, and one thread verifying
// against two ledgers must not mix them up.
#include <catch2/catch.hpp>

#include "certledger/checkpoint.h"
#include "certledger/merkle.h"
#include "certledger/verify.h"
#include "verifier/api_test_world.h"

using namespace certledger;
using test::ApiWorld;
using test::World;

namespace {

LedgerSnapshot Snap(const Ledger& ledger) {
  auto snapshot = ledger.Snapshot();
  REQUIRE(snapshot.ok());
  return std::move(*snapshot);
}

Verification Check(ApiWorld& w, const LedgerSnapshot& snapshot, const Bytes& record) {
  return VerifyWithLedger(w.Qr(record), snapshot, w.context.regulator.key, w.context.log_key,
                          w.now);
}

// The root of the snapshot's tree computed from its entries with the
// tests' own RFC 9162 code (api_test_world.h).
Hash256 ReferenceRootOf(const LedgerSnapshot& snapshot) {
  std::vector<Hash256> hashes;
  for (std::uint64_t i = 0; i < snapshot.size(); ++i) {
    auto leaf = snapshot.Entry(i);
    REQUIRE(leaf.ok());
    hashes.push_back(test::ReferenceLeafHash(*leaf));
  }
  return test::ReferenceRoot(hashes, 0, hashes.size());
}

// The evidence proves the entry against the signed checkpoint of the
// snapshot's tree, whose root is the reference root.
void CheckEvidence(const Verification& v, const LedgerSnapshot& snapshot, const ApiWorld& w) {
  REQUIRE(v.evidence.has_value());
  const LedgerEvidence& e = *v.evidence;
  CHECK(e.tree_size == snapshot.size());
  CHECK(e.checkpoint == snapshot.checkpoint());
  auto checkpoint = OpenCheckpoint(e.checkpoint, w.context.log_key);
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == snapshot.size());
  CHECK(checkpoint->root == ReferenceRootOf(snapshot));
  auto leaf = snapshot.Entry(e.index);
  REQUIRE(leaf.ok());
  CHECK(e.leaf_hash == test::ReferenceLeafHash(*leaf));
  CHECK(VerifyInclusion(e.leaf_hash, e.index, e.tree_size, e.inclusion, checkpoint->root).ok());
}

}  // namespace

TEST_CASE("verify: a revocation logged after a verification counts in the next one",
          "[verify_cache]") {
  ApiWorld w;
  const LedgerSnapshot before = Snap(*w.ledger);
  REQUIRE(before.size() == 6);
  const Verification first = Check(w, before, w.valid);
  CHECK(first.verdict == Verdict::kValid);
  CheckEvidence(first, before, w);
  // Again on the same tree: what the thread kept gives the same answer.
  const Verification again = Check(w, before, w.valid);
  CHECK(again.verdict == Verdict::kValid);
  CHECK(again.reason == first.reason);
  REQUIRE(again.evidence.has_value());
  CHECK(again.evidence->inclusion == first.evidence->inclusion);

  w.Append(w.world.Revoke("A-0001", w.world.alpha, RevocationReason::kFraud));
  const LedgerSnapshot after = Snap(*w.ledger);
  REQUIRE(after.size() == 7);
  const Verification revoked = Check(w, after, w.valid);
  CHECK(revoked.verdict == Verdict::kRevoked);
  REQUIRE(revoked.revocation.has_value());
  CHECK(revoked.revocation->index == 6);
  CHECK(revoked.revocation->revocation.reason == RevocationReason::kFraud);
  CheckEvidence(revoked, after, w);
  // Index 1 in a tree of 7: the last hash of the path covers entries 4 to 6
  // now, 4 and 5 before.
  CHECK(revoked.evidence->inclusion != first.evidence->inclusion);

  // The older snapshot still answers for its own tree.
  const Verification old = Check(w, before, w.valid);
  CHECK(old.verdict == Verdict::kValid);
  CheckEvidence(old, before, w);
  CHECK(old.evidence->inclusion == first.evidence->inclusion);
}

TEST_CASE("verify: an accreditation logged after a verification counts in the next one",
          "[verify_cache]") {
  ApiWorld w;
  // beta-association is not accredited yet.
  const Verification unknown = Check(w, Snap(*w.ledger), w.unknown_issuer);
  CHECK(unknown.verdict == Verdict::kUnknownIssuer);
  CHECK(unknown.reason == "no accreditation of \"beta-association\" signed by the regulator");
  CHECK(Check(w, Snap(*w.ledger), w.valid).verdict == Verdict::kValid);

  Accreditation beta =
      World::BodyAccreditation("beta-association", w.world.beta.key.public_key());
  w.Append(w.world.Accredit(beta));
  // Correctly signed by an accredited body now, but never logged.
  const Verification accredited = Check(w, Snap(*w.ledger), w.unknown_issuer);
  CHECK(accredited.verdict == Verdict::kNotLogged);
  REQUIRE(accredited.issuer.has_value());
  CHECK(accredited.issuer->body == "beta-association");

  // Withdrawn a minute later: the latest accreditation counts.
  w.world.now_ms += 60 * 1000;
  beta.status = AccreditationStatus::kWithdrawn;
  w.Append(w.world.Accredit(beta, w.world.now_ms / 1000 - 30));
  const Verification withdrawn = Check(w, Snap(*w.ledger), w.unknown_issuer);
  CHECK(withdrawn.verdict == Verdict::kUnknownIssuer);
  CHECK(withdrawn.reason == "the accreditation of beta-association was withdrawn");
  // alpha-works' certificates are untouched.
  CHECK(Check(w, Snap(*w.ledger), w.valid).verdict == Verdict::kValid);
}

TEST_CASE("verify: one thread verifying against two ledgers keeps them apart",
          "[verify_cache]") {
  ApiWorld w;
  CHECK(Check(w, Snap(*w.ledger), w.valid).verdict == Verdict::kValid);

  // Another ledger whose entry 0 accredits alpha-works with beta's key only.
  World other;
  test::TempDir dir("verify_cache");
  std::unique_ptr<Ledger> ledger = other.Open(dir.path() + "/ledger");
  REQUIRE(ledger->Submit(other.Accredit(
                             World::BodyAccreditation("alpha-works", other.beta.key.public_key())))
              .ok());
  const Verification there = Check(w, Snap(*ledger), w.valid);
  CHECK(there.verdict == Verdict::kUnknownIssuer);
  CHECK(there.reason == "the signing key " + HexEncode(w.world.alpha.key.public_key().Id()) +
                            " is not one of alpha-works's accredited keys");
  CHECK_FALSE(there.evidence.has_value());

  // And back.
  const LedgerSnapshot here = Snap(*w.ledger);
  const Verification back = Check(w, here, w.valid);
  CHECK(back.verdict == Verdict::kValid);
  CheckEvidence(back, here, w);
}
