#include "stocktake/error.h"

namespace stocktake {

std::string_view ErrorCodeName(ErrorCode code) {
  switch (code) {
    case ErrorCode::kNotFound:
      return "not-found";
    case ErrorCode::kInvalidArgument:
      return "invalid-argument";
    case ErrorCode::kConflict:
      return "conflict";
    case ErrorCode::kPermissionDenied:
      return "permission-denied";
    case ErrorCode::kCorruption:
      return "corruption";
    case ErrorCode::kIoError:
      return "io-error";
    case ErrorCode::kUnavailable:
      return "unavailable";
    case ErrorCode::kInternal:
      return "internal";
  }
  return "internal";
}

Error Error::WithContext(std::string_view context) const {
  std::string combined(context);
  if (!context_.empty()) {
    combined += ": ";
    combined += context_;
  }
  return Error(code_, message_, std::move(combined));
}

std::string Error::ToString() const {
  if (context_.empty()) return message_;
  return context_ + ": " + message_;
}

}  // namespace stocktake
