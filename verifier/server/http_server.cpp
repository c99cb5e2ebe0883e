// The Boost.Beast HTTP/1.1 server (see http_server.h). All Beast code of
// certledger lives in this one translation unit.
//
// Shape, after Beast's advanced server examples: a Listener accepts
// connections, each served by a Session on its own strand that keeps
// itself alive with shared_from_this(). Per connection:
//
//   [TLS handshake] -> read header -> [100 Continue] -> read body
//     -> handler (on the handler pool) -> write response -> read header ...
//
// and, when the connection ends, a graceful close (TCP: shutdown of the
// send side, then unread input is drained briefly so that the peer sees
// the last response rather than a reset; TLS: close_notify).
//
// Every read and write has a deadline (beast::tcp_stream::expires_after);
// when it passes, the stream closes the socket. Exceptions stop at the
// session edge (the handler call) and at the I/O threads' run loop.
#include "certledger/http_server.h"

#include <array>
#include <atomic>
#include <condition_variable>
#include <ctime>
#include <map>
#include <mutex>
#include <thread>
#include <type_traits>
#include <vector>

#include <boost/asio/bind_executor.hpp>
#include <boost/asio/dispatch.hpp>
#include <boost/asio/executor_work_guard.hpp>
#include <boost/asio/io_context.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/post.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/asio/steady_timer.hpp>
#include <boost/asio/strand.hpp>
#include <boost/asio/thread_pool.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <openssl/err.h>

namespace certledger {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// A connection over the limit is answered 503 while at most this many are
// open beyond it; past that it is closed without a word.
constexpr std::int64_t kRejectSlack = 64;
// The graceful close reads (and drops) at most this much unread input, for
// at most this long.
constexpr std::size_t kLingerBytes = 1 << 20;
constexpr std::chrono::milliseconds kLingerTime{1000};

// RFC 9110 section 5.6.7 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
std::string HttpDate() {
  static constexpr const char* kDays[] = {"Sun", "Mon", "Tue", "Wed", "Thu", "Fri", "Sat"};
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  const std::time_t now = std::time(nullptr);
  std::tm tm{};
  gmtime_r(&now, &tm);
  char buf[40];
  std::snprintf(buf, sizeof buf, "%s, %02d %s %04d %02d:%02d:%02d GMT", kDays[tm.tm_wday % 7],
                tm.tm_mday, kMonths[tm.tm_mon % 12], tm.tm_year + 1900, tm.tm_hour, tm.tm_min,
                tm.tm_sec);
  return buf;
}

class SessionBase {
 public:
  virtual ~SessionBase() = default;
  // Posts to the session's strand: close if idle, else close after the
  // request in progress is answered.
  virtual void PostDrain() = 0;
  // Posts to the session's strand: close now.
  virtual void PostCut() = 0;
};

// What the listener and the sessions share. Sessions hold it by
// shared_ptr, so it outlives the last of them.
struct Shared {
  ServerOptions options;
  RequestHandler handler;
  ResponseObserver on_response;
  ConnectionObserver on_connections;
  std::optional<ssl::context> tls;
  net::thread_pool* workers = nullptr;  // valid while the I/O threads run
  std::atomic<bool> stopping{false};

  std::mutex mu;
  std::condition_variable changed;
  std::int64_t open = 0;  // sessions alive
  std::uint64_t next_id = 0;
  std::map<std::uint64_t, std::weak_ptr<SessionBase>> sessions;

  void Log(std::string_view message) const {
    if (options.log) options.log(message);
  }

  std::uint64_t Opened() {
    std::int64_t now_open;
    std::uint64_t id;
    {
      std::lock_guard lock(mu);
      now_open = ++open;
      id = next_id++;
    }
    if (on_connections) on_connections(now_open);
    return id;
  }
  void Register(std::uint64_t id, std::weak_ptr<SessionBase> session) {
    std::lock_guard lock(mu);
    sessions.emplace(id, std::move(session));
  }
  void Closed(std::uint64_t id) {
    std::int64_t now_open;
    {
      std::lock_guard lock(mu);
      sessions.erase(id);
      now_open = --open;
    }
    changed.notify_all();
    if (on_connections) on_connections(now_open);
  }
  std::int64_t Open() {
    std::lock_guard lock(mu);
    return open;
  }
  std::vector<std::shared_ptr<SessionBase>> Live() {
    std::lock_guard lock(mu);
    std::vector<std::shared_ptr<SessionBase>> out;
    for (auto& [id, weak] : sessions) {
      if (auto s = weak.lock()) out.push_back(std::move(s));
    }
    return out;
  }
};

bool IsHttpParseError(const beast::error_code& ec) {
  return ec.category() == make_error_code(http::error::bad_method).category();
}

template <bool kTls>
class Session : public SessionBase, public std::enable_shared_from_this<Session<kTls>> {
 public:
  using Stream =
      std::conditional_t<kTls, beast::ssl_stream<beast::tcp_stream>, beast::tcp_stream>;

