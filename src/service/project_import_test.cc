// The import's plan step on its own: a parsed file and a snapshot built by
// hand (or from an earlier plan), no database. What the plan says is what
// ApplyImport writes.

#include <gtest/gtest.h>

#include <algorithm>

#include "service/project_import_internal.h"
#include "tests/support/test_support.h"

namespace stocktake::import_internal {
namespace {

using testing::At;
using testing::Day;

constexpr char kRm[] = "rm@example.org";

// Line numbers matter: the refusals name them.
constexpr char kFile[] = R"(project:
  name: Demo
people:
  - email: rm@example.org
    roles: [release-manager]
releases:
  - version: "1.0"
    start: 2020-01-01
    freeze: 2020-03-01
    release: 2020-04-01
    features:
      - title: Alpha
        status: on-track
      - title: Beta
        status: fair
        parent: Alpha
        depends_on: [alpha]
)";

constexpr char kProposalFile[] = R"(protocols:
  - name: pvcalls
    history:
      - {at: 2017-01-01, to: design}
proposals:
  - id: 4
    protocol: pvcalls
    from: design
    to: prototype
    proposer: dev@example.org
    opened_at: 2017-02-01T00:00:00Z
)";

// `text` recorded as of `as_of` (a line at the top).
std::string AsOf(const std::string& text, const std::string& as_of) {
  return "as_of: " + as_of + "\n" + text;
}

std::string Replace(std::string text, const std::string& from, const std::string& to) {
  size_t at = text.find(from);
  EXPECT_NE(at, std::string::npos) << from;
  if (at != std::string::npos) text.replace(at, from.size(), to);
  return text;
}

class ImportPlanTest : public ::testing::Test {
 protected:
  ProjectFile Parse(const std::string& text) {
    const Process* fallback = stored_.project ? &stored_.project->process : nullptr;
    auto file = ParseProjectFile(text, "plan.yaml", fallback);
    EXPECT_TRUE(file) << file.error().ToString();
    return file ? *file : ProjectFile{};
  }
  Result<ImportPlan> Plan(const std::string& text) {
    return PlanImport(context_, Parse(text), stored_, options_);
  }

  // The snapshot a database would hold after applying `plan`: its rows, with
  // the features' histories and every other event.
  void Store(const ImportPlan& plan) {
    if (plan.project) stored_.project = plan.project;
    auto put = [](auto& list, const auto& item, auto key) {
      auto it = std::find_if(list.begin(), list.end(),
                             [&](const auto& other) { return key(other) == key(item); });
      if (it == list.end()) {
        list.push_back(item);
      } else {
        *it = item;
      }
    };
    for (const auto& person : plan.people)
      put(stored_.people, person, [](auto& p) { return p.email; });
    for (const auto& release : plan.releases) {
      put(stored_.releases, release, [](auto& r) { return r.version; });
    }
    for (const auto& row : plan.features) {
      Feature feature = row.feature;
      feature.history.clear();
      for (const auto& stored : stored_.features) {
        if (stored.slug == feature.slug) feature.history = stored.history;
      }
      put(stored_.features, feature, [](auto& f) { return f.slug; });
    }
    for (const auto& event : plan.events) {
      if (event.kind == event_kind::kReleaseSlipped) {
        for (auto& release : stored_.releases) {
          if (release.version == event.subject) {
            release.schedule_changes.push_back(ST_MUST(ScheduleChangeFromEvent(event)));
          }
        }
      }
      if (event.kind != event_kind::kFeatureStatus) {
        stored_.events.push_back(event);
        continue;
      }
      for (auto& feature : stored_.features) {
        if (feature.slug != event.subject) continue;
        feature.history.push_back({event.at, event.actor, event.from, event.to, event.reason});
      }
    }
  }
  // A change made through the CLI after the import: `feature set --status`.
  void SetStatus(const std::string& slug, const std::string& to, const char* at,
                 const std::string& by) {
    for (auto& feature : stored_.features) {
      if (feature.slug != slug) continue;
      feature.history.push_back({At(at), by, feature.status, to, "later work"});
      feature.status = to;
    }
  }

