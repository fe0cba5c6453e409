#include "stocktake/process/lazy_consensus.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Timestamp T(const char* text) { return ST_MUST(ParseTimestamp(text)); }

Person MakePerson(const char* email, std::vector<Role> roles = {Role::kContributor}) {
  Person person;
  person.email = email;
  person.roles = std::move(roles);
  return person;
}

class LazyConsensusTest : public ::testing::Test {
 protected:
  LazyConsensusTest()
      : process_(XenProtocolProcess()),
        alice_(MakePerson("alice@example.org")),
        bob_(MakePerson("bob@example.org")),
        carol_(MakePerson("carol@example.org")),
        czar_(MakePerson("czar@example.org", {Role::kCzar})) {
    protocol_.name = "pvcalls";
    protocol_.stage = "design";
    protocol_.design_doc = {"docs/misc/pvcalls.markdown", "1a0ab02e342c"};
    proposal_ = ST_MUST(OpenProposal(protocol_, process_, "alice@example.org",
                                     T("2017-03-01T12:00:00Z"), "<pvcalls@example.org>"));
    proposal_.id = 1;
  }

  // Records an action, failing the test when it is refused.
  void Act(const Person& actor, ProposalActionKind kind, const char* at, std::string text = {},
           std::int64_t objection_id = 0) {
    auto recorded =
        RecordAction(proposal_, {kind, T(at), actor.email, objection_id, std::move(text), {}},
                     protocol_, process_, actor);
    ASSERT_TRUE(recorded) << recorded.error().ToString();
    proposal_ = *recorded;
  }

  Result<Proposal> Try(const Person& actor, ProposalActionKind kind, const char* at,
                       std::string text = {}, std::int64_t objection_id = 0) {
    return RecordAction(proposal_, {kind, T(at), actor.email, objection_id, std::move(text), {}},
                        protocol_, process_, actor);
  }

  ProposalState StateAt(const char* now) {
    return EvaluateProposal(proposal_, process_, T(now)).state;
  }
  ObjectionState ObjectionAt(const char* now, size_t index = 0) {
    return EvaluateProposal(proposal_, process_, T(now)).objections.at(index).state;
  }

  static constexpr char kReason[] = "the ring layout breaks on 32-bit guests";

  ProtocolProcess process_;
  Person alice_, bob_, carol_, czar_;
  Protocol protocol_;
  Proposal proposal_;
};

TEST_F(LazyConsensusTest, OpensToTheNextStageWithTheDefaultWindow) {
  EXPECT_EQ(proposal_.from_stage, "design");
  EXPECT_EQ(proposal_.to_stage, "prototype");
  ProposalStatus status = EvaluateProposal(proposal_, process_, T("2017-03-02"));
  EXPECT_EQ(status.state, ProposalState::kOpen);
  EXPECT_EQ(status.window_ends, T("2017-03-08T12:00:00Z"));
  EXPECT_EQ(status.next_change, T("2017-03-08T12:00:00Z"));
  protocol_.stage = "production";
  auto last = OpenProposal(protocol_, process_, "alice@example.org", T("2017-03-01"), "");
  ASSERT_FALSE(last);
  EXPECT_NE(last.error().message().find("last stage"), std::string::npos);
}

TEST_F(LazyConsensusTest, WindowEndsExactlyAtOpenedPlusWindow) {
  EXPECT_EQ(StateAt("2017-03-08T11:59:59Z"), ProposalState::kOpen);
  EXPECT_EQ(StateAt("2017-03-08T12:00:00Z"), ProposalState::kPassed);
  ProposalStatus status = EvaluateProposal(proposal_, process_, T("2017-03-20"));
  EXPECT_EQ(status.passed_at, T("2017-03-08T12:00:00Z"));
  EXPECT_FALSE(status.next_change);
}

