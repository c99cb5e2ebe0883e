// Cosignatures (C2SP tlog-cosignature) and the witness (C2SP tlog-witness):
// spec vectors, round trips, every add-checkpoint answer, restart, and a
// forked log that the witness refuses.
#include "certledger/witness.h"

#include <catch2/catch.hpp>
#include <filesystem>
#include <string>
#include <thread>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/checkpoint.h"
#include "certledger/cosignature.h"
#include "certledger/merkle.h"
#include "certledger/note.h"
#include "ledger/test_world.h"

namespace certledger::test {
namespace {

constexpr std::uint64_t kNow = 1767225600;

// A log built in memory with merkle.h: leaf hashes and proofs from them.
struct MemoryLog {
  std::vector<Hash256> leaves;

  void Append(const std::string& entry) { leaves.push_back(HashLeaf(AsBytes(entry))); }
  NodeSource Nodes() const {
    return [this](int level, std::uint64_t index) -> Result<Hash256> {
      const std::uint64_t begin = index << level;
      return MerkleTreeHash(
          std::span<const Hash256>(leaves).subspan(begin, std::uint64_t{1} << level));
    };
  }
  Hash256 Root(std::uint64_t size) const {
    return MerkleTreeHash(std::span<const Hash256>(leaves).first(size));
  }
  std::vector<Hash256> Consistency(std::uint64_t old_size, std::uint64_t size) const {
    return ProveConsistency(old_size, size, Nodes()).value();
  }
  std::string Checkpoint(std::uint64_t size, const NamedSecretKey& key) const {
    return SignCheckpoint({key.name, size, Root(size), {}}, key).value();
  }
};

MemoryLog LogOf(const std::string& prefix, int n) {
  MemoryLog log;
  for (int i = 0; i < n; ++i) log.Append(prefix + std::to_string(i));
  return log;
}

struct Fixture {
  TempDir dir{"witness"};
  NamedSecretKey log_key = KeyFromByte("test.example/log", 2);
  NamedSecretKey witness_key = KeyFromByte("witness.example/w1", 9);
  std::uint64_t now = kNow;

