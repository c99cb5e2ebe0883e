// The connection half of the HTTP server (included by http_server.cpp only,
// so that all Beast code stays in one translation unit): the state the
// listener and the sessions share, and the Session that serves one
// connection. See http_server.cpp for the shape of a connection.
#ifndef CERTLEDGER_VERIFIER_SERVER_SESSION_H_
#define CERTLEDGER_VERIFIER_SERVER_SESSION_H_

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

#include "certledger/http_server.h"

namespace certledger::server {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using Clock = std::chrono::steady_clock;

// A connection over the limit is answered 503 while at most this many are
// open beyond it; past that it is closed without a word.
inline constexpr std::int64_t kRejectSlack = 64;
// The graceful close reads (and drops) at most this much unread input, for
// at most this long.
inline constexpr std::size_t kLingerBytes = 1 << 20;
inline constexpr std::chrono::milliseconds kLingerTime{1000};

// RFC 9110 section 5.6.7 IMF-fixdate, e.g. "Sun, 06 Nov 1994 08:49:37 GMT".
inline std::string HttpDate() {
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

inline bool IsHttpParseError(const beast::error_code& ec) {
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
                        std::string(req[http::field::content_type]), std::move(req.body()),
                        std::string(req[http::field::accept_encoding])};
    Tcp().expires_never();  // the handler's time is not the client's
    if (shared_->options.answer_in_place && shared_->options.answer_in_place(request)) {
      return Send(CallHandler(request));
    }
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

}  // namespace certledger::server

#endif  // CERTLEDGER_VERIFIER_SERVER_SESSION_H_
