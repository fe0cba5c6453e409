// Issue 12: a dependency chain of 25,000-30,000 features overflowed the stack
// in CheckCycles, and a chain of 20,000 parents took 116 s to check.

#include <gtest/gtest.h>

#include <string>
#include <unordered_map>
#include <vector>

#include "service/planning_internal.h"

namespace stocktake {
namespace {

constexpr int kChain = 30'000;

std::vector<Feature> Chain(bool by_parent) {
  std::vector<Feature> features(kChain);
  for (int index = 0; index < kChain; ++index) {
    features[index].slug = "f" + std::to_string(index);
    features[index].title = "F" + std::to_string(index);
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

std::unordered_map<std::string, const Feature*> BySlug(const std::vector<Feature>& features) {
  std::unordered_map<std::string, const Feature*> by_slug;
  for (const auto& feature : features) by_slug[feature.slug] = &feature;
  return by_slug;
}

Error AsIs(const Feature&, const std::string& message) { return Error::InvalidArgument(message); }

TEST(Issue12DeepChainsTest, ALongDependencyChainIsCheckedWithoutRecursion) {
  std::vector<Feature> features = Chain(false);
  EXPECT_TRUE(planning_internal::CheckCycles(BySlug(features), AsIs));
  features.back().depends_on = {"f0"};
  auto cycle = planning_internal::CheckCycles(BySlug(features), AsIs);
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().message().rfind("dependency cycle: F0 -> F1 -> F2 -> ", 0), 0u);
}

TEST(Issue12DeepChainsTest, ALongParentChainIsCheckedOnceNotOncePerFeature) {
  std::vector<Feature> features = Chain(true);
  EXPECT_TRUE(planning_internal::CheckCycles(BySlug(features), AsIs));
  features.back().parent = "f0";
  auto cycle = planning_internal::CheckCycles(BySlug(features), AsIs);
  ASSERT_FALSE(cycle);
  EXPECT_EQ(cycle.error().message().rfind("parent cycle: F0 -> F1 -> ", 0), 0u);
}

}  // namespace
}  // namespace stocktake
