// Test TLS material made with OpenSSL at run time.
#ifndef CERTLEDGER_TESTS_VERIFIER_TLS_TEST_UTIL_H_
#define CERTLEDGER_TESTS_VERIFIER_TLS_TEST_UTIL_H_

#include <openssl/evp.h>
#include <openssl/pem.h>
#include <openssl/x509.h>
#include <openssl/x509v3.h>

#include <catch2/catch.hpp>

#include <cstdio>
#include <memory>
#include <string>

namespace certledger::test {

// A self-signed P-256 certificate for 127.0.0.1 (its CN and an IP address in
// subjectAltName, which is what TLS clients check), written as PEM files.
inline void WriteSelfSignedCertificate(const std::string& cert_path, const std::string& key_path) {
  std::unique_ptr<EVP_PKEY, decltype(&EVP_PKEY_free)> key(EVP_EC_gen("P-256"), EVP_PKEY_free);
  REQUIRE(key);
  std::unique_ptr<X509, decltype(&X509_free)> cert(X509_new(), X509_free);
  REQUIRE(cert);
  REQUIRE(X509_set_version(cert.get(), 2) == 1);
  REQUIRE(ASN1_INTEGER_set(X509_get_serialNumber(cert.get()), 1) == 1);
  REQUIRE(X509_gmtime_adj(X509_getm_notBefore(cert.get()), -3600) != nullptr);
  REQUIRE(X509_gmtime_adj(X509_getm_notAfter(cert.get()), 3600) != nullptr);
  REQUIRE(X509_set_pubkey(cert.get(), key.get()) == 1);
  X509_NAME* name = X509_get_subject_name(cert.get());
  REQUIRE(X509_NAME_add_entry_by_txt(name, "CN", MBSTRING_ASC,
                                     reinterpret_cast<const unsigned char*>("127.0.0.1"), -1, -1,
                                     0) == 1);
  REQUIRE(X509_set_issuer_name(cert.get(), name) == 1);
  std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> ca(
      X509V3_EXT_conf_nid(nullptr, nullptr, NID_basic_constraints, "critical,CA:TRUE"),
      X509_EXTENSION_free);
  REQUIRE(ca);
  REQUIRE(X509_add_ext(cert.get(), ca.get(), -1) == 1);
  std::unique_ptr<X509_EXTENSION, decltype(&X509_EXTENSION_free)> san(
      X509V3_EXT_conf_nid(nullptr, nullptr, NID_subject_alt_name, "IP:127.0.0.1"),
      X509_EXTENSION_free);
  REQUIRE(san);
  REQUIRE(X509_add_ext(cert.get(), san.get(), -1) == 1);
  REQUIRE(X509_sign(cert.get(), key.get(), EVP_sha256()) > 0);
  std::unique_ptr<FILE, decltype(&std::fclose)> cf(std::fopen(cert_path.c_str(), "w"), std::fclose);
  REQUIRE(cf);
  REQUIRE(PEM_write_X509(cf.get(), cert.get()) == 1);
  std::unique_ptr<FILE, decltype(&std::fclose)> kf(std::fopen(key_path.c_str(), "w"), std::fclose);
  REQUIRE(kf);
  REQUIRE(PEM_write_PrivateKey(kf.get(), key.get(), nullptr, nullptr, 0, nullptr, nullptr) == 1);
}

}  // namespace certledger::test

#endif  // CERTLEDGER_TESTS_VERIFIER_TLS_TEST_UTIL_H_
