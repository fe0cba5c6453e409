#pragma once

// SqlStore: the Store over SOCI, one implementation for both SQLite and
// PostgreSQL. The SQL is portable; the few dialect differences live here.

#include <chrono>
#include <memory>
#include <string>

#include "stocktake/storage/open_store.h"
#include "stocktake/storage/store.h"

namespace stocktake {

enum class SqlDialect { kSqlite, kPostgres };

/// Where and how OpenSqlStore connects.
struct SqlConnection {
  SqlDialect dialect = SqlDialect::kSqlite;
  /// SOCI's connect string.
  std::string connect;
  /// How messages name the database: its file, or "the PostgreSQL database"
  /// (a connect string may hold a password).
  std::string name;
  /// SQLite reads only: the connect string to try when SQLite cannot set up
  /// the shared WAL index because the file's directory is read-only (the
  /// file opened as immutable). Empty: no second try.
  std::string read_only_directory_connect;
};

/// Opens a session, then checks, creates or migrates the schema as
/// `options.access` says (see StoreAccess); a write waits up to
/// `options.busy_wait` for another writer. `versions`, when given, receives
/// the schema version found and the one left. Errors as OpenStore.
[[nodiscard]] Result<std::unique_ptr<Store>> OpenSqlStore(const SqlConnection& connection,
                                                          const StoreOptions& options,
                                                          SchemaVersions* versions = nullptr);

}  // namespace stocktake
