#include "stocktake/service/lifecycle.h"

#include <gtest/gtest.h>

#include "stocktake/storage/open_store.h"
#include "stocktake/view/lifecycle_json.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::Named;

constexpr char kCzar[] = "czar@example.org";
constexpr char kDeveloper[] = "dev@example.org";
constexpr char kReviewer[] = "reviewer@example.org";
constexpr char kMaintainer[] = "maintainer@example.org";
constexpr char kReason[] = "the ring layout is described with C structs";

class LifecycleTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    planning_ = std::make_unique<Planning>(*store_);
    lifecycle_ = std::make_unique<Lifecycle>(*store_);
    // The Czar initialises the database, so is its admin too.
    ASSERT_TRUE(planning_->Init({kCzar, At("2017-01-01")}, Project{"Xen", "", {}, XenProcess()}));
    ASSERT_TRUE(planning_->SavePerson({kCzar, At("2017-01-01")},
                                      Person{kCzar, "The Czar", {}, {Role::kAdmin, Role::kCzar}}));
    for (const char* person : {kDeveloper, kReviewer}) {
      ASSERT_TRUE(planning_->SavePerson({kCzar, At("2017-01-01")},
                                        Person{person, "", {}, {Role::kContributor}}));
    }
    ASSERT_TRUE(planning_->SavePerson({kCzar, At("2017-01-01")},
                                      Person{kMaintainer, "", {}, {Role::kMaintainer}}));
    // The developer adds pvcalls without owners, so owns it.
    ASSERT_TRUE(
        lifecycle_->AddProtocol({kDeveloper, At("2017-01-02")}, Named("pvcalls", "", "PV Calls")));
  }

  Context As(const char* who, const char* when) {
    Context context;
    context.actor = who;
    context.now = At(when);
    return context;
  }

  // Opens a proposal to move pvcalls on, at 2017-02-01 with the 7-day window.
  std::int64_t Propose() {
    auto proposal =
        lifecycle_->Propose(As(kDeveloper, "2017-02-01"), "pvcalls", "", "<t@x>", std::nullopt);
    EXPECT_TRUE(proposal) << proposal.error().ToString();
    return proposal ? proposal->id : 0;
  }

  void RecordDesign() {
    ProtocolUpdate update;
    update.design_path = "docs/misc/pvcalls.pandoc";
    update.design_commit = "1a0ab02e342c";
    ASSERT_TRUE(lifecycle_->UpdateProtocol(As(kDeveloper, "2017-01-20"), "pvcalls", update));
  }

  ProposalStatus StatusAt(std::int64_t id, const char* when) {
    Proposal proposal = ST_MUST(lifecycle_->FindProposal(id));
    return EvaluateProposal(proposal, XenProtocolProcess(), At(when));
  }

  // Everything the database holds that the lifecycle can change.
  std::string Snapshot() {
    nlohmann::json json;
    json["export"] = ST_MUST(planning_->Export());
    for (const auto& protocol : ST_MUST(store_->ListProtocols())) {
      json["protocols"].push_back(
          ProtocolJson(protocol, XenProtocolProcess(), {}, At("2030-01-01")));
    }
    for (const auto& proposal : ST_MUST(store_->ListProposals({}))) {
      json["proposals"].push_back(ProposalJson(proposal, XenProtocolProcess(), At("2030-01-01")));
    }
    json["events"] = ST_MUST(store_->ListEvents({})).size();
    return json.dump(1);
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Planning> planning_;
  std::unique_ptr<Lifecycle> lifecycle_;
};

TEST_F(LifecycleTest, ObjectionWithoutAReasonIsRefused) {
  std::int64_t id = Propose();
  auto blank = lifecycle_->Object(As(kReviewer, "2017-02-02"), id, "  ");
  ASSERT_FALSE(blank);
  EXPECT_TRUE(blank.error().IsInvalidArgument());
  EXPECT_NE(blank.error().message().find("needs a reason"), std::string::npos);
  auto vague = lifecycle_->Object(As(kReviewer, "2017-02-02"), id, "nack");
  ASSERT_FALSE(vague);
  EXPECT_NE(vague.error().message().find("specific technical"), std::string::npos);
  EXPECT_EQ(StatusAt(id, "2017-02-03").state, ProposalState::kOpen);
}

