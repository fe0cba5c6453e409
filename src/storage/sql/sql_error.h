#pragma once

// Guarded(): the one place where the SQL store turns an exception thrown by
// SOCI or by the SQLite C API into an Error. Codes come from the SQLite
// extended result code or the PostgreSQL SQLSTATE, never from message text.
// Stateless; safe to call from any thread.

#include <exception>
#include <string_view>

#include "stocktake/result.h"

namespace soci {
class session;
}

namespace stocktake {

/// The ErrorCode for an SQLite result code (primary or extended): busy or
/// locked is kUnavailable, a constraint kConflict, I/O, full, read-only and
/// cannot-open kIoError, corrupt and not-a-database kCorruption, else kInternal.
ErrorCode ErrorCodeForSqliteResult(int result);

/// The ErrorCode for a PostgreSQL SQLSTATE: integrity constraint violations
/// (class 23) and serialization failures (40001, 40P01) are kConflict,
/// connection failures (class 08, 57P01-57P03) and lock_not_available are
/// kUnavailable, disk full and I/O errors kIoError, data corruption
/// kCorruption, anything else kInternal.
ErrorCode ErrorCodeForSqlState(std::string_view sqlstate);

/// The Error for `error`, thrown while doing `what` ("writing", "reading
/// features"): "database error while WHAT: MESSAGE", with the SQLite result
/// code or SQLSTATE as its context. Exceptions that carry no database code
/// are kInternal; those that do not come from SOCI or SQLite read "internal
/// error while WHAT: MESSAGE".
Error DatabaseError(std::string_view what, const std::exception& error);

/// Has SQLite report extended result codes (SQLITE_CONSTRAINT_UNIQUE rather
/// than SQLITE_CONSTRAINT) on `session`, which must be an SQLite session.
void UseExtendedResultCodes(soci::session& session);

/// Runs `body`; an exception it throws becomes DatabaseError(what, ...). An
/// Error that `body` returns passes through unchanged.
template <typename Body>
auto Guarded(const char* what, Body&& body) -> decltype(body()) {
  try {
    return body();
  } catch (const std::exception& error) {
    return Fail(DatabaseError(what, error));
  }
}

}  // namespace stocktake
