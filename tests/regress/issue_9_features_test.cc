// Issue 9, features: re-affirming a status failed with "nothing to change",
// so the stale-feature advice could not be followed; `feature add` started a
// feature "finished"; "changes since" left out moves (the feature vanished),
// must-have, owner, rename and re-parent changes; a parent whose own status
// was not finished showed no "(partial)" under Finished, and a sub-item of
// a sub-item printed under its grandparent.

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

class Issue9FeaturesTest : public testing::Xen43Test {
 protected:
  // What `stocktake --now NOW ...` reads: the record as it was then.
  std::vector<Alert> CheckAt(const char* now) {
    auto past = MakeAsOfStore(*store_, At(now));
    return ST_MUST(Planning(*past).Check("4.3", At(now)));
  }

  TakingStock ReportAt(const std::string& version, const char* now, const char* since) {
    auto past = MakeAsOfStore(*store_, At(now));
    return ST_MUST(Planning(*past).Report(version, At(now), Day(since)));
  }

  static std::vector<std::string> ChangeLines(const TakingStock& report) {
    std::vector<std::string> lines;
    for (const auto& change : report.changes) lines.push_back(change.line);
    return lines;
  }

  static bool HasAlert(const std::vector<Alert>& alerts, const std::string& subject,
                       const std::string& rule) {
    return std::any_of(alerts.begin(), alerts.end(), [&](const Alert& alert) {
      return alert.subject == subject && alert.rule == rule;
    });
  }

  Feature Set(const char* now, const std::string& name, const FeatureUpdate& update) {
    auto changed = planning_->UpdateFeature(Acting(kManager, now), name, update);
    EXPECT_TRUE(changed) << changed.error().ToString();
    return changed ? *changed : Feature{};
  }
};

TEST_F(Issue9FeaturesTest, ReaffirmingAStatusWithAReasonRecordsAConfirmationThatResetsStaleness) {
  ASSERT_TRUE(HasAlert(CheckAt("2013-03-01"), "pvh-mode-xen-linux", check_rule::kStale));
  FeatureUpdate update;
  update.status = "on-track";
  update.reason = "still on track: v5 of the series posted";
  Feature confirmed = Set("2013-03-01", "pvh-mode-xen-linux", update);
  EXPECT_EQ(confirmed.status, "on-track");
  EXPECT_EQ(DayOf(confirmed.updated_at), Day("2013-03-01"));
  EXPECT_FALSE(HasAlert(CheckAt("2013-03-02"), "pvh-mode-xen-linux", check_rule::kStale));
  // Before the confirmation the record still says it was stale.
  EXPECT_TRUE(HasAlert(CheckAt("2013-02-28"), "pvh-mode-xen-linux", check_rule::kStale));
  auto history = ST_MUST(planning_->FeatureHistory("pvh-mode-xen-linux"));
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().kind, event_kind::kFeatureStatus);
  EXPECT_EQ(history.back().from, "on-track");
  EXPECT_EQ(history.back().to, "on-track");
  EXPECT_EQ(ChangeLines(ReportAt("4.3", "2013-03-01", "2013-02-01")),
            std::vector<std::string>{
                "Confirmed: PVH mode (Xen & Linux) still on-track (2013-03-01, "
                "george.dunlap@eu.citrix.com): still on track: v5 of the series posted"});
}

TEST_F(Issue9FeaturesTest, ReaffirmingWithoutAReasonStillChangesNothing) {
  FeatureUpdate update;
  update.status = "on-track";
  auto result =
      planning_->UpdateFeature(Acting(kManager, "2013-03-01"), "pvh-mode-xen-linux", update);
  ASSERT_FALSE(result);
  EXPECT_TRUE(result.error().IsInvalidArgument());
  EXPECT_NE(result.error().message().find("--reason"), std::string::npos);
}

TEST_F(Issue9FeaturesTest, ANewFeatureStartsInTheProcessInitialStatusNotFinished) {
  Feature draft;
  draft.title = "Credit2 scheduler";
  draft.release = "4.3";
  Feature added = ST_MUST(planning_->AddFeature(Acting(kManager, "2013-02-01"), draft));
  EXPECT_EQ(added.status, "on-track");
}

TEST_F(Issue9FeaturesTest, AProcessMayNameTheInitialStatusButNotAFinishedOne) {
  Project project = ST_MUST(planning_->LoadProject());
  project.process.initial_status = "fair";
  EXPECT_EQ(project.process.InitialStatus(), "fair");
  project.process.initial_status.clear();
  EXPECT_EQ(project.process.InitialStatus(), "on-track");
  std::string file =
      "process:\n  initial_status: finished\nreleases:\n  - {version: \"9.0\", release: "
      "2014-01-01}\n";
  auto refused = planning_->Import(Acting(kAdmin, "2013-02-01"), file, "bad.yaml");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("initial_status 'finished'"), std::string::npos)
      << refused.error().ToString();
}