  Context context_{kRm, At("2020-02-01"), At("2026-11-29T09:00:00Z"), false, false};
  ImportOptions options_;
  ImportSnapshot stored_;
};

std::vector<std::string> Kinds(const ImportPlan& plan) {
  std::vector<std::string> kinds;
  for (const auto& event : plan.events) kinds.push_back(event.kind + " " + event.subject);
  return kinds;
}

const Event* FindEvent(const ImportPlan& plan, const std::string& kind,
                       const std::string& subject) {
  for (const auto& event : plan.events) {
    if (event.kind == kind && event.subject == subject) return &event;
  }
  return nullptr;
}

const ImportItem* FindItem(const ImportPlan& plan, const std::string& kind,
                           const std::string& name) {
  for (const auto& item : plan.preview.items) {
    if (item.kind == kind && item.name == name) return &item;
  }
  return nullptr;
}

TEST_F(ImportPlanTest, PlansEveryRowAndEventOfANewProject) {
  auto plan = Plan(kFile);
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_TRUE(plan->project);
  EXPECT_EQ(plan->project->name, "Demo");
  ASSERT_EQ(plan->people.size(), 1u);
  ASSERT_EQ(plan->releases.size(), 1u);
  ASSERT_EQ(plan->features.size(), 2u);
  EXPECT_EQ(plan->features[0].feature.slug, "alpha");
  EXPECT_EQ(plan->features[0].ordinal, 1);
  EXPECT_EQ(plan->features[0].feature.updated_at, context_.now);
  EXPECT_EQ(plan->features[1].feature.parent, "alpha");  // the title became a slug
  EXPECT_EQ(plan->features[1].feature.depends_on, std::vector<std::string>{"alpha"});
  EXPECT_EQ(plan->features[1].ordinal, 2);
  EXPECT_EQ(Kinds(*plan), (std::vector<std::string>{
                              "project.configured Demo", "person.saved rm@example.org",
                              "release.added 1.0", "feature.added alpha", "feature.status alpha",
                              "feature.added beta", "feature.status beta"}));
  for (const auto& event : plan->events) {
    EXPECT_EQ(event.actor, kRm);
    // No as_of: everything is recorded as of the import's --now.
    EXPECT_EQ(event.at, context_.now);
    EXPECT_EQ(event.recorded_at, context_.recorded_at);
  }
  EXPECT_EQ(plan->events[2].reason, "import of plan.yaml");
  EXPECT_EQ(plan->events[2].detail,
            R"({"freeze":"2020-03-01","release":"2020-04-01","start":"2020-01-01"})");
  EXPECT_EQ(plan->events[4].to, "on-track");
  EXPECT_EQ(plan->summary.releases_added, 1);
  EXPECT_EQ(plan->summary.features_added, 2);
  EXPECT_EQ(plan->summary.people_saved, 1);
  EXPECT_EQ(plan->summary.events_written, 7);
  EXPECT_EQ(plan->preview.events, 7);
  EXPECT_TRUE(plan->preview.conflicts.empty());
  EXPECT_EQ(plan->preview.items.size(), 5u);
  for (const auto& item : plan->preview.items) EXPECT_EQ(item.action, ImportAction::kAdd);
  EXPECT_TRUE(plan->protocols.empty());
  EXPECT_TRUE(plan->proposals.empty());
  EXPECT_TRUE(plan->rules.empty());
}

TEST_F(ImportPlanTest, EventsAreDatedAsOfTheFileAndRecordedByTheRealClock) {
  context_.now = At("2026-11-29T10:00:00Z");
  context_.recorded_at = At("2026-11-29T10:00:05Z");
  std::string text = Replace(AsOf(kFile, "2013-01-21"), "      - title: Beta\n",
                             "      - title: Beta\n        as_of: 2013-01-25\n");
  auto plan = ST_MUST(Plan(text));
  for (const auto& event : plan.events) {
    EXPECT_EQ(event.recorded_at, At("2026-11-29T10:00:05Z"));
    EXPECT_EQ(event.at, At(event.subject == "beta" ? "2013-01-25" : "2013-01-21"))
        << event.kind << " " << event.subject;
  }
  EXPECT_EQ(plan.features[0].feature.updated_at, At("2013-01-21"));
  EXPECT_EQ(FindItem(plan, "feature", "beta")->as_of, At("2013-01-25"));
}

