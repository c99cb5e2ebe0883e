// The HTTP API as a pure function (verifier_api.h): every endpoint, every
// verdict, and bad input, over a real temporary ledger.
#include <zlib.h>

#include <catch2/catch.hpp>

#include "certledger/checkpoint.h"
#include "certledger/leaf.h"
#include "certledger/tile_path.h"
#include "verifier/api_test_world.h"
#include "verifier/json_test_util.h"

namespace certledger {
namespace {

using test::ApiWorld;
using test::Json;
using test::ParseJson;

HttpResponse Get(ApiWorld& w, const std::string& target) {
  return HandleRequest(HttpRequest{"GET", target, "", ""}, w.context);
}

HttpResponse Post(ApiWorld& w, const std::string& target, std::string content_type,
                  std::string body) {
  return HandleRequest(HttpRequest{"POST", target, std::move(content_type), std::move(body)},
                       w.context);
}

HttpResponse Verify(ApiWorld& w, const std::string& qr) {
  return Post(w, "/api/v1/verify", "text/plain; charset=utf-8", qr);
}

Json JsonOf(const HttpResponse& r) {
  REQUIRE(r.content_type == "application/json");
  return ParseJson(r.body);
}

// Checks a JSON error answer: status, "error" code, and a reason that
// contains `words`.
void CheckError(const HttpResponse& r, int status, const std::string& code,
                const std::string& words = "") {
  INFO(r.body);
  CHECK(r.status == status);
  const Json j = JsonOf(r);
  CHECK(j["error"].str() == code);
  CHECK_THAT(j["reason"].str(), Catch::Contains(words));
}

Hash256 HashFromBase64(const std::string& text) {
  auto bytes = Base64Decode(text);
  REQUIRE(bytes.ok());
  REQUIRE(bytes->size() == 32);
  Hash256 h;
  std::copy(bytes->begin(), bytes->end(), h.begin());
  return h;
}

std::vector<Hash256> HashesOf(const Json& array) {
  std::vector<Hash256> out;
  for (const Json& h : array.array) out.push_back(HashFromBase64(h.str()));
  return out;
}

// The leaves of the log, read through GET /api/v1/entries/<i>.
std::vector<Bytes> Leaves(ApiWorld& w) {
  std::vector<Bytes> leaves;
  for (std::uint64_t i = 0; i < w.Size(); ++i) {
    const Json j = JsonOf(Get(w, "/api/v1/entries/" + std::to_string(i)));
    CHECK(j["index"].u64() == i);
    leaves.push_back(*Base64Decode(j["leaf"].str()));
  }
  return leaves;
}

std::vector<Hash256> LeafHashes(const std::vector<Bytes>& leaves) {
  std::vector<Hash256> out;
  for (const Bytes& leaf : leaves) out.push_back(test::ReferenceLeafHash(leaf));
  return out;
}

TEST_CASE("api: verify answers every verdict", "[api]") {
  ApiWorld w;
  Bytes flipped = w.valid;
  flipped.back() ^= 0x01;  // the last byte of the COSE signature
  auto other_name = *MakeDisclosureWithSalt(Bytes(16, 7), "name", "李四");
  const std::vector<Disclosure> altered = {other_name, w.disclosures[1]};

  struct Case {
    std::string qr;
    std::string verdict;
    bool logged;  // the answer carries the ledger evidence
  };
  const std::vector<Case> cases = {
      {w.Qr(w.valid), "valid", true},
      {w.Qr(w.revoked), "revoked", true},
      {w.Qr(w.unlogged), "not_logged", false},
      {w.Qr(flipped), "bad_signature", false},
      // The logged record, with a holder's name that is not the committed one.
      {ApiWorld::QrWith(w.valid, altered), "bad_signature", true},
      {w.Qr(w.unknown_issuer), "unknown_issuer", false},
      {w.Qr(w.out_of_scope), "out_of_scope", false},
      {w.Qr(w.key_revoked), "key_revoked", false},
      {w.Qr(w.expired), "expired", true},
      {"https://verify.test/v#not-a-payload!", "malformed", false},
      // A well-formed payload whose record is not a COSE record.
      {w.Qr(ToBytes("not a record")), "malformed", false},
  };
  for (const Case& c : cases) {
    INFO(c.verdict);
    const HttpResponse r = Verify(w, c.qr);
    INFO(r.body);
    CHECK(r.status == 200);
    CHECK(r.Header("Cache-Control") == "no-store");
    const Json j = JsonOf(r);
    CHECK(j["verdict"].str() == c.verdict);
    CHECK(!j["reason"].str().empty());
    CHECK(!j["verdict_text"]["zh"].str().empty());
    CHECK(j.Has("index") == c.logged);
    CHECK(j.Has("leaf_hash") == c.logged);
    // The holder is shown once the disclosures match the signed commitments.
    CHECK(j.Has("holder") == (c.verdict == "valid" || c.verdict == "revoked" ||
                              c.verdict == "expired" || c.verdict == "not_logged"));
  }
  // indeterminate: the checkpoint does not verify with the configured log key.
  ApiContext wrong_log = w.context;
  wrong_log.log_key = test::KeyFromByte(w.world.log.name, 9).Public();
  const Json ind = JsonOf(HandleRequest(
      HttpRequest{"POST", "/api/v1/verify", "text/plain", w.Qr(w.valid)}, wrong_log));
  CHECK(ind["verdict"].str() == "indeterminate");

  // Every verdict was counted once (bad_signature and malformed twice).
  const std::string metrics = Get(w, "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains("certledger_verifications_total{verdict=\"valid\"} 1\n"));
  CHECK_THAT(metrics,
             Catch::Contains("certledger_verifications_total{verdict=\"bad_signature\"} 2\n"));
  CHECK_THAT(metrics,
             Catch::Contains("certledger_verifications_total{verdict=\"malformed\"} 2\n"));
  CHECK_THAT(metrics,
             Catch::Contains("certledger_verifications_total{verdict=\"indeterminate\"} 1\n"));
}

TEST_CASE("api: a valid verification carries its evidence", "[api]") {
  ApiWorld w;
  const Json j = JsonOf(Verify(w, w.Qr(w.valid)));
  CHECK(j["verdict"].str() == "valid");
  CHECK(j["ledger_checked"].b());
  // The writer's data is current: as of the clock's now (kT0 + 30 days).
  CHECK(j["ledger_as_of"].str() == "2026-01-31T00:00:00Z");
  CHECK(j["certificate"]["number"].str() == "A-0001");
  CHECK(j["certificate"]["level"].str() == "1");
  CHECK(j["certificate"]["occupation"].str() == "6-18-01-01");
  CHECK(j["certificate"]["iss"].str() == "alpha-works");
  CHECK_FALSE(j["certificate"].Has("holder"));
  CHECK(j["issuer"]["body"].str() == "alpha-works");
  CHECK(j["holder"]["name"].str() == "王建国");
  CHECK(j["holder"]["id_masked"].str() == "3101**********1234");
  CHECK(j["qr_base_url"].str() == "https://verify.test");
  CHECK_FALSE(j["foreign_host"].b());

  // The evidence checks out against the log's own signed checkpoint, with
  // the leaf read independently from the entries endpoint.
  const std::uint64_t index = j["index"].u64();
  CHECK(index == 1);
  const std::vector<Bytes> leaves = Leaves(w);
  const Hash256 leaf_hash = test::ReferenceLeafHash(leaves[index]);
  CHECK(HashFromBase64(j["leaf_hash"].str()) == leaf_hash);
  auto checkpoint = OpenCheckpoint(j["checkpoint"].str(), w.world.log.Public());
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == j["tree_size"].u64());
  CHECK(checkpoint->root == test::ReferenceRoot(LeafHashes(leaves), 0, leaves.size()));
  const Json& proof = j["inclusion_proof"];
  CHECK(proof["index"].u64() == index);
  CHECK(proof["size"].u64() == checkpoint->size);
  CHECK(VerifyInclusion(leaf_hash, index, checkpoint->size, HashesOf(proof["hashes"]),
                        checkpoint->root)
            .ok());

