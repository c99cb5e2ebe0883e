// The regulator's input: accreditation files, key rotation, key revocation,
// withdrawal, and what the ledger makes of them.
#include <catch2/catch.hpp>

#include "certledger/accreditation_input.h"
#include "issuer_test_util.h"

using namespace certledger;
using namespace certledger::issuer_test;

namespace {

std::string VerifierKey(const NamedSecretKey& k) { return *FormatVerifierKey(k.Public()); }

PublicKeyReader NoFiles() {
  return [](std::string_view path) -> Result<NamedPublicKey> {
    return Status::NotFound("no such file: " + std::string(path));
  };
}

std::string File(const std::string& key_line) {
  return "# the example body\n"
         "body        = alpha-works\n"
         "name_zh     = 阿尔法工厂\n"
         "name_en     = Alpha Works\n"
         "from        = 2025-01-01\n"
         "until       = 2028-01-01T00:00:00Z\n"
         "occupations = 6-18-01-01, 6-29-03-01\n"
         "series      = engineering\n"
         "levels      = 3, 2, 一级/高级技师, 中级\n"
         "key         = " + key_line + "\n";
}

}  // namespace

TEST_CASE("accredit: times", "[issuer][accredit]") {
  // 2025-01-01 00:00 in China is 2024-12-31T16:00:00Z = 1735660800 (Python's
  // datetime); 2026-01-10T12:00:00Z = 1768046400.
  CHECK(*ParseTime("2025-01-01") == 1735660800);
  CHECK(*ParseTime("2026-01-10T12:00:00Z") == 1768046400);
  CHECK(*ParseTime("2026-01-10T20:00:00+08:00") == 1768046400);
  CHECK(*ParseTime("2026-01-10T07:00:00-05:00") == 1768046400);
  CHECK(*ParseTime("@1768046400") == 1768046400);
  CHECK(ParseTime("2026-01-10 12:00").status().message() ==
        "\"2026-01-10 12:00\" is not a time (expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, "
        "YYYY-MM-DDTHH:MM:SS+08:00 or @SECONDS)");
  CHECK(!ParseTime("2026-02-30").ok());
  CHECK(!ParseTime("2026-01-10T24:00:00Z").ok());
  CHECK(!ParseTime("@").ok());
}

TEST_CASE("accredit: a file gives the accreditation it describes", "[issuer][accredit]") {
  World w;
  auto a = ParseAccreditationInput(File(VerifierKey(w.alpha) + " until=2027-01-01 revoked=@1800000000"),
                                   NoFiles());
  REQUIRE(a.ok());
  CHECK(a->body == "alpha-works");
  CHECK(a->name_zh == "阿尔法工厂");
  CHECK(a->from == 1735660800);
  CHECK(a->until == 1830297600);  // 2028-01-01T00:00:00Z
  CHECK(a->scope.occupations == std::vector<std::string>{"6-18-01-01", "6-29-03-01"});
  CHECK(a->scope.series == std::vector<std::string>{"engineering"});
  CHECK(a->scope.levels ==
        std::vector<Level>{Level::kSkill3, Level::kSkill2, Level::kSkill1, Level::kIntermediate});
  REQUIRE(a->keys.size() == 1);
  CHECK(a->keys[0].public_key == w.alpha.key.public_key());
  CHECK(a->keys[0].from == a->from);
  CHECK(a->keys[0].until == std::optional<std::uint64_t>(1798732800));  // 2027-01-01 China
  CHECK(a->keys[0].revoked == std::optional<std::uint64_t>(1800000000));
  CHECK(a->status == AccreditationStatus::kActive);
  // It encodes as a record body.
  CHECK(EncodeRecordBody(*a).ok());
}

TEST_CASE("accredit: key files are read through the caller", "[issuer][accredit]") {
  World w;
  std::string asked;
  auto a = ParseAccreditationInput(File("keys/alpha.pub"), [&](std::string_view path) {
    asked = std::string(path);
    return Result<NamedPublicKey>(w.alpha.Public());
  });
  REQUIRE(a.ok());
  CHECK(asked == "keys/alpha.pub");
  auto missing = ParseAccreditationInput(File("keys/none.pub"), NoFiles());
  CHECK(missing.status().message() == "line 10: no such file: keys/none.pub");
}

