// Protocols and proposals through the SQL store: what is written comes back
// exactly, on SQLite in memory and in a file (reopened).

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>

#include "stocktake/storage/open_store.h"
#include "stocktake/storage/store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::Named;

Protocol SampleProtocol() {
  Protocol protocol;
  protocol.name = "pvcalls";
  protocol.summary = "PV Calls";
  protocol.stage = "prototype";
  protocol.design_doc = {"docs/misc/pvcalls.pandoc", "1a0ab02e342c"};
  protocol.version = "1";
  protocol.compat_promises = "Line one.\nLine \"two\".";
  protocol.owners = {"a@example.org", "b@example.org"};
  protocol.implementations = {
      {"Linux",
       ImplementationRole::kFrontend,
       ImplementationState::kCommitted,
       {"linux.git 3f5f5a4b", "<msg@example.org>"}},
      {"QEMU", ImplementationRole::kBackend, ImplementationState::kPosted, {}},
  };
  protocol.waivers = {{"production", "version-recorded", "czar@example.org", At("2017-05-01"),
                       "the version is implied"}};
  return protocol;
}

class LifecycleStoreTest : public ::testing::TestWithParam<bool> {
 protected:
  void SetUp() override {
    if (GetParam()) {
      path_ = std::filesystem::temp_directory_path() /
              ("stocktake-lifecycle-" + std::to_string(getpid()) + ".db");
      std::filesystem::remove(path_);
      location_ = path_.string();
    } else {
      location_ = ":memory:";
    }
    store_ = ST_MUST(OpenStore(location_, StoreOptions{true}));
  }
  void TearDown() override {
    store_.reset();
    if (!path_.empty()) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(path_.string() + suffix);
      }
    }
  }
  // Reopens a file database so reads come from disk; memory stays as is.
  void Reopen() {
    if (path_.empty()) return;
    store_.reset();
    store_ = ST_MUST(OpenStore(location_));
  }

  std::filesystem::path path_;
  std::string location_;
  std::unique_ptr<Store> store_;
};

TEST_P(LifecycleStoreTest, ProtocolsComeBackWithEvidenceHistoryAndWaivers) {
  Protocol protocol = SampleProtocol();
  StageChange first{At("2017-03-01"), "czar@example.org", "", "design", 0, "added", "1a0ab02e"};
  StageChange second{At("2017-04-05T10:00:00Z"),
                     "czar@example.org",
                     "design",
                     "prototype",
                     7,
                     "lazy consensus",
                     ""};
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveProtocol(protocol));
    ST_TRY(writer.SaveProtocol(Named("9pfs", "design")));
    ST_TRY(writer.AppendStageChange("pvcalls", first));
    ST_TRY(writer.AppendStageChange("pvcalls", second));
    return Ok();
  }));
  Reopen();
  auto all = ST_MUST(store_->ListProtocols());
  ASSERT_EQ(all.size(), 2u);
  EXPECT_EQ(all[0].name, "pvcalls");
  EXPECT_EQ(all[1].name, "9pfs");
  Protocol loaded = *ST_MUST(store_->FindProtocol("pvcalls"));
  EXPECT_EQ(loaded.summary, protocol.summary);
  EXPECT_EQ(loaded.stage, "prototype");
  EXPECT_EQ(loaded.design_doc.path, protocol.design_doc.path);
  EXPECT_EQ(loaded.design_doc.commit, protocol.design_doc.commit);
  EXPECT_EQ(loaded.compat_promises, protocol.compat_promises);
  EXPECT_EQ(loaded.owners, protocol.owners);
  ASSERT_EQ(loaded.implementations.size(), 2u);
  EXPECT_EQ(loaded.implementations[0].refs, protocol.implementations[0].refs);
  EXPECT_EQ(loaded.implementations[1].role, ImplementationRole::kBackend);
  EXPECT_EQ(loaded.implementations[1].state, ImplementationState::kPosted);
  ASSERT_EQ(loaded.history.size(), 2u);
  EXPECT_EQ(loaded.history[1].at, second.at);
  EXPECT_EQ(loaded.history[1].proposal_id, 7);
  EXPECT_EQ(loaded.history[0].commit, "1a0ab02e");
  ASSERT_EQ(loaded.waivers.size(), 1u);
  EXPECT_EQ(loaded.waivers[0].at, At("2017-05-01"));
  EXPECT_EQ(loaded.waivers[0].reason, "the version is implied");
  EXPECT_FALSE(ST_MUST(store_->FindProtocol("nosuch")));
}

