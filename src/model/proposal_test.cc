#include "stocktake/model/proposal.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(ProposalTest, DecisionsEndTheProposal) {
  for (auto kind :
       {ProposalActionKind::kAccept, ProposalActionKind::kReject, ProposalActionKind::kWithdraw}) {
    EXPECT_TRUE(IsDecision(kind)) << ProposalActionKindName(kind);
    EXPECT_FALSE(TargetsObjection(kind)) << ProposalActionKindName(kind);
  }
  EXPECT_FALSE(IsDecision(ProposalActionKind::kObject));
  EXPECT_FALSE(IsDecision(ProposalActionKind::kWithdrawObjection));
}

TEST(ProposalTest, ResponsesTargetAnEarlierObjection) {
  for (auto kind : {ProposalActionKind::kAnswer, ProposalActionKind::kReply,
                    ProposalActionKind::kConfirmObjection, ProposalActionKind::kWithdrawObjection,
                    ProposalActionKind::kResolveObjection}) {
    EXPECT_TRUE(TargetsObjection(kind)) << ProposalActionKindName(kind);
    EXPECT_FALSE(IsDecision(kind)) << ProposalActionKindName(kind);
  }
  EXPECT_FALSE(TargetsObjection(ProposalActionKind::kObject));
}

TEST(ProposalTest, ReasonsAnswersRepliesAndRejectionsNeedText) {
  for (auto kind : {ProposalActionKind::kObject, ProposalActionKind::kAnswer,
                    ProposalActionKind::kReply, ProposalActionKind::kReject}) {
    EXPECT_TRUE(NeedsText(kind)) << ProposalActionKindName(kind);
  }
  for (auto kind : {ProposalActionKind::kConfirmObjection, ProposalActionKind::kWithdrawObjection,
                    ProposalActionKind::kResolveObjection, ProposalActionKind::kAccept,
                    ProposalActionKind::kWithdraw}) {
    EXPECT_FALSE(NeedsText(kind)) << ProposalActionKindName(kind);
  }
}

TEST(ProposalTest, NextObjectionIdFollowsTheHighest) {
  Proposal proposal;
  EXPECT_EQ(proposal.NextObjectionId(), 1);
  proposal.actions.push_back({ProposalActionKind::kObject, {}, "a@example.org", 4, "x y z", ""});
  proposal.actions.push_back({ProposalActionKind::kAnswer, {}, "b@example.org", 4, "ok", ""});
  EXPECT_EQ(proposal.NextObjectionId(), 5);
}

}  // namespace
}  // namespace stocktake
