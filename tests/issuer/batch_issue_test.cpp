// Issuing batches: numbers, ledger, files, re-runs, interruptions,
// corrections, revocations, and the holder's privacy.
#include <catch2/catch.hpp>

#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>

#include "certledger/qr_payload.h"
#include "certledger/revoke.h"
#include "issuer_test_util.h"

using namespace certledger;
using namespace certledger::issuer_test;

namespace {

// A sink that logs nothing (for runs that must not get that far).
class NullSink : public RecordSink {
 public:
  std::vector<Result<SinkReceipt>> Submit(std::vector<Bytes> records) override {
    return std::vector<Result<SinkReceipt>>(records.size(), Status::IOError("null sink"));
  }
  std::string Describe() const override { return "null sink"; }
};

struct Env {
  World world;
  TempDir dir{"batch_issue"};
  std::string ledger_path = dir.path() + "/ledger";
  std::string store_path = dir.path() + "/store";
  std::string out = dir.path() + "/out";
  IssuerProfile profile = Profile();
  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<EmbeddedLedgerSink> sink;
  std::unique_ptr<IssuerStore> store;

  void OpenAll() {
    ledger = std::filesystem::exists(ledger_path) ? world.OpenLedger(ledger_path)
                                                  : world.AccreditedLedger(ledger_path);
    sink = std::make_unique<EmbeddedLedgerSink>(*ledger, "test ledger");
    store = std::move(IssuerStore::Open(store_path)).value();
  }

  BatchReport Run(const std::string& csv) {
    BatchPlan plan = PlanBatch(csv, profile, *store, Options());
    for (const auto& e : plan.errors) INFO(e.ToString());
    REQUIRE(plan.errors.empty());
    auto report = IssueBatch(plan, profile, world.alpha.key, *store, *sink, Issue(out));
    if (!report.ok()) FAIL(report.status().ToString());
    return *report;
  }
};

Row Person(Row row, const std::string& name, const std::string& id) {
  row["name"] = name;
  row["id_number"] = id;
  return row;
}

// Valid resident ID numbers (check digits computed independently in Python).
const char* const kIds[] = {"310101199001011234", "310115198506120042", "310104199203052818",
                            "310228197811200076", "31010719870930452X", "320583198808083339"};

}  // namespace

TEST_CASE("issue: a batch is numbered, logged, and written as QR files", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  std::vector<std::string> stages;
  std::string csv = Csv({SkillRow(), Person(SkillRow(), "李秀英", kIds[1]), TitleRow(),
                         Person(With(SkillRow(), "level", "二级/技师"), "张伟", kIds[2])});
  BatchPlan plan = PlanBatch(csv, env.profile, *env.store, Options());
  REQUIRE(plan.errors.empty());
  IssueOptions options = Issue(env.out);
  options.progress = [&](std::string_view stage, std::size_t, std::size_t) {
    if (stages.empty() || stages.back() != stage) stages.emplace_back(stage);
  };
  auto report = IssueBatch(plan, env.profile, env.world.alpha.key, *env.store, *env.sink, options);
  REQUIRE(report.ok());
  CHECK(report->issued == 4);
  CHECK(report->repeated == 0);
  CHECK(report->refused == 0);
  CHECK(stages == std::vector<std::string>{"number", "sign", "store", "submit", "write"});
  // Numbers: Y + 0001 + 31 + 000123 + 26 + level + serial, per (year, level).
  REQUIRE(report->rows.size() == 4);
  CHECK(report->rows[0].number == "Y000131000123261000001");
  CHECK(report->rows[1].number == "Y000131000123261000002");
  CHECK(report->rows[2].number == "AWGC-2026-000001");
  CHECK(report->rows[3].number == "Y000131000123262000001");
  CHECK(report->rows[0].line == 2);
  CHECK(report->rows[0].receipt->index == 1);
  CHECK(report->rows[3].receipt->index == 4);

  // The files: the QR text decodes to the logged record and the holder's
  // disclosures, which match the record's commitments.
  for (const IssuedRow& r : report->rows) {
    const std::string base = env.out + "/" + r.number;
    INFO(base);
    CHECK(std::filesystem::exists(base + ".qr.png"));
    CHECK(Slurp(base + ".qr.svg").find("<svg") != std::string::npos);
    std::string text = Slurp(base + ".qr.txt");
    REQUIRE(text.starts_with("https://verify.example.cn/v#"));
    auto payload = DecodeQrText(text);
    REQUIRE(payload.ok());
    auto record = ParseRecord(payload->record);
    REQUIRE(record.ok());
    REQUIRE(record->certificate() != nullptr);
    CHECK(record->certificate()->number == r.number);
    CHECK(record->claims.iss == "alpha-works");
    CHECK(VerifyRecordSignature(*record, env.world.alpha.key.public_key()).ok());
    CHECK(VerifyDisclosures(record->certificate()->holder, payload->disclosures).ok());
    auto snapshot = env.ledger->Snapshot();
    CHECK(*snapshot->FindCertificate(r.number) == r.receipt->index);
  }
  auto payload = DecodeQrText(Slurp(env.out + "/AWGC-2026-000001.qr.txt"));
  CHECK(payload->disclosures[0].value == "陈志强");
  CHECK(payload->disclosures[1].value == "310228197811200076");
}

