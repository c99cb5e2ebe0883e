// Ledger records: accreditations, certificates and revocations, and the
// signed COSE_Sign1/CWT envelope around them (DESIGN.md, "Records" and
// "Pinned details"; the byte-level grammar is at the top of
// ledger/record.cpp and in docs/FORMATS.md).
//
// Decoding checks structure only: the shape and type of every field, known
// codes, real calendar dates and fixed sizes; unknown fields are rejected.
// Domain rules (number format, scope, key validity, dates against the
// clock) belong to the issuer and the ledger. Nothing here touches storage.
//
// Thread safety: plain values and pure functions (SignRecord reads
// libsodium's thread-safe CSPRNG when it makes a cti).
#ifndef CERTLEDGER_RECORD_H_
#define CERTLEDGER_RECORD_H_

#include <compare>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <variant>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/cose.h"
#include "certledger/cwt.h"
#include "certledger/disclosure.h"
#include "certledger/ed25519.h"
#include "certledger/status.h"

namespace certledger {

// The largest record: its leaf [1, logged_at_ms, record] must fit in
// 65,535 bytes, and the leaf's own framing takes at most 14 of them
// (array head 1, version 1, uint64 9, bstr head 3).
constexpr std::size_t kMaxRecordBytes = 65535 - 14;
// Size of the cti of an accreditation or revocation.
constexpr std::size_t kRandomCtiSize = 16;

// A calendar date, written "YYYY-MM-DD" (years 0001 to 9999).
struct Date {
  int year = 0;
  int month = 0;
  int day = 0;

  // InvalidArgument unless `text` is exactly "YYYY-MM-DD" and a real date
  // (leap years included).
  static Result<Date> Parse(std::string_view text);
  std::string ToString() const;
  bool IsValid() const;
  friend auto operator<=>(const Date&, const Date&) = default;
};

enum class RecordKind { kAccreditation, kCertificate, kRevocation };
enum class CertificateType { kSkill, kTitle };

// Levels of both ladders; a certificate's level must belong to its type.
enum class Level {
  // Skill levels, lowest to highest.
  kApprentice, kSkill5, kSkill4, kSkill3, kSkill2, kSkill1, kSpecial, kChief,
  // Professional title levels, lowest to highest.
  kYuan, kAssistant, kIntermediate, kDeputySenior, kFullSenior,
};

// Routes of both families; a certificate's route must belong to its type
// (kCompetition belongs to both).
enum class Route {
  kExam, kCompetition, kDirect, kExemption,  // skill
  kReview, kGreenChannel, kDirectTrain, kOverseas, kRecommendation, kSkillToTitle,  // title
};

enum class RevocationReason { kSuperseded, kError, kFraud, kWithdrawn, kOther };
enum class AccreditationStatus { kActive, kWithdrawn };

// Wire codes ("accreditation", "skill", "1", "green_channel", ...) and
// their parsers (nullopt for an unknown code).
std::string_view RecordKindCode(RecordKind kind);
std::optional<RecordKind> ParseRecordKind(std::string_view code);
std::string_view CertificateTypeCode(CertificateType type);
std::optional<CertificateType> ParseCertificateType(std::string_view code);
std::string_view LevelCode(Level level);
std::optional<Level> ParseLevel(std::string_view code);  // either ladder
CertificateType LevelType(Level level);
std::string_view RouteCode(Route route);
std::optional<Route> ParseRoute(std::string_view code);  // either family
bool RouteAllowed(CertificateType type, Route route);
std::string_view RevocationReasonCode(RevocationReason reason);
std::optional<RevocationReason> ParseRevocationReason(std::string_view code);
std::string_view AccreditationStatusCode(AccreditationStatus status);
std::optional<AccreditationStatus> ParseAccreditationStatus(std::string_view code);

// Display names, Chinese and English: "一级/高级技师" / "Level 1 / Senior
// Technician", "职业技能等级证书" / "Skill Level Certificate", ...
std::string_view CertificateTypeNameZh(CertificateType type);
std::string_view CertificateTypeNameEn(CertificateType type);
std::string_view LevelNameZh(Level level);
std::string_view LevelNameEn(Level level);
std::string_view RouteNameZh(Route route);
std::string_view RouteNameEn(Route route);
std::string_view RevocationReasonNameZh(RevocationReason reason);
std::string_view RevocationReasonNameEn(RevocationReason reason);

// One public key of a certifying body, with its validity window.
struct AccreditedKey {
  PublicKey public_key;                  // "pk"
  std::uint64_t from = 0;                // "from", seconds
  std::optional<std::uint64_t> until;    // "until", seconds, > from
  std::optional<std::uint64_t> revoked;  // "revoked": key revoked from then on

  friend bool operator==(const AccreditedKey&, const AccreditedKey&) = default;
};

// What a body may certify. Codes are not checked against a catalogue here.
struct Scope {
  std::vector<std::string> occupations;  // "occupations": e.g. "6-18-01-01"
  std::vector<std::string> series;       // "series": title series codes
  std::vector<Level> levels;             // "levels"

