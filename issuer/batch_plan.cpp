// Checking a batch file: every row, every field, before anything is issued.
//
// Columns (docs/ISSUING.md): a header row names them, in any order, by the
// names below or their Chinese aliases. Values are trimmed of spaces
// (also U+3000 and U+00A0).
//
// Row hash (the idempotency key, stored with the certificate):
//
//   row-hash = SHA-256(deterministic CBOR of ["certledger-row-1", fields])
//   fields   = { * column-name => tstr }   ; every non-empty value, trimmed,
//                                          ; the ID number normalized
//
// so the same evaluation result gives the same hash whatever the column
// order, the header language or the spacing.
#include <algorithm>
#include <array>
#include <map>
#include <set>
#include <span>

#include "certledger/batch.h"
#include "certledger/cbor.h"
#include "certledger/csv.h"
#include "certledger/numbering.h"

namespace certledger {
namespace {

enum Col {
  kType, kName, kIdType, kIdNumber, kLevel, kRoute, kOccupation, kOccupationName, kWorkType,
  kProject, kSeries, kSpecialty, kForeign, kEvaluated, kIssued, kExpires, kNumber, kSupersedes,
  kColCount
};

struct ColumnInfo {
  const char* name;
  bool required;  // the header must have it
  std::array<const char*, 3> aliases;
};

constexpr std::array<ColumnInfo, kColCount> kColumns = {{
    {"type", true, {"证书类型", "类型", nullptr}},
    {"name", true, {"姓名", nullptr, nullptr}},
    {"id_type", false, {"证件类型", nullptr, nullptr}},
    {"id_number", true, {"证件号码", "身份证号码", "身份证号"}},
    {"level", true, {"等级", "级别", nullptr}},
    {"route", true, {"评价方式", "途径", "认定方式"}},
    {"occupation", false, {"职业编码", "职业代码", nullptr}},
    {"occupation_name", false, {"职业名称", "职业", nullptr}},
    {"work_type", false, {"工种", "工种/方向", "方向"}},
    {"project", false, {"评价项目", nullptr, nullptr}},
    {"series", false, {"系列", "职称系列", nullptr}},
    {"specialty", false, {"专业", nullptr, nullptr}},
    {"foreign", false, {"境外资格", "境外职业资格", nullptr}},
    {"evaluated", true, {"评价日期", "认定日期", nullptr}},
    {"issued", false, {"发证日期", "颁证日期", nullptr}},
    {"expires", false, {"有效期至", nullptr, nullptr}},
    {"number", false, {"证书编号", nullptr, nullptr}},
    {"supersedes", false, {"替换证书编号", "更正证书编号", nullptr}},
}};

std::string Quote(std::string_view s) {
  std::string out = "\"";
  out.append(s);
  out += '"';
  return out;
}

std::string AsciiLower(std::string_view s) {
  std::string out(s);
  for (char& c : out) {
    if (c >= 'A' && c <= 'Z') c = static_cast<char>(c - 'A' + 'a');
  }
  return out;
}

// Removes ASCII spaces and tabs, U+3000, U+00A0 and U+FEFF at both ends.
std::string_view Trim(std::string_view s) {
  static constexpr std::string_view kWide[] = {"\xE3\x80\x80", "\xC2\xA0", "\xEF\xBB\xBF"};
  for (bool changed = true; changed;) {
    changed = false;
    while (!s.empty() && (s.front() == ' ' || s.front() == '\t')) {
      s.remove_prefix(1);
      changed = true;
    }
    while (!s.empty() && (s.back() == ' ' || s.back() == '\t')) {
      s.remove_suffix(1);
      changed = true;
    }
    for (std::string_view w : kWide) {
      if (s.starts_with(w)) {
        s.remove_prefix(w.size());
        changed = true;
      }
      if (s.ends_with(w)) {
        s.remove_suffix(w.size());
        changed = true;
      }
    }
  }
  return s;
}

std::optional<Col> ColumnByName(std::string_view header) {
  const std::string lower = AsciiLower(header);
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (lower == kColumns[i].name) return static_cast<Col>(i);
    for (const char* alias : kColumns[i].aliases) {
      if (alias != nullptr && header == alias) return static_cast<Col>(i);
    }
  }
  return std::nullopt;
}

std::optional<Col> ColumnByFieldName(std::string_view field) {
  for (std::size_t i = 0; i < kColumns.size(); ++i) {
    if (field == kColumns[i].name) return static_cast<Col>(i);
  }
  return std::nullopt;
}

std::string LevelText(Level level) {
  std::string out(LevelNameZh(level));
  if (LevelType(level) == CertificateType::kSkill) {
    out += " (";
    out += SkillLevelCharacter(level);
    out += ")";
  }
  return out;
}

// Reading and checking one file.
class Planner {
 public:
  Planner(const IssuerProfile& profile, const IssuerStore& store, const BatchOptions& options)
      : profile_(profile), store_(store), options_(options) {}

