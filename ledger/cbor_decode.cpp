// The deterministic CBOR decoder: accepts exactly the grammar at the top of
// cbor.cpp and nothing else. It is iterative (an explicit stack of open
// arrays, maps and tags), so hostile nesting cannot exhaust the call stack,
// and it checks every declared length against the remaining input before
// allocating anything for it. Items are built in place in their parent
// (never moved), and map key order is checked on the keys' encoded bytes in
// the input, which is exactly the canonical order.
#include "certledger/cbor.h"

#include <algorithm>
#include <cstdint>
#include <cstring>
#include <limits>
#include <string>
#include <tuple>
#include <utility>
#include <vector>

#include "cbor_internal.h"
#include "certledger/utf8.h"

namespace certledger::cbor {
namespace {

std::string Plural(std::uint64_t n, std::string_view noun) {
  std::string out = std::to_string(n) + " " + std::string(noun);
  if (n != 1) out += "s";
  return out;
}

// Offset of the first byte of the first invalid UTF-8 sequence in `bytes`,
// or bytes.size() when all of it is valid (the rules of certledger/utf8.h:
// RFC 3629 section 4, no overlong forms, surrogates or values > U+10FFFF).
std::size_t FindInvalidUtf8(ByteView bytes) {
  const std::string_view s = AsChars(bytes);
  const std::size_t size = s.size();
  std::size_t pos = 0;
  while (pos < size) {
    // ASCII, the common case: eight bytes at a time, then one at a time.
    while (size - pos >= 8) {
      std::uint64_t word;
      std::memcpy(&word, s.data() + pos, sizeof word);
      if ((word & 0x8080808080808080u) != 0) break;
      pos += 8;
    }
    while (pos < size && static_cast<std::uint8_t>(s[pos]) < 0x80) ++pos;
    if (pos == size) break;
    // NextCodePoint leaves `at` unchanged when the sequence is invalid.
    std::size_t at = pos;
    char32_t code_point;
    if (!NextCodePoint(s, &at, &code_point)) return at;
    pos = at;
  }
  return size;
}

struct Head {
  std::uint8_t major = 0;
  std::uint8_t ai = 0;
  std::uint64_t argument = 0;
  std::size_t offset = 0;  // of the initial byte
};

// An array, map or tag whose items are still being read. Items are built
// in place: each container reserves room for its declared count first, so
// the slots handed out below never move while the container is open.
struct OpenItem {
  Type type = Type::kArray;  // kArray, kMap or kTag
  Value* container = nullptr;    // the array, map or tag being filled
  Value* tagged = nullptr;       // kTag: the slot of the tagged item
  std::uint64_t remaining = 0;   // items (array), pairs (map) or 1 (tag) still to read
  std::size_t child_offset = 0;  // where the item being read into this one starts
  // Maps only: whether the next item is a value (its key has been read),
  // and where the last key's encoding lies in the input, for the order check.
  bool has_key = false;
  bool has_previous_key = false;
  std::size_t previous_key_offset = 0;
  std::size_t previous_key_end = 0;
};

Status Malformed(std::string_view problem, std::size_t offset) {
  return Status::InvalidArgument("cbor: " + std::string(problem) + " at offset " +
                                 std::to_string(offset));
}

Status Exhausted(std::string_view problem) {
  return Status::ResourceExhausted("cbor: " + std::string(problem));
}

class Decoder {
 public:
  Decoder(ByteView data, const Limits& limits) : data_(data), limits_(limits) {}

  Result<Value> Run();

 private:
  std::uint64_t Remaining() const { return data_.size() - pos_; }
  Status Truncated(std::uint64_t missing, bool at_least) const;
  Status ReadHead(Head& head);
  // The (null) Value the next item is built in.
  Value& NextSlot();
  Status ReadString(const Head& head, Value& slot);
  Status OpenContainer(const Head& head, Value& slot);
  Status ReadSimple(const Head& head, Value& slot);
  // Called when the item in the last slot is complete: finishes the open
  // items that become complete with it; the top-level item completes the
  // decoding. Checks the order of map keys.
  Status Finish();

