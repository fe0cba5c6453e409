#include "stocktake/server/http_error.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

#include "stocktake/view/json_printer.h"

namespace stocktake::server {

int HttpStatusFor(ErrorCode code) {
  switch (code) {
    case ErrorCode::kInvalidArgument:
      return 400;
    case ErrorCode::kNotFound:
      return 404;
    case ErrorCode::kConflict:
      return 409;
    case ErrorCode::kPermissionDenied:
      return 403;
    case ErrorCode::kCorruption:
      return 422;
    case ErrorCode::kUnavailable:
      return 503;
    case ErrorCode::kIoError:
    case ErrorCode::kInternal:
      return 500;
  }
  return 500;
}

std::string_view ReasonPhrase(int status) {
  switch (status) {
    case 200:
      return "OK";
    case 201:
      return "Created";
    case 204:
      return "No Content";
    case 304:
      return "Not Modified";
    case 400:
      return "Bad Request";
    case 401:
      return "Unauthorized";
    case 403:
      return "Forbidden";
    case 404:
      return "Not Found";
    case 405:
      return "Method Not Allowed";
    case 409:
      return "Conflict";
    case 412:
      return "Precondition Failed";
    case 413:
      return "Content Too Large";
    case 415:
      return "Unsupported Media Type";
    case 422:
      return "Unprocessable Content";
    case 429:
      return "Too Many Requests";
    case 431:
      return "Request Header Fields Too Large";
    case 500:
      return "Internal Server Error";
    case 503:
      return "Service Unavailable";
    default:
      return "Unknown";
  }
}

Response ErrorResponse(int status, std::string_view code, std::string_view message) {
  nlohmann::json body = {{"error", {{"code", code}, {"message", message}}}};
  Response response;
  response.status = status;
  response.content_type = kJsonType;
  response.body = view::DumpJson(body) + "\n";
  return response;
}

Response UnauthenticatedResponse(std::string_view message, bool invalid_token) {
  Response response = ErrorResponse(401, "unauthenticated", message);
  response.headers.emplace_back("WWW-Authenticate",
                                invalid_token ? R"(Bearer realm="stocktake", error="invalid_token")"
                                              : R"(Bearer realm="stocktake")");
  return response;
}

Response InsufficientScopeResponse(std::string_view message) {
  Response response = ErrorResponse(403, "insufficient-scope", message);
  response.headers.emplace_back("WWW-Authenticate",
                                R"(Bearer realm="stocktake", error="insufficient_scope")");
  return response;
}

Response CsrfResponse(std::string_view message) { return ErrorResponse(403, "csrf", message); }

Response TooManyAttemptsResponse(std::chrono::seconds retry_after) {
  Response response = ErrorResponse(
      429, "too-many-attempts",
      fmt::format("too many failed logins for this account or address: try again in {} s",
                  retry_after.count()));
  response.headers.emplace_back("Retry-After", std::to_string(retry_after.count()));
  return response;
}

Response PreconditionFailedResponse(std::string_view message) {
  return ErrorResponse(412, "precondition-failed", message);
}

Response ErrorResponse(const Error& error) {
  int status = HttpStatusFor(error.code());
  // A server-side failure's detail may name files and SQL: the log has it.
  if (status >= 500 && status != 503) {
    Response response = ErrorResponse(status, ErrorCodeName(error.code()), "internal error");
    response.log_detail = error.ToString();
    return response;
  }
  return ErrorResponse(status, ErrorCodeName(error.code()), error.ToString());
}

}  // namespace stocktake::server