  friend bool operator==(const Scope&, const Scope&) = default;
};

// Signed by the regulator: a certifying body, its keys and scope. A later
// accreditation of the same body supersedes the earlier one.
struct Accreditation {
  std::string body;     // "body": the body id (the iss of its records)
  std::string name_zh;  // "name_zh"
  std::string name_en;  // "name_en"
  std::vector<AccreditedKey> keys;  // "keys": at least one, no duplicates
  Scope scope;                      // "scope"
  std::uint64_t from = 0;           // "from", seconds
  std::uint64_t until = 0;          // "until", seconds, > from
  AccreditationStatus status = AccreditationStatus::kActive;  // "status"

  friend bool operator==(const Accreditation&, const Accreditation&) = default;
};

// Signed by an issuer key: one skill level certificate or professional title.
struct Certificate {
  std::string number;  // "no": 1 to 64 bytes, no whitespace or control chars
  CertificateType type = CertificateType::kSkill;  // "type"
  Level level = Level::kSkill5;                    // "level", of `type`
  Route route = Route::kExam;                      // "route", of `type`
  Date issued;                                     // "issued"
  Date evaluated;                                  // "evaluated"
  std::optional<Date> expires;                     // "expires"
  Commitments holder;  // "holder": exactly "name" and "id" commitments
  // Skill certificates only (required for them, absent for titles):
  std::string occupation;       // "occ": occupation code
  std::string occupation_name;  // "occ_name"
  std::string work_type;        // "work": work type, "--" if none
  std::string project;          // "project": evaluation project id
  // Professional titles only (required for them, absent for skills):
  std::string series;     // "series"
  std::string specialty;  // "specialty"
  std::string committee;  // "committee": the evaluation committee's name
  std::optional<std::string> foreign;  // "foreign": required iff route is kOverseas

  friend bool operator==(const Certificate&, const Certificate&) = default;
};

// Signed by the certificate's issuer or the regulator.
struct Revocation {
  std::string number;  // "no": the revoked certificate
  RevocationReason reason = RevocationReason::kOther;  // "reason"
  std::uint64_t at = 0;                               // "at", seconds
  std::optional<std::string> by;  // "by": the superseding certificate;
                                  // required when reason is kSuperseded

  friend bool operator==(const Revocation&, const Revocation&) = default;
};

// Whether `scope` covers `certificate`: its level, and its occupation (skill)
// or series (title).
bool InScope(const Scope& scope, const Certificate& certificate);

using RecordBody = std::variant<Accreditation, Certificate, Revocation>;

RecordKind KindOf(const RecordBody& body);

// The body map (with "k"). Validates exactly as DecodeRecordBody does, so
// only decodable bodies are ever encoded; InvalidArgument otherwise.
[[nodiscard]] Result<cbor::Value> EncodeRecordBody(const RecordBody& body);
// Reads a body map. InvalidArgument naming the kind and field, e.g.
// `certificate: missing field "no"`, `certificate: unknown field "x"`,
// `certificate: field "level": unknown skill level "9"`,
// `accreditation: field "keys[0].pk": expected 32 bytes, got 31`.
[[nodiscard]] Result<RecordBody> DecodeRecordBody(const cbor::Value& body);

// A signed record: its exact bytes and what they say. Copyable value.
struct SignedRecord {
  Bytes bytes;        // the COSE_Sign1 message exactly as signed and logged
  cose::Sign1 cose;   // its parsed parts (the signature is over these)
  KeyId kid{};        // the signer's key id, from the protected header
  cwt::Claims claims;
  RecordKind kind = RecordKind::kCertificate;
  RecordBody body;

  const Accreditation* accreditation() const { return std::get_if<Accreditation>(&body); }
  const Certificate* certificate() const { return std::get_if<Certificate>(&body); }
  const Revocation* revocation() const { return std::get_if<Revocation>(&body); }
};

// Signs a record with `key`: protected header {alg: EdDSA, kid: key's id},
// empty unprotected header, payload the CWT claims set. An empty
// claims.cti is filled in: a certificate's number (UTF-8), or 16 random
// bytes for the other kinds. Errors: InvalidArgument if the body or the
// claims are invalid (see DecodeRecordBody and ParseRecord) or the record
// would exceed kMaxRecordBytes.
[[nodiscard]] Result<SignedRecord> SignRecord(const RecordBody& body, cwt::Claims claims,
                                              const SecretKey& key);

// Parses a record's structure without checking its signature.
// InvalidArgument (message names the layer: "record: ", "cose: ", "cwt: ",
// or the kind) when: it exceeds kMaxRecordBytes; it is not a tagged
// COSE_Sign1 (cose::ParseSign1); its protected header is anything but
// {1: -8 or -19, 4: 8-byte kid}; its unprotected header is not empty (it is
// not signed, so it could make copies of one record with other bytes);
// its payload is not deterministic CBOR holding a valid claims set and
// body; a certificate's cti is not its number, or another kind's cti is
// not 16 bytes.
[[nodiscard]] Result<SignedRecord> ParseRecord(ByteView bytes);

// OK if `record` is signed by `key`. VerificationFailed with reason
// "kid_mismatch" if the kid is not key.Id(), "bad_signature" if the
// signature does not verify.
[[nodiscard]] Status VerifyRecordSignature(const SignedRecord& record, const PublicKey& key);

}  // namespace certledger

#endif  // CERTLEDGER_RECORD_H_