  ByteView data_;
  const Limits& limits_;
  std::size_t pos_ = 0;
  std::vector<OpenItem> open_;
  Value root_;
  bool done_ = false;
};

Status Decoder::Truncated(std::uint64_t missing, bool at_least) const {
  return Status::InvalidArgument("cbor: truncated input at offset " + std::to_string(data_.size()) +
                                 " (need " + (at_least ? "at least " : "") +
                                 Plural(missing, "more byte") + ")");
}

Status Decoder::ReadHead(Head& head) {
  head.offset = pos_;
  if (Remaining() == 0) return Truncated(1, false);
  const std::uint8_t initial = data_[pos_];
  head.major = initial >> 5;
  head.ai = initial & 0x1f;
  if (head.major == kMajorSimple && head.ai >= 25 && head.ai <= 27) {
    return Malformed("floating-point values are not supported", head.offset);
  }
  if (head.ai >= 28 && head.ai <= 30) {
    return Malformed("reserved additional information " + std::to_string(head.ai), head.offset);
  }
  if (head.ai == 31) {
    if (head.major >= kMajorBytes && head.major <= kMajorMap) {
      return Malformed("indefinite length not allowed", head.offset);
    }
    if (head.major == kMajorSimple) return Malformed("unexpected break code", head.offset);
    return Malformed("additional information 31 not allowed for major type " +
                         std::to_string(head.major),
                     head.offset);
  }
  if (head.ai < 24) {
    head.argument = head.ai;
    pos_ += 1;
    return Status::OK();
  }
  const std::size_t width = std::size_t{1} << (head.ai - 24);
  if (Remaining() - 1 < width) return Truncated(width - (Remaining() - 1), false);
  std::uint64_t argument = 0;
  for (std::size_t i = 1; i <= width; ++i) argument = (argument << 8) | data_[pos_ + i];
  head.argument = argument;
  // The smallest argument each width may carry (RFC 8949 section 4.2.1).
  static constexpr std::uint64_t kMinimum[] = {24, 0x100, 0x10000, 0x100000000};
  if (head.major != kMajorSimple && argument < kMinimum[head.ai - 24]) {
    const char* what = head.major <= kMajorNegative ? "integer"
                       : head.major == kMajorTag    ? "tag number"
                                                    : "length";
    return Malformed("non-shortest " + std::string(what) + " encoding", head.offset);
  }
  pos_ += 1 + width;
  return Status::OK();
}

Value& Decoder::NextSlot() {
  if (open_.empty()) return root_;
  OpenItem& parent = open_.back();
  switch (parent.type) {
    case Type::kTag:
      return *parent.tagged;
    case Type::kArray:
      return parent.container->array().emplace_back();
    default:
      if (parent.has_key) return Codec::Entries(*parent.container).back().second;
      // Piecewise: clang cannot tell that pair<Value, Value> (a recursive
      // type) is default-constructible, and moved-in temporaries make GCC
      // warn of uninitialized variant storage.
      return Codec::Entries(*parent.container)
          .emplace_back(std::piecewise_construct, std::tuple<>(), std::tuple<>())
          .first;
  }
}

Status Decoder::ReadString(const Head& head, Value& slot) {
  const bool text = head.major == kMajorText;
  if (head.argument > Remaining()) return Truncated(head.argument - Remaining(), false);
  if (head.argument > limits_.max_string_bytes) {
    return Exhausted(std::string(text ? "text" : "byte") + " string of " +
                     Plural(head.argument, "byte") + " exceeds the limit of " +
                     std::to_string(limits_.max_string_bytes) + " at offset " +
                     std::to_string(head.offset));
  }
  const ByteView content = data_.subspan(pos_, head.argument);
  if (text) {
    const std::size_t bad = FindInvalidUtf8(content);
    if (bad != content.size()) return Malformed("invalid UTF-8 in text string", pos_ + bad);
  }
  pos_ += content.size();
  Codec::MakeString(slot, text ? Type::kText : Type::kBytes, AsChars(content));
  return Finish();
}

Status Decoder::OpenContainer(const Head& head, Value& slot) {
  if (open_.size() >= limits_.max_depth) {
    return Exhausted("nesting deeper than " + std::to_string(limits_.max_depth) + " at offset " +
                     std::to_string(head.offset));
  }
  OpenItem item;
  item.container = &slot;
  if (head.major == kMajorTag) {
    item.type = Type::kTag;
    item.tagged = &Codec::MakeTag(slot, head.argument);
    item.remaining = 1;
    open_.push_back(item);
    return Status::OK();
  }
  const bool is_map = head.major == kMajorMap;
  const std::uint64_t count = head.argument;
  // Every item takes at least one byte: reject impossible counts before
  // reserving memory for them.
  constexpr std::uint64_t kMax = std::numeric_limits<std::uint64_t>::max();
  const std::uint64_t min_bytes = !is_map ? count : count > kMax / 2 ? kMax : 2 * count;
  if (min_bytes > Remaining()) return Truncated(min_bytes - Remaining(), true);
  if (count > limits_.max_items) {
    return Exhausted(std::string(is_map ? "map of " : "array of ") +
                     Plural(count, is_map ? "pair" : "item") + " exceeds the limit of " +
                     std::to_string(limits_.max_items) + " at offset " +
                     std::to_string(head.offset));
  }
  if (is_map) {
    item.type = Type::kMap;
    Codec::MakeMap(slot, count);
  } else {
    item.type = Type::kArray;
    Codec::MakeArray(slot, count);
  }
  if (count == 0) return Finish();
  item.remaining = count;
  open_.push_back(item);
  return Status::OK();
}

Status Decoder::ReadSimple(const Head& head, Value& slot) {
  switch (head.ai) {
    case 20:
      Codec::MakeScalar(slot, Type::kBool, 0);
      return Finish();
    case 21:
      Codec::MakeScalar(slot, Type::kBool, 1);
      return Finish();
    case 22:
      return Finish();  // the slot is null already
    case 23:
      return Malformed("undefined is not supported", head.offset);
    case 24:
      // RFC 8949 section 3.3: values below 32 never take the two-byte form.
      if (head.argument < 32) return Malformed("invalid two-byte simple value", head.offset);
      [[fallthrough]];
    default:
      return Malformed("simple value " + std::to_string(head.argument) + " is not supported",
                       head.offset);
  }
}

Status Decoder::Finish() {
  while (!open_.empty()) {
    OpenItem& parent = open_.back();
    if (parent.type == Type::kMap && !parent.has_key) {
      // A key: its encoding is data_[child_offset, pos_). Compare it with the
      // previous key's encoding in place.
      const ByteView encoded = data_.subspan(parent.child_offset, pos_ - parent.child_offset);
      if (parent.has_previous_key) {
        const ByteView previous = data_.subspan(
            parent.previous_key_offset, parent.previous_key_end - parent.previous_key_offset);
        const int order = CompareBytes(previous, encoded);
        if (order == 0) return Malformed("duplicate map key", parent.child_offset);
        if (order > 0) return Malformed("map keys not in canonical order", parent.child_offset);
      }
      parent.has_previous_key = true;
      parent.previous_key_offset = parent.child_offset;
      parent.previous_key_end = pos_;
      parent.has_key = true;
      return Status::OK();
    }
    parent.has_key = false;
    if (--parent.remaining > 0) return Status::OK();
    open_.pop_back();
  }
  done_ = true;
  return Status::OK();
}

Result<Value> Decoder::Run() {
  if (data_.size() > limits_.max_input_bytes) {
    return Exhausted("input of " + Plural(data_.size(), "byte") + " exceeds the limit of " +
                     std::to_string(limits_.max_input_bytes));
  }
  open_.reserve(std::min<std::size_t>(limits_.max_depth, 64));
  while (!done_) {
    if (!open_.empty()) open_.back().child_offset = pos_;
    Head head;
    CL_RETURN_IF_ERROR(ReadHead(head));
    Value& slot = NextSlot();
    switch (head.major) {
      case kMajorUnsigned:
        Codec::MakeScalar(slot, Type::kUnsigned, head.argument);
        CL_RETURN_IF_ERROR(Finish());
        break;
      case kMajorNegative:
        Codec::MakeScalar(slot, Type::kNegative, head.argument);
        CL_RETURN_IF_ERROR(Finish());
        break;
      case kMajorBytes:
      case kMajorText:
        CL_RETURN_IF_ERROR(ReadString(head, slot));
        break;
      case kMajorArray:
      case kMajorMap:
      case kMajorTag:
        CL_RETURN_IF_ERROR(OpenContainer(head, slot));
        break;
      default:
        CL_RETURN_IF_ERROR(ReadSimple(head, slot));
        break;
    }
  }
  if (pos_ != data_.size()) return Malformed("trailing bytes after top-level item", pos_);
  return std::move(root_);
}

}  // namespace

Result<Value> Decode(ByteView data, const Limits& limits) {
  return Decoder(data, limits).Run();
}

}  // namespace certledger::cbor
