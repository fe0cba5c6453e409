#include "stocktake/analysis/release_check.h"

#include <fmt/format.h>

namespace stocktake {

std::vector<Alert> CheckRelease(const Process& process, const Release& release,
                                const std::vector<Feature>& features, Timestamp now) {
  std::vector<Alert> alerts;
  FeatureGraph graph(process, features);
  auto effective = ComputeEffectiveStatuses(graph);
  Date today = DayOf(now);
  ReleasePhase phase = PhaseOn(release, today);
  int on_track_rank = -1;
  for (size_t i = 0; i < process.statuses.size(); ++i) {
    if (!process.statuses[i].done && process.statuses[i].in_release) {
      on_track_rank = static_cast<int>(i);
      break;
    }
  }

  for (size_t index = 0; index < features.size(); ++index) {
    const Feature& feature = features[index];
    if (feature.release != release.version) continue;
    const StatusDefinition* own = process.FindStatus(feature.status);
    if (own == nullptr || !own->in_release || own->done) continue;
    const EffectiveStatus& status = effective[index];
    const std::string& effective_status = process.statuses[static_cast<size_t>(status.rank)].id;
    std::string name = feature.DisplayName();
    auto add = [&](const char* rule, std::string message, std::string action) {
      alerts.push_back({feature.slug, name, rule, std::move(message), std::move(action)});
    };

    if (status.Differs()) {
      std::string chain = name;
      for (size_t at = 0; at < status.chain.size(); ++at) {
        if (status.chain_cut && at + 1 == status.chain.size()) chain += " -> …";
        chain += " -> " + graph.at(status.chain[at]).DisplayName();
      }
      const Feature& cause = graph.at(status.chain.back());
      add(check_rule::kDependencyRisk,
          fmt::format("'{}' is marked {} but depends on '{}', which is {}: it is effectively {} "
                      "(chain: {})",
                      name, feature.status, cause.DisplayName(), cause.status, effective_status,
                      chain),
          fmt::format("get '{}' back on track, or remove the dependency; then record the "
                      "outcome with 'stocktake feature set {} --status STATUS'",
                      cause.DisplayName(), feature.slug));
    }

    if (feature.must_have && status.rank > on_track_rank) {
      add(check_rule::kMustHave,
          fmt::format("must-have '{}' is {}, not on track", name, effective_status),
          "intervene: get someone in the community to spend more effort on it, ask for outside "
          "resources, or slip the schedule ('stocktake release slip')");
    }

    int idle_days = DaysBetween(DayOf(feature.updated_at), today);
    if (idle_days > process.staleness_days) {
      add(check_rule::kStale,
          fmt::format("'{}' has had no update for {} days (last on {}; the limit is {} days)", name,
                      idle_days, FormatDate(DayOf(feature.updated_at)), process.staleness_days),
          fmt::format("ask its owners{} for news and record it with 'stocktake feature set {} "
                      "--status STATUS --reason TEXT'",
                      feature.owners.empty() ? "" : " (" + feature.owners.front() + ")",
                      feature.slug));
    }

    int days_to_freeze = DaysBetween(today, release.freeze);
    if (phase == ReleasePhase::kDevelopment && days_to_freeze <= process.freeze_warning_days &&
        feature.freeze_exception.empty()) {
      add(check_rule::kFreezeApproaching,
          fmt::format("the feature freeze is in {} day{} ({}) and '{}' is {}, not finished",
                      days_to_freeze, days_to_freeze == 1 ? "" : "s", FormatDate(release.freeze),
                      name, effective_status),
          fmt::format("finish it, ask for a freeze exception ('stocktake feature set {} "
                      "--freeze-exception REASON'), or move it to a later release "
                      "('--release VERSION')",
                      feature.slug));
    }

    if (phase != ReleasePhase::kDevelopment && phase != ReleasePhase::kNotStarted &&
        feature.freeze_exception.empty()) {
      add(check_rule::kPastFreeze,
          fmt::format("the feature freeze was on {} and '{}' is {}, not finished, with no freeze "
                      "exception",
                      FormatDate(release.freeze), name, effective_status),
          fmt::format("record an exception ('stocktake feature set {} --freeze-exception "
                      "REASON'), move it to a later release ('--release VERSION') or drop it "
                      "('--status dropped')",
                      feature.slug));
    }
  }
  return alerts;
}

}  // namespace stocktake
