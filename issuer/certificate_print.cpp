// Rendering the printable certificate with cairo and Pango
// (certificate_print.h).
//
// The page, in millimetres from the top left of an A4 sheet (210 x 297):
//
//   10, 12.5   double border (2.2 pt and 0.7 pt)
//   y 24       title: 职业技能等级证书 / 专业技术职称证书, English below
//              certificate text (Chinese, English below)
//   table      one row per field: Chinese label with its English name
//              under it (x 25), value with its English under it (x 71);
//              the photo box (35 x 45) at x 150 beside the first rows
//   y 222      bottom: certifying body, issue date and query address on
//              the left; the QR code on the right, its symbol 45 mm wide
//              with its lower right corner at (185, 268), a 4-module quiet
//              zone around it kept clear
//
// If the table would run into the bottom block (long values wrap), the
// table's text is laid out again smaller, down to 60 %, before giving up.
// Sizes are absolute (user units = points), hinting is off, so the PDF and
// the PNG preview have the same layout; in the PNG only the QR modules
// are snapped to whole pixels.
#include "certledger/certificate_print.h"

#include <cairo-pdf.h>
#include <cairo.h>
#include <pango/pangocairo.h>

#include <algorithm>
#include <cmath>
#include <cstdint>
#include <cstdio>
#include <memory>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "certledger/png.h"
#include "certledger/qr_image.h"

namespace certledger {
namespace {

constexpr double kMm = 72.0 / 25.4;  // points per millimetre
constexpr int kQuietModules = 4;

// Ownership of cairo and Pango objects.
struct SurfaceDeleter {
  void operator()(cairo_surface_t* s) const { cairo_surface_destroy(s); }
};
struct ContextDeleter {
  void operator()(cairo_t* cr) const { cairo_destroy(cr); }
};
struct FontOptionsDeleter {
  void operator()(cairo_font_options_t* o) const { cairo_font_options_destroy(o); }
};
struct GObjectDeleter {
  void operator()(gpointer p) const { g_object_unref(p); }
};
struct FontDescriptionDeleter {
  void operator()(PangoFontDescription* d) const { pango_font_description_free(d); }
};
using SurfacePtr = std::unique_ptr<cairo_surface_t, SurfaceDeleter>;
using CairoPtr = std::unique_ptr<cairo_t, ContextDeleter>;
using FontOptionsPtr = std::unique_ptr<cairo_font_options_t, FontOptionsDeleter>;
using PangoContextPtr = std::unique_ptr<PangoContext, GObjectDeleter>;
using LayoutPtr = std::unique_ptr<PangoLayout, GObjectDeleter>;
using FontDescriptionPtr = std::unique_ptr<PangoFontDescription, FontDescriptionDeleter>;

Status CairoError(cairo_status_t status, std::string_view what) {
  return Status::Internal("print: " + std::string(what) +
                          ": cairo: " + cairo_status_to_string(status));
}

struct Colour {
  double r, g, b;
};
constexpr Colour kInk{0.08, 0.08, 0.08};
constexpr Colour kGrey{0.38, 0.38, 0.38};
constexpr Colour kRule{0.75, 0.75, 0.75};
constexpr Colour kBorder{0.55, 0.10, 0.10};

constexpr const char* kSerif = "Noto Serif CJK SC";
constexpr const char* kSans = "Noto Sans CJK SC";

struct Style {
  const char* family;
  double size;  // points
  bool bold = false;
  Colour colour = kInk;
  PangoAlignment align = PANGO_ALIGN_LEFT;
};

// A block of laid-out text and where it goes.
struct Text {
  LayoutPtr layout;
  Colour colour;
  double height = 0;  // points
};

// Lays out and draws text on one cairo context.
class Typesetter {
 public:
  static Result<Typesetter> Make(cairo_t* cr) {
    PangoContextPtr context(pango_cairo_create_context(cr));
    if (!context) return Status::Internal("print: pango_cairo_create_context failed");
    FontOptionsPtr options(cairo_font_options_create());
    if (cairo_font_options_status(options.get()) != CAIRO_STATUS_SUCCESS) {
      return CairoError(cairo_font_options_status(options.get()), "font options");
    }
    // No hinting: the same layout at every resolution and in the PDF.
    cairo_font_options_set_hint_style(options.get(), CAIRO_HINT_STYLE_NONE);
    cairo_font_options_set_hint_metrics(options.get(), CAIRO_HINT_METRICS_OFF);
    pango_cairo_context_set_font_options(context.get(), options.get());
    return Typesetter(cr, std::move(context));
  }