  std::unique_ptr<Witness> Open() {
    WitnessOptions o;
    o.state_dir = dir.path() + "/state";
    o.log_keys = {log_key.Public()};
    o.now = [this] { return now; };
    return std::move(Witness::Open(std::move(o), KeyFromByte(witness_key.name, 9))).value();
  }
};

std::string CheckpointText(const std::string& signed_note) {
  return ParseNote(signed_note).value().text;
}

}  // namespace

TEST_CASE("witness: spec cosignature encoding and signed message", "[witness]") {
  // c2sp.org/tlog-cosignature, the example at the top: the cosignature line
  // "— witness.example.com/w1 jWbPPw..." is key ID || timestamp || signature,
  // and its timestamp is the "time 1679315147" of section "Ed25519 signed
  // message".
  Bytes sig = Base64Decode(
                  "jWbPPwAAAABkGFDLEZMHwSRaJNiIDoe9DYn/"
                  "zXcrtPHeolMI5OWXEhZCB9dlrDJsX3b2oyin1nPZ"
                  "qhf5nNo0xUe+mbIUBkBIfZ+qnA==")
                  .value();
  REQUIRE(sig.size() == 4 + kCosignatureSize);
  std::uint64_t t = 0;
  for (int i = 4; i < 12; ++i) t = (t << 8) | sig[static_cast<std::size_t>(i)];
  CHECK(t == 1679315147);

  // The signed message of that section, written out as the spec shows it.
  const std::string checkpoint =
      "example.com/behind-the-sofa\n20852163\nCsUYapGGPo4dkMgIAUqom/"
      "Xajj7h2fB2MPA3j2jxq2I=\n";
  CHECK(CosignedMessage(checkpoint, 1679315147) ==
        "cosignature/v1\ntime 1679315147\nexample.com/behind-the-sofa\n20852163\n"
        "CsUYapGGPo4dkMgIAUqom/Xajj7h2fB2MPA3j2jxq2I=\n");

  // transparency-dev/formats note/note_cosigv1_test.go
  // TestCosignatureTimestamp: this cosignature's timestamp is 1727964367.
  Bytes go_sig = Base64Decode(
                     "ZGhGuQAAAABm/qTPeyKXD+R2rzyQsxPiP8mXum7qq/"
                     "iF0u4vanlqJyocWODBt97w9uL+8qT7S5gx"
                     "EHWWOworDcFiEBYJXORmnFBOBA==")
                     .value();
  REQUIRE(go_sig.size() == 4 + kCosignatureSize);
  t = 0;
  for (int i = 4; i < 12; ++i) t = (t << 8) | go_sig[static_cast<std::size_t>(i)];
  CHECK(t == 1727964367);
}

TEST_CASE("witness: witness verifier keys of type 0x04 and 0x01", "[witness]") {
  // transparency-dev/formats note/note_cosigv1_test.go TestCoSigV1NewVerifier:
  // a native cosignature/v1 vkey (type 0x04) and a standard Ed25519 vkey.
  const std::string native = "remora.n621.de+da77ade7+BOvN63jn/bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2";
  Result<NamedPublicKey> k = ParseWitnessVerifierKey(native);
  REQUIRE(k.ok());
  CHECK(k->name == "remora.n621.de");
  CHECK(CosignatureKeyId(k->name, k->key) == 0xda77ade7);
  CHECK(FormatWitnessVerifierKey(*k).value() == native);
  CHECK(ParseWitnessVerifierKey("TEST+7997405c+AQcC+FTVKf0jlTdHDY3rbevmnKxxPjigCXlVtGe6RIr6").ok());

  // Tampered: wrong key ID, wrong type byte, parts missing.
  CHECK(!ParseWitnessVerifierKey("remora.n621.de+da77ade8+BOvN63jn/"
                                 "bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
             .ok());
  CHECK(!ParseWitnessVerifierKey("remora.n621.de+da77ade7+AOvN63jn/"
                                 "bLvkieywe8R6UYAtVtNbZpXh34x7onlmtw2")
             .ok());
  CHECK(ParseWitnessVerifierKey("rekor.sigstore.dev+12344556").status().reason() ==
        "malformed_witness_key");

  // Our own keys round-trip, and the ID is over 0x04, not 0x01.
  NamedSecretKey w = KeyFromByte("witness.example/w1", 9);
  const std::string vkey = FormatWitnessVerifierKey(w.Public()).value();
  CHECK(ParseWitnessVerifierKey(vkey).value() == w.Public());
  CHECK(CosignatureKeyId(w.name, w.key.public_key()) != w.KeyId());
  CHECK(Base64Decode(vkey.substr(vkey.rfind('+') + 1)).value()[0] == 0x04);
}

TEST_CASE("witness: cosign and verify round trip, tampering rejected", "[witness]") {
  NamedSecretKey log_key = KeyFromByte("test.example/log", 2);
  NamedSecretKey w = KeyFromByte("witness.example/w1", 9);
  MemoryLog log = LogOf("e", 5);
  const std::string text = CheckpointText(log.Checkpoint(5, log_key));

  NoteSignature sig = Cosign(text, w, kNow).value();
  CHECK(sig.name == w.name);
  CHECK(sig.key_id == CosignatureKeyId(w.name, w.key.public_key()));
  REQUIRE(sig.signature.size() == kCosignatureSize);
  CHECK(VerifyCosignature(text, sig, w.Public()).value() == kNow);
  // The Ed25519 signature is over the message of the spec, checked directly.
  CHECK(Verify(w.key.public_key(), AsBytes(CosignedMessage(text, kNow)),
               ByteView(sig.signature).subspan(8))
            .ok());

  const std::string other = CheckpointText(log.Checkpoint(4, log_key));
  CHECK(VerifyCosignature(other, sig, w.Public()).status().reason() == "bad_cosignature");
  NoteSignature later = sig;
  later.signature[7] ^= 1;  // the timestamp is signed
  CHECK(!VerifyCosignature(text, later, w.Public()).ok());
  NoteSignature short_sig = sig;
  short_sig.signature.pop_back();
  CHECK(!VerifyCosignature(text, short_sig, w.Public()).ok());
  CHECK(!VerifyCosignature(text, sig, KeyFromByte("witness.example/w2", 10).Public()).ok());
  CHECK(!Cosign("not a checkpoint\n", w, kNow).ok());
  CHECK(!Cosign(text, w, kMaxCosignatureTime + 1).ok());
}

TEST_CASE("witness: k of n cosignatures on a checkpoint", "[witness]") {
  NamedSecretKey log_key = KeyFromByte("test.example/log", 2);
  NamedSecretKey w1 = KeyFromByte("witness.example/w1", 9);
  NamedSecretKey w2 = KeyFromByte("witness.example/w2", 10);
  NamedSecretKey w3 = KeyFromByte("witness.example/w3", 11);
  std::vector<NamedPublicKey> trusted = {w1.Public(), w2.Public(), w3.Public()};
  MemoryLog log = LogOf("e", 3);
  const std::string signed_note = log.Checkpoint(3, log_key);
  const std::string text = CheckpointText(signed_note);

  auto line = [&](const NamedSecretKey& w) {
    Note n{text, {Cosign(text, w, kNow).value()}};
    return FormatNote(n).value().substr(text.size() + 1);
  };
  std::string cosigned = AddCosignatures(signed_note, line(w1) + line(w2), trusted).value();
  // An untrusted witness's line and a duplicate are dropped.
  cosigned =
      AddCosignatures(cosigned, line(KeyFromByte("other/w", 12)) + line(w1), trusted).value();
  CHECK(ParseNote(cosigned).value().signatures.size() == 3);

  CHECK(VerifyCosignedCheckpoint(cosigned, log_key.Public(), trusted, 2).ok());
  auto three = VerifyCosignedCheckpoint(cosigned, log_key.Public(), trusted, 3);
  CHECK(three.status().reason() == "too_few_cosignatures");
  CHECK(three.status().message() ==
        "checkpoint has 2 valid cosignatures from trusted witnesses, 3 required");
  CHECK(VerifyCosignedCheckpoint(signed_note, log_key.Public(), trusted, 1).status().reason() ==
        "too_few_cosignatures");
  CHECK(VerifyCosignedCheckpoint(signed_note, log_key.Public(), trusted, 0).ok());
  // The log's own signature is still required.
  CHECK(!VerifyCosignedCheckpoint(cosigned, KeyFromByte("test.example/log", 3).Public(), trusted, 1)
             .ok());

  // A trusted witness's line that does not verify fails the whole note.
  Note bad = ParseNote(cosigned).value();
  bad.signatures[1].signature[20] ^= 1;
  CHECK(VerifyCosignedCheckpoint(FormatNote(bad).value(), log_key.Public(), trusted, 1)
            .status()
            .reason() == "bad_cosignature");
  // A cosignature moved onto another checkpoint does not count.
  Note moved = ParseNote(log.Checkpoint(2, log_key)).value();
  moved.signatures.push_back(ParseNote(cosigned).value().signatures[1]);
  CHECK(!VerifyCosignedCheckpoint(FormatNote(moved).value(), log_key.Public(), trusted, 1).ok());
}

TEST_CASE("witness: add-checkpoint first sight, growth, and re-cosigning", "[witness]") {
  Fixture f;
  auto w = f.Open();
  MemoryLog log = LogOf("e", 9);

  WitnessAnswer a = w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(4, f.log_key)));
  REQUIRE(a.status == 200);
  // The answer is cosignature lines that verify on the checkpoint.
  CHECK(a.body.rfind("\u2014 witness.example/w1 ", 0) == 0);
  std::vector<NamedPublicKey> trusted = {f.witness_key.Public()};
  std::string cosigned = AddCosignatures(log.Checkpoint(4, f.log_key), a.body, trusted).value();
  auto checked = VerifyCosignedCheckpoint(cosigned, f.log_key.Public(), trusted, 1);
  REQUIRE(checked.ok());
  CHECK(checked->timestamps == std::vector<std::uint64_t>{kNow});
  CHECK(w->Latest(f.log_key.name) == WitnessedTree{4, log.Root(4)});