TEST_F(ImportPlanTest, TheSameFileAgainPlansNoEventsAndNoConflict) {
  Store(ST_MUST(Plan(kFile)));
  context_.now = At("2020-02-10");
  auto plan = Plan(kFile);
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_TRUE(plan->events.empty()) << ::testing::PrintToString(Kinds(*plan));
  EXPECT_TRUE(plan->preview.conflicts.empty());
  EXPECT_TRUE(plan->people.empty());
  EXPECT_TRUE(plan->releases.empty());
  EXPECT_EQ(plan->summary.features_unchanged, 2);
  for (const auto& item : plan->preview.items) EXPECT_EQ(item.action, ImportAction::kKeep);
  // Feature rows are always written, keeping when they last changed.
  ASSERT_EQ(plan->features.size(), 2u);
  EXPECT_EQ(plan->features[0].feature.updated_at, At("2020-02-01"));
}

TEST_F(ImportPlanTest, ANewerFileChangesFieldsAndStatusAsOfItsTime) {
  Store(ST_MUST(Plan(kFile)));
  std::string text = Replace(kFile, "status: fair", "status: at-risk\n        must_have: true");
  auto plan = Plan(AsOf(text, "2020-02-15"));
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(Kinds(*plan),
            (std::vector<std::string>{"feature.updated beta", "feature.status beta"}));
  EXPECT_EQ(plan->events[0].detail, R"({"must_have":[false,true]})");
  EXPECT_EQ(plan->events[0].reason, "import of plan.yaml");
  EXPECT_EQ(plan->events[1].from, "fair");
  EXPECT_EQ(plan->events[1].to, "at-risk");
  for (const auto& event : plan->events) EXPECT_EQ(event.at, At("2020-02-15"));
  EXPECT_EQ(plan->summary.features_updated, 1);
  EXPECT_EQ(plan->summary.features_unchanged, 1);
  const ImportItem* beta = FindItem(*plan, "feature", "beta");
  ASSERT_NE(beta, nullptr);
  EXPECT_EQ(beta->action, ImportAction::kChange);
  ASSERT_EQ(beta->changes.size(), 2u);
  EXPECT_EQ(beta->changes[0].field, "must_have");
  EXPECT_EQ(beta->changes[0].from, false);
  EXPECT_EQ(beta->changes[0].to, true);
  EXPECT_EQ(beta->changes[1].field, "status");
  EXPECT_FALSE(beta->changes[1].overwrite);
  EXPECT_EQ(plan->features[1].feature.updated_at, At("2020-02-15"));
}

TEST_F(ImportPlanTest, AChangedPairOfOwnersIsRecordedAsAnOldNewPair) {
  Store(ST_MUST(
      Plan(Replace(kFile, "status: fair", "status: fair\n        owners: [a@x.org, b@x.org]"))));
  auto plan = ST_MUST(
      Plan(AsOf(Replace(kFile, "status: fair", "status: fair\n        owners: [c@x.org, d@x.org]"),
                "2020-03-01")));
  ASSERT_EQ(Kinds(plan), std::vector<std::string>{"feature.updated beta"});
  EXPECT_EQ(plan.events[0].detail, R"({"owners":[["a@x.org","b@x.org"],["c@x.org","d@x.org"]]})");
}