  // Lays out `text` `width` points wide. InvalidArgument naming `field`
  // when a character has no glyph in any installed font.
  Result<Text> Lay(std::string_view field, std::string_view text, const Style& style, double width,
                   double scale = 1.0) const {
    LayoutPtr layout(pango_layout_new(context_.get()));
    if (!layout) return Status::Internal("print: pango_layout_new failed");
    FontDescriptionPtr font(pango_font_description_new());
    pango_font_description_set_family(font.get(), style.family);
    pango_font_description_set_weight(font.get(),
                                      style.bold ? PANGO_WEIGHT_BOLD : PANGO_WEIGHT_NORMAL);
    pango_font_description_set_absolute_size(font.get(), style.size * scale * PANGO_SCALE);
    pango_layout_set_font_description(layout.get(), font.get());
    pango_layout_set_width(layout.get(), static_cast<int>(width * PANGO_SCALE));
    pango_layout_set_wrap(layout.get(), PANGO_WRAP_WORD_CHAR);
    pango_layout_set_alignment(layout.get(), style.align);
    pango_layout_set_text(layout.get(), text.data(), static_cast<int>(text.size()));
    const int unknown = pango_layout_get_unknown_glyphs_count(layout.get());
    if (unknown > 0) {
      return Status::InvalidArgument(
          "print: field \"" + std::string(field) + "\" has " + std::to_string(unknown) +
          (unknown == 1 ? " character" : " characters") +
          " that no installed font can draw (is fonts-noto-cjk installed?)");
    }
    int w = 0, h = 0;
    pango_layout_get_size(layout.get(), &w, &h);
    return Text{std::move(layout), style.colour, static_cast<double>(h) / PANGO_SCALE};
  }

  void Draw(const Text& text, double x, double y) const {
    cairo_set_source_rgb(cr_, text.colour.r, text.colour.g, text.colour.b);
    cairo_move_to(cr_, x, y);
    pango_cairo_show_layout(cr_, text.layout.get());
  }

 private:
  Typesetter(cairo_t* cr, PangoContextPtr context) : cr_(cr), context_(std::move(context)) {}