  Session(tcp::socket&& socket, std::shared_ptr<Shared> shared, bool reject)
      : stream_(MakeStream(std::move(socket), *shared)),
        shared_(std::move(shared)),
        id_(shared_->Opened()),
        reject_(reject) {}
  ~Session() override { shared_->Closed(id_); }

  void Run() {
    shared_->Register(id_, this->weak_from_this());
    net::dispatch(stream_.get_executor(),
                  beast::bind_front_handler(&Session::Begin, this->shared_from_this()));
  }

  void PostDrain() override {
    net::post(stream_.get_executor(), beast::bind_front_handler(&Session::Drain,
                                                                this->shared_from_this()));
  }
  void PostCut() override {
    net::post(stream_.get_executor(),
              [self = this->shared_from_this()] { beast::get_lowest_layer(self->stream_).close(); });
  }

 private:
  static Stream MakeStream(tcp::socket&& socket, Shared& shared) {
    if constexpr (kTls) {
      return Stream(std::move(socket), *shared.tls);
    } else {
      return Stream(std::move(socket));
    }
  }

  beast::tcp_stream& Tcp() { return beast::get_lowest_layer(stream_); }

  void Begin() {
    if constexpr (kTls) {
      Tcp().expires_after(shared_->options.handshake_timeout);
      stream_.async_handshake(ssl::stream_base::server,
                              beast::bind_front_handler(&Session::OnHandshake,
                                                        this->shared_from_this()));
    } else {
      AfterHandshake();
    }
  }

  void OnHandshake(beast::error_code ec) {
    if (ec) return;  // a failed handshake or its deadline: nothing to answer
    AfterHandshake();
  }

  void AfterHandshake() {
    if (reject_) {
      return SendError(Status::ResourceExhausted("the server has " +
                                                 std::to_string(shared_->options.max_connections) +
                                                 " connections open; try again later")
                           .WithReason("too_many_connections"));
    }
    ReadHeader();
  }

  void ReadHeader() {
    if (shared_->stopping) return Close();
    parser_.emplace();
    parser_->header_limit(static_cast<std::uint32_t>(shared_->options.max_header_bytes));
    parser_->body_limit(shared_->options.max_body_bytes);
    Tcp().expires_after(shared_->options.read_timeout);
    reading_ = true;
    http::async_read_header(stream_, buffer_, *parser_,
                            beast::bind_front_handler(&Session::OnHeader,
                                                      this->shared_from_this()));
  }

  void OnHeader(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    started_ = Clock::now();
    if (beast::iequals(parser_->get()[http::field::expect], "100-continue")) {
      // RFC 9110 section 10.1.1: the client waits for this before the body.
      continue_.emplace(http::status::continue_, parser_->get().version());
      return http::async_write(stream_, *continue_,
                               beast::bind_front_handler(&Session::OnContinue,
                                                         this->shared_from_this()));
    }
    ReadBody();
  }

  void OnContinue(beast::error_code ec, std::size_t) {
    continue_.reset();
    if (ec) return;
    ReadBody();
  }

  void ReadBody() {
    http::async_read(stream_, buffer_, *parser_,
                     beast::bind_front_handler(&Session::OnRead, this->shared_from_this()));
  }

  void OnRead(beast::error_code ec, std::size_t) {
    if (ec) return OnReadError(ec);
    reading_ = false;
    http::request<http::string_body> req = parser_->release();
    parser_.reset();
    head_ = req.method() == http::verb::head;
    keep_alive_ = req.keep_alive();
    version_ = req.version();
    HttpRequest request{std::string(req.method_string()), std::string(req.target()),
                        std::string(req[http::field::content_type]), std::move(req.body())};
    Tcp().expires_never();  // the handler's time is not the client's
    net::post(*shared_->workers, [self = this->shared_from_this(),
                                  request = std::move(request)]() mutable {
      HttpResponse response = self->CallHandler(request);
      net::post(self->stream_.get_executor(),
                [self, response = std::move(response)]() mutable { self->Send(std::move(response)); });
    });
  }