TEST_CASE("accredit: input errors name the line", "[issuer][accredit]") {
  World w;
  const std::string key = VerifierKey(w.alpha);
  auto msg = [](const std::string& text) {
    return ParseAccreditationInput(text, NoFiles()).status().message();
  };
  CHECK(msg(File(key) + "colour = red\n") == "line 11: unknown key \"colour\"");
  CHECK(msg(File(key) + "body = x\n") == "line 11: \"body\" is given twice");
  CHECK(msg(File(key + " since=2025-01-01")) ==
        "line 10: unknown key option \"since=2025-01-01\" (from=, until=, revoked=)");
  CHECK(msg(File(key) + "status = paused\n") ==
        "line 11: unknown status \"paused\" (active or withdrawn)");
  std::string bad_level = File(key);
  bad_level.replace(bad_level.find("3, 2"), 4, "3, 9");
  CHECK(msg(bad_level) == "line 9: unknown level \"9\"");
  std::string bad_occ = File(key);
  bad_occ.replace(bad_occ.find("6-29-03-01"), 10, "6-29-3-01");
  CHECK(msg(bad_occ) ==
        "occupations: malformed occupation code \"6-29-3-01\": expected the form 6-18-01-01 "
        "(major category 1-8, then three two-digit groups)");
  CHECK(msg("body = b\n") == "missing \"name_zh\"");
  std::string no_key = File(key);
  no_key.resize(no_key.find("key "));
  CHECK(msg(no_key) == "missing \"key\"");
  CHECK(msg(File(key + " until=2024-01-01")) == "key " + HexEncode(w.alpha.key.public_key().Id()) +
                                                    ": until is not after from");
  std::string dup = File(key) + "key = " + key + "\n";
  CHECK(msg(dup) == "key " + HexEncode(w.alpha.key.public_key().Id()) + " is listed twice");
  std::string titles_only = File(key);
  titles_only.replace(titles_only.find("series      = engineering"), 25, "series      =");
  CHECK(msg(titles_only) == "levels: title level 中级 given, but no series");
}

TEST_CASE("accredit: rotation, key revocation and withdrawal as the ledger sees them",
          "[issuer][accredit]") {
  World w;
  TempDir dir("accredit_ledger");
  auto ledger = w.AccreditedLedger(dir.path() + "/ledger");
  NamedSecretKey next = KeyFromByte("alpha-works", 9);
  auto certify = [&](const NamedSecretKey& key, const std::string& number) {
    Certificate c;
    c.number = number;
    c.type = CertificateType::kSkill;
    c.level = Level::kSkill1;
    c.route = Route::kExam;
    c.issued = Date{2026, 1, 5};
    c.evaluated = Date{2025, 12, 20};
    c.holder = {{"name", Hash256{}}, {"id", Hash256{}}};
    c.occupation = "6-18-01-01";
    c.occupation_name = "车工";
    c.work_type = "--";
    c.project = "P";
    auto r = SignRecord(c, cwt::Claims{"alpha-works", w.now_ms / 1000, std::nullopt, {}}, key.key);
    REQUIRE(r.ok());
    return ledger->Submit(r->bytes).status();
  };
  auto accredit = [&](const Accreditation& a) {
    auto r = SignRecord(a, cwt::Claims{w.regulator.name, w.now_ms / 1000, std::nullopt, {}},
                        w.regulator.key);
    REQUIRE(r.ok());
    REQUIRE(ledger->Submit(r->bytes).ok());
  };
  const Accreditation base = w.AlphaAccreditation();
  const std::uint64_t t = w.now_ms / 1000;

  // Rotation at t + 1 day: the old key works until then, the new one after.
  auto rotated = RotateKey(base, next.key.public_key(), t + 86400);
  REQUIRE(rotated.ok());
  REQUIRE(rotated->keys.size() == 2);
  CHECK(rotated->keys[0].until == std::optional<std::uint64_t>(t + 86400));
  CHECK(rotated->keys[1].from == t + 86400);
  CHECK(RotateKey(*rotated, next.key.public_key(), t).status().message() ==
        "key " + HexEncode(next.key.public_key().Id()) + " is already accredited");
  accredit(*rotated);
  CHECK(certify(w.alpha, "Y000131000123261000001").ok());
  CHECK(certify(next, "Y000131000123261000002").reason() == "key_not_yet_valid");
  w.now_ms += 2 * 86400 * 1000;
  CHECK(certify(w.alpha, "Y000131000123261000003").reason() == "key_expired");
  CHECK(certify(next, "Y000131000123261000004").ok());

  // The new key revoked from now on.
  auto revoked = RevokeKey(*rotated, next.key.public_key(), w.now_ms / 1000);
  REQUIRE(revoked.ok());
  CHECK(RevokeKey(*revoked, next.key.public_key(), 1).status().code() ==
        StatusCode::kAlreadyExists);
  CHECK(RevokeKey(*revoked, KeyFromByte("x", 42).key.public_key(), 1).status().code() ==
        StatusCode::kNotFound);
  accredit(*revoked);
  CHECK(certify(next, "Y000131000123261000005").reason() == "key_revoked");

  // Withdrawal.
  auto withdrawn = Withdraw(*rotated);
  REQUIRE(withdrawn.ok());
  CHECK(Withdraw(*withdrawn).status().code() == StatusCode::kAlreadyExists);
  accredit(*withdrawn);
  CHECK(certify(next, "Y000131000123261000006").reason() == "accreditation_withdrawn");
}
