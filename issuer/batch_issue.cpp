// Issuing a checked batch: numbers, signatures, store, ledger, files.
//
// The order makes every interruption safe to repeat:
//   1. serials reserved (durable) -> a crash leaves gaps, never reuse;
//   2. certificates signed in memory;
//   3. certificates stored with their row hashes (durable) -> from now on a
//      repeated run finds the rows and reuses these exact records;
//   4. records submitted (the ledger is idempotent for identical records);
//   5. superseded certificates revoked (the revocation stored first, see
//      revoke.h);
//   6. QR files and printable certificates written (reproducible from the
//      store at any time).
#include <algorithm>
#include <atomic>
#include <functional>
#include <iterator>
#include <map>
#include <set>
#include <thread>

#include "certledger/batch.h"
#include "certledger/certificate_print.h"
#include "certledger/numbering.h"
#include "certledger/qr_image.h"
#include "certledger/qr_payload.h"
#include "certledger/revoke.h"
#include "certledger/file_util.h"

namespace certledger {
namespace {

constexpr std::size_t kStoreChunk = 1000;
// Large enough that the ledger's SubmitMany pipelines inside one call
// (it verifies the next 512 records while committing the last), small
// enough for the progress bar to move.
constexpr std::size_t kSubmitChunk = 8192;

void Report(const IssueOptions& options, std::string_view stage, std::size_t done,
            std::size_t total) {
  if (options.progress) options.progress(stage, done, total);
}

// Runs fn(i) for i in [0, n) on `threads` threads (the caller's included),
// reporting progress from the calling thread.
template <typename Fn>
void ParallelFor(std::size_t n, int threads, const IssueOptions& options, std::string_view stage,
                 Fn fn) {
  Report(options, stage, 0, n);
  std::atomic<std::size_t> next{0};
  std::atomic<std::size_t> done{0};
  auto work = [&](bool report) {
    for (std::size_t i; (i = next.fetch_add(1)) < n;) {
      fn(i);
      std::size_t d = done.fetch_add(1) + 1;
      if (report) Report(options, stage, d, n);
    }
  };
  std::vector<std::thread> pool;
  const std::size_t extra =
      std::min<std::size_t>(n, static_cast<std::size_t>(std::max(threads, 1))) - (n > 0 ? 1 : 0);
  for (std::size_t t = 0; t < extra; ++t) pool.emplace_back(work, false);
  work(true);
  for (std::thread& t : pool) t.join();
  Report(options, stage, n, n);
}

// Makes numbers for the rows that need one.
class Numberer {
 public:
  Numberer(const IssuerProfile& profile, IssuerStore& store, const BatchPlan& plan,
           const std::function<bool(std::string_view)>& in_ledger)
      : profile_(profile), store_(store), in_ledger_(in_ledger) {
    for (const BatchRow& row : plan.rows) {
      if (!row.certificate.number.empty()) given_.insert(row.certificate.number);
    }
  }

  // Assigns numbers to certificates[i] for every i in `need`.
  Status Assign(std::vector<Certificate>& certificates, const std::vector<std::size_t>& need) {
    // Group by sequence, keeping file order within each.
    struct Group {
      std::vector<std::size_t> rows;
      std::function<Result<std::string>(std::uint64_t)> format;
      std::uint64_t max_serial = 0;
    };
    std::map<std::string, Group> groups;
    for (std::size_t i : need) {
      const Certificate& c = certificates[i];
      std::string sequence;
      Group g;
      if (c.type == CertificateType::kSkill) {
        if (!profile_.skill) return Status::InvalidArgument("the profile has no skill numbering");
        SkillNumber n{*profile_.skill, c.issued.year % 100, c.level, 0};
        sequence = n.Sequence();
        g.format = [n](std::uint64_t serial) mutable -> Result<std::string> {
          n.serial = serial;
          return n.ToString();
        };
        g.max_serial = kMaxSkillSerial;
      } else {
        if (!profile_.title_pattern) {
          return Status::InvalidArgument("the profile has no title committee");
        }
        TitleNumberPattern::Fields fields{profile_.committee_code, c.issued.year, c.series};
        sequence = profile_.title_pattern->Sequence(fields);
        const TitleNumberPattern* pattern = &*profile_.title_pattern;
        g.format = [pattern, fields](std::uint64_t serial) { return pattern->Format(fields, serial); };
        g.max_serial = profile_.title_pattern->max_serial();
      }
      auto [it, inserted] = groups.try_emplace(sequence, std::move(g));
      it->second.rows.push_back(i);
    }
    for (auto& [sequence, group] : groups) {
      std::size_t next_row = 0;
      while (next_row < group.rows.size()) {
        const std::uint64_t want = group.rows.size() - next_row;
        CL_ASSIGN_OR_RETURN(std::uint64_t first,
                            store_.ReserveSerials(sequence, want, group.max_serial));
        for (std::uint64_t s = first; s < first + want; ++s) {
          CL_ASSIGN_OR_RETURN(std::string number, group.format(s));
          // A number given in a file, or issued before, is never made again.
          if (given_.contains(number) || store_.FindCertificate(number) != nullptr ||
              (in_ledger_ && in_ledger_(number))) {
            continue;
          }
          certificates[group.rows[next_row++]].number = std::move(number);
        }
      }
    }
    return Status::OK();
  }

