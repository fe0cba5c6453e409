// Issue 12: a dependency chain of 30,000 features overflowed the stack in the
// report's risk propagation (recursive Resolve) once CheckCycles let it in,
// and each feature's roots and depths walked its whole parent chain, so a
// chain of 20,000 parents took quadratic time.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stocktake/analysis/risk.h"
#include "stocktake/util/limits.h"

namespace stocktake {
namespace {

constexpr int kChain = 200'000;

std::vector<Feature> Chain(bool by_parent, const std::string& status) {
  std::vector<Feature> features(kChain);
  for (int index = 0; index < kChain; ++index) {
    features[index].slug = "f" + std::to_string(index);
    features[index].title = features[index].slug;
    features[index].status = status;
    if (index + 1 < kChain) {
      std::string next = "f" + std::to_string(index + 1);
      if (by_parent) {
        features[index].parent = next;
      } else {
        features[index].depends_on = {next};
      }
    }
  }
  return features;
}

TEST(Issue12RiskChainTest, ALongDependencyChainPropagatesWithoutRecursion) {
  Process process = XenProcess();
  std::vector<Feature> features = Chain(false, "fair");
  features[0].status = "on-track";
  FeatureGraph graph(process, features);
  std::vector<EffectiveStatus> statuses = ComputeEffectiveStatuses(graph);
  ASSERT_EQ(statuses.size(), features.size());
  EXPECT_EQ(statuses[0].rank, process.Rank("fair"));
  EXPECT_EQ(statuses[0].chain, std::vector<int>{1});
  EXPECT_EQ(statuses.back().rank, process.Rank("fair"));
}

// Every feature of a long chain ending in an at-risk one is at risk through
// it; listing all the links below each was quadratic (450 million for
// 30,000). Chains keep kMaxRiskChain links: the first ones and the cause.
TEST(Issue12RiskChainTest, RiskChainsAreCutAtTheLimitKeepingTheirCause) {
  static_assert(kMaxRiskChain == 20);
  Process process = XenProcess();
  std::vector<Feature> features = Chain(false, "on-track");
  features.back().status = "at-risk";
  FeatureGraph graph(process, features);
  std::vector<EffectiveStatus> statuses = ComputeEffectiveStatuses(graph);
  const int last = kChain - 1;
  // At the limit: 20 links, all of them.
  const EffectiveStatus& at_limit = statuses[last - 20];
  EXPECT_EQ(at_limit.rank, process.Rank("at-risk"));
  ASSERT_EQ(at_limit.chain.size(), 20u);
  EXPECT_FALSE(at_limit.chain_cut);
  EXPECT_EQ(at_limit.chain.front(), last - 19);
  EXPECT_EQ(at_limit.chain.back(), last);
  // One past it: the first 19 links, then the cause.
  const EffectiveStatus& past = statuses[last - 21];
  ASSERT_EQ(past.chain.size(), 20u);
  EXPECT_TRUE(past.chain_cut);
  EXPECT_EQ(past.chain[18], last - 2);
  EXPECT_EQ(past.chain.back(), last);
  // And the head of the chain, 200,000 links away.
  EXPECT_EQ(statuses[0].chain.size(), 20u);
  EXPECT_EQ(statuses[0].chain.back(), last);
}

TEST(Issue12RiskChainTest, ACycleInDamagedDataIsCutNotFollowed) {
  Process process = XenProcess();
  std::vector<Feature> features = Chain(false, "on-track");
  features.back().depends_on = {"f0"};
  FeatureGraph graph(process, features);
  std::vector<EffectiveStatus> statuses = ComputeEffectiveStatuses(graph);
  for (const EffectiveStatus& status : statuses) {
    ASSERT_EQ(status.rank, process.Rank("on-track"));
    ASSERT_TRUE(status.chain.empty());
  }
}

// The walk each feature made up to its root took minutes at this length;
// no timer here (CONTRIBUTING: speed is for the benchmarks), a quadratic
// walk would show as a test that does not end.
TEST(Issue12RiskChainTest, ALongParentChainHasItsDepthsWithoutAWalkPerFeature) {
  Process process = XenProcess();
  std::vector<Feature> features = Chain(true, "on-track");
  FeatureGraph graph(process, features);
  EXPECT_EQ(graph.depth(0), kChain - 1);
  EXPECT_EQ(graph.root(0), kChain - 1);
  EXPECT_EQ(graph.depth(kChain - 1), 0);
  EXPECT_EQ(graph.root(kChain / 2), kChain - 1);
}

}  // namespace
}  // namespace stocktake
