// The issuer's private store.
//
// Layout of the store directory (mode 0700):
//
//   LOCK                   empty; flock(LOCK_EX) while a process has it open
//   FORMAT                 "certledger issuer store 1\n"
//   serials                the counters, replaced atomically (write a
//                          temporary file, fsync, rename, fsync the directory)
//   entries/NNNNNNNNNNNN.cbor
//                          chunks of entries, numbered from 000000000001,
//                          each created once (mode 0600) and never changed
//
// serials (text):
//
//   serials  = *(sequence SP next LF)   ; sorted by sequence, no duplicates
//   sequence = 1*(%x21-7E)              ; a number without its serial
//   next     = 1*DIGIT                  ; the first serial never handed out
//
// A chunk (deterministic CBOR, RFC 8949 section 4.2.1; CDDL):
//
//   chunk       = [1, [+ entry]]
//   entry       = certificate / revocation
//   certificate = {
//     "k": "certificate",
//     "no": tstr,                 ; the certificate number
//     "record": bstr,             ; the signed COSE record
//     "disclosures": [+ disclosure],   ; [salt, name, value], disclosure.h
//     "id_type": tstr,            ; certificate_rules.h IdTypeCode
//     ? "row": bstr .size 32,     ; SHA-256 of the CSV row (batch.h)
//     "at": uint,                 ; when stored, seconds
//   }
//   revocation  = {
//     "k": "revocation",
//     "no": tstr,                 ; the revoked certificate
//     "record": bstr,
//     "at": uint,
//   }
//
// Leftover temporary files of an interrupted write ("*.tmp.*") are removed
// when the store opens.
#include "certledger/issuer_store.h"

#include <fcntl.h>
#include <sys/file.h>
#include <sys/stat.h>
#include <unistd.h>

#include <algorithm>
#include <cerrno>
#include <cstdio>
#include <cstring>
#include <filesystem>
#include <set>

#include "certledger/cbor.h"
#include "certledger/file_util.h"

