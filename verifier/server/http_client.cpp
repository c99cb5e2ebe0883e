// The HTTP/1.1 client (see http_client.h), on Boost.Beast.
//
// Beast's synchronous calls have no deadlines, so every step runs as an
// asynchronous operation on the client's own io_context, driven to
// completion by run() on the calling thread; beast::tcp_stream's
// expires_after() bounds each step and closes the socket when it passes.
//
// URL grammar accepted by ParseHttpUrl (a subset of RFC 3986 section 3):
//
//   url       = scheme "://" authority [ path-query ] [ "#" fragment ]
//   scheme    = "http" / "https"                    ; case-insensitive
//   authority = host [ ":" port ]                   ; no userinfo
//   host      = "[" IPv6 "]" / reg-name / IPv4      ; not empty
//   port      = 1*5DIGIT                            ; 1 .. 65535
//   path-query= "/" *VCHAR                          ; kept as given
#include <openssl/ssl.h>
#include <openssl/x509v3.h>

#include <boost/asio/connect.hpp>
#include <boost/asio/ip/tcp.hpp>
#include <boost/asio/ssl.hpp>
#include <boost/beast/core.hpp>
#include <boost/beast/http.hpp>
#include <boost/beast/ssl.hpp>
#include <optional>

#include "certledger/bytes.h"
#include "certledger/http_client.h"

namespace certledger {
namespace {

namespace beast = boost::beast;
namespace http = beast::http;
namespace net = boost::asio;
namespace ssl = net::ssl;
using tcp = net::ip::tcp;

bool IEquals(std::string_view a, std::string_view b) {
  if (a.size() != b.size()) return false;
  for (std::size_t i = 0; i < a.size(); ++i) {
    char x = a[i], y = b[i];
    if (x >= 'A' && x <= 'Z') x = static_cast<char>(x - 'A' + 'a');
    if (y >= 'A' && y <= 'Z') y = static_cast<char>(y - 'A' + 'a');
    if (x != y) return false;
  }
  return true;
}

Status Unreachable(const std::string& what) {
  return Status::IOError(what).WithReason("unreachable");
}

// True for the errors that a server's closing of an idle keep-alive
// connection produces on the next request.
bool StaleConnectionError(const beast::error_code& ec) {
  return ec == http::error::end_of_stream || ec == net::error::eof ||
         ec == net::error::connection_reset || ec == net::error::broken_pipe ||
         ec == ssl::error::stream_truncated;
}

}  // namespace

std::string_view HttpClientResponse::Header(std::string_view name) const {
  for (const auto& [n, v] : headers) {
    if (IEquals(n, name)) return v;
  }
  return {};
}

Result<HttpUrl> ParseHttpUrl(std::string_view url) {
  HttpUrl out;
  const std::size_t sep = url.find("://");
  if (sep == std::string_view::npos) {
    return Status::InvalidArgument("URL \"" + std::string(url) + "\" has no scheme (http:// or https://)");
  }
  const std::string_view scheme = url.substr(0, sep);
  if (IEquals(scheme, "https")) {
    out.tls = true;
  } else if (!IEquals(scheme, "http")) {
    return Status::InvalidArgument("URL scheme \"" + std::string(scheme) +
                                   "\" is not supported (http or https)");
  }
  std::string_view rest = url.substr(sep + 3);
  if (const std::size_t hash = rest.find('#'); hash != std::string_view::npos) {
    rest = rest.substr(0, hash);
  }
  const std::size_t path_at = rest.find_first_of("/?");
  std::string_view authority = rest.substr(0, path_at);
  out.path = path_at == std::string_view::npos ? "/" : std::string(rest.substr(path_at));
  if (out.path[0] == '?') out.path.insert(0, "/");
  if (authority.find('@') != std::string_view::npos) {
    return Status::InvalidArgument("URL \"" + std::string(url) +
                                   "\" has user information, which is not supported");
  }
  std::string_view port_text;
  if (!authority.empty() && authority[0] == '[') {
    const std::size_t close = authority.find(']');
    if (close == std::string_view::npos) {
      return Status::InvalidArgument("URL \"" + std::string(url) + "\" has an unclosed '['");
    }
    out.host = std::string(authority.substr(1, close - 1));
    std::string_view after = authority.substr(close + 1);
    if (!after.empty()) {
      if (after[0] != ':') {
        return Status::InvalidArgument("URL \"" + std::string(url) + "\" has text after ']'");
      }
      port_text = after.substr(1);
      if (port_text.empty()) {
        return Status::InvalidArgument("URL \"" + std::string(url) + "\" has an empty port");
      }
    }
  } else {
    const std::size_t colon = authority.rfind(':');
    out.host = std::string(authority.substr(0, colon));
    if (colon != std::string_view::npos) {
      port_text = authority.substr(colon + 1);
      if (port_text.empty()) {
        return Status::InvalidArgument("URL \"" + std::string(url) + "\" has an empty port");
      }
    }
  }
  if (out.host.empty()) {
    return Status::InvalidArgument("URL \"" + std::string(url) + "\" has no host");
  }
  out.port = out.tls ? 443 : 80;
  if (!port_text.empty()) {
    auto port = ParseCanonicalUint(port_text);
    if (!port.has_value() || *port == 0 || *port > 65535) {
      return Status::InvalidArgument("URL \"" + std::string(url) + "\" has a bad port \"" +
                                     std::string(port_text) + "\"");
    }
    out.port = static_cast<std::uint16_t>(*port);
  }
  return out;
}

struct HttpClient::Impl {
  HttpUrl base;
  HttpClientOptions options;
  net::io_context ioc;
  std::optional<ssl::context> tls_context;
  // Exactly one of these is engaged while connected.
  std::optional<beast::tcp_stream> plain;
  std::optional<beast::ssl_stream<beast::tcp_stream>> secure;
  beast::flat_buffer buffer;

