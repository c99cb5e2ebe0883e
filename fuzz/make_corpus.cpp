// Writes the seed corpora of the fuzz targets from real outputs:
//   fuzz_make_corpus <dir>   writes <dir>/<target>/<name> for every target
// The outputs come from the small ledger of tests/verifier/api_test_world.h
// (records, leaves, checkpoint, tiles, API answers), its QR codes (text
// and PNG), the example keys (keys.example/) and the example batch file
// (docs/examples/evaluation-results.csv). fuzz/corpus/ holds its output,
// checked in; run it again when a format changes.
#include <cstdio>
#include <filesystem>
#include <fstream>
#include <sstream>
#include <stdexcept>
#include <string>
#include <vector>

#include "certledger/cbor.h"
#include "certledger/checkpoint.h"
#include "certledger/cose.h"
#include "certledger/cosignature.h"
#include "certledger/key_file.h"
#include "certledger/leaf.h"
#include "certledger/note.h"
#include "certledger/qr_image.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "certledger/tile_path.h"
#include "certledger/verifier_api.h"
#include "verifier/api_test_world.h"

namespace certledger {
namespace {

std::string out_dir;

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) throw std::runtime_error(std::string(what) + ": " + r.status().ToString());
  return std::move(*r);
}

void Write(const std::string& target, const std::string& name, std::string_view bytes) {
  const std::string dir = out_dir + "/" + target;
  std::filesystem::create_directories(dir);
  std::ofstream out(dir + "/" + name, std::ios::binary | std::ios::trunc);
  out.write(bytes.data(), static_cast<std::streamsize>(bytes.size()));
  if (!out) throw std::runtime_error("cannot write " + dir + "/" + name);
}
void Write(const std::string& target, const std::string& name, const Bytes& bytes) {
  Write(target, name, AsChars(bytes));
}

std::string Slurp(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  if (!in) throw std::runtime_error("cannot read " + path);
  return ss.str();
}

// One request in http_fuzz's input format.
std::string Request(std::string_view method, std::string_view target,
                    std::string_view content_type = "", std::string_view accept_encoding = "",
                    std::string_view body = "") {
  std::string out;
  for (std::string_view part : {method, target, content_type, accept_encoding}) {
    out += part;
    out += '\n';
  }
  out += body;
  return out;
}