TEST_F(ImportPlanTest, AStatusTheDatabaseChangedAfterTheFilesRecordIsAConflict) {
  Store(ST_MUST(Plan(AsOf(kFile, "2020-01-21"))));
  SetStatus("beta", "at-risk", "2020-02-01", "dev@example.org");
  context_.now = At("2020-03-01");
  auto plan = ST_MUST(Plan(AsOf(kFile, "2020-01-21")));
  EXPECT_TRUE(plan.events.empty()) << ::testing::PrintToString(Kinds(plan));
  ASSERT_EQ(plan.preview.conflicts.size(), 1u);
  const ImportConflict& conflict = plan.preview.conflicts[0];
  EXPECT_EQ(conflict.kind, "feature");
  EXPECT_EQ(conflict.name, "beta");
  EXPECT_EQ(conflict.field, "status");
  EXPECT_EQ(conflict.database_value, "at-risk");
  EXPECT_EQ(conflict.database_at, At("2020-02-01"));
  EXPECT_EQ(conflict.database_by, "dev@example.org");
  EXPECT_EQ(conflict.file_value, "fair");
  EXPECT_EQ(conflict.file_as_of, At("2020-01-21"));
  EXPECT_EQ(DescribeConflicts(plan.preview.conflicts),
            "  feature beta: status: the database has \"at-risk\" (2020-02-01T00:00:00Z, by "
            "dev@example.org), the file \"fair\" (as of 2020-01-21T00:00:00Z)\n");
  // The row keeps the database's value.
  EXPECT_EQ(plan.features[1].feature.status, "at-risk");
}

TEST_F(ImportPlanTest, PreferringTheFileOverwritesNowWithTheImportAsReason) {
  Store(ST_MUST(Plan(AsOf(kFile, "2020-01-21"))));
  SetStatus("beta", "at-risk", "2020-02-01", "dev@example.org");
  context_.now = At("2020-03-01");
  options_.prefer_file = true;
  auto plan = ST_MUST(Plan(AsOf(kFile, "2020-01-21")));
  ASSERT_EQ(plan.preview.conflicts.size(), 1u);
  ASSERT_EQ(Kinds(plan), std::vector<std::string>{"feature.status beta"});
  const Event& event = plan.events[0];
  EXPECT_EQ(event.from, "at-risk");
  EXPECT_EQ(event.to, "fair");
  EXPECT_EQ(event.reason, "import of plan.yaml");
  // Dated when the file is preferred, after the change it undoes, so that
  // reads before then still show the database's value.
  EXPECT_EQ(event.at, At("2020-03-01"));
  EXPECT_EQ(plan.features[1].feature.status, "fair");
  const ImportItem* beta = FindItem(plan, "feature", "beta");
  ASSERT_EQ(beta->changes.size(), 1u);
  EXPECT_TRUE(beta->changes[0].overwrite);
}

TEST_F(ImportPlanTest, OnlyTheFieldsChangedLaterConflict) {
  Store(ST_MUST(Plan(AsOf(kFile, "2020-01-21"))));
  // The database changed Alpha's owners on 02-01; the file, as of 02-15,
  // changes its remark (newer) and Beta's notes.
  Feature& alpha = stored_.features[0];
  alpha.owners = {"dev@example.org"};
  Event update;
  update.kind = event_kind::kFeatureUpdated;
  update.subject = "alpha";
  update.at = At("2020-02-01");
  update.actor = "dev@example.org";
  update.detail = R"({"owners":[[],["dev@example.org"]]})";
  stored_.events.push_back(update);
  std::string text = Replace(kFile, "status: on-track", "status: on-track\n        remark: soon");
  auto newer = ST_MUST(Plan(AsOf(text, "2020-02-15")));
  // The file lacks the owners and is newer: it clears them, as of its time.
  ASSERT_EQ(Kinds(newer), std::vector<std::string>{"feature.updated alpha"});
  EXPECT_EQ(newer.events[0].detail, R"({"owners":[["dev@example.org"],[]],"remark":["","soon"]})");
  EXPECT_TRUE(newer.preview.conflicts.empty());
  // As of 01-25 the remark is still news, but the owners changed later.
  auto older = ST_MUST(Plan(AsOf(text, "2020-01-25")));
  ASSERT_EQ(older.preview.conflicts.size(), 1u);
  EXPECT_EQ(older.preview.conflicts[0].field, "owners");
  ASSERT_EQ(Kinds(older), std::vector<std::string>{"feature.updated alpha"});
  EXPECT_EQ(older.events[0].detail, R"({"remark":["","soon"]})");
  EXPECT_EQ(older.events[0].at, At("2020-01-25"));
  EXPECT_EQ(older.features[0].feature.owners, std::vector<std::string>{"dev@example.org"});
}