  f.now += 60;
  a = w->AddCheckpoint(
      AddCheckpointRequestBody(4, log.Consistency(4, 9), log.Checkpoint(9, f.log_key)));
  REQUIRE(a.status == 200);
  CHECK(w->Latest(f.log_key.name) == WitnessedTree{9, log.Root(9)});
  // The same checkpoint again: cosigned again (old size = size, same root).
  a = w->AddCheckpoint(AddCheckpointRequestBody(9, {}, log.Checkpoint(9, f.log_key)));
  CHECK(a.status == 200);
}

TEST_CASE("witness: add-checkpoint refusals", "[witness]") {
  Fixture f;
  auto w = f.Open();
  MemoryLog log = LogOf("e", 12);
  REQUIRE(w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(5, f.log_key))).status ==
          200);

  SECTION("stale old size: 409 with the latest size as text/x.tlog.size") {
    WitnessAnswer a = w->AddCheckpoint(
        AddCheckpointRequestBody(3, log.Consistency(3, 8), log.Checkpoint(8, f.log_key)));
    CHECK(a.status == 409);
    CHECK(a.content_type == "text/x.tlog.size");
    CHECK(a.body == "5\n");
    CHECK(ParseTlogSize(a.body).value() == 5);
    // Old size 0 from a client that knows nothing: the same answer.
    a = w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(8, f.log_key)));
    CHECK((a.status == 409 && a.body == "5\n"));
  }
  SECTION("a rollback to a smaller tree: 400 (old size above the checkpoint's)") {
    WitnessAnswer a =
        w->AddCheckpoint(AddCheckpointRequestBody(5, {}, log.Checkpoint(3, f.log_key)));
    CHECK(a.status == 400);
  }
  SECTION("bad consistency proof: 422") {
    std::vector<Hash256> proof = log.Consistency(5, 8);
    proof[0][0] ^= 1;
    CHECK(
        w->AddCheckpoint(AddCheckpointRequestBody(5, proof, log.Checkpoint(8, f.log_key))).status ==
        422);
    proof = log.Consistency(5, 8);
    proof.pop_back();
    CHECK(
        w->AddCheckpoint(AddCheckpointRequestBody(5, proof, log.Checkpoint(8, f.log_key))).status ==
        422);
  }
  SECTION("bad log signature: 403") {
    Note n = ParseNote(log.Checkpoint(8, f.log_key)).value();
    n.signatures[0].signature[0] ^= 1;
    CHECK(
        w->AddCheckpoint(AddCheckpointRequestBody(5, log.Consistency(5, 8), FormatNote(n).value()))
            .status == 403);
    // Signed by another key under the log's name (unknown key ID): 403.
    NamedSecretKey impostor = KeyFromByte(f.log_key.name, 3);
    CHECK(w->AddCheckpoint(
               AddCheckpointRequestBody(5, log.Consistency(5, 8), log.Checkpoint(8, impostor)))
              .status == 403);
  }
  SECTION("unknown origin: 404") {
    NamedSecretKey other = KeyFromByte("other.example/log", 2);
    CHECK(w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(8, other))).status ==
          404);
  }
  SECTION("malformed bodies: 400") {
    const std::string cp = log.Checkpoint(8, f.log_key);
    const std::string proof_line = Base64Encode(AsBytes(log.Consistency(5, 8)[0])) + "\n";
    for (const std::string& body : std::vector<std::string>{
             "", "old 5", "old 05\n\n" + cp, "old -1\n\n" + cp, "new 5\n\n" + cp,
             "old 5\n" + proof_line + cp,                // no blank line
             "old 5\nnot-base64!\n\n" + cp,              // bad proof line
             "old 5\nAAAA\n\n" + cp,                     // not 32 bytes
             "old 5\n\n" + cp.substr(0, cp.size() - 1),  // note not ending in newline
             "old 5\n\ntest.example/log\n8\n",           // no signature
         }) {
      INFO(body);
      CHECK(w->AddCheckpoint(body).status == 400);
    }
    std::string many = "old 5\n";
    for (int i = 0; i < 64; ++i) many += proof_line;
    CHECK(w->AddCheckpoint(many + "\n" + cp).status == 400);
  }
  // Nothing above changed the state.
  CHECK(w->Latest(f.log_key.name) == WitnessedTree{5, log.Root(5)});
}

