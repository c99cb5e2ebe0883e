// Fuzzes the checkpoint readers: OpenCheckpoint (checkpoint.h) and
// VerifyCosignedCheckpoint (cosignature.h) on the input as a signed note,
// ParseCheckpoint on its note text, and ParseTlogSize (witness.h) on the
// input as a witness's 409 answer. Property: a checkpoint that parses
// formats back to exactly its text.
#include <cstddef>
#include <cstdint>
#include <vector>

#include "certledger/checkpoint.h"
#include "certledger/cosignature.h"
#include "certledger/note.h"
#include "certledger/witness.h"
#include "fuzz/fuzz_util.h"
#include "ledger/test_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  static const NamedPublicKey log_key = test::KeyFromByte("test.example/log", 2).Public();
  static const std::vector<NamedPublicKey> witnesses = {
      test::KeyFromByte("witness.example", 6).Public()};
  const std::string_view input = fuzz::AsText(data, size);
  (void)ParseTlogSize(input);
  (void)OpenCheckpoint(input, log_key);
  (void)VerifyCosignedCheckpoint(input, log_key, witnesses, 1);
  auto note = ParseNote(input);
  const std::string_view text = note.ok() ? std::string_view(note->text) : input;
  auto checkpoint = ParseCheckpoint(text);
  if (checkpoint.ok()) {
    auto formatted = FormatCheckpoint(*checkpoint);
    fuzz::Require(formatted.ok() && *formatted == text,
                  "checkpoint: does not format back to its text");
  }
  return 0;
}
