// LogMirror (certledger/mirror.h) fetching from the verifier's request
// handler (verifier_api.h HandleRequest), so that the mirror reads exactly
// the routes and bodies the server serves: /checkpoint, /tile/...,
// /api/v1/proof/consistency.
#include <catch2/catch.hpp>

#include "certledger/mirror.h"
#include "verifier/api_test_world.h"

namespace certledger::test {
namespace {

MirrorFetch HandlerFetch(ApiWorld& w, std::vector<std::string>* fetched) {
  return [&w, fetched](std::string_view path) -> Result<std::string> {
    fetched->emplace_back(path);
    HttpRequest request;
    request.method = "GET";
    request.target = "/" + std::string(path);
    HttpResponse response = HandleRequest(request, w.context);
    if (response.status == 404) return Status::NotFound(response.body);
    if (response.status != 200) return Status::IOError(response.body);
    return response.body;
  };
}

MirrorOptions Options(const ApiWorld& w) {
  MirrorOptions o;
  o.rules = w.world.Rules();
  o.log_key = w.world.log.Public();
  return o;
}

TEST_CASE("mirror: audits the log the handler serves, then its appended entries",
          "[mirror]") {
  ApiWorld w;
  TempDir state("mirror_handler");
  std::vector<std::string> fetched;
  Result<MirrorReport> first = MirrorAndAudit(state.path(), HandlerFetch(w, &fetched), Options(w));
  REQUIRE(first.ok());
  CHECK(first->log_consistent);
  CHECK(first->audit.finding_count == 0);
  CHECK(first->audit.tree_size == 6);
  CHECK(first->audit.certificates == 3);
  CHECK(first->audit.revocations == 1);
  CHECK(first->audit.accreditations == 2);
  // C2SP tlog-tiles: a tree of 6 has one partial bundle and tile of width 6.
  CHECK(fetched == std::vector<std::string>{"checkpoint", "tile/entries/000.p/6", "tile/0/000.p/6"});

  w.Append(w.unlogged);
  fetched.clear();
  Result<MirrorReport> second = MirrorAndAudit(state.path(), HandlerFetch(w, &fetched), Options(w));
  REQUIRE(second.ok());
  CHECK(second->log_consistent);
  CHECK(second->entries_fetched == 1);
  CHECK(second->audit.tree_size == 7);
  CHECK(fetched == std::vector<std::string>{"checkpoint", "tile/entries/000.p/7", "tile/0/000.p/7"});
}

TEST_CASE("mirror: split view against a second handler under the same log key", "[mirror]") {
  ApiWorld a;
  TempDir state("mirror_handler_split");
  std::vector<std::string> fetched;
  REQUIRE(MirrorAndAudit(state.path(), HandlerFetch(a, &fetched), Options(a))->log_consistent);

  // The same log, grown: consistent, by the handler's consistency proof.
  a.Append(a.unlogged);
  const std::string a7 = a.ledger->Snapshot()->checkpoint();
  auto grown = CheckSplitView(state.path(), a.world.log.Public(), "a", a7, HandlerFetch(a, &fetched));
  REQUIRE(grown.ok());
  CHECK(grown->empty());
  CHECK(fetched.back() == "api/v1/proof/consistency?old=6&size=7");

  REQUIRE(MirrorAndAudit(state.path(), HandlerFetch(a, &fetched), Options(a))->audit.tree_size ==
          7);

  // Another log with the same key and an entry 6 of its own.
  ApiWorld b;
  b.Append(b.world.Certify("B-0002", b.world.alpha));
  REQUIRE(b.ledger->Snapshot()->checkpoint() != a7);
  auto split = CheckSplitView(state.path(), a.world.log.Public(), "b",
                              b.ledger->Snapshot()->checkpoint(), HandlerFetch(b, &fetched));
  REQUIRE(split.ok());
  REQUIRE(split->size() == 1);
  CHECK((*split)[0].code == "split_view");
}

}  // namespace
}  // namespace certledger::test