  // A code that names another site is verified all the same, and flagged.
  const Json foreign = JsonOf(Verify(w, w.Qr(w.valid, "https://verify.test.example")));
  CHECK(foreign["verdict"].str() == "valid");
  CHECK(foreign["foreign_host"].b());
  CHECK(JsonOf(Verify(w, w.Qr(w.valid, "HTTPS://VERIFY.TEST/")))["foreign_host"].b() == false);
  // A bare fragment names no site.
  const std::string qr = w.Qr(w.valid);
  CHECK_FALSE(JsonOf(Verify(w, qr.substr(qr.find('#') + 1))).Has("qr_base_url"));

  // The revoked certificate shows its revocation.
  const Json rev = JsonOf(Verify(w, w.Qr(w.revoked)));
  CHECK(rev["revocation"]["index"].u64() == 3);
  CHECK(rev["revocation"]["reason"].str() == "error");
  CHECK(rev["revocation"]["revoked_by"].str() == "alpha-works");
}

TEST_CASE("api: verify refuses bad requests", "[api]") {
  ApiWorld w;
  CheckError(Post(w, "/api/v1/verify", "application/json", w.Qr(w.valid)), 415,
             "unsupported_media_type", "text/plain");
  CheckError(Post(w, "/api/v1/verify", "", w.Qr(w.valid)), 415, "unsupported_media_type",
             "no Content-Type");
  CheckError(Verify(w, ""), 400, "empty_body");
  CheckError(Verify(w, " \r\n"), 400, "empty_body");
  CheckError(Verify(w, std::string(kMaxQrTextSize + 1, 'A')), 413, "too_large", "16384");
  const HttpResponse get = Get(w, "/api/v1/verify");
  CheckError(get, 405, "method_not_allowed", "GET");
  CHECK(get.Header("Allow") == "POST");
}

TEST_CASE("api: records are appended, deduplicated and refused", "[api]") {
  ApiWorld w;
  const std::uint64_t size = w.Size();
  const Bytes record = w.world.Certify("A-0200", w.world.alpha);
  const auto body = ToString(record);
  const HttpResponse created = Post(w, "/api/v1/records", "application/cose", body);
  INFO(created.body);
  REQUIRE(created.status == 201);
  CHECK(created.Header("Location") == "/api/v1/entries/" + std::to_string(size));
  const Json j = JsonOf(created);
  CHECK(j["index"].u64() == size);
  CHECK_FALSE(j["duplicate"].b());
  auto checkpoint = OpenCheckpoint(j["checkpoint"].str(), w.world.log.Public());
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == size + 1);
  CHECK(j["tree_size"].u64() == size + 1);
  // The leaf holds the record's exact bytes; the proof leads to the root.
  const Json entry = JsonOf(Get(w, "/api/v1/entries/" + std::to_string(size)));
  const Bytes leaf = *Base64Decode(entry["leaf"].str());
  auto decoded = DecodeLeaf(leaf);
  REQUIRE(decoded.ok());
  CHECK(decoded->record == record);
  CHECK(HashFromBase64(j["leaf_hash"].str()) == test::ReferenceLeafHash(leaf));
  CHECK(VerifyInclusion(test::ReferenceLeafHash(leaf), size, size + 1,
                        HashesOf(j["inclusion_proof"]["hashes"]), checkpoint->root)
            .ok());