TEST_F(LazyConsensusTest, ObjectionWithoutSpecificReasonIsRefused) {
  auto empty = Try(bob_, ProposalActionKind::kObject, "2017-03-02", "   ");
  ASSERT_FALSE(empty);
  EXPECT_TRUE(empty.error().IsInvalidArgument());
  EXPECT_NE(empty.error().message().find("specific technical"), std::string::npos);
  auto vague = Try(bob_, ProposalActionKind::kObject, "2017-03-02", "I object");
  ASSERT_FALSE(vague);
  EXPECT_NE(vague.error().message().find("not a specific technical objection"), std::string::npos);
}

TEST_F(LazyConsensusTest, ObjectionBlocksFromTheInstantItIsRaised) {
  Act(bob_, ProposalActionKind::kObject, "2017-03-03T08:00:00Z", kReason);
  EXPECT_EQ(proposal_.actions[0].objection_id, 1);
  EXPECT_EQ(StateAt("2017-03-03T07:59:59Z"), ProposalState::kOpen);
  EXPECT_EQ(StateAt("2017-03-03T08:00:00Z"), ProposalState::kBlocked);
  EXPECT_EQ(ObjectionAt("2017-03-03T08:00:00Z"), ObjectionState::kLive);
  // A live objection blocks after the window too, for ever.
  EXPECT_EQ(StateAt("2018-01-01"), ProposalState::kBlocked);
  ProposalStatus status = EvaluateProposal(proposal_, process_, T("2018-01-01"));
  EXPECT_FALSE(status.next_change);
}

TEST_F(LazyConsensusTest, AnsweredObjectionLapsesExactlyAtTheEndOfTheResponsivenessWindow) {
  Act(bob_, ProposalActionKind::kObject, "2017-03-03T08:00:00Z", kReason);
  Act(carol_, ProposalActionKind::kAnswer, "2017-03-04T10:00:00Z", "v2 uses fixed-size fields", 1);
  Act(carol_, ProposalActionKind::kAnswer, "2017-03-05T10:00:00Z", "see also patch 3", 1);
  ProposalStatus status = EvaluateProposal(proposal_, process_, T("2017-03-06"));
  EXPECT_EQ(status.state, ProposalState::kBlocked);
  EXPECT_EQ(status.objections[0].state, ObjectionState::kAnswered);
  // The first unanswered answer starts the clock; the second does not restart it.
  EXPECT_EQ(status.objections[0].lapses_at, T("2017-03-11T10:00:00Z"));
  EXPECT_EQ(status.next_change, T("2017-03-11T10:00:00Z"));
  EXPECT_EQ(ObjectionAt("2017-03-11T09:59:59Z"), ObjectionState::kAnswered);
  EXPECT_EQ(StateAt("2017-03-11T09:59:59Z"), ProposalState::kBlocked);
  EXPECT_EQ(ObjectionAt("2017-03-11T10:00:00Z"), ObjectionState::kLapsed);
  EXPECT_EQ(StateAt("2017-03-11T10:00:00Z"), ProposalState::kPassed);
  EXPECT_EQ(EvaluateProposal(proposal_, process_, T("2017-03-12")).passed_at,
            T("2017-03-11T10:00:00Z"));
  // The objector's reply one second before the lapse keeps it live; at the lapse it is refused.
  EXPECT_TRUE(Try(bob_, ProposalActionKind::kReply, "2017-03-11T09:59:59Z", "still broken", 1));
  auto late = Try(bob_, ProposalActionKind::kReply, "2017-03-11T10:00:00Z", "still broken", 1);
  ASSERT_FALSE(late);
  EXPECT_NE(late.error().message().find("already lapsed at 2017-03-11T10:00:00Z"),
            std::string::npos)
      << late.error().message();
}