TEST_F(Issue9FeaturesTest, AMoveShowsInTheChangesOfBothReleasesUnderTheTitle) {
  Release next;
  next.version = "4.4";
  next.start = Day("2013-07-01");
  next.freeze = Day("2013-10-18");
  next.release = Day("2014-01-15");
  ASSERT_TRUE(planning_->AddRelease(Acting(kManager, "2013-02-01"), next));
  FeatureUpdate update;
  update.release = "4.4";
  update.reason = "will not make the freeze";
  Set("2013-02-02", "blktap3", update);
  EXPECT_EQ(ChangeLines(ReportAt("4.3", "2013-02-03", "2013-02-01")),
            std::vector<std::string>{"Moved to 4.4: blktap3 (2013-02-02, "
                                     "george.dunlap@eu.citrix.com): will not make the freeze"});
  EXPECT_EQ(ChangeLines(ReportAt("4.4", "2013-02-03", "2013-02-01")),
            std::vector<std::string>{"Moved from 4.3: blktap3 (2013-02-02, "
                                     "george.dunlap@eu.citrix.com): will not make the freeze"});
}

TEST_F(Issue9FeaturesTest, MustHaveOwnerRenameAndReparentChangesAreShown) {
  FeatureUpdate must_have;
  must_have.must_have = true;
  Set("2013-02-02", "vtpm-updates", must_have);
  FeatureUpdate owners;
  owners.owners = std::vector<std::string>{"dgdegra@tycho.nsa.gov"};
  Set("2013-02-03", "vtpm-updates", owners);
  FeatureUpdate rename;
  rename.title = "vTPM 2.0 updates";
  Set("2013-02-04", "vtpm-updates", rename);
  FeatureUpdate parent;
  parent.parent = "default-to-qemu-upstream";
  Set("2013-02-05", "xl-qxl-spice-support", parent);
  EXPECT_EQ(ChangeLines(ReportAt("4.3", "2013-02-06", "2013-02-01")),
            (std::vector<std::string>{
                "Now a must-have: vTPM 2.0 updates (2013-02-02, george.dunlap@eu.citrix.com)",
                "Owners of vTPM 2.0 updates: none -> dgdegra@tycho.nsa.gov (2013-02-03, "
                "george.dunlap@eu.citrix.com)",
                "Renamed: vTPM updates -> vTPM 2.0 updates (2013-02-04, "
                "george.dunlap@eu.citrix.com)",
                "Moved under Default to QEMU upstream: xl QXL Spice support (was a top-level "
                "item) (2013-02-05, george.dunlap@eu.citrix.com)",
            }));
}

TEST_F(Issue9FeaturesTest, AParentThatIsNotFinishedShowsPartialUnderFinished) {
  // Reopen the parent: its finished sub-items still show under Finished.
  FeatureUpdate reopen;
  reopen.status = "on-track";
  reopen.reason = "the stubdom is not merged yet";
  Set("2013-02-02", "default-to-qemu-upstream", reopen);
  TakingStock report = ReportAt("4.3", "2013-02-03", "2013-02-01");
  ASSERT_FALSE(report.sections.empty());
  const ReportSection& finished = report.sections.front();
  ASSERT_EQ(finished.status, "finished");
  ASSERT_FALSE(finished.items.empty());
  EXPECT_EQ(finished.items.front().label, "Default to QEMU upstream (partial)");
  EXPECT_FALSE(finished.items.front().listed);
}

TEST_F(Issue9FeaturesTest, ASubItemOfASubItemPrintsUnderItsOwnParent) {
  Feature draft;
  draft.title = "qemu-xen-traditional removal";
  draft.release = "4.3";
  draft.status = "on-track";
  draft.parent = "linux-based-qemu-stubdom";
  ASSERT_TRUE(planning_->AddFeature(Acting(kManager, "2013-02-02"), draft));
  // Finish the stubdom: its own sub-item stays on track, so the stubdom
  // shows in both lists, and the sub-sub-item under it, one level deeper.
  FeatureUpdate finish;
  finish.status = "finished";
  Set("2013-02-03", "linux-based-qemu-stubdom", finish);
  std::string text = RenderTakingStockText(ReportAt("4.3", "2013-02-04", "2013-02-04"));
  EXPECT_NE(text.find("== Features on-track ==\n\n"), std::string::npos);
  EXPECT_NE(text.find("* Default to QEMU upstream\n - linux-based qemu stubdom\n   - "
                      "qemu-xen-traditional removal\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(" - xl cd-{insert,eject} (external)\n - linux-based qemu stubdom "
                      "(partial)\n* Persistent grants for blk (Linux)"),
            std::string::npos)
      << text;
}

