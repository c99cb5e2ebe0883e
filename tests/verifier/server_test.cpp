// The real server (http_server.h) on 127.0.0.1, port 0, with a real
// Boost.Beast client: keep-alive, limits, deadlines, the connection limit,
// verification while records are appended, a read-only follower, TLS, and
// the graceful stop. Every wait is bounded.
#include <catch2/catch.hpp>

#include <atomic>
#include <chrono>
#include <ctime>
#include <thread>

#include <boost/asio/connect.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>

#include "certledger/checkpoint.h"
#include "certledger/http_server.h"
#include "certledger/ledger_follower.h"
#include "verifier/api_test_world.h"
#include "verifier/json_test_util.h"
#include "verifier/tls_test_util.h"

namespace certledger {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using namespace std::chrono_literals;
using test::ApiWorld;
using test::ParseJson;

constexpr auto kClientTimeout = 10s;

struct Answer {
  int status = 0;
  std::string body;
  bool keep_alive = false;
  http::fields fields;
  std::string Field(http::field f) const { return std::string(fields[f]); }
};

// A blocking HTTP/1.1 client over one connection, every operation bounded
// by a deadline (async operations on a tcp_stream, run to completion).
template <bool kTls = false>
class Client {
 public:
  using Stream = std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  explicit Client(std::uint16_t port, ssl::context* tls = nullptr) : stream_(Make(tls)) {
    const tcp::endpoint endpoint(net::ip::make_address("127.0.0.1"), port);
    Tcp().expires_after(kClientTimeout);
    beast::error_code ec;
    Tcp().async_connect(endpoint, [&](beast::error_code e) { ec = e; });
    Run();
    if (ec) throw std::runtime_error("connect: " + ec.message());
    if constexpr (kTls) {
      Tcp().expires_after(kClientTimeout);
      stream_.async_handshake(ssl::stream_base::client, [&](beast::error_code e) { ec = e; });
      Run();
      if (ec) throw std::runtime_error("TLS handshake: " + ec.message());
    }
  }

  // Sends a request and reads its answer.
  Answer Send(http::verb method, const std::string& target, const std::string& body = "",
              const std::string& content_type = "") {
    Write(method, target, body, content_type);
    auto answer = Read(method == http::verb::head);
    if (!answer) throw std::runtime_error("no answer to " + target + ": " + error_.message());
    return *answer;
  }

