// The HTTP client against certledger's own server on loopback: keep-alive,
// reconnecting after the server closed an idle connection, deadlines, the
// answer size limit, TLS with host checks, and URL parsing.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <thread>

#include "certledger/http_client.h"
#include "certledger/http_server.h"
#include "ledger/test_world.h"
#include "verifier/tls_test_util.h"

namespace certledger {
namespace {

using namespace std::chrono_literals;

ServerOptions LoopbackOptions() {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.io_threads = 1;
  o.handler_threads = 2;
  o.read_timeout = 5s;
  o.write_timeout = 5s;
  o.drain_timeout = 2s;
  return o;
}

// Echoes the method, target, content type and body; "/sleep" waits a second;
// "/big" answers 1 MiB.
HttpResponse Echo(const HttpRequest& r) {
  HttpResponse out;
  if (r.target == "/sleep") std::this_thread::sleep_for(1s);
  out.content_type = "text/plain";
  out.body = r.target == "/big" ? std::string(1 << 20, 'x')
                                : r.method + " " + r.target + " " + r.content_type + " " + r.body;
  return out;
}

std::string Base(const HttpServer& s, const std::string& scheme = "http",
                 const std::string& host = "127.0.0.1") {
  return scheme + "://" + host + ":" + std::to_string(s.port());
}

TEST_CASE("http client: requests on one keep-alive connection", "[http_client]") {
  std::atomic<std::int64_t> most{0};
  auto server = HttpServer::Start(LoopbackOptions(), Echo, nullptr, [&](std::int64_t open) {
    if (open > most) most = open;
  });
  REQUIRE(server.ok());
  auto client = HttpClient::Create(Base(**server) + "/prefix");
  REQUIRE(client.ok());
  auto get = (*client)->Get("/a?b=c");
  REQUIRE(get.ok());
  CHECK(get->status == 200);
  CHECK(get->content_type == "text/plain");
  CHECK(get->Header("content-TYPE") == "text/plain");
  CHECK(get->body == "GET /prefix/a?b=c  ");
  for (int i = 0; i < 20; ++i) {
    auto post = (*client)->Post("/records", "application/cose", "body " + std::to_string(i));
    REQUIRE(post.ok());
    CHECK(post->body == "POST /prefix/records application/cose body " + std::to_string(i));
  }
  CHECK(most == 1);  // one connection served them all
  CHECK((*client)->Send("BREW", "/", "", "").status().code() == StatusCode::kInvalidArgument);
  CHECK((*client)->Get("no-slash").status().code() == StatusCode::kInvalidArgument);
  CHECK((*client)->Get("/a b").status().code() == StatusCode::kInvalidArgument);
}

TEST_CASE("http client: reconnects when the server closed an idle connection", "[http_client]") {
  ServerOptions o = LoopbackOptions();
  o.read_timeout = 200ms;  // the server closes a connection idle this long
  auto server = HttpServer::Start(o, Echo);
  REQUIRE(server.ok());
  auto client = HttpClient::Create(Base(**server));
  REQUIRE(client.ok());
  REQUIRE((*client)->Get("/one").ok());
  std::this_thread::sleep_for(600ms);
  auto again = (*client)->Get("/two");
  REQUIRE(again.ok());
  CHECK(again->body == "GET /two  ");
}

TEST_CASE("http client: deadlines, size limit and unreachable servers", "[http_client]") {
  auto server = HttpServer::Start(LoopbackOptions(), Echo);
  REQUIRE(server.ok());
  HttpClientOptions quick;
  quick.timeout = 200ms;
  auto client = HttpClient::Create(Base(**server), quick);
  REQUIRE(client.ok());
  auto slow = (*client)->Get("/sleep");
  REQUIRE_FALSE(slow.ok());
  CHECK(slow.status().code() == StatusCode::kIOError);
  CHECK(slow.status().reason() == "timeout");
  CHECK((*client)->Get("/after").ok());  // a fresh connection after the timeout

  HttpClientOptions small;
  small.max_body = 1000;
  auto limited = HttpClient::Create(Base(**server), small);
  REQUIRE(limited.ok());
  auto big = (*limited)->Get("/big");
  REQUIRE_FALSE(big.ok());
  CHECK(big.status().code() == StatusCode::kResourceExhausted);
  CHECK((*limited)->Get("/small").ok());

  const std::uint16_t port = (*server)->port();
  (*server)->Stop();
  server->reset();
  auto gone = HttpClient::Create("http://127.0.0.1:" + std::to_string(port));
  REQUIRE(gone.ok());
  auto refused = (*gone)->Get("/");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().reason() == "unreachable");
}

TEST_CASE("http client: HTTPS checks the certificate and the host", "[http_client]") {
  test::TempDir dir("client_tls");
  const std::string cert = dir.path() + "/cert.pem";
  const std::string key = dir.path() + "/key.pem";
  test::WriteSelfSignedCertificate(cert, key);
  ServerOptions o = LoopbackOptions();
  o.tls = TlsFiles{cert, key};
  auto server = HttpServer::Start(o, Echo);
  REQUIRE(server.ok());

  HttpClientOptions trusted;
  trusted.ca_file = cert;
  auto good = HttpClient::Create(Base(**server, "https"), trusted);
  REQUIRE(good.ok());
  auto answer = (*good)->Get("/secure");
  REQUIRE(answer.ok());
  CHECK(answer->body == "GET /secure  ");

  // The system's trust store does not know the self-signed certificate.
  auto untrusted = HttpClient::Create(Base(**server, "https"));
  REQUIRE(untrusted.ok());
  auto refused = (*untrusted)->Get("/");
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().reason() == "tls");
  CHECK_THAT(refused.status().message(), Catch::Contains("certificate"));

  // Trusted certificate, other name: the host check fails.
  auto other = HttpClient::Create(Base(**server, "https", "localhost"), trusted);
  REQUIRE(other.ok());
  auto mismatch = (*other)->Get("/");
  REQUIRE_FALSE(mismatch.ok());
  CHECK(mismatch.status().reason() == "tls");

  // Plain HTTP to a TLS port gets no HTTP answer.
  HttpClientOptions quick;
  quick.timeout = 1s;
  auto plain = HttpClient::Create(Base(**server, "http"), quick);
  REQUIRE(plain.ok());
  CHECK_FALSE((*plain)->Get("/").ok());
}

TEST_CASE("http client: URLs", "[http_client]") {
  auto u = ParseHttpUrl("https://ledger.example.org/base/path?x=1#frag");
  REQUIRE(u.ok());
  CHECK(u->tls);
  CHECK(u->host == "ledger.example.org");
  CHECK(u->port == 443);
  CHECK(u->path == "/base/path?x=1");
  u = ParseHttpUrl("HTTP://[::1]:8080");
  REQUIRE(u.ok());
  CHECK_FALSE(u->tls);
  CHECK(u->host == "::1");
  CHECK(u->port == 8080);
  CHECK(u->path == "/");
  u = ParseHttpUrl("http://127.0.0.1:80?q");
  REQUIRE(u.ok());
  CHECK(u->path == "/?q");
  for (const char* bad : {"ftp://x", "x.example", "http://", "http://:80", "http://h:0",
                          "http://h:65536", "http://h:", "http://u@h", "http://[::1", "http://h:08"}) {
    INFO(bad);
    auto r = ParseHttpUrl(bad);
    CHECK(r.status().code() == StatusCode::kInvalidArgument);
  }
}

}  // namespace
}  // namespace certledger
