#include "stocktake/analysis/release_check.h"

#include <gtest/gtest.h>

#include "stocktake/analysis/schedule.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::Day;

class ReleaseCheckTest : public ::testing::Test {
 protected:
  Feature Make(const std::string& slug, const std::string& status,
               const char* updated = "2013-01-20") {
    Feature feature;
    feature.slug = slug;
    feature.title = slug;
    feature.release = "4.3";
    feature.status = status;
    feature.updated_at = At(updated);
    return feature;
  }

  std::vector<Alert> Run(const std::vector<Feature>& features, const char* now) {
    return CheckRelease(process_, release_, features, At(now));
  }

  static std::vector<std::string> Rules(const std::vector<Alert>& alerts) {
    std::vector<std::string> rules;
    rules.reserve(alerts.size());
    for (const auto& alert : alerts) rules.push_back(alert.subject + ":" + alert.rule);
    return rules;
  }

  Process process_ = XenProcess();
  Release release_{"4.3", Day("2012-09-17"), Day("2013-03-25"), Day("2013-06-17"), "", {}, {}, {}};
};

TEST_F(ReleaseCheckTest, DependencyLessLikelyThanItsDependentRaisesTheChain) {
  Feature scripts = Make("scripts", "fair");
  scripts.depends_on = {"backend"};
  Feature backend = Make("backend", "on-track");
  backend.depends_on = {"hotplug"};
  Feature hotplug = Make("hotplug", "at-risk");
  auto alerts = Run({scripts, backend, hotplug}, "2013-01-21");
  ASSERT_EQ(Rules(alerts),
            (std::vector<std::string>{"scripts:dependency-risk", "backend:dependency-risk"}));
  EXPECT_NE(alerts[0].message.find("effectively at-risk (chain: scripts -> backend -> hotplug)"),
            std::string::npos);
  EXPECT_NE(alerts[0].action.find("get 'hotplug' back on track"), std::string::npos);
  std::vector<Feature> features = {scripts, backend, hotplug};
  FeatureGraph graph(process_, features);
  auto effective = ComputeEffectiveStatuses(graph);
  EXPECT_EQ(effective[0].rank, process_.Rank("at-risk"));
  EXPECT_EQ(effective[0].chain, (std::vector<int>{1, 2}));
  EXPECT_FALSE(effective[2].Differs());
}

TEST_F(ReleaseCheckTest, AMoreLikelyDependencyIsNoRisk) {
  Feature scripts = Make("scripts", "fair");
  scripts.depends_on = {"backend"};
  EXPECT_TRUE(Run({scripts, Make("backend", "on-track")}, "2013-01-21").empty());
}

TEST_F(ReleaseCheckTest, ADroppedDependencyMakesTheDependentAtRisk) {
  Feature scripts = Make("scripts", "on-track");
  scripts.depends_on = {"backend"};
  auto alerts = Run({scripts, Make("backend", "dropped")}, "2013-01-21");
  ASSERT_EQ(Rules(alerts), (std::vector<std::string>{"scripts:dependency-risk"}));
}

TEST_F(ReleaseCheckTest, DependencyCyclesDoNotHang) {
  Feature a = Make("a", "fair");
  a.depends_on = {"b"};
  Feature b = Make("b", "at-risk");
  b.depends_on = {"a"};
  std::vector<Feature> features = {a, b};
  FeatureGraph graph(process_, features);
  auto effective = ComputeEffectiveStatuses(graph);
  EXPECT_EQ(effective[0].rank, process_.Rank("at-risk"));
}

TEST_F(ReleaseCheckTest, MustHaveFeaturesMustBeOnTrackOrFinished) {
  Feature fair = Make("qemu", "fair");
  fair.must_have = true;
  Feature on_track = Make("pvh", "on-track");
  on_track.must_have = true;
  auto alerts = Run({fair, on_track}, "2013-01-21");
  ASSERT_EQ(Rules(alerts), (std::vector<std::string>{"qemu:must-have"}));
  EXPECT_NE(alerts[0].action.find("slip the schedule"), std::string::npos);
}

