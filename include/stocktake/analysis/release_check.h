#pragma once

// The release manager's early warning (`stocktake check`): the rules that would
// have caught the missing stable libxl API before the 4.2 freeze. Each alert
// names the feature, the rule and what to do. Pure; `now` is a parameter.

#include <string>
#include <vector>

#include "stocktake/analysis/risk.h"
#include "stocktake/model/feature.h"
#include "stocktake/model/release.h"
#include "stocktake/process/process.h"

namespace stocktake {

/// Rule ids, as printed and in JSON.
namespace check_rule {
inline constexpr char kDependencyRisk[] = "dependency-risk";
inline constexpr char kMustHave[] = "must-have";
inline constexpr char kStale[] = "stale";
inline constexpr char kFreezeApproaching[] = "freeze-approaching";
inline constexpr char kPastFreeze[] = "past-freeze";
}  // namespace check_rule

struct Alert {
  std::string subject;  ///< Feature slug (or protocol name, proposal id for lifecycle rules).
  std::string title;    ///< Display name of the subject.
  std::string rule;     ///< One of check_rule.
  std::string message;  ///< What is wrong.
  std::string action;   ///< What to do about it.
};

/// Runs every rule over the release's features (those taken out of the release
/// and finished ones are skipped where a rule does not concern them).
/// `features` may hold features of other releases that these depend on.
std::vector<Alert> CheckRelease(const Process& process, const Release& release,
                                const std::vector<Feature>& features, Timestamp now);

}  // namespace stocktake