TEST_CASE("witness: state survives a restart and is refused when corrupt", "[witness]") {
  Fixture f;
  MemoryLog log = LogOf("e", 7);
  {
    auto w = f.Open();
    REQUIRE(
        w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(6, f.log_key))).status ==
        200);
  }
  auto w = f.Open();
  CHECK(w->Latest(f.log_key.name) == WitnessedTree{6, log.Root(6)});
  WitnessAnswer a = w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(7, f.log_key)));
  CHECK((a.status == 409 && a.body == "6\n"));
  // No temporary files are left behind.
  int files = 0;
  for (const auto& e : std::filesystem::directory_iterator(f.dir.path() + "/state")) {
    ++files;
    CHECK(e.path().filename() == "witness-state");
  }
  CHECK(files == 1);

  w.reset();
  {
    std::FILE* out = std::fopen((f.dir.path() + "/state/witness-state").c_str(), "ab");
    REQUIRE(out != nullptr);
    std::fputs("garbage", out);
    std::fclose(out);
  }
  WitnessOptions o;
  o.state_dir = f.dir.path() + "/state";
  o.log_keys = {f.log_key.Public()};
  CHECK(Witness::Open(std::move(o), KeyFromByte("w", 9)).status().Is(StatusCode::kCorruption));
}

TEST_CASE(
    "witness: a forked log is refused, so a client needing one "
    "cosignature never sees it",
    "[witness]") {
  Fixture f;
  auto w = f.Open();
  std::vector<NamedPublicKey> trusted = {f.witness_key.Public()};
  // Two trees under the same origin and key: the same first 4 entries,
  // then different ones.
  MemoryLog a = LogOf("e", 4), b = LogOf("e", 4);
  for (int i = 4; i < 10; ++i) {
    a.Append("a" + std::to_string(i));
    b.Append("b" + std::to_string(i));
  }
  REQUIRE(a.Root(4) == b.Root(4));
  REQUIRE(a.Root(8) != b.Root(8));

  // The shared prefix, then branch A at 8: cosigned.
  REQUIRE(w->AddCheckpoint(AddCheckpointRequestBody(0, {}, a.Checkpoint(4, f.log_key))).status ==
          200);
  WitnessAnswer ok = w->AddCheckpoint(
      AddCheckpointRequestBody(4, a.Consistency(4, 8), a.Checkpoint(8, f.log_key)));
  REQUIRE(ok.status == 200);
  const std::string cosigned_a =
      AddCosignatures(a.Checkpoint(8, f.log_key), ok.body, trusted).value();
  CHECK(VerifyCosignedCheckpoint(cosigned_a, f.log_key.Public(), trusted, 1).ok());

  // Branch B at the same size: 409 (same size, another root).
  WitnessAnswer same =
      w->AddCheckpoint(AddCheckpointRequestBody(8, {}, b.Checkpoint(8, f.log_key)));
  CHECK(same.status == 409);
  // Branch B from the shared prefix, as if the witness were at 4: 409, it is
  // at 8.
  WitnessAnswer stale = w->AddCheckpoint(
      AddCheckpointRequestBody(4, b.Consistency(4, 8), b.Checkpoint(8, f.log_key)));
  CHECK((stale.status == 409 && stale.body == "8\n"));
  // Branch B larger, with B's own (valid for B) proof from 8: 422.
  WitnessAnswer larger = w->AddCheckpoint(
      AddCheckpointRequestBody(8, b.Consistency(8, 10), b.Checkpoint(10, f.log_key)));
  CHECK(larger.status == 422);
  CHECK(w->Latest(f.log_key.name) == WitnessedTree{8, a.Root(8)});

  // Whatever the log shows of branch B carries no cosignature, and branch A's
  // cosignature does not transfer to it.
  for (std::uint64_t size : {8, 10}) {
    Note forged = ParseNote(b.Checkpoint(size, f.log_key)).value();
    CHECK(VerifyCosignedCheckpoint(FormatNote(forged).value(), f.log_key.Public(), trusted, 1)
              .status()
              .reason() == "too_few_cosignatures");
    forged.signatures.push_back(ParseNote(cosigned_a).value().signatures.back());
    CHECK(
        !VerifyCosignedCheckpoint(FormatNote(forged).value(), f.log_key.Public(), trusted, 1).ok());
  }
  // Branch A keeps growing with the witness.
  CHECK(w->AddCheckpoint(
             AddCheckpointRequestBody(8, a.Consistency(8, 10), a.Checkpoint(10, f.log_key)))
            .status == 200);
}

