#include "certledger/verify.h"

#include <algorithm>
#include <string>
#include <unordered_set>

#include "certledger/disclosure.h"
#include "certledger/sha256.h"

namespace certledger {
namespace {

constexpr std::int64_t kChinaUtcOffset = 8 * 3600;

Verification Fail(Verification v, Verdict verdict, std::string reason) {
  v.verdict = verdict;
  v.reason = std::move(reason);
  return v;
}

// Accreditation signatures this thread has seen verify, by SHA-256 over the
// regulator key and the record's bytes. A verifier checks the same few
// accreditations on every request; a signature over the same bytes with
// the same key verifies the same way every time, so a success is
// remembered (failures are not). Bounded: cleared when full.
bool RegulatorSigned(const SignedRecord& r, const PublicKey& regulator_key) {
  thread_local std::unordered_set<std::string> verified;
  thread_local Sha256 h;
  h.Update(regulator_key.view());
  h.Update(r.bytes);
  const Hash256 digest = h.Finish();
  std::string key(reinterpret_cast<const char*>(digest.data()), digest.size());
  if (verified.contains(key)) return true;
  if (!VerifyRecordSignature(r, regulator_key).ok()) return false;
  if (verified.size() >= 4096) verified.clear();
  verified.insert(std::move(key));
  return true;
}

// The accreditation in force at `at`: the latest (by iat) valid one issued
// no later than `at`. Accreditations not signed by the regulator are
// ignored: anyone can put bytes in front of a verifier.
const SignedRecord* AccreditationAt(const std::vector<SignedRecord>& accreditations,
                                    const PublicKey& regulator_key, std::string_view body,
                                    std::uint64_t at) {
  const SignedRecord* best = nullptr;
  for (const SignedRecord& r : accreditations) {
    const Accreditation* a = r.accreditation();
    if (a == nullptr || a->body != body || r.claims.iat > at) continue;
    if (!RegulatorSigned(r, regulator_key)) continue;
    if (best == nullptr || r.claims.iat >= best->claims.iat) best = &r;
  }
  return best;
}

}  // namespace

Date ChinaDateOf(std::uint64_t unix_seconds) {
  // Days since 1970-01-01 to a civil date (Howard Hinnant's algorithm).
  std::int64_t z = (static_cast<std::int64_t>(unix_seconds) + kChinaUtcOffset) / 86400 + 719468;
  std::int64_t era = z / 146097;
  std::int64_t doe = z - era * 146097;
  std::int64_t yoe = (doe - doe / 1460 + doe / 36524 - doe / 146096) / 365;
  std::int64_t doy = doe - (365 * yoe + yoe / 4 - yoe / 100);
  std::int64_t mp = (5 * doy + 2) / 153;
  int day = static_cast<int>(doy - (153 * mp + 2) / 5 + 1);
  int month = static_cast<int>(mp < 10 ? mp + 3 : mp - 9);
  int year = static_cast<int>(yoe + era * 400 + (month <= 2 ? 1 : 0));
  return Date{year, month, day};
}

Verification VerifyPayload(const QrPayload& payload, const PublicKey& regulator_key,
                           const std::vector<SignedRecord>& accreditations,
                           std::optional<std::uint64_t> judged_at, std::uint64_t now) {
  auto record = ParseRecord(payload.record);
  if (!record.ok()) return Fail(Verification(), Verdict::kMalformed, record.status().message());
  return VerifyPayload(payload, std::move(*record), regulator_key, accreditations, judged_at, now);
}

Verification VerifyPayload(const QrPayload& payload, SignedRecord parsed,
                           const PublicKey& regulator_key,
                           const std::vector<SignedRecord>& accreditations,
                           std::optional<std::uint64_t> judged_at, std::uint64_t now) {
  Verification v;
  v.record = std::move(parsed);
  const SignedRecord* record = &*v.record;
  const Certificate* cert = record->certificate();
  if (cert == nullptr) {
    return Fail(v, Verdict::kMalformed,
                "the QR code holds a " + std::string(RecordKindCode(record->kind)) +
                    " record, not a certificate");
  }
  const std::uint64_t at = judged_at.value_or(record->claims.iat);

  const SignedRecord* acc_record =
      AccreditationAt(accreditations, regulator_key, record->claims.iss, at);
  if (acc_record == nullptr) {
    return Fail(v, Verdict::kUnknownIssuer,
                "no accreditation of \"" + record->claims.iss + "\" signed by the regulator");
  }
  const Accreditation& acc = *acc_record->accreditation();
  v.issuer = acc;
  auto key = std::find_if(acc.keys.begin(), acc.keys.end(), [&](const AccreditedKey& k) {
    return k.public_key.Id() == record->kid;
  });
  if (key == acc.keys.end()) {
    return Fail(v, Verdict::kUnknownIssuer,
                "the signing key " + HexEncode(record->kid) + " is not one of " + acc.body +
                    "'s accredited keys");
  }
  if (Status s = VerifyRecordSignature(*record, key->public_key); !s.ok()) {
    return Fail(v, Verdict::kBadSignature, "the certificate's signature does not verify");
  }
  if (key->revoked && *key->revoked <= at) {
    return Fail(v, Verdict::kKeyRevoked, "the signing key was revoked before the certificate was " +
                                             std::string(judged_at ? "logged" : "issued"));
  }
  if (at < key->from || (key->until && at >= *key->until)) {
    return Fail(v, Verdict::kKeyRevoked, "the signing key was not valid at that time");
  }
  if (acc.status == AccreditationStatus::kWithdrawn) {
    return Fail(v, Verdict::kUnknownIssuer, "the accreditation of " + acc.body + " was withdrawn");
  }
  if (at < acc.from || at >= acc.until) {
    return Fail(v, Verdict::kOutOfScope, "issued outside the accreditation period of " + acc.body);
  }
  if (!InScope(acc.scope, *cert)) {
    return Fail(v, Verdict::kOutOfScope,
                acc.body + " is not accredited for " +
                    (cert->type == CertificateType::kSkill ? cert->occupation : cert->series) +
                    " at level " + std::string(LevelCode(cert->level)));
  }
  if (Status s = VerifyDisclosures(cert->holder, payload.disclosures); !s.ok()) {
    return Fail(v, Verdict::kBadSignature,
                "the holder's details in the QR code were altered: " + s.message());
  }
  for (const Disclosure& d : payload.disclosures) {
    if (d.name == "name") v.holder_name = d.value;
    if (d.name == "id") v.holder_id_masked = MaskId(d.value);
  }
  if (cert->expires && *cert->expires < ChinaDateOf(now)) {
    return Fail(v, Verdict::kExpired, "expired on " + cert->expires->ToString());
  }
  v.verdict = Verdict::kValid;
  v.reason = "signed by " + acc.body + " within its accreditation; holder details match";
  return v;
}

Verification VerifyOffline(std::string_view qr_text, const OfflineTrust& trust,
                           std::uint64_t now) {
  auto payload = DecodeQrText(qr_text);
  if (!payload.ok()) {
    Verification v;
    return Fail(v, Verdict::kMalformed, payload.status().message());
  }
  Verification v =
      VerifyPayload(*payload, trust.regulator_key, trust.accreditations, std::nullopt, now);
  v.qr_base_url = QrUrlBase(qr_text);
  if (v.verdict == Verdict::kValid) v.reason += " (offline: the ledger was not consulted)";
  return v;
}

}  // namespace certledger
