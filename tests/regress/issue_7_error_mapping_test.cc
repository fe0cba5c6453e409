// Issue 7: every failure inside a write was reported as "database error while
// writing" with exit 6 (I/O), because Guarded() called anything it caught an
// I/O error and picked out conflicts by searching the message text. A
// `feature set --notes` with a byte that is not UTF-8 made the JSON of the
// feature.updated event throw halfway through the transaction. Text is now
// checked before the write, and errors are mapped by SQLite result code.

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <stdexcept>

#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

constexpr char kManager[] = "george.dunlap@eu.citrix.com";

class ErrorMappingTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    planning_ = std::make_unique<Planning>(*store_);
    std::string text = testing::ReadFileForTesting(testing::SourcePath("examples/xen-4.3.yaml"));
    ASSERT_TRUE(planning_->Import({kManager, At("2013-01-21")}, text, "xen-4.3.yaml"));
  }

  size_t EventCount() { return ST_MUST(store_->ListEvents({})).size(); }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Planning> planning_;
};

TEST_F(ErrorMappingTest, TextThatIsNotUtf8IsRefusedBeforeTheWrite) {
  size_t events = EventCount();
  FeatureUpdate update;
  update.notes = "bad \xff byte";
  auto result = planning_->UpdateFeature({kManager, At("2013-02-01")},
                                         "rationalized-backend-scripts", update);
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(result.error().ToString(), "the notes: not valid UTF-8 at byte 5: write it in UTF-8");
  EXPECT_EQ(EventCount(), events);

  FeatureUpdate reason;
  reason.status = "fair";
  reason.reason = "\xc3";
  auto refused = planning_->UpdateFeature({kManager, At("2013-02-01")},
                                          "rationalized-backend-scripts", reason);
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  EXPECT_EQ(EventCount(), events);
}

TEST_F(ErrorMappingTest, AFailureInsideAWriteThatIsNotIoIsNotReportedAsIo) {
  auto result = store_->Transact(
      [](StoreWriter&) -> Result<void> { throw std::invalid_argument("not a database failure"); });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kInternal);
  EXPECT_EQ(result.error().message(), "internal error while writing: not a database failure");
}

TEST_F(ErrorMappingTest, AConstraintViolationIsAConflictWithItsResultCode) {
  Feature orphan = ST_MUST(planning_->ResolveFeature("rationalized-backend-scripts"));
  orphan.slug = "orphan";
  orphan.depends_on = {};
  orphan.release = "9.9";
  auto result = store_->Transact(
      [&](StoreWriter& writer) -> Result<void> { return writer.SaveFeature(orphan, 99); });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kConflict);
  EXPECT_EQ(result.error().context(), "SQLite result 787");  // SQLITE_CONSTRAINT_FOREIGNKEY
  EXPECT_NE(result.error().message().find("FOREIGN KEY constraint failed"), std::string::npos)
      << result.error().message();
}

TEST(ErrorMappingOpenTest, AFileThatIsNoDatabaseIsCorruptNotUnavailable) {
  auto path = std::filesystem::temp_directory_path() /
              ("stocktake-issue-7-" + std::to_string(getpid()) + ".db");
  std::ofstream(path) << std::string(4096, 'x');
  auto store = OpenStore(path.string());
  std::filesystem::remove(path);
  ASSERT_FALSE(store);
  EXPECT_EQ(store.error().code(), ErrorCode::kCorruption) << store.error().ToString();
}

}  // namespace
}  // namespace stocktake
