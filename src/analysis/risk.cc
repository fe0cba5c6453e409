#include "stocktake/analysis/risk.h"

namespace stocktake {
namespace {

class Propagation {
 public:
  Propagation(const Process& process, const std::vector<Feature>& features)
      : process_(process) {
    for (const auto& feature : features) by_slug_[feature.slug] = &feature;
  }

  const EffectiveStatus& Resolve(const Feature& feature) {
    if (auto it = result_.find(feature.slug); it != result_.end()) return it->second;
    // A feature met again while resolving itself closes a cycle: use its own status.
    if (!visiting_.emplace(feature.slug, true).second) {
      cycle_fallback_ = EffectiveStatus{feature.status, {}};
      return cycle_fallback_;
    }
    EffectiveStatus effective{feature.status, {}};
    const StatusDefinition* own = process_.FindStatus(feature.status);
    bool can_degrade = own != nullptr && own->in_release && !own->done;
    if (can_degrade) {
      int worst = process_.Rank(feature.status);
      for (const auto& dependency_slug : feature.depends_on) {
        auto it = by_slug_.find(dependency_slug);
        if (it == by_slug_.end()) continue;
        const Feature& dependency = *it->second;
        EffectiveStatus through = Resolve(dependency);
        std::string status = through.status;
        const StatusDefinition* definition = process_.FindStatus(status);
        if (definition != nullptr && !definition->in_release) {
          status = process_.LeastLikely().id;
        }
        int rank = process_.Rank(status);
        if (rank > worst) {
          worst = rank;
          effective.status = status;
          effective.chain = {dependency.slug};
          effective.chain.insert(effective.chain.end(), through.chain.begin(),
                                 through.chain.end());
        }
      }
    }
    visiting_.erase(feature.slug);
    return result_.emplace(feature.slug, std::move(effective)).first->second;
  }

  std::unordered_map<std::string, EffectiveStatus> Take() { return std::move(result_); }

 private:
  const Process& process_;
  std::unordered_map<std::string, const Feature*> by_slug_;
  std::unordered_map<std::string, bool> visiting_;
  std::unordered_map<std::string, EffectiveStatus> result_;
  EffectiveStatus cycle_fallback_;
};

}  // namespace

std::unordered_map<std::string, EffectiveStatus> ComputeEffectiveStatuses(
    const Process& process, const std::vector<Feature>& features) {
  Propagation propagation(process, features);
  for (const auto& feature : features) propagation.Resolve(feature);
  return propagation.Take();
}

}  // namespace stocktake
