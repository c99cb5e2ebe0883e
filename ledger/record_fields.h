// Internal helpers for the record codecs: a reader for CBOR
// maps with text keys that produces messages naming the field, a builder
// for such maps, and the per-kind body codecs. Not a public header.
#ifndef CERTLEDGER_LEDGER_RECORD_FIELDS_H_
#define CERTLEDGER_LEDGER_RECORD_FIELDS_H_

#include <cstdint>
#include <optional>
#include <set>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "certledger/cbor.h"
#include "certledger/record.h"
#include "certledger/status.h"
#include "certledger/utf8.h"

namespace certledger::internal {

// Reads the fields of one map with text keys and remembers which were read,
// so that Finish() can reject the rest. `what` starts every message ("certificate");
// `path` prefixes field names for nested maps ("holder.", "keys[0].").
class FieldReader {
 public:
  // InvalidArgument if `value` is not a map or has a key that is not text.
  static Result<FieldReader> Open(std::string what, std::string path, const cbor::Value& value);

  // The raw value, or nullptr when absent; marks the field as read.
  const cbor::Value* Get(std::string_view key);

  // Required fields: "missing field" when absent, a type error otherwise.
  // Text must be non-empty.
  Result<std::string> Text(std::string_view key);
  // As Text, but a view into the map (valid while the map lives and is
  // not modified), for fields that are only parsed.
  Result<std::string_view> TextView(std::string_view key);
  Result<std::uint64_t> Uint(std::string_view key);
  Result<Bytes> FixedBytes(std::string_view key, std::size_t size);
  // As FixedBytes, but a view into the map (valid as for TextView).
  Result<ByteView> FixedBytesView(std::string_view key, std::size_t size);
  Result<Date> DateField(std::string_view key);
  Result<const cbor::Value*> Array(std::string_view key);
  Result<const cbor::Value*> Map(std::string_view key);
  // Optional fields: nullopt when absent.
  Result<std::optional<std::string>> OptionalText(std::string_view key);
  Result<std::optional<std::string_view>> OptionalTextView(std::string_view key);
  Result<std::optional<std::uint64_t>> OptionalUint(std::string_view key);
  Result<std::optional<Date>> OptionalDate(std::string_view key);

  // InvalidArgument `<what>: unknown field "<path><key>"` for the first
  // field never read.
  Status Finish() const;

  // `<what>: field "<path><key>": <message>`.
  Status Error(std::string_view key, std::string_view message) const;
  // `<what>: missing field "<path><key>"`.
  Status Missing(std::string_view key) const;
  const std::string& what() const { return what_; }
  const std::string& path() const { return path_; }

 private:
  FieldReader(std::string what, std::string path, const cbor::Value* map)
      : what_(std::move(what)), path_(std::move(path)), map_(map) {}
  std::string what_;
  std::string path_;
  // Marks entry `index` of the map as read.
  void MarkRead(std::size_t index);
  bool WasRead(std::size_t index) const;

  const cbor::Value* map_;
  // Which entries of the map were read, by index: a bit mask for the
  // first 64, a vector only for larger maps.
  std::uint64_t read_mask_ = 0;
  std::vector<bool> read_more_;
};

// Builds a map with text keys. Text values are checked for UTF-8 (the
// first bad one is reported by Finish()), so a struct holding arbitrary
// bytes never reaches cbor::Value::Text.
class MapBuilder {
 public:
  explicit MapBuilder(std::string what) : what_(std::move(what)) {}
  MapBuilder& Text(std::string_view key, std::string_view value);
  MapBuilder& OptionalText(std::string_view key, const std::optional<std::string>& value);
  MapBuilder& Uint(std::string_view key, std::uint64_t value);
  MapBuilder& OptionalUint(std::string_view key, const std::optional<std::uint64_t>& value);
  MapBuilder& Set(std::string_view key, cbor::Value value);
  // A text array; elements checked like Text().
  MapBuilder& TextArray(std::string_view key, const std::vector<std::string>& values);
  Result<cbor::Value> Finish();

 private:
  std::string what_;
  // The fields in the order given; Finish() sorts them into a map (later
  // values replace earlier ones of the same key, as cbor::Value::Set does).
  std::vector<std::pair<std::string, cbor::Value>> fields_;
  Status status_;
};

// Reads an array of non-empty, distinct text strings (field `key` of r).
Result<std::vector<std::string>> TextArray(FieldReader& r, std::string_view key);

// Per-kind body codecs (accreditation.cpp, certificate.cpp, revocation.cpp).
// Encoders do not validate; EncodeRecordBody decodes their output to do so.
Result<cbor::Value> EncodeAccreditation(const Accreditation& a);
Result<Accreditation> DecodeAccreditation(const cbor::Value& body);
Result<cbor::Value> EncodeCertificate(const Certificate& c);
Result<Certificate> DecodeCertificate(const cbor::Value& body);
Result<cbor::Value> EncodeRevocation(const Revocation& r);
Result<Revocation> DecodeRevocation(const cbor::Value& body);

// Checks a certificate number (field `key` of r, for the message): 1 to 64
// bytes, no whitespace or control characters.
Status CheckCertificateNumber(const FieldReader& r, std::string_view key,
                              std::string_view number);

}  // namespace certledger::internal

#endif  // CERTLEDGER_LEDGER_RECORD_FIELDS_H_
