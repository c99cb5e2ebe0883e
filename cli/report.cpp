#include "cli/report.h"

#include <sstream>

#include "cli/file_io.h"

namespace certledger::cli {

std::string FormatVerification(const Verification& v) {
  std::string out;
  out += "verdict: " + std::string(VerdictName(v.verdict)) + "  " +
         std::string(VerdictTextZh(v.verdict)) + " / " + std::string(VerdictTextEn(v.verdict)) +
         "\n";
  out += "reason:  " + v.reason + "\n";
  if (const Certificate* c = v.certificate()) {
    bool skill = c->type == CertificateType::kSkill;
    out += "certificate " + c->number + ": " + std::string(CertificateTypeNameZh(c->type)) + " / " +
           std::string(CertificateTypeNameEn(c->type)) + "\n";
    if (skill) {
      out += "  occupation  " + c->occupation + " " + c->occupation_name + ", work type " +
             c->work_type + "\n";
    } else {
      out += "  series      " + c->series + ", specialty " + c->specialty + "\n";
    }
    out += "  level       " + std::string(LevelNameZh(c->level)) + " / " +
           std::string(LevelNameEn(c->level)) + "\n";
    out += "  route       " + std::string(RouteNameZh(c->route)) + " / " +
           std::string(RouteNameEn(c->route)) + "\n";
    out += "  issued      " + c->issued.ToString() + " (evaluated " + c->evaluated.ToString() + ")" +
           (c->expires ? ", expires " + c->expires->ToString() : "") + "\n";
  }
  if (!v.holder_name.empty()) {
    out += "  holder      " + v.holder_name + ", ID " + v.holder_id_masked + "\n";
  }
  if (v.issuer) {
    out += "issuer:  " + v.issuer->name_zh + " / " + v.issuer->name_en + " (" + v.issuer->body +
           ")\n";
  }
  return out;
}

Result<std::vector<SignedRecord>> ReadRecordLines(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string text, ReadFile(path));
  std::vector<SignedRecord> out;
  std::istringstream in(text);
  std::string line;
  for (int n = 1; std::getline(in, line); ++n) {
    if (line.empty() || line[0] == '#') continue;
    auto bytes = Base64Decode(line);
    if (!bytes.ok()) return bytes.status().Annotate(path + " line " + std::to_string(n));
    auto record = ParseRecord(*bytes);
    if (!record.ok()) return record.status().Annotate(path + " line " + std::to_string(n));
    out.push_back(std::move(*record));
  }
  return out;
}

}  // namespace certledger::cli