TEST_F(LazyConsensusTest, ResponseStopsTheClockAndANewAnswerRestartsIt) {
  Act(bob_, ProposalActionKind::kObject, "2017-03-03T08:00:00Z", kReason);
  Act(carol_, ProposalActionKind::kAnswer, "2017-03-04T10:00:00Z", "fixed in v2", 1);
  Act(bob_, ProposalActionKind::kConfirmObjection, "2017-03-05T10:00:00Z", "", 1);
  EXPECT_EQ(ObjectionAt("2017-03-20"), ObjectionState::kLive);
  Act(carol_, ProposalActionKind::kAnswer, "2017-03-21T00:00:00Z", "v3 adds padding", 1);
  EXPECT_EQ(ObjectionAt("2017-03-27T23:59:59Z"), ObjectionState::kAnswered);
  EXPECT_EQ(ObjectionAt("2017-03-28T00:00:00Z"), ObjectionState::kLapsed);
  auto self_answer = Try(bob_, ProposalActionKind::kAnswer, "2017-03-22", "my own answer", 1);
  ASSERT_FALSE(self_answer);
  EXPECT_NE(self_answer.error().message().find("instead of answering"), std::string::npos);
}

TEST_F(LazyConsensusTest, LateObjectionBlocksAPassedProposal) {
  EXPECT_EQ(StateAt("2017-03-09"), ProposalState::kPassed);
  Act(bob_, ProposalActionKind::kObject, "2017-03-10T00:00:00Z", kReason);
  EXPECT_EQ(StateAt("2017-03-09T23:59:59Z"), ProposalState::kPassed);
  EXPECT_EQ(StateAt("2017-03-10T00:00:00Z"), ProposalState::kBlocked);
  auto accept = Try(czar_, ProposalActionKind::kAccept, "2017-03-11");
  ASSERT_FALSE(accept);
  EXPECT_NE(accept.error().message().find("blocked by #1 by bob@example.org (live)"),
            std::string::npos)
      << accept.error().message();
}

TEST_F(LazyConsensusTest, WithdrawnObjectionStopsBlockingAndOnlyTheObjectorMayWithdrawIt) {
  Act(bob_, ProposalActionKind::kObject, "2017-03-03T08:00:00Z", kReason);
  auto other = Try(carol_, ProposalActionKind::kWithdrawObjection, "2017-03-04", "", 1);
  ASSERT_FALSE(other);
  EXPECT_TRUE(other.error().IsPermissionDenied());
  Act(bob_, ProposalActionKind::kWithdrawObjection, "2017-03-10T00:00:00Z", "", 1);
  EXPECT_EQ(StateAt("2017-03-09T23:59:59Z"), ProposalState::kBlocked);
  EXPECT_EQ(ObjectionAt("2017-03-10T00:00:00Z"), ObjectionState::kWithdrawn);
  EXPECT_EQ(StateAt("2017-03-10T00:00:00Z"), ProposalState::kPassed);
  EXPECT_EQ(EvaluateProposal(proposal_, process_, T("2017-03-11")).passed_at,
            T("2017-03-10T00:00:00Z"));
  auto again = Try(carol_, ProposalActionKind::kAnswer, "2017-03-11", "answer", 1);
  ASSERT_FALSE(again);
  EXPECT_NE(again.error().message().find("already withdrawn"), std::string::npos);
}

TEST_F(LazyConsensusTest, OnlyTheCzarMayResolveAnObjection) {
  Act(bob_, ProposalActionKind::kObject, "2017-03-03T08:00:00Z", kReason);
  auto by_alice = Try(alice_, ProposalActionKind::kResolveObjection, "2017-03-04", "", 1);
  ASSERT_FALSE(by_alice);
  EXPECT_TRUE(by_alice.error().IsPermissionDenied());
  EXPECT_NE(by_alice.error().message().find("czar role"), std::string::npos);
  Act(czar_, ProposalActionKind::kResolveObjection, "2017-03-04T00:00:00Z", "fixed in v2", 1);
  EXPECT_EQ(ObjectionAt("2017-03-04T00:00:00Z"), ObjectionState::kResolved);
  EXPECT_EQ(StateAt("2017-03-05"), ProposalState::kOpen);
  EXPECT_EQ(StateAt("2017-03-08T12:00:00Z"), ProposalState::kPassed);
  auto unknown = Try(carol_, ProposalActionKind::kAnswer, "2017-03-05", "answer", 7);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().IsNotFound());
}