 private:
  const IssuerProfile& profile_;
  IssuerStore& store_;
  const std::function<bool(std::string_view)>& in_ledger_;
  std::set<std::string> given_;
};

}  // namespace

Status WriteCertificateFiles(const StoredCertificate& certificate, const std::string& base_url,
                             const std::string& out_dir, const CertificateFileOptions& files) {
  QrPayload payload{certificate.record, certificate.disclosures, std::nullopt};
  CL_ASSIGN_OR_RETURN(std::string fragment, EncodeQrPayload(payload));
  const std::string url = QrUrl(base_url, fragment);
  CL_ASSIGN_OR_RETURN(QrSymbol symbol, EncodeQr(url, QrErrorCorrection::kM));
  CL_ASSIGN_OR_RETURN(Bytes png, RenderQrPng(symbol));
  const std::string base = out_dir + "/" + certificate.number;
  CL_RETURN_IF_ERROR(WriteFileAtomically(base + ".qr.txt", AsBytes(url + "\n"), 0600));
  CL_RETURN_IF_ERROR(WriteFileAtomically(base + ".qr.png", png, 0600));
  CL_RETURN_IF_ERROR(
      WriteFileAtomically(base + ".qr.svg", AsBytes(RenderQrSvg(symbol)), 0600));
  if (!files.printable) return Status::OK();
  CL_ASSIGN_OR_RETURN(PrintableCertificate page,
                      MakePrintableCertificate(certificate, files.body, base_url, url,
                                               files.id_printing));
  CL_ASSIGN_OR_RETURN(Bytes pdf, RenderCertificatePdf(page));
  CL_ASSIGN_OR_RETURN(Bytes preview, RenderCertificatePng(page, kPreviewDpi));
  CL_RETURN_IF_ERROR(WriteFileAtomically(base + ".pdf", pdf, 0600));
  return WriteFileAtomically(base + ".png", preview, 0600);
}

Result<BatchReport> IssueBatch(const BatchPlan& plan, const IssuerProfile& profile,
                               const SecretKey& key, IssuerStore& store, RecordSink& sink,
                               const IssueOptions& options) {
  if (!plan.errors.empty()) {
    return Status::InvalidArgument("the batch has " + std::to_string(plan.errors.size()) +
                                   " problems; nothing was issued");
  }
  if (options.body.empty() || options.out_dir.empty() || options.base_url.empty()) {
    return Status::InvalidArgument("issue: body, output directory and base URL are required");
  }
  CL_RETURN_IF_ERROR(MakeDirectory(options.out_dir, 0700));
  const std::size_t n = plan.rows.size();

  // 1. Numbers for the new rows without one.
  std::vector<Certificate> certificates(n);
  std::vector<std::size_t> fresh, need_number;
  for (std::size_t i = 0; i < n; ++i) {
    const BatchRow& row = plan.rows[i];
    if (row.issued_number) continue;
    certificates[i] = row.certificate;
    fresh.push_back(i);
    if (row.certificate.number.empty()) need_number.push_back(i);
  }
  Report(options, "number", 0, need_number.size());
  CL_RETURN_IF_ERROR(Numberer(profile, store, plan, options.number_in_ledger).Assign(certificates, need_number));
  Report(options, "number", need_number.size(), need_number.size());

  // 2. Disclosures and signatures.
  std::vector<StoredCertificate> stored(fresh.size());
  std::vector<Status> failures(fresh.size());
  ParallelFor(fresh.size(), options.threads, options, "sign", [&](std::size_t k) {
    const std::size_t i = fresh[k];
    const BatchRow& row = plan.rows[i];
    Certificate& c = certificates[i];
    auto name = MakeDisclosure("name", row.holder_name);
    auto id = MakeDisclosure("id", row.id_number);
    if (!name.ok() || !id.ok()) {
      failures[k] = (!name.ok() ? name.status() : id.status()).Annotate("line " + std::to_string(row.line));
      return;
    }
    auto holder = CommitmentsOf({*name, *id});
    if (!holder.ok()) {
      failures[k] = holder.status();
      return;
    }
    c.holder = *holder;
    auto signed_record = SignRecord(c, cwt::Claims{options.body, options.now, std::nullopt, {}}, key);
    if (!signed_record.ok()) {
      failures[k] = signed_record.status().Annotate("line " + std::to_string(row.line));
      return;
    }
    stored[k] = StoredCertificate{c.number, std::move(signed_record->bytes), {*name, *id},
                                  row.id_type, row.row_hash, options.now};
  });
  for (const Status& s : failures) CL_RETURN_IF_ERROR(s);

  // 3. The store, before the ledger sees anything.
  Report(options, "store", 0, stored.size());
  for (std::size_t start = 0; start < stored.size(); start += kStoreChunk) {
    const std::size_t end = std::min(stored.size(), start + kStoreChunk);
    // Moved: from here on the store holds them (rows[] below points there).
    std::vector<StoredCertificate> chunk(
        std::make_move_iterator(stored.begin() + static_cast<std::ptrdiff_t>(start)),
        std::make_move_iterator(stored.begin() + static_cast<std::ptrdiff_t>(end)));
    CL_RETURN_IF_ERROR(store.Append(std::move(chunk), {}));
    Report(options, "store", end, stored.size());
  }

  // Every row's stored certificate, new or from an earlier run.
  std::vector<const StoredCertificate*> rows(n, nullptr);
  BatchReport report;
  report.rows.resize(n);
  for (std::size_t i = 0; i < n; ++i) {
    const BatchRow& row = plan.rows[i];
    const std::string& number = row.issued_number ? *row.issued_number : certificates[i].number;
    rows[i] = store.FindCertificate(number);
    if (rows[i] == nullptr) return Status::Internal("issue: certificate " + number + " was not stored");
    report.rows[i].line = row.line;
    report.rows[i].number = number;
    report.rows[i].repeated = row.issued_number.has_value();
    report.rows[i].superseded = row.supersedes;
  }

  // 4. Submission.
  Report(options, "submit", 0, n);
  for (std::size_t start = 0; start < n; start += kSubmitChunk) {
    const std::size_t end = std::min(n, start + kSubmitChunk);
    std::vector<Bytes> records;
    for (std::size_t i = start; i < end; ++i) records.push_back(rows[i]->record);
    std::vector<Result<SinkReceipt>> results = sink.Submit(std::move(records));
    if (results.size() != end - start) return Status::Internal("the sink lost results");
    for (std::size_t i = start; i < end; ++i) {
      Result<SinkReceipt>& r = results[i - start];
      report.rows[i].submission = r.status();
      if (r.ok()) report.rows[i].receipt = *r;
    }
    Report(options, "submit", end, n);
  }

  // 5. Superseded certificates.
  std::vector<std::size_t> superseding;
  for (std::size_t i = 0; i < n; ++i) {
    if (report.rows[i].superseded && report.rows[i].submission.ok()) superseding.push_back(i);
  }
  if (!superseding.empty()) {
    Report(options, "revoke", 0, superseding.size());
    std::vector<Bytes> records;
    std::vector<std::size_t> submitted;
    for (std::size_t i : superseding) {
      RevocationRequest request{*report.rows[i].superseded, RevocationReason::kSuperseded,
                                report.rows[i].number, options.now, options.now};
      auto record = PrepareRevocation(request, options.body, key, &store);
      if (!record.ok()) {
        report.rows[i].revocation = record.status();
        continue;
      }
      records.push_back(std::move(*record));
      submitted.push_back(i);
    }
    std::vector<Result<SinkReceipt>> results = sink.Submit(std::move(records));
    if (results.size() != submitted.size()) return Status::Internal("the sink lost results");
    for (std::size_t k = 0; k < submitted.size(); ++k) {
      report.rows[submitted[k]].revocation = results[k].status();
    }
    Report(options, "revoke", superseding.size(), superseding.size());
  }

  // 6. Files for every logged certificate.
  std::vector<std::size_t> logged;
  for (std::size_t i = 0; i < n; ++i) {
    if (report.rows[i].submission.ok()) logged.push_back(i);
  }
  std::vector<Status> write_status(logged.size());
  ParallelFor(logged.size(), options.threads, options, "write", [&](std::size_t k) {
    write_status[k] =
        WriteCertificateFiles(*rows[logged[k]], options.base_url, options.out_dir, options.files);
  });
  for (std::size_t k = 0; k < logged.size(); ++k) {
    CL_RETURN_IF_ERROR(write_status[k]);
    report.rows[logged[k]].files_written = true;
  }

  for (const IssuedRow& r : report.rows) {
    if (!r.submission.ok()) {
      ++report.refused;
    } else if (r.repeated) {
      ++report.repeated;
    } else {
      ++report.issued;
    }
  }
  return report;
}

}  // namespace certledger
