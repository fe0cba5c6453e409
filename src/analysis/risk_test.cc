#include "stocktake/analysis/risk.h"

#include <gtest/gtest.h>

#include <memory>
#include <string>
#include <vector>

namespace stocktake {
namespace {

// Ranks in the Xen process.
constexpr int kFinished = 0, kOnTrack = 1, kFair = 2, kAtRisk = 3, kDropped = 4;

Feature Item(const std::string& slug, const std::string& status,
             std::vector<std::string> depends_on = {}, const std::string& parent = "") {
  Feature feature;
  feature.slug = slug;
  feature.title = slug;
  feature.status = status;
  feature.depends_on = std::move(depends_on);
  feature.parent = parent;
  return feature;
}

class RiskTest : public ::testing::Test {
 protected:
  std::vector<EffectiveStatus> Compute() {
    graph_ = std::make_unique<FeatureGraph>(process_, features_);
    return ComputeEffectiveStatuses(*graph_);
  }

  Process process_ = XenProcess();
  std::vector<Feature> features_;
  std::unique_ptr<FeatureGraph> graph_;
};

TEST_F(RiskTest, AFeatureIsNoMoreLikelyThanItsDependencyChain) {
  features_ = {Item("a", "on-track", {"b"}), Item("b", "fair", {"c"}), Item("c", "at-risk")};
  auto statuses = Compute();
  ASSERT_EQ(statuses.size(), 3u);
  EXPECT_EQ(statuses[0].rank, kAtRisk);
  EXPECT_EQ(statuses[0].chain, (std::vector<int>{1, 2}));  // via b, caused by c
  EXPECT_EQ(statuses[1].rank, kAtRisk);
  EXPECT_EQ(statuses[1].chain, (std::vector<int>{2}));
  EXPECT_EQ(statuses[2].rank, kAtRisk);
  EXPECT_FALSE(statuses[2].Differs());
}

TEST_F(RiskTest, AMoreLikelyDependencyChangesNothing) {
  features_ = {Item("a", "fair", {"b"}), Item("b", "on-track")};
  auto statuses = Compute();
  EXPECT_EQ(statuses[0].rank, kFair);
  EXPECT_FALSE(statuses[0].Differs());
}

TEST_F(RiskTest, FinishedFeaturesKeepTheirStatus) {
  features_ = {Item("done", "finished", {"late"}), Item("late", "at-risk")};
  auto statuses = Compute();
  EXPECT_EQ(statuses[0].rank, kFinished);
  EXPECT_FALSE(statuses[0].Differs());
}

TEST_F(RiskTest, ADroppedDependencyCountsAsAtRisk) {
  features_ = {Item("a", "on-track", {"gone"}), Item("gone", "dropped")};
  auto statuses = Compute();
  EXPECT_EQ(statuses[0].rank, kAtRisk);
  EXPECT_EQ(statuses[0].chain, std::vector<int>{1});
  EXPECT_EQ(statuses[1].rank, kDropped);
}

TEST_F(RiskTest, TheWorstOfSeveralDependenciesWins) {
  features_ = {Item("a", "on-track", {"b", "c", "d"}), Item("b", "fair"), Item("c", "at-risk"),
               Item("d", "fair")};
  auto statuses = Compute();
  EXPECT_EQ(statuses[0].rank, kAtRisk);
  EXPECT_EQ(statuses[0].chain, std::vector<int>{2});
}

TEST_F(RiskTest, CyclesAreCutAndEveryFeatureGetsAStatus) {
  features_ = {Item("a", "on-track", {"b"}), Item("b", "on-track", {"c"}), Item("c", "fair", {"a"}),
               Item("self", "on-track", {"self"})};
  auto statuses = Compute();
  ASSERT_EQ(statuses.size(), 4u);
  EXPECT_EQ(statuses[0].rank, kFair);
  EXPECT_EQ(statuses[0].chain, (std::vector<int>{1, 2}));
  EXPECT_EQ(statuses[1].rank, kFair);
  EXPECT_EQ(statuses[2].rank, kFair);
  EXPECT_FALSE(statuses[2].Differs());
  EXPECT_EQ(statuses[3].rank, kOnTrack);
  EXPECT_FALSE(statuses[3].Differs());
}

TEST_F(RiskTest, UnknownDependenciesAndStatusesAreLeftOut) {
  features_ = {Item("a", "on-track", {"elsewhere"}), Item("odd", "someday", {"a"})};
  auto statuses = Compute();
  EXPECT_EQ(graph_->dependencies(0), std::vector<int>{-1});
  EXPECT_EQ(statuses[0].rank, kOnTrack);
  EXPECT_EQ(graph_->rank(1), -1);
  EXPECT_EQ(statuses[1].rank, -1);
}

TEST_F(RiskTest, TheGraphKnowsParentsRootsAndDepths) {
  features_ = {Item("top", "on-track"), Item("sub", "fair", {}, "top"),
               Item("subsub", "fair", {}, "sub"), Item("orphan", "fair", {}, "missing"),
               Item("own", "fair", {}, "own")};
  graph_ = std::make_unique<FeatureGraph>(process_, features_);
  EXPECT_EQ(graph_->Find("subsub"), 2);
  EXPECT_EQ(graph_->Find("nothing"), -1);
  EXPECT_EQ(graph_->parent(2), 1);
  EXPECT_EQ(graph_->root(2), 0);
  EXPECT_EQ(graph_->depth(2), 2);
  EXPECT_EQ(graph_->children(0), std::vector<int>{1});
  EXPECT_EQ(graph_->parent(3), -1);  // a parent not among the features
  EXPECT_EQ(graph_->root(3), 3);
  EXPECT_EQ(graph_->parent(4), -1);  // its own parent
  EXPECT_EQ(graph_->depth(4), 0);
}

TEST_F(RiskTest, AParentCycleInDamagedDataEnds) {
  features_ = {Item("a", "fair", {}, "b"), Item("b", "fair", {}, "a")};
  graph_ = std::make_unique<FeatureGraph>(process_, features_);
  EXPECT_EQ(graph_->parent(0), 1);
  // The walk is cut where it meets its own path: b is taken as a root.
  EXPECT_EQ(graph_->depth(0), 1);
  EXPECT_EQ(graph_->root(0), 1);
  EXPECT_EQ(ComputeEffectiveStatuses(*graph_).size(), 2u);
}

TEST_F(RiskTest, AnEmptyReleaseHasNoStatuses) { EXPECT_TRUE(Compute().empty()); }

}  // namespace
}  // namespace stocktake
