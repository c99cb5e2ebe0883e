// One mirror run (certledger/mirror.h): fetch the checkpoint, the new entry
// bundles and the hash tiles over them, verify, commit, replay.
//
// Resources read (C2SP tlog-tiles, https://c2sp.org/tlog-tiles; DESIGN.md
// "Read API"), for a trusted size S and a checkpoint of size N > S:
//
//   checkpoint                      once
//   tile/entries/<n>[.p/<w>]        n = S/256 .. (N-1)/256; the last one
//                                   partial of width N mod 256 when that is
//                                   not 0. A bundle the trusted tree ends
//                                   inside is fetched again (its new leaves
//                                   are the ones past S).
//   tile/0/<n>[.p/<w>]              the same n and widths as the bundles
//   tile/L/<t>[.p/<w>], L >= 1      every tile that holds a node of level
//                                   8L completed by this run's leaves:
//                                   full when t < N >> 8(L+1), else
//                                   partial of width (N >> 8L) mod 256.
#include <array>
#include <filesystem>
#include <system_error>

#include "certledger/tile_path.h"
#include "mirror_internal.h"

namespace certledger {
namespace {

using mirror::FindingSink;
using mirror::State;

constexpr int kLevels = 8;  // tile levels of a tree below 2^64 leaves

std::uint64_t Shift(std::uint64_t v, int bits) { return bits >= 64 ? 0 : v >> bits; }

std::string Hex(const Hash256& h) { return HexEncode(AsBytes(h)); }

// Hash tile bytes: exactly `count` hashes.
bool ParseTileHashes(std::string_view bytes, std::size_t count, std::vector<Hash256>* out) {
  if (bytes.size() != count * 32) return false;
  out->resize(count);
  for (std::size_t k = 0; k < count; ++k) {
    std::copy_n(reinterpret_cast<const std::uint8_t*>(bytes.data()) + 32 * k, 32,
                (*out)[k].begin());
  }
  return true;
}

// One run's fetching and verifying, steps 1 to 4 of mirror.h.
class Run {
 public:
  Run(const MirrorFetch& fetch, const MirrorOptions& options, MirrorReport* report,
      FindingSink* findings)
      : fetch_(fetch), options_(options), report_(report), findings_(findings) {}

  // Verifies the source against `state` and, when all holds, extends
  // `state` (and the entries file) to the checkpoint's tree. Errors: the
  // fetch's and the local files'.
  Status Update(const std::string& dir, State* state);

 private:
  Result<std::string> Fetch(const std::string& path) {
    ++report_->fetches;
    return fetch_(path);
  }
  void Inconsistent(std::string code, std::string subject, std::optional<std::uint64_t> index,
                    std::string message) {
    report_->log_consistent = false;
    findings_->Add(std::move(code), std::move(subject), index, std::move(message));
  }
  // Fetches the hash tile (level, index) of the new tree; nullopt after a
  // tile_malformed finding.
  Result<std::optional<std::vector<Hash256>>> FetchTile(int level, std::uint64_t index);
  // Compares this run's nodes of tile level L with the fetched tile.
  Status CheckUpperTile(int level);

