// Issue 9, must-haves, the seed mail's first question: `check` was silent
// when the must-have "libxl stable API" was dropped or moved out of the
// release, and when a must-have's sub-item was at risk; a dependency on a
// feature of a later release was not flagged; the JSON report carried
// neither must-have nor owners.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "stocktake/service/planning.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"
#include "tests/support/xen_43_test.h"

namespace stocktake {
namespace {

using testing::At;
using testing::Day;
using testing::ReadFileForTesting;
using testing::SourcePath;

constexpr const char* kManager = testing::kXen43Manager;
constexpr const char* kAdmin = testing::kXen43Admin;

class Issue9MustHavesTest : public testing::Xen43Test {
 protected:
  void SetUp() override {
    Xen43Test::SetUp();
    if (HasFatalFailure()) return;
    Feature libxl;
    libxl.title = "libxl stable API";
    libxl.release = "4.3";
    libxl.status = "on-track";
    libxl.must_have = true;
    libxl.owners = {"ian.campbell@citrix.com"};
    ASSERT_TRUE(planning_->AddFeature(Acting(kManager, "2013-01-22"), libxl));
    Release next;
    next.version = "4.4";
    next.start = Day("2013-07-01");
    next.freeze = Day("2013-10-18");
    next.release = Day("2014-01-15");
    ASSERT_TRUE(planning_->AddRelease(Acting(kManager, "2013-01-22"), next));
  }

  void Set(const char* now, const std::string& name, const FeatureUpdate& update) {
    auto changed = planning_->UpdateFeature(Acting(kManager, now), name, update);
    ASSERT_TRUE(changed) << changed.error().ToString();
  }

  // The alerts of `rule` about `subject` at `now`, as `check 4.3` reads them.
  std::vector<Alert> AlertsAt(const char* now, const std::string& subject, const char* rule) {
    auto past = MakeAsOfStore(*store_, At(now));
    std::vector<Alert> alerts = ST_MUST(Planning(*past).Check("4.3", At(now)));
    std::erase_if(
        alerts, [&](const Alert& alert) { return alert.subject != subject || alert.rule != rule; });
    return alerts;
  }
};

TEST_F(Issue9MustHavesTest, ADroppedMustHaveIsAnAlertSuggestingTheThreeInterventions) {
  EXPECT_TRUE(AlertsAt("2013-01-23", "libxl-stable-api", check_rule::kMustHave).empty());
  FeatureUpdate drop;
  drop.status = "dropped";
  drop.reason = "no one has time";
  Set("2013-01-24", "libxl-stable-api", drop);
  auto alerts = AlertsAt("2013-01-25", "libxl-stable-api", check_rule::kMustHave);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message, "must-have 'libxl stable API' is dropped: taken out of the release");
  EXPECT_NE(alerts[0].action.find("more effort"), std::string::npos);
  EXPECT_NE(alerts[0].action.find("outside resources"), std::string::npos);
  EXPECT_NE(alerts[0].action.find("slip the schedule"), std::string::npos);
}

TEST_F(Issue9MustHavesTest, AMustHaveMovedToAnotherReleaseIsAnAlert) {
  FeatureUpdate move;
  move.release = "4.4";
  Set("2013-01-24", "libxl-stable-api", move);
  auto alerts = AlertsAt("2013-01-25", "libxl-stable-api", check_rule::kMustHave);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message, "must-have 'libxl stable API' was moved out of 4.3 to 4.4");
  // Before the move there was nothing to say.
  EXPECT_TRUE(AlertsAt("2013-01-23", "libxl-stable-api", check_rule::kMustHave).empty());
}

