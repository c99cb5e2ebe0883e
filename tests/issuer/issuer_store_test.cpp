// The issuer's private store: durable serials, entries, the lock, modes.
#include <catch2/catch.hpp>

#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>

#include "certledger/issuer_store.h"
#include "issuer_test_util.h"

using namespace certledger;
using issuer_test::TempDir;

namespace {

std::unique_ptr<IssuerStore> OpenStore(const std::string& dir) {
  auto s = IssuerStore::Open(dir);
  if (!s.ok()) FAIL(s.status().ToString());
  return std::move(*s);
}

StoredCertificate Entry(const std::string& number, std::uint8_t row) {
  StoredCertificate c;
  c.number = number;
  c.record = Bytes{0xD2, 0x84, row};
  auto name = MakeDisclosureWithSalt(Bytes(16, row), "name", "王建国");
  auto id = MakeDisclosureWithSalt(Bytes(16, row), "id", "310101199001011234");
  c.disclosures = {*name, *id};
  c.id_type = IdType::kResident;
  c.row = Hash256{};
  c.row->fill(row);
  c.stored_at = 1768003200;
  return c;
}

}  // namespace

TEST_CASE("store: serials persist and never repeat", "[issuer][store]") {
  TempDir dir("store_serials");
  const std::string path = dir.path() + "/store";
  {
    auto store = OpenStore(path);
    CHECK(store->NextSerial("Y000131000123261") == 1);
    CHECK(*store->ReserveSerials("Y000131000123261", 3, 999999) == 1);
    CHECK(*store->ReserveSerials("Y000131000123261", 2, 999999) == 4);
    CHECK(*store->ReserveSerials("SHGC-2026-######", 1, 999999) == 1);
  }
  auto store = OpenStore(path);
  CHECK(store->NextSerial("Y000131000123261") == 6);
  CHECK(store->NextSerial("SHGC-2026-######") == 2);
  // Past the end: nothing is reserved.
  CHECK(*store->ReserveSerials("Y000131000123262", 999998, 999999) == 1);
  auto over = store->ReserveSerials("Y000131000123262", 3, 999999);
  CHECK(over.status().code() == StatusCode::kResourceExhausted);
  CHECK(store->NextSerial("Y000131000123262") == 999999);
  CHECK(store->ReserveSerials("has space", 1, 9).status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("store: a process killed right after reserving never gets its serials reused",
          "[issuer][store]") {
  TempDir dir("store_crash");
  const std::string path = dir.path() + "/store";
  { auto store = OpenStore(path); }
  pid_t child = fork();
  REQUIRE(child >= 0);
  if (child == 0) {
    // The child reserves 10 serials and dies at once: no destructor, no
    // flush, no cleanup (as a crash or kill -9 would).
    auto store = IssuerStore::Open(path);
    if (!store.ok()) _exit(2);
    auto first = (*store)->ReserveSerials("Y000131000123261", 10, 999999);
    _exit(first.ok() && *first == 1 ? 0 : 3);
  }
  int status = 0;
  REQUIRE(waitpid(child, &status, 0) == child);
  REQUIRE(WIFEXITED(status));
  REQUIRE(WEXITSTATUS(status) == 0);
  // The kernel released the child's lock; the counter is past its 10.
  auto store = OpenStore(path);
  CHECK(*store->ReserveSerials("Y000131000123261", 1, 999999) == 11);
}

TEST_CASE("store: one run at a time (flock)", "[issuer][store]") {
  TempDir dir("store_lock");
  const std::string path = dir.path() + "/store";
  auto first = OpenStore(path);
  auto second = IssuerStore::Open(path);
  REQUIRE(!second.ok());
  CHECK(second.status().code() == StatusCode::kIOError);
  CHECK(second.status().reason() == "store_locked");
  CHECK(second.status().message() == "issuer store " + path + " is in use by another certledger run");
  first.reset();
  CHECK(IssuerStore::Open(path).ok());
}

TEST_CASE("store: created with mode 0700, refused when group or others may enter",
          "[issuer][store]") {
  TempDir dir("store_mode");
  const std::string path = dir.path() + "/store";
  { auto store = OpenStore(path); }
  struct stat st;
  REQUIRE(::stat(path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0700);
  REQUIRE(::chmod(path.c_str(), 0755) == 0);
  auto refused = IssuerStore::Open(path);
  CHECK(refused.status().code() == StatusCode::kPermissionDenied);
  CHECK(refused.status().message() ==
        "issuer store " + path + " is accessible by group or others (mode 0755); run chmod 700 " +
            path);
}

TEST_CASE("store: entries survive reopening, and numbers and rows are unique", "[issuer][store]") {
  TempDir dir("store_entries");
  const std::string path = dir.path() + "/store";
  StoredCertificate a = Entry("Y000131000123261000001", 1);
  StoredCertificate b = Entry("Y000131000123261000002", 2);
  StoredRevocation r{"Y000131000123261000001", Bytes{0xD2, 0x84, 9}, 1768003300};
  {
    auto store = OpenStore(path);
    REQUIRE(store->Append({a, b}, {}).ok());
    REQUIRE(store->Append({}, {r}).ok());
    CHECK(store->Append({Entry("Y000131000123261000001", 3)}, {}).code() ==
          StatusCode::kAlreadyExists);
    CHECK(store->Append({Entry("Y000131000123261000009", 2)}, {}).code() ==
          StatusCode::kAlreadyExists);  // row 2 again
    CHECK(store->Append({Entry("N1", 7), Entry("N1", 8)}, {}).code() ==
          StatusCode::kAlreadyExists);
    CHECK(store->certificate_count() == 2);
  }
  // A temporary file left by an interrupted write is ignored and removed.
  const std::string leftover = path + "/entries/000000000003.cbor.tmp.1.0";
  std::ofstream(leftover) << "half";
  auto store = OpenStore(path);
  CHECK(!std::filesystem::exists(leftover));
  REQUIRE(store->FindCertificate(a.number) != nullptr);
  CHECK(*store->FindCertificate(a.number) == a);
  CHECK(*store->FindCertificateByRow(*b.row) == b);
  CHECK(store->FindCertificate("nope") == nullptr);
  auto revs = store->FindRevocations(a.number);
  REQUIRE(revs.size() == 1);
  CHECK(*revs[0] == r);
  CHECK(store->FindRevocations(b.number).empty());
}

TEST_CASE("store: a damaged chunk is corruption", "[issuer][store]") {
  TempDir dir("store_corrupt");
  const std::string path = dir.path() + "/store";
  {
    auto store = OpenStore(path);
    REQUIRE(store->Append({Entry("N1", 1)}, {}).ok());
  }
  const std::string chunk = path + "/entries/000000000001.cbor";
  std::string bytes = issuer_test::Slurp(chunk);
  bytes.resize(bytes.size() - 3);
  std::ofstream(chunk, std::ios::binary | std::ios::trunc) << bytes;
  auto store = IssuerStore::Open(path);
  CHECK(store.status().code() == StatusCode::kCorruption);
}

TEST_CASE("store: the files follow the grammar of issuer_store.cpp", "[issuer][store]") {
  TempDir dir("store_grammar");
  const std::string path = dir.path() + "/store";
  {
    auto store = OpenStore(path);
    REQUIRE(store->ReserveSerials("Y000131000123261", 5, 999999).ok());
    REQUIRE(store->ReserveSerials("AWGC-2026-######", 2, 999999).ok());
    REQUIRE(store->Append({Entry("Y000131000123261000001", 1)}, {}).ok());
  }
  CHECK(issuer_test::Slurp(path + "/FORMAT") == "certledger issuer store 1\n");
  // Sorted by sequence ("A" < "Y"), each with the next serial never handed out.
  CHECK(issuer_test::Slurp(path + "/serials") == "AWGC-2026-###### 3\nY000131000123261 6\n");

  const std::string chunk_path = path + "/entries/000000000001.cbor";
  struct stat st;
  REQUIRE(::stat(chunk_path.c_str(), &st) == 0);
  CHECK((st.st_mode & 0777) == 0600);
  auto chunk = cbor::Decode(AsBytes(issuer_test::Slurp(chunk_path)));
  REQUIRE(chunk.ok());
  REQUIRE(chunk->is_array());
  REQUIRE(chunk->array().size() == 2);
  CHECK(chunk->array()[0] == cbor::Value::Uint(1));
  REQUIRE(chunk->array()[1].array().size() == 1);
  const cbor::Value& e = chunk->array()[1].array()[0];
  CHECK(e.map().size() == 7);
  CHECK(*e.Find("k") == cbor::Value::Text("certificate"));
  CHECK(*e.Find("no") == cbor::Value::Text("Y000131000123261000001"));
  CHECK(*e.Find("record") == cbor::Value::Bytes(Bytes{0xD2, 0x84, 1}));
  CHECK(*e.Find("id_type") == cbor::Value::Text("resident"));
  CHECK(*e.Find("row") == cbor::Value::Bytes(Bytes(32, 1)));
  CHECK(*e.Find("at") == cbor::Value::Uint(1768003200));
  const cbor::Value& ds = *e.Find("disclosures");
  REQUIRE(ds.array().size() == 2);
  CHECK(ds.array()[0] == cbor::Value::MakeArray({cbor::Value::Bytes(Bytes(16, 1)),
                                                 cbor::Value::Text("name"),
                                                 cbor::Value::Text("王建国")}));
}
