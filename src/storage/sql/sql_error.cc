#include "storage/sql/sql_error.h"

#include <fmt/format.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>

#include "stocktake/util/text.h"

#ifdef ST_WITH_POSTGRES
#include <soci/postgresql/soci-postgresql.h>
#endif

namespace stocktake {

ErrorCode ErrorCodeForSqliteResult(int result) {
  // Extended codes keep the primary code in their low byte.
  switch (result & 0xff) {
    case SQLITE_BUSY:
    case SQLITE_LOCKED:
      return ErrorCode::kUnavailable;
    case SQLITE_CONSTRAINT:
      return ErrorCode::kConflict;
    case SQLITE_IOERR:
    case SQLITE_FULL:
    case SQLITE_CANTOPEN:
    case SQLITE_READONLY:
      return ErrorCode::kIoError;
    case SQLITE_CORRUPT:
    case SQLITE_NOTADB:
      return ErrorCode::kCorruption;
    default:
      return ErrorCode::kInternal;
  }
}

ErrorCode ErrorCodeForSqlState(std::string_view sqlstate) {
  if (sqlstate.size() != 5) return ErrorCode::kInternal;
  std::string_view class_code = sqlstate.substr(0, 2);
  if (class_code == "23" || sqlstate == "40001" || sqlstate == "40P01") return ErrorCode::kConflict;
  if (class_code == "08" || sqlstate == "57P01" || sqlstate == "57P02" || sqlstate == "57P03" ||
      sqlstate == "55P03") {
    return ErrorCode::kUnavailable;
  }
  if (sqlstate == "53100" || sqlstate == "58030") return ErrorCode::kIoError;
  if (sqlstate == "XX001" || sqlstate == "XX002") return ErrorCode::kCorruption;
  return ErrorCode::kInternal;
}

namespace {

// Another writer held the lock for longer than the store's busy wait.
bool IsBusy(const std::exception& error) {
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    return (sqlite->result() & 0xff) == SQLITE_BUSY;
  }
#ifdef ST_WITH_POSTGRES
  if (const auto* postgres = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    return postgres->sqlstate() == "55P03";  // lock_not_available
  }
#endif
  return false;
}

}  // namespace

Error DatabaseError(std::string_view what, const std::exception& error) {
  ErrorCode code = ErrorCode::kInternal;
  std::string context;
  if (const auto* sqlite = dynamic_cast<const soci::sqlite3_soci_error*>(&error)) {
    code = ErrorCodeForSqliteResult(sqlite->result());
    context = fmt::format("SQLite result {}", sqlite->result());
  }
#ifdef ST_WITH_POSTGRES
  if (const auto* postgres = dynamic_cast<const soci::postgresql_soci_error*>(&error)) {
    std::string sqlstate = postgres->sqlstate();
    code = ErrorCodeForSqlState(sqlstate);
    // libpq reports a lost connection with no SQLSTATE.
    if (sqlstate.empty() && postgres->get_error_category() == soci::soci_error::connection_error) {
      code = ErrorCode::kUnavailable;
    }
    if (!sqlstate.empty()) context = "SQLSTATE " + sqlstate;
  }
#endif
  if (IsBusy(error)) {
    return Error(ErrorCode::kUnavailable,
                 "database is busy: another stocktake command holds the write lock; try again, "
                 "or wait longer with --wait SECONDS");
  }
  // Only a failure the database reported is called a database error: a bug
  // in a transaction body (a JSON exception, say) is not one.
  bool from_database = dynamic_cast<const soci::soci_error*>(&error) != nullptr;
  return Error(code,
               fmt::format("{} error while {}: {}", from_database ? "database" : "internal", what,
                           Trim(error.what())),
               std::move(context));
}

void UseExtendedResultCodes(soci::session& session) {
  auto* backend = static_cast<soci::sqlite3_session_backend*>(session.get_backend());
  sqlite_api::sqlite3_extended_result_codes(backend->conn_, 1);
}

}  // namespace stocktake
