// record_bench: what certledger's record codec costs per record, beside
// the raw libsodium signature operations over the same bytes, measured in
// the same run. The record is a skill certificate with holder commitments,
// as the issuer makes them (about 380 bytes).
//
//   ParseRecord              the whole record: COSE, headers, CWT, body
//   cbor::Decode             the record's CBOR alone, into a value tree
//   VerifyRecordSignature    Sig_structure plus Ed25519 verification
//   SignRecord               encode, sign, and the SignedRecord value
//   raw verify / raw sign    crypto_sign_verify_detached / crypto_sign_detached
//                            over the record's exact Sig_structure
//
// Each figure is the best of three runs of about 0.3 s; the unit is
// microseconds per record on one thread. About 6 seconds.
#include <sodium.h>

#include <algorithm>
#include <cstdint>
#include <cstdio>
#include <functional>

#include "bench_util.h"
#include "certledger/cbor.h"
#include "certledger/disclosure.h"
#include "certledger/record.h"

namespace {

using namespace certledger;

volatile std::uint64_t g_sink = 0;

// Microseconds per call of `op`, the best of three runs of about 0.3 s.
double MicrosPerOp(const std::function<void()>& op) {
  double best = 0;
  for (int round = 0; round < 3; ++round) best = std::max(best, bench::RatePerSecond(op, 0.3));
  return 1e6 / best;
}

Certificate SampleCertificate() {
  Certificate c;
  c.number = "Y0001310001232510000042";
  c.number.pop_back();  // 22 characters
  c.type = CertificateType::kSkill;
  c.level = Level::kSkill2;
  c.route = Route::kExam;
  c.issued = Date{2026, 1, 10};
  c.evaluated = Date{2026, 1, 5};
  Bytes salt(16, 7);
  auto name = MakeDisclosureWithSalt(salt, "name", "王建国");
  auto id = MakeDisclosureWithSalt(salt, "id", "310101199001011234");
  if (!name.ok() || !id.ok()) bench::Die("disclosures");
  c.holder = bench::Check(CommitmentsOf({*name, *id}), "commitments");
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "--";
  c.project = "P-42";
  return c;
}

}  // namespace

int main() {
  InitSodium();
  Bytes seed(32, 3);
  SecretKey key = bench::Check(SecretKey::FromSeed(seed), "key");
  const Certificate certificate = SampleCertificate();
  const cwt::Claims claims{"alpha-works", 1767657600, std::nullopt, {}};
  SignedRecord record = bench::Check(SignRecord(certificate, claims, key), "sign");
  const Bytes sig_structure =
      cose::SigStructure(record.cose.protected_bytes, {}, record.cose.payload);
  unsigned char raw_pk[crypto_sign_PUBLICKEYBYTES];
  unsigned char raw_sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_seed_keypair(raw_pk, raw_sk, seed.data());

  std::printf("record: %zu bytes, payload %zu, Sig_structure %zu\n\n", record.bytes.size(),
              record.cose.payload.size(), sig_structure.size());
  std::printf("%-34s %10s\n", "operation", "us/record");
  auto row = [](const char* name, double us) { std::printf("%-34s %10.2f\n", name, us); };

  double raw_verify = MicrosPerOp([&] {
    if (crypto_sign_verify_detached(record.cose.signature.data(), sig_structure.data(),
                                    sig_structure.size(), raw_pk) != 0) {
      bench::Die("raw verify failed");
    }
  });
  double raw_sign = MicrosPerOp([&] {
    unsigned char s[crypto_sign_BYTES];
    crypto_sign_detached(s, nullptr, sig_structure.data(), sig_structure.size(), raw_sk);
    g_sink = g_sink + s[0];
  });
  double parse = MicrosPerOp([&] {
    SignedRecord r = bench::Check(ParseRecord(record.bytes), "parse");
    g_sink = g_sink + r.bytes.size();
  });
  double decode = MicrosPerOp([&] {
    cbor::Value v = bench::Check(cbor::Decode(record.bytes), "decode");
    g_sink = g_sink + static_cast<std::uint64_t>(v.type());
  });
  double verify = MicrosPerOp([&] {
    if (!VerifyRecordSignature(record, key.public_key()).ok()) bench::Die("verify failed");
  });
  double sign = MicrosPerOp([&] {
    SignedRecord r = bench::Check(SignRecord(certificate, claims, key), "sign");
    g_sink = g_sink + r.bytes.size();
  });
  row("raw verify (libsodium)", raw_verify);
  row("VerifyRecordSignature", verify);
  row("  overhead over raw verify", verify - raw_verify);
  row("ParseRecord", parse);
  row("  of it cbor::Decode of the record", decode);
  row("raw sign (libsodium)", raw_sign);
  row("SignRecord", sign);
  row("  overhead over raw sign", sign - raw_sign);
  std::printf("\nparse + verify / raw verify: %.2f\n", (parse + verify) / raw_verify);
  sodium_memzero(raw_sk, sizeof raw_sk);
  return 0;
}
