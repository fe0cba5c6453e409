// Issue 12: a dependency chain of 30,000 features overflowed the stack in the
// report's risk propagation (recursive Resolve) once CheckCycles let it in,
// and each feature's roots and depths walked its whole parent chain, so a
// chain of 20,000 parents took quadratic time.

#include <gtest/gtest.h>

#include <chrono>
#include <string>
#include <vector>

#include "stocktake/analysis/risk.h"

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

TEST(Issue12RiskChainTest, ALongParentChainHasItsDepthsInLinearTime) {
  Process process = XenProcess();
  std::vector<Feature> features = Chain(true, "on-track");
  auto start = std::chrono::steady_clock::now();
  FeatureGraph graph(process, features);
  auto elapsed = std::chrono::steady_clock::now() - start;
  // The walk each feature made up to its root took minutes at this length.
  EXPECT_LT(elapsed, std::chrono::seconds(10));
  EXPECT_EQ(graph.depth(0), kChain - 1);
  EXPECT_EQ(graph.root(0), kChain - 1);
  EXPECT_EQ(graph.depth(kChain - 1), 0);
  EXPECT_EQ(graph.root(kChain / 2), kChain - 1);
}

}  // namespace
}  // namespace stocktake
