#include "storage/sql/sql_error.h"

#include <gtest/gtest.h>
#include <soci/soci.h>
#include <soci/sqlite3/soci-sqlite3.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#ifdef ST_WITH_POSTGRES
#include <soci/postgresql/soci-postgresql.h>
#endif

namespace stocktake {
namespace {

// Real SQLite failures, caught the way the store catches them.
class SqlErrorTest : public ::testing::Test {
 protected:
  void SetUp() override {
    sql_.open(soci::sqlite3, ":memory:");
    UseExtendedResultCodes(sql_);
    sql_ << "PRAGMA foreign_keys = ON";
    sql_ << "CREATE TABLE parents (name TEXT PRIMARY KEY)";
    sql_ << "CREATE TABLE children (name TEXT NOT NULL REFERENCES parents(name), "
            "age INTEGER CHECK (age >= 0))";
    sql_ << "INSERT INTO parents VALUES ('a')";
  }

  // What Guarded makes of running `statement`.
  Error Run(const std::string& statement) {
    auto result = Guarded("writing", [&]() -> Result<void> {
      sql_ << statement;
      return Ok();
    });
    EXPECT_FALSE(result) << statement;
    return result ? Error::Internal("no error") : result.error();
  }

  soci::session sql_;
};

TEST_F(SqlErrorTest, ConstraintViolationsAreConflicts) {
  Error unique = Run("INSERT INTO parents VALUES ('a')");
  EXPECT_EQ(unique.code(), ErrorCode::kConflict);
  EXPECT_EQ(unique.context(), "SQLite result 1555");  // SQLITE_CONSTRAINT_PRIMARYKEY
  EXPECT_EQ(unique.message().rfind("database error while writing: ", 0), 0u) << unique.message();
  EXPECT_NE(unique.message().find("UNIQUE constraint failed"), std::string::npos);

  Error foreign_key = Run("INSERT INTO children VALUES ('b', 1)");
  EXPECT_EQ(foreign_key.code(), ErrorCode::kConflict);
  EXPECT_EQ(foreign_key.context(), "SQLite result 787");  // SQLITE_CONSTRAINT_FOREIGNKEY

  EXPECT_EQ(Run("INSERT INTO children VALUES (NULL, 1)").code(), ErrorCode::kConflict);
  EXPECT_EQ(Run("INSERT INTO children VALUES ('a', -1)").code(), ErrorCode::kConflict);
}

TEST_F(SqlErrorTest, MistakesInTheSqlAreInternal) {
  Error error = Run("INSERT INTO nowhere VALUES (1)");
  EXPECT_EQ(error.code(), ErrorCode::kInternal);
  EXPECT_NE(error.message().find("no such table: nowhere"), std::string::npos) << error.message();
}

TEST_F(SqlErrorTest, AnErrorReturnedByTheBodyPassesUnchanged) {
  auto result = Guarded("writing", [&]() -> Result<void> {
    sql_ << "INSERT INTO parents VALUES ('b')";
    return Fail(Error::InvalidArgument("'x' cannot depend on itself").WithContext("here"));
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().ToString(), "here: 'x' cannot depend on itself");
  auto value = Guarded("reading", []() -> Result<int> { return 7; });
  ASSERT_TRUE(value);
  EXPECT_EQ(*value, 7);
}

TEST_F(SqlErrorTest, ExceptionsWithoutADatabaseCodeAreInternal) {
  auto result = Guarded("reading", []() -> Result<int> { throw std::out_of_range("stoll"); });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(result.error().message(), "internal error while reading: stoll");
  EXPECT_EQ(result.error().context(), "");
}

TEST_F(SqlErrorTest, ALockedDatabaseIsUnavailable) {
  auto path = std::filesystem::temp_directory_path() /
              ("stocktake-sql-error-" + std::to_string(getpid()) + ".db");
  std::filesystem::remove(path);
  {
    soci::session holder(soci::sqlite3, path.string());
    soci::session waiter(soci::sqlite3, path.string());
    UseExtendedResultCodes(waiter);
    holder << "CREATE TABLE t (x INTEGER)";
    holder << "BEGIN IMMEDIATE";
    waiter << "PRAGMA busy_timeout = 0";
    auto result = Guarded("starting a transaction", [&]() -> Result<void> {
      waiter << "BEGIN IMMEDIATE";
      return Ok();
    });
    ASSERT_FALSE(result);
    EXPECT_EQ(result.error().code(), ErrorCode::kUnavailable) << result.error().ToString();
    // SQLITE_BUSY reads as what it means to a user, not as a result code.
    EXPECT_EQ(result.error().message(),
              "database is busy: another stocktake command holds the write lock; try again, or "
              "wait longer with --wait SECONDS");
    holder << "ROLLBACK";
  }
  std::filesystem::remove(path);
}

TEST_F(SqlErrorTest, AFileThatIsNoDatabaseIsCorrupt) {
  auto path = std::filesystem::temp_directory_path() /
              ("stocktake-sql-error-notadb-" + std::to_string(getpid()) + ".db");
  std::ofstream(path) << std::string(4096, 'x');
  auto result = Guarded("reading", [&]() -> Result<void> {
    soci::session broken(soci::sqlite3, path.string());
    UseExtendedResultCodes(broken);
    broken << "SELECT COUNT(*) FROM sqlite_master";
    return Ok();
  });
  std::filesystem::remove(path);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kCorruption) << result.error().ToString();
}

TEST_F(SqlErrorTest, AFileThatCannotBeOpenedIsAnIoError) {
  auto result = Guarded("opening", [&]() -> Result<void> {
    soci::session missing(soci::sqlite3, "/nonexistent-stocktake-dir/x.db");
    return Ok();
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kIoError) << result.error().ToString();
}

TEST(SqliteResultCodeTest, MapsPrimaryAndExtendedCodes) {
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_BUSY), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_LOCKED), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_BUSY | (2 << 8)), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_CONSTRAINT), ErrorCode::kConflict);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_CONSTRAINT | (8 << 8)), ErrorCode::kConflict);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_IOERR | (10 << 8)), ErrorCode::kIoError);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_FULL), ErrorCode::kIoError);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_CANTOPEN), ErrorCode::kIoError);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_READONLY), ErrorCode::kIoError);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_CORRUPT), ErrorCode::kCorruption);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_NOTADB), ErrorCode::kCorruption);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_ERROR), ErrorCode::kInternal);
  EXPECT_EQ(ErrorCodeForSqliteResult(SQLITE_MISUSE), ErrorCode::kInternal);
}

