// The project file's `protocols:` section and the lifecycle part of `process:`,
// through the planning service: import, export, import again, export again.

#include <gtest/gtest.h>

#include "stocktake/projectfile/project_file.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::ReadFileForTesting;
using testing::SourcePath;

constexpr char kApacheStyle[] = R"(project:
  name: Example
process:
  name: apache
  proposal_window: 72h
  responsiveness_window: 3d
  czar_wait: 1d
  stages:
    - id: incubating
      name: Incubating
      time_frame: 1y
    - id: graduated
      name: Graduated
      support: Supported
      entry_criteria:
        - id: version-recorded
          description: a release was voted
people:
  - email: chair@example.org
    roles: [czar]
  - email: committer@example.org
    roles: [contributor]
protocols:
  - name: widget
    summary: "A widget protocol: with a colon"
    stage: incubating
    version: "2"
    implementations:
      - {code_base: Linux, role: frontend, state: posted, refs: ["<a@example.org>"]}
    history:
      - {at: 2020-01-01, by: chair@example.org, to: incubating, reason: entered}
)";

class ProjectFileProtocolsTest : public ::testing::Test {
 protected:
  // Imports `text` into a fresh database and returns its export.
  std::string RoundTrip(const std::string& text, const std::string& name) {
    auto store = ST_MUST(OpenStore(":memory:"));
    Planning planning(*store);
    auto imported = planning.Import({"a@example.org", At("2024-01-01")}, text, name);
    EXPECT_TRUE(imported) << imported.error().ToString();
    auto exported = planning.Export();
    EXPECT_TRUE(exported) << exported.error().ToString();
    return exported ? *exported : "";
  }
};

TEST_F(ProjectFileProtocolsTest, TheXenProtocolsExampleImportsAndRoundTripsByteForByte) {
  std::string text = ReadFileForTesting(SourcePath("examples/xen-pv-protocols.yaml"));
  ASSERT_FALSE(text.empty());
  std::string first = RoundTrip(text, "examples/xen-pv-protocols.yaml");
  ASSERT_NE(first.find("\nprotocols:\n  - name: blkif\n"), std::string::npos);
  EXPECT_EQ(RoundTrip(first, "first.yaml"), first);
}

TEST_F(ProjectFileProtocolsTest, AnApacheStyleProcessRoundTripsAndDrivesTheLifecycle) {
  std::string first = RoundTrip(kApacheStyle, "apache.yaml");
  EXPECT_NE(first.find("  proposal_window: 3d\n"), std::string::npos) << first;
  EXPECT_NE(first.find("      support: Supported\n"), std::string::npos) << first;
  EXPECT_EQ(first.find("lapse_warning"), std::string::npos) << "defaults are left out";
  EXPECT_EQ(RoundTrip(first, "first.yaml"), first);

  auto store = ST_MUST(OpenStore(":memory:"));
  Planning planning(*store);
  ASSERT_TRUE(planning.Import({"chair@example.org", At("2024-01-01")}, first, "first.yaml"));
  Lifecycle lifecycle(*store);
  ProtocolProcess process = ST_MUST(lifecycle.LoadProcess());
  EXPECT_EQ(process.proposal_window, TimeSpan::Hours(72));
  EXPECT_EQ(process.responsiveness_window, TimeSpan::Days(3));
  ASSERT_EQ(process.stages.size(), 2u);
  Proposal proposal = ST_MUST(lifecycle.Propose({"committer@example.org", At("2024-02-01")},
                                                "widget", "graduated", "", {}));
  EXPECT_EQ(EvaluateProposal(proposal, process, At("2024-02-03T23:59:59Z")).state,
            ProposalState::kOpen);
  EXPECT_EQ(EvaluateProposal(proposal, process, At("2024-02-04")).state, ProposalState::kPassed);
  auto accepted =
      lifecycle.Decide({"chair@example.org", At("2024-02-04")}, proposal.id, true, "voted", {});
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(ST_MUST(lifecycle.FindProtocol("widget")).stage, "graduated");
  // The accepted move is part of the export, and survives another round trip.
  std::string after = ST_MUST(planning.Export());
  EXPECT_NE(after.find("        to: graduated\n        proposal: "), std::string::npos) << after;
  EXPECT_EQ(RoundTrip(after, "after.yaml"), after);
}

TEST_F(ProjectFileProtocolsTest, ProtocolErrorsNameTheFileLineAndColumn) {
  std::string text = R"(protocols:
  - name: widget
    history:
      - {at: 2020-01-01, to: incubating}
)";
  auto unknown_stage = ParseProjectFile(text, "p.yaml");
  ASSERT_FALSE(unknown_stage);
  EXPECT_EQ(unknown_stage.error().context(), "p.yaml:4:30");
  EXPECT_NE(unknown_stage.error().message().find("design, prototype, production"),
            std::string::npos);
  auto misspelt = ParseProjectFile(
      "protocols:\n  - name: widget\n    sumary: x\n    history: [{at: 2020-01-01, to: design}]\n",
      "p.yaml");
  ASSERT_FALSE(misspelt);
  EXPECT_EQ(misspelt.error().context(), "p.yaml:3:5");
  auto twice = ParseProjectFile(
      "protocols:\n  - {name: a, history: [{at: 2020-01-01, to: design}]}\n"
      "  - {name: a, history: [{at: 2020-01-01, to: design}]}\n",
      "p.yaml");
  ASSERT_FALSE(twice);
  EXPECT_NE(twice.error().message().find("listed twice"), std::string::npos);
  auto bad_window = ParseProjectFile("process:\n  proposal_window: soon\n", "p.yaml");
  ASSERT_FALSE(bad_window);
  EXPECT_EQ(bad_window.error().context(), "p.yaml:2:20");
}

}  // namespace
}  // namespace stocktake
