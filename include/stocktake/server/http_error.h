#pragma once

// The one place where an ErrorCode becomes an HTTP status, and the JSON error
// body every failed request of `stocktake serve` carries:
//
//   {"error": {"code": "not-found", "message": "no release '9.9': known: 4.3"}}
//
// `code` is ErrorCodeName() for library errors, or one of the protocol
// codes below for what HTTP itself refuses (an unknown route, a wrong
// method, a body over the limit). docs/api.md lists them. Pure; thread-safe.

#include <chrono>
#include <string>
#include <string_view>

#include "stocktake/error.h"
#include "stocktake/server/http_message.h"

namespace stocktake::server {

/// The status for `code`:
///   kInvalidArgument 400, kNotFound 404, kConflict 409, kCorruption 422 (the
///   request's content is well-formed HTTP but cannot be processed: a
///   malformed project file or mail), kIoError 500, kUnavailable 503,
///   kInternal 500.
int HttpStatusFor(ErrorCode code);

/// The reason phrase of `status` ("Not Found"), or "Unknown" for one the
/// server never sends.
std::string_view ReasonPhrase(int status);

/// A JSON error response: {"error": {"code", "message"}} with `status`.
Response ErrorResponse(int status, std::string_view code, std::string_view message);

/// 401, code "unauthenticated": the request has no valid credential. It
/// carries `WWW-Authenticate: Bearer`, with error="invalid_token" when
/// `invalid_token` (a bearer token was sent, but is unknown, expired or
/// revoked).
Response UnauthenticatedResponse(std::string_view message, bool invalid_token = false);

/// 403, code "insufficient-scope": a read-only token tried to write
/// (`WWW-Authenticate: Bearer error="insufficient_scope"`).
Response InsufficientScopeResponse(std::string_view message);

/// 403, code "csrf": a write of a signed-in session without the session's
/// X-CSRF-Token.
Response CsrfResponse(std::string_view message);

/// 429, code "too-many-attempts", with `Retry-After: SECONDS`.
Response TooManyAttemptsResponse(std::chrono::seconds retry_after);

/// 412, code "precondition-failed": If-Match names another version of the
/// object than the stored one; nothing was written.
Response PreconditionFailedResponse(std::string_view message);

/// The response for a library error, with HttpStatusFor's status. A 5xx
/// other than 503 says only "internal error": its detail (SQL state, file
/// paths) is for the server's log, not for the client.
Response ErrorResponse(const Error& error);

}  // namespace stocktake::server