  BatchPlan Run(std::string_view csv_text) {
    CsvDocument doc = ParseCsv(csv_text);
    if (doc.records.empty() && doc.errors.empty()) {
      FileError("the file has no header row");
      return Finish();
    }
    // Lines that a CSV error touches: their records are not checked further.
    std::set<std::size_t> bad_lines;
    for (const CsvError& e : doc.errors) bad_lines.insert(e.line);
    if (!doc.records.empty()) ReadHeader(doc.records[0]);
    for (const CsvError& e : doc.errors) {
      plan_.errors.push_back(RowError{e.line, e.column, ColumnName(e.column), e.message});
    }
    if (doc.records.size() < 2 && doc.errors.empty()) {
      FileError("the file has no rows below the header");
    }
    if (options_.accreditation &&
        options_.accreditation->status == AccreditationStatus::kWithdrawn) {
      FileError("the accreditation of " + Quote(options_.accreditation->body) + " was withdrawn");
    }
    if (header_ok_) {
      for (std::size_t i = 1; i < doc.records.size(); ++i) {
        const CsvRecord& record = doc.records[i];
        const std::size_t end =
            i + 1 < doc.records.size() ? doc.records[i + 1].line : static_cast<std::size_t>(-1);
        auto touched = bad_lines.lower_bound(record.line);
        if (touched != bad_lines.end() && *touched < end) continue;
        CheckRecord(record);
      }
    }
    return Finish();
  }

 private:
  BatchPlan Finish() {
    std::stable_sort(plan_.errors.begin(), plan_.errors.end(),
                     [](const RowError& a, const RowError& b) {
                       return a.line != b.line ? a.line < b.line : a.column < b.column;
                     });
    if (!plan_.errors.empty()) plan_.rows.clear();
    return std::move(plan_);
  }

  void FileError(std::string message) {
    plan_.errors.push_back(RowError{0, 0, "", std::move(message)});
  }

  std::string ColumnName(std::size_t column) const {
    if (column == 0 || column > header_names_.size()) return "";
    return header_names_[column - 1];
  }

  void ReadHeader(const CsvRecord& header) {
    header_ok_ = true;
    positions_.fill(0);
    for (std::size_t i = 0; i < header.fields.size(); ++i) {
      const std::string name(Trim(header.fields[i]));
      header_names_.push_back(name);
      const std::size_t column = i + 1;
      if (name.empty()) continue;  // an unnamed column must stay empty
      std::optional<Col> col = ColumnByName(name);
      if (!col) {
        plan_.errors.push_back(RowError{header.line, column, name, "unknown column " + Quote(name)});
        header_ok_ = false;
        continue;
      }
      if (positions_[*col] != 0) {
        plan_.errors.push_back(RowError{header.line, column, name,
                                        "column " + Quote(kColumns[*col].name) + " appears twice"});
        header_ok_ = false;
        continue;
      }
      positions_[*col] = column;
    }
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      if (kColumns[c].required && positions_[c] == 0) {
        plan_.errors.push_back(RowError{header.line, 0, "",
                                        "the header has no column " + Quote(kColumns[c].name)});
        header_ok_ = false;
      }
    }
  }

  // The errors of one row, added at the end (sorted by column then).
  struct RowErrors {
    std::size_t line;
    std::vector<RowError>* out;
    const Planner* planner;
    std::set<Col> cols;

    bool Has(Col c) const { return cols.contains(c); }
    void Add(Col c, std::string message) {
      if (!cols.insert(c).second) return;
      std::size_t column = planner->positions_[c];
      std::string name = column != 0 ? planner->header_names_[column - 1] : kColumns[c].name;
      if (column == 0) message += " (the file has no column " + Quote(kColumns[c].name) + ")";
      out->push_back(RowError{line, column, std::move(name), std::move(message)});
    }
  };

