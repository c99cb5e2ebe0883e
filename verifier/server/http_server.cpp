// The Boost.Beast HTTP/1.1 server (see http_server.h): the listener and the
// server's life cycle here, the connections in verifier/server/session.h.
// The server's Beast code is in this one translation unit; the client is in
// http_client.cpp.
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

#include "verifier/server/session.h"

namespace certledger {
namespace {

namespace beast = boost::beast;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;
using server::Clock;
using server::kRejectSlack;
using server::Session;
using server::Shared;

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

  explicit Impl(std::shared_ptr<Shared> s) : shared(std::move(s)) {}

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

  auto impl = std::make_unique<Impl>(shared);
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
