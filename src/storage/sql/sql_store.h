#pragma once

// SqlStore: the Store over SOCI, one implementation for both SQLite and
// PostgreSQL. The SQL is portable; the few dialect differences live here.

#include <chrono>
#include <memory>
#include <string>

#include "stocktake/storage/store.h"

namespace stocktake {

enum class SqlDialect { kSqlite, kPostgres };

/// Opens a session for `dialect` with SOCI's `connect` string and migrates the
/// schema. Errors: kUnavailable, kIoError.
/// A write waits up to `busy_wait` for another writer.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenSqlStore(SqlDialect dialect,
                                                          const std::string& connect,
                                                          std::chrono::milliseconds busy_wait);

}  // namespace stocktake
