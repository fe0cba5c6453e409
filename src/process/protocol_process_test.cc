#include "stocktake/process/protocol_process.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(ProtocolProcessTest, XenProcessHasThreeStagesWithCriteriaAndWindows) {
  ProtocolProcess process = XenProtocolProcess();
  EXPECT_EQ(process.StageIds(), "design, prototype, production");
  EXPECT_EQ(process.FindStage("design")->time_frame, TimeSpan::Months(6));
  EXPECT_EQ(process.FindStage("prototype")->time_frame, TimeSpan::Months(12));
  EXPECT_TRUE(process.FindStage("production")->time_frame.IsZero());
  EXPECT_EQ(process.FindStage("prototype")->support_label, "Experimental / Tech Preview");
  EXPECT_EQ(process.FindStage("production")->support_label, "Supported");
  ASSERT_EQ(process.FindStage("prototype")->entry_criteria.size(), 1u);
  EXPECT_EQ(process.FindStage("prototype")->entry_criteria[0].id, "design-committed");
  ASSERT_EQ(process.FindStage("production")->entry_criteria.size(), 4u);
  EXPECT_EQ(process.NextStage("design")->id, "prototype");
  EXPECT_EQ(process.NextStage("production"), nullptr);
  EXPECT_EQ(process.NextStage("nonsense"), nullptr);
  EXPECT_EQ(process.proposal_window, TimeSpan::Days(7));
  EXPECT_EQ(process.responsiveness_window, TimeSpan::Days(7));
  EXPECT_EQ(process.czar_wait_limit, TimeSpan::Days(7));
  EXPECT_EQ(process.StageName("prototype"), "Prototype");
  EXPECT_EQ(process.StageName("beta"), "beta");
}

}  // namespace
}  // namespace stocktake