TEST_F(ImportPlanTest, AHistoryEntryBeforeTheLatestStatusChangeIsAConflict) {
  Store(ST_MUST(Plan(AsOf(kFile, "2020-01-21"))));
  SetStatus("beta", "at-risk", "2020-02-01", "dev@example.org");
  std::string text =
      Replace(Replace(kFile, "status: fair", "status: at-risk"), "        depends_on: [alpha]\n",
              "        depends_on: [alpha]\n        history:\n          - {at: 2020-01-21, by: "
              "rm@example.org, to: fair}\n          - {at: 2020-01-25, by: rm@example.org, "
              "from: fair, to: at-risk}\n");
  auto plan = ST_MUST(Plan(text));
  ASSERT_EQ(plan.preview.conflicts.size(), 1u);
  EXPECT_EQ(plan.preview.conflicts[0].field, "history");
  EXPECT_EQ(plan.preview.conflicts[0].file_as_of, At("2020-01-25"));
  EXPECT_TRUE(plan.events.empty()) << ::testing::PrintToString(Kinds(plan));
}

constexpr char kPastRelease[] = R"(releases:
  - {version: "1.0", release: 2020-05-01}
)";

TEST_F(ImportPlanTest, AReleaseGivenByItsDateAloneKeepsTheRestAndSlipsTheDate) {
  std::string text = Replace(kFile, "    release: 2020-04-01\n",
                             "    release: 2020-04-01\n    report_template: \"{{features}}\"\n");
  Store(ST_MUST(Plan(AsOf(text, "2020-01-21"))));
  context_.now = At("2020-06-01");
  auto plan = ST_MUST(Plan(kPastRelease));
  ASSERT_EQ(Kinds(plan), std::vector<std::string>{"release.slipped 1.0"});
  auto slip = ST_MUST(ScheduleChangeFromEvent(plan.events[0]));
  EXPECT_EQ(slip.at, At("2020-06-01"));
  EXPECT_EQ(slip.old_release, Day("2020-04-01"));
  EXPECT_EQ(slip.new_release, Day("2020-05-01"));
  EXPECT_EQ(slip.old_freeze, Day("2020-03-01"));
  EXPECT_EQ(slip.new_freeze, Day("2020-03-01"));
  EXPECT_EQ(slip.reason, "import of plan.yaml");
  ASSERT_EQ(plan.releases.size(), 1u);
  EXPECT_EQ(plan.releases[0].start, Day("2020-01-01"));
  EXPECT_EQ(plan.releases[0].freeze, Day("2020-03-01"));
  EXPECT_EQ(plan.releases[0].report_template, "{{features}}");
  EXPECT_EQ(plan.summary.releases_updated, 1);
}

TEST_F(ImportPlanTest, AnOlderFileBecomesTheEarlierHistoryOfARelease) {
  // The release was first recorded on 06-01 by its date alone.
  context_.now = At("2020-06-01");
  Store(ST_MUST(Plan(kPastRelease)));
  ASSERT_EQ(stored_.releases[0].start, Day("2020-05-01"));
  auto plan = ST_MUST(Plan(AsOf(kFile, "2020-01-21")));
  EXPECT_TRUE(plan.preview.conflicts.empty());
  // Start and freeze were defaults: the file sets them. The release date the
  // database recorded later stays.
  ASSERT_EQ(plan.releases.size(), 1u);
  EXPECT_EQ(plan.releases[0].start, Day("2020-01-01"));
  EXPECT_EQ(plan.releases[0].freeze, Day("2020-03-01"));
  EXPECT_EQ(plan.releases[0].release, Day("2020-05-01"));
  const Event* added = FindEvent(plan, event_kind::kReleaseAdded, "1.0");
  ASSERT_NE(added, nullptr);
  EXPECT_EQ(added->at, At("2020-01-21"));
  const Event* slipped = FindEvent(plan, event_kind::kReleaseSlipped, "1.0");
  ASSERT_NE(slipped, nullptr);
  auto slip = ST_MUST(ScheduleChangeFromEvent(*slipped));
  EXPECT_EQ(slip.at, At("2020-06-01"));
  EXPECT_EQ(slip.old_release, Day("2020-04-01"));
  EXPECT_EQ(slip.new_release, Day("2020-05-01"));
  const ImportItem* item = FindItem(plan, "release", "1.0");
  EXPECT_EQ(item->action, ImportAction::kChange);
  ASSERT_EQ(item->notes.size(), 2u);
  EXPECT_EQ(item->notes[1],
            "release: \"2020-04-01\" as of the file, \"2020-05-01\" from 2020-06-01T00:00:00Z (the "
            "database's)");
  // Either order gives the same release.
  Store(plan);
  auto again = ST_MUST(Plan(kPastRelease));
  EXPECT_TRUE(again.events.empty()) << ::testing::PrintToString(Kinds(again));
}

