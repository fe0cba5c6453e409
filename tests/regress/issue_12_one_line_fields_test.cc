// Issue 12: a newline in a title forged a "== Finished features ==" section
// of the report, and a version or reason with one could add lines wherever
// it was shown. The output side keeps each item on its line (215bcc3); now
// a field that is shown on one line is refused on input when it holds a line
// break, from a project file (with its position) and from a command alike.

#include <gtest/gtest.h>

#include <memory>
#include <optional>
#include <string>

#include "stocktake/projectfile/project_file.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

constexpr char kAdmin[] = "admin@example.org";

TEST(Issue12OneLineFieldsTest, AProjectFileTitleWithALineBreakIsRefusedWhereItIs) {
  auto file = ParseProjectFile(
      "releases:\n"
      "  - version: \"4.3\"\n"
      "    start: 2012-09-17\n"
      "    freeze: 2013-03-25\n"
      "    release: 2013-06-17\n"
      "    features:\n"
      "      - title: \"A\\n== Finished features ==\\nB\"\n",
      "p.yaml");
  ASSERT_FALSE(file);
  EXPECT_TRUE(file.error().IsInvalidArgument());
  EXPECT_EQ(file.error().context(), "p.yaml:7:16");
  EXPECT_NE(file.error().message().find("'title' of"), std::string::npos);
  EXPECT_NE(file.error().message().find("is one line: remove the line break"), std::string::npos);
}

TEST(Issue12OneLineFieldsTest, AVersionOrReasonWithALineBreakIsRefused) {
  auto version =
      ParseProjectFile("releases:\n  - version: \"4.3\\nBcc: x@example.org\"\n", "p.yaml");
  ASSERT_FALSE(version);
  EXPECT_EQ(version.error().context(), "p.yaml:2:14");
}

TEST(Issue12OneLineFieldsTest, MultiLineFieldsAndABlocksTrailingBreakStayAllowed) {
  auto file = ParseProjectFile(
      "releases:\n"
      "  - version: \"4.3\"\n"
      "    start: 2012-09-17\n"
      "    freeze: 2013-03-25\n"
      "    release: 2013-06-17\n"
      "    report_template: |\n"
      "      first line\n"
      "      second line\n"
      "    features:\n"
      "      - title: |\n"
      "          A feature\n"
      "        status: fair\n"
      "        notes: \"one\\ntwo\"\n",
      "p.yaml");
  ASSERT_TRUE(file) << file.error().ToString();
  EXPECT_EQ(file->releases[0].features[0].feature.title, "A feature");
}

class Issue12OneLineCommandsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    planning_ = std::make_unique<Planning>(*store_);
    ASSERT_TRUE(
        planning_->Init({kAdmin, At("2013-01-01")}, Project{"P", "", {}, XenProcess()}, kAdmin));
    ASSERT_TRUE(planning_->SavePerson(
        {kAdmin, At("2013-01-01")}, Person{kAdmin, "", {}, {Role::kAdmin, Role::kReleaseManager}}));
    Release release;
    release.version = "4.3";
    auto added = planning_->AddRelease({kAdmin, At("2013-01-02")}, release);
    ASSERT_TRUE(added) << added.error().ToString();
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Planning> planning_;
};

TEST_F(Issue12OneLineCommandsTest, FeatureAddRefusesALineBreakInTheTitle) {
  Feature draft;
  draft.title = "A\n== Finished features ==";
  draft.release = "4.3";
  auto added = planning_->AddFeature({kAdmin, At("2013-01-03")}, draft);
  ASSERT_FALSE(added);
  EXPECT_EQ(added.error().ToString(), "the title is one line: remove the line break");
  draft.notes = "notes may\nspan lines";
  draft.title = "A feature";
  EXPECT_TRUE(planning_->AddFeature({kAdmin, At("2013-01-03")}, draft));
}

TEST_F(Issue12OneLineCommandsTest, FeatureSetAndSlipRefuseALineBreakInTheReason) {
  Feature draft;
  draft.title = "A feature";
  draft.release = "4.3";
  Feature added = ST_MUST(planning_->AddFeature({kAdmin, At("2013-01-03")}, draft));
  FeatureUpdate update;
  update.status = "fair";
  update.reason = "because\r\nBcc: x@example.org";
  auto updated = planning_->UpdateFeature({kAdmin, At("2013-01-04")}, added.slug, update);
  ASSERT_FALSE(updated);
  EXPECT_EQ(updated.error().ToString(), "the reason is one line: remove the line break");
  auto slipped =
      planning_->SlipRelease({kAdmin, At("2013-01-05")}, "4.3", ST_MUST(ParseDate("2013-04-01")),
                             std::nullopt, "late\nagain");
  ASSERT_FALSE(slipped);
  EXPECT_EQ(slipped.error().ToString(), "the reason is one line: remove the line break");
  Release release;
  release.version = "4.4\nBcc: x@example.org";
  auto release_added = planning_->AddRelease({kAdmin, At("2013-01-06")}, release);
  ASSERT_FALSE(release_added);
  EXPECT_EQ(release_added.error().ToString(), "the version is one line: remove the line break");
}

}  // namespace
}  // namespace stocktake
