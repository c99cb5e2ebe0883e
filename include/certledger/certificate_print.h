// The printable certificate: one A4 page (PDF) and its PNG preview.
//
// The page carries what the national notices on skill level certificates
// require (shared/DOMAIN.md, "What a skill certificate shows": title and
// text, the certifying body's name, issue date, holder's name, ID document
// type and number, occupation, work type or "--", the level written as
// "一级/高级技师", the certificate number, a photo box, the QR code and the
// public query address), in Chinese first and English below; for a
// professional title the title's series, specialty, level, route and
// committee instead of the occupation fields.
//
// Text is laid out with Pango and drawn with cairo, in the Noto CJK fonts
// (Debian's fonts-noto-cjk: "Noto Serif CJK SC" regular and bold, "Noto
// Sans CJK SC" regular; embedded as subsets). A page where any character has no
// glyph in any installed font (it would print as an empty box) is refused. The
// QR code is drawn as vector squares from the QR symbol (error correction M),
// 45 mm wide, with its 4-module quiet zone kept clear.
//
// The ID number is printed masked by default (MaskId, as the verifier
// shows it): a paper certificate is shown, copied and photographed, while
// the full number is of use only to the verifier, which reads it from the
// QR code's disclosure. IdPrinting::kFull prints it in full for a body
// that must. Either way the QR code on the page holds the disclosures (the
// full ID number) as DESIGN.md prescribes: the page is personal data.
//
// Output is reproducible: the PDF's creation date is the issue date, so
// the same certificate gives the same bytes.
//
// Thread safety: the functions are reentrant and may run on several
// threads at once; each call has its own cairo surface and uses Pango's
// per-thread default font map (the first call on a thread loads the
// fonts).
#ifndef CERTLEDGER_CERTIFICATE_PRINT_H_
#define CERTLEDGER_CERTIFICATE_PRINT_H_

#include <optional>
#include <string>
#include <string_view>

#include "certledger/bytes.h"
#include "certledger/certificate_rules.h"
#include "certledger/issuer_store.h"
#include "certledger/record.h"
#include "certledger/status.h"

namespace certledger {

// A4 in PDF points (1/72 inch): 210 mm x 297 mm.
inline constexpr double kA4WidthPt = 595.28;
inline constexpr double kA4HeightPt = 841.89;
// The QR symbol's printed width without its quiet zone, in millimetres.
inline constexpr double kPrintedQrMillimetres = 45.0;
// Resolution of the preview PNG written beside the PDF.
inline constexpr int kPreviewDpi = 150;

// How the holder's ID number is printed.
enum class IdPrinting { kMasked, kFull };

// The certifying body as printed: its names from its accreditation. Empty
// names fall back to the body id (the record's issuer).
struct CertifyingBodyNames {
  std::string name_zh;
  std::string name_en;
};

// Everything printed on one certificate, as text (already masked, named
// and formatted where it says so). A plain copyable value; the field names
// are the ones that refusals quote.
struct PrintableCertificate {
  CertificateType type = CertificateType::kSkill;
  std::string number;       // "number"
  std::string holder_name;  // "holder_name"
  std::string id_type_zh;   // "id_type", e.g. 居民身份证
  std::string id_type_en;   //            e.g. Resident Identity Card
  std::string id_number;    // "id_number", as printed (masked or in full)
  std::string level_zh;     // "level": LevelNameZh, e.g. 一级/高级技师
  std::string level_en;
  std::string route_zh;  // "route": RouteNameZh (with the foreign
  std::string route_en;  //   qualification for the overseas route)
  // Skill certificates:
  std::string occupation_code;  // "occupation", e.g. 6-18-01-01
  std::string occupation_name;  //               e.g. 车工
  std::string work_type;        // "work_type", "--" if none
  std::string project;          // "project": the evaluation project
  // Professional titles:
  std::string series_zh;  // "series": e.g. 工程 (the code when not known)
  std::string series_en;
  std::string specialty;  // "specialty"
  std::string committee;  // "committee"
  Date evaluated;
  Date issued;
  std::optional<Date> expires;
  std::string body_name_zh;  // "body_name"
  std::string body_name_en;
  std::string query_url;  // "query_url": the public query address printed
  std::string qr_text;    // exactly what the QR code holds (the QR URL)
};

// Fills a PrintableCertificate from a stored certificate: its record
// (parsed), its disclosures (which must match the record's commitments),
// the body's names, the verifier's base URL (the query address printed is
// <base_url>/v) and the QR text. Errors: InvalidArgument ("print: ...")
// when the record does not parse or is no certificate, or a disclosure is
// missing; VerificationFailed when the disclosures do not match the
// commitments.
[[nodiscard]] Result<PrintableCertificate> MakePrintableCertificate(
    const StoredCertificate& stored, const CertifyingBodyNames& body, std::string_view base_url,
    std::string qr_text, IdPrinting id_printing = IdPrinting::kMasked);

// The page as a one-page A4 PDF (PDF 1.5, fonts embedded as subsets).
// Errors: InvalidArgument when qr_text is empty or a field holds a
// character no installed font can draw (`print: field "holder_name" has 1
// character that no installed font can draw (is fonts-noto-cjk
// installed?)`; the value itself is never quoted); ResourceExhausted when
// qr_text does not fit in a QR code; Internal with cairo's message when
// cairo fails.
[[nodiscard]] Result<Bytes> RenderCertificatePdf(const PrintableCertificate& certificate);

// The same page as an 8-bit greyscale PNG (png.h) at `dpi` (A4 at 150 dpi: 1240
// x 1754 pixels). The QR modules are snapped to whole pixels, so the preview
// scans as well as the print. Errors: as RenderCertificatePdf, and
// InvalidArgument when dpi is not in 36..600.
[[nodiscard]] Result<Bytes> RenderCertificatePng(const PrintableCertificate& certificate,
                                                 int dpi = kPreviewDpi);

}  // namespace certledger

#endif  // CERTLEDGER_CERTIFICATE_PRINT_H_
