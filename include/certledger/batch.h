// Batch issuance: a CSV file of evaluation results in, signed and logged
// certificates with their QR codes out (docs/ISSUING.md describes the
// columns).
//
// Two steps, so that nothing is issued from a file with a bad row:
//
//   PlanBatch()   reads the CSV and checks every row: the header, every
//                 field's domain rule (certificate_rules.h), given numbers
//                 (numbering.h), the body's scope when known, repeated rows
//                 and numbers. Returns every problem with its line, column
//                 and reason, or the rows ready to issue. Rows that an
//                 earlier run already issued (the same row hash in the
//                 store) are marked and skipped by the checks.
//   IssueBatch()  for a plan without problems: numbers (serials reserved
//                 durably first), disclosures, signatures (on several
//                 threads), the store (durable BEFORE submission, so that a
//                 run interrupted at any point can be repeated), submission
//                 through a RecordSink, revocation of superseded
//                 certificates, and the output files
//                 <out>/<number>.qr.txt, .qr.png and .qr.svg, and the
//                 printable certificate <number>.pdf with its preview
//                 <number>.png (certificate_print.h).
//
// Running the same file again issues nothing twice: every row already in
// the store is resubmitted with its stored record (the ledger answers
// "duplicate") and its files are written again.
//
// Holder privacy: the name and ID number go into disclosures in the store
// and the QR payload only; the record holds their commitments; no message
// or report here quotes them.
//
// Thread safety: functions are reentrant; one IssuerStore and one sink are
// used by one call at a time.
#ifndef CERTLEDGER_BATCH_H_
#define CERTLEDGER_BATCH_H_

#include <cstdint>
#include <functional>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/certificate_print.h"
#include "certledger/certificate_rules.h"
#include "certledger/issuer_profile.h"
#include "certledger/issuer_store.h"
#include "certledger/key_file.h"
#include "certledger/record.h"
#include "certledger/record_sink.h"
#include "certledger/sha256.h"

namespace certledger {

// One problem of a batch file. line 0: the file as a whole; column 0: the
// row as a whole.
struct RowError {
  std::size_t line = 0;
  std::size_t column = 0;
  std::string column_name;  // the header's name of the column, if any
  std::string message;

