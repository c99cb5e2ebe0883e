// A small HTTP/1.1 client over Boost.Beast, for the parts of certledger
// that talk to another certledger process: the issuer submitting records
// to a remote ledger (POST /api/v1/records), the log asking witnesses to
// cosign, the auditor mirroring tiles.
//
// One HttpClient holds one keep-alive connection to one origin
// (scheme://host[:port]) and reconnects when the server closed it.
// "https" uses OpenSSL with the system's trust store (or a given CA file),
// checks the certificate chain and the host name, and sends SNI.
//
// Every request is bounded: connect, write and read each within
// `timeout`, and the answer's body within `max_body` bytes. A request that
// fails on a reused connection before any byte of the answer arrived is
// retried once on a fresh connection (the server may have closed an idle
// keep-alive connection); no other retry is made, so a caller that needs
// more (a POST that is idempotent, like record submission) retries itself.
//
// Returns: the answer whatever its status (a 4xx/5xx is an answer, not an
// error); kInvalidArgument for a bad URL or path; kResourceExhausted when
// the answer is larger than max_body; kIOError otherwise, with reason()
// "unreachable" (cannot resolve or connect, or the connection broke),
// "timeout", "tls" (the handshake or the certificate check failed; the
// message names the problem) or "bad_response" (not HTTP/1.x).
//
// Thread safety: not thread-safe; use one client per thread.
#ifndef CERTLEDGER_HTTP_CLIENT_H_
#define CERTLEDGER_HTTP_CLIENT_H_

#include <chrono>
#include <cstddef>
#include <cstdint>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "certledger/status.h"

namespace certledger {

struct HttpClientOptions {
  std::chrono::milliseconds timeout{10000};
  std::size_t max_body = 64u << 20;
  std::string ca_file = {};  // PEM bundle for https; "" for the system's store
  std::string user_agent = "certledger";
};

struct HttpClientResponse {
  int status = 0;
  std::string content_type = {};
  std::string body = {};
  // Every header field of the answer, in order, names as sent.
  std::vector<std::pair<std::string, std::string>> headers = {};

  // The value of header field `name` (case-insensitive), "" if absent.
  std::string_view Header(std::string_view name) const;
};

// The parts of an absolute http(s) URL.
struct HttpUrl {
  bool tls = false;
  std::string host = {};
  std::uint16_t port = 0;
  std::string path = {};  // starts with "/"; "/" when the URL has none; no query kept apart
};

// Parses "http://host[:port][/path]" or "https://...". IPv6 literals in
// brackets are accepted. Returns kInvalidArgument naming what is wrong.
[[nodiscard]] Result<HttpUrl> ParseHttpUrl(std::string_view url);

class HttpClient {
 public:
  // A client for the origin of `base_url`; its path, if any, is prefixed to
  // every request path (so "https://ledger.example/prefix" then
  // Get("/checkpoint") asks for "/prefix/checkpoint"). Does not connect yet.
  [[nodiscard]] static Result<std::unique_ptr<HttpClient>> Create(
      std::string_view base_url, HttpClientOptions options = {});
  ~HttpClient();
  HttpClient(const HttpClient&) = delete;
  HttpClient& operator=(const HttpClient&) = delete;

  [[nodiscard]] Result<HttpClientResponse> Get(std::string_view path);
  [[nodiscard]] Result<HttpClientResponse> Post(std::string_view path,
                                                std::string_view content_type,
                                                std::string_view body);
  // Any method, with extra header fields.
  [[nodiscard]] Result<HttpClientResponse> Send(
      std::string_view method, std::string_view path, std::string_view content_type,
      std::string_view body,
      const std::vector<std::pair<std::string, std::string>>& headers = {});

  const HttpUrl& base() const;

  struct Impl;

 private:
  explicit HttpClient(std::unique_ptr<Impl> impl);
  std::unique_ptr<Impl> impl_;
};

}  // namespace certledger

#endif  // CERTLEDGER_HTTP_CLIENT_H_
