#include "stocktake/analysis/risk.h"

#include "stocktake/util/limits.h"

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
  ComputeRootsAndDepths();
}

// Each feature's parent chain is walked once, on an explicit stack, so a
// chain of any length costs linear time and no recursion. A parent cycle
// (damaged data) is cut where the walk meets its own path.
void FeatureGraph::ComputeRootsAndDepths() {
  size_t count = features_.size();
  std::vector<char> state(count, 0);  // 0 unvisited, 1 on the walk, 2 done
  std::vector<int> walk;
  for (size_t start = 0; start < count; ++start) {
    for (int at = static_cast<int>(start); at >= 0 && state[static_cast<size_t>(at)] == 0;
         at = parent_[static_cast<size_t>(at)]) {
      state[static_cast<size_t>(at)] = 1;
      walk.push_back(at);
    }
    while (!walk.empty()) {
      auto at = static_cast<size_t>(walk.back());
      walk.pop_back();
      int parent = parent_[at];
      if (parent < 0 || state[static_cast<size_t>(parent)] != 2) {
        root_[at] = static_cast<int>(at);
        depth_[at] = 0;
      } else {
        root_[at] = root_[static_cast<size_t>(parent)];
        depth_[at] = depth_[static_cast<size_t>(parent)] + 1;
      }
      state[at] = 2;
    }
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

  // Depth first over the dependencies, on an explicit stack: a dependency
  // chain of any length needs no recursion. A dependency still on the stack
  // (a cycle) counts with its own status.
  void Resolve(int start) {
    if (state_[static_cast<size_t>(start)] != 0) return;
    Enter(start);
    while (!stack_.empty()) {
      Step& top = stack_.back();
      const auto& dependencies = graph_.dependencies(top.index);
      if (top.next == dependencies.size()) {
        auto at = static_cast<size_t>(top.index);
        result_[at].rank = top.worst;
        state_[at] = 2;
        stack_.pop_back();
        continue;
      }
      int dependency = dependencies[top.next];
      if (dependency >= 0 && state_[static_cast<size_t>(dependency)] == 0) {
        Enter(dependency);  // Invalidates `top`; this dependency is weighed on return.
        continue;
      }
      ++top.next;
      if (dependency < 0) continue;
      int rank = state_[static_cast<size_t>(dependency)] == 2
                     ? result_[static_cast<size_t>(dependency)].rank
                     : graph_.rank(dependency);
      if (rank >= 0 && !in_release_[static_cast<size_t>(rank)]) rank = least_likely_;
      if (rank > top.worst) {
        top.worst = rank;
        via_[static_cast<size_t>(top.index)] = dependency;
      }
    }
  }

  // Each feature's chain keeps at most kMaxRiskChain links, its cause last:
  // every feature of a 30,000-long chain listing all the links below it was
  // quadratic in memory and in the report's size.
  std::vector<EffectiveStatus> Take() {
    std::vector<int> causes = Causes();
    for (size_t i = 0; i < result_.size(); ++i) {
      std::vector<int>& chain = result_[i].chain;
      for (int at = via_[i]; at >= 0; at = via_[static_cast<size_t>(at)]) {
        if (chain.size() + 1 == kMaxRiskChain && at != causes[i]) {
          chain.push_back(causes[i]);
          result_[i].chain_cut = true;
          break;
        }
        chain.push_back(at);
        if (at == causes[i]) break;
      }
    }
    return std::move(result_);
  }

  // The last feature of each feature's via chain (itself when it has none),
  // each chain walked once; a cycle in damaged data ends where it closes.
  std::vector<int> Causes() const {
    constexpr int kUnknown = -2, kOnPath = -3;
    std::vector<int> causes(via_.size(), kUnknown);
    std::vector<int> path;
    for (size_t start = 0; start < via_.size(); ++start) {
      int at = static_cast<int>(start);
      while (causes[static_cast<size_t>(at)] == kUnknown) {
        causes[static_cast<size_t>(at)] = kOnPath;
        path.push_back(at);
        int next = via_[static_cast<size_t>(at)];
        if (next < 0) break;
        at = next;
      }
      int cause = causes[static_cast<size_t>(at)] >= 0 ? causes[static_cast<size_t>(at)] : at;
      for (int on_path : path) causes[static_cast<size_t>(on_path)] = cause;
      path.clear();
    }
    return causes;
  }

 private:
  struct Step {
    int index;
    size_t next;  // The next dependency to weigh; all of them when it cannot degrade.
    int worst;
  };

  void Enter(int index) {
    state_[static_cast<size_t>(index)] = 1;
    int own = graph_.rank(index);
    bool degrades = own >= 0 && can_degrade_[static_cast<size_t>(own)];
    stack_.push_back({index, degrades ? 0 : graph_.dependencies(index).size(), own});
  }

  const FeatureGraph& graph_;
  std::vector<Step> stack_;
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
