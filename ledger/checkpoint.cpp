// Checkpoint note text, C2SP tlog-checkpoint (https://c2sp.org/tlog-checkpoint):
//
//   checkpoint = origin LF size LF root LF *(extension LF)
//   origin     = 1*char          ; the log's identity; certledger signs
//                                ; only with a key of the same name
//   size       = "0" / %x31-39 *DIGIT   ; decimal, no leading zeros, < 2^64
//   root       = base64(32-byte RFC 9162 root hash)   ; RFC 4648 section 4,
//                                                     ; padded, canonical
//   extension  = 1*char          ; opaque, non-empty
//   char       = any UTF-8 character except control characters
//                                ; (the signed-note rules)
//
// Example (c2sp.org/tlog-checkpoint):
//
//   example.com/behind-the-sofa
//   20852163
//   CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=
//
// The signed form is this text as a signed note (see note.cpp) whose
// signature by the log key, named as the origin, must verify.
#include "certledger/checkpoint.h"

#include <cstring>

#include "certledger/note.h"

namespace certledger {
namespace {

Status Malformed(const std::string& why) {
  return Status::InvalidArgument("malformed checkpoint: " + why)
      .WithReason("malformed_checkpoint");
}

// One non-empty line of note text (no LF).
bool IsValidLine(std::string_view line) {
  if (line.empty() || line.find('\n') != std::string_view::npos) return false;
  return IsValidNoteText(std::string(line) + "\n");
}

bool ParseSize(std::string_view s, std::uint64_t* out) {
  auto v = ParseCanonicalUint(s);
  if (v) *out = *v;
  return v.has_value();
}

}  // namespace

Result<std::string> FormatCheckpoint(const Checkpoint& checkpoint) {
  if (!IsValidLine(checkpoint.origin)) {
    return Status::InvalidArgument("checkpoint origin must be one non-empty line of UTF-8 "
                                   "without control characters");
  }
  std::string out = checkpoint.origin + "\n" + std::to_string(checkpoint.size) + "\n" +
                    Base64Encode(AsBytes(checkpoint.root)) + "\n";
  for (const std::string& ext : checkpoint.extensions) {
    if (!IsValidLine(ext)) {
      return Status::InvalidArgument("checkpoint extension lines must be non-empty single "
                                     "lines of UTF-8 without control characters");
    }
    out += ext + "\n";
  }
  return out;
}

Result<Checkpoint> ParseCheckpoint(std::string_view text) {
  if (text.empty() || text.back() != '\n') return Malformed("text must end with a newline");
  if (!IsValidNoteText(text)) return Malformed("invalid UTF-8 or a control character");
  std::vector<std::string_view> lines;
  while (!text.empty()) {
    std::size_t end = text.find('\n');
    lines.push_back(text.substr(0, end));
    text.remove_prefix(end + 1);
  }
  if (lines.size() < 3) {
    return Malformed("expected origin, size and root hash lines, got " +
                     std::to_string(lines.size()) + " line(s)");
  }
  for (std::size_t i = 0; i < lines.size(); ++i) {
    if (lines[i].empty()) return Malformed("line " + std::to_string(i + 1) + " is empty");
  }
  Checkpoint cp;
  cp.origin = std::string(lines[0]);
  if (!ParseSize(lines[1], &cp.size)) {
    return Malformed("tree size is not a decimal number without leading zeros below 2^64");
  }
  Result<Bytes> root = Base64Decode(lines[2]);
  if (!root.ok() || root->size() != cp.root.size()) {
    return Malformed("root hash is not the base64 of 32 bytes");
  }
  std::memcpy(cp.root.data(), root->data(), cp.root.size());
  for (std::size_t i = 3; i < lines.size(); ++i) cp.extensions.emplace_back(lines[i]);
  return cp;
}

Result<std::string> SignCheckpoint(const Checkpoint& checkpoint, const NamedSecretKey& log_key) {
  if (log_key.name != checkpoint.origin) {
    return Status::InvalidArgument("log key name \"" + log_key.name +
                                   "\" is not the checkpoint origin \"" + checkpoint.origin +
                                   "\"");
  }
  CL_ASSIGN_OR_RETURN(std::string text, FormatCheckpoint(checkpoint));
  return SignNote(text, log_key);
}

Result<Checkpoint> OpenCheckpoint(std::string_view signed_note, const NamedPublicKey& log_key) {
  CL_ASSIGN_OR_RETURN(OpenedNote note, OpenNote(signed_note, std::span(&log_key, 1)));
  CL_ASSIGN_OR_RETURN(Checkpoint cp, ParseCheckpoint(note.text));
  if (cp.origin != log_key.name) {
    return Status::VerificationFailed("checkpoint origin \"" + cp.origin +
                                      "\" is not the log key's name \"" + log_key.name + "\"")
        .WithReason("origin_mismatch");
  }
  return cp;
}

}  // namespace certledger
