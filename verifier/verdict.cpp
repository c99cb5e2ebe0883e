#include "certledger/verdict.h"

#include <array>

namespace certledger {
namespace {

struct VerdictInfo {
  Verdict verdict;
  std::string_view name, zh, en;
};

constexpr std::array<VerdictInfo, 10> kVerdicts = {{
    {Verdict::kValid, "valid", "证书有效", "Genuine and valid"},
    {Verdict::kRevoked, "revoked", "证书已被撤销", "Revoked by its issuer or the regulator"},
    {Verdict::kNotLogged, "not_logged", "账本中无此证书", "Not found in the ledger"},
    {Verdict::kBadSignature, "bad_signature", "签名无效，证书可能被伪造",
     "Signature does not verify: possibly forged"},
    {Verdict::kUnknownIssuer, "unknown_issuer", "发证机构未获认可", "Issuer is not accredited"},
    {Verdict::kOutOfScope, "out_of_scope", "超出发证机构的认可范围",
     "Outside the issuer's accredited scope"},
    {Verdict::kKeyRevoked, "key_revoked", "签名密钥已被撤销", "Signing key was revoked"},
    {Verdict::kExpired, "expired", "证书已过期", "Certificate has expired"},
    {Verdict::kMalformed, "malformed", "二维码内容无法识别", "QR code content is malformed"},
    {Verdict::kIndeterminate, "indeterminate", "暂时无法判断，请稍后再试",
     "Cannot decide now: the ledger copy is stale or unreachable"},
}};

const VerdictInfo& Info(Verdict v) {
  for (const VerdictInfo& i : kVerdicts) {
    if (i.verdict == v) return i;
  }
  return kVerdicts.back();
}

}  // namespace

std::string_view VerdictName(Verdict v) { return Info(v).name; }
std::string_view VerdictTextZh(Verdict v) { return Info(v).zh; }
std::string_view VerdictTextEn(Verdict v) { return Info(v).en; }

std::optional<Verdict> ParseVerdict(std::string_view name) {
  for (const VerdictInfo& i : kVerdicts) {
    if (i.name == name) return i.verdict;
  }
  return std::nullopt;
}

}  // namespace certledger