TEST_F(Issue9FeaturesTest, AParentMustBeInTheSameRelease) {
  Release next;
  next.version = "4.4";
  next.start = Day("2013-07-01");
  next.freeze = Day("2013-10-18");
  next.release = Day("2014-01-15");
  ASSERT_TRUE(planning_->AddRelease(Acting(kManager, "2013-02-01"), next));
  Feature draft;
  draft.title = "Spice in stubdom";
  draft.release = "4.4";
  draft.parent = "default-to-qemu-upstream";
  auto refused = planning_->AddFeature(Acting(kManager, "2013-02-02"), draft);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsInvalidArgument());
}

// The slugs in the report's lists of `version` at `now`.
std::vector<std::string> ListedSlugs(const TakingStock& report) {
  std::vector<std::string> slugs;
  for (const auto& section : report.sections) {
    for (const auto& item : section.items) slugs.push_back(item.slug);
  }
  return slugs;
}

bool Contains(const std::vector<std::string>& list, const std::string& value) {
  return std::find(list.begin(), list.end(), value) != list.end();
}

TEST_F(Issue9FeaturesTest, ARemovedFeatureLeavesListsAndReportsKeepsItsHistoryAndComesBack) {
  auto removed = planning_->RemoveFeature(Acting(kManager, "2013-02-02"), "blktap3",
                                          "a duplicate of 'blktap3 in 4.4'");
  ASSERT_TRUE(removed) << removed.error().ToString();
  EXPECT_TRUE(removed->removed);
  TakingStock after = ReportAt("4.3", "2013-02-03", "2013-02-01");
  EXPECT_FALSE(Contains(ListedSlugs(after), "blktap3"));
  EXPECT_EQ(ChangeLines(after),
            std::vector<std::string>{"Removed: blktap3 (2013-02-02, george.dunlap@eu.citrix.com): "
                                     "a duplicate of 'blktap3 in 4.4'"});
  EXPECT_TRUE(Contains(ListedSlugs(ReportAt("4.3", "2013-02-01", "2013-02-01")), "blktap3"));
  EXPECT_TRUE(ST_MUST(store_->ListFeatures({})).size() <
              ST_MUST(store_->ListFeatures({"", false, true})).size());
  EXPECT_FALSE(ST_MUST(planning_->FeatureHistory("blktap3")).empty());
  // Changing a removed feature is refused until it is restored.
  FeatureUpdate update;
  update.status = "fair";
  auto refused = planning_->UpdateFeature(Acting(kManager, "2013-02-03"), "blktap3", update);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("feature restore"), std::string::npos);
  auto restored = planning_->RestoreFeature(Acting(kManager, "2013-02-04"), "blktap3", "");
  ASSERT_TRUE(restored) << restored.error().ToString();
  EXPECT_TRUE(Contains(ListedSlugs(ReportAt("4.3", "2013-02-05", "2013-02-01")), "blktap3"));
}

TEST_F(Issue9FeaturesTest, RemovingNeedsAReasonAndNoSubItemsOrDependents) {
  auto no_reason = planning_->RemoveFeature(Acting(kManager, "2013-02-02"), "blktap3", " ");
  ASSERT_FALSE(no_reason);
  EXPECT_TRUE(no_reason.error().IsInvalidArgument());
  auto parent = planning_->RemoveFeature(Acting(kManager, "2013-02-02"), "default-to-qemu-upstream",
                                         "mistake");
  ASSERT_FALSE(parent);
  EXPECT_NE(parent.error().message().find("has sub-items"), std::string::npos);
  auto needed = planning_->RemoveFeature(Acting(kManager, "2013-02-02"),
                                         "rationalized-backend-scripts", "mistake");
  ASSERT_FALSE(needed);
  EXPECT_NE(needed.error().message().find("scripts-for-driver-domains"), std::string::npos)
      << needed.error().ToString();
}

TEST_F(Issue9FeaturesTest, ARemovedFeatureRoundTripsThroughExportAndImport) {
  ASSERT_TRUE(planning_->RemoveFeature(Acting(kManager, "2013-02-02"), "blktap3", "duplicate"));
  std::string first = ST_MUST(planning_->Export());
  EXPECT_NE(first.find("removed: true"), std::string::npos);
  auto other_store = ST_MUST(OpenStore(":memory:"));
  Planning other(*other_store);
  ASSERT_TRUE(other.Import(Acting(kAdmin, "2014-01-01"), first, "export.yaml"));
  EXPECT_EQ(ST_MUST(other.Export()), first);
  EXPECT_TRUE(ST_MUST(other_store->FindFeature("blktap3"))->removed);
}

}  // namespace
}  // namespace stocktake
