#include "stocktake/view/text_printer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "tests/support/test_support.h"

namespace stocktake::view {
namespace {

using testing::At;

template <typename View>
std::string Printed(const View& view) {
  std::ostringstream out;
  TextPrinter printer(out);
  printer.Print(view);
  return out.str();
}

ImportDryRun SamplePlan() {
  ImportDryRun view;
  view.database = "st.db";
  view.plan.file = "old.yaml";
  ImportItem release{"release", "4.3", ImportAction::kChange, At("2013-01-21"), {}, {}};
  release.changes.push_back({"freeze", "2013-04-08", "2013-03-25", At("2013-03-01"), true});
  view.plan.items.push_back(release);
  view.plan.items.push_back(
      {"feature", "blktap3", ImportAction::kKeep, At("2013-01-21"), {}, {"a note"}});
  view.plan.conflicts.push_back({"release", "4.3", "freeze", "2013-04-08", At("2013-02-02"),
                                 "rm@example.org", "2013-03-25", At("2013-01-21")});
  view.plan.untouched.releases = 1;
  view.plan.events = 1;
  return view;
}

TEST(TextPrinterTest, AnImportPlanListsChangesConflictsAndTheVerdict) {
  ImportDryRun view = SamplePlan();
  EXPECT_EQ(Printed(view),
            "Plan of importing old.yaml into st.db (nothing written):\n"
            "  change  release 4.3 (as of 2013-01-21T00:00:00Z)\n"
            "            freeze: \"2013-04-08\" -> \"2013-03-25\" at 2013-03-01T00:00:00Z, "
            "overwriting a newer value\n"
            "  keep    feature blktap3 (as of 2013-01-21T00:00:00Z)\n"
            "            note: a note\n"
            "Not in the file, left as they are: 1 release(s), 0 feature(s), 0 people, 0 "
            "protocol(s), 0 proposal(s).\n"
            "1 conflict(s): values the database changed after the file's record of them:\n"
            "  release 4.3: freeze: the database has \"2013-04-08\" (2013-02-02T00:00:00Z, by "
            "rm@example.org), the file \"2013-03-25\" (as of 2013-01-21T00:00:00Z)\n"
            "The import would be refused: nothing would be written without --prefer file.\n");
  view.prefer_file = true;
  std::string preferred = Printed(view);
  EXPECT_NE(preferred.find("(--prefer file overwrites them):\n"), std::string::npos) << preferred;
  EXPECT_NE(preferred.find("\n1 event(s) would be recorded.\n"), std::string::npos) << preferred;
}

TEST(TextPrinterTest, ALongPlanValueIsCutShortOnOneLine) {
  ImportDryRun view;
  ImportItem item{"release", "4.3", ImportAction::kChange, At("2013-01-21"), {}, {}};
  item.changes.push_back(
      {"report_template", "", std::string(100, 'x') + "\nsecond line", At("2013-01-21"), false});
  view.plan.items.push_back(item);
  std::string text = Printed(view);
  EXPECT_NE(text.find("report_template: \"\" -> \"" + std::string(59, 'x') + "... at"),
            std::string::npos)
      << text;
}

TEST(TextPrinterTest, ReleaseShowCountsEveryStatusOfTheProcess) {
  ReleaseShow view;
  view.release.version = "4.3";
  view.as_of = At("2013-01-21");
  view.position.sentence = "We are four months in.";
  view.status_ids = {"finished", "on-track", "fair", "at-risk"};
  view.features_by_status = {{"fair", 2}};
  std::string text = Printed(view);
  EXPECT_NE(text.find("  as of 2013-01-21: We are four months in.\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  features: 0 finished 0 on-track 2 fair 0 at-risk\n"), std::string::npos)
      << text;
}

TEST(TextPrinterTest, EmptyListsSayHowToFillThem) {
  EXPECT_EQ(Printed(FeatureList{}), "No features match.\n");
  EXPECT_EQ(Printed(PersonList{}), "No people yet: add one with 'stocktake person add'.\n");
  EXPECT_EQ(Printed(ProposalList{}), "No proposals: open one with 'stocktake propose PROTOCOL'.\n");
}

TEST(TextPrinterTest, EventLogIsOneAlignedLinePerEvent) {
  Event event;
  event.at = At("2013-01-22");
  event.actor = "ian@example.org";
  event.kind = "feature.status";
  event.from = "fair";
  event.to = "at-risk";
  event.reason = "on leave";
  EXPECT_EQ(Printed(EventLog{{event}}),
            "2013-01-22T00:00:00Z  ian@example.org              feature.status    fair -> "
            "at-risk: on leave\n");
}

TEST(TextPrinterTest, FeatureShowListsEvidenceOnlyWhenLinked) {
  FeatureShow view;
  view.feature.slug = "blktap3";
  view.feature.title = "blktap3";
  view.feature.depends_on = {"pvh"};
  std::string text = Printed(view);
  EXPECT_NE(text.find("  depends on pvh\n"), std::string::npos) << text;
  EXPECT_EQ(text.find("evidence"), std::string::npos);
  view.evidence.links = 1;
  LinkedSeries series;
  series.name = "blktap3 support";
  series.version = 2;
  series.people = {{"acked-by", {"ian@example.org"}}};
  view.evidence.series.push_back(series);
  text = Printed(view);
  EXPECT_NE(text.find("  evidence   1 links, last activity unknown\n"), std::string::npos);
  EXPECT_NE(text.find("    series v2 blktap3 support; acked-by ian@example.org\n"),
            std::string::npos)
      << text;
}

Proposal SampleProposal() {
  Proposal proposal;
  proposal.id = 1;
  proposal.protocol = "pvcalls";
  proposal.from_stage = "design";
  proposal.to_stage = "prototype";
  proposal.proposer = "dev@example.org";
  proposal.opened_at = At("2026-11-01");
  ProposalAction objection;
  objection.kind = ProposalActionKind::kObject;
  objection.at = At("2026-11-02");
  objection.by = "reviewer@example.org";
  objection.objection_id = 1;
  objection.text = "the ring size is not negotiated";
  proposal.actions.push_back(objection);
  return proposal;
}

TEST(TextPrinterTest, ProposalPageShowsStateWindowAndObjections) {
  ProposalState view{SampleProposal(), XenProtocolProcess(), At("2026-11-03")};
  std::string text = Printed(view);
  EXPECT_EQ(text.rfind("Proposal 1: pvcalls ", 0), 0u) << text;
  EXPECT_NE(text.find("  state        blocked (as of 2026-11-03T00:00:00Z)\n"), std::string::npos)
      << text;
  EXPECT_NE(text.find("  proposer     dev@example.org\n"), std::string::npos);
  EXPECT_NE(text.find("    1  live, raised by reviewer@example.org at 2026-11-02T00:00:00Z: the "
                      "ring size is not negotiated\n"),
            std::string::npos)
      << text;
}

TEST(TextPrinterTest, ProposalWritesAddTheStateToTheirSentence) {
  ProposalState state{SampleProposal(), XenProtocolProcess(), At("2026-11-03")};
  EXPECT_EQ(Printed(Changed<ProposalState>{"Answered objection 1.", state}),
            "Answered objection 1. Proposal 1 is blocked.\n");
}

TEST(TextPrinterTest, WritesPrintTheirSentence) {
  EXPECT_EQ(Printed(Changed<ObjectionRaised>{"Raised objection 2 to proposal 1.", {2, 1}}),
            "Raised objection 2 to proposal 1.\n");
}

}  // namespace
}  // namespace stocktake::view
