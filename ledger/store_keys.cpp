// LedgerStore's RocksDB key schema (one column family, the default one).
//
// Keys start with one ASCII tag byte. Integers are unsigned big-endian, so
// that RocksDB's bytewise order is numeric order.
//
//   key            = format / state / checkpoint / entry / tile / partial
//                  / leaf-hash / record-hash / certificate / revocation
//                  / accreditation
//
//   format         = "F"                        ; -> "certledger-store-1"
//   state          = "S"                        ; -> u64 size || root (32)
//   checkpoint     = "C"                        ; -> signed checkpoint text
//   entry          = "e" u64 index              ; -> leaf (1..65535 bytes)
//   tile           = "t" u8 level u64 n         ; -> 256 hashes (8192 bytes)
//   partial        = "p" u8 level u64 n         ; -> W hashes, 1 <= W <= 255
//   leaf-hash      = "h" hash                   ; -> u64 index
//   record-hash    = "r" hash                   ; -> u64 index
//   certificate    = "n" number                 ; -> u64 index
//   revocation     = "v" number                 ; -> u64 index
//   accreditation  = "a" u16 len body u64 time u64 index  ; -> u64 index
//
//   u8, u16, u64   = 1, 2, 8 bytes, big-endian
//   hash           = 32 bytes (SHA-256)
//   number         = 1*1024 bytes, the certificate number's UTF-8 bytes
//   body           = len bytes (1..1024), the body id's UTF-8 bytes
//   time           = NumericDate seconds from which the accreditation holds
//
// An accreditation key ends with the entry's own index, so that two
// accreditations of one body with the same time never collide and sort in
// log order (the later one supersedes).
//
// Values of the index keys (leaf-hash .. accreditation) are the entry index
// as u64. Invariants, for a stored tree of size s (state):
//   - entry i exists iff i < s;
//   - tile (l, n) exists iff n < s >> 8(l+1): the C2SP full tile, hashes of
//     tree level 8l, indexes [256n, 256n + 255];
//   - partial (l, n) exists iff n = s >> 8(l+1) and W = (s >> 8l) mod 256 is
//     not 0: the C2SP partial tile of width W of tree size s;
//   - every index value is below s.
// Entries, tiles and index rows are written once and never changed; the
// commit refuses a key that exists. state, checkpoint and partial are the
// mutable right edge: each commit rewrites them, and deletes a partial tile
// in the batch that writes its full tile.
#include "store_keys.h"

#include <cstring>

#include "certledger/bytes.h"

