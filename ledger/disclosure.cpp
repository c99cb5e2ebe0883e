// Holder disclosures and commitments (DESIGN.md, Pinned details).
//
// Grammar (CDDL):
//
//   disclosure = [salt: bstr .size 16, name: tstr, value: tstr]
//   commitment = SHA-256(deterministic CBOR of disclosure)   ; 32 bytes
//   holder     = { + tstr => bstr .size 32 }  ; name -> commitment, in the
//                                             ; certificate body
#include "certledger/disclosure.h"

#include <sodium.h>

#include <cstring>
#include <set>

#include "certledger/ed25519.h"
#include "certledger/utf8.h"

namespace certledger {

Result<Disclosure> MakeDisclosureWithSalt(ByteView salt, std::string_view name,
                                          std::string_view value) {
  if (salt.size() != kDisclosureSaltSize) {
    return Status::InvalidArgument("disclosure: salt must be 16 bytes, got " +
                                   std::to_string(salt.size()));
  }
  if (name.empty()) return Status::InvalidArgument("disclosure: empty name");
  if (!IsValidUtf8(name) || !IsValidUtf8(value)) {
    return Status::InvalidArgument("disclosure: name or value is not valid UTF-8");
  }
  Disclosure d;
  std::memcpy(d.salt.data(), salt.data(), salt.size());
  d.name = std::string(name);
  d.value = std::string(value);
  return d;
}

Result<Disclosure> MakeDisclosure(std::string_view name, std::string_view value) {
  InitSodium();
  std::array<std::uint8_t, kDisclosureSaltSize> salt;
  randombytes_buf(salt.data(), salt.size());
  return MakeDisclosureWithSalt(ByteView(salt.data(), salt.size()), name, value);
}

cbor::Value DisclosureToCbor(const Disclosure& disclosure) {
  return cbor::Value::MakeArray({cbor::Value::Bytes(ByteView(disclosure.salt)),
                                 cbor::Value::Text(disclosure.name),
                                 cbor::Value::Text(disclosure.value)});
}

Result<Disclosure> DisclosureFromCbor(const cbor::Value& value) {
  if (!value.is_array() || value.array().size() != 3) {
    return Status::InvalidArgument("disclosure: not an array [salt, name, value]");
  }
  const cbor::Value::Array& a = value.array();
  if (!a[0].is_bytes() || a[0].bytes().size() != kDisclosureSaltSize) {
    return Status::InvalidArgument("disclosure: salt is not a 16-byte bstr");
  }
  if (!a[1].is_text() || !a[2].is_text()) {
    return Status::InvalidArgument("disclosure: name or value is not text");
  }
  return MakeDisclosureWithSalt(a[0].bytes(), a[1].text(), a[2].text());
}

Hash256 Commitment(const Disclosure& disclosure) {
  return Sha256::Hash(cbor::Encode(DisclosureToCbor(disclosure)));
}

Result<Commitments> CommitmentsOf(const std::vector<Disclosure>& disclosures) {
  Commitments out;
  for (const Disclosure& d : disclosures) {
    if (!out.emplace(d.name, Commitment(d)).second) {
      return Status::InvalidArgument("disclosure: duplicate name \"" + d.name + "\"");
    }
  }
  return out;
}

Status VerifyDisclosures(const Commitments& holder, const std::vector<Disclosure>& disclosures) {
  auto fail = [](std::string msg) {
    return Status::VerificationFailed(std::move(msg)).WithReason("disclosure_mismatch");
  };
  std::set<std::string> seen;
  for (const Disclosure& d : disclosures) {
    if (!seen.insert(d.name).second) return fail("duplicate disclosure \"" + d.name + "\"");
    auto it = holder.find(d.name);
    if (it == holder.end()) return fail("disclosure \"" + d.name + "\" has no commitment");
    if (Commitment(d) != it->second) {
      return fail("disclosure \"" + d.name + "\" does not match its commitment");
    }
  }
  for (const auto& [name, commitment] : holder) {
    if (seen.count(name) == 0) return fail("no disclosure for \"" + name + "\"");
  }
  return Status::OK();
}

std::string MaskId(std::string_view id) {
  // Split into code points (an invalid byte counts as one character).
  std::vector<std::string_view> chars;
  for (std::size_t i = 0; i < id.size();) {
    std::size_t next = i;
    char32_t cp;
    if (!NextCodePoint(id, &next, &cp)) next = i + 1;
    chars.push_back(id.substr(i, next - i));
    i = next;
  }
  std::string out;
  for (std::size_t i = 0; i < chars.size(); ++i) {
    bool keep = chars.size() > 8 && (i < 4 || i >= chars.size() - 4);
    out += keep ? std::string(chars[i]) : std::string("*");
  }
  return out;
}

}  // namespace certledger