  void Write(http::verb method, const std::string& target, const std::string& body = "",
             const std::string& content_type = "") {
    http::request<http::string_body> req{method, target, 11};
    req.set(http::field::host, "127.0.0.1");
    if (!content_type.empty()) req.set(http::field::content_type, content_type);
    req.body() = body;
    req.prepare_payload();
    beast::error_code ec;
    Tcp().expires_after(kClientTimeout);
    http::async_write(stream_, req, [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    if (ec) throw std::runtime_error("write: " + ec.message());
  }

  void WriteRaw(std::string_view bytes) {
    beast::error_code ec;
    Tcp().expires_after(kClientTimeout);
    net::async_write(stream_, net::buffer(bytes.data(), bytes.size()),
                     [&](beast::error_code e, std::size_t) { ec = e; });
    Run();
    if (ec) throw std::runtime_error("write: " + ec.message());
  }

  // The next answer, or nullopt when the connection ends first (error()
  // says how).
  std::optional<Answer> Read(bool head = false,
                             std::chrono::steady_clock::duration timeout = kClientTimeout) {
    http::response_parser<http::string_body> parser;
    parser.body_limit(16 << 20);
    parser.skip(head);
    Tcp().expires_after(timeout);
    http::async_read(stream_, buffer_, parser, [&](beast::error_code e, std::size_t) { error_ = e; });
    Run();
    if (error_) return std::nullopt;
    auto res = parser.release();
    Answer a;
    a.status = static_cast<int>(res.result_int());
    a.keep_alive = res.keep_alive();
    a.body = std::move(res.body());
    for (const auto& f : res) a.fields.insert(f.name_string(), f.value());
    return a;
  }

  const beast::error_code& error() const { return error_; }

 private:
  static Stream Make(ssl::context* tls) {
    if constexpr (kTls) {
      return Stream(Ioc(), *tls);
    } else {
      (void)tls;
      return Stream(Ioc());
    }
  }
  // One io_context per thread, shared by that thread's clients.
  static net::io_context& Ioc() {
    thread_local net::io_context ioc;
    return ioc;
  }
  void Run() {
    Ioc().restart();
    Ioc().run();
  }
  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  Stream stream_;
  beast::flat_buffer buffer_;
  beast::error_code error_;
};

ServerOptions TestOptions() {
  ServerOptions o;
  o.address = "127.0.0.1";
  o.port = 0;
  o.io_threads = 2;
  o.handler_threads = 4;
  o.read_timeout = 5s;
  o.write_timeout = 5s;
  o.drain_timeout = 5s;
  return o;
}

struct TestServer {
  ApiWorld w;
  std::unique_ptr<HttpServer> server;

  explicit TestServer(ServerOptions options = TestOptions(), RequestHandler handler = {}) {
    if (!handler) {
      handler = [this](const HttpRequest& r) { return HandleRequest(r, w.context); };
    }
    auto s = HttpServer::Start(
        std::move(options), std::move(handler),
        [this](std::string_view route, int status, double seconds) {
          w.metrics.ObserveRequest(route, status, seconds);
        },
        [this](std::int64_t open) { w.metrics.SetConnections(open); });
    if (!s.ok()) throw std::runtime_error(s.status().ToString());
    server = std::move(*s);
  }
  std::uint16_t port() const { return server->port(); }
};

// Polls `done` every 10 ms for at most `limit`.
template <typename F>
bool Eventually(F done, std::chrono::milliseconds limit = 5000ms) {
  const auto end = std::chrono::steady_clock::now() + limit;
  while (std::chrono::steady_clock::now() < end) {
    if (done()) return true;
    std::this_thread::sleep_for(10ms);
  }
  return done();
}

void CheckJsonError(const Answer& a, int status, const std::string& code) {
  INFO(a.body);
  CHECK(a.status == status);
  CHECK(a.Field(http::field::content_type) == "application/json");
  CHECK(ParseJson(a.body)["error"].str() == code);
}

TEST_CASE("server: keep-alive serves many requests on one connection", "[server]") {
  TestServer s;
  Client c(s.port());
  const Answer cp = c.Send(http::verb::get, "/checkpoint");
  CHECK(cp.status == 200);
  CHECK(cp.keep_alive);
  CHECK(cp.Field(http::field::content_type) == "text/plain; charset=utf-8");
  CHECK(cp.body == s.w.ledger->Snapshot()->checkpoint());
  CHECK(!cp.Field(http::field::date).empty());

  const Answer v = c.Send(http::verb::post, "/api/v1/verify", s.w.Qr(s.w.valid), "text/plain");
  CHECK(v.status == 200);
  CHECK(ParseJson(v.body)["verdict"].str() == "valid");

  const Answer head = c.Send(http::verb::head, "/checkpoint");
  CHECK(head.status == 200);
  CHECK(head.body.empty());
  CHECK(head.Field(http::field::content_length) == std::to_string(cp.body.size()));

  const Answer tile = c.Send(http::verb::get, "/tile/0/000.p/6");
  CHECK(tile.status == 200);
  CHECK(tile.body.size() == 6 * 32);
  CHECK(tile.Field(http::field::content_type) == "application/octet-stream");
  CHECK(tile.Field(http::field::cache_control) == "public, max-age=31536000, immutable");

  CheckJsonError(c.Send(http::verb::get, "/nothing"), 404, "not_found");
  for (int i = 0; i < 20; ++i) CHECK(c.Send(http::verb::get, "/healthz").status == 200);
  CHECK(s.server->connections() == 1);  // all of it on one connection

  // Two requests written back to back (pipelined) are answered in order.
  c.Write(http::verb::get, "/healthz");
  c.Write(http::verb::get, "/api/v1/entries/0");
  auto first = c.Read();
  auto second = c.Read();
  REQUIRE(first);
  REQUIRE(second);
  CHECK(ParseJson(first->body)["status"].str() == "ok");
  CHECK(ParseJson(second->body)["index"].u64() == 0);
  // Entry bundles come gzipped to a client that asks for it.
  c.WriteRaw("GET /tile/entries/000.p/6 HTTP/1.1\r\nHost: x\r\nAccept-Encoding: gzip\r\n\r\n");
  auto gz = c.Read();
  REQUIRE(gz);
  CHECK(gz->status == 200);
  CHECK(gz->Field(http::field::content_encoding) == "gzip");
  CHECK(gz->body.substr(0, 2) == "\x1f\x8b");

  // Requests are counted by route and status (after each answer is written).
  CHECK(Eventually([&] { return s.w.metrics.RequestCount("/healthz", 200) == 21; }));
  CHECK(s.w.metrics.RequestCount("other", 404) == 1);
  const std::string metrics = c.Send(http::verb::get, "/metrics").body;
  CHECK_THAT(metrics, Catch::Contains(
                          "certledger_http_requests_total{route=\"/api/v1/verify\",status=\"200\"} 1\n"));
  CHECK_THAT(metrics, Catch::Contains("certledger_http_connections 1\n"));
}

TEST_CASE("server: an oversized body gets 413 and the server goes on", "[server]") {
  ServerOptions o = TestOptions();
  o.max_body_bytes = 1024;
  TestServer s(o);
  {
    Client c(s.port());
    const Answer a =
        c.Send(http::verb::post, "/api/v1/records", std::string(4096, 'x'), "application/cose");
    CheckJsonError(a, 413, "body_too_large");
    CHECK_THAT(ParseJson(a.body)["reason"].str(), Catch::Contains("1024 bytes"));
    CHECK_FALSE(a.keep_alive);
  }
  {
    // Announced but never sent: refused from the header alone.
    Client c(s.port());
    c.WriteRaw("POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
               "Content-Length: 100000000\r\n\r\n");
    auto a = c.Read();
    REQUIRE(a);
    CheckJsonError(*a, 413, "body_too_large");
  }
  {
    // Chunked, growing past the limit.
    Client c(s.port());
    c.WriteRaw("POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
               "Transfer-Encoding: chunked\r\n\r\n400\r\n" + std::string(1024, 'a') +
               "\r\n400\r\n" + std::string(1024, 'a') + "\r\n0\r\n\r\n");
    auto a = c.Read();
    REQUIRE(a);
    CheckJsonError(*a, 413, "body_too_large");
  }
  Client after(s.port());
  CHECK(after.Send(http::verb::get, "/healthz").status == 200);
  // A body within the limit is fine.
  CHECK(after.Send(http::verb::post, "/api/v1/verify", s.w.Qr(s.w.valid), "text/plain").status ==
        200);
}

TEST_CASE("server: an oversized header gets 431, garbage gets 400", "[server]") {
  ServerOptions o = TestOptions();
  o.max_header_bytes = 4096;
  TestServer s(o);
  {
    Client c(s.port());
    c.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\nX-Big: " + std::string(8000, 'a') +
               "\r\n\r\n");
    auto a = c.Read();
    REQUIRE(a);
    CheckJsonError(*a, 431, "header_too_large");
    CHECK_THAT(ParseJson(a->body)["reason"].str(), Catch::Contains("4096 bytes"));
  }
  {
    Client c(s.port());
    c.WriteRaw("GET /" + std::string(5000, 'a') + " HTTP/1.1\r\nHost: x\r\n\r\n");
    auto a = c.Read();
    REQUIRE(a);
    CheckJsonError(*a, 431, "header_too_large");
  }
  for (const std::string bad : {"BREW /pot HTCPCP/1.0\r\n\r\n",
                                "GET /healthz HTTP/1.1\r\nNo colon here\r\n\r\n",
                                "GET /healthz HTTP/1.1\r\nContent-Length: x\r\n\r\n"}) {
    Client c(s.port());
    c.WriteRaw(bad);
    auto a = c.Read();
    REQUIRE(a);
    CheckJsonError(*a, 400, "bad_request");
    CHECK_THAT(ParseJson(a->body)["reason"].str(), Catch::Contains("malformed HTTP request"));
  }
  Client after(s.port());
  CHECK(after.Send(http::verb::get, "/healthz").status == 200);
}

TEST_CASE("server: slow senders and idle connections hit the read deadline", "[server]") {
  ServerOptions o = TestOptions();
  o.read_timeout = 300ms;
  TestServer s(o);
  auto closed_within = [](auto& client, std::chrono::milliseconds at_least) {
    const auto start = std::chrono::steady_clock::now();
    auto a = client.Read(false, 5s);
    const auto waited = std::chrono::steady_clock::now() - start;
    CHECK_FALSE(a);  // no answer: the server closed the connection
    CHECK(client.error() != beast::error::timeout);  // ... before the client gave up
    CHECK(waited >= at_least);
    CHECK(waited < 3s);
  };
  {
    Client c(s.port());
    c.WriteRaw("GET /healthz HTTP/1.1\r\nHo");  // and nothing more
    closed_within(c, 200ms);
  }
  {
    Client c(s.port());
    c.WriteRaw("POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
               "Content-Length: 100\r\n\r\nonly a part");
    closed_within(c, 200ms);
  }
  {
    // Trickling does not extend the deadline: it covers the whole request.
    Client c(s.port());
    const auto start = std::chrono::steady_clock::now();
    const std::string request = "GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n";
    try {
      for (std::size_t i = 0; i < request.size(); ++i) {
        c.WriteRaw(request.substr(i, 1));
        std::this_thread::sleep_for(60ms);
      }
    } catch (const std::runtime_error&) {
      // The server closed the connection under the trickle: as it should.
    }
    CHECK_FALSE(c.Read(false, 5s));
    CHECK(std::chrono::steady_clock::now() - start < 4s);
  }
  {
    Client c(s.port());
    CHECK(c.Send(http::verb::get, "/healthz").status == 200);
    closed_within(c, 200ms);  // kept alive, then idle too long
  }
  CHECK(Eventually([&] { return s.server->connections() == 0; }));
  Client after(s.port());
  CHECK(after.Send(http::verb::get, "/healthz").status == 200);
}

TEST_CASE("server: connections beyond the limit get 503", "[server]") {
  ServerOptions o = TestOptions();
  o.max_connections = 2;
  TestServer s(o);
  auto a = std::make_unique<Client<>>(s.port());
  Client b(s.port());
  CHECK(a->Send(http::verb::get, "/healthz").status == 200);
  CHECK(b.Send(http::verb::get, "/healthz").status == 200);
  CHECK(s.server->connections() == 2);
  {
    Client c(s.port());
    auto answer = c.Read();
    REQUIRE(answer);
    CheckJsonError(*answer, 503, "too_many_connections");
    CHECK_FALSE(answer->keep_alive);
  }
  a.reset();  // one leaves; a newcomer is served again
  CHECK(Eventually([&] { return s.server->connections() < 2; }));
  Client d(s.port());
  CHECK(d.Send(http::verb::get, "/healthz").status == 200);
  CHECK(b.Send(http::verb::get, "/healthz").status == 200);
}

TEST_CASE("server: Expect 100-continue", "[server]") {
  TestServer s;
  Client c(s.port());
  const std::string qr = s.w.Qr(s.w.valid);
  c.WriteRaw("POST /api/v1/verify HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\n"
             "Expect: 100-continue\r\nContent-Length: " + std::to_string(qr.size()) + "\r\n\r\n");
  auto interim = c.Read();
  REQUIRE(interim);
  CHECK(interim->status == 100);
  c.WriteRaw(qr);
  auto final_answer = c.Read();
  REQUIRE(final_answer);
  CHECK(final_answer->status == 200);
  CHECK(ParseJson(final_answer->body)["verdict"].str() == "valid");
}

TEST_CASE("server: verification stays correct while records are appended", "[server]") {
  ServerOptions o = TestOptions();
  o.handler_threads = 8;
  TestServer s(o);
  constexpr int kRecords = 40;
  std::vector<Bytes> records;
  for (int i = 0; i < kRecords; ++i) {
    records.push_back(s.w.world.Certify("C-" + std::to_string(5000 + i), s.w.world.alpha));
  }
  // (Catch2's assertions are for the main thread: the others count.)
  std::atomic<bool> writing{true};
  std::atomic<int> created{0};
  std::thread writer([&] {
    try {
      Client c(s.port());
      for (const Bytes& r : records) {
        const Answer a =
            c.Send(http::verb::post, "/api/v1/records", ToString(r), "application/cose");
        if (a.status == 201) ++created;
      }
    } catch (const std::exception&) {
    }
    writing = false;
  });
  // Two verifiers and a checkpoint reader meanwhile, each on its own
  // connection: every answer is right and the log only grows.
  std::atomic<int> wrong{0};
  std::atomic<int> verified{0};
  const std::string qr = s.w.Qr(s.w.valid);
  auto verifier = [&] {
    try {
      Client c(s.port());
      std::uint64_t last_size = 0;
      for (int i = 0; i < 5000 && (writing || i < 3); ++i) {
        const Answer a = c.Send(http::verb::post, "/api/v1/verify", qr, "text/plain");
        const test::Json j = ParseJson(a.body);
        if (a.status != 200 || j["verdict"].str() != "valid" || j["tree_size"].u64() < last_size) {
          ++wrong;
        }
        last_size = j["tree_size"].u64();
        ++verified;
      }
    } catch (const std::exception&) {
      ++wrong;
    }
  };
  std::thread v1(verifier);
  std::thread v2(verifier);
  std::uint64_t last = 0;
  {
    Client c(s.port());
    for (int i = 0; i < 5000 && writing; ++i) {
      const Answer a = c.Send(http::verb::get, "/checkpoint");
      auto cp = OpenCheckpoint(a.body, s.w.world.log.Public());
      REQUIRE(cp.ok());
      CHECK(cp->size >= last);
      last = cp->size;
    }
  }
  writer.join();
  v1.join();
  v2.join();
  CHECK(created == kRecords);
  CHECK(wrong == 0);
  CHECK(verified >= 6);
  CHECK(s.w.Size() == 6 + kRecords);
  // Each new certificate verifies as logged.
  Client c(s.port());
  const test::Json j = ParseJson(
      c.Send(http::verb::post, "/api/v1/verify", s.w.Qr(records.back()), "text/plain").body);
  CHECK(j["verdict"].str() == "valid");
  CHECK(j["index"].u64() == 6 + kRecords - 1);
}

TEST_CASE("server: a read-only verifier follows a ledger another writer appends to", "[server]") {
  ApiWorld w;
  test::TempDir secondary("secondary");
  auto store = LedgerStore::OpenSecondary(w.dir.path() + "/ledger", secondary.path());
  REQUIRE(store.ok());
  auto follower = LedgerFollower::Start(*store, FollowerOptions{50ms, 60000ms});
  REQUIRE(follower.ok());
  ApiContext context = w.context;
  context.ledger = nullptr;
  context.snapshot = [f = follower->get()] { return f->Latest(); };
  context.ledger_as_of_ms = [f = follower->get()] { return f->caught_up_unix_ms(); };
  auto server = HttpServer::Start(TestOptions(), [&context](const HttpRequest& r) {
    return HandleRequest(r, context);
  });
  REQUIRE(server.ok());
  Client c((*server)->port());
  const test::Json health = ParseJson(c.Send(http::verb::get, "/healthz").body);
  CHECK(health["tree_size"].u64() == 6);
  CHECK(health["read_only"].b());

  const Bytes record = w.world.Certify("R-0001", w.world.alpha);
  const Answer refused = c.Send(http::verb::post, "/api/v1/records", ToString(record),
                                "application/cose");
  CheckJsonError(refused, 405, "read_only");
  CHECK(refused.fields.count(http::field::allow) == 1);
  CHECK(ParseJson(c.Send(http::verb::post, "/api/v1/verify", w.Qr(record), "text/plain").body)
            ["verdict"].str() == "not_logged");

  w.Append(record);  // by the writer, not through this server
  CHECK(Eventually([&] {
    auto cp = OpenCheckpoint(c.Send(http::verb::get, "/checkpoint").body, w.world.log.Public());
    return cp.ok() && cp->size == 7;
  }));
  const test::Json v =
      ParseJson(c.Send(http::verb::post, "/api/v1/verify", w.Qr(record), "text/plain").body);
  CHECK(v["verdict"].str() == "valid");
  CHECK(v["index"].u64() == 6);
  // As of the follower's last catch-up: a moment ago, not the test clock.
  const std::uint64_t before_ms = (*follower)->caught_up_unix_ms();
  const auto now_s = static_cast<std::uint64_t>(std::time(nullptr));
  CHECK(before_ms / 1000 + 5 >= now_s);
  CHECK(before_ms / 1000 <= now_s);
  CHECK(v["ledger_as_of"].str().size() == 20);
  CHECK(v["ledger_as_of"].str().substr(0, 2) == "20");
  CHECK(v["ledger_as_of"].str() != "2026-01-31T00:00:00Z");
  CHECK(c.Send(http::verb::get, "/tile/entries/000.p/7").status == 200);
  (*server)->Stop();
}

TEST_CASE("server: HTTPS with --tls-cert and --tls-key", "[server]") {
  test::TempDir dir("tls");
  const std::string cert = dir.path() + "/cert.pem";
  const std::string key = dir.path() + "/key.pem";
  test::WriteSelfSignedCertificate(cert, key);

  ServerOptions o = TestOptions();
  o.tls = TlsFiles{cert, key};
  TestServer s(o);
  ssl::context client_tls(ssl::context::tls_client);
  client_tls.load_verify_file(cert);
  client_tls.set_verify_mode(ssl::verify_peer);
  Client<true> c(s.port(), &client_tls);
  const Answer a = c.Send(http::verb::get, "/checkpoint");
  CHECK(a.status == 200);
  CHECK(a.body == s.w.ledger->Snapshot()->checkpoint());
  CHECK(c.Send(http::verb::post, "/api/v1/verify", s.w.Qr(s.w.valid), "text/plain").status == 200);

  // Plain HTTP to the TLS port gets no answer.
  Client<false> plain(s.port());
  plain.WriteRaw("GET /healthz HTTP/1.1\r\nHost: x\r\n\r\n");
  CHECK_FALSE(plain.Read(false, 5s));

  // Files OpenSSL cannot use are refused at start, by name.
  ServerOptions missing = TestOptions();
  missing.tls = TlsFiles{dir.path() + "/none.pem", key};
  auto refused = HttpServer::Start(missing, [](const HttpRequest&) { return HttpResponse{}; });
  REQUIRE_FALSE(refused.ok());
  CHECK(refused.status().code() == StatusCode::kInvalidArgument);
  CHECK_THAT(refused.status().message(), Catch::Contains("none.pem"));
  ServerOptions swapped = TestOptions();
  swapped.tls = TlsFiles{key, cert};
  CHECK_FALSE(HttpServer::Start(swapped, [](const HttpRequest&) { return HttpResponse{}; }).ok());
}

TEST_CASE("server: stop drains requests in flight and closes idle connections", "[server]") {
  ApiWorld w;
  std::atomic<bool> slow_started{false};
  RequestHandler handler = [&](const HttpRequest& r) {
    if (r.target == "/slow") {
      slow_started = true;
      std::this_thread::sleep_for(500ms);
      HttpResponse done;
      done.content_type = "text/plain";
      done.body = "slow and done";
      return done;
    }
    return HandleRequest(r, w.context);
  };
  auto server = HttpServer::Start(TestOptions(), handler);
  REQUIRE(server.ok());
  const std::uint16_t port = (*server)->port();

  Client idle(port);
  CHECK(idle.Send(http::verb::get, "/healthz").keep_alive);
  Client busy(port);
  busy.Write(http::verb::get, "/slow");
  REQUIRE(Eventually([&] { return slow_started.load(); }));

  const auto start = std::chrono::steady_clock::now();
  std::thread stopper([&] { (*server)->Stop(); });
  // The request in flight is answered in full, with "Connection: close".
  auto answer = busy.Read();
  REQUIRE(answer);
  CHECK(answer->status == 200);
  CHECK(answer->body == "slow and done");
  CHECK_FALSE(answer->keep_alive);
  // The idle connection is closed without an answer.
  CHECK_FALSE(idle.Read(false, 5s));
  CHECK(idle.error() != beast::error::timeout);
  stopper.join();
  const auto took = std::chrono::steady_clock::now() - start;
  CHECK(took >= 300ms);  // it waited for the slow request
  CHECK(took < 5s);      // and not for the drain timeout
  CHECK((*server)->connections() == 0);
  // Nothing is accepted any more.
  CHECK_THROWS(Client<>(port));
  (*server)->Stop();  // a second Stop() returns at once
}

TEST_CASE("server: the handler's exceptions stop at the session", "[server]") {
  auto server = HttpServer::Start(TestOptions(), [](const HttpRequest& r) -> HttpResponse {
    if (r.target == "/throw") throw std::runtime_error("boom");
    HttpResponse ok;
    ok.body = "fine";
    return ok;
  });
  REQUIRE(server.ok());
  Client c((*server)->port());
  const Answer a = c.Send(http::verb::get, "/throw");
  CheckJsonError(a, 500, "internal");
  CHECK_THAT(a.body, Catch::Contains("boom"));
  CHECK(c.Send(http::verb::get, "/fine").body == "fine");  // same connection, still served
}

TEST_CASE("server: bad options are refused", "[server]") {
  auto handler = [](const HttpRequest&) { return HttpResponse{}; };
  ServerOptions bad_address = TestOptions();
  bad_address.address = "localhost:80";
  CHECK(HttpServer::Start(bad_address, handler).status().code() == StatusCode::kInvalidArgument);
  ServerOptions no_threads = TestOptions();
  no_threads.io_threads = 0;
  CHECK(HttpServer::Start(no_threads, handler).status().code() == StatusCode::kInvalidArgument);
  CHECK(HttpServer::Start(TestOptions(), nullptr).status().code() == StatusCode::kInvalidArgument);
  // A port in use.
  auto first = HttpServer::Start(TestOptions(), handler);
  REQUIRE(first.ok());
  ServerOptions same = TestOptions();
  same.port = (*first)->port();
  auto second = HttpServer::Start(same, handler);
  CHECK(second.status().code() == StatusCode::kIOError);
}

}  // namespace
}  // namespace certledger
