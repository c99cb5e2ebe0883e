// COSE_Sign1 (RFC 9052 section 4.2) with EdDSA over Ed25519.
//
// A COSE_Sign1 message is the CBOR array
//   [protected: bstr .cbor header_map / bstr .size 0,
//    unprotected: header_map, payload: bstr, signature: bstr]
// normally wrapped in CBOR tag 18. The signature covers the Sig_structure
// (RFC 9052 section 4.4)
//   ["Signature1", protected bstr, external_aad bstr, payload bstr]
// so the protected header is verified exactly as serialized; the unprotected
// header is not covered by the signature.
//
// Parsing is strict and separate from verification: ParseSign1 checks the
// structure and the headers, VerifySign1 checks the signature. The only
// algorithm is EdDSA (-8); Ed25519 (-19, RFC 9864) is accepted as the same
// algorithm. Whole messages and protected headers must be deterministic CBOR
// (see cbor.h).
//
// Thread safety: plain values and pure functions.
#ifndef CERTLEDGER_COSE_H_
#define CERTLEDGER_COSE_H_

#include <cstdint>
#include <optional>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/ed25519.h"
#include "certledger/status.h"

namespace certledger::cose {

constexpr std::uint64_t kSign1Tag = 18;

// Header labels (RFC 9052 section 3.1).
constexpr std::int64_t kHeaderAlg = 1;
constexpr std::int64_t kHeaderCrit = 2;
constexpr std::int64_t kHeaderContentType = 3;
constexpr std::int64_t kHeaderKid = 4;

// Algorithm identifiers (IANA COSE Algorithms registry).
constexpr std::int64_t kAlgEdDSA = -8;
constexpr std::int64_t kAlgEd25519 = -19;

// A parsed COSE_Sign1 message. Copyable value.
struct Sign1 {
  Bytes protected_bytes;           // the protected header exactly as serialized (bstr contents)
  cbor::Value protected_header;    // decoded protected header; an empty map for an empty bstr
  cbor::Value unprotected_header;  // the unprotected header map
  Bytes payload;
  Bytes signature;
  std::int64_t alg = kAlgEdDSA;    // from the protected header: kAlgEdDSA or kAlgEd25519
  bool tagged = true;              // whether the message carried tag 18

  // The kid (label 4): from the protected header if there, else from the
  // unprotected one; nullopt if neither has it.
  std::optional<ByteView> kid() const;
};

struct ParseOptions {
  // Reject a message without tag 18 (certledger records always carry it).
  bool require_tag = true;
};

// The Sig_structure bytes for a COSE_Sign1 (context "Signature1").
Bytes SigStructure(ByteView protected_bytes, ByteView external_aad, ByteView payload);

// Signs `payload` and returns the encoded, tagged COSE_Sign1 message.
// `protected_header` and `unprotected_header` are maps of header labels
// (integers or text) chosen by the caller; alg (1) is set to EdDSA in the
// protected header when absent. An empty protected map is serialized as an
// empty bstr. Errors: InvalidArgument if a header is not a map, alg is
// present but is not EdDSA/Ed25519 or is not in the protected header, a
// label appears in both headers, or crit names a parameter this library
// does not understand (the same checks as ParseSign1).
[[nodiscard]] Result<Bytes> SignSign1(const cbor::Value& protected_header,
                                      const cbor::Value& unprotected_header, ByteView payload,
                                      const SecretKey& key, ByteView external_aad = {});

// Parses and structurally checks a COSE_Sign1 message; does not verify the
// signature. InvalidArgument, with a message starting "cose: ", when:
// the bytes are not deterministic CBOR; tag 18 is missing (when required)
// or another tag is present; the item is not a 4-element array; protected
// is not a bstr holding a map (or empty); a header label is not an integer
// or text, or appears in both headers; alg is missing from the protected
// header or is not EdDSA (-8) / Ed25519 (-19); crit is not in the protected
// header, is empty, or names a parameter not understood here (only alg,
// crit, content type and kid are); kid is not a bstr; the payload is
// detached (nil) or not a bstr; the signature is not a 64-byte bstr.
[[nodiscard]] Result<Sign1> ParseSign1(ByteView message, const ParseOptions& options = {});

// OK if `message`'s signature is valid for `key` over its Sig_structure;
// VerificationFailed (reason "bad_signature") otherwise.
[[nodiscard]] Status VerifySign1(const Sign1& message, const PublicKey& key,
                                 ByteView external_aad = {});

}  // namespace certledger::cose

#endif  // CERTLEDGER_COSE_H_
