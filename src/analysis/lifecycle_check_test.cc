#include "stocktake/analysis/lifecycle_check.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Timestamp T(const char* text) { return ST_MUST(ParseTimestamp(text)); }

Protocol InDesignSince(const char* name, const char* at) {
  Protocol protocol;
  protocol.name = name;
  protocol.stage = "design";
  protocol.history = {{T(at), "czar@example.org", "", "design", 0, "", ""}};
  return protocol;
}

Proposal OpenedAt(std::int64_t id, const char* protocol, const char* at) {
  Proposal proposal;
  proposal.id = id;
  proposal.protocol = protocol;
  proposal.from_stage = "design";
  proposal.to_stage = "prototype";
  proposal.proposer = "alice@example.org";
  proposal.opened_at = T(at);
  return proposal;
}

TEST(LifecycleCheckTest, FlagsProtocolsOverTheirStageTimeFrame) {
  ProtocolProcess process = XenProtocolProcess();
  std::vector<Protocol> protocols = {InDesignSince("pvcalls", "2017-03-01")};
  EXPECT_TRUE(CheckLifecycle(protocols, {}, process, T("2017-09-01")).empty());
  auto alerts = CheckLifecycle(protocols, {}, process, T("2017-09-01T00:00:01Z"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "protocol pvcalls");
  EXPECT_EQ(alerts[0].rule, "stage-overdue");
  EXPECT_EQ(alerts[0].message,
            "pvcalls has been in Design since 2017-03-01, longer than its reasonable time frame "
            "of 6mo (due 2017-09-01)");
  EXPECT_EQ(alerts[0].action, "propose the move to Prototype, or ask the owners what blocks it");
  protocols[0].stage = "production";
  protocols[0].history[0].to = "production";
  EXPECT_TRUE(CheckLifecycle(protocols, {}, process, T("2030-01-01")).empty());
}

TEST(LifecycleCheckTest, FlagsPassedProposalsWaitingForTheCzar) {
  ProtocolProcess process = XenProtocolProcess();
  std::vector<Proposal> proposals = {OpenedAt(3, "pvcalls", "2017-03-01")};
  // Passed at 2017-03-08; the Czar has until 2017-03-15 inclusive of that instant.
  EXPECT_TRUE(CheckLifecycle({}, proposals, process, T("2017-03-15")).empty());
  auto alerts = CheckLifecycle({}, proposals, process, T("2017-03-15T00:00:01Z"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].rule, "awaiting-czar");
  EXPECT_EQ(alerts[0].message,
            "proposal 3 (pvcalls to Prototype) passed by lazy consensus at 2017-03-08T00:00:00Z "
            "and has waited more than 7d for the Czar");
  proposals[0].actions.push_back(
      {ProposalActionKind::kAccept, T("2017-03-16"), "czar@example.org", 0, "", {}});
  EXPECT_TRUE(CheckLifecycle({}, proposals, process, T("2017-03-20")).empty());
}

TEST(LifecycleCheckTest, FlagsAnsweredObjectionsAboutToLapse) {
  ProtocolProcess process = XenProtocolProcess();
  Proposal proposal = OpenedAt(4, "pvcalls", "2017-03-01");
  proposal.actions = {
      {ProposalActionKind::kObject, T("2017-03-02"), "bob@example.org", 1, "ring is broken", {}},
      {ProposalActionKind::kAnswer, T("2017-03-03"), "carol@example.org", 1, "fixed", {}}};
  // Lapses at 2017-03-10; the warning starts 2 days before.
  EXPECT_TRUE(CheckLifecycle({}, {proposal}, process, T("2017-03-07T23:59:59Z")).empty());
  auto alerts = CheckLifecycle({}, {proposal}, process, T("2017-03-08"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "proposal 4 objection 1");
  EXPECT_EQ(alerts[0].rule, "objection-lapsing");
  EXPECT_EQ(alerts[0].message,
            "objection 1 by bob@example.org to proposal 4 was answered at 2017-03-03T00:00:00Z "
            "and lapses at 2017-03-10T00:00:00Z unless bob@example.org responds");
  EXPECT_TRUE(CheckLifecycle({}, {proposal}, process, T("2017-03-10")).empty());
}

TEST(LifecycleCheckTest, StalledProtocolNamesItsPendingProposal) {
  ProtocolProcess process = XenProtocolProcess();
  Proposal proposal = OpenedAt(5, "pvcalls", "2017-08-30");
  proposal.actions = {
      {ProposalActionKind::kObject, T("2017-08-31"), "bob@example.org", 1, "ring is broken", {}}};
  auto alerts = CheckLifecycle({InDesignSince("pvcalls", "2017-03-01")}, {proposal}, process,
                               T("2017-09-02"));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_NE(alerts[0].message.find("(proposal 5 is blocked)"), std::string::npos);
  EXPECT_EQ(alerts[0].action, "ask the owners and the objectors what blocks it");
}

}  // namespace
}  // namespace stocktake