  // The same bytes again: the first index, 200.
  const HttpResponse again =
      Post(w, "/api/v1/records", "application/cose; cose-type=\"cose-sign1\"", body);
  CHECK(again.status == 200);
  CHECK(JsonOf(again)["index"].u64() == size);
  CHECK(JsonOf(again)["duplicate"].b());
  CHECK(w.Size() == size + 1);

  // Refusals, each with its reason.
  Certificate other = test::World::SkillCertificate("A-0200", Level::kSkill2);
  CheckError(Post(w, "/api/v1/records", "application/cose",
                  ToString(w.world.Sign(other, w.world.alpha, test::kT0 + 6 * test::kDay))),
             409, "number_in_use");
  CheckError(Post(w, "/api/v1/records", "application/cose",
                  ToString(w.world.Revoke("A-0002", w.world.alpha, RevocationReason::kOther))),
             409, "already_revoked");
  CheckError(Post(w, "/api/v1/records", "application/cose", ToString(w.unknown_issuer)), 422,
             "not_accredited");
  CheckError(Post(w, "/api/v1/records", "application/cose", ToString(w.out_of_scope)), 422,
             "out_of_scope");
  CheckError(Post(w, "/api/v1/records", "application/cose", "not a record"), 400, "malformed");
  CheckError(Post(w, "/api/v1/records", "application/cose", std::string(kMaxRecordBytes + 1, 'x')),
             413, "too_large");
  CheckError(Post(w, "/api/v1/records", "application/cose", ""), 400, "empty_body");
  CheckError(Post(w, "/api/v1/records", "application/octet-stream", body), 415,
             "unsupported_media_type", "application/cose");
  CHECK(w.Size() == size + 1);  // nothing else was appended

  // A read-only verifier has no writer.
  ApiContext read_only = w.context;
  read_only.ledger = nullptr;
  const HttpResponse refused = HandleRequest(
      HttpRequest{"POST", "/api/v1/records", "application/cose", body}, read_only);
  CheckError(refused, 405, "read_only", "read-only");
  CHECK(refused.headers.end() !=
        std::find_if(refused.headers.begin(), refused.headers.end(),
                     [](const auto& h) { return h.first == "Allow"; }));

