// Fuzzes the C2SP signed-note reader (note.h): ParseNote, then OpenNote
// against two known keys. Property: a note that parses formats back to
// exactly its input (the syntax is strict: canonical base64, one form of
// every line).
#include <cstddef>
#include <cstdint>
#include <vector>

#include "certledger/note.h"
#include "fuzz/fuzz_util.h"
#include "ledger/test_world.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  static const std::vector<NamedPublicKey> keys = {
      test::KeyFromByte("test.example/log", 2).Public(),
      test::KeyFromByte("witness.example", 6).Public()};
  const std::string_view input = fuzz::AsText(data, size);
  auto note = ParseNote(input);
  if (note.ok()) {
    auto formatted = FormatNote(*note);
    fuzz::Require(formatted.ok() && *formatted == input, "note: does not format back to its input");
  }
  (void)OpenNote(input, keys);
  return 0;
}
