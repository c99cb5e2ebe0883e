// QR payload: base64url(zlib(CBOR [record, disclosures, ?proof])) and its URL.
#include <catch2/catch.hpp>

#include <string>

#include "certledger/bytes.h"
#include "certledger/cbor.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"
#include "certledger/zlib.h"
#include "record_fixtures.h"

namespace certledger {
namespace {

using cbor::Value;

QrPayload SamplePayload() {
  Result<SignedRecord> r = SignRecord(testing::SampleSkillCertificate(),
                                      testing::CertificateClaims(), testing::Key1());
  REQUIRE(r.ok());
  QrPayload p;
  p.record = r->bytes;
  p.disclosures = testing::HolderDisclosures();
  return p;
}

// The payload text for arbitrary CBOR bytes (to build bad payloads).
std::string Fragment(const Bytes& cbor_bytes) {
  Result<Bytes> z = Deflate(cbor_bytes, 9);
  REQUIRE(z.ok());
  return Base64UrlEncode(*z);
}

Status DecodeStatus(std::string_view text) {
  Result<QrPayload> p = DecodeQrText(text);
  REQUIRE_FALSE(p.ok());
  return p.status();
}

TEST_CASE("qr: the payload CBOR is [record, disclosures] as pinned", "[qr]") {
  QrPayload p;
  p.record = {0xd2};
  p.disclosures = {testing::HolderDisclosures()[0]};
  // [h'd2', [[h'000102..0f', "name", "张三"]]], written by hand:
  // 82 41 d2 81 83 50 <16 bytes> 64 "name" 66 "张三"
  CHECK(HexEncode(EncodeQrPayloadCbor(p)) ==
        "8241d2818350000102030405060708090a0b0c0d0e0f646e616d6566e5bca0e4b889");
  p.tlog_proof = Bytes{0x01, 0x02};
  CHECK(HexEncode(EncodeQrPayloadCbor(p)) ==
        "8341d2818350000102030405060708090a0b0c0d0e0f646e616d6566e5bca0e4b889420102");
}

TEST_CASE("qr: the URL and its decoding, both directions", "[qr]") {
  QrPayload p = SamplePayload();
  Result<std::string> payload = EncodeQrPayload(p);
  REQUIRE(payload.ok());
  // The fragment is zlib (RFC 1950: CMF 0x78) under unpadded base64url.
  CHECK(payload->find_first_not_of(
            "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_") ==
        std::string::npos);
  Result<Bytes> z = Base64UrlDecode(*payload);
  REQUIRE(z.ok());
  CHECK((*z)[0] == 0x78);
  Result<Bytes> inflated = Inflate(*z, kMaxQrPayloadInflated);
  REQUIRE(inflated.ok());
  CHECK(*inflated == EncodeQrPayloadCbor(p));

  std::string url = QrUrl("https://verify.example.cn/", *payload);
  CHECK(url == "https://verify.example.cn/v#" + *payload);
  CHECK(QrUrl("https://verify.example.cn", "abc") == "https://verify.example.cn/v#abc");

  for (const std::string& text : {url, *payload, "  " + url + "\r\n", "\t" + *payload + " "}) {
    Result<QrPayload> back = DecodeQrText(text);
    INFO(back.status().ToString());
    REQUIRE(back.ok());
    CHECK(*back == p);
  }
  CHECK(QrUrlBase(url) == "https://verify.example.cn");
  CHECK(QrUrlBase(" " + url + "\n") == "https://verify.example.cn");
  CHECK_FALSE(QrUrlBase(*payload).has_value());
  CHECK_FALSE(QrUrlBase("https://x.example/w#abc").has_value());

  // With an offline proof, and the record still parses and verifies.
  p.tlog_proof = Bytes(40, 7);
  Result<std::string> with_proof = EncodeQrPayload(p);
  REQUIRE(with_proof.ok());
  Result<QrPayload> back = DecodeQrText(QrUrl("https://v.example", *with_proof));
  REQUIRE(back.ok());
  CHECK(*back == p);
  Result<SignedRecord> record = ParseRecord(back->record);
  REQUIRE(record.ok());
  CHECK(VerifyRecordSignature(*record, testing::Key1().public_key()).ok());
  CHECK(VerifyDisclosures(record->certificate()->holder, back->disclosures).ok());
}

TEST_CASE("qr: garbage, truncation and bad base64url", "[qr]") {
  CHECK(DecodeStatus("").message() == "qr: empty text");
  CHECK(DecodeStatus(" \n").message() == "qr: empty text");
  CHECK(DecodeStatus("https://v.example/v#").message() == "qr: empty payload");
  CHECK(DecodeStatus("hello world!").message() == "qr: not base64url at position 5");
  CHECK(DecodeStatus("https://v.example/v#abc+def").message() ==
        "qr: not base64url at position 3");
  CHECK(DecodeStatus("abcd=").message() == "qr: not base64url at position 4");
  CHECK(DecodeStatus(std::string(kMaxQrTextSize + 1, 'A')).message() ==
        "qr: text longer than 16384 characters");
  CHECK(DecodeStatus("A").message().rfind("qr: not base64url: ", 0) == 0);

  Result<std::string> payload = EncodeQrPayload(SamplePayload());
  REQUIRE(payload.ok());
  Result<Bytes> z = Base64UrlDecode(*payload);
  REQUIRE(z.ok());
  // Truncated zlib streams (cut in the checksum, in the data, to 2 bytes).
  for (std::size_t keep : {z->size() - 1, z->size() - 4, z->size() / 2, std::size_t{2}}) {
    Status s = DecodeStatus(Base64UrlEncode(ByteView(z->data(), keep)));
    INFO(s.ToString());
    CHECK(s.message().rfind("qr: zlib: truncated stream", 0) == 0);
  }
  // A scan cut short in the text fails one way or the other.
  for (std::size_t cut = 1; cut < 12; ++cut) {
    Status s = DecodeStatus(payload->substr(0, payload->size() - cut));
    INFO(s.ToString());
    CHECK(s.code() == StatusCode::kInvalidArgument);
    CHECK(s.message().rfind("qr: ", 0) == 0);
  }
  // Not zlib at all: plain base64url text.
  CHECK(DecodeStatus(Base64UrlEncode(AsBytes("just some text"))).message().rfind("qr: zlib: ", 0) ==
        0);
  // A corrupted checksum.
  Bytes bad_adler = *z;
  bad_adler.back() ^= 0x01;
  CHECK(DecodeStatus(Base64UrlEncode(bad_adler)).message() ==
        "qr: zlib: Adler-32 checksum mismatch");
}

TEST_CASE("qr: a zlib bomb stops at the inflate limit", "[qr]") {
  // 1 MiB of zeros compresses to about 1 KiB.
  std::string bomb = Fragment(Bytes(1 << 20, 0));
  CHECK(bomb.size() < 2000);
  Status s = DecodeStatus(bomb);
  CHECK(s.code() == StatusCode::kResourceExhausted);
  CHECK(s.message().rfind("qr: zlib: ", 0) == 0);
  // One byte over the limit fails too.
  CHECK(DecodeStatus(Fragment(Bytes(kMaxQrPayloadInflated + 1, 0))).code() ==
        StatusCode::kResourceExhausted);
}

TEST_CASE("qr: the payload must be a CBOR array of 2 or 3 items", "[qr]") {
  const char* kShape = "qr: payload is not a CBOR array of 2 or 3 items";
  Value record = Value::Bytes(Bytes{0xd2});
  Value none = Value::MakeArray();
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeMap()))).message() == kShape);
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeArray({record})))).message() == kShape);
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeArray(
                         {record, none, Value::Bytes({}), Value::Bytes({})}))))
            .message() == kShape);
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::Text("hello")))).message() == kShape);
  // Not CBOR, or not deterministic CBOR (0x18 0x01 is a non-shortest 1).
  CHECK(DecodeStatus(Fragment(Bytes{0xff})).message().rfind("qr: payload: ", 0) == 0);
  CHECK(DecodeStatus(Fragment(Bytes{0x82, 0x41, 0xd2, 0x18, 0x01})).message().rfind(
            "qr: payload: ", 0) == 0);
  // The items.
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeArray({Value::Text("r"), none}))))
            .message() == "qr: record is not a non-empty byte string");
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeArray({Value::Bytes({}), none}))))
            .message() == "qr: record is not a non-empty byte string");
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeArray({record, Value::MakeMap()}))))
            .message() == "qr: disclosures is not an array");
  CHECK(DecodeStatus(Fragment(cbor::Encode(
                         Value::MakeArray({record, Value::MakeArray({Value::Uint(1)})}))))
            .message() == "qr: disclosure 0: disclosure: not an array [salt, name, value]");
  CHECK(DecodeStatus(Fragment(cbor::Encode(Value::MakeArray({record, none, Value::Uint(1)}))))
            .message() == "qr: tlog proof is not a byte string");
  // The smallest valid payload.
  Result<QrPayload> minimal = DecodeQrText(Fragment(cbor::Encode(Value::MakeArray({record, none}))));
  REQUIRE(minimal.ok());
  CHECK(minimal->record == Bytes{0xd2});
  CHECK(minimal->disclosures.empty());
  CHECK_FALSE(minimal->tlog_proof.has_value());
}

}  // namespace
}  // namespace certledger