  const std::string metrics = Get(w, "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains("certledger_records_total{result=\"appended\"} 1\n"));
  CHECK_THAT(metrics, Catch::Contains("certledger_records_total{result=\"duplicate\"} 1\n"));
  CHECK_THAT(metrics, Catch::Contains("certledger_records_total{result=\"refused\"} 6\n"));
}

TEST_CASE("api: checkpoint, hash tiles and entry bundles", "[api]") {
  ApiWorld w;
  const std::uint64_t size = w.Size();
  REQUIRE(size == 6);

  const HttpResponse cp = Get(w, "/checkpoint");
  CHECK(cp.status == 200);
  CHECK(cp.content_type == "text/plain; charset=utf-8");
  CHECK(cp.Header("Cache-Control") == "public, max-age=2");
  CHECK(cp.body == w.ledger->Snapshot()->checkpoint());
  auto checkpoint = OpenCheckpoint(cp.body, w.world.log.Public());
  REQUIRE(checkpoint.ok());
  CHECK(checkpoint->size == size);

  // C2SP tlog-tiles: the entry bundle is the leaves, each after its 2-byte
  // big-endian length; the level-0 tile is their leaf hashes; together they
  // give the checkpoint's root.
  const HttpResponse bundle = Get(w, "/tile/entries/000.p/6");
  CHECK(bundle.status == 200);
  CHECK(bundle.content_type == "application/octet-stream");
  CHECK(bundle.Header("Cache-Control") == "public, max-age=31536000, immutable");
  std::vector<Bytes> leaves;
  for (std::size_t pos = 0; pos < bundle.body.size();) {
    REQUIRE(pos + 2 <= bundle.body.size());
    const std::size_t n = (static_cast<unsigned char>(bundle.body[pos]) << 8) |
                          static_cast<unsigned char>(bundle.body[pos + 1]);
    REQUIRE(pos + 2 + n <= bundle.body.size());
    leaves.push_back(ToBytes(std::string_view(bundle.body).substr(pos + 2, n)));
    pos += 2 + n;
  }
  CHECK(leaves == Leaves(w));
  const HttpResponse tile = Get(w, "/tile/0/000.p/6");
  CHECK(tile.status == 200);
  CHECK(tile.content_type == "application/octet-stream");
  CHECK(tile.Header("Cache-Control") == "public, max-age=31536000, immutable");
  REQUIRE(tile.body.size() == 6 * 32);
  std::vector<Hash256> hashes(6);
  for (std::size_t i = 0; i < 6; ++i) {
    std::copy_n(tile.body.begin() + static_cast<std::ptrdiff_t>(32 * i), 32, hashes[i].begin());
    CHECK(hashes[i] == test::ReferenceLeafHash(leaves[i]));
  }
  CHECK(test::ReferenceRoot(hashes, 0, 6) == checkpoint->root);
  // A prefix of the partial tile is a partial tile too.
  CHECK(Get(w, "/tile/0/000.p/2").body == tile.body.substr(0, 64));

  CheckError(Get(w, "/tile/0/000"), 404, "not_found", "tree of size 6");
  CheckError(Get(w, "/tile/0/000.p/7"), 404, "not_found");
  CheckError(Get(w, "/tile/entries/000.p/7"), 404, "not_found");
  CheckError(Get(w, "/tile/0/001.p/1"), 404, "not_found");
  CheckError(Get(w, "/tile/1/000.p/1"), 404, "not_found");
  for (const char* bad : {"/tile/0/0", "/tile/0/000.p/0", "/tile/0/000.p/256", "/tile/64/000",
                          "/tile/entries/x", "/tile/0/x000/001"}) {
    const HttpResponse r = Get(w, bad);
    CHECK(r.status == 400);
    CHECK_THAT(JsonOf(r)["reason"].str(), Catch::Contains("malformed tile path"));
  }
  CheckError(Post(w, "/checkpoint", "text/plain", ""), 405, "method_not_allowed");
}

