// The one error model of CloudOptim: every fallible function returns Result<T> (or Status),
// a std::expected whose error carries a canonical code and a message naming what was wrong.
// Exceptions are reserved for fatal start-up problems.
//
//   Result<Quantity> q = Quantity::Parse("1.5Gi");
//   if (!q) return std::unexpected(q.error());
//   if (IsNotFound(status.error())) { ... }
#pragma once

#include <expected>
#include <string>
#include <string_view>
#include <utility>

namespace cloudoptim {

// Canonical codes, as in Abseil/gRPC. Each client maps its peer's errors (Kubernetes Status
// reasons, AWS error codes, HTTP statuses) onto these in exactly one place.
enum class ErrorCode {
  kCancelled,
  kUnknown,
  kInvalidArgument,     // the caller's input is wrong: bad JSON, bad quantity, bad flag
  kDeadlineExceeded,    // a time limit ran out
  kNotFound,            // the named object does not exist
  kAlreadyExists,       // create of something that exists
  kPermissionDenied,    // authenticated, but not allowed (HTTP 403, UnauthorizedOperation)
  kResourceExhausted,   // throttled or out of capacity (HTTP 429, RequestLimitExceeded)
  kFailedPrecondition,  // the system is not in a state that allows it (volume in use)
  kAborted,             // a concurrency conflict (HTTP 409); retry after re-reading
  kOutOfRange,          // a value outside the representable range
  kUnimplemented,       // the operation is not supported
  kInternal,            // an invariant of ours was broken
  kUnavailable,         // the peer cannot be reached right now; retrying may help
  kDataLoss,            // data is corrupt or truncated
  kUnauthenticated,     // no valid credentials (HTTP 401)
};

std::string_view ErrorCodeName(ErrorCode code);

struct Error {
  ErrorCode code = ErrorCode::kUnknown;
  std::string message;

  // "NotFound: node ip-10-0-1-2 not found"
  std::string ToString() const;
};

template <typename T>
using Result = std::expected<T, Error>;
using Status = std::expected<void, Error>;

inline Status Ok() { return {}; }

inline std::unexpected<Error> MakeError(ErrorCode code, std::string message) {
  return std::unexpected(Error{code, std::move(message)});
}
inline std::unexpected<Error> InvalidArgument(std::string m) {
  return MakeError(ErrorCode::kInvalidArgument, std::move(m));
}
inline std::unexpected<Error> NotFound(std::string m) {
  return MakeError(ErrorCode::kNotFound, std::move(m));
}
inline std::unexpected<Error> AlreadyExists(std::string m) {
  return MakeError(ErrorCode::kAlreadyExists, std::move(m));
}
inline std::unexpected<Error> PermissionDenied(std::string m) {
  return MakeError(ErrorCode::kPermissionDenied, std::move(m));
}
inline std::unexpected<Error> Unauthenticated(std::string m) {
  return MakeError(ErrorCode::kUnauthenticated, std::move(m));
}
inline std::unexpected<Error> ResourceExhausted(std::string m) {
  return MakeError(ErrorCode::kResourceExhausted, std::move(m));
}
inline std::unexpected<Error> FailedPrecondition(std::string m) {
  return MakeError(ErrorCode::kFailedPrecondition, std::move(m));
}
inline std::unexpected<Error> Aborted(std::string m) {
  return MakeError(ErrorCode::kAborted, std::move(m));
}
inline std::unexpected<Error> OutOfRange(std::string m) {
  return MakeError(ErrorCode::kOutOfRange, std::move(m));
}
inline std::unexpected<Error> Unimplemented(std::string m) {
  return MakeError(ErrorCode::kUnimplemented, std::move(m));
}
inline std::unexpected<Error> Internal(std::string m) {
  return MakeError(ErrorCode::kInternal, std::move(m));
}
inline std::unexpected<Error> Unavailable(std::string m) {
  return MakeError(ErrorCode::kUnavailable, std::move(m));
}
inline std::unexpected<Error> DeadlineExceeded(std::string m) {
  return MakeError(ErrorCode::kDeadlineExceeded, std::move(m));
}
inline std::unexpected<Error> DataLoss(std::string m) {
  return MakeError(ErrorCode::kDataLoss, std::move(m));
}

inline bool IsInvalidArgument(const Error& e) { return e.code == ErrorCode::kInvalidArgument; }
inline bool IsNotFound(const Error& e) { return e.code == ErrorCode::kNotFound; }
inline bool IsAlreadyExists(const Error& e) { return e.code == ErrorCode::kAlreadyExists; }
inline bool IsPermissionDenied(const Error& e) { return e.code == ErrorCode::kPermissionDenied; }
inline bool IsUnauthenticated(const Error& e) { return e.code == ErrorCode::kUnauthenticated; }
inline bool IsResourceExhausted(const Error& e) { return e.code == ErrorCode::kResourceExhausted; }
inline bool IsFailedPrecondition(const Error& e) {
  return e.code == ErrorCode::kFailedPrecondition;
}
inline bool IsAborted(const Error& e) { return e.code == ErrorCode::kAborted; }
inline bool IsUnavailable(const Error& e) { return e.code == ErrorCode::kUnavailable; }
inline bool IsDeadlineExceeded(const Error& e) { return e.code == ErrorCode::kDeadlineExceeded; }

// Whether an operation that failed this way may succeed if simply tried again later.
inline bool IsRetryable(const Error& e) {
  return e.code == ErrorCode::kUnavailable || e.code == ErrorCode::kResourceExhausted ||
         e.code == ErrorCode::kDeadlineExceeded;
}

// Prefixes the message with context, keeping the code: "reading pods: Unavailable: ...".
Error Annotate(Error error, std::string_view context);

}  // namespace cloudoptim

// Returns early from the enclosing function with the error of `expr` if it failed.
// Works for Result<T> and Status. Evaluates `expr` once.
#define CO_RETURN_IF_ERROR(expr)                                 \
  do {                                                           \
    auto co_status_ = (expr);                                    \
    if (!co_status_) return std::unexpected(co_status_.error()); \
  } while (false)

// Declares `lhs` from a Result<T> expression or returns its error.
#define CO_ASSIGN_OR_RETURN(lhs, expr) \
  CO_ASSIGN_OR_RETURN_IMPL_(CO_CONCAT_(co_result_, __LINE__), lhs, expr)
#define CO_CONCAT_INNER_(a, b) a##b
#define CO_CONCAT_(a, b) CO_CONCAT_INNER_(a, b)
#define CO_ASSIGN_OR_RETURN_IMPL_(tmp, lhs, expr)           \
  auto tmp = (expr);                                        \
  if (!tmp) return std::unexpected(std::move(tmp).error()); \
  lhs = std::move(*tmp)
