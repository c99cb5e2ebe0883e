// Leaf grammar: see include/certledger/leaf.h.
#include "certledger/leaf.h"

#include "certledger/cbor.h"

namespace certledger {

Result<Bytes> EncodeLeaf(std::uint64_t logged_at_ms, ByteView record) {
  cbor::Value leaf = cbor::Value::MakeArray({cbor::Value::Uint(kLeafVersion),
                                             cbor::Value::Uint(logged_at_ms),
                                             cbor::Value::Bytes(record)});
  Bytes out = cbor::Encode(leaf);
  if (out.size() > kMaxLeafSize) {
    return Status::ResourceExhausted("leaf: " + std::to_string(out.size()) +
                                     " bytes, more than the limit of 65535")
        .WithReason("too_large");
  }
  return out;
}

Result<Leaf> DecodeLeaf(ByteView bytes) {
  if (bytes.size() > kMaxLeafSize) {
    return Status::InvalidArgument("leaf: more than 65535 bytes");
  }
  cbor::Limits limits;
  limits.max_depth = 1;
  auto value = cbor::Decode(bytes, limits);
  if (!value.ok()) return value.status().Annotate("leaf");
  if (!value->is_array() || value->array().size() != 3) {
    return Status::InvalidArgument("leaf: not a CBOR array of 3 items");
  }
  const auto& items = value->array();
  if (!items[0].is_uint() || items[0].uint() != kLeafVersion) {
    return Status::InvalidArgument("leaf: unknown version (expected 1)");
  }
  if (!items[1].is_uint()) return Status::InvalidArgument("leaf: logged_at_ms is not an unsigned integer");
  if (!items[2].is_bytes() || items[2].bytes().empty()) {
    return Status::InvalidArgument("leaf: record is not a non-empty byte string");
  }
  Leaf leaf;
  leaf.logged_at_ms = items[1].uint();
  leaf.record.assign(items[2].bytes().begin(), items[2].bytes().end());
  return leaf;
}

}  // namespace certledger
