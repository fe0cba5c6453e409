#include "stocktake/analysis/risk.h"

namespace stocktake {

FeatureGraph::FeatureGraph(const Process& process, const std::vector<Feature>& features)
    : process_(process), features_(features), by_slug_(features.size()) {
  size_t count = features.size();
  for (size_t i = 0; i < count; ++i) by_slug_.Insert(features[i].slug, i);
  parent_.assign(count, -1);
  root_.assign(count, -1);
  depth_.assign(count, 0);
  rank_.resize(count);
  dependencies_.resize(count);
  children_.resize(count);
  for (size_t i = 0; i < count; ++i) {
    const Feature& feature = features[i];
    rank_[i] = process.Rank(feature.status);
    if (!feature.parent.empty()) {
      int parent = Find(feature.parent);
      if (parent >= 0 && parent != static_cast<int>(i)) {
        parent_[i] = parent;
        children_[static_cast<size_t>(parent)].push_back(static_cast<int>(i));
      }
    }
    for (const auto& slug : feature.depends_on) dependencies_[i].push_back(Find(slug));
  }
  // Roots and depths, guarding against parent cycles in damaged data.
  for (size_t i = 0; i < count; ++i) {
    int at = static_cast<int>(i);
    int depth = 0;
    while (parent_[static_cast<size_t>(at)] >= 0 && depth < static_cast<int>(count)) {
      at = parent_[static_cast<size_t>(at)];
      ++depth;
    }
    root_[i] = at;
    depth_[i] = depth;
  }
}

int FeatureGraph::Find(std::string_view slug) const {
  size_t position = by_slug_.Find(slug);
  return position == StringIndex::kAbsent ? -1 : static_cast<int>(position);
}

namespace {

class Propagation {
 public:
  explicit Propagation(const FeatureGraph& graph)
      : graph_(graph), state_(graph.size(), 0), via_(graph.size(), -1), result_(graph.size()) {
    const Process& process = graph.process();
    least_likely_ = process.Rank(process.LeastLikely().id);
    for (const auto& status : process.statuses) {
      can_degrade_.push_back(status.in_release && !status.done);
      in_release_.push_back(status.in_release);
    }
  }

  void Resolve(int index) {
    auto at = static_cast<size_t>(index);
    if (state_[at] != 0) return;  // Done, or on the current path: a cycle is cut here.
    state_[at] = 1;
    int own = graph_.rank(index);
    int worst = own;
    if (own >= 0 && can_degrade_[static_cast<size_t>(own)]) {
      for (int dependency : graph_.dependencies(index)) {
        if (dependency < 0) continue;
        Resolve(dependency);
        int rank = state_[static_cast<size_t>(dependency)] == 2
                       ? result_[static_cast<size_t>(dependency)].rank
                       : graph_.rank(dependency);
        if (rank >= 0 && !in_release_[static_cast<size_t>(rank)]) rank = least_likely_;
        if (rank > worst) {
          worst = rank;
          via_[at] = dependency;
        }
      }
    }
    result_[at].rank = worst;
    state_[at] = 2;
  }

  std::vector<EffectiveStatus> Take() {
    for (size_t i = 0; i < result_.size(); ++i) {
      for (int at = via_[i]; at >= 0; at = via_[static_cast<size_t>(at)]) {
        result_[i].chain.push_back(at);
        if (result_[i].chain.size() > result_.size()) break;
      }
    }
    return std::move(result_);
  }

 private:
  const FeatureGraph& graph_;
  std::vector<char> state_;
  std::vector<int> via_;
  std::vector<EffectiveStatus> result_;
  std::vector<bool> can_degrade_, in_release_;
  int least_likely_ = -1;
};

}  // namespace

std::vector<EffectiveStatus> ComputeEffectiveStatuses(const FeatureGraph& graph) {
  Propagation propagation(graph);
  for (size_t i = 0; i < graph.size(); ++i) propagation.Resolve(static_cast<int>(i));
  return propagation.Take();
}

}  // namespace stocktake
