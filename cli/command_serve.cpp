// `certledger serve`: the verifier's HTTP server over a ledger directory,
// either as the ledger's one writer (POST /api/v1/records appends) or
// read-only beside another process that writes it.
#include <cstdio>
#include <cstdlib>
#include <memory>

#include "certledger/cosignature.h"
#include "certledger/http_server.h"
#include "certledger/ledger.h"
#include "certledger/ledger_follower.h"
#include "certledger/verifier_api.h"
#include "certledger/verifier_metrics.h"
#include "cli/cli.h"
#include "cli/report.h"
#include "cli/server_util.h"

namespace certledger::cli {
namespace {

constexpr const char* kCommand = "serve";

Result<long> PositiveNumber(const Args& args, std::string_view name, long fallback, long max) {
  auto text = args.get(name);
  if (!text) return fallback;
  char* end = nullptr;
  const long value = std::strtol(text->c_str(), &end, 10);
  if (text->empty() || *end != '\0' || value < 1 || value > max) {
    return Status::InvalidArgument("--" + std::string(name) + " must be a number from 1 to " +
                                   std::to_string(max) + ", got \"" + *text + "\"");
  }
  return value;
}

Status ReadOptions(const Args& args, ServerOptions& options) {
  CL_RETURN_IF_ERROR(ParseListen(args.get_or("listen", "127.0.0.1:8080"), options));
  CL_ASSIGN_OR_RETURN(long threads, PositiveNumber(args, "threads", 2, 256));
  CL_ASSIGN_OR_RETURN(long workers, PositiveNumber(args, "workers", 16, 1024));
  CL_ASSIGN_OR_RETURN(long max_body, PositiveNumber(args, "max-body", 256 * 1024, 64 << 20));
  CL_ASSIGN_OR_RETURN(long max_connections, PositiveNumber(args, "max-connections", 1024, 1 << 20));
  CL_ASSIGN_OR_RETURN(long timeout, PositiveNumber(args, "timeout-seconds", 30, 3600));
  options.io_threads = static_cast<int>(threads);
  options.handler_threads = static_cast<int>(workers);
  // Verifications and reads on the I/O threads; submissions (they wait for
  // the commit) and photo scans on the handler threads.
  options.answer_in_place = AnswersWithoutWaiting;
  options.max_body_bytes = static_cast<std::size_t>(max_body);
  options.max_connections = static_cast<std::size_t>(max_connections);
  options.read_timeout = options.write_timeout = std::chrono::seconds(timeout);
  const auto cert = args.get("tls-cert");
  const auto key = args.get("tls-key");
  if (cert.has_value() != key.has_value()) {
    return Status::InvalidArgument("--tls-cert and --tls-key go together");
  }
  if (cert) options.tls = TlsFiles{*cert, *key};
  options.log = [](std::string_view message) {
    std::fprintf(stderr, "certledger serve: %.*s\n", static_cast<int>(message.size()),
                 message.data());
  };
  return Status::OK();
}

// GET /checkpoint when witnesses are required: the ledger directory's
// cosigned checkpoint (written by `certledger witness push`), served only
// while it carries the required cosignatures and matches the log; 503
// otherwise, so that the log never publishes an unwitnessed checkpoint.
HttpResponse ServeCosignedCheckpoint(const std::string& data_dir, ApiContext& context,
                                     const WitnessPolicy& policy) {
  auto snapshot = context.snapshot();
  if (!snapshot.ok()) return ErrorResponse(snapshot.status());
  auto cosigned = LoadCosignedCheckpoint(data_dir, *snapshot, context.log_key, policy.keys,
                                         policy.min_cosignatures);
  HttpResponse response;
  if (!cosigned.ok()) {
    response = ErrorResponse(
        Status::IOError("no checkpoint with " + std::to_string(policy.min_cosignatures) +
                        " witness cosignatures: " + cosigned.status().message())
            .WithReason("no_cosigned_checkpoint"));
  } else {
    response.content_type = std::string(kCheckpointContentType);
    response.body = std::move(cosigned->note);
    response.headers.emplace_back("Cache-Control", "public, max-age=2");
  }
  response.route = "/checkpoint";
  return response;
}

}  // namespace

int RunServe(const std::vector<std::string>& argv) {
  Args args(kCommand,
            "Serve the verifier's HTTP API and the log's tiles over a ledger directory.\n"
            "As the writer (the default), --log-key is the log's private key and POST\n"
            "/api/v1/records appends. With --read-only, another process writes the\n"
            "directory, --log-key is the log's public key, and the server follows it.\n"
            "SIGTERM or SIGINT stops accepting, answers the requests in flight, and exits 0.",
            {{"data", "DIR", "the ledger directory (created if missing, unless --read-only)"},
             {"regulator-key", "FILE", "the regulator's public key file"},
             {"log-key", "FILE", "the log's private key file (public key with --read-only)"},
             {"read-only", "", "serve a ledger that another process writes"},
             {"passphrase-file", "FILE", "passphrase of an encrypted log key"},
             {"listen", "HOST:PORT", "address to listen on (default 127.0.0.1:8080; port 0: any)"},
             {"public-url", "URL", "this verifier's public base URL, as printed in QR codes"},
             {"threads", "N", "network I/O threads, which also answer verifications and reads (default 2)"},
             {"workers", "N", "threads for submissions and photo scans (default 16)"},
             {"tls-cert", "FILE", "PEM certificate chain: serve HTTPS"},
             {"tls-key", "FILE", "PEM private key of --tls-cert"},
             {"max-body", "BYTES", "largest request body (default 262144)"},
             {"max-connections", "N", "most connections served at once (default 1024)"},
             {"timeout-seconds", "S", "deadline to read a request or write a response (default 30)"},
             {"witness-key", "FILE[,FILE]",
              "witness public keys: GET /checkpoint serves only the" + std::string(kHelpIndent) +
                  "cosigned checkpoint (see `certledger witness push`)," +
                  std::string(kHelpIndent) + "and verification counts only entries it covers"},
             {"min-cosignatures", "K", "cosignatures required from those witnesses (default 1)"}});
  if (auto rc = ParseOrExit(args, kCommand, argv)) return *rc;
  auto data = args.require("data");
  if (!data.ok()) return Fail(kCommand, data.status());
  auto regulator_path = args.require("regulator-key");
  if (!regulator_path.ok()) return Fail(kCommand, regulator_path.status());
  auto log_path = args.require("log-key");
  if (!log_path.ok()) return Fail(kCommand, log_path.status());
  auto regulator = ReadPublicKeyFile(*regulator_path);
  if (!regulator.ok()) return Fail(kCommand, regulator.status());
  ServerOptions options;
  if (Status s = ReadOptions(args, options); !s.ok()) return Fail(kCommand, s);
  auto witnesses = WitnessPolicyFromArgs(args);
  if (!witnesses.ok()) return Fail(kCommand, witnesses.status());

  // Before any thread starts (the sequencer, the follower, the server).
  const sigset_t stop_signals = BlockStopSignals();

  VerifierMetrics metrics;
  ApiContext context;
  context.regulator = *regulator;
  context.public_url = args.get_or("public-url", "");
  context.metrics = &metrics;

  std::unique_ptr<Ledger> ledger;
  std::unique_ptr<ReadOnlyLedger> copy;
  std::unique_ptr<LedgerFollower> follower;
  if (args.flag("read-only")) {
    auto log_key = ReadPublicKeyFile(*log_path);
    if (!log_key.ok()) return Fail(kCommand, log_key.status());
    context.log_key = *log_key;
    auto opened = ReadOnlyLedger::Open(*data);
    if (!opened.ok()) return Fail(kCommand, opened.status());
    copy = std::move(*opened);
    auto started = LedgerFollower::Start(copy->store(), FollowerOptions{});
    if (!started.ok()) return Fail(kCommand, started.status());
    follower = std::move(*started);
    context.snapshot = [f = follower.get()] { return f->Latest(); };
    context.ledger_as_of_ms = [f = follower.get()] { return f->caught_up_unix_ms(); };
  } else {
    auto passphrase = PassphraseFromArgs(args);
    if (!passphrase.ok()) return Fail(kCommand, passphrase.status());
    auto log_key = *passphrase ? ReadSecretKeyFile(*log_path, **passphrase)
                               : ReadSecretKeyFile(*log_path);
    if (!log_key.ok()) return Fail(kCommand, log_key.status());
    context.log_key = log_key->Public();
    LedgerOptions ledger_options;
    ledger_options.path = *data;
    ledger_options.rules = LogRules{*regulator, 300};
    auto opened = Ledger::Open(std::move(ledger_options), std::move(*log_key));
    if (!opened.ok()) return Fail(kCommand, opened.status());
    ledger = std::move(*opened);
    context.ledger = ledger.get();
    context.snapshot = [l = ledger.get()] { return l->Snapshot(); };
  }

  const bool tls = options.tls.has_value();
  const std::string host = options.address.find(':') == std::string::npos
                               ? options.address
                               : "[" + options.address + "]";
  RequestHandler handler = [&context](const HttpRequest& r) { return HandleRequest(r, context); };
  if (witnesses->enabled()) {
    context.review_verification = [&context, &policy = *witnesses, dir = *data](
                                      Verification& v, const LedgerSnapshot& snapshot) {
      RequireCosignedEvidence(v, dir, snapshot, context.log_key, policy);
    };
    handler = [&context, &policy = *witnesses, dir = *data](const HttpRequest& r) {
      if (r.method == "GET" && (r.target == "/checkpoint" || r.target.rfind("/checkpoint?", 0) == 0)) {
        return ServeCosignedCheckpoint(dir, context, policy);
      }
      return HandleRequest(r, context);
    };
  }
  auto server = HttpServer::Start(
      std::move(options), std::move(handler),
      [&metrics](std::string_view route, int status, double seconds) {
        metrics.ObserveRequest(route, status, seconds);
      },
      [&metrics](std::int64_t open) { metrics.SetConnections(open); });
  if (!server.ok()) return Fail(kCommand, server.status());
  std::printf("certledger serve: %s log %s on %s://%s:%u\n",
              ledger ? "writing" : "following (read-only)", context.log_key.name.c_str(),
              tls ? "https" : "http", host.c_str(),
              static_cast<unsigned>((*server)->port()));
  std::fflush(stdout);

  const int signal_number = WaitForStopSignal(stop_signals);
  std::fprintf(stderr, "certledger serve: signal %d: draining\n", signal_number);
  (*server)->Stop();
  server->reset();
  std::fprintf(stderr, "certledger serve: stopped\n");
  return kExitOk;
}

}  // namespace certledger::cli