  beast::tcp_stream& Tcp() { return plain ? *plain : beast::get_lowest_layer(*secure); }
  bool connected() const { return plain.has_value() || secure.has_value(); }

  void Disconnect() {
    beast::error_code ignored;
    if (plain) plain->socket().close(ignored);
    if (secure) beast::get_lowest_layer(*secure).socket().close(ignored);
    plain.reset();
    secure.reset();
    buffer.clear();
  }

  // Runs the asynchronous operation that `start` begins to completion on
  // this thread; returns its error code.
  template <typename Start>
  beast::error_code Run(Start&& start) {
    beast::error_code result = net::error::operation_aborted;
    start([&result](beast::error_code ec, auto&&...) { result = ec; });
    ioc.restart();
    ioc.run();
    return result;
  }

  Status StepError(std::string_view step, const beast::error_code& ec) {
    const std::string where = base.host + " port " + std::to_string(base.port);
    if (ec == beast::error::timeout) {
      return Status::IOError(std::string(step) + " " + where + " timed out after " +
                             std::to_string(options.timeout.count()) + " ms")
          .WithReason("timeout");
    }
    return Unreachable(std::string(step) + " " + where + ": " + ec.message());
  }

  Status Connect() {
    Disconnect();
    tcp::resolver resolver(ioc);
    beast::error_code ec;
    tcp::resolver::results_type endpoints;
    ec = Run([&](auto handler) {
      resolver.async_resolve(base.host, std::to_string(base.port),
                             [&endpoints, handler](beast::error_code e,
                                                   tcp::resolver::results_type r) mutable {
                               endpoints = std::move(r);
                               handler(e);
                             });
    });
    if (ec) return Unreachable("cannot resolve " + base.host + ": " + ec.message());
    beast::tcp_stream stream(ioc);
    stream.expires_after(options.timeout);
    ec = Run([&](auto handler) { stream.async_connect(endpoints, handler); });
    if (ec) return StepError("cannot connect to", ec);
    stream.socket().set_option(tcp::no_delay(true), ec);
    if (!base.tls) {
      plain.emplace(std::move(stream));
      return Status::OK();
    }
    secure.emplace(std::move(stream), *tls_context);
    SSL* handle = secure->native_handle();
    boost::system::error_code address_ec;
    const auto address = net::ip::make_address(base.host, address_ec);
    X509_VERIFY_PARAM* param = SSL_get0_param(handle);
    if (address_ec) {
      // SNI only for names (RFC 6066 section 3 forbids literal addresses).
      SSL_set_tlsext_host_name(handle, base.host.c_str());
      X509_VERIFY_PARAM_set1_host(param, base.host.c_str(), 0);
    } else {
      X509_VERIFY_PARAM_set1_ip_asc(param, address.to_string().c_str());
    }
    beast::get_lowest_layer(*secure).expires_after(options.timeout);
    ec = Run([&](auto handler) { secure->async_handshake(ssl::stream_base::client, handler); });
    if (ec) {
      const long verify = SSL_get_verify_result(handle);
      std::string why = ec.message();
      if (verify != X509_V_OK) why = X509_verify_cert_error_string(verify);
      Disconnect();
      if (ec == beast::error::timeout) return StepError("TLS handshake with", ec);
      return Status::IOError("TLS handshake with " + base.host + " failed: " + why)
          .WithReason("tls");
    }
    return Status::OK();
  }

