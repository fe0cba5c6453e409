// Issue 9, interventions: the seed mail names three ways to intervene (more
// effort, outside resources, a slip) but only a slip could be recorded; "more
// effort" and "outside resources" fit only in free text. `intervene` records
// each kind for the features it targets; `release show` lists them with
// their effect and "changes since" shows them.

#include <gtest/gtest.h>

#include <string>
#include <vector>

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

class Issue9InterventionsTest : public testing::Xen43Test {
 protected:
  void SetStatus(const char* now, const char* slug, const char* status) {
    FeatureUpdate update;
    update.status = status;
    ASSERT_TRUE(planning_->UpdateFeature(Acting(kManager, now), slug, update));
  }
};

TEST_F(Issue9InterventionsTest, AnInterventionShowsItsEffectAndAppearsInChangesSince) {
  SetStatus("2013-01-25", "pvh-mode-xen-linux", "at-risk");
  auto done = planning_->Intervene(Acting(kManager, "2013-02-01"), "4.3", "effort",
                                   {"pvh-mode-xen-linux"}, "Mukesh works on PVH full time");
  ASSERT_TRUE(done) << done.error().ToString();
  SetStatus("2013-02-15", "pvh-mode-xen-linux", "on-track");

  auto past = MakeAsOfStore(*store_, At("2013-03-01"));
  view::ReleaseShow show = ST_MUST(view::BuildReleaseShow(*past, "4.3", At("2013-03-01")));
  ASSERT_EQ(show.interventions.size(), 1u);
  EXPECT_EQ(show.interventions[0].intervention.kind, "effort");
  ASSERT_EQ(show.interventions[0].effects.size(), 1u);
  EXPECT_EQ(show.interventions[0].effects[0].title, "PVH mode (Xen & Linux)");
  EXPECT_EQ(show.interventions[0].effects[0].then, "at-risk");
  EXPECT_EQ(show.interventions[0].effects[0].now, "on-track");

  TakingStock report = ST_MUST(Planning(*past).Report("4.3", At("2013-03-01"), Day("2013-01-30")));
  std::vector<std::string> lines;
  for (const auto& change : report.changes) lines.push_back(change.line);
  EXPECT_EQ(lines, (std::vector<std::string>{
                       "Intervention (more effort) for PVH mode (Xen & Linux) (2013-02-01, "
                       "george.dunlap@eu.citrix.com): Mukesh works on PVH full time",
                       "PVH mode (Xen & Linux): at-risk -> on-track (2013-02-15, "
                       "george.dunlap@eu.citrix.com)"}));
  // Before it was made there was none.
  auto before = MakeAsOfStore(*store_, At("2013-01-31"));
  EXPECT_TRUE(
      ST_MUST(view::BuildReleaseShow(*before, "4.3", At("2013-01-31"))).interventions.empty());
}

TEST_F(Issue9InterventionsTest, EachOfTheThreeKindsIsRecordedAndNothingElse) {
  for (const char* kind : {"effort", "resources", "slip"}) {
    EXPECT_TRUE(planning_->Intervene(Acting(kManager, "2013-02-01"), "4.3", kind, {"blktap3"},
                                     "asked on xen-devel"));
  }
  auto unknown =
      planning_->Intervene(Acting(kManager, "2013-02-01"), "4.3", "prayer", {"blktap3"}, "hope");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().IsInvalidArgument());
  auto no_text =
      planning_->Intervene(Acting(kManager, "2013-02-01"), "4.3", "effort", {"blktap3"}, " ");
  ASSERT_FALSE(no_text);
  auto no_feature = planning_->Intervene(Acting(kManager, "2013-02-01"), "4.3", "effort", {}, "x");
  ASSERT_FALSE(no_feature);
  auto stranger = planning_->Intervene(Acting("someone@example.org", "2013-02-01"), "4.3", "effort",
                                       {"blktap3"}, "x");
  ASSERT_FALSE(stranger);
  EXPECT_TRUE(stranger.error().IsPermissionDenied());
  EXPECT_EQ(ST_MUST(planning_->FindRelease("4.3")).interventions.size(), 3u);
}

TEST_F(Issue9InterventionsTest, InterventionsRoundTripThroughExportAndImport) {
  ASSERT_TRUE(planning_->Intervene(Acting(kManager, "2013-02-01"), "4.3", "resources",
                                   {"blktap3", "persistent-grants-for-net"},
                                   "asked Citrix for a blktap3 developer"));
  std::string first = ST_MUST(planning_->Export());
  EXPECT_NE(first.find("interventions:"), std::string::npos);
  auto other_store = ST_MUST(OpenStore(":memory:"));
  Planning other(*other_store);
  ASSERT_TRUE(other.Import(Acting(kAdmin, "2014-01-01"), first, "export.yaml"));
  EXPECT_EQ(ST_MUST(other.Export()), first);
  auto again = other.Import(Acting(kAdmin, "2014-01-02"), first, "export.yaml");
  ASSERT_TRUE(again) << again.error().ToString();
  EXPECT_EQ(again->events_written, 0);
}

}  // namespace
}  // namespace stocktake
