#include "certledger/validation.h"

#include <algorithm>
#include <mutex>

namespace certledger {
namespace {

Status Refuse(std::string_view reason, std::string message) {
  return Status::VerificationFailed(std::move(message)).WithReason(std::string(reason));
}

std::string Quote(std::string_view s) { return "\"" + std::string(s) + "\""; }

}  // namespace

Validator::Validator(LogRules rules)
    : rules_(std::move(rules)), regulator_kid_(rules_.regulator.key.Id()) {}

PreparedRecord Validator::Prepare(Bytes bytes) const {
  PreparedRecord p;
  p.record_hash = Sha256::Hash(bytes);
  p.bytes = std::move(bytes);
  auto parsed = ParseRecord(p.bytes);
  if (!parsed.ok()) {
    bool too_large = p.bytes.size() > kMaxRecordBytes;
    p.parse_status = parsed.status().WithReason(too_large ? "too_large" : "malformed");
    return p;
  }
  p.record = std::move(parsed).value();
  std::optional<PublicKey> key;
  if (p.record->kid == regulator_kid_) {
    key = rules_.regulator.key;
  } else {
    std::shared_lock lock(mu_);
    if (auto it = keys_.find(p.record->kid); it != keys_.end()) key = it->second;
  }
  if (key) {
    if (VerifyRecordSignature(*p.record, *key).ok()) {
      p.verified_with = key;
    } else {
      p.signature_failed = true;
    }
  }
  return p;
}

Status Validator::CheckSignature(const PreparedRecord& p, const PublicKey& key) const {
  if (p.verified_with && *p.verified_with == key) return Status::OK();
  if (Status s = VerifyRecordSignature(*p.record, key); !s.ok()) {
    return Refuse("bad_signature", "the record's signature does not verify with key " +
                                       HexEncode(p.record->kid));
  }
  return Status::OK();
}

const LoggedAccreditation* Validator::AtLocked(std::string_view body, std::uint64_t t) const {
  auto it = accreditations_.find(body);
  if (it == accreditations_.end()) return nullptr;
  const LoggedAccreditation* found = nullptr;
  for (const LoggedAccreditation& a : it->second) {
    if (a.logged_at_ms / 1000 > t) break;
    found = &a;
  }
  return found;
}

Status Validator::CheckIssuerKey(const PreparedRecord& p, const Accreditation& acc,
                                 std::uint64_t t) const {
  auto key = std::find_if(acc.keys.begin(), acc.keys.end(), [&](const AccreditedKey& k) {
    return k.public_key.Id() == p.record->kid;
  });
  if (key == acc.keys.end()) {
    return Refuse("unknown_key", "key " + HexEncode(p.record->kid) + " is not an accredited key of " +
                                     Quote(acc.body));
  }
  CL_RETURN_IF_ERROR(CheckSignature(p, key->public_key));
  const std::string kid = HexEncode(p.record->kid);
  if (t < key->from) {
    return Refuse("key_not_yet_valid", "key " + kid + " of " + Quote(acc.body) +
                                           " is valid only from " + std::to_string(key->from));
  }
  if (key->until && t >= *key->until) {
    return Refuse("key_expired", "key " + kid + " of " + Quote(acc.body) + " expired at " +
                                     std::to_string(*key->until));
  }
  if (key->revoked && t >= *key->revoked) {
    return Refuse("key_revoked", "key " + kid + " of " + Quote(acc.body) + " was revoked at " +
                                     std::to_string(*key->revoked));
  }
  return Status::OK();
}

Status Validator::CheckAccreditation(const PreparedRecord& p, std::uint64_t) const {
  const SignedRecord& r = *p.record;
  if (r.kid != regulator_kid_ || r.claims.iss != rules_.regulator.name) {
    return Refuse("not_regulator", "an accreditation must be signed by the regulator " +
                                       Quote(rules_.regulator.name));
  }
  CL_RETURN_IF_ERROR(CheckSignature(p, rules_.regulator.key));
  if (r.accreditation()->body == rules_.regulator.name) {
    return Refuse("not_regulator", "the regulator cannot accredit itself");
  }
  return Status::OK();
}

Status Validator::CheckCertificate(const PreparedRecord& p, std::uint64_t t,
                                   const CertificateLookup& certificates) const {
  const SignedRecord& r = *p.record;
  const Certificate& cert = *r.certificate();
  {
    std::shared_lock lock(mu_);
    const LoggedAccreditation* logged = AtLocked(r.claims.iss, t);
    if (logged == nullptr) {
      return Refuse("not_accredited", Quote(r.claims.iss) + " is not an accredited body");
    }
    const Accreditation& acc = logged->accreditation;
    CL_RETURN_IF_ERROR(CheckIssuerKey(p, acc, t));
    if (acc.status == AccreditationStatus::kWithdrawn) {
      return Refuse("accreditation_withdrawn",
                    "the accreditation of " + Quote(acc.body) + " was withdrawn");
    }
    if (t < acc.from || t >= acc.until) {
      return Refuse("accreditation_not_in_force",
                    "the accreditation of " + Quote(acc.body) + " is not in force at " +
                        std::to_string(t));
    }
    if (!InScope(acc.scope, cert)) {
      bool skill = cert.type == CertificateType::kSkill;
      return Refuse("out_of_scope", Quote(acc.body) + " is not accredited for " +
                                        (skill ? "occupation " : "series ") +
                                        Quote(skill ? cert.occupation : cert.series) +
                                        " at level " + Quote(LevelCode(cert.level)));
    }
  }
  CL_ASSIGN_OR_RETURN(bool exists, certificates.Exists(cert.number));
  if (exists) {
    return Status::AlreadyExists("certificate number " + Quote(cert.number) +
                                 " is already in the log")
        .WithReason("number_in_use");
  }
  return Status::OK();
}

Status Validator::CheckRevocation(const PreparedRecord& p, std::uint64_t t,
                                  const CertificateLookup& certificates) const {
  const SignedRecord& r = *p.record;
  const Revocation& rev = *r.revocation();
  CL_ASSIGN_OR_RETURN(auto target, certificates.Find(rev.number));
  if (!target) {
    return Refuse("unknown_certificate",
                  "no certificate numbered " + Quote(rev.number) + " is in the log");
  }
  if (r.kid == regulator_kid_ && r.claims.iss == rules_.regulator.name) {
    CL_RETURN_IF_ERROR(CheckSignature(p, rules_.regulator.key));
  } else {
    if (r.claims.iss != target->issuer) {
      return Refuse("not_authorized", Quote(r.claims.iss) + " cannot revoke certificate " +
                                          Quote(rev.number) + " issued by " +
                                          Quote(target->issuer));
    }
    std::shared_lock lock(mu_);
    const LoggedAccreditation* logged = AtLocked(r.claims.iss, t);
    if (logged == nullptr) {
      return Refuse("not_accredited", Quote(r.claims.iss) + " is not an accredited body");
    }
    CL_RETURN_IF_ERROR(CheckIssuerKey(p, logged->accreditation, t));
  }
  if (target->revoked) {
    return Status::AlreadyExists("certificate " + Quote(rev.number) + " is already revoked")
        .WithReason("already_revoked");
  }
  if (rev.by) {
    CL_ASSIGN_OR_RETURN(auto successor, certificates.Find(*rev.by));
    if (!successor || successor->issuer != target->issuer) {
      return Refuse("unknown_superseding",
                    "the superseding certificate " + Quote(*rev.by) +
                        " is not in the log as a certificate of " + Quote(target->issuer));
    }
  }
  return Status::OK();
}

Result<RecordEffects> Validator::Validate(const PreparedRecord& p, std::uint64_t index,
                                          std::uint64_t logged_at_ms,
                                          const CertificateLookup& certificates) {
  if (!p.parse_status.ok()) return p.parse_status;
  if (!p.record) return Status::Internal("validate: record was not prepared");
  const SignedRecord& r = *p.record;
  const std::uint64_t t = logged_at_ms / 1000;
  if (r.claims.iat > t + rules_.max_clock_skew_seconds) {
    return Refuse("iat_in_future", "the record's iat " + std::to_string(r.claims.iat) +
                                       " is after its logging time " + std::to_string(t));
  }
  RecordEffects effects;
  effects.kind = r.kind;
  effects.issuer = r.claims.iss;
  switch (r.kind) {
    case RecordKind::kAccreditation: {
      CL_RETURN_IF_ERROR(CheckAccreditation(p, t));
      effects.accredited_body = r.accreditation()->body;
      std::unique_lock lock(mu_);
      AddAccreditation({index, logged_at_ms, *r.accreditation()});
      break;
    }
    case RecordKind::kCertificate:
      CL_RETURN_IF_ERROR(CheckCertificate(p, t, certificates));
      effects.certificate_number = r.certificate()->number;
      break;
    case RecordKind::kRevocation:
      CL_RETURN_IF_ERROR(CheckRevocation(p, t, certificates));
      effects.revoked_certificate_number = r.revocation()->number;
      break;
  }
  return effects;
}

void Validator::AddAccreditation(LoggedAccreditation logged) {
  for (const AccreditedKey& k : logged.accreditation.keys) {
    keys_.emplace(k.public_key.Id(), k.public_key);
  }
  accreditations_[logged.accreditation.body].push_back(std::move(logged));
}

Status Validator::Load(const SignedRecord& record, std::uint64_t index,
                       std::uint64_t logged_at_ms) {
  const Accreditation* acc = record.accreditation();
  if (acc == nullptr) return Status::InvalidArgument("load: not an accreditation record");
  std::unique_lock lock(mu_);
  auto it = accreditations_.find(acc->body);
  if (it != accreditations_.end() && !it->second.empty() && it->second.back().index >= index) {
    return Status::Corruption("accreditation entry " + std::to_string(index) + " of " +
                              Quote(acc->body) + " is out of log order");
  }
  AddAccreditation({index, logged_at_ms, *acc});
  return Status::OK();
}

void Validator::Rollback(std::uint64_t size) {
  std::unique_lock lock(mu_);
  for (auto it = accreditations_.begin(); it != accreditations_.end();) {
    auto& history = it->second;
    while (!history.empty() && history.back().index >= size) history.pop_back();
    it = history.empty() ? accreditations_.erase(it) : std::next(it);
  }
}

std::optional<LoggedAccreditation> Validator::AccreditationAt(std::string_view body,
                                                              std::uint64_t time_seconds) const {
  std::shared_lock lock(mu_);
  const LoggedAccreditation* a = AtLocked(body, time_seconds);
  if (a == nullptr) return std::nullopt;
  return *a;
}

std::vector<LoggedAccreditation> Validator::LatestAccreditations() const {
  std::shared_lock lock(mu_);
  std::vector<LoggedAccreditation> out;
  for (const auto& [body, history] : accreditations_) out.push_back(history.back());
  return out;
}

}  // namespace certledger
