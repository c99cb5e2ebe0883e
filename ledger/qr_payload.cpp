// QR payload (DESIGN.md, "Verifier API" and "Pinned details").
//
// Grammar:
//
//   qr-text    = [ base-url "/v#" ] payload     ; surrounding whitespace ignored
//   payload    = base64url(zlib(qr_payload))    ; RFC 4648 section 5, unpadded;
//                                               ; zlib is RFC 1950
//   qr_payload = [record: bstr, disclosures: [* disclosure], ? tlog_proof: bstr]
//   disclosure = [salt: bstr .size 16, name: tstr, value: tstr]
//
// The CBOR is deterministic; the zlib stream inflates to at most 64 KiB.
#include "certledger/qr_payload.h"

#include "certledger/zlib.h"

namespace certledger {
namespace {

bool IsBase64UrlChar(char c) {
  return (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') || (c >= '0' && c <= '9') ||
         c == '-' || c == '_';
}

bool IsSpace(char c) {
  return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\f' || c == '\v';
}

std::string_view Trim(std::string_view s) {
  while (!s.empty() && IsSpace(s.front())) s.remove_prefix(1);
  while (!s.empty() && IsSpace(s.back())) s.remove_suffix(1);
  return s;
}

}  // namespace

Bytes EncodeQrPayloadCbor(const QrPayload& payload) {
  cbor::Value::Array disclosures;
  for (const Disclosure& d : payload.disclosures) disclosures.push_back(DisclosureToCbor(d));
  cbor::Value::Array items = {cbor::Value::Bytes(payload.record),
                              cbor::Value::MakeArray(std::move(disclosures))};
  if (payload.tlog_proof) items.push_back(cbor::Value::Bytes(*payload.tlog_proof));
  return cbor::Encode(cbor::Value::MakeArray(std::move(items)));
}

Result<std::string> EncodeQrPayload(const QrPayload& payload) {
  CL_ASSIGN_OR_RETURN(Bytes compressed, Deflate(EncodeQrPayloadCbor(payload), 9));
  return Base64UrlEncode(compressed);
}

std::string QrUrl(std::string_view base_url, std::string_view payload) {
  if (!base_url.empty() && base_url.back() == '/') base_url.remove_suffix(1);
  std::string url(base_url);
  url += "/v#";
  url += payload;
  return url;
}

std::optional<std::string> QrUrlBase(std::string_view text) {
  text = Trim(text);
  std::size_t hash = text.find('#');
  if (hash == std::string_view::npos) return std::nullopt;
  std::string_view before = text.substr(0, hash);
  if (before.size() < 2 || before.substr(before.size() - 2) != "/v") return std::nullopt;
  return std::string(before.substr(0, before.size() - 2));
}

Result<QrPayload> DecodeQrText(std::string_view text) {
  text = Trim(text);
  if (text.empty()) return Status::InvalidArgument("qr: empty text");
  if (text.size() > kMaxQrTextSize) {
    return Status::InvalidArgument("qr: text longer than " + std::to_string(kMaxQrTextSize) +
                                   " characters");
  }
  std::size_t hash = text.find('#');
  std::string_view fragment = hash == std::string_view::npos ? text : text.substr(hash + 1);
  if (fragment.empty()) return Status::InvalidArgument("qr: empty payload");
  for (std::size_t i = 0; i < fragment.size(); ++i) {
    if (!IsBase64UrlChar(fragment[i])) {
      return Status::InvalidArgument("qr: not base64url at position " + std::to_string(i));
    }
  }
  Result<Bytes> compressed = Base64UrlDecode(fragment);
  if (!compressed.ok()) {
    return Status::InvalidArgument("qr: not base64url: " + compressed.status().message());
  }
  Result<Bytes> inflated = Inflate(*compressed, kMaxQrPayloadInflated);
  if (!inflated.ok()) return inflated.status().Annotate("qr");

  cbor::Limits limits;
  limits.max_input_bytes = kMaxQrPayloadInflated;
  Result<cbor::Value> decoded = cbor::Decode(*inflated, limits);
  if (!decoded.ok()) return decoded.status().Annotate("qr: payload");
  const cbor::Value& v = *decoded;
  if (!v.is_array() || v.array().size() < 2 || v.array().size() > 3) {
    return Status::InvalidArgument("qr: payload is not a CBOR array of 2 or 3 items");
  }
  const cbor::Value::Array& items = v.array();
  QrPayload out;
  if (!items[0].is_bytes() || items[0].bytes().empty()) {
    return Status::InvalidArgument("qr: record is not a non-empty byte string");
  }
  out.record.assign(items[0].bytes().begin(), items[0].bytes().end());
  if (!items[1].is_array()) return Status::InvalidArgument("qr: disclosures is not an array");
  out.disclosures.reserve(items[1].array().size());
  for (std::size_t i = 0; i < items[1].array().size(); ++i) {
    Result<Disclosure> d = DisclosureFromCbor(items[1].array()[i]);
    if (!d.ok()) return d.status().Annotate("qr: disclosure " + std::to_string(i));
    out.disclosures.push_back(std::move(d).value());
  }
  if (items.size() == 3) {
    if (!items[2].is_bytes()) return Status::InvalidArgument("qr: tlog proof is not a byte string");
    out.tlog_proof = Bytes(items[2].bytes().begin(), items[2].bytes().end());
  }
  return out;
}

}  // namespace certledger