TEST_CASE("witness: concurrent requests never roll the state back", "[witness]") {
  Fixture f;
  auto w = f.Open();
  MemoryLog log = LogOf("e", 40);
  REQUIRE(w->AddCheckpoint(AddCheckpointRequestBody(0, {}, log.Checkpoint(1, f.log_key))).status ==
          200);
  // Every thread tries to move the witness from size 1 to its own size;
  // exactly one succeeds, the rest get 409.
  std::vector<int> status(8);
  std::vector<std::thread> threads;
  for (int i = 0; i < 8; ++i) {
    threads.emplace_back([&, i] {
      const std::uint64_t size = 2 + static_cast<std::uint64_t>(i) * 4;
      status[static_cast<std::size_t>(i)] =
          w->AddCheckpoint(AddCheckpointRequestBody(1, log.Consistency(1, size),
                                                    log.Checkpoint(size, f.log_key)))
              .status;
    });
  }
  for (auto& t : threads) t.join();
  int ok = 0;
  for (int s : status) {
    CHECK((s == 200 || s == 409));
    ok += s == 200;
  }
  CHECK(ok == 1);
}

TEST_CASE("witness: cosigned checkpoint file is written durably and read back", "[witness]") {
  TempDir dir("cosigned_file");
  CHECK(ReadCosignedCheckpoint(dir.path()).status().Is(StatusCode::kNotFound));
  REQUIRE(WriteCosignedCheckpoint(dir.path(), "one\n").ok());
  REQUIRE(WriteCosignedCheckpoint(dir.path(), "two\n").ok());
  CHECK(ReadCosignedCheckpoint(dir.path()).value() == "two\n");
  CHECK(WriteCosignedCheckpoint(dir.path() + "/missing", "x").Is(StatusCode::kIOError));
}

}  // namespace certledger::test
