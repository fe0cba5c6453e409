#include "stocktake/storage/open_store.h"

#include <fmt/format.h>

#include <filesystem>
#include <system_error>

#include "storage/sql/migrations.h"
#include "storage/sql/postgres_url.h"
#include "storage/sql/sql_store.h"

namespace stocktake {

int LatestSchemaVersion() {
  const auto& migrations = Migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, const StoreOptions& options) {
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    return OpenSqlStore(SqlDialect::kPostgres, ST_TRY(PostgresConnectString(location)),
                        options.busy_wait);
  }
  std::string path = location;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.empty()) return Fail(Error::InvalidArgument("the database path is empty"));
  if (path == ":memory:") {
    return OpenSqlStore(SqlDialect::kSqlite, "db=:memory:", options.busy_wait);
  }
  std::error_code error;
  bool exists = std::filesystem::exists(path, error);
  if (!exists && !options.create_if_missing) {
    return Fail(Error::NotFound(fmt::format(
        "no database at {}: run 'stocktake init' or 'stocktake import FILE' first, or pass --db",
        path)));
  }
  if (exists && std::filesystem::is_directory(path, error)) {
    return Fail(
        Error::InvalidArgument(fmt::format("{} is a directory, not a database file", path)));
  }
  // SOCI's SQLite connect string separates options by spaces; quote the path.
  std::string quoted;
  for (char c : path) {
    if (c == '"') quoted += '\\';
    quoted += c;
  }
  return OpenSqlStore(SqlDialect::kSqlite, fmt::format("db=\"{}\"", quoted), options.busy_wait);
}

}  // namespace stocktake
