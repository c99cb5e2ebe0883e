#include "cli/report.h"

#include <stdlib.h>

#include <filesystem>
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
  if (v.revocation) {
    const Revocation& r = v.revocation->revocation;
    out += "revoked: by " + v.revocation->revoked_by + ", " +
           std::string(RevocationReasonNameZh(r.reason)) + " / " +
           std::string(RevocationReasonNameEn(r.reason)) +
           (r.by ? ", superseded by " + *r.by : std::string()) + " (entry " +
           std::to_string(v.revocation->index) + ")\n";
  }
  if (v.evidence) {
    const LedgerEvidence& e = v.evidence.value();
    out += "ledger:  entry " + std::to_string(e.index) + " of " + std::to_string(e.tree_size) +
           ", leaf hash " + Base64Encode(e.leaf_hash) + ", inclusion proof of " +
           std::to_string(e.inclusion.size()) + " hashes verified against the signed checkpoint\n";
  } else if (!v.ledger_checked) {
    out += "ledger:  not consulted\n";
  }
  return out;
}

Result<std::unique_ptr<ReadOnlyLedger>> ReadOnlyLedger::Open(const std::string& data_dir) {
  std::error_code ec;
  if (!std::filesystem::is_directory(data_dir, ec)) {
    return Status::NotFound("no ledger directory " + data_dir);
  }
  char pattern[] = "/tmp/certledger-secondary-XXXXXX";
  if (::mkdtemp(pattern) == nullptr) return Status::IOError("cannot create a temporary directory");
  auto store = LedgerStore::OpenSecondary(data_dir, pattern);
  if (!store.ok()) {
    std::filesystem::remove_all(pattern, ec);
    return store.status();
  }
  return std::unique_ptr<ReadOnlyLedger>(new ReadOnlyLedger(std::move(*store), pattern));
}

ReadOnlyLedger::~ReadOnlyLedger() {
  std::error_code ec;
  store_.reset();  // close before the files go
  std::filesystem::remove_all(secondary_, ec);
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
