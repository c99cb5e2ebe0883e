// Holder disclosures and their commitments (DESIGN.md, "Holder privacy").
//
// A certificate in the ledger names its holder only through commitments: for
// each personal field ("name", "id") the SHA-256 of a disclosure, the CBOR
// array [salt, name, value] with a 16-byte random salt. The disclosures
// themselves travel in the QR code; a verifier recomputes the commitments
// and shows the values (the ID masked) only when they all match.
//
// Thread safety: plain values and pure functions (MakeDisclosure reads
// libsodium's thread-safe CSPRNG).
#ifndef CERTLEDGER_DISCLOSURE_H_
#define CERTLEDGER_DISCLOSURE_H_

#include <array>
#include <cstdint>
#include <map>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/sha256.h"
#include "certledger/status.h"

namespace certledger {

constexpr std::size_t kDisclosureSaltSize = 16;

// The holder map of a certificate: disclosure name -> commitment.
using Commitments = std::map<std::string, Hash256>;

// One disclosure. Invariant (kept by the functions that make one): name is
// non-empty and both name and value are valid UTF-8. Copyable value.
struct Disclosure {
  std::array<std::uint8_t, kDisclosureSaltSize> salt{};
  std::string name;   // e.g. "name", "id"
  std::string value;  // e.g. "张三", "310101199001011234"

  friend bool operator==(const Disclosure&, const Disclosure&) = default;
};

// A disclosure with a fresh random salt. InvalidArgument if `name` is empty
// or either string is not valid UTF-8.
[[nodiscard]] Result<Disclosure> MakeDisclosure(std::string_view name, std::string_view value);
// The same with a given salt (for reproducible tests and re-issuing).
// InvalidArgument also if `salt` is not 16 bytes.
[[nodiscard]] Result<Disclosure> MakeDisclosureWithSalt(ByteView salt, std::string_view name,
                                                        std::string_view value);

// The CBOR array [salt, name, value].
cbor::Value DisclosureToCbor(const Disclosure& disclosure);
// Reads [bstr .size 16, tstr, tstr]; InvalidArgument ("disclosure: ...")
// for any other shape, an empty name, or a salt of another size.
[[nodiscard]] Result<Disclosure> DisclosureFromCbor(const cbor::Value& value);

// SHA-256 of the deterministic CBOR of [salt, name, value].
Hash256 Commitment(const Disclosure& disclosure);
// The holder map committing to `disclosures`. InvalidArgument on a
// duplicate name.
[[nodiscard]] Result<Commitments> CommitmentsOf(const std::vector<Disclosure>& disclosures);

// OK when every disclosure matches the commitment of the same name in
// `holder` and every commitment in `holder` is disclosed exactly once.
// Otherwise VerificationFailed (reason "disclosure_mismatch") naming the
// first offending disclosure: `disclosure "id" does not match its
// commitment`, `disclosure "x" has no commitment`, `duplicate disclosure
// "name"`, or `no disclosure for "id"`.
[[nodiscard]] Status VerifyDisclosures(const Commitments& holder,
                                       const std::vector<Disclosure>& disclosures);

// Masks an ID number for display: the first 4 and last 4 characters kept,
// each one between replaced by '*' ("310101199001011234" ->
// "3101**********1234"). An ID of 8 characters or fewer is masked whole.
// Characters are UTF-8 code points; invalid UTF-8 is masked byte by byte.
std::string MaskId(std::string_view id);

}  // namespace certledger

#endif  // CERTLEDGER_DISCLOSURE_H_
