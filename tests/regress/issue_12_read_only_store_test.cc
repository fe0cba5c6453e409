// Issue 12, item 5, at the library: a store opened with StoreAccess::kRead
// reads what a writer stored, refuses every write, and never creates or
// migrates a schema, on a SQLite file and on PostgreSQL (when
// STOCKTAKE_TEST_PG_URL names a server; scripts/test.sh starts one).

#include <fmt/format.h>
#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <string>

#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

#ifdef ST_WITH_POSTGRES
#include <libpq-fe.h>
#endif

namespace stocktake {
namespace {

StoreOptions Access(StoreAccess access, bool create = false) {
  StoreOptions options;
  options.access = access;
  options.create_if_missing = create;
  return options;
}

// Writes a project through a writer, then checks what a reader may do.
void ReadOnlyReadsAndRefusesWrites(const std::string& location) {
  {
    auto writer = ST_MUST(OpenStore(location, Access(StoreAccess::kWrite, true)));
    ASSERT_TRUE(writer->Transact([](StoreWriter& out) -> Result<void> {
      return out.SaveProject(Project{"P", "", {}, XenProcess()});
    }));
  }
  auto reader = OpenStore(location, Access(StoreAccess::kRead));
  ASSERT_TRUE(reader) << reader.error().ToString();
  EXPECT_EQ(ST_MUST((*reader)->LoadProject())->name, "P");
  auto write = (*reader)->Transact([](StoreWriter& out) -> Result<void> {
    return out.SaveProject(Project{"Q", "", {}, XenProcess()});
  });
  EXPECT_FALSE(write);
  EXPECT_EQ(ST_MUST((*reader)->LoadProject())->name, "P");
}

TEST(Issue12ReadOnlyStoreTest, ASqliteReaderReadsAndRefusesWrites) {
  auto path = std::filesystem::temp_directory_path() /
              fmt::format("stocktake-issue-12-read-only-{}.db", getpid());
  ReadOnlyReadsAndRefusesWrites(path.string());
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

TEST(Issue12ReadOnlyStoreTest, AnEmptyDatabaseIsNotAStocktakeDatabaseToAReader) {
  auto reader = OpenStore(":memory:", Access(StoreAccess::kRead));
  ASSERT_FALSE(reader);
  EXPECT_TRUE(reader.error().IsNotFound());
  EXPECT_EQ(reader.error().message(),
            "not a Stocktake database: :memory: has no stocktake schema; run stocktake init to "
            "create one");
  auto migrate = OpenStore(":memory:", Access(StoreAccess::kMigrate));
  ASSERT_FALSE(migrate);
  EXPECT_TRUE(migrate.error().IsNotFound());
}

#ifdef ST_WITH_POSTGRES
void Admin(const std::string& url, const std::string& sql) {
  PGconn* connection = PQconnectdb(url.c_str());
  PQclear(PQexec(connection, sql.c_str()));
  PQfinish(connection);
}

TEST(Issue12ReadOnlyStoreTest, APostgresReaderReadsAndRefusesWrites) {
  const char* url = std::getenv("STOCKTAKE_TEST_PG_URL");
  if (url == nullptr || *url == '\0') GTEST_SKIP() << "STOCKTAKE_TEST_PG_URL is not set";
  std::string admin = url;
  std::string name = fmt::format("stocktake_issue_12_{}", getpid());
  Admin(admin, "CREATE DATABASE " + name);
  std::string location = admin.substr(0, admin.rfind('/') + 1) + name;
  // Before any writer: an empty database has no schema, and a reader adds none.
  auto empty = OpenStore(location, Access(StoreAccess::kRead));
  ASSERT_FALSE(empty);
  EXPECT_EQ(empty.error().message(),
            "not a Stocktake database: the PostgreSQL database has no stocktake schema; run "
            "stocktake init to create one");
  ReadOnlyReadsAndRefusesWrites(location);
  Admin(admin, "DROP DATABASE IF EXISTS " + name + " WITH (FORCE)");
}
#endif

}  // namespace
}  // namespace stocktake