  cairo_t* cr_;
  PangoContextPtr context_;
};

std::string DateZh(const Date& d) {
  return std::to_string(d.year) + "年" + std::to_string(d.month) + "月" + std::to_string(d.day) +
         "日";
}

// One row of the table: Chinese label, English label, value, its English.
struct Row {
  const char* field;  // the PrintableCertificate field, for refusals
  const char* label_zh;
  const char* label_en;
  std::string value;
  std::string value_en;  // may be empty
  bool number = false;   // the certificate number, in bold
};

std::vector<Row> Rows(const PrintableCertificate& c) {
  std::vector<Row> rows;
  rows.push_back({"holder_name", "姓名", "Name", c.holder_name, ""});
  rows.push_back(
      {"id_number", "证件号码", "ID document", c.id_number, c.id_type_zh + "  " + c.id_type_en});
  if (c.type == CertificateType::kSkill) {
    rows.push_back({"occupation", "职业", "Occupation",
                    c.occupation_name + "（" + c.occupation_code + "）", ""});
    rows.push_back(
        {"work_type", "工种/方向", "Work type", c.work_type.empty() ? "--" : c.work_type, ""});
    rows.push_back({"level", "职业技能等级", "Skill level", c.level_zh, c.level_en});
    rows.push_back({"route", "评价方式", "Evaluation route", c.route_zh, c.route_en});
    rows.push_back({"project", "评价项目", "Evaluation project", c.project, ""});
    rows.push_back(
        {"evaluated", "评价日期", "Evaluation date", DateZh(c.evaluated), c.evaluated.ToString()});
  } else {
    rows.push_back({"series", "职称系列", "Series", c.series_zh, c.series_en});
    rows.push_back({"specialty", "专业", "Specialty", c.specialty, ""});
    rows.push_back({"level", "职称级别", "Title level", c.level_zh, c.level_en});
    rows.push_back({"route", "取得方式", "Route", c.route_zh, c.route_en});
    rows.push_back({"committee", "评审委员会", "Evaluation committee", c.committee, ""});
    rows.push_back(
        {"evaluated", "评审日期", "Evaluation date", DateZh(c.evaluated), c.evaluated.ToString()});
  }
  if (c.expires) {
    rows.push_back(
        {"expires", "有效期至", "Valid until", DateZh(*c.expires), c.expires->ToString()});
  }
  rows.push_back({"number", "证书编号", "Certificate No.", c.number, "", true});
  return rows;
}

// The geometry of the page, in points.
constexpr double kLeft = 25 * kMm;
constexpr double kRight = 185 * kMm;
constexpr double kValueX = 71 * kMm;
constexpr double kLabelWidth = 44 * kMm;
constexpr double kPhotoX = 150 * kMm;
constexpr double kPhotoWidth = 35 * kMm;
constexpr double kPhotoHeight = 45 * kMm;
constexpr double kBottomTop = 222 * kMm;
constexpr double kQrRight = 185 * kMm;
constexpr double kQrBottom = 268 * kMm;

struct LaidRow {
  Text label_zh, label_en, value, value_en;
  double top = 0, height = 0;
};

// Lays out the table from `top` at text scale `scale`; the bottom of its
// last row in *bottom.
Result<std::vector<LaidRow>> LayTable(const Typesetter& ts, const std::vector<Row>& rows,
                                      double top, double photo_bottom, double scale,
                                      double* bottom) {
  const Style label_zh{kSans, 10.5};
  const Style label_en{kSans, 7, false, kGrey};
  const Style value{kSerif, 12.5};
  const Style value_number{kSerif, 12.5, true};
  const Style value_en{kSerif, 8.5, false, kGrey};
  const double gap = 3.2 * kMm * scale;
  std::vector<LaidRow> out;
  double y = top;
  for (const Row& r : rows) {
    LaidRow lr;
    lr.top = y;
    const double width = (y < photo_bottom ? kPhotoX - 5 * kMm : kRight) - kValueX;
    CL_ASSIGN_OR_RETURN(lr.label_zh, ts.Lay(r.field, r.label_zh, label_zh, kLabelWidth, scale));
    CL_ASSIGN_OR_RETURN(lr.label_en, ts.Lay(r.field, r.label_en, label_en, kLabelWidth, scale));
    CL_ASSIGN_OR_RETURN(lr.value,
                        ts.Lay(r.field, r.value, r.number ? value_number : value, width, scale));
    if (!r.value_en.empty()) {
      CL_ASSIGN_OR_RETURN(lr.value_en, ts.Lay(r.field, r.value_en, value_en, width, scale));
    }
    const double left = lr.label_zh.height + lr.label_en.height;
    const double right = lr.value.height + (lr.value_en.layout ? lr.value_en.height : 0);
    lr.height = std::max(left, right);
    y += lr.height + gap;
    out.push_back(std::move(lr));
  }
  *bottom = y - gap;
  return out;
}

// Draws the QR symbol with its lower right corner at (right, bottom), each
// module `module` points wide; a white quiet zone of kQuietModules around
// it. With device_scale (pixels per point) > 0 the modules are snapped to
// whole pixels.
void DrawQr(cairo_t* cr, const QrSymbol& symbol, double right, double bottom, double module,
            double device_scale) {
  const int w = symbol.width();
  if (device_scale > 0) {
    // Whole pixels, rounded down so the symbol stays in its space, but at
    // least 30 mm wide.
    double pixels = std::max(1.0, std::floor(module * device_scale));
    if (pixels * w < 30 * kMm * device_scale) pixels += 1;
    module = pixels / device_scale;
    right = std::round(right * device_scale) / device_scale;
    bottom = std::round(bottom * device_scale) / device_scale;
  }
  const double x0 = right - w * module;
  const double y0 = bottom - w * module;
  const double quiet = kQuietModules * module;
  cairo_save(cr);
  cairo_set_antialias(cr, CAIRO_ANTIALIAS_NONE);
  cairo_set_source_rgb(cr, 1, 1, 1);
  cairo_rectangle(cr, x0 - quiet, y0 - quiet, (w + 2 * kQuietModules) * module,
                  (w + 2 * kQuietModules) * module);
  cairo_fill(cr);
  cairo_set_source_rgb(cr, 0, 0, 0);
  // One rectangle per horizontal run of dark modules, filled as one path.
  for (int y = 0; y < w; ++y) {
    for (int x = 0; x < w;) {
      if (!symbol.dark(x, y)) {
        ++x;
        continue;
      }
      int end = x;
      while (end < w && symbol.dark(end, y)) ++end;
      cairo_rectangle(cr, x0 + x * module, y0 + y * module, (end - x) * module, module);
      x = end;
    }
  }
  cairo_fill(cr);
  cairo_restore(cr);
}

void StrokeRect(cairo_t* cr, double x, double y, double w, double h, double line, Colour c) {
  cairo_set_source_rgb(cr, c.r, c.g, c.b);
  cairo_set_line_width(cr, line);
  cairo_rectangle(cr, x, y, w, h);
  cairo_stroke(cr);
}

// Draws the whole page on `cr` (user units: points).
Status DrawPage(cairo_t* cr, const PrintableCertificate& c, const QrSymbol& qr,
                double device_scale) {
  CL_ASSIGN_OR_RETURN(Typesetter ts, Typesetter::Make(cr));
  const bool skill = c.type == CertificateType::kSkill;
  const double width = kRight - kLeft;

  // Border.
  StrokeRect(cr, 10 * kMm, 10 * kMm, 190 * kMm, 277 * kMm, 2.2, kBorder);
  StrokeRect(cr, 12.5 * kMm, 12.5 * kMm, 185 * kMm, 272 * kMm, 0.7, kBorder);

  // Title and text.
  double y = 24 * kMm;
  CL_ASSIGN_OR_RETURN(Text title_zh,
                      ts.Lay("title", skill ? "职业技能等级证书" : "专业技术职称证书",
                             Style{kSerif, 30, true, kInk, PANGO_ALIGN_CENTER}, width));
  CL_ASSIGN_OR_RETURN(
      Text title_en,
      ts.Lay("title", skill ? "Skill Level Certificate" : "Professional Title Certificate",
             Style{kSerif, 14, false, kGrey, PANGO_ALIGN_CENTER}, width));
  ts.Draw(title_zh, kLeft, y);
  y += title_zh.height + 1 * kMm;
  ts.Draw(title_en, kLeft, y);
  y += title_en.height + 6 * kMm;
  CL_ASSIGN_OR_RETURN(Text text_zh,
                      ts.Lay("text",
                             skill ? "兹证明持证人经评价，取得本证书所载职业技能等级，特发此证。"
                                   : "兹证明持证人经评审，取得本证书所载专业技术职称，特发此证。",
                             Style{kSerif, 12}, width));
  CL_ASSIGN_OR_RETURN(Text text_en,
                      ts.Lay("text",
                             skill ? "This is to certify that the holder named below has been "
                                     "evaluated and "
                                     "awarded the skill level stated on this certificate."
                                   : "This is to certify that the holder named below has been "
                                     "assessed and "
                                     "awarded the professional title stated on this certificate.",
                             Style{kSerif, 9, false, kGrey}, width));
  ts.Draw(text_zh, kLeft, y);
  y += text_zh.height + 0.5 * kMm;
  ts.Draw(text_en, kLeft, y);
  y += text_en.height + 7 * kMm;

  // Photo box beside the first rows.
  const double photo_top = y;
  const double photo_bottom = photo_top + kPhotoHeight;
  cairo_save(cr);
  const double dash[] = {3.0, 2.0};
  cairo_set_dash(cr, dash, 2, 0);
  StrokeRect(cr, kPhotoX, photo_top, kPhotoWidth, kPhotoHeight, 0.6, kGrey);
  cairo_restore(cr);
  CL_ASSIGN_OR_RETURN(
      Text photo, ts.Lay("photo", "照片\nPhoto", Style{kSans, 9, false, kGrey, PANGO_ALIGN_CENTER},
                         kPhotoWidth));
  ts.Draw(photo, kPhotoX, photo_top + (kPhotoHeight - photo.height) / 2);

  // The table, smaller if it must be.
  const std::vector<Row> rows = Rows(c);
  std::vector<LaidRow> table;
  bool fits = false;
  for (double scale : {1.0, 0.92, 0.85, 0.78, 0.72, 0.66, 0.6}) {
    double bottom = 0;
    CL_ASSIGN_OR_RETURN(table, LayTable(ts, rows, photo_top, photo_bottom, scale, &bottom));
    if (bottom <= kBottomTop - 5 * kMm) {
      fits = true;
      break;
    }
  }
  if (!fits) return Status::InvalidArgument("print: the fields do not fit on one page");
  for (const LaidRow& r : table) {
    ts.Draw(r.label_zh, kLeft, r.top);
    ts.Draw(r.label_en, kLeft, r.top + r.label_zh.height);
    ts.Draw(r.value, kValueX, r.top);
    if (r.value_en.layout) ts.Draw(r.value_en, kValueX, r.top + r.value.height);
  }

  // Bottom block: body, date, query address; the QR code.
  const double module = kPrintedQrMillimetres * kMm / qr.width();
  const double qr_left = kQrRight - (qr.width() + kQuietModules) * module;
  const double block_width = qr_left - 6 * kMm - kLeft;
  cairo_set_source_rgb(cr, kRule.r, kRule.g, kRule.b);
  cairo_set_line_width(cr, 0.4);
  cairo_move_to(cr, kLeft, kBottomTop - 2.5 * kMm);
  cairo_line_to(cr, kLeft + block_width, kBottomTop - 2.5 * kMm);
  cairo_stroke(cr);
  // Each text with the space below it, in millimetres.
  std::vector<std::pair<Text, double>> block;
  auto add = [&](std::string_view field, std::string_view text, const Style& style,
                 double space) -> Status {
    CL_ASSIGN_OR_RETURN(Text t, ts.Lay(field, text, style, block_width));
    block.emplace_back(std::move(t), space);
    return Status::OK();
  };
  CL_RETURN_IF_ERROR(add("body_name", "发证机构（盖章） Certifying body (seal)",
                         Style{kSans, 8, false, kGrey}, 0.5));
  CL_RETURN_IF_ERROR(add("body_name", c.body_name_zh, Style{kSerif, 13, true}, 0.3));
  if (!c.body_name_en.empty()) {
    CL_RETURN_IF_ERROR(add("body_name", c.body_name_en, Style{kSerif, 9}, 0));
  }
  block.back().second = 3.0;
  CL_RETURN_IF_ERROR(add("issued",
                         "发证日期  " + DateZh(c.issued) + "    Issue date  " + c.issued.ToString(),
                         Style{kSerif, 10.5}, 3.0));
  CL_RETURN_IF_ERROR(
      add("query_url", "证书查询：扫描二维码，或访问 " + c.query_url, Style{kSans, 8.5}, 0.3));
  CL_RETURN_IF_ERROR(add("query_url", "Verify: scan the QR code, or visit " + c.query_url,
                         Style{kSans, 7.5, false, kGrey}, 0));
  y = kBottomTop + 2 * kMm;
  for (const auto& [text, space] : block) {
    ts.Draw(text, kLeft, y);
    y += text.height + space * kMm;
  }
  DrawQr(cr, qr, kQrRight, kQrBottom, module, device_scale);

  cairo_status_t status = cairo_status(cr);
  if (status != CAIRO_STATUS_SUCCESS) return CairoError(status, "drawing");
  return Status::OK();
}

Result<QrSymbol> Symbol(const PrintableCertificate& c) {
  if (c.qr_text.empty()) return Status::InvalidArgument("print: the QR text is empty");
  auto symbol = EncodeQr(c.qr_text, QrErrorCorrection::kM);
  if (!symbol.ok()) return symbol.status().Annotate("print: QR code");
  return symbol;
}

cairo_status_t AppendToBytes(void* closure, const unsigned char* data, unsigned int length) {
  auto* out = static_cast<Bytes*>(closure);
  out->insert(out->end(), data, data + length);
  return CAIRO_STATUS_SUCCESS;
}

}  // namespace

Result<Bytes> RenderCertificatePdf(const PrintableCertificate& certificate) {
  CL_ASSIGN_OR_RETURN(QrSymbol symbol, Symbol(certificate));
  Bytes out;
  out.reserve(std::size_t{1} << 20);  // a page with its font subsets: 0.2 to 0.7 MB
  SurfacePtr surface(
      cairo_pdf_surface_create_for_stream(AppendToBytes, &out, kA4WidthPt, kA4HeightPt));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_surface_status(surface.get()), "PDF surface");
  }
  // Reproducible bytes: the creation date is the issue date, not now.
  char created[40];
  std::snprintf(created, sizeof created, "%04d-%02d-%02dT00:00:00+08:00", certificate.issued.year,
                certificate.issued.month, certificate.issued.day);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATE_DATE, created);
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_TITLE,
                                 certificate.number.c_str());
  cairo_pdf_surface_set_metadata(surface.get(), CAIRO_PDF_METADATA_CREATOR, "certledger");
  {
    CairoPtr cr(cairo_create(surface.get()));
    CL_RETURN_IF_ERROR(DrawPage(cr.get(), certificate, symbol, 0));
    cairo_show_page(cr.get());
    if (cairo_status(cr.get()) != CAIRO_STATUS_SUCCESS) {
      return CairoError(cairo_status(cr.get()), "PDF page");
    }
  }
  cairo_surface_finish(surface.get());  // writes the document to `out`
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_surface_status(surface.get()), "PDF output");
  }
  return out;
}

