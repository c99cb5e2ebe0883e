// The payload of a certificate's QR code (DESIGN.md, "Verifier API").
//
// The QR code holds the URL <base>/v#<payload>, where payload is
// base64url (unpadded) of zlib (RFC 1950) of the CBOR array
// [record_bytes, disclosures] or [record_bytes, disclosures, tlog_proof].
// The record is kept as opaque bytes here (ParseRecord reads it); the
// tlog proof too, for now.
//
// Thread safety: plain values and pure functions.
#ifndef CERTLEDGER_QR_PAYLOAD_H_
#define CERTLEDGER_QR_PAYLOAD_H_

#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/disclosure.h"
#include "certledger/status.h"

namespace certledger {

// Most bytes the zlib stream of a payload may inflate to.
constexpr std::size_t kMaxQrPayloadInflated = 64 * 1024;
// Most characters of scanned text DecodeQrText looks at (a QR code holds
// at most 4,296 alphanumeric or 2,953 binary characters).
constexpr std::size_t kMaxQrTextSize = 16 * 1024;

struct QrPayload {
  Bytes record;                         // the record's exact COSE bytes
  std::vector<Disclosure> disclosures;  // the holder's disclosures
  std::optional<Bytes> tlog_proof;      // offline proof (opaque for now)

  friend bool operator==(const QrPayload&, const QrPayload&) = default;
};

// The CBOR array of the payload (deterministic).
Bytes EncodeQrPayloadCbor(const QrPayload& payload);

// base64url(zlib(CBOR)), the URL fragment. Errors: those of Deflate.
[[nodiscard]] Result<std::string> EncodeQrPayload(const QrPayload& payload);

// "<base_url>/v#<payload>"; one trailing '/' of `base_url` is dropped.
std::string QrUrl(std::string_view base_url, std::string_view payload);

// Reads scanned text: either the whole URL (the payload is what follows
// its '#') or the bare payload, with surrounding whitespace ignored.
// InvalidArgument with these messages:
//   "qr: empty text", "qr: text longer than 16384 characters",
//   "qr: not base64url at position N" (N counts from the payload's start),
//   "qr: not base64url: ..." (impossible length or trailing bits),
//   "qr: zlib: ..." (the errors of Inflate; ResourceExhausted when the
//       stream inflates past kMaxQrPayloadInflated),
//   "qr: payload: ..." (not deterministic CBOR),
//   "qr: payload is not a CBOR array of 2 or 3 items",
//   "qr: record is not a non-empty byte string",
//   "qr: disclosures is not an array", "qr: disclosure N: ...",
//   "qr: tlog proof is not a byte string".
[[nodiscard]] Result<QrPayload> DecodeQrText(std::string_view text);

// The base URL of scanned text of the form "<base>/v#<payload>" (for
// warning when it is not this verifier's); nullopt for a bare payload or
// any other form.
std::optional<std::string> QrUrlBase(std::string_view text);

}  // namespace certledger

#endif  // CERTLEDGER_QR_PAYLOAD_H_