// Inflates one gzip member (RFC 1952) with zlib.
std::string Gunzip(const std::string& data) {
  z_stream zs{};
  REQUIRE(inflateInit2(&zs, 15 + 16) == Z_OK);
  std::string out(1 << 20, '\0');
  zs.next_in = reinterpret_cast<Bytef*>(const_cast<char*>(data.data()));
  zs.avail_in = static_cast<uInt>(data.size());
  zs.next_out = reinterpret_cast<Bytef*>(out.data());
  zs.avail_out = static_cast<uInt>(out.size());
  const int rc = inflate(&zs, Z_FINISH);
  out.resize(zs.total_out);
  inflateEnd(&zs);
  REQUIRE(rc == Z_STREAM_END);
  return out;
}

TEST_CASE("api: entry bundles are gzipped when the client accepts it", "[api]") {
  ApiWorld w;
  auto bundle = [&](const std::string& accept) {
    return HandleRequest(HttpRequest{"GET", "/tile/entries/000.p/6", "", "", accept}, w.context);
  };
  const HttpResponse identity = bundle("");
  CHECK(identity.Header("Content-Encoding").empty());
  CHECK(identity.Header("Vary") == "Accept-Encoding");
  for (const char* accept : {"gzip", "gzip, deflate, br", "br;q=1.0, GZIP;q=0.5", "x-gzip"}) {
    INFO(accept);
    const HttpResponse gz = bundle(accept);
    CHECK(gz.status == 200);
    CHECK(gz.Header("Content-Encoding") == "gzip");
    CHECK(gz.body.substr(0, 2) == "\x1f\x8b");  // RFC 1952 section 2.3.1: ID1, ID2
    CHECK(Gunzip(gz.body) == identity.body);
  }
  for (const char* accept : {"identity", "gzip;q=0", "gzip; q=0.000, br", "deflate"}) {
    INFO(accept);
    CHECK(bundle(accept).Header("Content-Encoding").empty());
  }
  // Hash tiles are left alone.
  const HttpResponse tile =
      HandleRequest(HttpRequest{"GET", "/tile/0/000.p/6", "", "", "gzip"}, w.context);
  CHECK(tile.Header("Content-Encoding").empty());
  CHECK(tile.body.size() == 6 * 32);
}

TEST_CASE("api: full tiles once 256 entries are logged", "[api]") {
  ApiWorld w;
  std::vector<Bytes> records;
  for (int i = 0; i < 260 - 6; ++i) {
    records.push_back(w.world.Certify("F-" + std::to_string(1000 + i), w.world.alpha));
  }
  for (const auto& r : w.ledger->SubmitMany(std::move(records))) REQUIRE(r.ok());
  REQUIRE(w.Size() == 260);

  const HttpResponse bundle = Get(w, "/tile/entries/000");
  REQUIRE(bundle.status == 200);
  std::vector<Hash256> hashes;
  for (std::size_t pos = 0; pos < bundle.body.size();) {
    const std::size_t n = (static_cast<unsigned char>(bundle.body[pos]) << 8) |
                          static_cast<unsigned char>(bundle.body[pos + 1]);
    hashes.push_back(test::ReferenceLeafHash(AsBytes(std::string_view(bundle.body).substr(pos + 2, n))));
    pos += 2 + n;
  }
  REQUIRE(hashes.size() == 256);
  const HttpResponse tile = Get(w, "/tile/0/000");
  REQUIRE(tile.status == 200);
  REQUIRE(tile.body.size() == 8192);
  for (std::size_t i = 0; i < 256; ++i) {
    CHECK(tile.body.substr(32 * i, 32) == std::string(hashes[i].begin(), hashes[i].end()));
  }
  CHECK(tile.Header("Cache-Control") == "public, max-age=31536000, immutable");
  // Level 1 holds the root of each full level-0 tile.
  const HttpResponse upper = Get(w, "/tile/1/000.p/1");
  REQUIRE(upper.status == 200);
  const Hash256 subtree = test::ReferenceRoot(hashes, 0, 256);
  CHECK(upper.body == std::string(subtree.begin(), subtree.end()));
  CHECK(Get(w, "/tile/0/001.p/4").body.size() == 4 * 32);
  CheckError(Get(w, "/tile/0/001"), 404, "not_found");
}

