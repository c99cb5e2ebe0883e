// Reading the parts of a request the API looks at:
//
//   target        = origin-form / absolute-form               (RFC 9112 section 3.2)
//   origin-form   = path [ "?" query ]                        path starts with "/"
//   absolute-form = ( "http" / "https" ) "://" authority path [ "?" query ]
//   query         = param *( "&" param )
//   param         = name [ "=" value ]                        both %XX-encoded
//   decimal       = "0" / %x31-39 *DIGIT                      at most 2^64 - 1
//   content-type  = media-type *( OWS ";" OWS parameter )     (RFC 9110 section 8.3)
#include <cctype>
#include <ctime>

#include "certledger/bytes.h"
#include "verifier/api_internal.h"

namespace certledger::api {
namespace {

int HexValue(char c) {
  if (c >= '0' && c <= '9') return c - '0';
  if (c >= 'a' && c <= 'f') return c - 'a' + 10;
  if (c >= 'A' && c <= 'F') return c - 'A' + 10;
  return -1;
}

bool StartsWithNoCase(std::string_view s, std::string_view prefix) {
  if (s.size() < prefix.size()) return false;
  for (std::size_t i = 0; i < prefix.size(); ++i) {
    if (std::tolower(static_cast<unsigned char>(s[i])) != prefix[i]) return false;
  }
  return true;
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) s.remove_prefix(1);
  while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) s.remove_suffix(1);
  return s;
}

// At most this much of a client's text is quoted back in a message.
std::string Quoted(std::string_view text) {
  constexpr std::size_t kMax = 64;
  if (text.size() <= kMax) return "\"" + std::string(text) + "\"";
  return "\"" + std::string(text.substr(0, kMax)) + "...\"";
}

}  // namespace

Result<Target> ParseTarget(std::string_view target) {
  if (StartsWithNoCase(target, "http://") || StartsWithNoCase(target, "https://")) {
    const std::size_t authority = target.find("://") + 3;
    const std::size_t path = target.find_first_of("/?", authority);
    target = path == std::string_view::npos ? std::string_view("/") : target.substr(path);
    if (!target.empty() && target.front() == '?') {
      return Target{"/", std::string(target.substr(1))};
    }
  }
  if (target.empty() || target.front() != '/') {
    return Status::InvalidArgument("request target " + Quoted(target) +
                                   " is not a path starting with \"/\"");
  }
  const std::size_t q = target.find('?');
  if (q == std::string_view::npos) return Target{std::string(target), ""};
  return Target{std::string(target.substr(0, q)), std::string(target.substr(q + 1))};
}

Result<std::string> PercentDecode(std::string_view what, std::string_view text) {
  std::string out;
  out.reserve(text.size());
  for (std::size_t i = 0; i < text.size(); ++i) {
    if (text[i] != '%') {
      out.push_back(text[i]);
      continue;
    }
    const int hi = i + 1 < text.size() ? HexValue(text[i + 1]) : -1;
    const int lo = i + 2 < text.size() ? HexValue(text[i + 2]) : -1;
    if (hi < 0 || lo < 0) {
      return Status::InvalidArgument(std::string(what) + ": bad percent-encoding at position " +
                                     std::to_string(i));
    }
    out.push_back(static_cast<char>(hi * 16 + lo));
    i += 2;
  }
  return out;
}

Result<std::uint64_t> ParseDecimal(std::string_view what, std::string_view text) {
  if (auto value = ParseCanonicalUint(text)) return *value;
  return Status::InvalidArgument(std::string(what) +
                                 " must be a decimal number without sign or leading zeros, at "
                                 "most 2^64 - 1; got " +
                                 Quoted(text));
}

Result<std::optional<std::string>> QueryParam(std::string_view query, std::string_view name) {
  std::optional<std::string> found;
  while (!query.empty()) {
    const std::size_t amp = query.find('&');
    std::string_view param = query.substr(0, amp);
    query = amp == std::string_view::npos ? std::string_view() : query.substr(amp + 1);
    const std::size_t eq = param.find('=');
    CL_ASSIGN_OR_RETURN(std::string key, PercentDecode("query", param.substr(0, eq)));
    if (key != name) continue;
    if (found) {
      return Status::InvalidArgument("query parameter \"" + std::string(name) + "\" is given twice");
    }
    std::string_view raw = eq == std::string_view::npos ? std::string_view() : param.substr(eq + 1);
    CL_ASSIGN_OR_RETURN(std::string value, PercentDecode("query parameter \"" + key + "\"", raw));
    found = std::move(value);
  }
  return found;
}

Result<std::uint64_t> DecimalParam(std::string_view query, std::string_view name) {
  CL_ASSIGN_OR_RETURN(std::optional<std::string> value, QueryParam(query, name));
  if (!value) {
    return Status::InvalidArgument("query parameter \"" + std::string(name) + "\" is required");
  }
  return ParseDecimal("query parameter \"" + std::string(name) + "\"", *value);
}

bool MediaTypeIs(std::string_view content_type, std::string_view type) {
  std::string_view media = Trim(content_type.substr(0, content_type.find(';')));
  if (media.size() != type.size()) return false;
  return StartsWithNoCase(media, type);
}

HttpResponse JsonResponse(int status, std::string body, std::string_view cache_control) {
  HttpResponse response;
  response.status = status;
  response.content_type = std::string(kJsonContentType);
  response.body = std::move(body);
  response.body.push_back('\n');
  response.headers.emplace_back("Cache-Control", std::string(cache_control));
  return response;
}

Result<LedgerSnapshot> SnapshotOf(ApiContext& context) {
  if (!context.snapshot) return Status::Internal("the verifier has no ledger to serve");
  return context.snapshot();
}

std::uint64_t NowSeconds(const ApiContext& context) {
  if (context.now) return context.now();
  return static_cast<std::uint64_t>(std::time(nullptr));
}

}  // namespace certledger::api
