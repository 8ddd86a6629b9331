// Status and Result<T>: errors as values, used by every layer of Strata.
//
// A Status is OK or carries a code and a message. A Result<T> is a T or a
// non-OK Status. No layer throws across its boundary; callers must look at
// every Status they get back ([[nodiscard]] makes the compiler insist).
#pragma once

#include <cassert>
#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace strata {

enum class StatusCode {
  kOk = 0,
  kNotFound,         // a key, file, table or column that does not exist
  kCorruption,       // on-disk bytes fail validation ("page 17: checksum mismatch")
  kIOError,          // the OS or device failed an operation (EIO, short write)
  kNoSpace,          // ENOSPC or a configured size cap
  kInvalidArgument,  // a caller broke a documented requirement
  kBusy,             // a lock is held by another transaction or process
  kCrashed,          // the fault VFS simulated power loss: everything fails from here
  kPoisoned,         // an earlier sync failed; the handle refuses writes until reopen
  kConstraint,       // a SQL constraint (UNIQUE, NOT NULL, ...) was violated
  kSyntax,           // SQL could not be parsed (message carries line:column)
  kUnsupported,      // a valid construct Strata does not implement (yet)
  kReadOnly,         // a write was attempted through a read-only handle
  kInternal,         // an invariant of Strata itself was broken (a bug)
};

std::string_view status_code_name(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  static Status ok() { return Status(); }
  static Status not_found(std::string m) { return {StatusCode::kNotFound, std::move(m)}; }
  static Status corruption(std::string m) { return {StatusCode::kCorruption, std::move(m)}; }
  static Status io_error(std::string m) { return {StatusCode::kIOError, std::move(m)}; }
  static Status no_space(std::string m) { return {StatusCode::kNoSpace, std::move(m)}; }
  static Status invalid_argument(std::string m) {
    return {StatusCode::kInvalidArgument, std::move(m)};
  }
  static Status busy(std::string m) { return {StatusCode::kBusy, std::move(m)}; }
  static Status crashed(std::string m) { return {StatusCode::kCrashed, std::move(m)}; }
  static Status poisoned(std::string m) { return {StatusCode::kPoisoned, std::move(m)}; }
  static Status constraint(std::string m) { return {StatusCode::kConstraint, std::move(m)}; }
  static Status syntax(std::string m) { return {StatusCode::kSyntax, std::move(m)}; }
  static Status unsupported(std::string m) { return {StatusCode::kUnsupported, std::move(m)}; }
  static Status read_only(std::string m) { return {StatusCode::kReadOnly, std::move(m)}; }
  static Status internal(std::string m) { return {StatusCode::kInternal, std::move(m)}; }

  bool is_ok() const { return code_ == StatusCode::kOk; }
  explicit operator bool() const { return is_ok(); }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }
  bool is(StatusCode code) const { return code_ == code; }

  // "corruption: page 17: checksum mismatch"; "ok" when OK.
  std::string to_string() const;

  // Same code, message prefixed with context: "opening db: <message>".
  Status with_context(std::string_view context) const;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

// A value or an error. Access to value() REQUIRES ok().
template <typename T>
class [[nodiscard]] Result {
 public:
  Result(T value) : value_(std::move(value)) {}  // NOLINT: implicit by design
  Result(Status status) : status_(std::move(status)) {  // NOLINT: implicit by design
    assert(!status_.is_ok() && "Result built from an OK status has no value");
  }

  bool ok() const { return value_.has_value(); }
  explicit operator bool() const { return ok(); }
  const Status& status() const { return status_; }
  // OK when there is a value, else the error: for callers that need only success.
  Status status_or_ok() const { return ok() ? Status::ok() : status_; }

  T& value() & { assert(ok()); return *value_; }
  const T& value() const& { assert(ok()); return *value_; }
  T&& value() && { assert(ok()); return std::move(*value_); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }

 private:
  std::optional<T> value_;
  Status status_;
};

}  // namespace strata

// Early-return helpers. STRATA_TRY(expr) returns the Status if it is not OK.
// STRATA_ASSIGN(lhs, expr) evaluates a Result, returns its Status on error,
// otherwise moves the value into lhs (which may be a declaration).
#define STRATA_CONCAT_INNER(a, b) a##b
#define STRATA_CONCAT(a, b) STRATA_CONCAT_INNER(a, b)

#define STRATA_TRY(expr)                          \
  do {                                            \
    ::strata::Status strata_status_ = (expr);     \
    if (!strata_status_.is_ok()) return strata_status_; \
  } while (0)

#define STRATA_ASSIGN_IMPL(tmp, lhs, expr) \
  auto tmp = (expr);                       \
  if (!tmp.ok()) return tmp.status();      \
  lhs = std::move(tmp).value()

#define STRATA_ASSIGN(lhs, expr) \
  STRATA_ASSIGN_IMPL(STRATA_CONCAT(strata_result_, __LINE__), lhs, expr)
