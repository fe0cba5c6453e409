#include "stocktake/storage/open_store.h"

#include <fmt/format.h>

#include <cctype>
#include <filesystem>
#include <system_error>

#include "storage/sql/migrations.h"
#include "storage/sql/postgres_url.h"
#include "storage/sql/sql_store.h"

namespace stocktake {
namespace {

// SQLite's URI form of a file name: every byte but the unreserved ones and
// '/' percent-encoded, so '?', '#' and '%' in a name stay in the name.
std::string FileUri(const std::string& path, const char* parameters) {
  std::string uri = "file:";
  for (unsigned char c : path) {
    if (std::isalnum(c) != 0 || c == '/' || c == '.' || c == '_' || c == '-' || c == '~') {
      uri += static_cast<char>(c);
    } else {
      uri += fmt::format("%{:02X}", c);
    }
  }
  return uri + "?" + parameters;
}

// SOCI's SQLite connect string separates options by spaces; quote the path.
std::string SociDb(const std::string& path) {
  std::string quoted;
  for (char c : path) {
    if (c == '"') quoted += '\\';
    quoted += c;
  }
  return fmt::format("db=\"{}\"", quoted);
}

Result<SqlConnection> Locate(const std::string& location, const StoreOptions& options) {
  SqlConnection connection;
  if (location.rfind("postgresql://", 0) == 0 || location.rfind("postgres://", 0) == 0) {
    connection.dialect = SqlDialect::kPostgres;
    connection.connect = ST_TRY(PostgresConnectString(location));
    connection.name = "the PostgreSQL database";
    return connection;
  }
  std::string path = location;
  if (path.rfind("sqlite:", 0) == 0) path = path.substr(7);
  if (path.empty()) return Fail(Error::InvalidArgument("the database path is empty"));
  connection.name = path;
  if (path == ":memory:") {
    connection.connect = "db=:memory:";
    return connection;
  }
  std::error_code error;
  bool exists = std::filesystem::exists(path, error);
  if (!exists && (!options.create_if_missing || options.access != StoreAccess::kWrite)) {
    return Fail(Error::NotFound(fmt::format(
        "no database at {}: run 'stocktake init' or 'stocktake import FILE' first, or pass --db",
        path)));
  }
  if (exists && std::filesystem::is_directory(path, error)) {
    return Fail(
        Error::InvalidArgument(fmt::format("{} is a directory, not a database file", path)));
  }
  if (options.access == StoreAccess::kRead) {
    connection.connect = SociDb(FileUri(path, "mode=ro"));
    connection.read_only_directory_connect = SociDb(FileUri(path, "mode=ro&immutable=1"));
  } else {
    connection.connect = SociDb(path);
  }
  return connection;
}

}  // namespace

int LatestSchemaVersion() {
  const auto& migrations = Migrations();
  return migrations.empty() ? 0 : migrations.back().version;
}

Result<std::unique_ptr<Store>> OpenStore(const std::string& location, const StoreOptions& options) {
  return OpenSqlStore(ST_TRY(Locate(location, options)), options);
}

Result<SchemaVersions> MigrateStore(const std::string& location, const StoreOptions& options) {
  StoreOptions migrate = options;
  migrate.access = StoreAccess::kMigrate;
  migrate.create_if_missing = false;
  SchemaVersions versions;
  ST_TRY(OpenSqlStore(ST_TRY(Locate(location, migrate)), migrate, &versions));
  return versions;
}

}  // namespace stocktake
