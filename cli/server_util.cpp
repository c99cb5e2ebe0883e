#include "cli/server_util.h"

#include <pthread.h>

#include <cstdlib>

#include "certledger/cosignature.h"

namespace certledger::cli {

Status ParseListen(std::string_view text, ServerOptions& options) {
  const std::size_t colon = text.rfind(':');
  if (colon == std::string_view::npos) {
    return Status::InvalidArgument("--listen must be HOST:PORT, got \"" + std::string(text) + "\"");
  }
  std::string host(text.substr(0, colon));
  if (host.size() >= 2 && host.front() == '[' && host.back() == ']') {
    host = host.substr(1, host.size() - 2);
  }
  options.address = host.empty() ? "0.0.0.0" : host;
  const std::string port(text.substr(colon + 1));
  char* end = nullptr;
  const unsigned long value = std::strtoul(port.c_str(), &end, 10);
  if (port.empty() || *end != '\0' || value > 65535) {
    return Status::InvalidArgument("--listen: bad port \"" + port + "\"");
  }
  options.port = static_cast<std::uint16_t>(value);
  return Status::OK();
}

sigset_t BlockStopSignals() {
  sigset_t set;
  sigemptyset(&set);
  sigaddset(&set, SIGTERM);
  sigaddset(&set, SIGINT);
  pthread_sigmask(SIG_BLOCK, &set, nullptr);
  ::signal(SIGPIPE, SIG_IGN);
  return set;
}

int WaitForStopSignal(const sigset_t& set) {
  int signal_number = 0;
  while (sigwait(&set, &signal_number) != 0) {
  }
  return signal_number;
}

std::vector<std::string> SplitList(std::string_view text) {
  std::vector<std::string> out;
  while (!text.empty()) {
    const std::size_t comma = text.find(',');
    const std::string_view part = text.substr(0, comma);
    if (!part.empty()) out.emplace_back(part);
    if (comma == std::string_view::npos) break;
    text.remove_prefix(comma + 1);
  }
  return out;
}

Result<WitnessPolicy> WitnessPolicyFromArgs(const Args& args) {
  WitnessPolicy policy;
  for (const std::string& path : SplitList(args.get_or("witness-key", ""))) {
    CL_ASSIGN_OR_RETURN(NamedPublicKey key, ReadWitnessKeyFile(path));
    policy.keys.push_back(std::move(key));
  }
  const auto k = args.get("min-cosignatures");
  if (!k) {
    policy.min_cosignatures = policy.keys.empty() ? 0 : 1;
    return policy;
  }
  if (policy.keys.empty()) {
    return Status::InvalidArgument("--min-cosignatures needs --witness-key");
  }
  char* end = nullptr;
  const unsigned long value = std::strtoul(k->c_str(), &end, 10);
  if (k->empty() || *end != '\0' || value < 1 || value > policy.keys.size()) {
    return Status::InvalidArgument("--min-cosignatures must be a number from 1 to " +
                                   std::to_string(policy.keys.size()) +
                                   " (the witness keys given), got \"" + *k + "\"");
  }
  policy.min_cosignatures = value;
  return policy;
}

void RequireCosignedEvidence(Verification& v, const std::string& data_dir,
                             const LedgerSnapshot& snapshot, const NamedPublicKey& log_key,
                             const WitnessPolicy& policy) {
  if (!v.evidence) return;
  auto indeterminate = [&v](const std::string& why) {
    v.verdict = Verdict::kIndeterminate;
    v.reason = why;
  };
  auto cosigned = LoadCosignedCheckpoint(data_dir, snapshot, log_key, policy.keys,
                                         policy.min_cosignatures);
  if (!cosigned.ok()) {
    return indeterminate("no checkpoint with " + std::to_string(policy.min_cosignatures) +
                         " witness cosignatures: " + cosigned.status().message());
  }
  const std::uint64_t size = cosigned->checkpoint.size;
  if (v.evidence->index >= size) {
    return indeterminate("entry " + std::to_string(v.evidence->index) +
                         " is not yet covered by a witnessed checkpoint (size " +
                         std::to_string(size) + ")");
  }
  v.evidence->checkpoint = cosigned->note;
  if (size == v.evidence->tree_size) return;  // the proof in hand is for this size
  auto proof = snapshot.InclusionProof(v.evidence->index, size);
  if (!proof.ok()) return indeterminate(proof.status().message());
  v.evidence->tree_size = size;
  v.evidence->inclusion = std::move(*proof);
}


}  // namespace certledger::cli
