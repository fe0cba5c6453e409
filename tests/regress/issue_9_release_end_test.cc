// Issue 9, the end of a release: a release never ended, so at 2014-01-01
// `check 4.3` gave 61 alerts and `release show` said "170 months into our
// estimated 9-months release schedule". `release ship` records that it
// shipped; from then on its features are not checked and its schedule
// sentence says when it was released against the plan.

#include <gtest/gtest.h>

#include <algorithm>
#include <string>
#include <vector>

#include "stocktake/service/lifecycle.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/view/planning.h"
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

class Issue9ReleaseEndTest : public testing::Xen43Test {
 protected:
  std::vector<Alert> CheckAt(const char* now) {
    auto past = MakeAsOfStore(*store_, At(now));
    return ST_MUST(Planning(*past).Check("4.3", At(now)));
  }

  Release ReleaseAt(const char* now) {
    auto past = MakeAsOfStore(*store_, At(now));
    return ST_MUST(Planning(*past).FindRelease("4.3"));
  }
};

TEST_F(Issue9ReleaseEndTest, AShippedReleaseStopsAlerting) {
  EXPECT_FALSE(CheckAt("2014-01-01").empty());
  auto shipped = planning_->ShipRelease(Acting(kManager, "2013-07-10"), "4.3", Day("2013-07-09"),
                                        "RELEASE-4.3.0");
  ASSERT_TRUE(shipped) << shipped.error().ToString();
  EXPECT_TRUE(CheckAt("2014-01-01").empty());
  EXPECT_TRUE(CheckAt("2013-07-10").empty());
  // Before it was recorded, the release was still being checked.
  EXPECT_FALSE(CheckAt("2013-07-01").empty());
}

TEST_F(Issue9ReleaseEndTest, TheScheduleSentenceSaysWhenItShippedAgainstThePlan) {
  ASSERT_TRUE(planning_->ShipRelease(Acting(kManager, "2013-07-10"), "4.3", Day("2013-07-09"), ""));
  Release release = ReleaseAt("2014-01-01");
  ASSERT_TRUE(release.shipped);
  SchedulePosition position = PositionOn(release, Day("2014-01-01"));
  EXPECT_EQ(position.sentence,
            "4.3 was released on 2013-07-09, 3 weeks after its planned release date 2013-06-17.");
  EXPECT_EQ(position.days_late, 22);
  auto past = MakeAsOfStore(*store_, At("2014-01-01"));
  TakingStock report = ST_MUST(Planning(*past).Report("4.3", At("2014-01-01"), std::nullopt));
  EXPECT_NE(RenderTakingStockText(report).find("4.3 was released on 2013-07-09"),
            std::string::npos);
  // As of before the shipment, the release was not out.
  EXPECT_FALSE(ReleaseAt("2013-07-09").shipped);
}

TEST_F(Issue9ReleaseEndTest, ShippingIsRecordedOnceAndNotInTheFuture) {
  auto future =
      planning_->ShipRelease(Acting(kManager, "2013-07-01"), "4.3", Day("2013-07-09"), "");
  ASSERT_FALSE(future);
  EXPECT_TRUE(future.error().IsInvalidArgument());
  ASSERT_TRUE(planning_->ShipRelease(Acting(kManager, "2013-07-09"), "4.3", std::nullopt, ""));
  auto again = planning_->ShipRelease(Acting(kManager, "2013-07-10"), "4.3", std::nullopt, "");
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find("already released on 2013-07-09"), std::string::npos);
}

TEST_F(Issue9ReleaseEndTest, OnlyAReleaseManagerShipsARelease) {
  auto refused =
      planning_->ShipRelease(Acting("someone@example.org", "2013-07-10"), "4.3", std::nullopt, "");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsPermissionDenied());
}

