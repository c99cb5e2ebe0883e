// `certledger witness`: a C2SP tlog-witness (certledger/witness.h) over
// HTTP, and `certledger witness push`, the log's side: it asks witnesses to
// cosign the ledger's latest checkpoint and stores the cosigned checkpoint
// in the ledger directory, where `serve` and `verify` find it.
//
// HTTP routes of the witness:
//   POST /add-checkpoint   tlog-witness "add-checkpoint" (answers of witness.h)
//   anything else          404; another method on /add-checkpoint: 405
#include <cstdio>
#include <memory>

#include "certledger/checkpoint.h"
#include "certledger/cosignature.h"
#include "certledger/http_client.h"
#include "certledger/http_server.h"
#include "certledger/witness.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "cli/server_util.h"

namespace certledger::cli {
namespace {

constexpr const char* kCommand = "witness";
constexpr const char* kPushCommand = "witness push";

HttpResponse HandleWitnessRequest(const HttpRequest& request, Witness& witness) {
  HttpResponse response;
  response.content_type = "text/plain; charset=utf-8";
  if (request.target != "/add-checkpoint") {
    response.status = 404;
    response.body = "not found\n";
    return response;
  }
  response.route = "/add-checkpoint";
  if (request.method != "POST") {
    response.status = 405;
    response.headers.emplace_back("Allow", "POST");
    response.body = "use POST\n";
    return response;
  }
  WitnessAnswer answer = witness.AddCheckpoint(request.body);
  response.status = answer.status;
  response.content_type = std::move(answer.content_type);
  response.body = std::move(answer.body);
  return response;
}

Result<std::vector<NamedPublicKey>> ReadLogKeys(const std::string& list) {
  std::vector<NamedPublicKey> keys;
  for (const std::string& path : SplitList(list)) {
    CL_ASSIGN_OR_RETURN(NamedPublicKey key, ReadPublicKeyFile(path));
    keys.push_back(std::move(key));
  }
  if (keys.empty()) return Status::InvalidArgument("--log-key is required");
  return keys;
}

// Asks the witness at `url` to cosign `signed_checkpoint` (size `size`),
// guessing it last cosigned `old_size`; on a 409 naming another size, asks
// once more from that size. OK with the witness's signature lines.
Result<std::string> RequestCosignature(const std::string& url, const LedgerSnapshot& snapshot,
                                       const std::string& signed_checkpoint, std::uint64_t size,
                                       std::uint64_t old_size) {
  CL_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client, HttpClient::Create(url));
  for (int attempt = 0; attempt < 2; ++attempt) {
    std::vector<Hash256> proof;
    if (old_size != 0 && old_size < size) {
      CL_ASSIGN_OR_RETURN(proof, snapshot.ConsistencyProof(old_size, size));
    }
    CL_ASSIGN_OR_RETURN(HttpClientResponse answer,
                        client->Post("/add-checkpoint", "text/plain; charset=utf-8",
                                     AddCheckpointRequestBody(old_size, proof, signed_checkpoint)));
    if (answer.status == 200) return answer.body;
    if (answer.status == 409 && answer.content_type == kTlogSizeContentType && attempt == 0) {
      CL_ASSIGN_OR_RETURN(old_size, ParseTlogSize(answer.body));
      if (old_size > size) {
        return Status::VerificationFailed("witness " + url + " has cosigned size " +
                                          std::to_string(old_size) + ", beyond this log's " +
                                          std::to_string(size) + ": the log was rolled back");
      }
      continue;
    }
    return Status::VerificationFailed("witness " + url + " refused (HTTP " +
                                      std::to_string(answer.status) + "): " + answer.body);
  }
  return Status::VerificationFailed("witness " + url + " keeps changing its size");
}

int RunWitnessPush(const std::vector<std::string>& argv) {
  Args args(
      kPushCommand,
      "Ask witnesses to cosign the ledger's latest checkpoint (C2SP "
      "tlog-witness\n"
      "add-checkpoint, with a consistency proof from the size each witness "
      "last\n"
      "cosigned) and store the checkpoint with their cosignatures as the file\n"
      "cosigned-checkpoint in the ledger directory, where `certledger serve\n"
      "--witness-key` and `certledger verify --witness-key` read it. Run it "
      "after\n"
      "new entries, e.g. periodically. The file is replaced only when at least "
      "K\n"
      "trusted witnesses cosigned. Exit code 0 when stored, 1 when too few "
      "cosigned.",
      {{"data", "DIR", "the ledger directory (opened read-only; a server may run)"},
       {"log-key", "FILE", "the log's public key file"},
       {"witness", "URL[,URL]", "the witnesses' submission prefixes, e.g. http://host:port"},
       {"witness-key", "FILE[,FILE]", "the witnesses' public keys (vkey type 0x04 or 0x01)"},
       {"min-cosignatures", "K", "cosignatures required to store the checkpoint (default 1)"}});
  if (auto rc = ParseOrExit(args, kPushCommand, argv)) return *rc;
  auto data = args.require("data");
  if (!data.ok()) return Fail(kPushCommand, data.status());
  auto log_path = args.require("log-key");
  if (!log_path.ok()) return Fail(kPushCommand, log_path.status());
  auto log_key = ReadPublicKeyFile(*log_path);
  if (!log_key.ok()) return Fail(kPushCommand, log_key.status());
  const std::vector<std::string> urls = SplitList(args.get_or("witness", ""));
  if (urls.empty()) return Fail(kPushCommand, Status::InvalidArgument("--witness is required"));
  auto policy = WitnessPolicyFromArgs(args);
  if (!policy.ok()) return Fail(kPushCommand, policy.status());
  if (!policy->enabled()) {
    return Fail(kPushCommand, Status::InvalidArgument("--witness-key is required"));
  }

  auto ledger = ReadOnlyLedger::Open(*data);
  if (!ledger.ok()) return Fail(kPushCommand, ledger.status());
  auto snapshot = (*ledger)->store().Snapshot();
  if (!snapshot.ok()) return Fail(kPushCommand, snapshot.status());
  const std::string& signed_checkpoint = snapshot->checkpoint();
  auto checkpoint = OpenCheckpoint(signed_checkpoint, *log_key);
  if (!checkpoint.ok()) return Fail(kPushCommand, checkpoint.status());

  // The size the witnesses most likely hold: that of the last cosigned
  // checkpoint (a wrong guess costs one 409 and a retry).
  std::uint64_t old_size = 0;
  if (auto previous = LoadCosignedCheckpoint(*data, *snapshot, *log_key, policy->keys, 0);
      previous.ok()) {
    old_size = previous->checkpoint.size;
  }
  std::string cosigned = signed_checkpoint;
  for (const std::string& url : urls) {
    auto lines = RequestCosignature(url, *snapshot, signed_checkpoint, checkpoint->size, old_size);
    if (!lines.ok()) {
      std::fprintf(stderr, "certledger witness push: %s\n", lines.status().ToString().c_str());
      continue;
    }
    auto added = AddCosignatures(cosigned, *lines, policy->keys);
    if (!added.ok()) {
      std::fprintf(stderr, "certledger witness push: %s: %s\n", url.c_str(),
                   added.status().ToString().c_str());
      continue;
    }
    cosigned = std::move(*added);
  }
  auto checked =
      VerifyCosignedCheckpoint(cosigned, *log_key, policy->keys, policy->min_cosignatures);
  if (!checked.ok()) return Fail(kPushCommand, checked.status());
  if (Status s = WriteCosignedCheckpoint(*data, cosigned); !s.ok()) return Fail(kPushCommand, s);
  std::printf(
      "certledger witness push: checkpoint of size %llu cosigned by "
      "%zu witness(es)\n",
      static_cast<unsigned long long>(checkpoint->size), checked->cosigners.size());
  return kExitOk;
}

}  // namespace

