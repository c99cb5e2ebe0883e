// print_bench: what each certificate's files cost, per certificate,
// beside raw libsodium Ed25519 signing measured in the same run.
//
//   QR URL + symbol + PNG   EncodeQrPayload, QrUrl, EncodeQr (level M),
//                           RenderQrPng (8 px per module): <number>.qr.png
//   QR SVG                  RenderQrSvg of the symbol: <number>.qr.svg
//   PDF page                MakePrintableCertificate + RenderCertificatePdf
//   PNG preview page        the same page rasterised at 150 dpi
//   all files, 1 thread     WriteCertificateFiles to a temporary directory
//                           (QR files, PDF, preview; atomic writes, no fsync)
//   PDF + preview, 2 thr.   both pages on two threads at once (certs/s of the
//                           pair; the batch's "write" stage runs this way)
//   Ed25519 sign (raw)      crypto_sign_detached over the record's size
//
// Certificates are real signed records with rotating synthetic holders,
// so the fonts' glyph caches see different names. Each figure is the best
// of kRounds runs of about kRunSeconds, after one warm-up call (the first
// call on a thread loads the fonts: printed separately). About 20 seconds.
#include <sodium.h>
#include <unistd.h>

#include <algorithm>
#include <atomic>
#include <chrono>
#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <filesystem>
#include <functional>
#include <string>
#include <thread>
#include <vector>

#include "certledger/batch.h"
#include "certledger/certificate_print.h"
#include "certledger/disclosure.h"
#include "certledger/ed25519.h"
#include "certledger/qr_image.h"
#include "certledger/qr_payload.h"
#include "certledger/record.h"

namespace {

using Clock = std::chrono::steady_clock;
using namespace certledger;

constexpr double kRunSeconds = 1.5;
constexpr int kRounds = 2;
constexpr char kBaseUrl[] = "https://verify.example.cn";

volatile std::uint8_t g_sink = 0;

[[noreturn]] void Fail(const std::string& what) {
  std::fprintf(stderr, "print_bench: %s\n", what.c_str());
  std::exit(1);
}

template <typename T>
T Must(Result<T> r, const char* what) {
  if (!r.ok()) Fail(std::string(what) + ": " + r.status().ToString());
  return std::move(*r);
}

// Operations per second of `op(i)`, i counting up, until kRunSeconds pass.
double Rate(const std::function<void(std::size_t)>& op) {
  std::size_t count = 0;
  Clock::time_point start = Clock::now();
  double elapsed = 0;
  do {
    op(count++);
    elapsed = std::chrono::duration<double>(Clock::now() - start).count();
  } while (elapsed < kRunSeconds);
  return static_cast<double>(count) / elapsed;
}

double Best(const std::function<void(std::size_t)>& op) {
  double best = 0;
  for (int r = 0; r < kRounds; ++r) best = std::max(best, Rate(op));
  return best;
}

// The same on two threads at once (each warmed up first): pages per second.
double Best2(const std::function<void(std::size_t)>& op) {
  double best = 0;
  for (int r = 0; r < kRounds; ++r) {
    std::atomic<int> ready{0};
    std::atomic<bool> go{false}, stop{false};
    std::atomic<std::size_t> done{0};
    auto work = [&](std::size_t t) {
      op(t);  // loads the fonts on a new thread
      ready.fetch_add(1);
      while (!go.load()) std::this_thread::yield();
      for (std::size_t i = t; !stop.load(); i += 2) {
        op(i);
        done.fetch_add(1);
      }
    };
    std::thread a(work, 0), b(work, 1);
    while (ready.load() < 2) std::this_thread::yield();
    Clock::time_point start = Clock::now();
    go.store(true);
    std::this_thread::sleep_for(std::chrono::duration<double>(kRunSeconds));
    const std::size_t finished = done.load();
    const double elapsed = std::chrono::duration<double>(Clock::now() - start).count();
    stop.store(true);
    a.join();
    b.join();
    best = std::max(best, static_cast<double>(finished) / elapsed);
  }
  return best;
}

void Row(const char* name, double per_second) {
  std::printf("%-28s %10.3f %12.1f\n", name, 1000.0 / per_second, per_second);
}

// A signed skill certificate of a synthetic holder, as IssueBatch stores it.
StoredCertificate SignedCertificate(const SecretKey& key, int i) {
  static const char* kNames[] = {"张伟", "王芳",   "李娜",   "刘洋",    "陈静",   "杨磊",
                                 "赵敏", "黄晓明", "周杰",   "吴秀英",  "徐建国", "孙丽华",
                                 "马俊", "朱红梅", "胡志强", "欧阳明月"};
  certledger::Certificate c;
  char number[32];
  std::snprintf(number, sizeof number, "Y00013100012326%d%06d", 1 + i % 5, i + 1);
  c.number = number;
  c.type = CertificateType::kSkill;
  c.level = static_cast<Level>(static_cast<int>(Level::kSkill5) + i % 5);
  c.route = Route::kExam;
  c.issued = Date{2026, 1, 5};
  c.evaluated = Date{2025, 12, 20};
  c.occupation = "6-18-01-01";
  c.occupation_name = "车工";
  c.work_type = "--";
  c.project = "AW-2025-07";
  Disclosure name = Must(MakeDisclosure("name", kNames[i % std::size(kNames)]), "disclosure");
  Disclosure id = Must(MakeDisclosure("id", "310101199001011234"), "disclosure");
  c.holder = Must(CommitmentsOf({name, id}), "commitments");
  SignedRecord record =
      Must(SignRecord(c, cwt::Claims{"alpha-works", 1768046400, std::nullopt, {}}, key), "sign");
  return StoredCertificate{c.number,          record.bytes, {name, id},
                           IdType::kResident, std::nullopt, 1768046400};
}

std::string QrText(const StoredCertificate& c) {
  std::string fragment =
      Must(EncodeQrPayload(QrPayload{c.record, c.disclosures, std::nullopt}), "qr payload");
  return QrUrl(kBaseUrl, fragment);
}

}  // namespace

