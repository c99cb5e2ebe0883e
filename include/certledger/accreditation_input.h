// The regulator's side: accreditation records from a "key = value" file,
// and the changes to an accreditation in force (key rotation, key
// revocation from a given time, withdrawal). Each change yields a complete
// new accreditation that supersedes the earlier one when logged.
//
// The file (grammar of the lines in issuer/key_value.h; docs/ISSUING.md):
//
//   body        = shanghai-electric          (the body id, its records' iss)
//   name_zh     = 上海电气集团股份有限公司
//   name_en     = Shanghai Electric Group Co., Ltd.
//   from        = 2026-01-01                 (TIME; the accreditation's validity)
//   until       = 2029-01-01
//   status      = active                     (or withdrawn; default active)
//   occupations = 6-18-01-01, 6-29-03-01     (comma-separated; may be empty)
//   series      = engineering, accounting
//   levels      = 3, 2, 一级/高级技师, 中级     (codes or names, either ladder)
//   key         = KEY [from=TIME] [until=TIME] [revoked=TIME]   (one or more)
//
// KEY is a verifier key "name+hex+base64" or the path of a public key file;
// a key's `from` defaults to the accreditation's. TIME is "YYYY-MM-DD"
// (00:00 China time), "YYYY-MM-DDTHH:MM:SS" followed by "Z" or "+08:00"
// (any offset), or "@" and Unix seconds.
//
// Thread safety: pure functions (the key reader is the caller's).
#ifndef CERTLEDGER_ACCREDITATION_INPUT_H_
#define CERTLEDGER_ACCREDITATION_INPUT_H_

#include <cstdint>
#include <functional>
#include <string_view>

#include "certledger/key_file.h"
#include "certledger/record.h"
#include "certledger/status.h"

namespace certledger {

// Seconds since the epoch of a TIME as above. InvalidArgument `"x" is not
// a time (expected YYYY-MM-DD, YYYY-MM-DDTHH:MM:SSZ, ...+08:00 or @SECONDS)`.
[[nodiscard]] Result<std::uint64_t> ParseTime(std::string_view text);

// Turns a KEY that is not a verifier key string into a key (e.g. reads the
// public key file it names).
using PublicKeyReader = std::function<Result<NamedPublicKey>(std::string_view path)>;

// Reads an accreditation file and checks it (CheckAccreditationInput).
// InvalidArgument naming the line: "line N: unknown key \"x\"", "line N:
// \"body\" is given twice", "line N: unknown key option \"x\"", "line N:
// unknown level \"x\"", the ParseTime messages, "missing \"body\"", ...;
// errors of `read_key`, annotated with the line.
[[nodiscard]] Result<Accreditation> ParseAccreditationInput(std::string_view text,
                                                            const PublicKeyReader& read_key);

// The domain rules of an accreditation: body a valid key name (key_file.h),
// both names, from < until, at least one key, each key's window inside
// sense (until after from), occupation and series codes in their forms
// (certificate_rules.h), no duplicates, at least one level, and levels of
// a ladder only with codes of that family (skill levels need occupations,
// title levels need series). InvalidArgument naming the field.
[[nodiscard]] Status CheckAccreditationInput(const Accreditation& accreditation);

// The accreditation after rotating to `new_key` at `at`: every key still
// open at `at` (no until, or until after it; not revoked) ends at `at`, and
// `new_key` is valid from `at`. InvalidArgument if `new_key` is already
// listed, or a key that would end at `at` starts at or after it.
[[nodiscard]] Result<Accreditation> RotateKey(Accreditation accreditation,
                                              const PublicKey& new_key, std::uint64_t at);

// The accreditation with `key` revoked from `at` on (records signed with it
// and logged at or after `at` are refused). NotFound if the key is not
// listed; AlreadyExists if it was revoked already.
[[nodiscard]] Result<Accreditation> RevokeKey(Accreditation accreditation, const PublicKey& key,
                                              std::uint64_t at);

// The accreditation withdrawn: status withdrawn (the body may issue
// nothing once it is logged). AlreadyExists if it was withdrawn already.
[[nodiscard]] Result<Accreditation> Withdraw(Accreditation accreditation);

}  // namespace certledger

#endif  // CERTLEDGER_ACCREDITATION_INPUT_H_