TEST_F(ImportPlanTest, AnOlderFileThatSaysNothingNewIsNoHistory) {
  context_.now = At("2020-06-01");
  Store(ST_MUST(Plan(kFile)));
  // The same file, undated, imported again with an earlier --now.
  context_.now = At("2020-05-01");
  auto plan = ST_MUST(Plan(kFile));
  EXPECT_TRUE(plan.events.empty()) << ::testing::PrintToString(Kinds(plan));
}

TEST_F(ImportPlanTest, AnOlderFileBecomesTheEarlierHistoryOfAFeature) {
  context_.now = At("2020-06-01");
  Store(ST_MUST(Plan(kFile)));
  std::string older =
      Replace(Replace(kFile, "status: fair", "status: at-risk"), "        depends_on: [alpha]\n",
              "        depends_on: [alpha]\n        remark: early days\n");
  auto plan = ST_MUST(Plan(AsOf(older, "2020-01-21")));
  EXPECT_TRUE(plan.preview.conflicts.empty());
  std::vector<std::string> beta;
  for (const auto& event : plan.events) {
    if (event.subject == "beta") beta.push_back(event.kind + " " + FormatTimestamp(event.at));
  }
  EXPECT_EQ(beta,
            (std::vector<std::string>{
                "feature.added 2020-01-21T00:00:00Z", "feature.status 2020-01-21T00:00:00Z",
                "feature.updated 2020-06-01T00:00:00Z", "feature.status 2020-06-01T00:00:00Z"}));
  EXPECT_EQ(FindEvent(plan, event_kind::kFeatureUpdated, "beta")->detail,
            R"({"remark":["early days",""]})");
  // The database's values stay.
  EXPECT_EQ(plan.features[1].feature.status, "fair");
  EXPECT_EQ(plan.features[1].feature.remark, "");
  const ImportItem* item = FindItem(plan, "feature", "beta");
  ASSERT_EQ(item->notes.size(), 2u);
  EXPECT_EQ(
      item->notes[1],
      "remark: \"early days\" as of the file, \"\" from 2020-06-01T00:00:00Z (the database's)");
}

TEST_F(ImportPlanTest, AFreezeTheDatabaseSlippedLaterIsAConflict) {
  Store(ST_MUST(Plan(AsOf(kFile, "2020-01-21"))));
  Release& release = stored_.releases[0];
  ScheduleChange slip{At("2020-02-01"), "rm@example.org", release.freeze, Day("2020-03-15"),
                      release.release,  release.release,  "more time"};
  release.freeze = slip.new_freeze;
  release.schedule_changes.push_back(slip);
  stored_.events.push_back(ScheduleChangeEvent("1.0", slip));
  auto plan = ST_MUST(Plan(AsOf(kFile, "2020-01-21")));
  ASSERT_EQ(plan.preview.conflicts.size(), 1u);
  EXPECT_EQ(plan.preview.conflicts[0].field, "freeze");
  EXPECT_EQ(plan.preview.conflicts[0].database_value, "2020-03-15");
  EXPECT_TRUE(plan.releases.empty());
  options_.prefer_file = true;
  context_.now = At("2020-02-10");
  auto preferred = ST_MUST(Plan(AsOf(kFile, "2020-01-21")));
  ASSERT_EQ(Kinds(preferred), std::vector<std::string>{"release.slipped 1.0"});
  EXPECT_EQ(preferred.events[0].at, At("2020-02-10"));
  EXPECT_EQ(preferred.events[0].reason, "import of plan.yaml");
  EXPECT_EQ(preferred.releases[0].freeze, Day("2020-03-01"));
}

