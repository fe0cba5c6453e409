#pragma once

// Error is the failure half of every fallible libstocktake call: a small closed
// set of codes, a human message that names the problem and, where known, the fix,
// and optional context (file:line:column, mbox offset, commit, SQL state).
// Error is a value type; copies are independent and may cross threads.

#include <string>
#include <string_view>

namespace stocktake {

/// The closed set of failure kinds. Each edge (CLI exit codes, HTTP statuses)
/// maps these once.
enum class ErrorCode {
  kNotFound,          ///< A named thing (feature, release, person) does not exist.
  kInvalidArgument,   ///< The caller's input is wrong: bad date, unknown status, refused action.
  kConflict,          ///< The input clashes with stored state (a duplicate, a stale proposal).
  kPermissionDenied,  ///< The acting person's roles do not allow the write (exit 4, HTTP 403).
  kCorruption,        ///< Malformed input data: a broken file, a truncated mbox.
  kIoError,           ///< The file system or the database failed.
  kUnavailable,       ///< A service (database server) cannot be reached.
  kInternal,          ///< A bug: an invariant did not hold.
};

/// Returns the lower-case name of `code`, e.g. "not-found".
std::string_view ErrorCodeName(ErrorCode code);

class Error {
 public:
  Error(ErrorCode code, std::string message, std::string context = {})
      : code_(code), message_(std::move(message)), context_(std::move(context)) {}

  static Error NotFound(std::string message) { return {ErrorCode::kNotFound, std::move(message)}; }
  static Error InvalidArgument(std::string message) {
    return {ErrorCode::kInvalidArgument, std::move(message)};
  }
  static Error Conflict(std::string message) { return {ErrorCode::kConflict, std::move(message)}; }
  static Error PermissionDenied(std::string message) {
    return {ErrorCode::kPermissionDenied, std::move(message)};
  }
  static Error Corruption(std::string message, std::string context = {}) {
    return {ErrorCode::kCorruption, std::move(message), std::move(context)};
  }
  static Error IoError(std::string message, std::string context = {}) {
    return {ErrorCode::kIoError, std::move(message), std::move(context)};
  }
  static Error Unavailable(std::string message) {
    return {ErrorCode::kUnavailable, std::move(message)};
  }
  static Error Internal(std::string message) { return {ErrorCode::kInternal, std::move(message)}; }

  ErrorCode code() const { return code_; }
  const std::string& message() const { return message_; }
  const std::string& context() const { return context_; }

  bool IsNotFound() const { return code_ == ErrorCode::kNotFound; }
  bool IsInvalidArgument() const { return code_ == ErrorCode::kInvalidArgument; }
  bool IsConflict() const { return code_ == ErrorCode::kConflict; }
  bool IsPermissionDenied() const { return code_ == ErrorCode::kPermissionDenied; }
  bool IsCorruption() const { return code_ == ErrorCode::kCorruption; }

  /// Returns a copy whose context is `context`, prefixed to any existing one.
  Error WithContext(std::string_view context) const;

  /// "context: message" when there is a context, else the message.
  std::string ToString() const;

 private:
  ErrorCode code_;
  std::string message_;
  std::string context_;
};

}  // namespace stocktake