  void CheckRecord(const CsvRecord& record) {
    const std::size_t line = record.line;
    if (record.fields.size() != header_names_.size()) {
      plan_.errors.push_back(RowError{line, 0, "",
                                      "the row has " + std::to_string(record.fields.size()) +
                                          " fields, the header " +
                                          std::to_string(header_names_.size())});
      return;
    }
    for (std::size_t i = 0; i < record.fields.size(); ++i) {
      if (header_names_[i].empty() && !Trim(record.fields[i]).empty()) {
        plan_.errors.push_back(
            RowError{line, i + 1, "", "a value under a column without a name"});
        return;
      }
    }
    std::array<std::string, kColCount> v;
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      if (positions_[c] != 0) v[c] = std::string(Trim(record.fields[positions_[c] - 1]));
    }
    v[kIdNumber] = NormalizeIdNumber(v[kIdNumber]);

    BatchRow row;
    row.line = line;
    row.row_hash = RowHash(v);
    if (auto first = seen_rows_.find(row.row_hash); first != seen_rows_.end()) {
      plan_.errors.push_back(RowError{line, 0, "", "repeats line " + std::to_string(first->second)});
      return;
    }
    seen_rows_.emplace(row.row_hash, line);
    if (const StoredCertificate* done = store_.FindCertificateByRow(row.row_hash)) {
      row.issued_number = done->number;
      // Revoking the superseded certificate may not have happened yet.
      if (!v[kSupersedes].empty()) row.supersedes = v[kSupersedes];
      plan_.rows.push_back(std::move(row));
      return;
    }

    RowErrors errors{line, &plan_.errors, this, {}};
    Certificate& c = row.certificate;
    std::optional<CertificateType> type;
    if (v[kType].empty()) {
      errors.Add(kType, "is empty");
    } else if (auto t = ParseCertificateTypeText(v[kType]); !t.ok()) {
      errors.Add(kType, t.status().message());
    } else {
      type = *t;
      c.type = *t;
    }

    if (Status s = CheckHolderName(v[kName]); !s.ok()) errors.Add(kName, s.message());
    row.holder_name = v[kName];
    if (!v[kIdType].empty()) {
      if (auto t = ParseIdType(v[kIdType])) {
        row.id_type = *t;
      } else {
        errors.Add(kIdType, "unknown ID type " + Quote(v[kIdType]) +
                                "; ID types are resident (居民身份证), foreign_permanent "
                                "(外国人永久居留身份证), passport (护照), hk_macao_permit "
                                "(港澳居民来往内地通行证), taiwan_permit (台湾居民来往大陆通行证)");
      }
    }
    if (!errors.Has(kIdType)) {
      if (Status s = CheckIdNumber(row.id_type, v[kIdNumber], options_.today); !s.ok()) {
        errors.Add(kIdNumber, s.message());
      }
    }
    row.id_number = v[kIdNumber];

    // Dates.
    auto date = [&](Col col, std::optional<Date>* out) {
      if (v[col].empty()) return;
      auto d = ParseDateText(v[col]);
      if (!d.ok()) {
        errors.Add(col, d.status().message());
      } else {
        *out = *d;
      }
    };
    std::optional<Date> evaluated, issued;
    if (v[kEvaluated].empty()) errors.Add(kEvaluated, "is empty");
    date(kEvaluated, &evaluated);
    date(kIssued, &issued);
    date(kExpires, &c.expires);
    if (evaluated) c.evaluated = *evaluated;
    c.issued = issued ? *issued : options_.default_issued.value_or(options_.today);

    if (type) {
      CheckTyped(*type, v, row, errors);
    }
    CheckNumbers(v, row, errors);

