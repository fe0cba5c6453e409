#pragma once

// Risk propagation over a release's features. FeatureGraph resolves parents
// and dependencies to positions once, so the rules over 10,000 features do no
// string lookups. A feature is no more likely to land than the features it
// depends on: its effective status is the least likely of its own and its
// dependencies' effective statuses, with the chain of features that caused it.
// Finished features keep their status. Pure; a graph is read-only once built.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/feature.h"
#include "stocktake/process/process.h"
#include "stocktake/util/string_index.h"

namespace stocktake {

class FeatureGraph {
 public:
  /// `features` must outlive the graph. Parents and dependencies not among
  /// them are left out.
  FeatureGraph(const Process& process, const std::vector<Feature>& features);

  const Process& process() const { return process_; }
  const std::vector<Feature>& features() const { return features_; }
  size_t size() const { return features_.size(); }
  const Feature& at(int index) const { return features_[static_cast<size_t>(index)]; }

  /// Position of the feature with `slug`, or -1.
  int Find(std::string_view slug) const;
  /// Position of the parent, or -1.
  int parent(int index) const { return parent_[static_cast<size_t>(index)]; }
  /// Positions of the top-level item above `index` (itself when top-level).
  int root(int index) const { return root_[static_cast<size_t>(index)]; }
  /// How many parents are above it (0 for a top-level item).
  int depth(int index) const { return depth_[static_cast<size_t>(index)]; }
  /// Positions of its dependencies, aligned with Feature::depends_on; -1 for
  /// a dependency not among the features.
  const std::vector<int>& dependencies(int index) const {
    return dependencies_[static_cast<size_t>(index)];
  }
  const std::vector<int>& children(int index) const {
    return children_[static_cast<size_t>(index)];
  }
  /// Rank of the feature's own status in the process (0 most likely), -1 when unknown.
  int rank(int index) const { return rank_[static_cast<size_t>(index)]; }

 private:
  void ComputeRootsAndDepths();

  const Process& process_;
  const std::vector<Feature>& features_;
  StringIndex by_slug_;
  std::vector<int> parent_, root_, depth_, rank_;
  std::vector<std::vector<int>> dependencies_, children_;
};

struct EffectiveStatus {
  int rank = -1;  ///< Rank of the effective status in the process.
  /// Positions from the first dependency to the feature whose own status is
  /// the cause; empty when the effective status is the feature's own. At most
  /// kMaxRiskChain long: a longer chain keeps its first links and its cause.
  std::vector<int> chain;
  /// The chain was longer than kMaxRiskChain and its middle is left out.
  bool chain_cut = false;

  bool Differs() const { return !chain.empty(); }
};

/// Effective statuses, one per feature of `graph`, in its order. A dependency
/// taken out of the release (dropped) counts as the least likely status still
/// in the release. Cycles are cut.
std::vector<EffectiveStatus> ComputeEffectiveStatuses(const FeatureGraph& graph);

}  // namespace stocktake
