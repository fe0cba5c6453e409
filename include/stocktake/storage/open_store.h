#pragma once

// OpenStore: turns a location into a Store. "PATH" or "sqlite:PATH" opens (and
// with create_if_missing, creates) a SQLite file; ":memory:" a private
// in-memory database; "postgresql://…" or "postgres://…" a PostgreSQL
// database. What happens to the schema on open depends on StoreAccess: a read
// changes nothing, a write creates or migrates it.

#include <chrono>
#include <memory>
#include <string>

#include "stocktake/result.h"
#include "stocktake/storage/store.h"

namespace stocktake {

/// What a caller may do to the database it opens.
enum class StoreAccess {
  /// Read only. A SQLite file is opened read-only (a read-only file or
  /// directory is fine) and nothing is written to it, not even its journal
  /// mode; a PostgreSQL session is read-only. A database without the
  /// stocktake schema is refused (kNotFound: "not a Stocktake database …; run
  /// stocktake init"), and so is one with an older schema (kConflict: "run
  /// stocktake migrate"). Writes through the Store fail.
  kRead,
  /// Migrate an existing stocktake schema to the newest version, never create
  /// one: a database without the schema is refused as for kRead.
  kMigrate,
  /// Read and write: an empty database gets the schema and an older schema is
  /// migrated. A database holding tables but no stocktake schema (someone
  /// else's) is refused as for kRead and left as it was.
  kWrite,
};

struct StoreOptions {
  /// Create the SQLite file when it does not exist; otherwise kNotFound.
  bool create_if_missing = false;
  /// How long a write waits for another writer's transaction to end before
  /// it fails with kUnavailable ("database is busy"). SQLite retries with its
  /// own backoff; PostgreSQL waits on the writers' lock (lock_timeout).
  std::chrono::milliseconds busy_wait{10'000};
  StoreAccess access = StoreAccess::kWrite;
};

/// The schema versions an open found and left.
struct SchemaVersions {
  int found = 0;  ///< 0: the database had no schema.
  int now = 0;
};

/// Errors: kNotFound (no such SQLite file, or no stocktake schema in it),
/// kConflict (a schema this access may not use: older for kRead, newer than
/// this build for all), kCorruption (a file that is not a SQLite database),
/// kUnavailable (server unreachable), kIoError (cannot open or migrate),
/// kInvalidArgument (unknown URL scheme or a back end this build lacks).
[[nodiscard]] Result<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                       const StoreOptions& options = {});

/// `stocktake migrate`: brings the stocktake schema at `location` to the
/// newest version (options.access is taken as kMigrate) and says from which
/// version. Errors as OpenStore.
[[nodiscard]] Result<SchemaVersions> MigrateStore(const std::string& location,
                                                  const StoreOptions& options = {});

/// The schema version this build writes.
int LatestSchemaVersion();

}  // namespace stocktake
