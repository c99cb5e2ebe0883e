// Fuzzes HandleRequest (verifier_api.h), the verifier's HTTP API as a pure
// function, over a small real ledger built once (tests/verifier/
// api_test_world.h: an accreditation, valid, revoked and expired
// certificates, a revocation). The input is split at its first four
// newlines:
//   <method> LF <target> LF <content type> LF <accept-encoding> LF <body>
// (missing parts are empty). Properties: the status is a valid HTTP status
// and never 500 (an internal error: hostile input must get a 4xx).
#include <cstddef>
#include <cstdint>
#include <string>
#include <string_view>

#include "certledger/verifier_api.h"
#include "fuzz/fuzz_util.h"
#include "verifier/api_test_world.h"

namespace {

certledger::test::ApiWorld* world = nullptr;

// The text before the next '\n' of *rest (all of it if none); consumes it
// and the '\n'.
std::string NextLine(std::string_view* rest) {
  const std::size_t end = rest->find('\n');
  std::string line(rest->substr(0, end));
  rest->remove_prefix(end == std::string_view::npos ? rest->size() : end + 1);
  return line;
}

}  // namespace

extern "C" int LLVMFuzzerInitialize(int*, char***) {
  static certledger::test::ApiWorld w;
  world = &w;
  return 0;
}

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  std::string_view rest = fuzz::AsText(data, size);
  HttpRequest request;
  request.method = NextLine(&rest);
  request.target = NextLine(&rest);
  request.content_type = NextLine(&rest);
  request.accept_encoding = NextLine(&rest);
  request.body = std::string(rest);
  const HttpResponse response = HandleRequest(request, world->context);
  fuzz::Require(response.status >= 100 && response.status <= 599, "http: invalid status");
  fuzz::Require(response.status != 500, "http: 500 for an input");
  return 0;
}