TEST_F(LifecycleTest, OnlyTheCzarMayDecide) {
  RecordDesign();
  std::int64_t id = Propose();
  auto decided = lifecycle_->Decide(As(kDeveloper, "2017-02-09"), id, true, "fine", {});
  ASSERT_FALSE(decided);
  EXPECT_TRUE(decided.error().IsPermissionDenied());
  EXPECT_NE(decided.error().message().find("czar role"), std::string::npos);
  EXPECT_NE(decided.error().message().find("person add"), std::string::npos);
}

TEST_F(LifecycleTest, WindowEndsAtItsExactInstant) {
  std::int64_t id = Propose();
  EXPECT_EQ(StatusAt(id, "2017-02-07T23:59:59Z").state, ProposalState::kOpen);
  ProposalStatus ended = StatusAt(id, "2017-02-08T00:00:00Z");
  EXPECT_EQ(ended.state, ProposalState::kPassed);
  EXPECT_EQ(ended.window_ends, At("2017-02-08"));
}

TEST_F(LifecycleTest, AnsweredObjectionLapsesExactlyAtTheEndOfTheResponsivenessWindow) {
  std::int64_t id = Propose();
  std::int64_t objection = ST_MUST(lifecycle_->Object(As(kReviewer, "2017-02-02"), id, kReason));
  ASSERT_TRUE(lifecycle_->Answer(As(kDeveloper, "2017-02-03T12:00:00Z"), objection,
                                 "version 2 of the document describes the bytes"));
  ProposalStatus before = StatusAt(id, "2017-02-10T11:59:59Z");
  EXPECT_EQ(before.state, ProposalState::kBlocked);
  ASSERT_EQ(before.objections.size(), 1u);
  EXPECT_EQ(before.objections[0].state, ObjectionState::kAnswered);
  ProposalStatus at = StatusAt(id, "2017-02-10T12:00:00Z");
  EXPECT_EQ(at.objections[0].state, ObjectionState::kLapsed);
  EXPECT_EQ(at.state, ProposalState::kPassed);
  EXPECT_EQ(*at.passed_at, At("2017-02-10T12:00:00Z"));
}

TEST_F(LifecycleTest, ReplyKeepsAnAnsweredObjectionLive) {
  std::int64_t id = Propose();
  std::int64_t objection = ST_MUST(lifecycle_->Object(As(kReviewer, "2017-02-02"), id, kReason));
  ASSERT_TRUE(lifecycle_->Answer(As(kDeveloper, "2017-02-03"), objection, "see version 2"));
  ASSERT_TRUE(
      lifecycle_->Reply(As(kReviewer, "2017-02-05"), objection, "version 2 still has them"));
  EXPECT_EQ(StatusAt(id, "2017-03-01").objections[0].state, ObjectionState::kLive);
  auto by_other = lifecycle_->Reply(As(kDeveloper, "2017-03-02"), objection, "me too");
  ASSERT_FALSE(by_other);
  EXPECT_TRUE(by_other.error().IsPermissionDenied());
}

TEST_F(LifecycleTest, LateObjectionBlocksAPassedProposal) {
  RecordDesign();
  std::int64_t id = Propose();
  EXPECT_EQ(StatusAt(id, "2017-02-09").state, ProposalState::kPassed);
  ST_MUST(lifecycle_->Object(As(kReviewer, "2017-02-10"), id, kReason));
  EXPECT_EQ(StatusAt(id, "2017-02-10").state, ProposalState::kBlocked);
  // Before the objection it had passed, and still reads so with --now then.
  EXPECT_EQ(StatusAt(id, "2017-02-09T23:59:59Z").state, ProposalState::kPassed);
  auto accepted = lifecycle_->Decide(As(kCzar, "2017-02-11"), id, true, "fine", {});
  ASSERT_FALSE(accepted);
  EXPECT_NE(accepted.error().message().find("blocked"), std::string::npos);
}