int RunWitness(const std::vector<std::string>& argv) {
  if (!argv.empty() && argv[0] == "push") {
    return RunWitnessPush(std::vector<std::string>(argv.begin() + 1, argv.end()));
  }
  Args args(
      kCommand,
      "Run a transparency log witness (C2SP tlog-witness): POST "
      "/add-checkpoint\n"
      "cosigns a log's checkpoint (C2SP tlog-cosignature, cosignature/v1) only "
      "if\n"
      "it is signed by a trusted log key and consistent with the latest "
      "checkpoint\n"
      "this witness cosigned for that log. The state (per log: size and root "
      "hash)\n"
      "is kept in --state, written durably before any cosignature is "
      "returned.\n"
      "Prints the witness's verifier key (type 0x04) for clients. SIGTERM or "
      "SIGINT\n"
      "stops it (exit 0).\n\n"
      "`certledger witness push --help`: the log's side, collecting "
      "cosignatures.",
      {{"state", "DIR", "the witness's state directory (created if missing)"},
       {"key", "FILE", "the witness's private key file (`certledger keygen`)"},
       {"passphrase-file", "FILE", "passphrase of an encrypted witness key"},
       {"log-key", "FILE[,FILE]", "public keys of the logs it witnesses (name = origin)"},
       {"listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8090; port 0: any)"}});
  if (auto rc = ParseOrExit(args, kCommand, argv)) return *rc;
  auto state = args.require("state");
  if (!state.ok()) return Fail(kCommand, state.status());
  auto key_path = args.require("key");
  if (!key_path.ok()) return Fail(kCommand, key_path.status());
  auto log_keys = ReadLogKeys(args.get_or("log-key", ""));
  if (!log_keys.ok()) return Fail(kCommand, log_keys.status());
  ServerOptions options;
  if (Status s = ParseListen(args.get_or("listen", "127.0.0.1:8090"), options); !s.ok()) {
    return Fail(kCommand, s);
  }
  options.io_threads = 1;
  options.handler_threads = 4;
  options.max_body_bytes = 64 * 1024;
  options.log = [](std::string_view message) {
    std::fprintf(stderr, "certledger witness: %.*s\n", static_cast<int>(message.size()),
                 message.data());
  };
  auto passphrase = PassphraseFromArgs(args);
  if (!passphrase.ok()) return Fail(kCommand, passphrase.status());
  auto key =
      *passphrase ? ReadSecretKeyFile(*key_path, **passphrase) : ReadSecretKeyFile(*key_path);
  if (!key.ok()) return Fail(kCommand, key.status());

  const sigset_t stop_signals = BlockStopSignals();
  WitnessOptions witness_options;
  witness_options.state_dir = *state;
  witness_options.log_keys = std::move(*log_keys);
  auto witness = Witness::Open(std::move(witness_options), std::move(*key));
  if (!witness.ok()) return Fail(kCommand, witness.status());
  auto vkey = FormatWitnessVerifierKey((*witness)->public_key());
  if (!vkey.ok()) return Fail(kCommand, vkey.status());

  Witness& w = **witness;
  const std::string host = options.address.find(':') == std::string::npos
                               ? options.address
                               : "[" + options.address + "]";
  auto server = HttpServer::Start(
      std::move(options), [&w](const HttpRequest& r) { return HandleWitnessRequest(r, w); });
  if (!server.ok()) return Fail(kCommand, server.status());
  std::printf("certledger witness: %s on http://%s:%u\n", vkey->c_str(), host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  const int signal_number = WaitForStopSignal(stop_signals);
  std::fprintf(stderr, "certledger witness: signal %d: draining\n", signal_number);
  (*server)->Stop();
  server->reset();
  return kExitOk;
}

}  // namespace certledger::cli