  // The session edge: nothing the handler throws goes further.
  HttpResponse CallHandler(const HttpRequest& request) {
    try {
      return shared_->handler(request);
    } catch (const std::exception& e) {
      return ErrorResponse(Status::Internal(std::string("the request handler failed: ") + e.what()));
    } catch (...) {
      return ErrorResponse(Status::Internal("the request handler failed"));
    }
  }

  void OnReadError(beast::error_code ec) {
    reading_ = false;
    if (ec == http::error::end_of_stream) return Close();  // the client is done
    if (ec == http::error::body_limit) {
      return SendError(Status::ResourceExhausted(
                           "the request body exceeds " +
                           std::to_string(shared_->options.max_body_bytes) + " bytes")
                           .WithReason("body_too_large"));
    }
    if (ec == http::error::header_limit) {
      return SendError(Status::ResourceExhausted(
                           "the request header exceeds " +
                           std::to_string(shared_->options.max_header_bytes) + " bytes")
                           .WithReason("header_too_large"));
    }
    if (IsHttpParseError(ec) && ec != http::error::partial_message) {
      return SendError(
          Status::InvalidArgument("malformed HTTP request: " + ec.message()).WithReason("bad_request"));
    }
    // A deadline (the stream closed the socket), a reset, a stop: no one to
    // answer.
  }

  // Answers with an error of the server's own and closes.
  void SendError(const Status& status) {
    keep_alive_ = false;
    head_ = false;
    if (started_ == Clock::time_point()) started_ = Clock::now();
    Send(ErrorResponse(status));
  }

  void Send(HttpResponse response) {
    const bool keep = keep_alive_ && !shared_->stopping;
    response_.emplace(static_cast<http::status>(response.status), version_);
    response_->set(http::field::server, "certledger");
    response_->set(http::field::date, HttpDate());
    if (!response.content_type.empty()) {
      response_->set(http::field::content_type, response.content_type);
    }
    for (const auto& [name, value] : response.headers) response_->insert(name, value);
    response_->keep_alive(keep);
    response_->content_length(response.body.size());
    if (!head_) response_->body() = std::move(response.body);
    route_ = std::move(response.route);
    status_ = response.status;
    if (status_ >= 500) {
      shared_->Log("HTTP " + std::to_string(status_) + " on " + route_ + ": " +
                   std::string(response_->body()));
    }
    Tcp().expires_after(shared_->options.write_timeout);
    http::async_write(stream_, *response_,
                      beast::bind_front_handler(&Session::OnWrite, this->shared_from_this(), keep));
  }

  void OnWrite(bool keep, beast::error_code ec, std::size_t) {
    if (shared_->on_response) {
      const double seconds = std::chrono::duration<double>(Clock::now() - started_).count();
      shared_->on_response(route_, status_, seconds);
    }
    response_.reset();
    started_ = Clock::time_point();
    if (ec) return;
    if (!keep) return Close();
    ReadHeader();
  }

  void Drain() {
    const bool idle = reading_ && parser_ && !parser_->got_some() && buffer_.size() == 0;
    if (idle) Tcp().close();  // the pending read ends with operation_aborted
    // Otherwise the request in progress is answered with
    // "Connection: close" (Send() sees `stopping`).
  }

  void Close() {
    if constexpr (kTls) {
      Tcp().expires_after(kLingerTime);
      stream_.async_shutdown([self = this->shared_from_this()](beast::error_code) {
        self->Tcp().close();
      });
    } else {
      beast::error_code ec;
      Tcp().socket().shutdown(tcp::socket::shutdown_send, ec);
      if (ec) return;
      lingered_ = 0;
      Tcp().expires_after(kLingerTime);
      Linger();
    }
  }

  void Linger() {
    Tcp().async_read_some(net::buffer(discard_),
                          [self = this->shared_from_this()](beast::error_code ec, std::size_t n) {
                            self->lingered_ += n;
                            if (ec || self->lingered_ > kLingerBytes) {
                              self->Tcp().close();
                              return;
                            }
                            self->Linger();
                          });
  }

