// The SQL store's feature reads against rows that its own writes never leave
// behind but an older database, a restore or another tool may: a feature's
// list rows stored out of ordinal order, or apart from each other.

#include "storage/sql/sql_store.h"

#include <gtest/gtest.h>
#include <sqlite3.h>
#include <unistd.h>

#include <filesystem>

#include "stocktake/process/process.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::Day;

class SqlStoreTest : public ::testing::Test {
 protected:
  void SetUp() override {
    path_ = (std::filesystem::temp_directory_path() /
             ("stocktake-sql-store-" + std::to_string(getpid()) + ".db"))
                .string();
    Remove();
    SqlConnection connection;
    connection.connect = path_;
    connection.name = path_;
    StoreOptions options;
    options.busy_wait = std::chrono::seconds(1);
    store_ = ST_MUST(OpenSqlStore(connection, options));
  }
  void TearDown() override {
    store_.reset();
    Remove();
  }
  void Remove() {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path_ + suffix);
  }
  // Runs `sql` on the file through a connection of its own.
  void Execute(const char* sql) {
    sqlite3* db = nullptr;
    ASSERT_EQ(sqlite3_open(path_.c_str(), &db), SQLITE_OK);
    char* error = nullptr;
    EXPECT_EQ(sqlite3_exec(db, sql, nullptr, nullptr, &error), SQLITE_OK) << error;
    sqlite3_free(error);
    sqlite3_close(db);
  }

  std::string path_;
  std::unique_ptr<Store> store_;
};

Feature MakeFeature(const std::string& slug, std::vector<std::string> owners) {
  Feature feature;
  feature.slug = slug;
  feature.release = "4.3";
  feature.title = slug;
  feature.status = "on-track";
  feature.owners = std::move(owners);
  feature.updated_at = At("2013-01-21");
  return feature;
}

TEST_F(SqlStoreTest, ListItemsComeBackInOrdinalOrderWhateverOrderTheirRowsAreIn) {
  Release release{"4.3", Day("2012-09-17"), Day("2013-03-25"), Day("2013-06-17"), "", {}, {}, {}};
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveProject(Project{"Xen Project", "xen-devel@lists.xen.org", {}, XenProcess()}));
    ST_TRY(writer.SaveRelease(release));
    ST_TRY(writer.SaveFeature(MakeFeature("a", {}), 1));
    ST_TRY(writer.SaveFeature(MakeFeature("b", {"b0@x"}), 2));
    return Ok();
  }));
  // a's owners stored last to first, with one of b's between them.
  Execute(
      "DELETE FROM feature_owners;"
      "INSERT INTO feature_owners(feature, ordinal, email) VALUES ('a', 3, 'a3@x');"
      "INSERT INTO feature_owners(feature, ordinal, email) VALUES ('a', 1, 'a1@x');"
      "INSERT INTO feature_owners(feature, ordinal, email) VALUES ('b', 0, 'b0@x');"
      "INSERT INTO feature_owners(feature, ordinal, email) VALUES ('a', 2, 'a2@x');"
      "INSERT INTO feature_owners(feature, ordinal, email) VALUES ('a', 0, 'a0@x');");
  auto features = ST_MUST(store_->ListFeatures({"4.3", false, false}));
  ASSERT_EQ(features.size(), 2u);
  EXPECT_EQ(features[0].owners, (std::vector<std::string>{"a0@x", "a1@x", "a2@x", "a3@x"}));
  EXPECT_EQ(features[1].owners, std::vector<std::string>{"b0@x"});
  auto one = ST_MUST(store_->FindFeature("a"));
  ASSERT_TRUE(one);
  EXPECT_EQ(one->owners, (std::vector<std::string>{"a0@x", "a1@x", "a2@x", "a3@x"}));
}

}  // namespace
}  // namespace stocktake
