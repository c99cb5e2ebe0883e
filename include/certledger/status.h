// Status and Result<T>: errors as values.
//
// Every library function that can fail returns a Status or a Result<T>. A
// Status is OK or carries a code, a human message, and optionally a short
// machine-readable reason (snake_case, e.g. "unknown_kid") that callers such
// as the HTTP layer and the CLI can act on without parsing the message.
//
// Thread safety: values; copying is cheap for OK statuses (no allocation).
#ifndef CERTLEDGER_STATUS_H_
#define CERTLEDGER_STATUS_H_

#include <cstdlib>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace certledger {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // the caller's input is malformed or out of range
  kNotFound,            // the thing asked for does not exist
  kAlreadyExists,       // refused: would overwrite something that exists
  kCorruption,          // stored or received data is inconsistent: an alarm
  kVerificationFailed,  // a signature, proof or commitment does not check
  kIOError,             // the operating system or storage failed
  kResourceExhausted,   // a size, depth or count limit was hit
  kPermissionDenied,    // file permissions or authority are insufficient
  kInternal,            // a bug: an invariant of our own was broken
};

// Name of a code as written in messages, e.g. "InvalidArgument".
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK

  static Status OK() { return Status(); }
  static Status InvalidArgument(std::string msg) { return {StatusCode::kInvalidArgument, std::move(msg)}; }
  static Status NotFound(std::string msg) { return {StatusCode::kNotFound, std::move(msg)}; }
  static Status AlreadyExists(std::string msg) { return {StatusCode::kAlreadyExists, std::move(msg)}; }
  static Status Corruption(std::string msg) { return {StatusCode::kCorruption, std::move(msg)}; }
  static Status VerificationFailed(std::string msg) { return {StatusCode::kVerificationFailed, std::move(msg)}; }
  static Status IOError(std::string msg) { return {StatusCode::kIOError, std::move(msg)}; }
  static Status ResourceExhausted(std::string msg) { return {StatusCode::kResourceExhausted, std::move(msg)}; }
  static Status PermissionDenied(std::string msg) { return {StatusCode::kPermissionDenied, std::move(msg)}; }
  static Status Internal(std::string msg) { return {StatusCode::kInternal, std::move(msg)}; }

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  // Machine-readable reason; empty unless set with WithReason().
  const std::string& reason() const { return reason_; }

  // Returns a copy carrying `reason` (snake_case, stable across versions).
  Status WithReason(std::string reason) const;
  // Returns a copy whose message is "<context>: <message>"; OK stays OK.
  Status Annotate(std::string_view context) const;
  // "InvalidArgument: message" or "OK".
  std::string ToString() const;

  bool Is(StatusCode code) const { return code_ == code; }

 private:
  Status(StatusCode code, std::string msg) : code_(code), message_(std::move(msg)) {}

  StatusCode code_ = StatusCode::kOk;
  std::string message_;
  std::string reason_;
};

// Result<T>: a T or a non-OK Status. Copyable iff T is.
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : v_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : v_(std::move(status)) {  // NOLINT
    if (std::get<Status>(v_).ok()) v_ = Status::Internal("Result built from an OK status");
  }

  bool ok() const { return std::holds_alternative<T>(v_); }
  // OK when a value is held.
  Status status() const { return ok() ? Status::OK() : std::get<Status>(v_); }

  // Preconditions: ok(). Aborts otherwise (a bug, never a runtime condition).
  T& value() & { Check(); return std::get<T>(v_); }
  const T& value() const& { Check(); return std::get<T>(v_); }
  T&& value() && { Check(); return std::get<T>(std::move(v_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  void Check() const {
    if (!ok()) std::abort();
  }
  std::variant<T, Status> v_;
};

}  // namespace certledger

#define CL_CONCAT_INNER_(a, b) a##b
#define CL_CONCAT_(a, b) CL_CONCAT_INNER_(a, b)

// Returns the Status of `expr` from the enclosing function if it is not OK.
#define CL_RETURN_IF_ERROR(expr)                         \
  do {                                                   \
    ::certledger::Status cl_status_ = (expr);            \
    if (!cl_status_.ok()) return cl_status_;             \
  } while (0)

// `lhs` = the value of the Result `rexpr`, or returns its Status.
#define CL_ASSIGN_OR_RETURN(lhs, rexpr) \
  CL_ASSIGN_OR_RETURN_IMPL_(CL_CONCAT_(cl_result_, __LINE__), lhs, rexpr)
#define CL_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, rexpr) \
  auto tmp = (rexpr);                              \
  if (!tmp.ok()) return tmp.status();              \
  lhs = std::move(tmp).value()

#endif  // CERTLEDGER_STATUS_H_