  // One exchange on the current connection. `fresh_needed` is set when the
  // failure looks like a stale keep-alive connection and nothing was read.
  Result<HttpClientResponse> Exchange(const http::request<http::string_body>& request,
                                      bool& stale) {
    stale = false;
    Tcp().expires_after(options.timeout);
    beast::error_code ec = Run([&](auto handler) {
      if (plain) {
        http::async_write(*plain, request, handler);
      } else {
        http::async_write(*secure, request, handler);
      }
    });
    if (ec) {
      stale = StaleConnectionError(ec);
      return StepError("cannot send to", ec);
    }
    http::response_parser<http::string_body> parser;
    parser.header_limit(64 * 1024);
    parser.body_limit(options.max_body);
    Tcp().expires_after(options.timeout);
    ec = Run([&](auto handler) {
      if (plain) {
        http::async_read(*plain, buffer, parser, handler);
      } else {
        http::async_read(*secure, buffer, parser, handler);
      }
    });
    if (ec == http::error::body_limit) {
      return Status::ResourceExhausted("the answer from " + base.host + " is larger than " +
                                       std::to_string(options.max_body) + " bytes");
    }
    if (ec) {
      stale = StaleConnectionError(ec) && !parser.got_some();
      if (ec.category() == http::make_error_code(http::error::end_of_stream).category() &&
          ec != http::error::end_of_stream) {
        return Status::IOError("the answer from " + base.host + " is not HTTP/1.x: " +
                               ec.message())
            .WithReason("bad_response");
      }
      return StepError("cannot read the answer from", ec);
    }
    http::response<http::string_body> response = parser.release();
    HttpClientResponse out;
    out.status = static_cast<int>(response.result_int());
    for (const auto& field : response.base()) {
      out.headers.emplace_back(std::string(field.name_string()), std::string(field.value()));
    }
    out.content_type = std::string(out.Header("Content-Type"));
    out.body = std::move(response.body());
    if (!response.keep_alive()) Disconnect();
    return out;
  }
};

Result<std::unique_ptr<HttpClient>> HttpClient::Create(std::string_view base_url,
                                                       HttpClientOptions options) {
  CL_ASSIGN_OR_RETURN(HttpUrl base, ParseHttpUrl(base_url));
  auto impl = std::make_unique<Impl>();
  impl->base = std::move(base);
  impl->options = std::move(options);
  if (impl->base.tls) {
    impl->tls_context.emplace(ssl::context::tls_client);
    beast::error_code ec;
    impl->tls_context->set_options(ssl::context::default_workarounds | ssl::context::no_sslv2 |
                                       ssl::context::no_sslv3 | ssl::context::no_tlsv1 |
                                       ssl::context::no_tlsv1_1,
                                   ec);
    impl->tls_context->set_verify_mode(ssl::verify_peer, ec);
    if (impl->options.ca_file.empty()) {
      impl->tls_context->set_default_verify_paths(ec);
    } else {
      impl->tls_context->load_verify_file(impl->options.ca_file, ec);
    }
    if (ec) {
      return Status::IOError("cannot load the trusted certificates" +
                             (impl->options.ca_file.empty() ? std::string()
                                                            : " from " + impl->options.ca_file) +
                             ": " + ec.message())
          .WithReason("tls");
    }
  }
  return std::unique_ptr<HttpClient>(new HttpClient(std::move(impl)));
}

HttpClient::HttpClient(std::unique_ptr<Impl> impl) : impl_(std::move(impl)) {}

HttpClient::~HttpClient() {
  if (impl_) impl_->Disconnect();
}

const HttpUrl& HttpClient::base() const { return impl_->base; }

Result<HttpClientResponse> HttpClient::Get(std::string_view path) {
  return Send("GET", path, "", "");
}

Result<HttpClientResponse> HttpClient::Post(std::string_view path, std::string_view content_type,
                                            std::string_view body) {
  return Send("POST", path, content_type, body);
}

Result<HttpClientResponse> HttpClient::Send(
    std::string_view method, std::string_view path, std::string_view content_type,
    std::string_view body, const std::vector<std::pair<std::string, std::string>>& headers) {
  Impl& c = *impl_;
  const http::verb verb = http::string_to_verb(method);
  if (verb == http::verb::unknown) {
    return Status::InvalidArgument("unknown HTTP method \"" + std::string(method) + "\"");
  }
  if (path.empty() || path[0] != '/') {
    return Status::InvalidArgument("request path \"" + std::string(path) +
                                   "\" does not start with '/'");
  }
  for (char ch : path) {
    if (static_cast<unsigned char>(ch) <= 0x20 || ch == 0x7f) {
      return Status::InvalidArgument("request path \"" + std::string(path) +
                                     "\" has a space or control character");
    }
  }
  std::string target = c.base.path == "/" ? std::string() : c.base.path;
  if (!target.empty() && target.back() == '/') target.pop_back();
  target += path;

  http::request<http::string_body> request{verb, target, 11};
  const bool default_port = c.base.port == (c.base.tls ? 443 : 80);
  std::string host = c.base.host.find(':') != std::string::npos ? "[" + c.base.host + "]"
                                                                 : c.base.host;
  if (!default_port) host += ":" + std::to_string(c.base.port);
  request.set(http::field::host, host);
  request.set(http::field::user_agent, c.options.user_agent);
  if (!content_type.empty()) request.set(http::field::content_type, content_type);
  for (const auto& [name, value] : headers) request.set(name, value);
  request.keep_alive(true);
  request.body() = std::string(body);
  request.prepare_payload();

  const bool reused = c.connected();
  if (!reused) CL_RETURN_IF_ERROR(c.Connect());
  bool stale = false;
  Result<HttpClientResponse> answer = c.Exchange(request, stale);
  if (!answer.ok()) {
    c.Disconnect();
    if (reused && stale) {
      CL_RETURN_IF_ERROR(c.Connect());
      answer = c.Exchange(request, stale);
      if (!answer.ok()) c.Disconnect();
    }
  }
  return answer;
}

}  // namespace certledger
