// COSE_Sign1 with EdDSA (RFC 9052 sections 3, 4.2 and 4.4).
//
// Grammar (CDDL, RFC 9052 section 4.2), as accepted here:
//
//   COSE_Sign1_Tagged = #6.18(COSE_Sign1)        ; tag optional only if
//                                                ; ParseOptions allows it
//   COSE_Sign1 = [
//     protected:   bstr .cbor header_map / bstr .size 0,
//     unprotected: header_map,
//     payload:     bstr,                         ; detached (nil) refused
//     signature:   bstr .size 64,
//   ]
//   header_map = { * label => any }             ; label = int / tstr
//     1 (alg)  => -8 (EdDSA) / -19 (Ed25519)     ; required, protected only
//     2 (crit) => [+ label]                      ; protected only; only labels
//                                                ; 1, 2, 3, 4 are understood
//     3 (content type) => uint / tstr
//     4 (kid)  => bstr
//   A label may not appear in both maps.
//
//   Sig_structure = ["Signature1", protected: bstr, external_aad: bstr,
//                    payload: bstr]              ; RFC 9052 section 4.4
//
// Everything, including the map inside the protected bstr, must be
// deterministic CBOR (RFC 8949 section 4.2.1), as cbor::Decode enforces.
#include "certledger/cose.h"

#include <iterator>
#include <string>
#include <utility>

