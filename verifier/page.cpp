// GET /v: the verification page for people (DESIGN.md, "Verifier API").
//
// The page is one file, verifier/page/verify.html, with its style and
// script inline; verifier/CMakeLists.txt turns it into a string at build
// time. It loads nothing from anywhere: the Content-Security-Policy below
// allows no source at all but this server for fetch() (connect-src 'self')
// and exactly the page's one style element and one script element, by the
// SHA-256 of their text (CSP Level 3, "hash-source"; the hash is of the
// element's text as UTF-8, base64 with padding). The hashes are computed
// here from the text actually served, so the page can be edited freely.
//
//   Content-Security-Policy: default-src 'none'; script-src 'sha256-<b64>';
//     style-src 'sha256-<b64>'; connect-src 'self'; img-src 'self';
//     base-uri 'none'; form-action 'none'; frame-ancestors 'none'
#include <optional>

#include "certledger/bytes.h"
#include "certledger/sha256.h"
#include "verifier/api_internal.h"

namespace certledger::api {
namespace {

constexpr std::string_view kPageContentType = "text/html; charset=utf-8";
constexpr std::string_view kPageCacheControl = "public, max-age=300";

constexpr std::string_view kPageHtml =
#include "verifier/page/verify_html.inc"
    ;

// The text of the only `<tag>...</tag>` element of `html`; nullopt if
// there is none or more than one.
std::optional<std::string_view> OnlyElementText(std::string_view html, std::string_view tag) {
  const std::string open = "<" + std::string(tag) + ">";
  const std::string close = "</" + std::string(tag) + ">";
  const std::size_t start = html.find(open);
  if (start == std::string_view::npos) return std::nullopt;
  const std::size_t text = start + open.size();
  const std::size_t end = html.find(close, text);
  if (end == std::string_view::npos) return std::nullopt;
  if (html.find("<" + std::string(tag), end) != std::string_view::npos) return std::nullopt;
  return html.substr(text, end - text);
}

std::string HashSource(std::string_view text) {
  const Hash256 hash = Sha256::Hash(AsBytes(text));
  return "'sha256-" + Base64Encode(ByteView(hash.data(), hash.size())) + "'";
}

// The policy, or nullopt if the page does not have exactly one style and
// one script element (a broken build; answered with 500).
std::optional<std::string> MakePolicy() {
  const auto style = OnlyElementText(kPageHtml, "style");
  const auto script = OnlyElementText(kPageHtml, "script");
  if (!style || !script) return std::nullopt;
  return "default-src 'none'; script-src " + HashSource(*script) + "; style-src " +
         HashSource(*style) +
         "; connect-src 'self'; img-src 'self'; base-uri 'none'; form-action "
         "'none'; "
         "frame-ancestors 'none'";
}

const std::optional<std::string> &Policy() {
  static const std::optional<std::string> policy = MakePolicy();
  return policy;
}

}  // namespace

HttpResponse ServeVerificationPage(const HttpRequest & /*request*/, ApiContext & /*context*/) {
  const std::optional<std::string> &policy = Policy();
  if (!policy) {
    return ErrorResponse(
        Status::Internal("the verification page must have exactly one style "
                         "and one script element"));
  }
  HttpResponse response;
  response.content_type = std::string(kPageContentType);
  response.body = std::string(kPageHtml);
  response.headers.emplace_back("Content-Security-Policy", *policy);
  // The page is the same for every certificate (the payload stays in the
  // fragment), so caches may keep it for a while.
  response.headers.emplace_back("Cache-Control", std::string(kPageCacheControl));
  response.headers.emplace_back("X-Content-Type-Options", "nosniff");
  response.headers.emplace_back("Referrer-Policy", "no-referrer");
  response.headers.emplace_back("Permissions-Policy", "camera=(self), microphone=()");
  return response;
}

}  // namespace certledger::api