TEST_CASE("issue: running the same file again issues nothing twice", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  std::string csv = Csv({SkillRow(), Person(SkillRow(), "李秀英", kIds[1]), TitleRow()});
  BatchReport first = env.Run(csv);
  const std::uint64_t size = env.ledger->Snapshot()->size();
  std::filesystem::remove_all(env.out);  // even the files come back

  // Reopen everything, as a new process would.
  env.sink.reset();
  env.ledger.reset();
  env.store.reset();
  env.OpenAll();
  BatchReport second = env.Run(csv);
  CHECK(second.issued == 0);
  CHECK(second.repeated == 3);
  REQUIRE(second.rows.size() == 3);
  for (std::size_t i = 0; i < 3; ++i) {
    CHECK(second.rows[i].number == first.rows[i].number);
    CHECK(second.rows[i].repeated);
    CHECK(second.rows[i].receipt->duplicate);
    CHECK(second.rows[i].receipt->index == first.rows[i].receipt->index);
    CHECK(Slurp(env.out + "/" + first.rows[i].number + ".qr.txt").size() > 0);
  }
  CHECK(env.ledger->Snapshot()->size() == size);
  CHECK(env.store->certificate_count() == 3);
  CHECK(env.store->NextSerial("Y000131000123261") == 3);

  // A file with one row more issues that row only.
  std::string more = Csv({SkillRow(), Person(SkillRow(), "李秀英", kIds[1]), TitleRow(),
                          Person(SkillRow(), "张伟", kIds[2])});
  BatchReport third = env.Run(more);
  CHECK(third.issued == 1);
  CHECK(third.repeated == 3);
  CHECK(third.rows[3].number == "Y000131000123261000003");
}

TEST_CASE("issue: a run killed after reserving serials never reuses them", "[issuer][issue]") {
  Env env;
  std::string csv = Csv({SkillRow(), Person(SkillRow(), "李秀英", kIds[1]),
                         Person(SkillRow(), "张伟", kIds[2])});
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child reserves serials and dies when signing starts.
    auto store = IssuerStore::Open(env.store_path);
    if (!store.ok()) _exit(2);
    BatchPlan plan = PlanBatch(csv, env.profile, **store, Options());
    if (!plan.errors.empty()) _exit(3);
    NullSink sink;
    IssueOptions options = Issue(env.out);
    options.progress = [](std::string_view stage, std::size_t, std::size_t) {
      if (stage == "sign") _exit(0);
    };
    (void)IssueBatch(plan, env.profile, env.world.alpha.key, **store, sink, options);
    _exit(4);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);

  env.OpenAll();
  CHECK(env.store->certificate_count() == 0);  // nothing was stored
  BatchReport report = env.Run(csv);
  CHECK(report.issued == 3);
  // The child held serials 1-3; this run starts after them.
  CHECK(report.rows[0].number == "Y000131000123261000004");
  CHECK(report.rows[2].number == "Y000131000123261000006");
}

TEST_CASE("issue: a run killed after storing resubmits the same records", "[issuer][issue]") {
  Env env;
  std::string csv = Csv({SkillRow(), TitleRow()});
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    auto store = IssuerStore::Open(env.store_path);
    if (!store.ok()) _exit(2);
    BatchPlan plan = PlanBatch(csv, env.profile, **store, Options());
    NullSink sink;
    IssueOptions options = Issue(env.out);
    options.progress = [](std::string_view stage, std::size_t, std::size_t) {
      if (stage == "submit") _exit(0);
    };
    (void)IssueBatch(plan, env.profile, env.world.alpha.key, **store, sink, options);
    _exit(4);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WEXITSTATUS(status) == 0);

  env.OpenAll();
  REQUIRE(env.store->certificate_count() == 2);
  const Bytes stored = env.store->FindCertificate("Y000131000123261000001")->record;
  BatchReport report = env.Run(csv);
  CHECK(report.issued == 0);
  CHECK(report.repeated == 2);
  CHECK(report.rows[0].number == "Y000131000123261000001");
  CHECK(!report.rows[0].receipt->duplicate);  // logged now, for the first time
  CHECK(report.rows[1].number == "AWGC-2026-000001");
  auto entry = env.ledger->Snapshot()->FindRecordHash(Sha256::Hash(stored));
  CHECK(entry.ok());
  CHECK(env.store->NextSerial("Y000131000123261") == 2);
}

