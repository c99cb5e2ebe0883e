// The log mirror's files (certledger/mirror.h, mirror_internal.h).
//
// <dir>/mirror-state, replaced atomically (file_util.h WriteFileDurably):
//
//   state      = "certledger-mirror 1\n"
//                "size " decimal "\n"              ; the trusted tree size
//                "entries-bytes " decimal "\n"     ; trusted prefix of entries
//                *("edge " base64-hash "\n")       ; popcount(size) lines: the
//                                                  ; right edge, leftmost first
//                "\n"
//                [checkpoint]                      ; the trusted signed note,
//                                                  ; verbatim, to the end
//   decimal     = "0" / %x31-39 *DIGIT              ; fits 64 bits
//   base64-hash = standard padded base64 of 32 bytes
//
// The checkpoint is absent only in a mirror that never trusted one (size 0).
// It must verify with the log key and name the size and the edge's root.
//
// <dir>/entries, append-only:
//
//   entries = *(length leaf)     ; log order, entry 0 first
//   length  = 2 bytes, big-endian, the leaf's size (1 to 65535)
//
// the framing of C2SP entry bundles. Only the first entries-bytes bytes are
// trusted; the rest is the leftover of a run that did not finish.
#include <sys/stat.h>
#include <unistd.h>

#include <cerrno>
#include <charconv>
#include <cstring>

#include "certledger/bytes.h"
#include "certledger/cosignature.h"
#include "certledger/file_util.h"
#include "certledger/note.h"
#include "mirror_internal.h"

