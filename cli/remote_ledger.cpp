#include "cli/remote_ledger.h"

#include <atomic>
#include <chrono>
#include <thread>

#include "certledger/bytes.h"
#include "certledger/json_reader.h"
#include "certledger/leaf.h"

namespace certledger::cli {
namespace {

Status NotTheApi(const std::string& url, std::string_view path, std::string_view what) {
  return Status::Corruption("the answer of " + url + std::string(path) +
                            " is not certledger's: " + std::string(what));
}

// The error a non-2xx answer stands for, with the ledger's own code as
// reason() and its message. The API's errors are {"error", "reason"}.
Status ErrorFromAnswer(const HttpClientResponse& answer) {
  std::string code = "http_" + std::to_string(answer.status);
  std::string message = "the ledger answered HTTP " + std::to_string(answer.status);
  if (auto json = ParseJson(answer.body); json.ok()) {
    if (auto c = json->String("error")) code = *c;
    if (auto m = json->String("reason")) message = *m;
  }
  Status s = Status::InvalidArgument(message);
  if (answer.status == 403) s = Status::PermissionDenied(message);
  if (answer.status == 409) s = Status::AlreadyExists(message);
  if (answer.status == 413) s = Status::ResourceExhausted(message);
  if (answer.status == 422) s = Status::VerificationFailed(message);
  if (answer.status >= 500) s = Status::IOError(message);
  return s.WithReason(code);
}

// Worth another attempt: the ledger was unreachable, or said it is busy.
bool Transient(const Status& s) {
  return s.code() == StatusCode::kIOError &&
         (s.reason() == "unreachable" || s.reason() == "timeout" || s.reason() == "stale" ||
          s.reason() == "too_many_connections" || s.reason() == "http_503");
}

}  // namespace

Result<SinkReceipt> ReceiptFromAnswer(const HttpClientResponse& answer) {
  if (answer.status != 200 && answer.status != 201) return ErrorFromAnswer(answer);
  auto json = ParseJson(answer.body);
  if (!json.ok()) return json.status().Annotate("the ledger's answer");
  auto index = json->Uint("index");
  if (!index) {
    return Status::Corruption("the ledger's answer to a record has no \"index\"");
  }
  return SinkReceipt{*index, answer.status == 200};
}

Result<std::unique_ptr<RemoteLedger>> RemoteLedger::Connect(const std::string& url,
                                                             const NamedPublicKey& regulator) {
  CL_ASSIGN_OR_RETURN(std::unique_ptr<HttpClient> client, HttpClient::Create(url));
  CL_ASSIGN_OR_RETURN(HttpClientResponse answer, client->Get("/api/v1/issuers"));
  if (answer.status != 200) {
    return ErrorFromAnswer(answer).Annotate(url + "/api/v1/issuers");
  }
  auto json = ParseJson(answer.body);
  if (!json.ok()) return NotTheApi(url, "/api/v1/issuers", json.status().message());
  const JsonValue* keys = json->Find("keys");
  if (keys == nullptr || keys->type != JsonValue::Type::kArray) {
    return NotTheApi(url, "/api/v1/issuers", "no \"keys\" array");
  }
  const std::string ours = Base64Encode(regulator.key.view());
  bool found = false;
  for (const JsonValue& key : keys->array) {
    if (key.String("role") == "regulator" && key.String("public_key") == ours) found = true;
  }
  if (!found) {
    return Status::VerificationFailed("the ledger at " + url + " does not trust the regulator key " +
                                      regulator.name + " given with --regulator-key")
        .WithReason("wrong_regulator");
  }
  auto ledger = std::unique_ptr<RemoteLedger>(new RemoteLedger(url, regulator, std::move(client)));
  ledger->issuers_json_ = std::move(answer.body);
  return ledger;
}

Result<std::optional<Accreditation>> RemoteLedger::LatestAccreditation(std::string_view body) {
  CL_ASSIGN_OR_RETURN(JsonValue issuers, ParseJson(issuers_json_));
  std::optional<std::uint64_t> index;
  if (const JsonValue* keys = issuers.Find("keys"); keys != nullptr) {
    for (const JsonValue& key : keys->array) {
      if (key.String("role") != "issuer" || key.String("body") != body) continue;
      const JsonValue* acc = key.Find("accreditation");
      auto i = acc != nullptr ? acc->Uint("index") : std::nullopt;
      if (!i) return NotTheApi(url_, "/api/v1/issuers", "a key without accreditation index");
      if (!index || *i > *index) index = i;
    }
  }
  if (!index) return std::optional<Accreditation>();
  const std::string path = "/api/v1/entries/" + std::to_string(*index);
  CL_ASSIGN_OR_RETURN(HttpClientResponse answer, client_->Get(path));
  if (answer.status != 200) return ErrorFromAnswer(answer).Annotate(url_ + path);
  auto json = ParseJson(answer.body);
  if (!json.ok()) return NotTheApi(url_, path, json.status().message());
  auto leaf_text = json->String("leaf");
  if (!leaf_text) return NotTheApi(url_, path, "no \"leaf\"");
  auto leaf_bytes = Base64Decode(*leaf_text);
  if (!leaf_bytes.ok()) return NotTheApi(url_, path, leaf_bytes.status().message());
  auto leaf = DecodeLeaf(*leaf_bytes);
  if (!leaf.ok()) return NotTheApi(url_, path, leaf.status().message());
  auto record = ParseRecord(leaf->record);
  if (!record.ok()) return NotTheApi(url_, path, record.status().message());
  const Accreditation* a = record->accreditation();
  if (a == nullptr || a->body != body) {
    return NotTheApi(url_, path, "not the accreditation of " + std::string(body));
  }
  if (Status s = VerifyRecordSignature(*record, regulator_.key); !s.ok()) {
    return s.Annotate("the accreditation at " + url_ + path);
  }
  return std::optional<Accreditation>(*a);
}

Result<bool> RemoteLedger::HasCertificate(std::string_view number) {
  for (char c : number) {
    const bool safe = (c >= '0' && c <= '9') || (c >= 'A' && c <= 'Z') || (c >= 'a' && c <= 'z') ||
                      c == '-' || c == '_' || c == '.';
    if (!safe) return Status::InvalidArgument("certificate number \"" + std::string(number) +
                                              "\" has characters a URL path cannot hold");
  }
  const std::string path = "/api/v1/certificates/" + std::string(number);
  CL_ASSIGN_OR_RETURN(HttpClientResponse answer, client_->Get(path));
  if (answer.status == 200) return true;
  if (answer.status == 404) return false;
  return ErrorFromAnswer(answer).Annotate(url_ + path);
}

std::vector<Result<SinkReceipt>> RemoteLedgerSink::Submit(std::vector<Bytes> records) {
  std::vector<Result<SinkReceipt>> results(records.size(),
                                           Status::Internal("record not submitted"));
  std::atomic<std::size_t> next{0};
  auto work = [&] {
    auto client = HttpClient::Create(url_);
    for (std::size_t i = next++; i < records.size(); i = next++) {
      if (!client.ok()) {
        results[i] = client.status();
        continue;
      }
      const std::string_view body(reinterpret_cast<const char*>(records[i].data()),
                                  records[i].size());
      for (int attempt = 1;; ++attempt) {
        auto answer = (*client)->Post("/api/v1/records", "application/cose", body);
        results[i] = answer.ok() ? ReceiptFromAnswer(*answer) : Result<SinkReceipt>(answer.status());
        if (results[i].ok() || !Transient(results[i].status()) || attempt >= attempts_) break;
        std::this_thread::sleep_for(std::chrono::milliseconds(100) * (1 << attempt));
      }
    }
  };
  const std::size_t n = std::min<std::size_t>(static_cast<std::size_t>(std::max(connections_, 1)),
                                              records.size());
  std::vector<std::thread> threads;
  for (std::size_t t = 1; t < n; ++t) threads.emplace_back(work);
  work();
  for (std::thread& t : threads) t.join();
  return results;
}

}  // namespace certledger::cli