TEST_F(LazyConsensusTest, AcceptanceNeedsTheCzarAPassedProposalAndMovesTheStage) {
  auto early = Try(czar_, ProposalActionKind::kAccept, "2017-03-08T11:59:59Z");
  ASSERT_FALSE(early);
  EXPECT_NE(early.error().message().find("still open: its window ends at 2017-03-08T12:00:00Z"),
            std::string::npos);
  auto not_czar = Try(alice_, ProposalActionKind::kAccept, "2017-03-09");
  ASSERT_FALSE(not_czar);
  EXPECT_TRUE(not_czar.error().IsPermissionDenied());
  auto impostor = RecordAction(
      proposal_, {ProposalActionKind::kAccept, T("2017-03-09"), "czar@example.org", 0, "", {}},
      protocol_, process_, alice_);
  ASSERT_FALSE(impostor);
  EXPECT_TRUE(impostor.error().IsPermissionDenied());

  Act(czar_, ProposalActionKind::kAccept, "2017-03-09T00:00:00Z", "design agreed on xen-devel");
  ProposalStatus status = EvaluateProposal(proposal_, process_, T("2017-03-10"));
  EXPECT_EQ(status.state, ProposalState::kAccepted);
  EXPECT_EQ(status.passed_at, T("2017-03-08T12:00:00Z"));
  EXPECT_EQ(status.decision->by, "czar@example.org");
  EXPECT_EQ(StateAt("2017-03-08T23:59:59Z"), ProposalState::kPassed);

  Protocol moved = ST_MUST(ApplyAcceptance(protocol_, proposal_));
  EXPECT_EQ(moved.stage, "prototype");
  ASSERT_EQ(moved.history.size(), 1u);
  EXPECT_EQ(moved.history[0].from, "design");
  EXPECT_EQ(moved.history[0].to, "prototype");
  EXPECT_EQ(moved.history[0].proposal_id, 1);
  EXPECT_EQ(moved.history[0].by, "czar@example.org");
  EXPECT_EQ(moved.history[0].reason, "design agreed on xen-devel");
  EXPECT_FALSE(ApplyAcceptance(moved, proposal_));

  auto after = Try(bob_, ProposalActionKind::kObject, "2017-03-10", kReason);
  ASSERT_FALSE(after);
  EXPECT_NE(after.error().message().find("already accepted"), std::string::npos);
}

TEST_F(LazyConsensusTest, AcceptanceIsRefusedWhileCriteriaAreUnmetUnlessWaived) {
  protocol_.design_doc.commit.clear();
  auto refused = Try(czar_, ProposalActionKind::kAccept, "2017-03-09");
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("criteria unmet and not waived: design-committed"),
            std::string::npos)
      << refused.error().message();
  protocol_ = ST_MUST(WaiveCriterion(protocol_, process_, "prototype", "design-committed",
                                     "czar@example.org", T("2017-03-09"),
                                     "the document is in the Linux tree"));
  EXPECT_TRUE(Try(czar_, ProposalActionKind::kAccept, "2017-03-09"));
}

TEST_F(LazyConsensusTest, RejectionNeedsTheCzarAndARationaleAndMayComeAnyTime) {
  Act(bob_, ProposalActionKind::kObject, "2017-03-03T08:00:00Z", kReason);
  EXPECT_FALSE(Try(czar_, ProposalActionKind::kReject, "2017-03-04", ""));
  EXPECT_TRUE(
      Try(carol_, ProposalActionKind::kReject, "2017-03-04", "no").error().IsPermissionDenied());
  Act(czar_, ProposalActionKind::kReject, "2017-03-04T00:00:00Z", "redesign the ring first");
  EXPECT_EQ(StateAt("2017-03-03T23:59:59Z"), ProposalState::kBlocked);
  EXPECT_EQ(StateAt("2017-03-04T00:00:00Z"), ProposalState::kRejected);
  EXPECT_FALSE(ApplyAcceptance(protocol_, proposal_));
}