TEST_F(LifecycleTest, AcceptMovesTheStageAndWritesHistory) {
  RecordDesign();
  std::int64_t id = Propose();
  auto accepted = lifecycle_->Decide(As(kCzar, "2017-02-09"), id, true, "design agreed", {});
  ASSERT_TRUE(accepted) << accepted.error().ToString();
  EXPECT_EQ(StatusAt(id, "2017-02-09").state, ProposalState::kAccepted);
  Protocol protocol = ST_MUST(lifecycle_->FindProtocol("pvcalls"));
  EXPECT_EQ(protocol.stage, "prototype");
  ASSERT_EQ(protocol.history.size(), 2u);
  EXPECT_EQ(protocol.history[1].from, "design");
  EXPECT_EQ(protocol.history[1].to, "prototype");
  EXPECT_EQ(protocol.history[1].proposal_id, id);
  EXPECT_EQ(protocol.history[1].by, kCzar);
  EXPECT_EQ(protocol.history[1].at, At("2017-02-09"));
  auto events = ST_MUST(lifecycle_->ProtocolHistory("pvcalls"));
  EXPECT_EQ(events.back().kind, event_kind::kProtocolStage);
  EXPECT_EQ(events.back().to, "prototype");
  // A decided proposal takes no further action.
  EXPECT_FALSE(lifecycle_->Object(As(kReviewer, "2017-02-10"), id, kReason));
}

TEST_F(LifecycleTest, UnmetCriteriaAreRefusedUnlessWaived) {
  std::int64_t id = Propose();
  auto refused = lifecycle_->Decide(As(kCzar, "2017-02-09"), id, true, "agreed", {});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsInvalidArgument());
  EXPECT_NE(refused.error().message().find("design-committed"), std::string::npos);
  EXPECT_NE(refused.error().message().find("--waive"), std::string::npos);
  EXPECT_EQ(ST_MUST(lifecycle_->FindProtocol("pvcalls")).stage, "design");

  auto waived =
      lifecycle_->Decide(As(kCzar, "2017-02-09"), id, true,
                         "the design is in the wiki, agreed on the list", {"design-committed"});
  ASSERT_TRUE(waived) << waived.error().ToString();
  Protocol protocol = ST_MUST(lifecycle_->FindProtocol("pvcalls"));
  EXPECT_EQ(protocol.stage, "prototype");
  ASSERT_EQ(protocol.waivers.size(), 1u);
  EXPECT_EQ(protocol.waivers[0].criterion, "design-committed");
  EXPECT_EQ(protocol.waivers[0].by, kCzar);
}

TEST_F(LifecycleTest, RefusedActionsLeaveTheDatabaseUntouched) {
  std::int64_t id = Propose();
  std::int64_t objection = ST_MUST(lifecycle_->Object(As(kReviewer, "2017-02-02"), id, kReason));
  std::string before = Snapshot();
  EXPECT_FALSE(lifecycle_->Object(As(kReviewer, "2017-02-03"), id, ""));
  EXPECT_FALSE(lifecycle_->Object(As(kReviewer, "2017-02-03"), 999, kReason));
  EXPECT_FALSE(lifecycle_->Answer(As(kReviewer, "2017-02-03"), objection, "my own answer"));
  EXPECT_FALSE(lifecycle_->Withdraw(As(kDeveloper, "2017-02-03"), objection));
  EXPECT_FALSE(lifecycle_->Withdraw(As(kReviewer, "2017-02-03"), id));
  EXPECT_FALSE(lifecycle_->Resolve(As(kDeveloper, "2017-02-03"), objection, "no"));
  EXPECT_FALSE(lifecycle_->Decide(As(kDeveloper, "2017-02-20"), id, true, "ok", {"all"}));
  EXPECT_FALSE(lifecycle_->Decide(As(kCzar, "2017-02-20"), id, true, "ok", {"all"}));
  EXPECT_FALSE(lifecycle_->Decide(As(kCzar, "2017-02-20"), id, true, "ok", {"no-such"}));
  EXPECT_FALSE(lifecycle_->Decide(As(kCzar, "2017-02-20"), id, false, "", {}));
  EXPECT_FALSE(lifecycle_->Propose(As(kDeveloper, "2017-02-03"), "pvcalls", "", "", std::nullopt));
  EXPECT_FALSE(lifecycle_->Propose(As(kDeveloper, "2017-02-03"), "nosuch", "", "", std::nullopt));
  EXPECT_FALSE(lifecycle_->AddProtocol(As(kDeveloper, "2017-02-03"), Named("pvcalls")));
  EXPECT_EQ(Snapshot(), before);
}

