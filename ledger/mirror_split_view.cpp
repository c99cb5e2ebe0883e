// Split-view detection (certledger/mirror.h CheckSplitView): whether a
// checkpoint shown by another source belongs to the same append-only log as
// the mirror's trusted checkpoint (RFC 9162 section 2.1.4: two trees are
// consistent when the larger extends the smaller).
//
// The consistency proof is read from the larger source's API (DESIGN.md
// "Pinned details"):
//
//   GET api/v1/proof/consistency?old=M&size=N
//   {"old": M, "size": N, "hashes": ["<base64>", ...]}   ; leaf to root
#include "certledger/json_reader.h"
#include "mirror_internal.h"

namespace certledger {
namespace {

using mirror::Describe;

Result<std::vector<Hash256>> ParseProof(std::string_view body, std::uint64_t old_size,
                                        std::uint64_t new_size) {
  CL_ASSIGN_OR_RETURN(JsonValue json, ParseJson(body));
  if (json.Uint("old") != old_size || json.Uint("size") != new_size) {
    return Status::InvalidArgument("the proof answer is not for sizes " +
                                   std::to_string(old_size) + " and " + std::to_string(new_size));
  }
  const JsonValue* hashes = json.Find("hashes");
  if (hashes == nullptr || hashes->type != JsonValue::Type::kArray) {
    return Status::InvalidArgument("the proof answer has no \"hashes\" array");
  }
  std::vector<Hash256> proof;
  for (const JsonValue& h : hashes->array) {
    Result<Bytes> bytes = h.type == JsonValue::Type::kString
                              ? Base64Decode(h.text)
                              : Result<Bytes>(Status::InvalidArgument("not a string"));
    if (!bytes.ok() || bytes->size() != 32) {
      return Status::InvalidArgument("the proof answer holds a hash that is not base64 of 32 bytes");
    }
    Hash256 hash;
    std::copy(bytes->begin(), bytes->end(), hash.begin());
    proof.push_back(hash);
  }
  return proof;
}

}  // namespace

Result<std::vector<AuditFinding>> CheckSplitView(const std::string& state_dir,
                                                 const NamedPublicKey& log_key,
                                                 std::string_view source,
                                                 std::string_view other_note,
                                                 const MirrorFetch& other_fetch) {
  CL_ASSIGN_OR_RETURN(mirror::State state, mirror::LoadState(state_dir, log_key));
  std::vector<AuditFinding> findings;
  const std::string name(source);
  Result<Checkpoint> other = OpenCheckpoint(other_note, log_key);
  if (!other.ok()) {
    findings.push_back(AuditFinding{"checkpoint_bad_signature", "checkpoint from " + name,
                                    std::nullopt, "",
                                    "the checkpoint from " + name +
                                        " does not verify with the log key " + log_key.name +
                                        ": " + other.status().message()});
    return findings;
  }
  const Checkpoint& mine = state.parsed;
  const auto split = [&](const std::string& why) {
    findings.push_back(AuditFinding{
        "split_view", "checkpoint from " + name, std::nullopt, "",
        "the log's trusted checkpoint (" + Describe(mine) + ") and the checkpoint from " + name +
            " (" + Describe(*other) + ") cannot both be of one append-only log: " + why});
  };
  if (other->size == mine.size) {
    if (other->root != mine.root) split("one size, two roots");
  } else if (other->size < mine.size) {
    CL_ASSIGN_OR_RETURN(Hash256 root, mirror::RootFromEntries(state_dir, state, other->size));
    if (root != other->root) {
      split("the mirrored entries give root " + Base64Encode(AsBytes(root)) + " at size " +
            std::to_string(other->size));
    }
  } else if (!other_fetch) {
    split("the log shows a smaller tree than one it signed");
  } else {
    const std::string path = "api/v1/proof/consistency?old=" + std::to_string(mine.size) +
                             "&size=" + std::to_string(other->size);
    CL_ASSIGN_OR_RETURN(std::string body, other_fetch(path));
    Result<std::vector<Hash256>> proof = ParseProof(body, mine.size, other->size);
    if (!proof.ok()) {
      split(name + " answers no consistency proof from size " + std::to_string(mine.size) +
            ": " + proof.status().message());
    } else {
      Status consistent = VerifyConsistency(mine.size, other->size, *proof, mine.root, other->root);
      if (!consistent.ok()) split(consistent.message());
    }
  }
  return findings;
}

}  // namespace certledger