TEST_CASE("issue: given numbers are used, and generated ones step around them",
          "[issuer][issue]") {
  Env env;
  env.OpenAll();
  std::string csv = Csv({With(SkillRow(), "number", "Y000131000123261000001"),
                         Person(SkillRow(), "李秀英", kIds[1])});
  BatchReport report = env.Run(csv);
  CHECK(report.rows[0].number == "Y000131000123261000001");
  CHECK(report.rows[1].number == "Y000131000123261000002");
}

TEST_CASE("issue: numbering skips numbers the ledger holds (a lost store)", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  BatchReport first = env.Run(Csv({SkillRow(), Person(SkillRow(), "李秀英", kIds[1])}));
  // The store is lost; a new one starts its serials from 1 again.
  env.store.reset();
  std::filesystem::remove_all(env.store_path);
  env.store = std::move(IssuerStore::Open(env.store_path)).value();
  auto snapshot = env.ledger->Snapshot();
  REQUIRE(snapshot.ok());
  BatchPlan plan = PlanBatch(Csv({Person(SkillRow(), "张伟", kIds[2])}), env.profile, *env.store,
                             Options());
  REQUIRE(plan.errors.empty());
  IssueOptions options = Issue(env.out);
  options.number_in_ledger = [&](std::string_view n) { return snapshot->FindCertificate(n).ok(); };
  auto report = IssueBatch(plan, env.profile, env.world.alpha.key, *env.store, *env.sink, options);
  REQUIRE(report.ok());
  CHECK(report->issued == 1);
  CHECK(report->rows[0].number == "Y000131000123261000003");
}

TEST_CASE("issue: a corrected certificate supersedes the old one", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  BatchReport first = env.Run(Csv({SkillRow()}));
  const std::string old_number = first.rows[0].number;

  Row corrected = With(With(SkillRow(), "work_type", "数控车工"), "supersedes", old_number);
  std::string fix = Csv({corrected});
  BatchReport second = env.Run(fix);
  REQUIRE(second.rows.size() == 1);
  const std::string new_number = second.rows[0].number;
  CHECK(new_number == "Y000131000123261000002");
  CHECK(second.rows[0].superseded == old_number);
  CHECK(second.rows[0].revocation.ok());

  auto snapshot = env.ledger->Snapshot();
  auto status = snapshot->StatusOf(old_number);
  REQUIRE(status.ok());
  REQUIRE(status->revocation_index.has_value());
  auto leaf = snapshot->Entry(*status->revocation_index);
  REQUIRE(leaf.ok());
  // The revocation record in the store is the one in the ledger.
  auto revocations = env.store->FindRevocations(old_number);
  REQUIRE(revocations.size() == 1);
  auto record = ParseRecord(revocations[0]->record);
  REQUIRE(record.ok());
  REQUIRE(record->revocation() != nullptr);
  CHECK(record->revocation()->reason == RevocationReason::kSuperseded);
  CHECK(record->revocation()->by == new_number);
  CHECK(*snapshot->FindRecordHash(Sha256::Hash(revocations[0]->record)) ==
        *status->revocation_index);
  CHECK(!snapshot->StatusOf(new_number)->revocation_index.has_value());

  // Running the correction again changes nothing.
  const std::uint64_t size = snapshot->size();
  BatchReport again = env.Run(fix);
  CHECK(again.repeated == 1);
  CHECK(again.rows[0].revocation.ok());
  CHECK(env.ledger->Snapshot()->size() == size);
  CHECK(env.store->FindRevocations(old_number).size() == 1);
}

TEST_CASE("issue: the ledger's refusal is reported per row, without files", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  // Without the accreditation in the options, the planner cannot see that
  // 6-29-03-01 is out of scope; the ledger refuses it.
  std::string csv = Csv({SkillRow(), Person(With(SkillRow(), "occupation", "6-29-03-01"), "张伟",
                                            kIds[2])});
  BatchReport report = env.Run(csv);
  CHECK(report.issued == 1);
  CHECK(report.refused == 1);
  CHECK(report.rows[1].submission.reason() == "out_of_scope");
  CHECK(!report.rows[1].files_written);
  CHECK(!std::filesystem::exists(env.out + "/" + report.rows[1].number + ".qr.txt"));
  CHECK(report.rows[0].files_written);
}