TEST_F(LifecycleTest, ProposalsAndObjectionsShareOneNumberSequence) {
  std::int64_t id = Propose();
  std::int64_t first = ST_MUST(lifecycle_->Object(As(kReviewer, "2017-02-02"), id, kReason));
  std::int64_t second = ST_MUST(lifecycle_->Object(As(kMaintainer, "2017-02-02"), id,
                                                   "the xenstore handshake is "
                                                   "missing"));
  EXPECT_EQ(first, id + 1);
  EXPECT_EQ(second, id + 2);
  Withdrawal objection = ST_MUST(lifecycle_->Withdraw(As(kReviewer, "2017-02-03"), first));
  EXPECT_TRUE(objection.objection);
  Withdrawal proposal = ST_MUST(lifecycle_->Withdraw(As(kDeveloper, "2017-02-04"), id));
  EXPECT_FALSE(proposal.objection);
  EXPECT_EQ(StatusAt(id, "2017-02-04").state, ProposalState::kWithdrawn);
  auto unknown = lifecycle_->Withdraw(As(kDeveloper, "2017-02-04"), 99);
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().IsNotFound());
}

TEST_F(LifecycleTest, CheckFlagsAPassedProposalWaitingForTheCzar) {
  std::int64_t id = Propose();
  EXPECT_TRUE(ST_MUST(lifecycle_->Check(At("2017-02-15"))).empty());
  auto alerts = ST_MUST(lifecycle_->Check(At("2017-02-15T00:00:01Z")));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule, lifecycle_rule::kAwaitingCzar);
  EXPECT_EQ(alerts[0].subject, "proposal " + std::to_string(id));
}

TEST_F(LifecycleTest, ImplementationsAreMergedByCodeBaseAndRole) {
  Implementation posted{"Linux",
                        ImplementationRole::kFrontend,
                        ImplementationState::kPosted,
                        {"<series@example.org>"}};
  ASSERT_TRUE(lifecycle_->SetImplementation(As(kDeveloper, "2017-03-01"), "pvcalls", posted));
  Implementation committed{"linux",
                           ImplementationRole::kFrontend,
                           ImplementationState::kCommitted,
                           {"linux.git 3f5f5a4b"}};
  Protocol protocol =
      ST_MUST(lifecycle_->SetImplementation(As(kDeveloper, "2017-04-01"), "pvcalls", committed));
  ASSERT_EQ(protocol.implementations.size(), 1u);
  EXPECT_EQ(protocol.implementations[0].state, ImplementationState::kCommitted);
  EXPECT_EQ(protocol.implementations[0].refs.size(), 2u);
  Implementation bare{"QEMU", ImplementationRole::kBackend, ImplementationState::kCommitted, {}};
  EXPECT_FALSE(lifecycle_->SetImplementation(As(kDeveloper, "2017-04-01"), "pvcalls", bare));
}

TEST_F(LifecycleTest, OnlyTheCzarMayWaiveACriterionOutsideADecision) {
  std::string before = Snapshot();
  auto by_developer = lifecycle_->Waive(As(kDeveloper, "2017-02-01"), "pvcalls", "design-committed",
                                        "agreed on the list");
  ASSERT_FALSE(by_developer);
  EXPECT_TRUE(by_developer.error().IsPermissionDenied());
  EXPECT_NE(by_developer.error().message().find("czar role"), std::string::npos);
  EXPECT_NE(by_developer.error().message().find("--role czar"), std::string::npos);
  auto no_reason = lifecycle_->Waive(As(kCzar, "2017-02-01"), "pvcalls", "design-committed", " ");
  ASSERT_FALSE(no_reason);
  EXPECT_TRUE(no_reason.error().IsInvalidArgument());
  EXPECT_NE(no_reason.error().message().find("--reason"), std::string::npos);
  auto unknown = lifecycle_->Waive(As(kCzar, "2017-02-01"), "pvcalls", "no-such", "because");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().IsNotFound());
  EXPECT_NE(unknown.error().message().find("design-committed"), std::string::npos);
  EXPECT_FALSE(lifecycle_->Waive(As(kCzar, "2017-02-01"), "nosuch", "design-committed", "x"));
  EXPECT_EQ(Snapshot(), before);

  Protocol waived = ST_MUST(lifecycle_->Waive(As(kCzar, "2017-02-01"), "pvcalls",
                                              "design-committed", "the design is in the wiki"));
  ASSERT_EQ(waived.waivers.size(), 1u);
  EXPECT_EQ(waived.waivers[0].stage, "prototype");
  EXPECT_EQ(waived.waivers[0].by, kCzar);
  EXPECT_EQ(waived.waivers[0].at, At("2017-02-01"));
  auto events = ST_MUST(lifecycle_->ProtocolHistory("pvcalls"));
  EXPECT_EQ(events.back().kind, event_kind::kProtocolWaiver);
  EXPECT_EQ(events.back().to, "prototype/design-committed");
  EXPECT_EQ(events.back().reason, "the design is in the wiki");
  // The waived criterion no longer holds a passed proposal back.
  std::int64_t id = Propose();
  auto accepted = lifecycle_->Decide(As(kCzar, "2017-02-09"), id, true, "agreed", {});
  EXPECT_TRUE(accepted) << accepted.error().ToString();
}