TEST_F(LazyConsensusTest, OnlyTheProposerMayWithdrawTheProposal) {
  EXPECT_TRUE(Try(bob_, ProposalActionKind::kWithdraw, "2017-03-02").error().IsPermissionDenied());
  Act(alice_, ProposalActionKind::kWithdraw, "2017-03-02T00:00:00Z");
  EXPECT_EQ(StateAt("2017-03-01T23:59:59Z"), ProposalState::kOpen);
  EXPECT_EQ(StateAt("2017-03-02T00:00:00Z"), ProposalState::kWithdrawn);
  EXPECT_EQ(StateAt("2017-04-01"), ProposalState::kWithdrawn);
}

TEST_F(LazyConsensusTest, ActionsMustBeInTimeOrderAndAfterOpening) {
  EXPECT_FALSE(Try(bob_, ProposalActionKind::kObject, "2017-02-28", kReason));
  Act(bob_, ProposalActionKind::kObject, "2017-03-05", kReason);
  auto earlier = Try(carol_, ProposalActionKind::kObject, "2017-03-04", kReason);
  ASSERT_FALSE(earlier);
  EXPECT_NE(earlier.error().message().find("time order"), std::string::npos);
}

TEST_F(LazyConsensusTest, AsfStyleSeventyTwoHourProcessIsExpressibleInConfig) {
  process_.proposal_window = ST_MUST(ParseTimeSpan("72h"));
  process_.responsiveness_window = ST_MUST(ParseTimeSpan("72h"));
  proposal_ = ST_MUST(OpenProposal(protocol_, process_, "alice@example.org",
                                   T("2017-03-01T12:00:00Z"), "<vote@apache.example>"));
  EXPECT_EQ(StateAt("2017-03-04T11:59:59Z"), ProposalState::kOpen);
  EXPECT_EQ(StateAt("2017-03-04T12:00:00Z"), ProposalState::kPassed);
  Act(bob_, ProposalActionKind::kObject, "2017-03-02T00:00:00Z", kReason);
  Act(carol_, ProposalActionKind::kAnswer, "2017-03-02T06:00:00Z", "fixed", 1);
  EXPECT_EQ(StateAt("2017-03-05T05:59:59Z"), ProposalState::kBlocked);
  EXPECT_EQ(StateAt("2017-03-05T06:00:00Z"), ProposalState::kPassed);
}

TEST_F(LazyConsensusTest, PerProposalWindowOverridesTheProcess) {
  proposal_ = ST_MUST(OpenProposal(protocol_, process_, "alice@example.org",
                                   T("2017-03-01T12:00:00Z"), "", TimeSpan::Days(14)));
  EXPECT_EQ(StateAt("2017-03-15T11:59:59Z"), ProposalState::kOpen);
  EXPECT_EQ(StateAt("2017-03-15T12:00:00Z"), ProposalState::kPassed);
  EXPECT_FALSE(
      OpenProposal(protocol_, process_, "alice@example.org", T("2017-03-01"), "", TimeSpan{}));
}

TEST_F(LazyConsensusTest, NamesStates) {
  EXPECT_EQ(ProposalStateName(ProposalState::kPassed), "passed");
  EXPECT_EQ(ObjectionStateName(ObjectionState::kAnswered), "answered");
  EXPECT_EQ(ProposalActionKindName(ProposalActionKind::kWithdrawObjection), "withdraw-objection");
  EXPECT_EQ(ParseProposalActionKind("resolve"), ProposalActionKind::kResolveObjection);
  EXPECT_FALSE(ParseProposalActionKind("veto"));
}

}  // namespace
}  // namespace stocktake
