// Witness: C2SP tlog-witness (https://c2sp.org/tlog-witness), the service
// that cosigns a log's checkpoint only after checking it is consistent
// with the latest checkpoint it cosigned for that log, so that a log cannot
// show two different histories to people who require its cosignature.
//
// The witness knows a set of logs by their checkpoint keys (the key name is
// the log's origin, DESIGN.md; several keys may share an origin). For each
// origin it keeps the size and root hash of the latest checkpoint it
// cosigned, in a state file under its state directory, rewritten whole and
// durably (temporary file, fsync, rename, fsync of the directory) before
// any cosignature for a new tree is returned. The request grammar and the
// state file grammar are at the top of ledger/witness.cpp.
//
// AddCheckpoint answers as tlog-witness "add-checkpoint" says:
//   200  cosigned: the body is the witness's cosignature line ("— <name>
//        <base64>\n", tlog-cosignature), content type text/plain;
//   400  malformed body, or an old size above the checkpoint's size;
//   403  no signature by a trusted key for the origin verifies;
//   404  unknown origin;
//   409  old size is not the size of the latest cosigned checkpoint (body
//        "<latest size>\n", content type text/x.tlog.size), or the same
//        size with a different root hash (a fork);
//   422  the consistency proof does not verify (a fork or a bad proof);
//   500  the new state could not be written (nothing was cosigned).
//
// Thread safety: all methods are thread-safe. Checking the old size and
// storing the new state happen under one mutex, so two concurrent
// requests can never roll the state back (tlog-witness, last paragraph of
// "add-checkpoint"). Not copyable or movable.
#ifndef CERTLEDGER_WITNESS_H_
#define CERTLEDGER_WITNESS_H_

#include <cstdint>
#include <functional>
#include <map>
#include <memory>
#include <mutex>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "certledger/key_file.h"
#include "certledger/sha256.h"
#include "certledger/status.h"

namespace certledger {

// tlog-witness: "The client MUST NOT send more than 63 consistency proof
// lines."
inline constexpr std::size_t kMaxWitnessProofLines = 63;
// The content type of a 409 answer's body.
inline constexpr std::string_view kTlogSizeContentType = "text/x.tlog.size";
// The state file's name inside the state directory.
inline constexpr std::string_view kWitnessStateFile = "witness-state";

struct WitnessOptions {
  std::string state_dir;                 // created if missing (one level)
  std::vector<NamedPublicKey> log_keys;  // the logs this witness serves
  // The clock for cosignature timestamps, POSIX seconds; empty: the system
  // clock.
  std::function<std::uint64_t()> now;
};

// What the witness last cosigned for one log.
struct WitnessedTree {
  std::uint64_t size = 0;
  Hash256 root{};
  friend bool operator==(const WitnessedTree&, const WitnessedTree&) = default;
};

// An add-checkpoint answer, ready to be an HTTP response.
struct WitnessAnswer {
  int status = 200;
  std::string content_type;
  std::string body;
};

class Witness {
  struct PrivateTag {};

 public:
  // Loads the state from `options.state_dir` (an empty state when there is
  // no state file yet). InvalidArgument for no log keys or an invalid key
  // name; IOError if the directory cannot be created or read; Corruption if
  // the state file does not parse.
  [[nodiscard]] static Result<std::unique_ptr<Witness>> Open(WitnessOptions options,
                                                             NamedSecretKey key);
  Witness(const Witness&) = delete;
  Witness& operator=(const Witness&) = delete;

  // Handles one add-checkpoint request body, as described above.
  WitnessAnswer AddCheckpoint(std::string_view request_body);

  // The latest cosigned tree of `origin`; nullopt if none yet.
  std::optional<WitnessedTree> Latest(std::string_view origin) const;

  // The witness's public key (its cosignatures verify with it).
  NamedPublicKey public_key() const { return key_.Public(); }

  // For Open() only (the tag is private).
  Witness(PrivateTag, WitnessOptions options, NamedSecretKey key)
      : options_(std::move(options)), key_(std::move(key)) {}

 private:
  [[nodiscard]] Status Persist(const std::map<std::string, WitnessedTree, std::less<>>& state);

  const WitnessOptions options_;
  const NamedSecretKey key_;
  mutable std::mutex mu_;
  std::map<std::string, WitnessedTree, std::less<>> state_;  // guarded by mu_
};

// The body of an add-checkpoint request: "old <old_size>\n", one base64
// line per proof hash, a blank line, then the signed checkpoint.
std::string AddCheckpointRequestBody(std::uint64_t old_size, std::span<const Hash256> proof,
                                     std::string_view signed_checkpoint);

// The latest size from a 409 answer's body ("<decimal>\n"). InvalidArgument
// if it is not one canonical decimal line.
Result<std::uint64_t> ParseTlogSize(std::string_view body);

}  // namespace certledger

#endif  // CERTLEDGER_WITNESS_H_
