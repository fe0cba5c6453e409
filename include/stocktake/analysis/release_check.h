#pragma once

// The release manager's early warning (`stocktake check`): the rules that would
// have caught the missing stable libxl API before the 4.2 freeze. Each alert
// names the feature, the rule and what to do. Pure; `now` is a parameter.

#include <map>
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
/// A feature depends on a feature planned for a later release.
inline constexpr char kLaterDependency[] = "later-dependency";
}  // namespace check_rule

/// What the rules need besides the release's features.
struct CheckInputs {
  /// Features moved out of the release that were must-haves when they went.
  std::vector<Feature> must_haves_moved_out;
  /// The release's removed features that were must-haves.
  std::vector<Feature> must_haves_removed;
  /// Each known release's planned release date, by version: a dependency on
  /// a feature of a release planned later is flagged.
  std::map<std::string, Date> release_dates;
};

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
/// A must-have is flagged when it is taken out of the release (dropped, or
/// moved out or removed: `inputs`), when it is not on track, and when one of its
/// sub-items or dependencies is fair or at risk, naming which.
std::vector<Alert> CheckRelease(const Process& process, const Release& release,
                                const std::vector<Feature>& features, Timestamp now,
                                const CheckInputs& inputs = {});

}  // namespace stocktake