Result<Bytes> RenderCertificatePng(const PrintableCertificate& certificate, int dpi) {
  if (dpi < 36 || dpi > 600) {
    return Status::InvalidArgument("print: preview resolution " + std::to_string(dpi) +
                                   " dpi is not in 36..600");
  }
  CL_ASSIGN_OR_RETURN(QrSymbol symbol, Symbol(certificate));
  const double scale = dpi / 72.0;
  const int width = static_cast<int>(std::lround(kA4WidthPt * scale));
  const int height = static_cast<int>(std::lround(kA4HeightPt * scale));
  SurfacePtr surface(cairo_image_surface_create(CAIRO_FORMAT_RGB24, width, height));
  if (cairo_surface_status(surface.get()) != CAIRO_STATUS_SUCCESS) {
    return CairoError(cairo_surface_status(surface.get()), "image surface");
  }
  {
    CairoPtr cr(cairo_create(surface.get()));
    cairo_set_source_rgb(cr.get(), 1, 1, 1);
    cairo_paint(cr.get());
    cairo_scale(cr.get(), scale, scale);
    CL_RETURN_IF_ERROR(DrawPage(cr.get(), certificate, symbol, scale));
  }
  cairo_surface_flush(surface.get());
  // To 8-bit grey (ITU-R BT.601 weights) for png.h: a third of the data,
  // and several times faster than cairo's RGB writer.
  const unsigned char* data = cairo_image_surface_get_data(surface.get());
  const int stride = cairo_image_surface_get_stride(surface.get());
  Bytes grey(static_cast<std::size_t>(width) * static_cast<std::size_t>(height));
  std::uint8_t* to = grey.data();
  for (int y = 0; y < height; ++y) {
    const auto* row =
        reinterpret_cast<const std::uint32_t*>(data + static_cast<std::ptrdiff_t>(y) * stride);
    for (int x = 0; x < width; ++x) {
      const std::uint32_t rgb = row[x];  // CAIRO_FORMAT_RGB24: native-endian xRGB
      *to++ = static_cast<std::uint8_t>(
          (((rgb >> 16) & 0xff) * 77 + ((rgb >> 8) & 0xff) * 150 + (rgb & 0xff) * 29) >> 8);
    }
  }
  auto png =
      EncodeGreyPng(static_cast<std::uint32_t>(width), static_cast<std::uint32_t>(height), grey);
  if (!png.ok()) return png.status().Annotate("print: preview");
  return png;
}

}  // namespace certledger