namespace certledger {
namespace {

constexpr char kFormatLine[] = "certledger issuer store 1\n";
constexpr std::uint64_t kChunkVersion = 1;

std::string ChunkName(std::uint64_t n) {
  char buf[32];
  std::snprintf(buf, sizeof buf, "%012llu.cbor", static_cast<unsigned long long>(n));
  return buf;
}

bool IsChunkName(const std::string& name, std::uint64_t* n) {
  if (name.size() != 17 || name.substr(12) != ".cbor") return false;
  std::uint64_t v = 0;
  for (std::size_t i = 0; i < 12; ++i) {
    if (name[i] < '0' || name[i] > '9') return false;
    v = v * 10 + static_cast<std::uint64_t>(name[i] - '0');
  }
  *n = v;
  return true;
}

cbor::Value CertificateEntry(const StoredCertificate& c) {
  cbor::Value m = cbor::Value::MakeMap();
  m.Set("k", cbor::Value::Text("certificate"));
  m.Set("no", cbor::Value::Text(c.number));
  m.Set("record", cbor::Value::Bytes(c.record));
  cbor::Value::Array ds;
  for (const Disclosure& d : c.disclosures) ds.push_back(DisclosureToCbor(d));
  m.Set("disclosures", cbor::Value::MakeArray(std::move(ds)));
  m.Set("id_type", cbor::Value::Text(IdTypeCode(c.id_type)));
  if (c.row) m.Set("row", cbor::Value::Bytes(AsBytes(*c.row)));
  m.Set("at", cbor::Value::Uint(c.stored_at));
  return m;
}

cbor::Value RevocationEntry(const StoredRevocation& r) {
  cbor::Value m = cbor::Value::MakeMap();
  m.Set("k", cbor::Value::Text("revocation"));
  m.Set("no", cbor::Value::Text(r.number));
  m.Set("record", cbor::Value::Bytes(r.record));
  m.Set("at", cbor::Value::Uint(r.stored_at));
  return m;
}

Status Bad(const std::string& path, const std::string& what) {
  return Status::Corruption("issuer store chunk " + path + ": " + what);
}

}  // namespace

IssuerStore::IssuerStore(PassKey, std::string dir, int lock_fd) : dir_(std::move(dir)), lock_fd_(lock_fd) {}

IssuerStore::~IssuerStore() {
  if (lock_fd_ >= 0) ::close(lock_fd_);  // releases the flock
}

Result<std::unique_ptr<IssuerStore>> IssuerStore::Open(const std::string& dir) {
  CL_RETURN_IF_ERROR(MakeDirectory(dir, 0700));
  struct stat st;
  if (::stat(dir.c_str(), &st) != 0) {
    return Status::IOError("cannot stat " + dir + ": " + std::strerror(errno));
  }
  if (!S_ISDIR(st.st_mode)) return Status::IOError("issuer store " + dir + " is not a directory");
  if ((st.st_mode & 077) != 0) {
    char mode[8];
    std::snprintf(mode, sizeof mode, "%04o", static_cast<unsigned>(st.st_mode & 07777));
    return Status::PermissionDenied("issuer store " + dir +
                                    " is accessible by group or others (mode " + mode +
                                    "); run chmod 700 " + dir);
  }
  const std::string lock_path = dir + "/LOCK";
  int fd = ::open(lock_path.c_str(), O_RDWR | O_CREAT | O_CLOEXEC, 0600);
  if (fd < 0) return Status::IOError("cannot open " + lock_path + ": " + std::strerror(errno));
  auto store = std::make_unique<IssuerStore>(PassKey{}, dir, fd);
  if (::flock(fd, LOCK_EX | LOCK_NB) != 0) {
    if (errno == EWOULDBLOCK) {
      return Status::IOError("issuer store " + dir + " is in use by another certledger run")
          .WithReason("store_locked");
    }
    return Status::IOError("cannot lock " + lock_path + ": " + std::strerror(errno));
  }
  CL_RETURN_IF_ERROR(store->Load());
  return store;
}

Status IssuerStore::Load() {
  const std::string format_path = dir_ + "/FORMAT";
  auto format = ReadWholeFile(format_path, 4096);
  if (format.status().Is(StatusCode::kNotFound)) {
    CL_RETURN_IF_ERROR(WriteFileDurably(format_path, AsBytes(kFormatLine), 0600));
  } else if (!format.ok()) {
    return format.status();
  } else if (*format != kFormatLine) {
    return Status::Corruption(format_path + " names an unknown store format");
  }
  const std::string entries = dir_ + "/entries";
  CL_RETURN_IF_ERROR(MakeDirectory(entries, 0700));
  CL_RETURN_IF_ERROR(SyncDirectory(dir_));

  std::error_code ec;
  std::vector<std::pair<std::uint64_t, std::string>> chunks;
  for (const auto& item : std::filesystem::directory_iterator(entries, ec)) {
    const std::string name = item.path().filename().string();
    std::uint64_t n = 0;
    if (name.find(".tmp.") != std::string::npos) {
      std::filesystem::remove(item.path(), ec);
      continue;
    }
    if (IsChunkName(name, &n)) chunks.emplace_back(n, item.path().string());
  }
  if (ec) return Status::IOError("cannot list " + entries + ": " + ec.message());
  std::sort(chunks.begin(), chunks.end());
  for (const auto& [n, path] : chunks) {
    CL_RETURN_IF_ERROR(LoadChunk(path));
    next_chunk_ = n + 1;
  }
  return LoadSerials();
}

Status IssuerStore::LoadChunk(const std::string& path) {
  CL_ASSIGN_OR_RETURN(std::string bytes, ReadWholeFile(path));
  cbor::Limits limits;
  limits.max_input_bytes = bytes.size();
  limits.max_items = 1 << 20;
  auto decoded = cbor::Decode(AsBytes(bytes), limits);
  if (!decoded.ok()) return Bad(path, decoded.status().message());
  const cbor::Value& top = *decoded;
  if (!top.is_array() || top.array().size() != 2 || !top.array()[0].is_uint() ||
      top.array()[0].uint() != kChunkVersion || !top.array()[1].is_array()) {
    return Bad(path, "not [1, [entries]]");
  }
  for (const cbor::Value& e : top.array()[1].array()) {
    const cbor::Value* kind = e.Find("k");
    const cbor::Value* number = e.Find("no");
    const cbor::Value* record = e.Find("record");
    const cbor::Value* at = e.Find("at");
    if (kind == nullptr || !kind->is_text() || number == nullptr || !number->is_text() ||
        record == nullptr || !record->is_bytes() || at == nullptr || !at->is_uint()) {
      return Bad(path, "an entry lacks k, no, record or at");
    }
    if (kind->text() == "revocation") {
      StoredRevocation r{std::string(number->text()), Bytes(record->bytes().begin(), record->bytes().end()),
                         at->uint()};
      revocations_[r.number].push_back(std::move(r));
      continue;
    }
    if (kind->text() != "certificate") return Bad(path, "unknown entry kind");
    StoredCertificate c;
    c.number = std::string(number->text());
    c.record = Bytes(record->bytes().begin(), record->bytes().end());
    c.stored_at = at->uint();
    const cbor::Value* ds = e.Find("disclosures");
    const cbor::Value* id_type = e.Find("id_type");
    if (ds == nullptr || !ds->is_array() || id_type == nullptr || !id_type->is_text()) {
      return Bad(path, "certificate " + c.number + " lacks disclosures or id_type");
    }
    for (const cbor::Value& d : ds->array()) {
      auto disclosure = DisclosureFromCbor(d);
      if (!disclosure.ok()) return Bad(path, disclosure.status().message());
      c.disclosures.push_back(std::move(*disclosure));
    }
    auto type = ParseIdType(id_type->text());
    if (!type) return Bad(path, "unknown id_type");
    c.id_type = *type;
    if (const cbor::Value* row = e.Find("row")) {
      if (!row->is_bytes() || row->bytes().size() != 32) return Bad(path, "row is not 32 bytes");
      Hash256 h;
      std::copy(row->bytes().begin(), row->bytes().end(), h.begin());
      c.row = h;
    }
    if (certificates_.contains(c.number) || (c.row && rows_.contains(*c.row))) {
      return Bad(path, "certificate " + c.number + " or its row is stored twice");
    }
    Index(std::move(c));
  }
  return Status::OK();
}

void IssuerStore::Index(StoredCertificate certificate) {
  if (certificate.row) rows_[*certificate.row] = certificate.number;
  std::string number = certificate.number;
  certificates_.emplace(std::move(number), std::move(certificate));
}

Status IssuerStore::LoadSerials() {
  const std::string path = dir_ + "/serials";
  auto text = ReadWholeFile(path);
  if (text.status().Is(StatusCode::kNotFound)) return Status::OK();
  if (!text.ok()) return text.status();
  std::size_t pos = 0;
  while (pos < text->size()) {
    std::size_t eol = text->find('\n', pos);
    if (eol == std::string::npos) return Status::Corruption(path + ": a line has no end");
    std::string line = text->substr(pos, eol - pos);
    pos = eol + 1;
    std::size_t space = line.rfind(' ');
    if (space == std::string::npos || space == 0 || space + 1 == line.size()) {
      return Status::Corruption(path + ": malformed line");
    }
    std::uint64_t next = 0;
    for (char c : line.substr(space + 1)) {
      if (c < '0' || c > '9') return Status::Corruption(path + ": malformed serial");
      next = next * 10 + static_cast<std::uint64_t>(c - '0');
    }
    serials_[line.substr(0, space)] = next;
  }
  return Status::OK();
}

Status IssuerStore::WriteSerials(
    const std::map<std::string, std::uint64_t, std::less<>>& serials) const {
  std::string text;
  for (const auto& [sequence, next] : serials) {
    text += sequence + " " + std::to_string(next) + "\n";
  }
  return WriteFileDurably(dir_ + "/serials", AsBytes(text), 0600);
}

Result<std::uint64_t> IssuerStore::ReserveSerials(std::string_view sequence, std::uint64_t count,
                                                  std::uint64_t max_serial) {
  if (sequence.empty() || count == 0) {
    return Status::InvalidArgument("reserve serials: empty sequence or zero count");
  }
  for (char c : sequence) {
    if (c <= 0x20 || c == 0x7F) {
      return Status::InvalidArgument("reserve serials: the sequence holds whitespace");
    }
  }
  const std::uint64_t first = NextSerial(sequence);
  if (first > max_serial || count > max_serial - first + 1) {
    return Status::ResourceExhausted("the serials of " + std::string(sequence) +
                                     " are used up: " + std::to_string(count) +
                                     " more would pass " + std::to_string(max_serial));
  }
  auto next = serials_;
  next[std::string(sequence)] = first + count;
  CL_RETURN_IF_ERROR(WriteSerials(next));
  serials_ = std::move(next);
  return first;
}

std::uint64_t IssuerStore::NextSerial(std::string_view sequence) const {
  auto it = serials_.find(sequence);
  return it == serials_.end() ? 1 : it->second;
}

const StoredCertificate* IssuerStore::FindCertificate(std::string_view number) const {
  auto it = certificates_.find(number);
  return it == certificates_.end() ? nullptr : &it->second;
}

const StoredCertificate* IssuerStore::FindCertificateByRow(const Hash256& row) const {
  auto it = rows_.find(row);
  return it == rows_.end() ? nullptr : FindCertificate(it->second);
}

std::vector<const StoredRevocation*> IssuerStore::FindRevocations(std::string_view number) const {
  std::vector<const StoredRevocation*> out;
  auto it = revocations_.find(number);
  if (it == revocations_.end()) return out;
  for (const StoredRevocation& r : it->second) out.push_back(&r);
  return out;
}

Status IssuerStore::Append(std::vector<StoredCertificate> certificates,
                           std::vector<StoredRevocation> revocations) {
  if (certificates.empty() && revocations.empty()) return Status::OK();
  std::set<std::string, std::less<>> numbers;
  std::set<Hash256> rows;
  cbor::Value::Array entries;
  for (const StoredCertificate& c : certificates) {
    if (c.number.empty() || c.record.empty()) {
      return Status::InvalidArgument("issuer store: a certificate without number or record");
    }
    if (certificates_.contains(c.number) || !numbers.insert(c.number).second) {
      return Status::AlreadyExists("issuer store: certificate " + c.number + " is already stored");
    }
    if (c.row && (rows_.contains(*c.row) || !rows.insert(*c.row).second)) {
      return Status::AlreadyExists("issuer store: the row of certificate " + c.number +
                                   " is already stored");
    }
    entries.push_back(CertificateEntry(c));
  }
  for (const StoredRevocation& r : revocations) {
    if (r.number.empty() || r.record.empty()) {
      return Status::InvalidArgument("issuer store: a revocation without number or record");
    }
    entries.push_back(RevocationEntry(r));
  }
  cbor::Value chunk = cbor::Value::MakeArray(
      {cbor::Value::Uint(kChunkVersion), cbor::Value::MakeArray(std::move(entries))});
  const std::string path = dir_ + "/entries/" + ChunkName(next_chunk_);
  CL_RETURN_IF_ERROR(WriteFileDurably(path, cbor::Encode(chunk), 0600));
  ++next_chunk_;
  for (StoredCertificate& c : certificates) Index(std::move(c));
  for (StoredRevocation& r : revocations) revocations_[r.number].push_back(std::move(r));
  return Status::OK();
}

}  // namespace certledger