int main() {
  InitSodium();
  SecretKey key = SecretKey::Generate();
  const CertifyingBodyNames body{"上海电气集团股份有限公司", "Shanghai Electric Group Co., Ltd."};
  constexpr int kCertificates = 64;
  std::vector<StoredCertificate> certs;
  std::vector<PrintableCertificate> pages;
  for (int i = 0; i < kCertificates; ++i) {
    certs.push_back(SignedCertificate(key, i));
    pages.push_back(Must(
        MakePrintableCertificate(certs.back(), body, kBaseUrl, QrText(certs.back())), "printable"));
  }
  const std::string tmp = std::filesystem::temp_directory_path().string() + "/print_bench_" +
                          std::to_string(::getpid());
  std::filesystem::create_directories(tmp);

  // Cold start: the first page on this thread loads the fonts.
  Clock::time_point t0 = Clock::now();
  Bytes first = Must(RenderCertificatePdf(pages[0]), "pdf");
  const double cold_ms = std::chrono::duration<double, std::milli>(Clock::now() - t0).count();
  std::size_t pdf_bytes = 0, png_bytes = 0;
  for (int i = 0; i < 8; ++i) {
    pdf_bytes += Must(RenderCertificatePdf(pages[i]), "pdf").size();
    png_bytes += Must(RenderCertificatePng(pages[i], kPreviewDpi), "png").size();
  }
  const QrSymbol symbol = Must(EncodeQr(pages[0].qr_text), "qr");

  std::printf(
      "one certificate: QR text %zu chars, QR symbol %d modules; PDF %.0f KiB, "
      "preview PNG %.0f KiB (mean of 8); first PDF on a thread %.0f ms (fonts "
      "load)\n\n",
      pages[0].qr_text.size(), symbol.width(), pdf_bytes / 8.0 / 1024, png_bytes / 8.0 / 1024,
      cold_ms);
  std::printf("%-28s %10s %12s\n", "per certificate", "ms/cert", "certs/s");

  Row("QR URL + symbol + PNG", Best([&](std::size_t i) {
        const StoredCertificate& c = certs[i % kCertificates];
        QrSymbol s = Must(EncodeQr(QrText(c), QrErrorCorrection::kM), "qr");
        g_sink = g_sink ^ Must(RenderQrPng(s), "qr png")[40];
      }));
  Row("QR SVG", Best([&](std::size_t) {
        g_sink = g_sink ^ static_cast<std::uint8_t>(RenderQrSvg(symbol)[100]);
      }));
  Row("PDF page", Best([&](std::size_t i) {
        const StoredCertificate& c = certs[i % kCertificates];
        PrintableCertificate page =
            Must(MakePrintableCertificate(c, body, kBaseUrl, pages[i % kCertificates].qr_text),
                 "printable");
        g_sink = g_sink ^ Must(RenderCertificatePdf(page), "pdf")[100];
      }));
  Row("PNG preview page (150 dpi)", Best([&](std::size_t i) {
        g_sink =
            g_sink ^ Must(RenderCertificatePng(pages[i % kCertificates], kPreviewDpi), "png")[100];
      }));
  Row("all files, 1 thread", Best([&](std::size_t i) {
        CertificateFileOptions files;
        files.body = body;
        Status s = WriteCertificateFiles(certs[i % kCertificates], kBaseUrl, tmp, files);
        if (!s.ok()) Fail(s.ToString());
      }));
  Row("QR files only, 1 thread", Best([&](std::size_t i) {
        CertificateFileOptions files;
        files.printable = false;
        Status s = WriteCertificateFiles(certs[i % kCertificates], kBaseUrl, tmp, files);
        if (!s.ok()) Fail(s.ToString());
      }));
  Row("PDF + preview, 2 threads", Best2([&](std::size_t i) {
        const PrintableCertificate& page = pages[i % kCertificates];
        g_sink = g_sink ^ Must(RenderCertificatePdf(page), "pdf")[100];
        g_sink = g_sink ^ Must(RenderCertificatePng(page, kPreviewDpi), "png")[100];
      }));

  Bytes message(400);  // about a certificate record's size
  randombytes_buf(message.data(), message.size());
  unsigned char pk[crypto_sign_PUBLICKEYBYTES], sk[crypto_sign_SECRETKEYBYTES];
  crypto_sign_keypair(pk, sk);
  Row("Ed25519 sign (raw libsodium)", Best([&](std::size_t) {
        unsigned char sig[crypto_sign_BYTES];
        crypto_sign_detached(sig, nullptr, message.data(), message.size(), sk);
        g_sink = g_sink ^ sig[0];
      }));
  sodium_memzero(sk, sizeof sk);
  std::filesystem::remove_all(tmp);
  g_sink = g_sink ^ first[0];
  return 0;
}