TEST_P(LifecycleStoreTest, ProposalsComeBackWithTheirActionsInOrder) {
  Proposal proposal;
  proposal.protocol = "pvcalls";
  proposal.from_stage = "prototype";
  proposal.to_stage = "production";
  proposal.proposer = "dev@example.org";
  proposal.thread = "<thread@example.org>";
  proposal.opened_at = At("2017-06-01T08:00:00Z");
  proposal.window = TimeSpan::Hours(72);
  std::int64_t id = 0, objection = 0, second = 0;
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveProtocol(SampleProtocol()));
    id = ST_TRY(writer.CreateProposal(proposal));
    objection = ST_TRY(writer.AppendProposalAction(
        id, {ProposalActionKind::kObject, At("2017-06-02"), "r@example.org", 0,
             "no xenstore handshake", "<o@example.org>"}));
    ST_TRY(writer.AppendProposalAction(id, {ProposalActionKind::kAnswer, At("2017-06-03"),
                                            "dev@example.org", objection, "section 2 has it", ""}));
    second = ST_TRY(
        writer.AppendProposalAction(id, {ProposalActionKind::kObject, At("2017-06-03"),
                                         "s@example.org", 0, "the ABI is not versioned", ""}));
    return Ok();
  }));
  EXPECT_EQ(objection, id + 1);
  EXPECT_EQ(second, id + 2);
  Reopen();
  Proposal loaded = *ST_MUST(store_->FindProposal(id));
  EXPECT_EQ(loaded.id, id);
  EXPECT_EQ(loaded.thread, proposal.thread);
  EXPECT_EQ(loaded.opened_at, proposal.opened_at);
  EXPECT_EQ(loaded.window, proposal.window);
  ASSERT_EQ(loaded.actions.size(), 3u);
  EXPECT_EQ(loaded.actions[0].kind, ProposalActionKind::kObject);
  EXPECT_EQ(loaded.actions[0].objection_id, objection);
  EXPECT_EQ(loaded.actions[0].message_id, "<o@example.org>");
  EXPECT_EQ(loaded.actions[1].kind, ProposalActionKind::kAnswer);
  EXPECT_EQ(loaded.actions[1].at, At("2017-06-03"));
  EXPECT_EQ(loaded.actions[2].objection_id, second);
  auto by_objection = ST_MUST(store_->FindProposalByObjection(second));
  ASSERT_TRUE(by_objection);
  EXPECT_EQ(by_objection->id, id);
  EXPECT_FALSE(ST_MUST(store_->FindProposalByObjection(id)));
  EXPECT_EQ(ST_MUST(store_->ListProposals({"pvcalls"})).size(), 1u);
  EXPECT_TRUE(ST_MUST(store_->ListProposals({"9pfs"})).empty());
}

// An import keeps the numbers it was given; new ones continue above them.
TEST_P(LifecycleStoreTest, GivenNumbersAreKeptAndTheSequenceContinuesAboveThem) {
  Proposal proposal;
  proposal.id = 7;
  proposal.protocol = "pvcalls";
  proposal.from_stage = "prototype";
  proposal.to_stage = "production";
  proposal.proposer = "dev@example.org";
  proposal.opened_at = At("2017-06-01");
  std::int64_t id = 0, objection = 0;
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveProtocol(SampleProtocol()));
    id = ST_TRY(writer.CreateProposal(proposal));
    objection =
        ST_TRY(writer.AppendProposalAction(id, {ProposalActionKind::kObject, At("2017-06-02"),
                                                "r@example.org", 12, "no xenstore handshake", ""}));
    return Ok();
  }));
  EXPECT_EQ(id, 7);
  EXPECT_EQ(objection, 12);
  Reopen();
  EXPECT_EQ(ST_MUST(store_->FindProposal(7))->actions.at(0).objection_id, 12);
  EXPECT_EQ(ST_MUST(store_->FindProposalByObjection(12))->id, 7);
  Proposal next = proposal;
  next.id = 0;
  std::int64_t next_id = 0;
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    next_id = ST_TRY(writer.CreateProposal(next));
    return Ok();
  }));
  EXPECT_EQ(next_id, 13);
  next.id = 12;
  auto taken = store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.CreateProposal(next));
    return Ok();
  });
  ASSERT_FALSE(taken);
  EXPECT_TRUE(taken.error().IsConflict()) << taken.error().ToString();
}

TEST_P(LifecycleStoreTest, TheLifecycleProcessIsKeptWithTheProject) {
  Project project{"Apache-ish", "", {}, XenProcess()};
  ProtocolProcess& lifecycle = project.process.lifecycle;
  lifecycle.proposal_window = TimeSpan::Hours(72);
  lifecycle.responsiveness_window = TimeSpan::Days(3);
  lifecycle.czar_wait_limit = TimeSpan::Days(1);
  lifecycle.stages = {{"alpha", "Alpha", TimeSpan::Months(3), "", {}},
                      {"beta", "Beta", TimeSpan::Months(6), "Preview", {{"docs", "documented"}}},
                      {"stable", "Stable", TimeSpan{}, "GA", {}}};
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) { return writer.SaveProject(project); }));
  Reopen();
  Project loaded = *ST_MUST(store_->LoadProject());
  const ProtocolProcess& back = loaded.process.lifecycle;
  EXPECT_EQ(back.proposal_window, TimeSpan::Hours(72));
  EXPECT_EQ(back.responsiveness_window, TimeSpan::Days(3));
  EXPECT_EQ(back.czar_wait_limit, TimeSpan::Days(1));
  ASSERT_EQ(back.stages.size(), 3u);
  EXPECT_EQ(back.stages[1].id, "beta");
  EXPECT_EQ(back.stages[1].time_frame, TimeSpan::Months(6));
  EXPECT_EQ(back.stages[1].support_label, "Preview");
  ASSERT_EQ(back.stages[1].entry_criteria.size(), 1u);
  EXPECT_EQ(back.stages[1].entry_criteria[0].description, "documented");
}

std::string BackEndName(const ::testing::TestParamInfo<bool>& param) {
  return param.param ? "File" : "Memory";
}

INSTANTIATE_TEST_SUITE_P(Sqlite, LifecycleStoreTest, ::testing::Values(false, true), BackEndName);

}  // namespace
}  // namespace stocktake
