// Fuzz regressions: every input under tests/fuzz_regressions/<target>/ (a
// crash a fuzz target of fuzz/ once found, fixed since) goes to the same
// decoders as in fuzz/<target>_fuzz.cpp, in the normal test suite. Each must
// return a value or an error, and the properties the fuzz target checks must
// hold (fuzz/README.md). The targets of decoders outside certledger::ledger
// (csv, batch, http, photo) have their regressions in the tests of their
// library.
#include <catch2/catch.hpp>

#include <algorithm>
#include <filesystem>
#include <fstream>
#include <functional>
#include <sstream>
#include <string>
#include <vector>

#include "certledger/cbor.h"
#include "certledger/checkpoint.h"
#include "certledger/cose.h"
#include "certledger/cosignature.h"
#include "certledger/json_reader.h"
#include "certledger/key_file.h"
#include "certledger/leaf.h"
#include "certledger/note.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "certledger/tile_path.h"
#include "certledger/witness.h"
#include "certledger/zlib.h"
#include "test_world.h"

namespace certledger {
namespace {

// The files of tests/fuzz_regressions/<target>/, sorted; none if the
// folder does not exist.
std::vector<std::filesystem::path> RegressionFiles(const std::string& target) {
  const std::filesystem::path dir =
      std::filesystem::path(CERTLEDGER_SOURCE_DIR) / "tests" / "fuzz_regressions" / target;
  std::vector<std::filesystem::path> files;
  if (!std::filesystem::is_directory(dir)) return files;
  for (const auto& entry : std::filesystem::directory_iterator(dir)) {
    if (entry.is_regular_file()) files.push_back(entry.path());
  }
  std::sort(files.begin(), files.end());
  return files;
}

std::string Slurp(const std::filesystem::path& path) {
  std::ifstream in(path, std::ios::binary);
  std::stringstream ss;
  ss << in.rdbuf();
  return ss.str();
}

// Runs `check` on every regression input of `target`.
void ForEachInput(const std::string& target, const std::function<void(const std::string&)>& check) {
  for (const auto& file : RegressionFiles(target)) {
    INFO("input " << file.string());
    check(Slurp(file));
  }
}

TEST_CASE("fuzz regressions: cbor", "[fuzz]") {
  ForEachInput("cbor", [](const std::string& input) {
    auto value = cbor::Decode(AsBytes(input));
    if (value.ok()) CHECK(AsChars(cbor::Encode(*value)) == input);
  });
}

TEST_CASE("fuzz regressions: cose", "[fuzz]") {
  ForEachInput("cose", [](const std::string& input) {
    for (bool require_tag : {true, false}) {
      auto message = cose::ParseSign1(AsBytes(input), cose::ParseOptions{require_tag});
      if (message.ok()) CHECK(message->signature.size() == 64);
    }
  });
}

TEST_CASE("fuzz regressions: record", "[fuzz]") {
  const PublicKey key = test::KeyFromByte("alpha-works", 3).key.public_key();
  ForEachInput("record", [&](const std::string& input) {
    auto record = ParseRecord(AsBytes(input));
    if (record.ok()) (void)VerifyRecordSignature(*record, key);
    auto value = cbor::Decode(AsBytes(input));
    if (value.ok()) {
      auto body = DecodeRecordBody(*value);
      if (body.ok()) CHECK(EncodeRecordBody(*body).ok());
    }
  });
}

TEST_CASE("fuzz regressions: qr_payload", "[fuzz]") {
  ForEachInput("qr_payload", [](const std::string& input) {
    if (input.empty()) return;
    std::string text;
    if (input[0] == 't') {
      text = input.substr(1);
    } else {
      auto stream = Deflate(AsBytes(std::string_view(input).substr(1)), 1);
      REQUIRE(stream.ok());
      text = "https://verify.test/v#" + Base64UrlEncode(*stream);
    }
    (void)QrUrlBase(text);
    auto payload = DecodeQrText(text);
    if (!payload.ok()) return;
    auto again = EncodeQrPayload(*payload);
    REQUIRE(again.ok());
    auto decoded = DecodeQrText(*again);
    REQUIRE(decoded.ok());
    CHECK(*decoded == *payload);
  });
}

TEST_CASE("fuzz regressions: note and checkpoint", "[fuzz]") {
  const std::vector<NamedPublicKey> keys = {test::KeyFromByte("test.example/log", 2).Public(),
                                            test::KeyFromByte("witness.example", 6).Public()};
  const auto check = [&](const std::string& input) {
    auto note = ParseNote(input);
    if (note.ok()) {
      auto formatted = FormatNote(*note);
      REQUIRE(formatted.ok());
      CHECK(*formatted == input);
    }
    (void)OpenNote(input, keys);
    (void)ParseTlogSize(input);
    (void)OpenCheckpoint(input, keys[0]);
    (void)VerifyCosignedCheckpoint(input, keys[0], std::span(keys).subspan(1), 1);
    const std::string text = note.ok() ? note->text : input;
    auto checkpoint = ParseCheckpoint(text);
    if (checkpoint.ok()) {
      auto formatted = FormatCheckpoint(*checkpoint);
      REQUIRE(formatted.ok());
      CHECK(*formatted == text);
    }
  };
  ForEachInput("note", check);
  ForEachInput("checkpoint", check);
}

TEST_CASE("fuzz regressions: tile and leaf", "[fuzz]") {
  ForEachInput("tile", [](const std::string& input) {
    auto tile = ParseTilePath(input);
    if (tile.ok()) CHECK(TilePath(*tile) == input);
  });
  ForEachInput("leaf", [](const std::string& input) {
    auto leaf = DecodeLeaf(AsBytes(input));
    if (!leaf.ok()) return;
    auto again = EncodeLeaf(leaf->logged_at_ms, leaf->record);
    REQUIRE(again.ok());
    CHECK(AsChars(*again) == input);
  });
}

TEST_CASE("fuzz regressions: json and key files", "[fuzz]") {
  ForEachInput("json", [](const std::string& input) { (void)ParseJson(input); });
  ForEachInput("key_file", [](const std::string& input) {
    auto key = ParseVerifierKey(input);
    if (key.ok()) {
      auto formatted = FormatVerifierKey(*key);
      REQUIRE(formatted.ok());
      CHECK(*formatted == input);
    }
    (void)ParseSignerKey(input);
    (void)ParseWitnessVerifierKey(input);
  });
}

}  // namespace
}  // namespace certledger