void Run() {
  test::ApiWorld w;
  const std::vector<std::pair<std::string, Bytes>> records = {
      {"valid", w.valid},           {"revoked", w.revoked},
      {"expired", w.expired},       {"key_revoked", w.key_revoked},
      {"unknown_issuer", w.unknown_issuer}};
  auto snapshot = Must(w.ledger->Snapshot(), "snapshot");
  std::vector<std::pair<std::string, Bytes>> all = records;
  for (std::uint64_t i = 0; i < snapshot.size(); ++i) {
    Bytes leaf = Must(snapshot.Entry(i), "entry");
    Write("leaf", "entry" + std::to_string(i), leaf);
    Write("cbor", "leaf" + std::to_string(i), leaf);
    all.emplace_back("entry" + std::to_string(i), Must(DecodeLeaf(leaf), "leaf").record);
  }
  for (const auto& [name, bytes] : all) {
    Write("record", name, bytes);
    Write("cose", name, bytes);
    Write("cbor", name, bytes);
    const cose::Sign1 sign1 = Must(cose::ParseSign1(bytes), "sign1");
    Write("cbor", name + ".payload", sign1.payload);
    Write("cbor", name + ".protected", sign1.protected_bytes);
    const SignedRecord record = Must(ParseRecord(bytes), "record");
    Write("record", name + ".body",
          cbor::Encode(Must(EncodeRecordBody(record.body), "body")));
  }

  // QR codes: the URL, the bare payload, the payload's CBOR (qr_payload_fuzz
  // takes 't' + text or another byte + CBOR), and the PNG of the URL.
  const std::string url = w.Qr(w.valid);
  Write("qr_payload", "url", "t" + url);
  Write("qr_payload", "url_foreign", "t" + w.Qr(w.revoked, "https://other.example"));
  Write("qr_payload", "fragment", "t" + url.substr(url.find('#') + 1));
  const Bytes payload_cbor = EncodeQrPayloadCbor(QrPayload{w.valid, w.disclosures, std::nullopt});
  Write("qr_payload", "cbor", "c" + std::string(AsChars(payload_cbor)));
  Write("cbor", "qr_payload", payload_cbor);
  const Bytes png = Must(RenderQrPng(Must(EncodeQr(url), "qr"), 2), "png");
  Write("photo", "qr.png", png);

  // Checkpoint, plain and cosigned by a witness.
  const std::string checkpoint = snapshot.checkpoint();
  Write("checkpoint", "checkpoint", checkpoint);
  Write("note", "checkpoint", checkpoint);
  Note note = Must(ParseNote(checkpoint), "note");
  const NamedSecretKey witness = test::KeyFromByte("witness.example", 6);
  note.signatures.push_back(Must(Cosign(note.text, witness, test::kT0 + 20 * test::kDay), "cosign"));
  const std::string cosigned = Must(FormatNote(note), "format");
  Write("checkpoint", "cosigned", cosigned);
  Write("note", "cosigned", cosigned);
  Write("checkpoint", "tlog_size", "6\n");

  // Tile paths.
  int n = 0;
  for (const TileAddress& tile :
       {TileAddress{false, 0, 0, 6}, TileAddress{true, 0, 0, 6}, TileAddress{false, 1, 1234067, 256},
        TileAddress{true, 0, 1000, 255}, TileAddress{false, 63, 18446744073709551615u, 1}}) {
    Write("tile", "path" + std::to_string(n++), TilePath(tile));
  }

  // Keys: public ones only; fuzz/run.sh gives key_file keys.example/ as a
  // second seed directory for the signer keys, which are tracked nowhere else.
  const std::string keys = CERTLEDGER_SOURCE_DIR "/keys.example/";
  for (const char* name : {"log.pub", "shanghai-hrss.pub"}) {
    std::string text = Slurp(keys + name);
    while (!text.empty() && text.back() == '\n') text.pop_back();
    Write("key_file", name, text);
  }
  Write("key_file", "witness.vkey", Must(FormatWitnessVerifierKey(witness.Public()), "vkey"));

  // Batch files.
  const std::string csv = Slurp(CERTLEDGER_SOURCE_DIR "/docs/examples/evaluation-results.csv");
  Write("csv", "evaluation-results.csv", csv);
  Write("batch", "evaluation-results.csv", csv);
  Write("csv", "quoted.csv", "a,\"b \"\"c\"\"\",d\r\n1,\"x\ny\",3\r\n");

  // HTTP requests, and the JSON of their answers.
  const std::string qr_text = url;
  std::vector<std::pair<std::string, std::string>> requests = {
      {"checkpoint", Request("GET", "/checkpoint")},
      {"tile", Request("GET", "/tile/0/000.p/6")},
      {"entries_gzip", Request("GET", "/tile/entries/000.p/6", "", "gzip, deflate")},
      {"entries_head", Request("HEAD", "/tile/entries/000.p/6")},
      {"verify", Request("POST", "/api/v1/verify", "text/plain", "", qr_text)},
      {"verify_revoked", Request("POST", "/api/v1/verify", "text/plain; charset=utf-8", "",
                                 w.Qr(w.revoked))},
      {"scan", Request("POST", "/api/v1/scan", "image/png", "", AsChars(png))},
      {"records_duplicate",
       Request("POST", "/api/v1/records", "application/cose", "", AsChars(w.valid))},
      {"certificate", Request("GET", "/api/v1/certificates/A-0002")},
      {"certificate_escaped", Request("GET", "/api/v1/certificates/A%2D0001")},
      {"inclusion", Request("GET", "/api/v1/proof/inclusion?index=1&size=6")},
      {"consistency", Request("GET", "/api/v1/proof/consistency?old=2&size=6")},
      {"entry", Request("GET", "/api/v1/entries/3")},
      {"issuers", Request("GET", "/api/v1/issuers")},
      {"healthz", Request("GET", "/healthz")},
      {"metrics", Request("GET", "/metrics")},
      {"page", Request("GET", "/v")},
      {"absolute", Request("GET", "https://verify.test/checkpoint")},
  };
  for (const auto& [name, request] : requests) {
    Write("http", name, request);
    // Answer it, to collect the JSON bodies.
    std::string_view rest = request;
    HttpRequest r;
    for (std::string* field : {&r.method, &r.target, &r.content_type, &r.accept_encoding}) {
      const std::size_t end = rest.find('\n');
      *field = std::string(rest.substr(0, end));
      rest.remove_prefix(end + 1);
    }
    r.body = std::string(rest);
    const HttpResponse response = HandleRequest(r, w.context);
    if (response.content_type == kJsonContentType) Write("json", name, response.body);
  }
}

}  // namespace
}  // namespace certledger

int main(int argc, char** argv) {
  if (argc != 2) {
    std::fprintf(stderr, "usage: fuzz_make_corpus <dir>\n");
    return 2;
  }
  certledger::out_dir = argv[1];
  try {
    certledger::Run();
  } catch (const std::exception& e) {
    std::fprintf(stderr, "fuzz_make_corpus: %s\n", e.what());
    return 1;
  }
  return 0;
}
