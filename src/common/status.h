// Status and StatusOr<T>: logsieve's one error type.
//
// Library code never throws: a function that can fail returns a Status (or a
// StatusOr<T> carrying a value on success). Messages are for people: they name
// the file, line, field or key at fault and say what was expected, e.g.
//
//   StatusOr<RuleSet> rules = RuleSet::Load("rules.yaml");
//   if (!rules.ok()) return rules.status();   // "rules.yaml:12: rule 'x': ..."
//
// The vocabulary follows Abseil (InvalidArgumentError, NotFoundError, ...), so
// the codes map directly to HTTP statuses and exit codes at the edges.
//
// Thread safety: values; copy freely.
#ifndef LOGSIEVE_COMMON_STATUS_H_
#define LOGSIEVE_COMMON_STATUS_H_

#include <cassert>
#include <string>
#include <string_view>
#include <utility>
#include <variant>

namespace logsieve {

enum class StatusCode {
  kOk = 0,
  kInvalidArgument,     // bad input: malformed CSV row, bad rule, bad config key
  kNotFound,            // missing file, tensor, column
  kFailedPrecondition,  // state does not allow it: model/encoder mismatch
  kDataLoss,            // corrupt or truncated file
  kUnavailable,         // remote service down; may succeed later
  kDeadlineExceeded,    // timed out
  kResourceExhausted,   // budget, size limit, queue full
  kUnauthenticated,     // missing or wrong credentials
  kPermissionDenied,
  kUnimplemented,  // a setting or architecture logsieve refuses to run
  kOutOfRange,
  kInternal,  // a bug: an invariant did not hold
};

// The code's name in Abseil's spelling ("INVALID_ARGUMENT").
std::string_view StatusCodeName(StatusCode code);

class [[nodiscard]] Status {
 public:
  Status() = default;  // OK
  Status(StatusCode code, std::string message) : code_(code), message_(std::move(message)) {}

  bool ok() const { return code_ == StatusCode::kOk; }
  StatusCode code() const { return code_; }
  const std::string& message() const { return message_; }

  // "INVALID_ARGUMENT: message", or "OK".
  std::string ToString() const;

  // Returns a copy with `prefix: ` in front of the message (for adding a file
  // name or a row number on the way up). OK stays OK.
  Status WithPrefix(std::string_view prefix) const;

  friend bool operator==(const Status&, const Status&) = default;

 private:
  StatusCode code_ = StatusCode::kOk;
  std::string message_;
};

inline Status OkStatus() { return Status(); }
Status InvalidArgumentError(std::string message);
Status NotFoundError(std::string message);
Status FailedPreconditionError(std::string message);
Status DataLossError(std::string message);
Status UnavailableError(std::string message);
Status DeadlineExceededError(std::string message);
Status ResourceExhaustedError(std::string message);
Status UnauthenticatedError(std::string message);
Status PermissionDeniedError(std::string message);
Status UnimplementedError(std::string message);
Status OutOfRangeError(std::string message);
Status InternalError(std::string message);

// Either a T or a non-OK Status.
template <typename T>
class [[nodiscard]] StatusOr {
 public:
  // REQUIRES: !status.ok()
  StatusOr(Status status) : rep_(std::move(status)) {  // NOLINT: implicit by design
    assert(!std::get<Status>(rep_).ok());
  }
  StatusOr(T value) : rep_(std::move(value)) {}  // NOLINT: implicit by design
  template <typename U>
  requires(std::is_constructible_v<T, U&&> && !std::is_same_v<std::decay_t<U>, Status> &&
           !std::is_same_v<std::decay_t<U>, T> && !std::is_same_v<std::decay_t<U>, StatusOr<T>>)
      // Implicit by design, as absl::StatusOr.
      // NOLINTNEXTLINE(google-explicit-constructor,bugprone-forwarding-reference-overload)
      StatusOr(U&& value)
      : rep_(T(std::forward<U>(value))) {}

  bool ok() const { return std::holds_alternative<T>(rep_); }
  Status status() const { return ok() ? OkStatus() : std::get<Status>(rep_); }

  // REQUIRES: ok()
  T& value() & { return std::get<T>(rep_); }
  const T& value() const& { return std::get<T>(rep_); }
  T&& value() && { return std::get<T>(std::move(rep_)); }
  T& operator*() & { return value(); }
  const T& operator*() const& { return value(); }
  T&& operator*() && { return std::move(*this).value(); }
  T* operator->() { return &value(); }
  const T* operator->() const { return &value(); }

 private:
  std::variant<Status, T> rep_;
};

}  // namespace logsieve

#define LOGSIEVE_CONCAT_INNER_(a, b) a##b
#define LOGSIEVE_CONCAT_(a, b) LOGSIEVE_CONCAT_INNER_(a, b)

// Returns from the enclosing function if `expr` (a Status) is not OK.
#define LOGSIEVE_RETURN_IF_ERROR(expr)                   \
  do {                                                   \
    ::logsieve::Status logsieve_status_ = (expr);        \
    if (!logsieve_status_.ok()) return logsieve_status_; \
  } while (0)

// `lhs = value of expr` (a StatusOr), or returns its error.
#define LOGSIEVE_ASSIGN_OR_RETURN(lhs, expr) \
  LOGSIEVE_ASSIGN_OR_RETURN_IMPL_(LOGSIEVE_CONCAT_(logsieve_statusor_, __LINE__), lhs, expr)
#define LOGSIEVE_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr) \
  auto tmp = (expr);                                    \
  if (!tmp.ok()) return tmp.status();                   \
  lhs = std::move(tmp).value()

#endif  // LOGSIEVE_COMMON_STATUS_H_
