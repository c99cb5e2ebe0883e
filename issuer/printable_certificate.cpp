// What a printed certificate says: MakePrintableCertificate turns a stored
// certificate (record, disclosures, ID type) into the texts of the page
// (certificate_print.h).
#include <array>
#include <utility>

#include "certledger/certificate_print.h"
#include "certledger/disclosure.h"

namespace certledger {
namespace {

struct IdTypeName {
  IdType type;
  std::string_view en;
};

// English names of the ID document types (the Chinese ones are
// IdTypeNameZh, certificate_rules.h).
constexpr std::array<IdTypeName, 5> kIdTypesEn = {{
    {IdType::kResident, "Resident Identity Card"},
    {IdType::kForeignPermanent, "Foreign Permanent Resident ID Card"},
    {IdType::kPassport, "Passport"},
    {IdType::kHkMacaoPermit, "Mainland Travel Permit for Hong Kong and Macao Residents"},
    {IdType::kTaiwanPermit, "Mainland Travel Permit for Taiwan Residents"},
}};

struct SeriesName {
  std::string_view code, zh, en;
};

// Names of common title series (职称系列) by their codes; a code not here
// is printed as it is.
constexpr std::array<SeriesName, 14> kSeries = {{
    {"engineering", "工程", "Engineering"},
    {"accounting", "会计", "Accounting"},
    {"economics", "经济", "Economics"},
    {"statistics", "统计", "Statistics"},
    {"auditing", "审计", "Auditing"},
    {"health", "卫生", "Health"},
    {"higher_education", "高等学校教师", "Higher Education Teachers"},
    {"archives", "档案", "Archives"},
    {"journalism", "新闻", "Journalism"},
    {"publishing", "出版", "Publishing"},
    {"translation", "翻译", "Translation"},
    {"agriculture", "农业", "Agriculture"},
    {"research", "自然科学研究", "Natural Science Research"},
    {"art", "艺术", "Art"},
}};

const Disclosure* Find(const std::vector<Disclosure>& disclosures, std::string_view name) {
  for (const Disclosure& d : disclosures) {
    if (d.name == name) return &d;
  }
  return nullptr;
}

}  // namespace

Result<PrintableCertificate> MakePrintableCertificate(const StoredCertificate& stored,
                                                      const CertifyingBodyNames& body,
                                                      std::string_view base_url,
                                                      std::string qr_text, IdPrinting id_printing) {
  auto record = ParseRecord(stored.record);
  if (!record.ok()) return record.status().Annotate("print: certificate " + stored.number);
  const Certificate* c = record->certificate();
  if (c == nullptr) {
    return Status::InvalidArgument("print: record " + stored.number + " is no certificate");
  }
  CL_RETURN_IF_ERROR(
      VerifyDisclosures(c->holder, stored.disclosures).Annotate("print: certificate " + c->number));
  const Disclosure* name = Find(stored.disclosures, "name");
  const Disclosure* id = Find(stored.disclosures, "id");
  if (name == nullptr || id == nullptr) {
    return Status::InvalidArgument("print: certificate " + c->number +
                                   " lacks the name or id disclosure");
  }

  PrintableCertificate p;
  p.type = c->type;
  p.number = c->number;
  p.holder_name = name->value;
  p.id_type_zh = std::string(IdTypeNameZh(stored.id_type));
  for (const IdTypeName& t : kIdTypesEn) {
    if (t.type == stored.id_type) p.id_type_en = std::string(t.en);
  }
  p.id_number = id_printing == IdPrinting::kFull ? id->value : MaskId(id->value);
  p.level_zh = std::string(LevelNameZh(c->level));
  p.level_en = std::string(LevelNameEn(c->level));
  p.route_zh = std::string(RouteNameZh(c->route));
  p.route_en = std::string(RouteNameEn(c->route));
  if (c->foreign) {
    p.route_zh += "（" + *c->foreign + "）";
    p.route_en += " (" + *c->foreign + ")";
  }
  p.occupation_code = c->occupation;
  p.occupation_name = c->occupation_name;
  p.work_type = c->work_type;
  p.project = c->project;
  p.series_zh = c->series;
  p.series_en = c->series;
  for (const SeriesName& s : kSeries) {
    if (s.code == c->series) {
      p.series_zh = std::string(s.zh);
      p.series_en = std::string(s.en);
    }
  }
  p.specialty = c->specialty;
  p.committee = c->committee;
  p.evaluated = c->evaluated;
  p.issued = c->issued;
  p.expires = c->expires;
  const std::string& iss = record->claims.iss;
  p.body_name_zh = body.name_zh.empty() ? iss : body.name_zh;
  p.body_name_en = body.name_en;
  std::string_view base = base_url;
  if (!base.empty() && base.back() == '/') base.remove_suffix(1);
  p.query_url = std::string(base) + "/v";
  p.qr_text = std::move(qr_text);
  return p;
}

}  // namespace certledger