TEST_CASE("api: entries and proofs", "[api]") {
  ApiWorld w;
  const std::uint64_t size = w.Size();
  const std::vector<Hash256> hashes = LeafHashes(Leaves(w));
  const HttpResponse entry = Get(w, "/api/v1/entries/0");
  CHECK(entry.Header("Cache-Control") == "public, max-age=31536000, immutable");
  CHECK(JsonOf(entry).size() == 2);  // exactly {"index", "leaf"}

  for (std::uint64_t s = 1; s <= size; ++s) {
    for (std::uint64_t i = 0; i < s; ++i) {
      const Json p = JsonOf(Get(w, "/api/v1/proof/inclusion?index=" + std::to_string(i) +
                                       "&size=" + std::to_string(s)));
      CHECK(p["index"].u64() == i);
      CHECK(p["size"].u64() == s);
      CHECK(VerifyInclusion(hashes[i], i, s, HashesOf(p["hashes"]),
                            test::ReferenceRoot(hashes, 0, s))
                .ok());
    }
    for (std::uint64_t m = 0; m <= s; ++m) {
      const Json p = JsonOf(Get(w, "/api/v1/proof/consistency?old=" + std::to_string(m) +
                                       "&size=" + std::to_string(s)));
      CHECK(p["old"].u64() == m);
      CHECK(p["size"].u64() == s);
      CHECK(VerifyConsistency(m, s, HashesOf(p["hashes"]), test::ReferenceRoot(hashes, 0, m),
                              test::ReferenceRoot(hashes, 0, s))
                .ok());
    }
  }
  // Parameters in any order, percent-encoded digits included.
  CHECK(Get(w, "/api/v1/proof/inclusion?size=%36&index=2").status == 200);

  CheckError(Get(w, "/api/v1/entries/01"), 400, "invalid_argument", "leading zeros");
  CheckError(Get(w, "/api/v1/entries/-1"), 400, "invalid_argument");
  CheckError(Get(w, "/api/v1/entries/18446744073709551616"), 400, "invalid_argument",
             "2^64 - 1");
  CheckError(Get(w, "/api/v1/entries/18446744073709551615"), 404, "not_found");
  CheckError(Get(w, "/api/v1/entries/6"), 404, "not_found", "tree size 6");
  CheckError(Get(w, "/api/v1/proof/inclusion?index=1"), 400, "invalid_argument",
             "\"size\" is required");
  CheckError(Get(w, "/api/v1/proof/inclusion?index=x&size=3"), 400, "invalid_argument",
             "\"index\"");
  CheckError(Get(w, "/api/v1/proof/inclusion?index=3&size=3"), 400, "invalid_argument",
             "not below");
  CheckError(Get(w, "/api/v1/proof/inclusion?index=1&index=2&size=3"), 400, "invalid_argument",
             "twice");
  CheckError(Get(w, "/api/v1/proof/inclusion?index=1&size=7"), 404, "beyond_tree");
  CheckError(Get(w, "/api/v1/proof/inclusion?index=%zz&size=7"), 400, "invalid_argument",
             "percent-encoding");
  CheckError(Get(w, "/api/v1/proof/consistency?old=4&size=3"), 400, "invalid_argument",
             "exceeds");
  CheckError(Get(w, "/api/v1/proof/consistency?old=1&size=99"), 404, "beyond_tree");
  CheckError(Get(w, "/api/v1/proof/consistency?size=3"), 400, "invalid_argument", "\"old\"");
}

TEST_CASE("api: certificate status by number", "[api]") {
  ApiWorld w;
  const HttpResponse ok = Get(w, "/api/v1/certificates/A-0001");
  INFO(ok.body);
  const Json logged = JsonOf(ok);
  CHECK(logged["number"].str() == "A-0001");
  CHECK(logged["status"].str() == "logged");
  CHECK_FALSE(logged["expired"].b());
  CHECK(logged["index"].u64() == 1);
  CHECK(logged["certificate"]["occupation_name"].str() == "车工");
  CHECK_FALSE(logged.Has("revocation"));
  // No personal data: neither the holder's name nor the commitments.
  CHECK(ok.body.find("王建国") == std::string::npos);
  CHECK(ok.body.find("holder") == std::string::npos);

  const Json revoked = JsonOf(Get(w, "/api/v1/certificates/A-0002"));
  CHECK(revoked["status"].str() == "revoked");
  CHECK(revoked["revocation"]["index"].u64() == 3);
  CHECK(revoked["revocation"]["reason"].str() == "error");
  CHECK(revoked["revocation"]["reason_name"]["en"].str() == std::string(RevocationReasonNameEn(RevocationReason::kError)));

  CHECK(JsonOf(Get(w, "/api/v1/certificates/A-0003"))["expired"].b());
  // Percent-encoded numbers are decoded.
  CHECK(JsonOf(Get(w, "/api/v1/certificates/A%2d0001"))["index"].u64() == 1);

  CheckError(Get(w, "/api/v1/certificates/A-0100"), 404, "unknown_certificate", "A-0100");
  CheckError(Get(w, "/api/v1/certificates/A%zz"), 400, "invalid_argument", "percent-encoding");
  CheckError(Get(w, "/api/v1/certificates/" + std::string(kMaxIndexKeyBytes + 1, 'x')), 400,
             "invalid_argument", "1 to 1024 bytes");
}