TEST_F(ImportPlanTest, AMergedScheduleOutOfOrderIsRefusedAtTheRelease) {
  Store(ST_MUST(Plan(kFile)));
  auto plan = Plan("releases:\n  - {version: \"1.0\", release: 2020-02-01}\n");
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().context(), "plan.yaml:2:5");
  EXPECT_NE(plan.error().message().find("give all three"), std::string::npos);
}

TEST_F(ImportPlanTest, AProjectWithoutAProcessKeepsTheStoredOne) {
  Store(ST_MUST(Plan(Replace(kFile, "  name: Demo\n",
                             "  name: Demo\nprocess:\n  name: small\n  staleness_days: 14\n"
                             "  statuses:\n    - {id: on-track, heading: On track}\n"
                             "    - {id: fair, heading: Fair}\n"))));
  ASSERT_EQ(stored_.project->process.name, "small");
  auto plan = ST_MUST(Plan(kFile));
  EXPECT_TRUE(plan.events.empty()) << ::testing::PrintToString(Kinds(plan));
  EXPECT_FALSE(plan.project);
  EXPECT_EQ(FindItem(plan, "project", "Demo")->action, ImportAction::kKeep);
}

TEST_F(ImportPlanTest, RefusesAMissingDependencyAtItsLine) {
  std::string text = kFile;
  text.replace(text.find("[alpha]"), 7, "[alpha, gamma]");
  auto plan = Plan(text);
  ASSERT_FALSE(plan);
  EXPECT_TRUE(plan.error().IsInvalidArgument());
  EXPECT_EQ(plan.error().context(), "plan.yaml:17:29");
  EXPECT_EQ(plan.error().message(),
            "a dependency of 'Beta': no feature named 'gamma': see 'stocktake feature list'");
}

TEST_F(ImportPlanTest, ResolvesAndChecksReferencesAgainstStoredFeatures) {
  Feature gamma;
  gamma.slug = "gamma";
  gamma.title = "Gamma";
  gamma.release = "1.0";
  gamma.status = "fair";
  gamma.depends_on = {"beta"};
  stored_.features.push_back(gamma);
  std::string text = kFile;
  text.replace(text.find("[alpha]"), 7, "[Gamma]");
  auto plan = Plan(text);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().message(),
            "dependency cycle: Beta -> Gamma -> Beta: remove one of these dependencies");
  // The cycle closes at the stored feature, which has no line in the file.
  EXPECT_EQ(plan.error().context(), "");
}

TEST_F(ImportPlanTest, AProposalNumberTakenByAStoredObjectionIsRefused) {
  Proposal stored;
  stored.id = 3;
  stored.protocol = "pvcalls";
  ProposalAction objection;
  objection.kind = ProposalActionKind::kObject;
  objection.objection_id = 4;
  stored.actions.push_back(objection);
  stored_.proposals.push_back(stored);
  auto plan = Plan(kProposalFile);
  ASSERT_FALSE(plan);
  EXPECT_EQ(plan.error().context(), "plan.yaml:6:5");
  EXPECT_NE(plan.error().message().find("number 4 is objection 4 of proposal 3 in the database"),
            std::string::npos)
      << plan.error().message();
}

TEST_F(ImportPlanTest, StoredStageHistoryIsNotWrittenAgain) {
  stored_.protocols = Parse(kProposalFile).protocols;
  auto plan = Plan(kProposalFile);
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_TRUE(plan->protocols.empty());
  ASSERT_EQ(plan->proposals.size(), 1u);
  EXPECT_EQ(plan->proposals[0].id, 4);
  ASSERT_TRUE(plan->proposals[0].header);
  EXPECT_TRUE(plan->proposals[0].header->actions.empty());
  EXPECT_EQ(Kinds(*plan),
            (std::vector<std::string>{"project.configured ", "proposal.opened pvcalls"}));
  EXPECT_EQ(plan->events[1].at, At("2017-02-01T00:00:00Z"));
  EXPECT_EQ(plan->events[1].actor, "dev@example.org");

  stored_.protocols.clear();
  auto fresh = ST_MUST(Plan(kProposalFile));
  ASSERT_EQ(fresh.protocols.size(), 1u);
  EXPECT_TRUE(fresh.protocols[0].protocol);
  ASSERT_EQ(fresh.protocols[0].stage_changes.size(), 1u);
  EXPECT_EQ(fresh.protocols[0].stage_changes[0].to, "design");
  // The protocol is recorded as of the import (the file gives no time), its
  // stage change as of its own.
  EXPECT_EQ(FindEvent(fresh, event_kind::kProtocolAdded, "pvcalls")->at, context_.now);
  EXPECT_EQ(FindEvent(fresh, event_kind::kProtocolStage, "pvcalls")->at, At("2017-01-01"));
}