TEST_F(Issue9MustHavesTest, AMustHaveWithASubItemAtRiskNamesIt) {
  Feature sub_item;
  sub_item.title = "libxl API versioning";
  sub_item.release = "4.3";
  sub_item.status = "at-risk";
  sub_item.parent = "libxl-stable-api";
  ASSERT_TRUE(planning_->AddFeature(Acting(kManager, "2013-01-23"), sub_item));
  auto alerts = AlertsAt("2013-01-24", "libxl-stable-api", check_rule::kMustHave);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message,
            "must-have 'libxl stable API' needs 'libxl API versioning' (sub-item, at-risk), not "
            "on track");
}

TEST_F(Issue9MustHavesTest, AFinishedMustHaveWithASubItemAtRiskIsStillAnAlert) {
  // "Default to QEMU upstream" is a finished must-have; its stubdom slips.
  FeatureUpdate risk;
  risk.status = "at-risk";
  risk.reason = "the stubdom needs a maintainer";
  Set("2013-01-24", "linux-based-qemu-stubdom", risk);
  auto alerts = AlertsAt("2013-01-25", "default-to-qemu-upstream", check_rule::kMustHave);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message,
            "must-have 'Default to QEMU upstream' needs 'linux-based qemu stubdom' (sub-item, "
            "at-risk), not on track");
}

TEST_F(Issue9MustHavesTest, AMustHaveWithADependencyAtRiskNamesIt) {
  FeatureUpdate depend;
  depend.add_dependencies = {"blktap3"};
  Set("2013-01-24", "libxl-stable-api", depend);
  auto alerts = AlertsAt("2013-01-25", "libxl-stable-api", check_rule::kMustHave);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message,
            "must-have 'libxl stable API' is at-risk, not on track, through 'blktap3', which is "
            "at-risk");
}

TEST_F(Issue9MustHavesTest, ADependencyOnAFeatureOfALaterReleaseIsFlagged) {
  Feature later;
  later.title = "libxl JSON interface";
  later.release = "4.4";
  ASSERT_TRUE(planning_->AddFeature(Acting(kManager, "2013-01-23"), later));
  FeatureUpdate depend;
  depend.add_dependencies = {"libxl-json-interface"};
  Set("2013-01-24", "vtpm-updates", depend);
  auto alerts = AlertsAt("2013-01-25", "vtpm-updates", check_rule::kLaterDependency);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message,
            "'vTPM updates' depends on 'libxl JSON interface', which is planned for 4.4 "
            "(2014-01-15), after 4.3 (2013-06-17)");
}

TEST_F(Issue9MustHavesTest, TheJsonReportCarriesMustHaveAndOwners) {
  auto past = MakeAsOfStore(*store_, At("2013-01-25"));
  TakingStock report = ST_MUST(Planning(*past).Report("4.3", At("2013-01-25"), std::nullopt));
  nlohmann::json json = RenderTakingStockJson(report);
  bool found = false;
  for (const auto& section : json["sections"]) {
    for (const auto& item : section["items"]) {
      ASSERT_TRUE(item.contains("must_have"));
      ASSERT_TRUE(item.contains("owners"));
      if (item["slug"] == "libxl-stable-api") {
        found = true;
        EXPECT_EQ(item["must_have"], true);
        EXPECT_EQ(item["owners"], nlohmann::json::array({"ian.campbell@citrix.com"}));
      }
    }
  }
  EXPECT_TRUE(found);
  std::string markdown = RenderTakingStockMarkdown(report);
  EXPECT_NE(markdown.find("- libxl stable API _(must-have; owners: ian.campbell@citrix.com)_\n"),
            std::string::npos)
      << markdown;
}

TEST_F(Issue9MustHavesTest, ARemovedMustHaveIsAnAlert) {
  ASSERT_TRUE(planning_->RemoveFeature(Acting(kManager, "2013-01-24"), "libxl-stable-api",
                                       "folded into another item"));
  auto alerts = AlertsAt("2013-01-25", "libxl-stable-api", check_rule::kMustHave);
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].message, "must-have 'libxl stable API' was removed from 4.3");
}

}  // namespace
}  // namespace stocktake