TEST_CASE("api: issuers lists every key the log trusts", "[api]") {
  ApiWorld w;
  const HttpResponse r = Get(w, "/api/v1/issuers");
  INFO(r.body);
  const Json j = JsonOf(r);
  CHECK(j["tree_size"].u64() == 6);
  CHECK(j["log"]["origin"].str() == w.world.log.name);
  CHECK(j["log"]["verifier_key"].str() == *FormatVerifierKey(w.world.log.Public()));

  // kid = the first 8 bytes of SHA-256(public key), in hex (DESIGN.md).
  auto kid = [](const PublicKey& key) {
    const Hash256 h = Sha256::Hash(key.view());
    return HexEncode(ByteView(h.data(), 8));
  };
  const Json& keys = j["keys"];
  REQUIRE(keys.size() == 3);
  CHECK(keys[0]["role"].str() == "regulator");
  CHECK(keys[0]["body"].str() == w.world.regulator.name);
  CHECK(keys[0]["kid"].str() == kid(w.world.regulator.key.public_key()));
  CHECK(keys[0]["public_key"].str() == Base64Encode(w.world.regulator.key.public_key().view()));

  CHECK(keys[1]["role"].str() == "issuer");
  CHECK(keys[1]["body"].str() == "alpha-works");
  CHECK(keys[1]["kid"].str() == kid(w.world.alpha.key.public_key()));
  CHECK(keys[1]["from"].u64() == test::kT0);
  CHECK_FALSE(keys[1].Has("revoked"));
  CHECK(keys[1]["scope"]["occupations"][0].str() == "6-18-01-01");
  CHECK(keys[1]["scope"]["levels"].size() == 4);
  CHECK(keys[1]["accreditation"]["index"].u64() == 5);  // the later accreditation
  CHECK(keys[1]["accreditation"]["status"].str() == "active");
  CHECK(keys[2]["kid"].str() == kid(w.world.alpha2.key.public_key()));
  CHECK(keys[2]["revoked"].u64() == test::kT0 + 11 * test::kDay);
}

TEST_CASE("api: health, metrics, the page and unknown routes", "[api]") {
  ApiWorld w;
  const Json health = JsonOf(Get(w, "/healthz"));
  CHECK(health["status"].str() == "ok");
  CHECK(health["tree_size"].u64() == 6);
  CHECK_FALSE(health["read_only"].b());

  w.metrics.ObserveRequest("/healthz", 200, 0.002);
  const HttpResponse metrics = Get(w, "/metrics");
  CHECK(metrics.content_type == "text/plain; version=0.0.4; charset=utf-8");
  CHECK_THAT(metrics.body, Catch::Contains("# TYPE certledger_tree_size gauge\ncertledger_tree_size 6\n"));
  // The depth itself may lag a moment behind a returned Submit().
  CHECK_THAT(metrics.body, Catch::Contains("# TYPE certledger_sequencer_queue_depth gauge\n"));
  CHECK_THAT(metrics.body,
             Catch::Contains("certledger_http_requests_total{route=\"/healthz\",status=\"200\"} 1\n"));
  CHECK(metrics.route == "/metrics");

  const HttpResponse page = Get(w, "/v");
  CHECK(page.status == 200);  // the page itself: tests/verifier/page_test.cpp
  CHECK(page.content_type == "text/html; charset=utf-8");
  CHECK(page.route == "/v");

  const HttpResponse unknown = Get(w, "/nothing/here");
  CheckError(unknown, 404, "not_found", "GET /nothing/here");
  CHECK(unknown.route == "other");
  CheckError(Get(w, "/checkpoint/"), 404, "not_found");
  const HttpResponse put = HandleRequest(HttpRequest{"PUT", "/checkpoint", "", ""}, w.context);
  CheckError(put, 405, "method_not_allowed", "PUT");
  CHECK(put.Header("Allow") == "GET, HEAD");
  CheckError(Get(w, "checkpoint"), 400, "invalid_argument", "not a path");
  CheckError(Get(w, "*"), 400, "invalid_argument");
  // HEAD is answered like GET (the server drops the body); absolute form
  // is accepted (RFC 9112 section 3.2.2).
  CHECK(HandleRequest(HttpRequest{"HEAD", "/checkpoint", "", ""}, w.context).status == 200);
  CHECK(Get(w, "http://verify.test/checkpoint").status == 200);
  CHECK(Get(w, "/healthz?verbose=1").status == 200);
  CHECK(Get(w, "/checkpoint").Header("Access-Control-Allow-Origin") == "*");
}