  const MirrorFetch& fetch_;
  const MirrorOptions& options_;
  MirrorReport* report_;
  FindingSink* findings_;
  std::uint64_t new_size_ = 0;
  // Nodes of level 8L completed by this run and not yet checked: the tile
  // index, the position of the first, and the hashes.
  struct Pending {
    std::uint64_t tile = 0;
    std::size_t first = 0;
    std::vector<Hash256> hashes;
  };
  std::array<Pending, kLevels> pending_;
};

Result<std::optional<std::vector<Hash256>>> Run::FetchTile(int level, std::uint64_t index) {
  const std::uint64_t full = Shift(new_size_, 8 * (level + 1));
  const int width =
      index < full ? kTileWidth : static_cast<int>(Shift(new_size_, 8 * level) & 0xff);
  const std::string path = TilePath(TileAddress{false, level, index, width});
  CL_ASSIGN_OR_RETURN(std::string bytes, Fetch(path));
  ++report_->audit.tiles_checked;
  std::vector<Hash256> hashes;
  if (!ParseTileHashes(bytes, static_cast<std::size_t>(width), &hashes)) {
    Inconsistent("tile_malformed", path, std::nullopt,
                 path + " holds " + std::to_string(bytes.size()) + " bytes, not the " +
                     std::to_string(width * 32) + " of " + std::to_string(width) + " hashes");
    return std::optional<std::vector<Hash256>>();
  }
  return std::optional<std::vector<Hash256>>(std::move(hashes));
}

Status Run::CheckUpperTile(int level) {
  Pending& p = pending_[level];
  if (p.hashes.empty()) return Status::OK();
  CL_ASSIGN_OR_RETURN(auto tile, FetchTile(level, p.tile));
  if (tile) {
    for (std::size_t k = 0; k < p.hashes.size(); ++k) {
      const std::size_t position = p.first + k;
      if (position < tile->size() && (*tile)[position] == p.hashes[k]) continue;
      const std::string path =
          TilePath(TileAddress{false, level, p.tile, static_cast<int>(tile->size())});
      const std::string held =
          position < tile->size() ? Hex((*tile)[position]) : std::string("nothing");
      Inconsistent("tile_mismatch", path, std::nullopt,
                   path + " holds " + held + " at position " + std::to_string(position) +
                       " where the entries give " + Hex(p.hashes[k]));
      break;
    }
  }
  p.hashes.clear();
  return Status::OK();
}

Status Run::Update(const std::string& dir, State* state) {
  CL_ASSIGN_OR_RETURN(report_->checkpoint, Fetch("checkpoint"));
  Result<Checkpoint> opened = OpenCheckpoint(report_->checkpoint, options_.log_key);
  if (!opened.ok()) {
    const bool malformed = opened.status().code() == StatusCode::kInvalidArgument ||
                           opened.status().code() == StatusCode::kResourceExhausted;
    Inconsistent(malformed ? "checkpoint_malformed" : "checkpoint_bad_signature", "checkpoint",
                 std::nullopt,
                 "the source's checkpoint does not verify with the log key " +
                     options_.log_key.name + ": " + opened.status().message());
    return Status::OK();
  }
  const Checkpoint& cp = *opened;
  const std::uint64_t old_size = state->size();
  if (cp.size < old_size) {
    Inconsistent("rollback", "checkpoint", std::nullopt,
                 "the source shows a tree of " + mirror::Describe(cp) +
                     ", smaller than the trusted " + mirror::Describe(state->parsed) +
                     ": a log only grows");
    return Status::OK();
  }
  if (cp.size == old_size) {
    if (cp.root != state->edge.Root()) {
      Inconsistent("fork", "checkpoint", std::nullopt,
                   "the source shows " + mirror::Describe(cp) + ", but the trusted checkpoint is " +
                       mirror::Describe(state->parsed) +
                       ": two trees of one size (the log forked)");
      return Status::OK();
    }
    if (state->checkpoint.empty()) {  // the first checkpoint of an empty log
      state->checkpoint = report_->checkpoint;
      state->parsed = cp;
      CL_RETURN_IF_ERROR(mirror::SaveState(dir, *state));
    }
    return Status::OK();
  }

  new_size_ = cp.size;
  CL_ASSIGN_OR_RETURN(mirror::EntriesWriter writer,
                      mirror::EntriesWriter::Open(dir, state->entries_bytes));
  CompactRange range = state->edge;
  Status visit_status;
  const CompactRange::NodeVisitor visitor = [&](int level, std::uint64_t index,
                                                const Hash256& hash) {
    if (level == 0 || level % 8 != 0 || !visit_status.ok()) return;
    const int tile_level = level / 8;
    Pending& p = pending_[tile_level];
    if (p.hashes.empty()) {
      p.tile = index >> 8;
      p.first = index & 0xff;
    }
    p.hashes.push_back(hash);
    if ((index & 0xff) == 0xff) visit_status = CheckUpperTile(tile_level);
  };
  for (std::uint64_t n = old_size >> 8; (n << 8) < cp.size; ++n) {
    const std::uint64_t begin = n << 8;
    const int width = static_cast<int>(std::min<std::uint64_t>(kTileWidth, cp.size - begin));
    const std::string bundle_path = TilePath(TileAddress{true, 0, n, width});
    CL_ASSIGN_OR_RETURN(std::string bundle, Fetch(bundle_path));
    Result<std::vector<Bytes>> leaves =
        ParseEntryBundle(AsBytes(bundle), static_cast<std::size_t>(width));
    if (!leaves.ok()) {
      Inconsistent("bundle_malformed", bundle_path, std::nullopt,
                   bundle_path + ": " + leaves.status().message());
      return Status::OK();
    }
    CL_ASSIGN_OR_RETURN(auto tile, FetchTile(0, n));
    if (!tile) return Status::OK();
    for (std::uint64_t i = std::max(begin, old_size); i < begin + width; ++i) {
      const Bytes& leaf = (*leaves)[i - begin];
      const Hash256 hash = HashLeaf(leaf);
      if (hash != (*tile)[i - begin]) {
        Inconsistent("leaf_mismatch", "entry " + std::to_string(i), i,
                     "entry " + std::to_string(i) + " of " + bundle_path + " hashes to " +
                         Hex(hash) + ", but " + TilePath(TileAddress{false, 0, n, width}) +
                         " holds " + Hex((*tile)[i - begin]));
      }
      range.Append(hash, visitor);
      CL_RETURN_IF_ERROR(visit_status);
      CL_RETURN_IF_ERROR(writer.Append(leaf));
      ++report_->entries_fetched;
    }
    if (options_.progress) {
      options_.progress(MirrorProgress{"fetch", range.size() - old_size, cp.size - old_size});
    }
  }
  for (int level = 1; level < kLevels; ++level) CL_RETURN_IF_ERROR(CheckUpperTile(level));
  if (range.Root() != cp.root) {
    Inconsistent("root_mismatch", "checkpoint", std::nullopt,
                 "the trusted tree (" + mirror::Describe(state->parsed) +
                     ") extended with the fetched entries has root " +
                     Base64Encode(AsBytes(range.Root())) + " at size " +
                     std::to_string(cp.size) + ", but the checkpoint says " +
                     mirror::Describe(cp) +
                     ": the log forked from the trusted checkpoint, or served entries that are "
                     "not its tree");
  }
  if (!report_->log_consistent) return Status::OK();
  CL_RETURN_IF_ERROR(writer.Sync());
  state->entries_bytes = writer.bytes();
  state->edge = std::move(range);
  state->checkpoint = report_->checkpoint;
  state->parsed = cp;
  return mirror::SaveState(dir, *state);
}

}  // namespace

bool IsLogInconsistencyFinding(std::string_view code) {
  return code != "record_invalid" && code != "time_regression";
}

Result<std::vector<Bytes>> ParseEntryBundle(ByteView bundle, std::size_t count) {
  std::vector<Bytes> leaves;
  leaves.reserve(count);
  std::size_t offset = 0;
  while (offset < bundle.size()) {
    if (leaves.size() == count) {
      return Status::InvalidArgument("entry bundle: " + std::to_string(bundle.size() - offset) +
                                     " bytes after the " + std::to_string(count) + " leaves");
    }
    if (bundle.size() - offset < 2) {
      return Status::InvalidArgument("entry bundle: a length prefix cut off at byte " +
                                     std::to_string(offset));
    }
    const std::size_t length = (std::size_t{bundle[offset]} << 8) | bundle[offset + 1];
    offset += 2;
    if (bundle.size() - offset < length) {
      return Status::InvalidArgument("entry bundle: leaf " + std::to_string(leaves.size()) +
                                     " of " + std::to_string(length) + " bytes runs past the end");
    }
    leaves.emplace_back(bundle.begin() + static_cast<std::ptrdiff_t>(offset),
                        bundle.begin() + static_cast<std::ptrdiff_t>(offset + length));
    offset += length;
  }
  if (leaves.size() != count) {
    return Status::InvalidArgument("entry bundle: " + std::to_string(leaves.size()) +
                                   " leaves, expected " + std::to_string(count));
  }
  return leaves;
}

Result<MirrorReport> MirrorAndAudit(const std::string& state_dir, const MirrorFetch& fetch,
                                    const MirrorOptions& options) {
  if (options.threads < 1) return Status::InvalidArgument("threads must be at least 1");
  std::error_code ec;
  std::filesystem::create_directories(state_dir, ec);
  if (ec) return Status::IOError("cannot create " + state_dir + ": " + ec.message());
  CL_ASSIGN_OR_RETURN(State state, mirror::LoadState(state_dir, options.log_key));
  MirrorReport report;
  report.trusted_size_before = state.size();
  FindingSink findings(&report.audit, options.max_findings);
  Run run(fetch, options, &report, &findings);
  CL_RETURN_IF_ERROR(run.Update(state_dir, &state));
  CL_RETURN_IF_ERROR(mirror::Replay(state_dir, state, options, &report.audit, &findings));
  return report;
}

Result<std::string> TrustedCheckpoint(const std::string& state_dir,
                                      const NamedPublicKey& log_key) {
  CL_ASSIGN_OR_RETURN(State state, mirror::LoadState(state_dir, log_key));
  return state.checkpoint;
}

}  // namespace certledger