namespace certledger::cose {
namespace {

std::string LabelText(const cbor::Value& label) {
  if (label.is_text()) {
    std::string out = "\"";
    out.append(label.text());
    out += '"';
    return out;
  }
  std::optional<std::int64_t> v = label.int64();
  return v ? std::to_string(*v) : std::string("(out of range)");
}

bool IsLabel(const cbor::Value& v) { return v.is_int() || v.is_text(); }

bool IsUnderstood(const cbor::Value& label) {
  std::optional<std::int64_t> v = label.is_int() ? label.int64() : std::nullopt;
  return v && (*v == kHeaderAlg || *v == kHeaderCrit || *v == kHeaderContentType ||
               *v == kHeaderKid);
}

// Checks both header maps; on success stores the algorithm in *alg
// (nullopt if absent, which only signing tolerates).
Status CheckHeaders(const cbor::Value& prot, const cbor::Value& unprot,
                    std::optional<std::int64_t>* alg) {
  if (!prot.is_map()) return Status::InvalidArgument("cose: protected header is not a map");
  if (!unprot.is_map()) return Status::InvalidArgument("cose: unprotected header is not a map");
  for (const cbor::Value* map : {&prot, &unprot}) {
    const char* which = map == &prot ? "protected" : "unprotected";
    for (const auto& [label, value] : map->map()) {
      if (!IsLabel(label)) {
        return Status::InvalidArgument(std::string("cose: ") + which +
                                       " header has a label that is not an integer or text");
      }
      if (map == &prot && unprot.Find(label) != nullptr) {
        return Status::InvalidArgument("cose: header label " + LabelText(label) +
                                       " is in both the protected and unprotected headers");
      }
      std::optional<std::int64_t> id = label.is_int() ? label.int64() : std::nullopt;
      if (!id) continue;
      if (*id == kHeaderAlg && map != &prot) {
        return Status::InvalidArgument("cose: alg must be in the protected header");
      }
      if (*id == kHeaderCrit && map != &prot) {
        return Status::InvalidArgument("cose: crit must be in the protected header");
      }
      if (*id == kHeaderKid && !value.is_bytes()) {
        return Status::InvalidArgument("cose: kid is not a byte string");
      }
      if (*id == kHeaderContentType && !value.is_uint() && !value.is_text()) {
        return Status::InvalidArgument("cose: content type is not a uint or text");
      }
    }
  }
  *alg = std::nullopt;
  if (const cbor::Value* a = prot.Find(kHeaderAlg)) {
    std::optional<std::int64_t> v = a->is_int() ? a->int64() : std::nullopt;
    if (!v) return Status::InvalidArgument("cose: alg is not an integer");
    if (*v != kAlgEdDSA && *v != kAlgEd25519) {
      return Status::InvalidArgument("cose: unsupported algorithm " + std::to_string(*v) +
                                     " (only EdDSA -8 and Ed25519 -19)")
          .WithReason("unsupported_algorithm");
    }
    *alg = *v;
  }
  if (const cbor::Value* crit = prot.Find(kHeaderCrit)) {
    if (!crit->is_array() || crit->array().empty()) {
      return Status::InvalidArgument("cose: crit is not a non-empty array of labels");
    }
    for (const cbor::Value& label : crit->array()) {
      if (!IsLabel(label)) return Status::InvalidArgument("cose: crit holds a non-label");
      if (!IsUnderstood(label)) {
        return Status::InvalidArgument("cose: unknown critical header parameter " +
                                       LabelText(label));
      }
      if (prot.Find(label) == nullptr) {
        return Status::InvalidArgument("cose: critical header parameter " + LabelText(label) +
                                       " is not in the protected header");
      }
    }
  }
  return Status::OK();
}

}  // namespace

std::optional<ByteView> Sign1::kid() const {
  for (const cbor::Value* map : {&protected_header, &unprotected_header}) {
    if (!map->is_map()) continue;
    const cbor::Value* kid = map->Find(kHeaderKid);
    if (kid != nullptr && kid->is_bytes()) return kid->bytes();
  }
  return std::nullopt;
}

Bytes SigStructure(ByteView protected_bytes, ByteView external_aad, ByteView payload) {
  // ["Signature1", ...]: the array head 0x84 and the text "Signature1", then
  // the three byte strings, as cbor::Encode writes them.
  static constexpr std::uint8_t kPrefix[] = {0x84, 0x6a, 'S', 'i', 'g', 'n', 'a',
                                             't',  'u',  'r', 'e', '1'};
  Bytes out(std::begin(kPrefix), std::end(kPrefix));
  out.reserve(sizeof kPrefix + 3 * 9 + protected_bytes.size() + external_aad.size() +
              payload.size());
  cbor::AppendByteString(protected_bytes, out);
  cbor::AppendByteString(external_aad, out);
  cbor::AppendByteString(payload, out);
  return out;
}

Result<Bytes> SignSign1(const cbor::Value& protected_header,
                        const cbor::Value& unprotected_header, ByteView payload,
                        const SecretKey& key, ByteView external_aad) {
  std::optional<std::int64_t> alg;
  CL_RETURN_IF_ERROR(CheckHeaders(protected_header, unprotected_header, &alg));
  cbor::Value prot = protected_header;
  if (!alg) prot.Set(kHeaderAlg, cbor::Value::Int(kAlgEdDSA));
  // RFC 9052 section 3: an empty protected map is sent as a zero-length bstr
  // (unreachable here, since alg is always present, but kept for clarity).
  Bytes protected_bytes = prot.map().empty() ? Bytes() : cbor::Encode(prot);
  Signature sig = key.Sign(SigStructure(protected_bytes, external_aad, payload));
  cbor::Value message = cbor::Value::MakeArray(
      {cbor::Value::Bytes(protected_bytes), unprotected_header, cbor::Value::Bytes(payload),
       cbor::Value::Bytes(ByteView(sig.data(), sig.size()))});
  return cbor::Encode(cbor::Value::Tag(kSign1Tag, std::move(message)));
}

namespace {

// Decodes the protected header bytes into `out` and checks both headers
// (out.unprotected_header must be set already); sets out.alg.
Status ReadHeaders(ByteView protected_bytes, Sign1& out) {
  out.protected_bytes.assign(protected_bytes.begin(), protected_bytes.end());
  if (out.protected_bytes.empty()) {
    out.protected_header = cbor::Value::MakeMap();
  } else {
    Result<cbor::Value> prot = cbor::Decode(out.protected_bytes);
    if (!prot.ok()) return prot.status().Annotate("cose: protected header");
    out.protected_header = std::move(prot).value();
  }
  std::optional<std::int64_t> alg;
  CL_RETURN_IF_ERROR(CheckHeaders(out.protected_header, out.unprotected_header, &alg));
  if (!alg) return Status::InvalidArgument("cose: no alg in the protected header");
  out.alg = *alg;
  return Status::OK();
}

Status ReadSignature(ByteView signature, Sign1& out) {
  if (signature.size() != kEd25519SignatureSize) {
    return Status::InvalidArgument("cose: EdDSA signature has " +
                                   std::to_string(signature.size()) + " bytes, expected 64");
  }
  out.signature.assign(signature.begin(), signature.end());
  return Status::OK();
}

// The byte strings of a message of the shape every certledger record has:
// tag 18, an array of 4, a bstr, an empty map, two bstrs, nothing after.
struct RecordShape {
  ByteView protected_bytes, payload, signature;
};

// Reads a byte string head and contents at `*pos`, accepting only what
// cbor::Decode accepts (shortest head, within the input and the default
// string limit); false for anything else.
bool TakeByteString(ByteView data, std::size_t* pos, ByteView* out) {
  if (*pos >= data.size()) return false;
  const std::uint8_t initial = data[*pos];
  if ((initial >> 5) != 2) return false;
  const std::uint8_t ai = initial & 0x1f;
  std::size_t p = *pos + 1;
  std::uint64_t length;
  if (ai < 24) {
    length = ai;
  } else if (ai == 24 || ai == 25) {
    const std::size_t width = ai == 24 ? 1 : 2;
    if (data.size() - p < width) return false;
    length = ai == 24 ? data[p] : (std::uint64_t{data[p]} << 8) | data[p + 1];
    if (length < (ai == 24 ? 24u : 0x100u)) return false;  // not the shortest head
    p += width;
  } else {
    return false;  // longer than any record; cbor::Decode decides
  }
  if (length > data.size() - p || length > cbor::Limits().max_string_bytes) return false;
  *out = data.subspan(p, length);
  *pos = p + length;
  return true;
}

// The parts of `message` if it has the record shape and is deterministic
// CBOR (so cbor::Decode would accept it as the same item); nullopt
// otherwise, including for every malformed input.
std::optional<RecordShape> SplitRecordShape(ByteView message) {
  constexpr std::uint8_t kTag18 = 0xd2, kArrayOf4 = 0x84, kEmptyMap = 0xa0;
  if (message.size() > cbor::Limits().max_input_bytes || message.size() < 3 ||
      message[0] != kTag18 || message[1] != kArrayOf4) {
    return std::nullopt;
  }
  RecordShape shape;
  std::size_t pos = 2;
  if (!TakeByteString(message, &pos, &shape.protected_bytes)) return std::nullopt;
  if (pos >= message.size() || message[pos] != kEmptyMap) return std::nullopt;
  ++pos;
  if (!TakeByteString(message, &pos, &shape.payload)) return std::nullopt;
  if (!TakeByteString(message, &pos, &shape.signature)) return std::nullopt;
  if (pos != message.size()) return std::nullopt;
  return shape;
}

}  // namespace

Result<Sign1> ParseSign1(ByteView message, const ParseOptions& options) {
  // Fast path for the usual shape, without a value tree. It accepts only
  // what the general path below accepts, with the same result and errors.
  if (std::optional<RecordShape> shape = SplitRecordShape(message)) {
    Sign1 out;
    out.tagged = true;
    out.unprotected_header = cbor::Value::MakeMap();
    CL_RETURN_IF_ERROR(ReadHeaders(shape->protected_bytes, out));
    out.payload.assign(shape->payload.begin(), shape->payload.end());
    CL_RETURN_IF_ERROR(ReadSignature(shape->signature, out));
    return out;
  }
  Result<cbor::Value> decoded = cbor::Decode(message);
  if (!decoded.ok()) return decoded.status().Annotate("cose");
  cbor::Value* item = &*decoded;
  Sign1 out;
  out.tagged = false;
  if (item->is_tag()) {
    if (item->tag() != kSign1Tag) {
      return Status::InvalidArgument("cose: tag " + std::to_string(item->tag()) +
                                     " is not COSE_Sign1 (18)");
    }
    out.tagged = true;
    item = &item->tagged();
  } else if (options.require_tag) {
    return Status::InvalidArgument("cose: missing COSE_Sign1 tag 18");
  }
  if (!item->is_array() || item->array().size() != 4) {
    return Status::InvalidArgument("cose: COSE_Sign1 is not an array of 4 items");
  }
  cbor::Value::Array& parts = item->array();
  if (!parts[0].is_bytes()) return Status::InvalidArgument("cose: protected header is not a bstr");
  out.unprotected_header = std::move(parts[1]);
  CL_RETURN_IF_ERROR(ReadHeaders(parts[0].bytes(), out));
  if (parts[2].is_null()) {
    return Status::InvalidArgument("cose: detached payload is not supported");
  }
  if (!parts[2].is_bytes()) return Status::InvalidArgument("cose: payload is not a bstr");
  out.payload.assign(parts[2].bytes().begin(), parts[2].bytes().end());
  if (!parts[3].is_bytes()) return Status::InvalidArgument("cose: signature is not a bstr");
  CL_RETURN_IF_ERROR(ReadSignature(parts[3].bytes(), out));
  return out;
}

Status VerifySign1(const Sign1& message, const PublicKey& key, ByteView external_aad) {
  Bytes to_be_signed = SigStructure(message.protected_bytes, external_aad, message.payload);
  Status s = Verify(key, to_be_signed, message.signature);
  if (!s.ok()) {
    return Status::VerificationFailed("cose: signature does not verify").WithReason("bad_signature");
  }
  return Status::OK();
}

}  // namespace certledger::cose
