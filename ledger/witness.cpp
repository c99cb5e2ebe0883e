// The witness of C2SP tlog-witness (https://c2sp.org/tlog-witness),
// section "add-checkpoint".
//
// Request body (ABNF, RFC 5234):
//
//   request     = old-line *63proof-line LF signed-note
//   old-line    = "old" SP size LF     ; decimal, no leading zeroes ("0" for
//   zero) proof-line  = base64 LF            ; one 32-byte hash, RFC 4648
//   section 4 signed-note = checkpoint text, blank line, signature lines
//   (note.h)
//
// Answer body on 200: the cosignature line(s), "— " name SP base64 LF
// (tlog-cosignature); on 409 for a size mismatch: size LF.
//
// State file <state_dir>/witness-state, rewritten whole and durably:
//
//   state  = "certledger-witness-state v1" LF *entry
//   entry  = origin SP size SP base64(root) LF   ; origins sorted bytewise,
//   once each
//
// (an origin is a key name: no spaces, no '+', no control characters).
#include "certledger/witness.h"

#include <sys/stat.h>

#include <algorithm>
#include <cerrno>
#include <chrono>
#include <cstdio>
#include <cstring>

#include "certledger/bytes.h"
#include "certledger/checkpoint.h"
#include "certledger/cosignature.h"
#include "certledger/file_util.h"
#include "certledger/merkle.h"
#include "certledger/note.h"