TEST_F(Issue9ReleaseEndTest, AShipmentRoundTripsThroughExportAndImport) {
  ASSERT_TRUE(planning_->ShipRelease(Acting(kManager, "2013-07-10"), "4.3", Day("2013-07-09"),
                                     "RELEASE-4.3.0"));
  std::string first = ST_MUST(planning_->Export());
  EXPECT_NE(first.find("shipped:"), std::string::npos);
  auto other_store = ST_MUST(OpenStore(":memory:"));
  Planning other(*other_store);
  ASSERT_TRUE(other.Import(Acting(kAdmin, "2014-01-01"), first, "export.yaml"));
  EXPECT_EQ(ST_MUST(other.Export()), first);
  // Importing the export again changes nothing.
  auto again = other.Import(Acting(kAdmin, "2014-01-02"), first, "export.yaml");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->events_written, 0);
}

TEST_F(Issue9ReleaseEndTest, CarryOverMovesEveryUnfinishedFeatureInOneStep) {
  Release next;
  next.version = "4.4";
  next.start = Day("2013-07-01");
  next.freeze = Day("2013-10-18");
  next.release = Day("2014-01-15");
  ASSERT_TRUE(planning_->AddRelease(Acting(kManager, "2013-07-01"), next));
  auto moved = planning_->CarryOver(Acting(kManager, "2013-07-10"), "4.3", "4.4");
  ASSERT_TRUE(moved) << moved.error().ToString();
  // 12 on track (the stubdom among them), 5 fair, 16 at risk.
  EXPECT_EQ(moved->size(), 33u);
  Feature stubdom = ST_MUST(planning_->ResolveFeature("linux-based-qemu-stubdom"));
  EXPECT_EQ(stubdom.release, "4.4");
  EXPECT_EQ(stubdom.parent, "");  // its finished parent stays in 4.3
  EXPECT_EQ(ST_MUST(planning_->ResolveFeature("default-to-qemu-upstream")).release, "4.3");
  auto past = MakeAsOfStore(*store_, At("2013-07-11"));
  TakingStock report = ST_MUST(Planning(*past).Report("4.3", At("2013-07-11"), Day("2013-07-10")));
  // One move each, and the stubdom is also made a top-level item.
  ASSERT_EQ(report.changes.size(), 34u);
  EXPECT_EQ(report.changes.front().line.rfind("Moved to 4.4: ", 0), 0u)
      << report.changes.front().line;
  EXPECT_NE(report.changes.front().line.find("carried over from 4.3 to 4.4"), std::string::npos);
  // The features of 4.3 as of before the carry-over are all still there.
  auto before = MakeAsOfStore(*store_, At("2013-07-09"));
  EXPECT_EQ(ST_MUST(before->ListFeatures({"4.3", false, false})).size(), 41u);
  auto again = planning_->CarryOver(Acting(kManager, "2013-07-11"), "4.3", "4.4");
  ASSERT_FALSE(again);
  EXPECT_TRUE(again.error().IsInvalidArgument());
}

TEST_F(Issue9ReleaseEndTest, AShippedReleaseGetsNoLifecycleAlertsEither) {
  Person maintainer{"dev@example.org", "", {}, {Role::kMaintainer}};
  ASSERT_TRUE(planning_->SavePerson(Acting(kAdmin, "2013-01-21"), maintainer));
  Protocol pvcalls;
  pvcalls.name = "pvcalls";
  pvcalls.summary = "PV Calls";
  ASSERT_TRUE(Lifecycle(*store_).AddProtocol(Acting("dev@example.org", "2013-01-22"), pvcalls));
  auto at_new_year = [&] {
    auto past = MakeAsOfStore(*store_, At("2014-01-01"));
    return ST_MUST(view::BuildReleaseCheck(*past, "4.3", At("2014-01-01"))).alerts;
  };
  // Design for longer than its six months: the Czar's alert, in every check.
  std::vector<Alert> before = at_new_year();
  EXPECT_TRUE(std::any_of(before.begin(), before.end(),
                          [](const Alert& alert) { return alert.subject == "protocol pvcalls"; }));
  ASSERT_TRUE(planning_->ShipRelease(Acting(kManager, "2013-07-10"), "4.3", Day("2013-07-09"), ""));
  EXPECT_TRUE(at_new_year().empty());
}

}  // namespace
}  // namespace stocktake