TEST_F(ReleaseCheckTest, StaleAfterMoreThanTheLimit) {
  // Updated 2012-12-24: 28 days before 2013-01-21 is still fresh, 29 is stale.
  auto fresh = Run({Make("x", "fair", "2012-12-24T23:00:00Z")}, "2013-01-21T10:00:00Z");
  EXPECT_TRUE(fresh.empty());
  auto stale = Run({Make("x", "fair", "2012-12-24T23:00:00Z")}, "2013-01-22T00:00:00Z");
  ASSERT_EQ(Rules(stale), (std::vector<std::string>{"x:stale"}));
  EXPECT_NE(stale[0].message.find("no update for 29 days (last on 2012-12-24; the limit is 28"),
            std::string::npos);
  EXPECT_TRUE(Run({Make("done", "finished", "2012-01-01")}, "2013-01-21").empty());
}

TEST_F(ReleaseCheckTest, WarnsAboutUnfinishedFeaturesInTheWeeksBeforeTheFreeze) {
  std::vector<Feature> features = {Make("a", "on-track", "2013-02-20"),
                                   Make("b", "finished", "2013-02-20"),
                                   Make("c", "dropped", "2013-02-20")};
  EXPECT_TRUE(Run(features, "2013-02-24").empty());  // 29 days before the freeze.
  auto alerts = Run(features, "2013-02-25");         // 28 days before.
  ASSERT_EQ(Rules(alerts), (std::vector<std::string>{"a:freeze-approaching"}));
  EXPECT_NE(alerts[0].message.find("the feature freeze is in 28 days (2013-03-25)"),
            std::string::npos);
}

TEST_F(ReleaseCheckTest, AfterTheFreezeOnlyRecordedExceptionsMayBeUnfinished) {
  Feature late = Make("late", "on-track", "2013-03-25");
  Feature excused = Make("excused", "on-track", "2013-03-25");
  excused.freeze_exception = "granted on xen-devel 2013-03-20";
  EXPECT_TRUE(Run({late, excused}, "2013-03-24T23:59:59Z").size() == 1);  // still approaching
  auto alerts = Run({late, excused}, "2013-03-25");
  ASSERT_EQ(Rules(alerts), (std::vector<std::string>{"late:past-freeze"}));
  EXPECT_NE(alerts[0].action.find("--freeze-exception"), std::string::npos);
}

TEST(ScheduleTest, SaysWhereTheReleaseStands) {
  Release release{"4.3", Day("2012-09-17"), Day("2013-03-25"), Day("2013-06-17"), "", {}, {}, {}};
  EXPECT_EQ(PositionOn(release, Day("2013-01-21")).sentence,
            "We're 4 months into our estimated 9-months release schedule, and 2 months away "
            "from the scheduled feature freeze.");
  EXPECT_EQ(PositionOn(release, Day("2013-03-20")).sentence,
            "We're 6 months into our estimated 9-months release schedule, and 5 days away from "
            "the scheduled feature freeze.");
  EXPECT_EQ(PositionOn(release, Day("2013-03-25")).sentence,
            "We're 6 months into our estimated 9-months release schedule; the feature freeze is "
            "today, and the release is planned in 2 months.");
  EXPECT_EQ(PositionOn(release, Day("2013-04-10")).sentence,
            "We're 6 months into our estimated 9-months release schedule; the feature freeze was "
            "2 weeks ago, and the release is planned in 2 months.");
  EXPECT_EQ(PositionOn(release, Day("2013-07-09")).sentence,
            "We're 9 months into our estimated 9-months release schedule, 3 weeks past the "
            "planned release date.");
  EXPECT_EQ(PositionOn(release, Day("2012-09-01")).sentence,
            "We're 2 weeks away from the start of our estimated 9-months release schedule, and "
            "6 months away from the scheduled feature freeze.");
}

}  // namespace
}  // namespace stocktake