  // "line 3, column 5 (id_number): <message>", "line 3: <message>", or
  // "<message>".
  std::string ToString() const;
  friend bool operator==(const RowError&, const RowError&) = default;
};

// A row that passed every check. Holds personal data: never log it.
struct BatchRow {
  std::size_t line = 0;
  Hash256 row_hash{};       // SHA-256 over the row's canonical form
  Certificate certificate;  // number empty unless given; holder not set yet
  std::string holder_name;
  std::string id_number;    // normalized (NormalizeIdNumber)
  IdType id_type = IdType::kResident;
  std::optional<std::string> supersedes;  // the number this row corrects
  // Set when an earlier run issued this row: its number.
  std::optional<std::string> issued_number;
};

struct BatchPlan {
  std::vector<BatchRow> rows;
  std::vector<RowError> errors;  // not empty: issue nothing
};

struct BatchOptions {
  Date today;                           // the issuer's date in China
  std::optional<Date> default_issued;   // issue date of rows without one (default: today)
  // The body's accreditation, when known: rows outside its scope are
  // errors, and so is a withdrawn accreditation.
  std::optional<Accreditation> accreditation;
  // When known: whether the ledger holds a certificate number already. A
  // given number it holds is an error. May be empty.
  std::function<bool(std::string_view)> number_in_ledger;
};

// Checks every row of `csv_text`. Never fails as a whole: the problems are
// in plan.errors, in line order. The messages, besides the CSV ones
// (csv.h) and the field rules (certificate_rules.h, numbering.h):
//   line 0  "the file has no header row", "the file has no rows below the header",
//           "the accreditation of \"b\" was withdrawn",
//           "the profile has no skill numbering (org_type, org_code, province, site)"
//           (at the first skill row; the same for titles without committee)
//   header  `unknown column "x"`, `column "name" appears twice`,
//           `the header has no column "id_number"`
//   row     "the row has 7 fields, the header 9", "repeats line 3"
//   field   "is empty" (a required field), "is not used by skill certificates;
//           leave it empty", `certificate number "N" is also on line 3`,
//           `certificate number "N" was issued already, from another row`,
//           `certificate number "N" is in the ledger already`,
//           `certificate number "N" has level character 2, the row's level is
//           一级/高级技师 (1)`, `certificate number "N" is of year 25, the
//           issue date of 2026`, `certificate number "N" does not carry this
//           body's codes Y000131000123`,
//           `certificate "N" to supersede is not in this issuer's store`,
//           `certificate "N" was revoked already`, `certificate "N" is
//           superseded on line 3 too`,
//           `occupation "6-18-01-01" is not in the accreditation of "b"`,
//           `series "x" is not in the accreditation of "b"`,
//           `level 一级/高级技师 is not in the accreditation of "b"`.
BatchPlan PlanBatch(std::string_view csv_text, const IssuerProfile& profile,
                    const IssuerStore& store, const BatchOptions& options);

// What happened to one row.
struct IssuedRow {
  std::size_t line = 0;
  std::string number;
  bool repeated = false;        // issued by an earlier run; nothing new was signed
  Status submission;            // OK, or the sink's refusal or error
  std::optional<SinkReceipt> receipt;
  std::optional<std::string> superseded;  // the old number this row revokes
  Status revocation;            // of `superseded`: OK or why not
  bool files_written = false;
};

struct BatchReport {
  std::vector<IssuedRow> rows;  // in file order
  std::size_t issued = 0;       // newly signed and logged
  std::size_t repeated = 0;     // from an earlier run, logged
  std::size_t refused = 0;      // not logged (see submission)
};

// Progress of a long run: `stage` is "number", "sign", "store", "submit",
// "revoke" or "write"; called with done = 0 at a stage's start and
// done = total at its end, from the calling thread.
using BatchProgress =
    std::function<void(std::string_view stage, std::size_t done, std::size_t total)>;

// What WriteCertificateFiles writes besides the QR files.
struct CertificateFileOptions {
  CertifyingBodyNames body;  // printed as the certifying body (default: the body id)
  bool printable = true;     // <number>.pdf and its preview <number>.png
  IdPrinting id_printing = IdPrinting::kMasked;  // the ID number on the page
};

struct IssueOptions {
  std::string body;        // iss of the records (non-empty)
  std::uint64_t now = 0;   // iat and revocation time, seconds
  std::string out_dir;     // where the QR files go (created, mode 0700)
  std::string base_url;    // the verifier's public URL
  int threads = 2;         // signing and rendering threads
  BatchProgress progress;  // may be empty
  // When known: whether the ledger holds a number already (issued from a
  // store that was lost, or by hand); numbering skips such numbers. May be
  // empty.
  std::function<bool(std::string_view)> number_in_ledger;
  CertificateFileOptions files;  // the printable certificates
};

// Issues `plan` (whose errors must be empty). Returns the report, in which
// single rows may have been refused by the ledger (their files are not
// written); an error when the batch could not go on:
//   InvalidArgument   the plan has errors, or options are incomplete;
//   ResourceExhausted the serials of a sequence are used up (nothing issued);
//   errors of IssuerStore (reserve, append) and of writing the files.
// A run interrupted anywhere leaves the store consistent: run it again.
[[nodiscard]] Result<BatchReport> IssueBatch(const BatchPlan& plan, const IssuerProfile& profile,
                                             const SecretKey& key, IssuerStore& store,
                                             RecordSink& sink, const IssueOptions& options);

// Writes the files of a stored certificate (a reprint keeps its number
// and QR code): <out>/<number>.qr.txt (the URL and a newline), .qr.png and
// .qr.svg, and unless files.printable is false the printable certificate
// <number>.pdf and its preview <number>.png (kPreviewDpi); all mode 0600
// (they hold the disclosures). Errors: those of EncodeQrPayload, EncodeQr,
// RenderQrPng, MakePrintableCertificate, RenderCertificatePdf and
// RenderCertificatePng; IOError.
[[nodiscard]] Status WriteCertificateFiles(const StoredCertificate& certificate,
                                           const std::string& base_url,
                                           const std::string& out_dir,
                                           const CertificateFileOptions& files = {});

}  // namespace certledger

#endif  // CERTLEDGER_BATCH_H_
