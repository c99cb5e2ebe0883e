// Fuzzes DecodeLeaf (leaf.h), the log's leaf format, as a follower or an
// auditor reads it from entry bundles. Property: a leaf that decodes
// encodes back to exactly its input.
#include <cstddef>
#include <cstdint>

#include "certledger/leaf.h"
#include "fuzz/fuzz_util.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  using namespace certledger;
  auto leaf = DecodeLeaf(ByteView(data, size));
  if (!leaf.ok()) return 0;
  auto again = EncodeLeaf(leaf->logged_at_ms, leaf->record);
  fuzz::Require(again.ok() && again->size() == size && std::equal(again->begin(), again->end(), data),
                "leaf: a decoded leaf does not encode back to its input");
  return 0;
}