namespace certledger::store {
namespace {

constexpr char kFormatTag = 'F';
constexpr char kStateTag = 'S';
constexpr char kCheckpointTag = 'C';
constexpr char kEntryTag = 'e';
constexpr char kTileTag = 't';
constexpr char kPartialTag = 'p';
constexpr char kLeafHashTag = 'h';
constexpr char kRecordHashTag = 'r';
constexpr char kCertificateTag = 'n';
constexpr char kRevocationTag = 'v';
constexpr char kAccreditationTag = 'a';

void AppendU64(std::string* out, std::uint64_t v) {
  for (int shift = 56; shift >= 0; shift -= 8) {
    out->push_back(static_cast<char>((v >> shift) & 0xff));
  }
}

std::uint64_t ReadU64(std::string_view in) {
  std::uint64_t v = 0;
  for (int i = 0; i < 8; ++i) v = (v << 8) | static_cast<std::uint8_t>(in[i]);
  return v;
}

std::string Tagged(char tag, std::string_view rest) {
  std::string key(1 + rest.size(), tag);
  if (!rest.empty()) std::memcpy(key.data() + 1, rest.data(), rest.size());
  return key;
}

std::string TileKeyWithTag(char tag, int level, std::uint64_t index) {
  std::string key(1, tag);
  key.push_back(static_cast<char>(level));
  AppendU64(&key, index);
  return key;
}

// Built with memcpy: "\"" + std::string(s) + "\"" trips a false g++ 12
// -Wrestrict at -O3.
std::string Quoted(std::string_view s) {
  std::string out(s.size() + 2, '"');
  if (!s.empty()) std::memcpy(out.data() + 1, s.data(), s.size());
  return out;
}

}  // namespace

std::string FormatKey() { return std::string(1, kFormatTag); }
std::string StateKey() { return std::string(1, kStateTag); }
std::string CheckpointKey() { return std::string(1, kCheckpointTag); }

std::string EntryKey(std::uint64_t index) {
  std::string key(1, kEntryTag);
  AppendU64(&key, index);
  return key;
}

std::string TileKey(int level, std::uint64_t index) {
  return TileKeyWithTag(kTileTag, level, index);
}

std::string PartialTileKey(int level, std::uint64_t index) {
  return TileKeyWithTag(kPartialTag, level, index);
}

std::string LeafHashKey(const Hash256& leaf_hash) {
  return Tagged(kLeafHashTag, AsChars(AsBytes(leaf_hash)));
}

std::string RecordHashKey(const Hash256& record_hash) {
  return Tagged(kRecordHashTag, AsChars(AsBytes(record_hash)));
}

std::string CertificateKey(std::string_view number) { return Tagged(kCertificateTag, number); }
std::string RevocationKey(std::string_view number) { return Tagged(kRevocationTag, number); }

std::string AccreditationPrefix(std::string_view body_id) {
  std::string key(1, kAccreditationTag);
  key.push_back(static_cast<char>((body_id.size() >> 8) & 0xff));
  key.push_back(static_cast<char>(body_id.size() & 0xff));
  key.append(body_id);
  return key;
}

std::string AccreditationKey(std::string_view body_id, std::uint64_t time, std::uint64_t index) {
  std::string key = AccreditationPrefix(body_id);
  AppendU64(&key, time);
  AppendU64(&key, index);
  return key;
}

std::string AccreditationsPrefix() { return std::string(1, kAccreditationTag); }

bool ParseAccreditationKey(std::string_view key, std::string* body_id, std::uint64_t* time,
                           std::uint64_t* index) {
  if (key.size() < 3 || key[0] != kAccreditationTag) return false;
  const std::size_t len = (static_cast<std::size_t>(static_cast<std::uint8_t>(key[1])) << 8) |
                          static_cast<std::uint8_t>(key[2]);
  if (key.size() != 3 + len + 16) return false;
  body_id->assign(key.substr(3, len));
  *time = ReadU64(key.substr(3 + len));
  *index = ReadU64(key.substr(3 + len + 8));
  return true;
}

bool ParseEntryKey(std::string_view key, std::uint64_t* index) {
  if (key.size() != 9 || key[0] != kEntryTag) return false;
  *index = ReadU64(key.substr(1));
  return true;
}

std::string EncodeIndex(std::uint64_t index) {
  std::string value;
  AppendU64(&value, index);
  return value;
}

bool DecodeIndex(std::string_view value, std::uint64_t* index) {
  if (value.size() != 8) return false;
  *index = ReadU64(value);
  return true;
}

std::string EncodeState(std::uint64_t size, const Hash256& root) {
  std::string value;
  AppendU64(&value, size);
  value.append(AsChars(AsBytes(root)));
  return value;
}

bool DecodeState(std::string_view value, std::uint64_t* size, Hash256* root) {
  if (value.size() != 8 + root->size()) return false;
  *size = ReadU64(value);
  std::memcpy(root->data(), value.data() + 8, root->size());
  return true;
}

std::string DescribeKey(std::string_view key) {
  if (key.empty()) return "empty key";
  const std::string_view rest = key.substr(1);
  switch (key[0]) {
    case kEntryTag:
      if (rest.size() == 8) return "entry " + std::to_string(ReadU64(rest));
      break;
    case kTileTag:
    case kPartialTag:
      if (rest.size() == 9) {
        return std::string(key[0] == kTileTag ? "tile" : "partial tile") + " level " +
               std::to_string(static_cast<std::uint8_t>(rest[0])) + " index " +
               std::to_string(ReadU64(rest.substr(1)));
      }
      break;
    case kLeafHashTag:
      return "leaf hash " + HexEncode(AsBytes(rest));
    case kRecordHashTag:
      return "record hash " + HexEncode(AsBytes(rest));
    case kCertificateTag:
      return "certificate number " + Quoted(rest);
    case kRevocationTag:
      return "revocation of certificate number " + Quoted(rest);
    case kAccreditationTag: {
      std::string body;
      std::uint64_t time = 0;
      std::uint64_t index = 0;
      if (ParseAccreditationKey(key, &body, &time, &index)) {
        return "accreditation of body " + Quoted(body) + " at time " + std::to_string(time) +
               " by entry " + std::to_string(index);
      }
      break;
    }
    default:
      break;
  }
  return "key " + HexEncode(AsBytes(key));
}

}  // namespace certledger::store