    if (type) {
      // The remaining rules (future dates, order of dates, text fields).
      c.holder = {{"name", Hash256{}}, {"id", Hash256{}}};
      for (const FieldError& e : CheckCertificate(c, options_.today)) {
        std::optional<Col> col = ColumnByFieldName(e.field);
        if (!col) continue;  // "number" of a row without one, "holder": set later
        if (*col == kNumber && v[kNumber].empty()) continue;
        if (*col == kIssued && !issued) continue;  // the caller's default date
        errors.Add(*col, e.message);
      }
      c.holder.clear();
    }
    if (errors.cols.empty()) plan_.rows.push_back(std::move(row));
  }

  void CheckTyped(CertificateType type, const std::array<std::string, kColCount>& v, BatchRow& row,
                  RowErrors& errors) {
    Certificate& c = row.certificate;
    const bool skill = type == CertificateType::kSkill;
    if (v[kLevel].empty()) {
      errors.Add(kLevel, "is empty");
    } else if (auto l = ParseLevelText(type, v[kLevel]); !l.ok()) {
      errors.Add(kLevel, l.status().message());
    } else {
      c.level = *l;
    }
    if (v[kRoute].empty()) {
      errors.Add(kRoute, "is empty");
    } else if (auto r = ParseRouteText(type, v[kRoute]); !r.ok()) {
      errors.Add(kRoute, r.status().message());
    } else {
      c.route = *r;
    }
    const char* unused = skill ? "is not used by skill certificates; leave it empty"
                               : "is not used by professional titles; leave it empty";
    const Col own[] = {kOccupation, kOccupationName, kWorkType, kProject};
    const Col other[] = {kSeries, kSpecialty, kForeign};
    for (Col col : skill ? std::span<const Col>(other) : std::span<const Col>(own)) {
      if (!v[col].empty()) errors.Add(col, unused);
    }
    if (skill) {
      if (!profile_.skill && !reported_no_skill_numbering_) {
        reported_no_skill_numbering_ = true;
        plan_.errors.push_back(RowError{
            row.line, 0, "",
            "the profile has no skill numbering (org_type, org_code, province, site)"});
      }
      if (v[kOccupation].empty()) {
        errors.Add(kOccupation, "is empty");
      } else if (Status s = CheckOccupationCode(v[kOccupation]); !s.ok()) {
        errors.Add(kOccupation, s.message());
      }
      c.occupation = v[kOccupation];
      if (v[kOccupationName].empty()) errors.Add(kOccupationName, "is empty");
      c.occupation_name = v[kOccupationName];
      c.work_type = v[kWorkType].empty() ? "--" : v[kWorkType];
      if (v[kProject].empty()) errors.Add(kProject, "is empty");
      c.project = v[kProject];
    } else {
      if (!profile_.title_pattern && !reported_no_title_numbering_) {
        reported_no_title_numbering_ = true;
        plan_.errors.push_back(RowError{
            row.line, 0, "",
            "the profile has no title committee (committee_code, committee_name, title_pattern)"});
      }
      if (v[kSeries].empty()) {
        errors.Add(kSeries, "is empty");
      } else if (Status s = CheckSeriesCode(v[kSeries]); !s.ok()) {
        errors.Add(kSeries, s.message());
      }
      c.series = v[kSeries];
      if (v[kSpecialty].empty()) errors.Add(kSpecialty, "is empty");
      c.specialty = v[kSpecialty];
      c.committee = profile_.committee_name;
      if (!v[kForeign].empty()) c.foreign = v[kForeign];
    }
    CheckScope(type, v, row, errors);
  }

  void CheckScope(CertificateType type, const std::array<std::string, kColCount>& v,
                  const BatchRow& row, RowErrors& errors) {
    if (!options_.accreditation) return;
    const Accreditation& acc = *options_.accreditation;
    const Certificate& c = row.certificate;
    const std::string of = " is not in the accreditation of " + Quote(acc.body);
    if (type == CertificateType::kSkill) {
      if (!errors.Has(kOccupation) && !v[kOccupation].empty() &&
          std::find(acc.scope.occupations.begin(), acc.scope.occupations.end(), c.occupation) ==
              acc.scope.occupations.end()) {
        errors.Add(kOccupation, "occupation " + Quote(c.occupation) + of);
      }
    } else if (!errors.Has(kSeries) && !v[kSeries].empty() &&
               std::find(acc.scope.series.begin(), acc.scope.series.end(), c.series) ==
                   acc.scope.series.end()) {
      errors.Add(kSeries, "series " + Quote(c.series) + of);
    }
    if (!errors.Has(kLevel) && !v[kLevel].empty() &&
        std::find(acc.scope.levels.begin(), acc.scope.levels.end(), c.level) ==
            acc.scope.levels.end()) {
      errors.Add(kLevel, "level " + std::string(LevelNameZh(c.level)) + of);
    }
  }

  void CheckNumbers(const std::array<std::string, kColCount>& v, BatchRow& row,
                    RowErrors& errors) {
    Certificate& c = row.certificate;
    if (!v[kNumber].empty()) {
      const std::string& n = v[kNumber];
      if (Status s = CheckNumberCharacters(n); !s.ok()) {
        errors.Add(kNumber, s.message());
      } else if (auto first = given_numbers_.find(n); first != given_numbers_.end()) {
        errors.Add(kNumber, "certificate number " + Quote(n) + " is also on line " +
                                std::to_string(first->second));
      } else if (store_.FindCertificate(n) != nullptr) {
        errors.Add(kNumber,
                   "certificate number " + Quote(n) + " was issued already, from another row");
      } else if (options_.number_in_ledger && options_.number_in_ledger(n)) {
        errors.Add(kNumber, "certificate number " + Quote(n) + " is in the ledger already");
      } else if (!errors.Has(kType) && !errors.Has(kLevel) && !errors.Has(kIssued)) {
        CheckGivenNumber(n, c, errors);
      }
      given_numbers_.emplace(n, row.line);
      c.number = n;
    }
    if (!v[kSupersedes].empty()) {
      const std::string& old = v[kSupersedes];
      if (Status s = CheckNumberCharacters(old); !s.ok()) {
        errors.Add(kSupersedes, s.message());
      } else if (auto first = superseded_.find(old); first != superseded_.end()) {
        errors.Add(kSupersedes, "certificate " + Quote(old) + " is superseded on line " +
                                    std::to_string(first->second) + " too");
      } else if (store_.FindCertificate(old) == nullptr) {
        errors.Add(kSupersedes,
                   "certificate " + Quote(old) + " to supersede is not in this issuer's store");
      } else if (!store_.FindRevocations(old).empty()) {
        errors.Add(kSupersedes, "certificate " + Quote(old) + " was revoked already");
      }
      superseded_.emplace(old, row.line);
      row.supersedes = old;
    }
  }

  void CheckGivenNumber(const std::string& n, const Certificate& c, RowErrors& errors) {
    if (c.type == CertificateType::kSkill) {
      auto parsed = ParseSkillNumber(n);
      if (!parsed.ok()) {
        errors.Add(kNumber, parsed.status().message());
        return;
      }
      if (profile_.skill && !(parsed->codes == *profile_.skill)) {
        errors.Add(kNumber, "certificate number " + Quote(n) + " does not carry this body's codes " +
                                profile_.skill->Prefix());
      } else if (parsed->level != c.level) {
        errors.Add(kNumber, "certificate number " + Quote(n) + " has level character " +
                                std::string(1, n[15]) + ", the row's level is " +
                                LevelText(c.level));
      } else if (parsed->year != c.issued.year % 100) {
        errors.Add(kNumber, "certificate number " + Quote(n) + " is of year " + n.substr(13, 2) +
                                ", the issue date of " + std::to_string(c.issued.year));
      }
      return;
    }
    if (!profile_.title_pattern || errors.Has(kSeries)) return;
    TitleNumberPattern::Fields fields{profile_.committee_code, c.issued.year, c.series};
    if (Status s = profile_.title_pattern->Match(n, fields); !s.ok()) {
      errors.Add(kNumber, s.message());
    }
  }

  static Hash256 RowHash(const std::array<std::string, kColCount>& v) {
    cbor::Value fields = cbor::Value::MakeMap();
    for (std::size_t c = 0; c < kColumns.size(); ++c) {
      // Only valid UTF-8 reaches here (CSV errors stop a row earlier).
      if (!v[c].empty()) fields.Set(kColumns[c].name, cbor::Value::Text(v[c]));
    }
    cbor::Value top = cbor::Value::MakeArray(
        {cbor::Value::Text("certledger-row-1"), std::move(fields)});
    return Sha256::Hash(cbor::Encode(top));
  }

  const IssuerProfile& profile_;
  const IssuerStore& store_;
  const BatchOptions& options_;
  BatchPlan plan_;
  bool header_ok_ = false;
  std::vector<std::string> header_names_;
  std::array<std::size_t, kColCount> positions_{};  // column (1-based) or 0
  std::map<Hash256, std::size_t> seen_rows_;
  std::map<std::string, std::size_t> given_numbers_;
  std::map<std::string, std::size_t> superseded_;
  bool reported_no_skill_numbering_ = false;
  bool reported_no_title_numbering_ = false;
};

}  // namespace

std::string RowError::ToString() const {
  std::string out;
  if (line != 0) {
    out = "line " + std::to_string(line);
    if (column != 0) {
      out += ", column " + std::to_string(column);
      if (!column_name.empty()) out += " (" + column_name + ")";
    } else if (!column_name.empty()) {
      out += " (" + column_name + ")";
    }
    out += ": ";
  }
  return out + message;
}

BatchPlan PlanBatch(std::string_view csv_text, const IssuerProfile& profile,
                    const IssuerStore& store, const BatchOptions& options) {
  return Planner(profile, store, options).Run(csv_text);
}

}  // namespace certledger