TEST(SqlStateTest, MapsClassesAndStates) {
  EXPECT_EQ(ErrorCodeForSqlState("23505"), ErrorCode::kConflict);  // unique_violation
  EXPECT_EQ(ErrorCodeForSqlState("23503"), ErrorCode::kConflict);  // foreign_key_violation
  EXPECT_EQ(ErrorCodeForSqlState("23502"), ErrorCode::kConflict);  // not_null_violation
  EXPECT_EQ(ErrorCodeForSqlState("40001"), ErrorCode::kConflict);  // serialization_failure
  EXPECT_EQ(ErrorCodeForSqlState("40P01"), ErrorCode::kConflict);  // deadlock_detected
  EXPECT_EQ(ErrorCodeForSqlState("08006"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("08001"), ErrorCode::kUnavailable);
  EXPECT_EQ(ErrorCodeForSqlState("57P01"), ErrorCode::kUnavailable);  // admin_shutdown
  EXPECT_EQ(ErrorCodeForSqlState("55P03"), ErrorCode::kUnavailable);  // lock_not_available
  EXPECT_EQ(ErrorCodeForSqlState("53100"), ErrorCode::kIoError);      // disk_full
  EXPECT_EQ(ErrorCodeForSqlState("58030"), ErrorCode::kIoError);      // io_error
  EXPECT_EQ(ErrorCodeForSqlState("XX001"), ErrorCode::kCorruption);   // data_corrupted
  EXPECT_EQ(ErrorCodeForSqlState("42P01"), ErrorCode::kInternal);     // undefined_table
  EXPECT_EQ(ErrorCodeForSqlState("40002"), ErrorCode::kInternal);
  EXPECT_EQ(ErrorCodeForSqlState(""), ErrorCode::kInternal);
}

#ifdef ST_WITH_POSTGRES
TEST(SqlStateTest, PostgresExceptionsAreMappedBySqlState) {
  soci::postgresql_soci_error duplicate("ERROR: duplicate key value violates unique constraint",
                                        "23505");
  Error error = DatabaseError("writing", duplicate);
  EXPECT_EQ(error.code(), ErrorCode::kConflict);
  EXPECT_EQ(error.context(), "SQLSTATE 23505");
  soci::postgresql_soci_error gone("server closed the connection unexpectedly", "08006");
  EXPECT_EQ(DatabaseError("reading", gone).code(), ErrorCode::kUnavailable);
  // Message text that once decided the code no longer does.
  soci::postgresql_soci_error syntax("violates foreign key (in a string)", "42601");
  EXPECT_EQ(DatabaseError("reading", syntax).code(), ErrorCode::kInternal);
}
#endif

}  // namespace
}  // namespace stocktake
