// HttpServer: the verifier's HTTP/1.1 server (Boost.Beast), with
// keep-alive, optional TLS, and bounded everything. It reads requests,
// hands each to a RequestHandler (normally HandleRequest of
// verifier_api.h) on a pool of handler threads, and writes the answers.
//
// Limits. Each request's header (start line included) is at most
// max_header_bytes (else 431) and its body at most max_body_bytes (else
// 413); a request that does not parse gets 400. Those answers are JSON
// errors as the API's, and the connection is closed after them since the
// rest of the request is unread; the server keeps serving others. Reading
// a whole request (including waiting for it on a kept-alive connection)
// must finish within read_timeout and writing a response within
// write_timeout, else the connection is closed; the TLS handshake has
// handshake_timeout. At most max_connections connections are served at
// once; a connection beyond that gets 503 and is closed.
//
// Stopping. Stop() stops accepting, closes idle connections, lets every
// request already being read or handled finish and be answered (with
// "Connection: close"), then stops the threads; connections still busy
// after drain_timeout are cut. The caller maps SIGTERM to Stop().
//
// Thread safety: Start(), port() and Stop() may be called from any thread;
// the handler is called concurrently from the handler threads and must be
// thread-safe. Not copyable or movable.
#ifndef CERTLEDGER_HTTP_SERVER_H_
#define CERTLEDGER_HTTP_SERVER_H_

#include <chrono>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <string_view>

#include "certledger/status.h"
#include "certledger/verifier_api.h"

namespace certledger {

struct TlsFiles {
  std::string certificate_chain;  // PEM: the server's certificate, then intermediates
  std::string private_key;        // PEM
};

struct ServerOptions {
  std::string address = "127.0.0.1";  // IPv4 or IPv6 literal
  std::uint16_t port = 8080;          // 0: any free port (see port())
  int io_threads = 2;                 // threads running the network I/O
  int handler_threads = 8;            // threads running the handler
  std::optional<TlsFiles> tls;        // HTTPS when set
  std::size_t max_body_bytes = 256 * 1024;
  std::size_t max_header_bytes = 16 * 1024;
  std::size_t max_connections = 1024;
  std::chrono::milliseconds read_timeout{30000};
  std::chrono::milliseconds write_timeout{30000};
  std::chrono::milliseconds handshake_timeout{10000};
  std::chrono::milliseconds drain_timeout{30000};
  // Requests for which this returns true are answered on the I/O thread
  // that read them, skipping the hand-off to a handler thread and back
  // (about 25 us per request, measured with POST /api/v1/verify). Only for
  // requests that never wait on anything but the CPU: while one runs, its
  // I/O thread serves no other connection. Empty: every request goes to a
  // handler thread. Called from the I/O threads.
  std::function<bool(const HttpRequest&)> answer_in_place;
  // Where the server reports what goes wrong (5xx answers, accept errors);
  // empty: nowhere. Called from any thread.
  std::function<void(std::string_view)> log;
};

using RequestHandler = std::function<HttpResponse(const HttpRequest&)>;
// Called once per answered request (also for the server's own 4xx/5xx
// answers, with route "other"): status and seconds from the request's
// header to its response written. Called from any thread.
using ResponseObserver = std::function<void(std::string_view route, int status, double seconds)>;
// Called with the number of open connections whenever it changes.
using ConnectionObserver = std::function<void(std::int64_t open)>;

class HttpServer {
 public:
  // Binds, listens and starts the threads. InvalidArgument for a bad
  // address, thread count or limit, or TLS files OpenSSL cannot use (the
  // message names the file); IOError if the address cannot be bound.
  [[nodiscard]] static Result<std::unique_ptr<HttpServer>> Start(
      ServerOptions options, RequestHandler handler, ResponseObserver on_response = {},
      ConnectionObserver on_connections = {});
  ~HttpServer();  // Stop()
  HttpServer(const HttpServer&) = delete;
  HttpServer& operator=(const HttpServer&) = delete;

  // The port bound (useful with port 0).
  std::uint16_t port() const;
  // Open connections now.
  std::int64_t connections() const;

  // Graceful stop, as described above. Returns once the threads are
  // stopped; later calls return at once.
  void Stop();

  struct Impl;

 private:
  explicit HttpServer(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certledger

#endif  // CERTLEDGER_HTTP_SERVER_H_