TEST_F(LifecycleTest, RolesDecideWhoWritesWhat) {
  ASSERT_TRUE(planning_->SavePerson({kCzar, At("2017-01-01")},
                                    Person{"reader@example.org", "", {}, {Role::kReader}}));
  EXPECT_EQ(ST_MUST(lifecycle_->FindProtocol("pvcalls")).owners,
            std::vector<std::string>{kDeveloper});
  std::int64_t id = Propose();
  std::string before = Snapshot();
  ProtocolUpdate update;
  update.version = "2";
  auto denied = [](const auto& result) { return !result && result.error().IsPermissionDenied(); };
  for (const char* who : {"reader@example.org", "stranger@example.org"}) {
    EXPECT_TRUE(denied(lifecycle_->Propose(As(who, "2017-02-02"), "pvusb", "", "", std::nullopt)));
    EXPECT_TRUE(denied(lifecycle_->Object(As(who, "2017-02-02"), id, kReason))) << who;
    EXPECT_TRUE(denied(lifecycle_->AddProtocol(As(who, "2017-02-02"), Named("pvusb")))) << who;
    EXPECT_TRUE(denied(lifecycle_->UpdateProtocol(As(who, "2017-02-02"), "pvcalls", update)));
  }
  // Evidence is its owners' to record; a later stage is the Czar's to register.
  auto not_owner = lifecycle_->UpdateProtocol(As(kReviewer, "2017-02-02"), "pvcalls", update);
  ASSERT_FALSE(not_owner);
  EXPECT_NE(not_owner.error().message().find("protocol set pvcalls --owner dev@example.org "
                                             "--owner reviewer@example.org"),
            std::string::npos)
      << not_owner.error().message();
  Protocol late = Named("pvusb");
  late.stage = "production";
  auto by_developer = lifecycle_->AddProtocol(As(kDeveloper, "2017-02-02"), late);
  ASSERT_FALSE(by_developer);
  EXPECT_NE(by_developer.error().message().find("needs the czar role"), std::string::npos);
  EXPECT_EQ(Snapshot(), before);
  Protocol registered = ST_MUST(lifecycle_->AddProtocol(As(kCzar, "2017-02-02"), late));
  EXPECT_EQ(registered.stage, "production");
  EXPECT_TRUE(registered.owners.empty());
  EXPECT_TRUE(lifecycle_->UpdateProtocol(As(kDeveloper, "2017-02-03"), "pvcalls", update));
}

// The same lifecycle under an Apache-style 72-hour process, with no code change.
TEST_F(LifecycleTest, ProcessWindowsComeFromTheStoredProject) {
  Project project = ST_MUST(planning_->LoadProject());
  project.process.lifecycle.proposal_window = TimeSpan::Hours(72);
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) { return writer.SaveProject(project); }));
  std::int64_t id = Propose();
  Proposal proposal = ST_MUST(lifecycle_->FindProposal(id));
  ProtocolProcess process = ST_MUST(lifecycle_->LoadProcess());
  EXPECT_EQ(process.proposal_window, TimeSpan::Hours(72));
  EXPECT_EQ(EvaluateProposal(proposal, process, At("2017-02-04")).state, ProposalState::kPassed);
}

}  // namespace
}  // namespace stocktake