TEST_CASE("revoke: with a reason, repeatable, and checked", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  BatchReport issued = env.Run(Csv({SkillRow()}));
  const std::string number = issued.rows[0].number;
  RevocationRequest request{number, RevocationReason::kError, std::nullopt, kNow, kNow};
  auto r1 = RevokeCertificate(request, "alpha-works", env.world.alpha.key, env.store.get(),
                              *env.sink);
  REQUIRE(r1.ok());
  CHECK(!r1->duplicate);
  // The same request later resubmits the stored record.
  request.at = request.signed_at = kNow + 60;
  auto r2 = RevokeCertificate(request, "alpha-works", env.world.alpha.key, env.store.get(),
                              *env.sink);
  REQUIRE(r2.ok());
  CHECK(r2->duplicate);
  CHECK(r2->index == r1->index);
  // Another reason for a revoked certificate: the ledger refuses.
  request.reason = RevocationReason::kFraud;
  auto r3 = RevokeCertificate(request, "alpha-works", env.world.alpha.key, env.store.get(),
                              *env.sink);
  CHECK(r3.status().reason() == "already_revoked");

  auto message = [&](RevocationRequest req) {
    return PrepareRevocation(req, "alpha-works", env.world.alpha.key, env.store.get())
        .status()
        .message();
  };
  CHECK(message({number, RevocationReason::kSuperseded, std::nullopt, kNow, kNow}) ==
        "reason superseded needs the superseding certificate's number");
  CHECK(message({number, RevocationReason::kError, "Y000131000123261000002", kNow, kNow}) ==
        "only reason superseded names a superseding certificate");
  CHECK(message({number, RevocationReason::kSuperseded, number, kNow, kNow}) ==
        "a certificate cannot supersede itself");
  CHECK(message({"Y000131000123261000077", RevocationReason::kError, std::nullopt, kNow, kNow}) ==
        "certificate Y000131000123261000077 is not in this issuer's store");
}

TEST_CASE("privacy: the ledger's files never hold a holder's ID number or name",
          "[issuer][issue][privacy]") {
  Env env;
  env.OpenAll();
  std::vector<Row> rows;
  const char* names[] = {"王建国", "李秀英", "张伟", "陈志强", "周晓梅", "赵敏"};
  for (int i = 0; i < 6; ++i) rows.push_back(Person(SkillRow(), names[i], kIds[i]));
  BatchReport report = env.Run(Csv(rows));
  REQUIRE(report.issued == 6);
  REQUIRE(RevokeCertificate({report.rows[0].number, RevocationReason::kError, std::nullopt, kNow,
                             kNow},
                            "alpha-works", env.world.alpha.key, env.store.get(), *env.sink)
              .ok());
  env.sink.reset();
  env.ledger.reset();  // closed: everything is on disk (WAL, SST, manifest)

  const std::string ledger_bytes = AllBytesUnder(env.ledger_path);
  // Positive control: the certificate numbers are in the files as written.
  REQUIRE(ledger_bytes.find(report.rows[5].number) != std::string::npos);
  for (int i = 0; i < 6; ++i) {
    INFO(kIds[i]);
    CHECK(ledger_bytes.find(kIds[i]) == std::string::npos);
    CHECK(ledger_bytes.find(names[i]) == std::string::npos);
    CHECK(ledger_bytes.find(std::string(kIds[i]).substr(6, 8)) == std::string::npos);  // birth date
  }
  // They are in the issuer's own store, which is where they belong.
  const std::string store_bytes = AllBytesUnder(env.store_path);
  CHECK(store_bytes.find(kIds[3]) != std::string::npos);
}

TEST_CASE("reprint: the stored certificate gives the same QR text", "[issuer][issue]") {
  Env env;
  env.OpenAll();
  BatchReport report = env.Run(Csv({TitleRow()}));
  const std::string number = report.rows[0].number;
  const std::string original = Slurp(env.out + "/" + number + ".qr.txt");
  std::string again_dir = env.dir.path() + "/reprint";
  std::filesystem::create_directories(again_dir);
  REQUIRE(WriteCertificateFiles(*env.store->FindCertificate(number), "https://verify.example.cn",
                                again_dir)
              .ok());
  CHECK(Slurp(again_dir + "/" + number + ".qr.txt") == original);
}
