#pragma once

// Risk propagation: a feature is no more likely to land than the features it
// depends on. Its effective status is the least likely of its own and its
// dependencies' effective statuses, with the chain of features that caused it.
// Finished features keep their status. Pure.

#include <string>
#include <unordered_map>
#include <vector>

#include "stocktake/model/feature.h"
#include "stocktake/process/process.h"

namespace stocktake {

struct EffectiveStatus {
  std::string status;  ///< Effective status id.
  /// Slugs from the first dependency to the feature whose own status is the
  /// cause; empty when the effective status is the feature's own.
  std::vector<std::string> chain;

  bool Differs() const { return !chain.empty(); }
};

/// Effective statuses of every feature in `features`, by slug. Dependencies not
/// in `features` are ignored; a dependency taken out of the release (dropped)
/// counts as the least likely status still in the release. Cycles are cut.
std::unordered_map<std::string, EffectiveStatus> ComputeEffectiveStatuses(
    const Process& process, const std::vector<Feature>& features);

}  // namespace stocktake