namespace certledger {
namespace {

constexpr std::string_view kStateHeader = "certledger-witness-state v1\n";
constexpr std::string_view kTextContentType = "text/plain; charset=utf-8";

WitnessAnswer Answer(int status, std::string body) {
  if (!body.empty() && body.back() != '\n') body.push_back('\n');
  return {status, std::string(kTextContentType), std::move(body)};
}

// Splits off the next line (without its '\n'); false if there is no '\n'.
bool NextLine(std::string_view* text, std::string_view* line) {
  const std::size_t nl = text->find('\n');
  if (nl == std::string_view::npos) return false;
  *line = text->substr(0, nl);
  text->remove_prefix(nl + 1);
  return true;
}

std::string StatePath(const WitnessOptions& options) {
  return options.state_dir + "/" + std::string(kWitnessStateFile);
}

Result<std::map<std::string, WitnessedTree, std::less<>>> ParseState(std::string_view text,
                                                                     const std::string& path) {
  auto corrupt = [&path](const std::string& why) {
    return Status::Corruption("witness state " + path + ": " + why);
  };
  std::map<std::string, WitnessedTree, std::less<>> state;
  if (text.substr(0, kStateHeader.size()) != kStateHeader) return corrupt("bad header");
  text.remove_prefix(kStateHeader.size());
  std::string_view line;
  while (!text.empty()) {
    if (!NextLine(&text, &line)) return corrupt("last line has no newline");
    const std::size_t a = line.find(' ');
    const std::size_t b = a == std::string_view::npos ? a : line.find(' ', a + 1);
    if (b == std::string_view::npos) return corrupt("entry is not <origin> <size> <root>");
    const std::string_view origin = line.substr(0, a);
    const auto size = ParseCanonicalUint(line.substr(a + 1, b - a - 1));
    Result<Bytes> root = Base64Decode(line.substr(b + 1));
    if (!IsValidKeyName(origin) || !size || !root.ok() || root->size() != 32) {
      return corrupt("malformed entry");
    }
    WitnessedTree tree;
    tree.size = *size;
    std::copy(root->begin(), root->end(), tree.root.begin());
    if (!state.emplace(std::string(origin), tree).second) return corrupt("origin twice");
  }
  return state;
}

std::string FormatState(const std::map<std::string, WitnessedTree, std::less<>>& state) {
  std::string out(kStateHeader);
  for (const auto& [origin, tree] : state) {
    out += origin + " " + std::to_string(tree.size) + " " + Base64Encode(AsBytes(tree.root)) + "\n";
  }
  return out;
}

Result<std::string> ReadSmallFile(const std::string& path) {
  std::FILE* f = std::fopen(path.c_str(), "rb");
  if (f == nullptr) {
    if (errno == ENOENT) return Status::NotFound(path);
    return Status::IOError("cannot open " + path + ": " + std::strerror(errno));
  }
  std::unique_ptr<std::FILE, int (*)(std::FILE*)> closer(f, &std::fclose);
  std::string out;
  char buf[1 << 14];
  std::size_t n;
  while ((n = std::fread(buf, 1, sizeof buf, f)) > 0) out.append(buf, n);
  if (std::ferror(f)) return Status::IOError("cannot read " + path);
  return out;
}

struct Request {
  std::uint64_t old_size = 0;
  std::vector<Hash256> proof;
  std::string_view signed_note;
};

Result<Request> ParseRequest(std::string_view body) {
  auto bad = [](const std::string& why) {
    return Status::InvalidArgument("malformed add-checkpoint request: " + why);
  };
  Request r;
  std::string_view line;
  if (!NextLine(&body, &line) || line.substr(0, 4) != "old ") return bad("no \"old <size>\" line");
  const auto old_size = ParseCanonicalUint(line.substr(4));
  if (!old_size) return bad("old size is not a canonical decimal");
  r.old_size = *old_size;
  for (;;) {
    if (!NextLine(&body, &line)) return bad("no blank line before the checkpoint");
    if (line.empty()) break;
    if (r.proof.size() == kMaxWitnessProofLines) return bad("more than 63 proof lines");
    Result<Bytes> hash = Base64Decode(line);
    if (!hash.ok() || hash->size() != 32) return bad("a proof line is not a base64 hash");
    Hash256& h = r.proof.emplace_back();
    std::copy(hash->begin(), hash->end(), h.begin());
  }
  r.signed_note = body;
  return r;
}

}  // namespace

Result<std::unique_ptr<Witness>> Witness::Open(WitnessOptions options, NamedSecretKey key) {
  if (options.log_keys.empty()) return Status::InvalidArgument("the witness knows no log keys");
  for (const NamedPublicKey& k : options.log_keys) {
    if (!IsValidKeyName(k.name)) return Status::InvalidArgument("invalid log key name " + k.name);
  }
  if (!IsValidKeyName(key.name)) return Status::InvalidArgument("invalid witness key name");
  if (::mkdir(options.state_dir.c_str(), 0755) != 0 && errno != EEXIST) {
    return Status::IOError("cannot create " + options.state_dir + ": " + std::strerror(errno));
  }
  const std::string path = StatePath(options);
  std::map<std::string, WitnessedTree, std::less<>> state;
  Result<std::string> text = ReadSmallFile(path);
  if (text.ok()) {
    CL_ASSIGN_OR_RETURN(state, ParseState(*text, path));
  } else if (!text.status().Is(StatusCode::kNotFound)) {
    return text.status();
  }
  auto w = std::make_unique<Witness>(PrivateTag{}, std::move(options), std::move(key));
  w->state_ = std::move(state);
  return w;
}

std::optional<WitnessedTree> Witness::Latest(std::string_view origin) const {
  std::lock_guard<std::mutex> lock(mu_);
  auto it = state_.find(origin);
  if (it == state_.end()) return std::nullopt;
  return it->second;
}

Status Witness::Persist(const std::map<std::string, WitnessedTree, std::less<>>& state) {
  return WriteFileDurably(StatePath(options_), AsBytes(FormatState(state)), 0644);
}

WitnessAnswer Witness::AddCheckpoint(std::string_view request_body) {
  Result<Request> request = ParseRequest(request_body);
  if (!request.ok()) return Answer(400, request.status().message());
  Result<Note> note = ParseNote(request->signed_note);
  if (!note.ok()) return Answer(400, note.status().message());
  Result<Checkpoint> checkpoint = ParseCheckpoint(note->text);
  if (!checkpoint.ok()) return Answer(400, checkpoint.status().message());

  // The origin's keys; 404 if there are none, 403 unless one signed.
  std::vector<NamedPublicKey> keys;
  for (const NamedPublicKey& k : options_.log_keys) {
    if (k.name == checkpoint->origin) keys.push_back(k);
  }
  if (keys.empty()) return Answer(404, "unknown log origin \"" + checkpoint->origin + "\"");
  Result<OpenedNote> opened = OpenNote(request->signed_note, keys);
  if (!opened.ok()) {
    return Answer(403, "the checkpoint is not signed by a trusted key of " + checkpoint->origin +
                           ": " + opened.status().message());
  }
  if (request->old_size > checkpoint->size) {
    return Answer(400, "old size " + std::to_string(request->old_size) +
                           " exceeds the checkpoint size " + std::to_string(checkpoint->size));
  }

  std::lock_guard<std::mutex> lock(mu_);
  WitnessedTree latest{0, EmptyRoot()};
  if (auto it = state_.find(checkpoint->origin); it != state_.end()) latest = it->second;
  if (request->old_size != latest.size) {
    return {409, std::string(kTlogSizeContentType), std::to_string(latest.size) + "\n"};
  }
  if (request->old_size == checkpoint->size && checkpoint->root != latest.root) {
    return Answer(409, "checkpoint of size " + std::to_string(checkpoint->size) +
                           " has a different root hash from the one cosigned");
  }
  // RFC 6962 section 2.1.2 consistency (RFC 9162 section 2.1.4.2); the
  // proof must be empty from size 0 and between equal sizes.
  if (Status s = VerifyConsistency(request->old_size, checkpoint->size, request->proof, latest.root,
                                   checkpoint->root);
      !s.ok()) {
    return Answer(422, s.message());
  }
  const std::uint64_t now =
      options_.now
          ? options_.now()
          : static_cast<std::uint64_t>(std::chrono::duration_cast<std::chrono::seconds>(
                                           std::chrono::system_clock::now().time_since_epoch())
                                           .count());
  Result<NoteSignature> cosignature = Cosign(note->text, key_, now);
  if (!cosignature.ok()) return Answer(500, cosignature.status().message());
  Note line_note{note->text, {*cosignature}};
  Result<std::string> formatted = FormatNote(line_note);
  if (!formatted.ok()) return Answer(500, formatted.status().message());

  const WitnessedTree next{checkpoint->size, checkpoint->root};
  if (!(next == latest) || state_.find(checkpoint->origin) == state_.end()) {
    auto state = state_;
    state[checkpoint->origin] = next;
    if (Status s = Persist(state); !s.ok()) return Answer(500, s.message());
    state_ = std::move(state);
  }
  // The signed note is text, blank line, signature lines: keep the lines.
  return {200, std::string(kTextContentType), formatted->substr(note->text.size() + 1)};
}

std::string AddCheckpointRequestBody(std::uint64_t old_size, std::span<const Hash256> proof,
                                     std::string_view signed_checkpoint) {
  std::string body = "old " + std::to_string(old_size) + "\n";
  for (const Hash256& h : proof) body += Base64Encode(AsBytes(h)) + "\n";
  body += "\n";
  body.append(signed_checkpoint);
  return body;
}

Result<std::uint64_t> ParseTlogSize(std::string_view body) {
  if (body.empty() || body.back() != '\n') {
    return Status::InvalidArgument("tlog size is not one line");
  }
  const auto size = ParseCanonicalUint(body.substr(0, body.size() - 1));
  if (!size) return Status::InvalidArgument("tlog size is not a canonical decimal");
  return *size;
}

}  // namespace certledger