  Stream stream_;
  std::shared_ptr<Shared> shared_;
  const std::uint64_t id_;
  const bool reject_;
  beast::flat_buffer buffer_;
  std::optional<http::request_parser<http::string_body>> parser_;
  std::optional<http::response<http::empty_body>> continue_;
  std::optional<http::response<http::string_body>> response_;
  bool reading_ = false;
  bool head_ = false;
  bool keep_alive_ = false;
  unsigned version_ = 11;
  Clock::time_point started_{};
  std::string route_;
  int status_ = 0;
  std::size_t lingered_ = 0;
  std::array<char, 4096> discard_{};
};

class Listener : public std::enable_shared_from_this<Listener> {
 public:
  Listener(net::io_context& ioc, std::shared_ptr<Shared> shared)
      : ioc_(ioc),
        acceptor_(net::make_strand(ioc)),
        retry_(acceptor_.get_executor()),
        shared_(std::move(shared)) {}

  Status Bind(const tcp::endpoint& endpoint) {
    beast::error_code ec;
    const std::string where = endpoint.address().to_string() + " port " +
                              std::to_string(endpoint.port());
    if (acceptor_.open(endpoint.protocol(), ec); ec) {
      return Status::IOError("cannot open a socket for " + where + ": " + ec.message());
    }
    if (acceptor_.set_option(net::socket_base::reuse_address(true), ec); ec) {
      return Status::IOError("cannot set SO_REUSEADDR: " + ec.message());
    }
    if (acceptor_.bind(endpoint, ec); ec) {
      return Status::IOError("cannot bind " + where + ": " + ec.message());
    }
    if (acceptor_.listen(net::socket_base::max_listen_connections, ec); ec) {
      return Status::IOError("cannot listen on " + where + ": " + ec.message());
    }
    return Status::OK();
  }

  std::uint16_t port() const { return acceptor_.local_endpoint().port(); }

  void Accept() {
    acceptor_.async_accept(net::make_strand(ioc_),
                           beast::bind_front_handler(&Listener::OnAccept, shared_from_this()));
  }

  void PostClose() {
    net::post(acceptor_.get_executor(), [self = shared_from_this()] {
      beast::error_code ec;
      self->acceptor_.close(ec);
      self->retry_.cancel();
    });
  }

 private:
  void OnAccept(beast::error_code ec, tcp::socket socket) {
    if (shared_->stopping || ec == net::error::operation_aborted) return;
    if (ec) {
      // E.g. out of file descriptors: wait a little rather than spin.
      shared_->Log("accept failed: " + ec.message());
      retry_.expires_after(std::chrono::milliseconds(100));
      retry_.async_wait([self = shared_from_this()](beast::error_code wait_ec) {
        if (!wait_ec && !self->shared_->stopping) self->Accept();
      });
      return;
    }
    beast::error_code ignored;
    socket.set_option(tcp::no_delay(true), ignored);
    const std::int64_t open = shared_->Open();
    const auto limit = static_cast<std::int64_t>(shared_->options.max_connections);
    if (open >= limit + kRejectSlack) {
      socket.close(ignored);
    } else if (shared_->tls) {
      std::make_shared<Session<true>>(std::move(socket), shared_, open >= limit)->Run();
    } else {
      std::make_shared<Session<false>>(std::move(socket), shared_, open >= limit)->Run();
    }
    Accept();
  }

  net::io_context& ioc_;
  tcp::acceptor acceptor_;
  net::steady_timer retry_;
  std::shared_ptr<Shared> shared_;
};

Status LoadTls(ssl::context& ctx, const TlsFiles& files) {
  beast::error_code ec;
  ctx.set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                      ssl::context::no_sslv3 | ssl::context::no_tlsv1 | ssl::context::no_tlsv1_1,
                  ec);
  if (ec) return Status::Internal("TLS options: " + ec.message());
  if (ctx.use_certificate_chain_file(files.certificate_chain, ec); ec) {
    return Status::InvalidArgument("TLS certificate chain " + files.certificate_chain + ": " +
                                   ec.message());
  }
  if (ctx.use_private_key_file(files.private_key, ssl::context::pem, ec); ec) {
    return Status::InvalidArgument("TLS private key " + files.private_key + ": " + ec.message());
  }
  if (SSL_CTX_check_private_key(ctx.native_handle()) != 1) {
    ERR_clear_error();
    return Status::InvalidArgument("TLS private key " + files.private_key +
                                   " does not match the certificate in " +
                                   files.certificate_chain);
  }
  return Status::OK();
}

}  // namespace

