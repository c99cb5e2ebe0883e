// The audit's check of each entry's leaf-hash and record-hash rows, which
// pass 2 meets in key order: a deleted row is named wherever its key falls
// (first, last, or between the rows that are stored).
#include <algorithm>
#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <vector>

#include "certledger/audit.h"
#include "certledger/leaf.h"
#include "ledger/audit_test_util.h"

using namespace certledger;
using certledger::test::kSampleSize;
using certledger::test::RawDb;
using certledger::test::TempDir;
using certledger::test::World;

namespace {

test::GoldenSample& Golden() { return test::GoldenSampleLedger(); }

// The row key of entry `index`'s leaf hash ('h') or record hash ('r'),
// from the raw entry with nothing but SHA-256.
std::string RowKey(RawDb& db, char tag, std::uint64_t index) {
  const std::string leaf = db.Get(test::EntryRow(index));
  if (tag == 'h') return test::HashRow('h', test::LeafHashOf(leaf));
  Result<Leaf> decoded = DecodeLeaf(AsBytes(leaf));
  REQUIRE(decoded.ok());
  return test::HashRow('r', Sha256::Hash(decoded->record));
}

std::string Describe(const AuditReport& r) {
  std::string out = std::to_string(r.finding_count) + " findings:";
  for (const AuditFinding& f : r.findings) {
    out += "\n  " + f.code + " | " + f.subject + " | " + f.message;
  }
  return out;
}

void CheckMissingRows(char tag, const std::string& kind) {
  TempDir dir("audit_hash_rows_copy");
  const std::string path = dir.path() + "/db";
  std::filesystem::copy(Golden().path, path, std::filesystem::copy_options::recursive);
  // The entries whose row sorts first and last, and entry 42.
  std::vector<std::pair<std::string, std::uint64_t>> rows;
  {
    RawDb db(path);
    for (std::uint64_t i = 0; i < kSampleSize; ++i) rows.emplace_back(RowKey(db, tag, i), i);
    std::sort(rows.begin(), rows.end());
    rows = {rows.front(), rows.back(), {RowKey(db, tag, 42), 42}};
    for (const auto& row : rows) db.Delete(row.first);
  }
  Result<AuditReport> r = AuditLocal(path, Golden().w.Rules(), Golden().w.log.Public());
  REQUIRE(r.ok());
  INFO(Describe(*r));
  CHECK(r->finding_count == 3);
  for (const auto& [key, index] : rows) {
    const std::string subject = kind + " " + HexEncode(AsBytes(key.substr(1)));
    const auto f = std::find_if(r->findings.begin(), r->findings.end(),
                                [&](const AuditFinding& g) { return g.subject == subject; });
    REQUIRE(f != r->findings.end());
    CHECK(f->code == "index_missing");
    CHECK(f->index == std::optional<std::uint64_t>(index));
    CHECK(f->message == "entry " + std::to_string(index) + " has no row " + subject);
  }
}

}  // namespace

TEST_CASE("audit: deleted leaf-hash rows are named, wherever they sort", "[audit]") {
  CheckMissingRows('h', "leaf hash");
}

TEST_CASE("audit: deleted record-hash rows are named, wherever they sort", "[audit]") {
  CheckMissingRows('r', "record hash");
}
