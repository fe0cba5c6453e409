#pragma once

// OpenStore: turns a location into a Store. "PATH" or "sqlite:PATH" opens (and
// with create_if_missing, creates) a SQLite file; ":memory:" a private
// in-memory database; "postgresql://…" or "postgres://…" a PostgreSQL
// database. The schema is migrated to the newest version on open.

#include <chrono>
#include <memory>
#include <string>

#include "stocktake/result.h"
#include "stocktake/storage/store.h"

namespace stocktake {

struct StoreOptions {
  /// Create the SQLite file when it does not exist; otherwise kNotFound.
  bool create_if_missing = false;
  /// How long a write waits for another writer's transaction to end before
  /// it fails with kUnavailable ("database is busy"). SQLite retries with its
  /// own backoff; PostgreSQL waits on the writers' lock (lock_timeout).
  std::chrono::milliseconds busy_wait{10'000};
};

/// Errors: kNotFound (no such SQLite file), kUnavailable (server unreachable),
/// kIoError (cannot open or migrate), kInvalidArgument (unknown URL scheme or
/// a back end this build lacks).
[[nodiscard]] Result<std::unique_ptr<Store>> OpenStore(const std::string& location,
                                                       const StoreOptions& options = {});

/// The schema version this build writes.
int LatestSchemaVersion();

}  // namespace stocktake
