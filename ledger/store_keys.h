// The RocksDB key schema of LedgerStore (private to ledger/). The grammar is
// at the top of store_keys.cpp and in docs/STORAGE.md.
//
// All functions are pure and thread-safe.
#ifndef CERTLEDGER_LEDGER_STORE_KEYS_H_
#define CERTLEDGER_LEDGER_STORE_KEYS_H_

#include <cstdint>
#include <string>
#include <string_view>

#include "certledger/sha256.h"

namespace certledger::store {

// The value of FormatKey(): the schema version this code reads and writes.
inline constexpr std::string_view kFormatVersion = "certledger-store-1";

std::string FormatKey();
std::string StateKey();
std::string CheckpointKey();
std::string EntryKey(std::uint64_t index);
std::string TileKey(int level, std::uint64_t index);
std::string PartialTileKey(int level, std::uint64_t index);
std::string LeafHashKey(const Hash256& leaf_hash);
std::string RecordHashKey(const Hash256& record_hash);
std::string CertificateKey(std::string_view number);
std::string RevocationKey(std::string_view number);
// Precondition: body_id.size() <= 65535.
std::string AccreditationKey(std::string_view body_id, std::uint64_t time, std::uint64_t index);
// The prefix of every AccreditationKey of one body, and of all bodies.
std::string AccreditationPrefix(std::string_view body_id);
std::string AccreditationsPrefix();

// Decodes an AccreditationKey; false if `key` is not one.
bool ParseAccreditationKey(std::string_view key, std::string* body_id, std::uint64_t* time,
                           std::uint64_t* index);
// Decodes an EntryKey; false if `key` is not one.
bool ParseEntryKey(std::string_view key, std::uint64_t* index);

// An index value: the entry index as 8 bytes big-endian.
std::string EncodeIndex(std::uint64_t index);
bool DecodeIndex(std::string_view value, std::uint64_t* index);

// The state value: tree size as 8 bytes big-endian, then the 32-byte root.
std::string EncodeState(std::uint64_t size, const Hash256& root);
bool DecodeState(std::string_view value, std::uint64_t* size, Hash256* root);

// A printable form of a key for messages: its kind and its fields, e.g.
// "certificate number \"Y0001...\"" or "leaf hash 3a5f...".
std::string DescribeKey(std::string_view key);

}  // namespace certledger::store

#endif  // CERTLEDGER_LEDGER_STORE_KEYS_H_
