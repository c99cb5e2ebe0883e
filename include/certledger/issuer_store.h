// IssuerStore: a certifying body's own private store, kept apart from the
// ledger (DESIGN.md, "Holder privacy").
//
// It holds what the ledger must never see and what the body needs later:
//   - each certificate it signed, with the holder's disclosures (name and
//     ID number in the clear), so that a lost certificate can be reprinted
//     with the same number and QR code;
//   - which CSV row each certificate came from (a SHA-256 of the row), so
//     that running the same file again issues nothing twice;
//   - its signed revocations, so that a repeated revocation resubmits the
//     same record;
//   - the serial counters, each persisted (fsync) BEFORE any serial it
//     hands out is used, so that an interrupted run never reuses a serial
//     (it may leave gaps).
//
// On disk (grammar at the top of issuer/issuer_store.cpp): a directory of
// mode 0700 with a LOCK file, a FORMAT file, the serial counters and
// append-only chunk files of entries (mode 0600), each written atomically
// and durably. Open() takes an exclusive flock on LOCK, held until the
// store is destroyed, so that two runs never share one store.
//
// Thread safety: not thread-safe; one thread uses a store at a time. The
// lock keeps other processes (and other IssuerStore objects) out.
#ifndef CERTLEDGER_ISSUER_STORE_H_
#define CERTLEDGER_ISSUER_STORE_H_

#include <cstdint>
#include <map>
#include <memory>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "certledger/bytes.h"
#include "certledger/certificate_rules.h"
#include "certledger/disclosure.h"
#include "certledger/sha256.h"
#include "certledger/status.h"

namespace certledger {

// A certificate as the issuer keeps it. Copyable value.
struct StoredCertificate {
  std::string number;
  Bytes record;                         // the signed COSE record, exactly
  std::vector<Disclosure> disclosures;  // "name" and "id"
  IdType id_type = IdType::kResident;
  std::optional<Hash256> row;           // the CSV row it was issued from
  std::uint64_t stored_at = 0;          // seconds since the epoch

  friend bool operator==(const StoredCertificate&, const StoredCertificate&) = default;
};

// A revocation the issuer signed. Copyable value.
struct StoredRevocation {
  std::string number;  // the revoked certificate
  Bytes record;        // the signed COSE record, exactly
  std::uint64_t stored_at = 0;

  friend bool operator==(const StoredRevocation&, const StoredRevocation&) = default;
};

class IssuerStore {
 public:
  // Opens the store at `dir`, creating it (mode 0700) if it is missing.
  // Loads every entry. Errors:
  //   PermissionDenied  `dir` grants group or other permissions: "issuer
  //                     store X is accessible by group or others (mode
  //                     0755); run chmod 700 X";
  //   IOError           with reason "store_locked" when another process
  //                     (or object) holds the store; other system errors;
  //   Corruption        an unknown FORMAT, an unreadable chunk or serials
  //                     file, or the same number or row twice.
  [[nodiscard]] static Result<std::unique_ptr<IssuerStore>> Open(const std::string& dir);
  ~IssuerStore();  // releases the lock
  IssuerStore(const IssuerStore&) = delete;
  IssuerStore& operator=(const IssuerStore&) = delete;

  const std::string& dir() const { return dir_; }

  // Reserves `count` consecutive serials of `sequence` (numbering.h) and
  // returns the first; the counter is durable on disk before this returns.
  // InvalidArgument if `sequence` is empty or holds whitespace, or count
  // is 0; ResourceExhausted (nothing reserved) if the serials would pass
  // `max_serial`; IOError.
  [[nodiscard]] Result<std::uint64_t> ReserveSerials(std::string_view sequence,
                                                     std::uint64_t count,
                                                     std::uint64_t max_serial);
  // The first serial of `sequence` never handed out (1 for a new sequence).
  std::uint64_t NextSerial(std::string_view sequence) const;

  // Lookups; nullptr when absent. Certificate pointers stay valid until the
  // store dies, revocation pointers until the next Append().
  const StoredCertificate* FindCertificate(std::string_view number) const;
  const StoredCertificate* FindCertificateByRow(const Hash256& row) const;
  // Every revocation stored for `number`, oldest first (empty if none).
  std::vector<const StoredRevocation*> FindRevocations(std::string_view number) const;
  std::size_t certificate_count() const { return certificates_.size(); }

  // Appends entries as one durable chunk (nothing if both are empty). On
  // error nothing is added. AlreadyExists if a certificate's number or row
  // is already stored or repeats within the call; InvalidArgument for an
  // entry without number or record; IOError.
  [[nodiscard]] Status Append(std::vector<StoredCertificate> certificates,
                              std::vector<StoredRevocation> revocations);

 private:
  struct PassKey {
    explicit PassKey() = default;
  };

 public:
  // For Open() only (PassKey is private).
  IssuerStore(PassKey, std::string dir, int lock_fd);

 private:
  Status Load();
  Status LoadChunk(const std::string& path);
  Status LoadSerials();
  Status WriteSerials(const std::map<std::string, std::uint64_t, std::less<>>& serials) const;
  void Index(StoredCertificate certificate);

  std::string dir_;
  int lock_fd_ = -1;
  std::uint64_t next_chunk_ = 1;
  std::map<std::string, std::uint64_t, std::less<>> serials_;  // sequence -> next serial
  std::map<std::string, StoredCertificate, std::less<>> certificates_;
  std::map<Hash256, std::string> rows_;  // row hash -> number
  std::map<std::string, std::vector<StoredRevocation>, std::less<>> revocations_;
};

}  // namespace certledger

#endif  // CERTLEDGER_ISSUER_STORE_H_