TEST_F(ImportPlanTest, AProtocolStageChangeBeforeTheStoredOnesIsAConflict) {
  constexpr char kStored[] = R"(protocols:
  - name: pvcalls
    history:
      - {at: 2017-01-01, to: design}
      - {at: 2017-02-01, to: prototype}
)";
  stored_.protocols = Parse(kStored).protocols;
  Event stage;
  stage.kind = event_kind::kProtocolStage;
  stage.subject = "pvcalls";
  stage.at = At("2017-02-01");
  stage.actor = "czar@example.org";
  stored_.events.push_back(stage);
  auto plan = ST_MUST(Plan(Replace(kStored, "2017-02-01", "2017-01-15")));
  ASSERT_EQ(plan.preview.conflicts.size(), 1u);
  EXPECT_EQ(plan.preview.conflicts[0].kind, "protocol");
  EXPECT_EQ(plan.preview.conflicts[0].field, "history");
  EXPECT_EQ(plan.preview.conflicts[0].database_by, "czar@example.org");
  EXPECT_TRUE(plan.protocols.empty());
}

TEST_F(ImportPlanTest, CountsWhatTheFileDoesNotName) {
  Store(ST_MUST(Plan(kFile)));
  auto plan = ST_MUST(Plan(kProposalFile));
  EXPECT_EQ(plan.preview.untouched.releases, 1);
  EXPECT_EQ(plan.preview.untouched.features, 2);
  EXPECT_EQ(plan.preview.untouched.people, 1);
  EXPECT_EQ(plan.preview.untouched.protocols, 0);
}

// Dating an export: the file's time is the latest event; a release or
// feature gives its own only where it differs from what it inherits; a date
// never set is left out.
TEST(DateExportTest, GivesEachObjectItsLatestChange) {
  RecordIndex records;
  auto event = [](const char* kind, const char* subject, const char* at, std::string detail = "") {
    Event made;
    made.kind = kind;
    made.subject = subject;
    made.at = At(at);
    made.detail = std::move(detail);
    return made;
  };
  records.Add({event(event_kind::kReleaseAdded, "4.2", "2012-01-01", R"({"release":"2012-09-17"})"),
               event(event_kind::kReleaseAdded, "4.3", "2013-01-21"),
               event(event_kind::kFeatureAdded, "a", "2013-01-21"),
               event(event_kind::kFeatureAdded, "b", "2013-01-21"),
               event(event_kind::kFeatureUpdated, "b", "2013-02-03", R"({"notes":["","x"]})")});
  ProjectFile file;
  file.releases.resize(2);
  file.releases[0].release.version = "4.2";
  file.releases[1].release.version = "4.3";
  file.releases[1].features.resize(2);
  file.releases[1].features[0].feature.slug = "a";
  file.releases[1].features[1].feature.slug = "b";
  DateExport(records, file);
  EXPECT_EQ(file.as_of, At("2013-02-03"));
  EXPECT_EQ(file.releases[0].as_of, At("2012-01-01"));
  EXPECT_FALSE(file.releases[0].has_start);
  EXPECT_FALSE(file.releases[0].has_freeze);
  EXPECT_EQ(file.releases[1].as_of, At("2013-01-21"));
  EXPECT_TRUE(file.releases[1].has_start);
  EXPECT_FALSE(file.releases[1].features[0].as_of);  // as its release
  EXPECT_EQ(file.releases[1].features[1].as_of, At("2013-02-03"));
}

}  // namespace
}  // namespace stocktake::import_internal