TEST_CASE("api: an unreadable log gives indeterminate and 503", "[api]") {
  ApiWorld w;
  w.context.snapshot = []() -> Result<LedgerSnapshot> {
    return Status::IOError("the verifier's copy of the ledger is stale").WithReason("stale");
  };
  const Json v = JsonOf(Verify(w, w.Qr(w.valid)));
  CHECK(v["verdict"].str() == "indeterminate");
  CHECK_THAT(v["reason"].str(), Catch::Contains("stale"));
  CheckError(Get(w, "/checkpoint"), 503, "stale");
  CheckError(Get(w, "/healthz"), 503, "stale");
  CheckError(Get(w, "/tile/0/000.p/1"), 503, "stale");
  CheckError(Get(w, "/api/v1/issuers"), 503, "stale");
  const HttpResponse metrics = Get(w, "/metrics");
  CHECK(metrics.status == 200);
  CHECK(metrics.body.find("certledger_tree_size") == std::string::npos);
}

TEST_CASE("api: Status codes map to HTTP statuses in one place", "[api]") {
  CHECK(HttpStatusOf(Status::InvalidArgument("x")) == 400);
  CHECK(HttpStatusOf(Status::NotFound("x")) == 404);
  CHECK(HttpStatusOf(Status::AlreadyExists("x")) == 409);
  CHECK(HttpStatusOf(Status::VerificationFailed("x")) == 422);
  CHECK(HttpStatusOf(Status::ResourceExhausted("x")) == 413);
  CHECK(HttpStatusOf(Status::PermissionDenied("x")) == 403);
  CHECK(HttpStatusOf(Status::IOError("x")) == 503);
  CHECK(HttpStatusOf(Status::Corruption("x")) == 500);
  CHECK(HttpStatusOf(Status::Internal("x")) == 500);
  CHECK(HttpStatusOf(Status::InvalidArgument("x").WithReason("too_large")) == 413);
  CHECK(HttpStatusOf(Status::ResourceExhausted("x").WithReason("header_too_large")) == 431);
  CHECK(HttpStatusOf(Status::ResourceExhausted("x").WithReason("too_many_connections")) == 503);
  CHECK(HttpStatusOf(Status::PermissionDenied("x").WithReason("read_only")) == 405);
  CHECK(ErrorCodeOf(Status::IOError("x")) == "io_error");
  CHECK(ErrorCodeOf(Status::InvalidArgument("x")) == "invalid_argument");
  CHECK(ErrorCodeOf(Status::VerificationFailed("x")) == "verification_failed");
  CHECK(ErrorCodeOf(Status::NotFound("x").WithReason("unknown_certificate")) ==
        "unknown_certificate");
  const HttpResponse r = ErrorResponse(Status::AlreadyExists("number \"A\" is in use")
                                           .WithReason("number_in_use"));
  CHECK(r.status == 409);
  CHECK(r.body == "{\"error\":\"number_in_use\",\"reason\":\"number \\\"A\\\" is in use\"}\n");
}

TEST_CASE("api: only submissions and photo scans wait", "[api]") {
  CHECK(AnswersWithoutWaiting(HttpRequest{"POST", "/api/v1/verify", "text/plain", "x"}));
  CHECK(AnswersWithoutWaiting(HttpRequest{"GET", "/tile/0/000", "", ""}));
  CHECK(AnswersWithoutWaiting(HttpRequest{"GET", "/api/v1/records", "", ""}));  // a 405
  CHECK(AnswersWithoutWaiting(HttpRequest{"POST", "/api/v1/verify?x=1", "text/plain", "x"}));
  CHECK(AnswersWithoutWaiting(HttpRequest{"POST", "not a target", "", ""}));
  CHECK_FALSE(AnswersWithoutWaiting(HttpRequest{"POST", "/api/v1/records", "application/cose", "x"}));
  CHECK_FALSE(AnswersWithoutWaiting(HttpRequest{"POST", "/api/v1/records?a=b", "", ""}));
  CHECK_FALSE(AnswersWithoutWaiting(HttpRequest{"POST", "/api/v1/scan", "image/png", "x"}));
}

}  // namespace
}  // namespace certledger