struct HttpServer::Impl {
  std::shared_ptr<Shared> shared;
  net::io_context ioc;
  std::optional<net::executor_work_guard<net::io_context::executor_type>> guard;
  std::shared_ptr<Listener> listener;
  std::vector<std::thread> io_threads;
  std::unique_ptr<net::thread_pool> workers;  // destroyed before ioc
  std::uint16_t port = 0;
  std::once_flag stop_once;

  Impl(std::shared_ptr<Shared> s, int io_threads_hint)
      : shared(std::move(s)), ioc(io_threads_hint) {}

  void RunIo() {
    for (;;) {
      try {
        ioc.run();
        return;
      } catch (const std::exception& e) {
        shared->Log(std::string("I/O thread: ") + e.what());
      } catch (...) {
        shared->Log("I/O thread: unknown exception");
      }
    }
  }

  // Waits until no session is open or `deadline` passes; true if none is.
  bool WaitClosed(Clock::time_point deadline) {
    std::unique_lock lock(shared->mu);
    return shared->changed.wait_until(lock, deadline, [&] { return shared->open == 0; });
  }

  void Stop() {
    shared->stopping = true;
    listener->PostClose();
    for (auto& s : shared->Live()) s->PostDrain();
    if (!WaitClosed(Clock::now() + shared->options.drain_timeout)) {
      shared->Log("connections still busy after the drain timeout; closing them");
      for (auto& s : shared->Live()) s->PostCut();
      (void)WaitClosed(Clock::now() + std::chrono::seconds(1));
    }
    guard.reset();
    ioc.stop();
    for (std::thread& t : io_threads) t.join();
    workers->stop();
    workers->join();
  }
};

HttpServer::HttpServer(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpServer::~HttpServer() { Stop(); }

std::uint16_t HttpServer::port() const { return impl_->port; }

std::int64_t HttpServer::connections() const { return impl_->shared->Open(); }

void HttpServer::Stop() {
  std::call_once(impl_->stop_once, [this] { impl_->Stop(); });
}

Result<std::unique_ptr<HttpServer>> HttpServer::Start(ServerOptions options,
                                                      RequestHandler handler,
                                                      ResponseObserver on_response,
                                                      ConnectionObserver on_connections) {
  if (!handler) return Status::InvalidArgument("the server needs a request handler");
  if (options.io_threads < 1 || options.io_threads > 256 || options.handler_threads < 1 ||
      options.handler_threads > 1024) {
    return Status::InvalidArgument("threads must be 1 to 256 (I/O) and 1 to 1024 (handlers)");
  }
  if (options.max_body_bytes == 0 || options.max_header_bytes < 256 ||
      options.max_header_bytes > UINT32_MAX || options.max_connections == 0) {
    return Status::InvalidArgument(
        "limits: the body limit and connection limit must be positive, the header limit at "
        "least 256 bytes");
  }
  beast::error_code ec;
  const net::ip::address address = net::ip::make_address(options.address, ec);
  if (ec) {
    return Status::InvalidArgument("\"" + options.address + "\" is not an IP address: " +
                                   ec.message());
  }

  auto shared = std::make_shared<Shared>();
  if (options.tls) {
    shared->tls.emplace(ssl::context::tls_server);
    CL_RETURN_IF_ERROR(LoadTls(*shared->tls, *options.tls));
  }
  shared->options = std::move(options);
  shared->handler = std::move(handler);
  shared->on_response = std::move(on_response);
  shared->on_connections = std::move(on_connections);

  auto impl = std::make_unique<Impl>(shared, shared->options.io_threads);
  impl->listener = std::make_shared<Listener>(impl->ioc, shared);
  CL_RETURN_IF_ERROR(impl->listener->Bind(tcp::endpoint(address, shared->options.port)));
  impl->port = impl->listener->port();
  impl->workers =
      std::make_unique<net::thread_pool>(static_cast<std::size_t>(shared->options.handler_threads));
  shared->workers = impl->workers.get();
  impl->guard.emplace(impl->ioc.get_executor());
  impl->listener->Accept();
  for (int i = 0; i < shared->options.io_threads; ++i) {
    impl->io_threads.emplace_back([raw = impl.get()] { raw->RunIo(); });
  }
  return std::unique_ptr<HttpServer>(new HttpServer(std::move(impl)));
}

}  // namespace certledger
