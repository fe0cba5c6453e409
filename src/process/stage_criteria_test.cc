#include "stocktake/process/stage_criteria.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Timestamp T(const char* text) { return ST_MUST(ParseTimestamp(text)); }

Protocol Pvcalls() {
  Protocol protocol;
  protocol.name = "pvcalls";
  protocol.stage = "prototype";
  return protocol;
}

TEST(StageCriteriaTest, DesignCommittedNeedsPathAndCommit) {
  ProtocolProcess process = XenProtocolProcess();
  Protocol protocol = Pvcalls();
  protocol.stage = "design";
  auto results = ST_MUST(EvaluateEntryCriteria(protocol, process, "prototype"));
  ASSERT_EQ(results.size(), 1u);
  EXPECT_FALSE(results[0].met);
  EXPECT_EQ(results[0].detail,
            "no design document is recorded: record its path and the commit that added it");
  protocol.design_doc.path = "docs/misc/pvcalls.markdown";
  results = ST_MUST(EvaluateEntryCriteria(protocol, process, "prototype"));
  EXPECT_FALSE(results[0].met);
  EXPECT_NE(results[0].detail.find("has no commit reference"), std::string::npos);
  protocol.design_doc.commit = "1a0ab02e342c";
  results = ST_MUST(EvaluateEntryCriteria(protocol, process, "prototype"));
  EXPECT_TRUE(results[0].met);
  EXPECT_EQ(results[0].detail, "docs/misc/pvcalls.markdown, commit 1a0ab02e342c");
  EXPECT_TRUE(AllSatisfied(results));
}

TEST(StageCriteriaTest, ProductionNeedsCommittedFrontendAndBackendWithReferences) {
  ProtocolProcess process = XenProtocolProcess();
  Protocol protocol = Pvcalls();
  protocol.implementations = {
      {"Linux",
       ImplementationRole::kFrontend,
       ImplementationState::kCommitted,
       {"linux 2195046bfd69"}},
      {"Linux", ImplementationRole::kBackend, ImplementationState::kPosted, {"<msg@kernel.org>"}},
      {"FreeBSD", ImplementationRole::kBackend, ImplementationState::kNone, {}},
  };
  auto results = ST_MUST(EvaluateEntryCriteria(protocol, process, "production"));
  ASSERT_EQ(results.size(), 4u);
  EXPECT_EQ(results[0].id, "frontend-committed");
  EXPECT_TRUE(results[0].met);
  EXPECT_EQ(results[0].detail, "committed frontend: Linux (linux 2195046bfd69)");
  EXPECT_EQ(results[1].id, "backend-committed");
  EXPECT_FALSE(results[1].met);
  EXPECT_EQ(results[1].detail,
            "the backend in Linux is only posted: record the upstream commit once it is committed");
  EXPECT_FALSE(results[2].met);  // compat-promises
  EXPECT_FALSE(results[3].met);  // version-recorded
  EXPECT_FALSE(AllSatisfied(results));
  EXPECT_EQ(DescribeUnsatisfied(results).substr(0, 19), "backend-committed (");

  protocol.implementations[1].state = ImplementationState::kCommitted;
  protocol.implementations[1].refs = {};
  results = ST_MUST(EvaluateEntryCriteria(protocol, process, "production"));
  EXPECT_FALSE(results[1].met);
  EXPECT_NE(results[1].detail.find("has no commit reference"), std::string::npos);

  protocol.implementations[1].refs = {"linux 5db4d286a8ef"};
  protocol.compat_promises = "Backward compatible within version 1.";
  protocol.version = "1";
  results = ST_MUST(EvaluateEntryCriteria(protocol, process, "production"));
  EXPECT_TRUE(AllSatisfied(results));
  EXPECT_EQ(results[2].detail, "written: \"Backward compatible within version 1.\"");
  EXPECT_EQ(results[3].detail, "version 1");
  EXPECT_EQ(DescribeUnsatisfied(results), "");
}

TEST(StageCriteriaTest, WaiverSatisfiesAnUnmetCriterionAndKeepsItsReason) {
  ProtocolProcess process = XenProtocolProcess();
  Protocol protocol = Pvcalls();
  protocol.compat_promises = "Stable.";
  protocol.version = "1";
  protocol.implementations = {
      {"Linux", ImplementationRole::kFrontend, ImplementationState::kCommitted, {"linux abc"}}};
  Protocol waived = ST_MUST(WaiveCriterion(protocol, process, "production", "backend-committed",
                                           "czar@example.org", T("2020-01-01"),
                                           "the backend lives in a proprietary hypervisor"));
  auto results = ST_MUST(EvaluateEntryCriteria(waived, process, "production"));
  EXPECT_FALSE(results[1].met);
  EXPECT_TRUE(results[1].waived);
  EXPECT_TRUE(results[1].Satisfied());
  EXPECT_EQ(results[1].waived_by, "czar@example.org");
  EXPECT_EQ(results[1].waiver_reason, "the backend lives in a proprietary hypervisor");
  EXPECT_TRUE(AllSatisfied(results));
}

TEST(StageCriteriaTest, WaiverNeedsAReasonAndAKnownCriterion) {
  ProtocolProcess process = XenProtocolProcess();
  Protocol protocol = Pvcalls();
  auto no_reason = WaiveCriterion(protocol, process, "production", "version-recorded",
                                  "czar@example.org", T("2020-01-01"), "  ");
  ASSERT_FALSE(no_reason);
  EXPECT_TRUE(no_reason.error().IsInvalidArgument());
  auto unknown = WaiveCriterion(protocol, process, "production", "design-committed",
                                "czar@example.org", T("2020-01-01"), "why");
  ASSERT_FALSE(unknown);
  EXPECT_TRUE(unknown.error().IsNotFound());
  EXPECT_NE(unknown.error().message().find("frontend-committed, backend-committed"),
            std::string::npos);
  EXPECT_TRUE(WaiveCriterion(protocol, process, "gamma", "x", "c", T("2020-01-01"), "r")
                  .error()
                  .IsNotFound());
}

TEST(StageCriteriaTest, UnknownCriterionIsMetOnlyByWaiver) {
  ProtocolProcess process = XenProtocolProcess();
  process.stages[2].entry_criteria.push_back({"conformance-tests", "a conformance suite exists"});
  Protocol protocol = Pvcalls();
  auto results = ST_MUST(EvaluateEntryCriteria(protocol, process, "production"));
  EXPECT_FALSE(results.back().met);
  EXPECT_NE(results.back().detail.find("may waive"), std::string::npos);
  EXPECT_FALSE(EvaluateEntryCriteria(protocol, process, "gamma"));
}

}  // namespace
}  // namespace stocktake