namespace certledger::mirror {
namespace {

constexpr std::string_view kMagic = "certledger-mirror 1\n";

Status Errno(const std::string& what, const std::string& path) {
  return Status::IOError(what + " " + path + ": " + std::strerror(errno));
}

std::optional<std::uint64_t> ParseDecimal(std::string_view text) {
  if (text.empty() || (text.size() > 1 && text[0] == '0')) return std::nullopt;
  std::uint64_t v = 0;
  const auto [end, ec] = std::from_chars(text.data(), text.data() + text.size(), v);
  if (ec != std::errc() || end != text.data() + text.size()) return std::nullopt;
  return v;
}

// Takes the line "<prefix><value>\n" off the front of `text`.
std::optional<std::string_view> TakeLine(std::string_view* text, std::string_view prefix) {
  const std::size_t nl = text->find('\n');
  if (nl == std::string_view::npos || text->substr(0, prefix.size()) != prefix) {
    return std::nullopt;
  }
  std::string_view value = text->substr(prefix.size(), nl - prefix.size());
  text->remove_prefix(nl + 1);
  return value;
}

Status Malformed(const std::string& what) {
  return Status::Corruption("mirror state: " + what);
}

}  // namespace

std::string Describe(const Checkpoint& checkpoint) {
  return "size " + std::to_string(checkpoint.size) + " root " +
         Base64Encode(AsBytes(checkpoint.root));
}

std::string FormatState(const State& state) {
  std::string out(kMagic);
  out += "size " + std::to_string(state.size()) + "\n";
  out += "entries-bytes " + std::to_string(state.entries_bytes) + "\n";
  for (const Hash256& h : state.edge.hashes()) out += "edge " + Base64Encode(AsBytes(h)) + "\n";
  out += "\n";
  out += state.checkpoint;
  return out;
}

Result<State> ParseState(std::string_view text, const NamedPublicKey& log_key) {
  if (text.substr(0, kMagic.size()) != kMagic) return Malformed("unknown format");
  text.remove_prefix(kMagic.size());
  const auto size_text = TakeLine(&text, "size ");
  const auto size = size_text ? ParseDecimal(*size_text) : std::nullopt;
  if (!size) return Malformed("bad size line");
  const auto bytes_text = TakeLine(&text, "entries-bytes ");
  const auto bytes = bytes_text ? ParseDecimal(*bytes_text) : std::nullopt;
  if (!bytes) return Malformed("bad entries-bytes line");
  std::vector<Hash256> edge;
  while (text.substr(0, 5) == "edge ") {
    const auto line = TakeLine(&text, "edge ");
    if (!line) return Malformed("bad edge line");
    Result<Bytes> hash = Base64Decode(*line);
    if (!hash.ok() || hash->size() != 32) return Malformed("bad edge hash");
    Hash256 h;
    std::copy(hash->begin(), hash->end(), h.begin());
    edge.push_back(h);
  }
  if (text.substr(0, 1) != "\n") return Malformed("no blank line after the edge");
  text.remove_prefix(1);
  Result<CompactRange> range = CompactRange::FromHashes(*size, std::move(edge));
  if (!range.ok()) return Malformed(range.status().message());
  State state;
  state.edge = std::move(*range);
  state.entries_bytes = *bytes;
  state.parsed.origin = log_key.name;
  state.parsed.root = EmptyRoot();
  if (text.empty()) {
    if (*size != 0) return Malformed("no trusted checkpoint for size " + std::to_string(*size));
    return state;
  }
  CL_ASSIGN_OR_RETURN(state.parsed, OpenCheckpoint(text, log_key));
  if (state.parsed.size != *size || state.parsed.root != state.edge.Root()) {
    return Malformed("the trusted checkpoint (" + Describe(state.parsed) +
                     ") is not the tree of the stored edge (size " + std::to_string(*size) +
                     " root " + Base64Encode(AsBytes(state.edge.Root())) + ")");
  }
  state.checkpoint = std::string(text);
  return state;
}

Result<State> LoadState(const std::string& dir, const NamedPublicKey& log_key) {
  const std::string path = dir + "/" + std::string(kStateFile);
  File f(std::fopen(path.c_str(), "rb"));
  if (!f) {
    if (errno == ENOENT) {
      State empty;
      empty.parsed.origin = log_key.name;
      empty.parsed.root = EmptyRoot();
      return empty;
    }
    return Errno("cannot open", path);
  }
  std::string text;
  char buf[8192];
  std::size_t n = 0;
  while ((n = std::fread(buf, 1, sizeof buf, f.get())) > 0) {
    text.append(buf, n);
    if (text.size() > 4 * kMaxNoteSize) return Malformed(path + " is too large");
  }
  if (std::ferror(f.get())) return Errno("cannot read", path);
  return ParseState(text, log_key);
}

Status SaveState(const std::string& dir, const State& state) {
  return WriteFileDurably(dir + "/" + std::string(kStateFile), AsBytes(FormatState(state)), 0644);
}

Result<EntriesWriter> EntriesWriter::Open(const std::string& dir, std::uint64_t trusted_bytes) {
  const std::string path = dir + "/" + std::string(kEntriesFile);
  File f(std::fopen(path.c_str(), "ab"));
  if (!f) return Errno("cannot open", path);
  struct stat st {};
  if (::fstat(::fileno(f.get()), &st) != 0) return Errno("cannot stat", path);
  const auto length = static_cast<std::uint64_t>(st.st_size);
  if (length < trusted_bytes) {
    return Status::Corruption("mirror state: " + path + " holds " + std::to_string(length) +
                              " bytes, fewer than the " + std::to_string(trusted_bytes) +
                              " trusted");
  }
  if (length > trusted_bytes &&
      ::ftruncate(::fileno(f.get()), static_cast<off_t>(trusted_bytes)) != 0) {
    return Errno("cannot truncate", path);
  }
  return EntriesWriter(std::move(f), path, trusted_bytes);
}

Status EntriesWriter::Append(ByteView leaf) {
  const unsigned char prefix[2] = {static_cast<unsigned char>(leaf.size() >> 8),
                                   static_cast<unsigned char>(leaf.size() & 0xff)};
  if (std::fwrite(prefix, 1, 2, file_.get()) != 2 ||
      std::fwrite(leaf.data(), 1, leaf.size(), file_.get()) != leaf.size()) {
    return Errno("cannot write", path_);
  }
  bytes_ += 2 + leaf.size();
  return Status::OK();
}

Status EntriesWriter::Sync() {
  if (std::fflush(file_.get()) != 0) return Errno("cannot write", path_);
  if (::fsync(::fileno(file_.get())) != 0) return Errno("cannot sync", path_);
  return Status::OK();
}

Result<EntriesReader> EntriesReader::Open(const std::string& dir, std::uint64_t limit) {
  const std::string path = dir + "/" + std::string(kEntriesFile);
  File f(std::fopen(path.c_str(), "rb"));
  if (!f && !(errno == ENOENT && limit == 0)) return Errno("cannot open", path);
  return EntriesReader(std::move(f), path, limit);
}

Result<bool> EntriesReader::Next(Bytes* leaf) {
  if (offset_ >= limit_) return false;
  unsigned char prefix[2];
  if (limit_ - offset_ < 2 || std::fread(prefix, 1, 2, file_.get()) != 2) {
    return Status::Corruption("mirror state: " + path_ + " ends inside a frame at byte " +
                              std::to_string(offset_));
  }
  const std::size_t length = (std::size_t{prefix[0]} << 8) | prefix[1];
  leaf->resize(length);
  if (limit_ - offset_ - 2 < length ||
      std::fread(leaf->data(), 1, length, file_.get()) != length) {
    return Status::Corruption("mirror state: " + path_ + " ends inside a frame at byte " +
                              std::to_string(offset_));
  }
  offset_ += 2 + length;
  return true;
}

Result<Hash256> RootFromEntries(const std::string& dir, const State& state, std::uint64_t size) {
  CL_ASSIGN_OR_RETURN(EntriesReader reader, EntriesReader::Open(dir, state.entries_bytes));
  CompactRange range;
  Bytes leaf;
  while (range.size() < size) {
    CL_ASSIGN_OR_RETURN(bool more, reader.Next(&leaf));
    if (!more) {
      return Status::Corruption("mirror state: the entries file holds " +
                                std::to_string(range.size()) + " entries, not " +
                                std::to_string(size));
    }
    range.Append(HashLeaf(leaf));
  }
  return range.Root();
}


}  // namespace certledger::mirror
