// The import's plan step on its own: a parsed file and a snapshot built by
// hand, no database. What the plan says is what ApplyImport writes.

#include <gtest/gtest.h>

#include "service/project_import_internal.h"
#include "tests/support/test_support.h"

namespace stocktake::import_internal {
namespace {

using testing::At;

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

class ImportPlanTest : public ::testing::Test {
 protected:
  ProjectFile Parse(const std::string& text) {
    const Process* fallback = stored_.project ? &stored_.project->process : nullptr;
    auto file = ParseProjectFile(text, "plan.yaml", fallback);
    EXPECT_TRUE(file) << file.error().ToString();
    return file ? *file : ProjectFile{};
  }
  Result<ImportPlan> Plan(const std::string& text) {
    return PlanImport(context_, Parse(text), stored_);
  }

  // The snapshot a database would hold after applying `plan`.
  void Store(const ImportPlan& plan) {
    stored_.project = plan.project;
    stored_.people = plan.people;
    stored_.releases = plan.releases;
    for (const auto& row : plan.features) {
      Feature feature = row.feature;
      feature.history = {{context_.now, kRm, "", feature.status, ""}};
      stored_.features.push_back(feature);
    }
  }

  Context context_{kRm, At("2020-02-01"), At("2026-11-29"), false};
  ImportSnapshot stored_;
};

std::vector<std::string> Kinds(const ImportPlan& plan) {
  std::vector<std::string> kinds;
  for (const auto& event : plan.events) kinds.push_back(event.kind + " " + event.subject);
  return kinds;
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
                              "release.added 1.0", "feature.status alpha", "feature.added alpha",
                              "feature.status beta", "feature.added beta"}));
  for (const auto& event : plan->events) {
    EXPECT_EQ(event.actor, kRm);
    EXPECT_EQ(event.recorded_at, context_.recorded_at);
  }
  EXPECT_EQ(plan->events[2].reason, "imported from plan.yaml");
  EXPECT_EQ(plan->events[3].to, "on-track");
  EXPECT_EQ(plan->summary.releases_added, 1);
  EXPECT_EQ(plan->summary.features_added, 2);
  EXPECT_EQ(plan->summary.people_saved, 1);
  EXPECT_EQ(plan->summary.events_written, 7);
  EXPECT_TRUE(plan->protocols.empty());
  EXPECT_TRUE(plan->proposals.empty());
  EXPECT_TRUE(plan->rules.empty());
}

TEST_F(ImportPlanTest, TheSameFileAgainPlansNoEvents) {
  Store(ST_MUST(Plan(kFile)));
  context_.now = At("2020-02-10");
  auto plan = Plan(kFile);
  ASSERT_TRUE(plan) << plan.error().ToString();
  EXPECT_TRUE(plan->events.empty()) << ::testing::PrintToString(Kinds(*plan));
  EXPECT_TRUE(plan->people.empty());
  EXPECT_TRUE(plan->releases.empty());
  EXPECT_EQ(plan->summary.features_unchanged, 2);
  // Feature rows are always written, keeping when they last changed.
  ASSERT_EQ(plan->features.size(), 2u);
  EXPECT_EQ(plan->features[0].feature.updated_at, At("2020-02-01"));
}

TEST_F(ImportPlanTest, AChangedStatusAndFieldAreEventsFromTheStoredValues) {
  Store(ST_MUST(Plan(kFile)));
  std::string text = kFile;
  text.replace(text.find("status: fair"), 12, "status: at-risk\n        must_have: true");
  auto plan = Plan(text);
  ASSERT_TRUE(plan) << plan.error().ToString();
  ASSERT_EQ(Kinds(*plan),
            (std::vector<std::string>{"feature.status beta", "feature.updated beta"}));
  EXPECT_EQ(plan->events[0].from, "fair");
  EXPECT_EQ(plan->events[0].to, "at-risk");
  EXPECT_EQ(plan->events[1].detail, R"({"must_have":[false,true]})");
  EXPECT_EQ(plan->summary.features_updated, 1);
  EXPECT_EQ(plan->summary.features_unchanged, 1);
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
}

}  // namespace
}  // namespace stocktake::import_internal
