// Issue 9, proposals: a proposer could object to their own proposal, and
// `proposal show` printed "resolved by" the objector at the time the
// objection was raised, without the answers and replies.

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "stocktake/process/lazy_consensus.h"
#include "stocktake/view/lifecycle.h"
#include "stocktake/view/text_printer.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

Proposal Opened() {
  Proposal proposal;
  proposal.id = 1;
  proposal.protocol = "pvcalls";
  proposal.from_stage = "design";
  proposal.to_stage = "prototype";
  proposal.proposer = "dev@example.org";
  proposal.opened_at = At("2026-11-01");
  return proposal;
}

ProposalAction Act(ProposalActionKind kind, const char* at, const char* by, const char* text,
                   std::int64_t objection = 0) {
  ProposalAction action;
  action.kind = kind;
  action.at = At(at);
  action.by = by;
  action.text = text;
  action.objection_id = objection;
  return action;
}

TEST(Issue9ProposalsTest, AProposerCannotObjectToTheirOwnProposal) {
  Protocol protocol = testing::Named("pvcalls", "design");
  Person proposer{"dev@example.org", "", {}, {Role::kMaintainer}};
  auto refused = RecordAction(
      Opened(),
      Act(ProposalActionKind::kObject, "2026-11-02", "dev@example.org", "the ring is wrong here"),
      protocol, XenProtocolProcess(), proposer);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsInvalidArgument());
  EXPECT_NE(refused.error().message().find("withdraw it"), std::string::npos);
}

TEST(Issue9ProposalsTest, ProposalShowPrintsTheConversationAndWhoResolved) {
  Proposal proposal = Opened();
  proposal.actions = {
      Act(ProposalActionKind::kObject, "2026-11-02", "reviewer@example.org",
          "the ring size is not negotiated", 1),
      Act(ProposalActionKind::kAnswer, "2026-11-03", "dev@example.org",
          "version 2 negotiates it in xenstore", 1),
      Act(ProposalActionKind::kReply, "2026-11-04", "reviewer@example.org",
          "the key name is still missing", 1),
      Act(ProposalActionKind::kResolveObjection, "2026-11-05", "czar@example.org",
          "key added in v3", 1),
  };
  std::ostringstream out;
  view::TextPrinter printer(out);
  printer.Print(view::ProposalState{proposal, XenProtocolProcess(), At("2026-11-06")});
  std::string text = out.str();
  EXPECT_NE(text.find("    1  resolved, raised by reviewer@example.org at 2026-11-02T00:00:00Z: "
                      "the ring size is not negotiated\n"
                      "        answer by dev@example.org at 2026-11-03T00:00:00Z: version 2 "
                      "negotiates it in xenstore\n"
                      "        reply by reviewer@example.org at 2026-11-04T00:00:00Z: the key "
                      "name is still missing\n"
                      "        resolve by czar@example.org at 2026-11-05T00:00:00Z: key added in "
                      "v3\n"),
            std::string::npos)
      << text;
}

TEST(Issue9ProposalsTest, NoNoNoIsNotASpecificTechnicalObjection) {
  Protocol protocol = testing::Named("pvcalls", "design");
  Person reviewer{"reviewer@example.org", "", {}, {Role::kMaintainer}};
  ProtocolProcess process = XenProtocolProcess();
  for (const char* vague : {"no no no", "no no no no no no", "I do not like"}) {
    auto refused = RecordAction(
        Opened(), Act(ProposalActionKind::kObject, "2026-11-02", reviewer.email.c_str(), vague),
        protocol, process, reviewer);
    ASSERT_FALSE(refused) << vague;
    EXPECT_NE(refused.error().message().find("at least 5 words"), std::string::npos)
        << refused.error().message();
  }
  EXPECT_TRUE(RecordAction(Opened(),
                           Act(ProposalActionKind::kObject, "2026-11-02", "reviewer@example.org",
                               "the ring size is not negotiated"),
                           protocol, process, reviewer));
  // The process sets the minimum.
  process.objection_min_words = 3;
  EXPECT_TRUE(RecordAction(
      Opened(),
      Act(ProposalActionKind::kObject, "2026-11-02", "reviewer@example.org", "I do not like"),
      protocol, process, reviewer));
}

TEST(Issue9ProposalsTest, TheCzarMayRuleAnObjectionOutOfOrderWithARationale) {
  Protocol protocol = testing::Named("pvcalls", "design");
  ProtocolProcess process = XenProtocolProcess();
  Person reviewer{"reviewer@example.org", "", {}, {Role::kMaintainer}};
  Person czar{"czar@example.org", "", {}, {Role::kCzar}};
  Proposal proposal =
      ST_MUST(RecordAction(Opened(),
                           Act(ProposalActionKind::kObject, "2026-11-02", "reviewer@example.org",
                               "I simply do not like this kind of protocol"),
                           protocol, process, reviewer));
  EXPECT_EQ(EvaluateProposal(proposal, process, At("2026-11-09")).state, ProposalState::kBlocked);
  auto not_czar = RecordAction(proposal,
                               Act(ProposalActionKind::kRuleOutOfOrder, "2026-11-03",
                                   "reviewer@example.org", "not technical", 1),
                               protocol, process, reviewer);
  ASSERT_FALSE(not_czar);
  auto no_rationale = RecordAction(
      proposal, Act(ProposalActionKind::kRuleOutOfOrder, "2026-11-03", "czar@example.org", " ", 1),
      protocol, process, czar);
  ASSERT_FALSE(no_rationale);
  proposal = ST_MUST(RecordAction(proposal,
                                  Act(ProposalActionKind::kRuleOutOfOrder, "2026-11-03",
                                      "czar@example.org", "a taste, not a technical problem", 1),
                                  protocol, process, czar));
  ProposalStatus status = EvaluateProposal(proposal, process, At("2026-11-09"));
  ASSERT_EQ(status.objections.size(), 1u);
  EXPECT_EQ(status.objections[0].state, ObjectionState::kOutOfOrder);
  EXPECT_EQ(ObjectionStateName(status.objections[0].state), "out-of-order");
  EXPECT_EQ(status.state, ProposalState::kPassed);
}

}  // namespace
}  // namespace stocktake
