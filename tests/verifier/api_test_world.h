// A ledger with one certificate of every verdict, and the API context that
// serves it, for the handler and server tests.
//
// Log (all logged at World::now_ms unless said):
//   0  accreditation of alpha-works with keys alpha and alpha2
//   1  certificate A-0001 (alpha)                     -> valid
//   2  certificate A-0002 (alpha)                     -> revoked by entry 3
//   3  revocation of A-0002 (alpha, reason "error")
//   4  certificate A-0003 expiring 2026-01-20 (alpha) -> expired at `now`
//   5  accreditation of alpha-works with alpha2 revoked from kT0 + 11 days
//      (logged at kT0 + 12 days)
// Not logged: A-0100 (alpha) -> not_logged; A-0101 signed with alpha2 ->
// key_revoked; B-0001 by beta (never accredited) -> unknown_issuer; A-0102
// for an occupation outside alpha's scope -> out_of_scope.
#ifndef CERTLEDGER_TESTS_VERIFIER_API_TEST_WORLD_H_
#define CERTLEDGER_TESTS_VERIFIER_API_TEST_WORLD_H_

#include <memory>
#include <string>
#include <vector>

#include "certledger/merkle.h"
#include "certledger/qr_payload.h"
#include "certledger/sha256.h"
#include "certledger/verifier_api.h"
#include "certledger/verifier_metrics.h"
#include "ledger/test_world.h"

namespace certledger::test {

inline constexpr std::string_view kPublicUrl = "https://verify.test";

struct ApiWorld {
  World world;
  TempDir dir{"api"};
  std::unique_ptr<Ledger> ledger;
  VerifierMetrics metrics;
  ApiContext context;
  std::vector<Disclosure> disclosures;
  // When the verifier judges: after A-0003 expired.
  std::uint64_t now = kT0 + 30 * kDay;

  Bytes valid, revoked, expired, unlogged, key_revoked, unknown_issuer, out_of_scope;

  ApiWorld() {
    ledger = world.Open(dir.path() + "/ledger");
    disclosures = {*MakeDisclosureWithSalt(Bytes(16, 7), "name", "王建国"),
                   *MakeDisclosureWithSalt(Bytes(16, 8), "id", "310101199001011234")};
    Accreditation acc =
        World::BodyAccreditation("alpha-works", world.alpha.key.public_key());
    acc.keys.push_back(AccreditedKey{world.alpha2.key.public_key(), kT0, std::nullopt, std::nullopt});
    Append(world.Accredit(acc));
    valid = world.Certify("A-0001", world.alpha);
    Append(valid);
    revoked = world.Certify("A-0002", world.alpha);
    Append(revoked);
    Append(world.Revoke("A-0002", world.alpha, RevocationReason::kError));
    Certificate c = World::SkillCertificate("A-0003");
    c.expires = Date{2026, 1, 20};
    expired = world.Sign(c, world.alpha, kT0 + 5 * kDay);
    Append(expired);
    world.now_ms = (kT0 + 12 * kDay) * 1000;
    acc.keys[1].revoked = kT0 + 11 * kDay;
    Append(world.Accredit(acc, kT0 + 12 * kDay - 60));

    unlogged = world.Certify("A-0100", world.alpha);
    key_revoked = world.Certify("A-0101", world.alpha2, kT0 + 5 * kDay, "alpha-works");
    unknown_issuer = world.Certify("B-0001", world.beta);
    out_of_scope = world.Certify("A-0102", world.alpha, kT0 + 5 * kDay, "", Level::kSkill1,
                                 "9-99-99-99");

    context.snapshot = [l = ledger.get()] { return l->Snapshot(); };
    context.ledger = ledger.get();
    context.regulator = world.regulator.Public();
    context.log_key = world.log.Public();
    context.public_url = std::string(kPublicUrl);
    context.now = [this] { return now; };
    context.metrics = &metrics;
  }

  void Append(const Bytes& record) {
    auto r = ledger->Submit(record);
    if (!r.ok()) throw std::runtime_error("append: " + r.status().ToString());
  }

  // The QR text of `record` with the holder's disclosures, as a URL on `base`.
  std::string Qr(const Bytes& record, std::string_view base = kPublicUrl) const {
    return QrWith(record, disclosures, base);
  }
  static std::string QrWith(const Bytes& record, const std::vector<Disclosure>& d,
                            std::string_view base = kPublicUrl) {
    auto fragment = EncodeQrPayload(QrPayload{record, d, std::nullopt});
    if (!fragment.ok()) throw std::runtime_error(fragment.status().ToString());
    return QrUrl(base, *fragment);
  }

  std::uint64_t Size() const { return ledger->Snapshot()->size(); }
};

// RFC 9162 section 2.1.1 MTH over leaf hashes, written out here so that the
// tests do not check the log with its own code: MTH({}) = SHA-256(""),
// MTH(D[n]) = SHA-256(0x01 || MTH(D[0:k]) || MTH(D[k:n])), k the largest
// power of two below n.
inline Hash256 ReferenceRoot(const std::vector<Hash256>& leaves, std::size_t begin,
                             std::size_t end) {
  if (begin == end) return Sha256::Hash({});
  if (end - begin == 1) return leaves[begin];
  std::size_t k = 1;
  while (k * 2 < end - begin) k *= 2;
  const Hash256 left = ReferenceRoot(leaves, begin, begin + k);
  const Hash256 right = ReferenceRoot(leaves, begin + k, end);
  Bytes node{0x01};
  node.insert(node.end(), left.begin(), left.end());
  node.insert(node.end(), right.begin(), right.end());
  return Sha256::Hash(node);
}

// RFC 9162 section 2.1.1: the leaf hash SHA-256(0x00 || leaf).
inline Hash256 ReferenceLeafHash(ByteView leaf) {
  Bytes data{0x00};
  data.insert(data.end(), leaf.begin(), leaf.end());
  return Sha256::Hash(data);
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_VERIFIER_API_TEST_WORLD_H_
