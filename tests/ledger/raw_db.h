// Changes at rest for tests: a ledger store's RocksDB directory opened with
// RocksDB's own API (no certledger code), and its keys.
//
// Keys are built here from the schema written in docs/STORAGE.md (not with
// the store's own key functions), so that the tests also pin the schema.
#ifndef CERTLEDGER_TESTS_LEDGER_RAW_DB_H_
#define CERTLEDGER_TESTS_LEDGER_RAW_DB_H_

#include <rocksdb/db.h>

#include <memory>
#include <stdexcept>
#include <string>

#include "certledger/bytes.h"
#include "certledger/sha256.h"

namespace certledger::test {

// ----------------------------------------------------------------- keys

inline std::string U64(std::uint64_t v) {
  std::string out;
  for (int shift = 56; shift >= 0; shift -= 8)
    out.push_back(static_cast<char>((v >> shift) & 0xff));
  return out;
}

inline std::string EntryRow(std::uint64_t i) { return "e" + U64(i); }
inline std::string TileRow(int level, std::uint64_t n) {
  return "t" + std::string(1, static_cast<char>(level)) + U64(n);
}
inline std::string PartialRow(int level, std::uint64_t n) {
  return "p" + std::string(1, static_cast<char>(level)) + U64(n);
}
inline std::string HashRow(char tag, const Hash256& h) {
  return std::string(1, tag) + std::string(h.begin(), h.end());
}
inline std::string AccreditationRow(const std::string& body, std::uint64_t time,
                                    std::uint64_t index) {
  std::string key = "a";
  key.push_back(static_cast<char>(body.size() >> 8));
  key.push_back(static_cast<char>(body.size() & 0xff));
  return key + body + U64(time) + U64(index);
}

// SHA-256(0x00 || leaf), RFC 9162 section 2.1.1, with nothing but SHA-256.
inline Hash256 LeafHashOf(const std::string& leaf) {
  Sha256 h;
  h.Update(std::uint8_t{0x00}).Update(AsBytes(leaf));
  return h.Finish();
}

// ------------------------------------------------------- raw RocksDB access

class RawDb {
 public:
  explicit RawDb(const std::string& path) {
    rocksdb::DB* raw = nullptr;
    rocksdb::Status s = rocksdb::DB::Open(rocksdb::Options(), path, &raw);
    db_.reset(raw);
    if (!s.ok()) throw std::runtime_error("open " + path + ": " + s.ToString());
  }
  std::string Get(const std::string& key) {
    std::string value;
    rocksdb::Status s = db_->Get(rocksdb::ReadOptions(), key, &value);
    if (!s.ok()) throw std::runtime_error("get: " + s.ToString());
    return value;
  }
  void Put(const std::string& key, const std::string& value) {
    rocksdb::WriteOptions options;
    options.sync = true;
    rocksdb::Status s = db_->Put(options, key, value);
    if (!s.ok()) throw std::runtime_error("put: " + s.ToString());
  }
  void Delete(const std::string& key) {
    rocksdb::WriteOptions options;
    options.sync = true;
    rocksdb::Status s = db_->Delete(options, key);
    if (!s.ok()) throw std::runtime_error("delete: " + s.ToString());
  }
  // Flips the lowest bit of byte `offset` of the value of `key`: one byte
  // changed at rest.
  void Flip(const std::string& key, std::size_t offset) {
    std::string value = Get(key);
    if (offset >= value.size()) throw std::runtime_error("offset beyond the value");
    value[offset] = static_cast<char>(value[offset] ^ 0x01);
    Put(key, value);
  }
  rocksdb::DB& db() { return *db_; }

 private:
  std::unique_ptr<rocksdb::DB> db_;
};

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_LEDGER_RAW_DB_H_
