#include "stocktake/analysis/release_check.h"

#include <fmt/format.h>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

// The seed mail's three ways to intervene.
constexpr char kInterventions[] =
    "intervene: get someone in the community to spend more effort on it, ask for outside "
    "resources, or slip the schedule ('stocktake release slip'); record it with 'stocktake "
    "intervene VERSION --kind effort|resources|slip --feature SLUG --text TEXT'";

int OnTrackRank(const Process& process) {
  for (size_t i = 0; i < process.statuses.size(); ++i) {
    if (!process.statuses[i].done && process.statuses[i].in_release) return static_cast<int>(i);
  }
  return -1;
}

// The sub-items (at any depth) of `index` in the release, and with
// `dependencies` its dependencies, whose effective status is less likely
// than on track: "'vTPM' (sub-item, fair)".
std::vector<std::string> WeakParts(const FeatureGraph& graph,
                                   const std::vector<EffectiveStatus>& effective, int index,
                                   int on_track_rank, bool dependencies) {
  const Process& process = graph.process();
  auto weak = [&](int at) {
    int rank = effective[static_cast<size_t>(at)].rank;
    return rank > on_track_rank && process.statuses[static_cast<size_t>(rank)].in_release;
  };
  auto describe = [&](int at, const char* relation) {
    return fmt::format(
        "'{}' ({}, {})", graph.at(at).DisplayName(), relation,
        process.statuses[static_cast<size_t>(effective[static_cast<size_t>(at)].rank)].id);
  };
  std::vector<std::string> parts;
  std::vector<int> stack(graph.children(index).rbegin(), graph.children(index).rend());
  for (size_t steps = 0; !stack.empty() && steps < graph.size(); ++steps) {
    int at = stack.back();
    stack.pop_back();
    if (weak(at)) parts.push_back(describe(at, "sub-item"));
    stack.insert(stack.end(), graph.children(at).rbegin(), graph.children(at).rend());
  }
  for (int dependency : graph.dependencies(index)) {
    if (dependencies && dependency >= 0 && weak(dependency))
      parts.push_back(describe(dependency, "dependency"));
  }
  return parts;
}

void AddMustHaveAlerts(const FeatureGraph& graph, const std::vector<EffectiveStatus>& effective,
                       int index, int on_track_rank, std::vector<Alert>& alerts) {
  const Process& process = graph.process();
  const Feature& feature = graph.at(index);
  std::string name = feature.DisplayName();
  const StatusDefinition* own = process.FindStatus(feature.status);
  auto add = [&](std::string message) {
    alerts.push_back(
        {feature.slug, name, check_rule::kMustHave, std::move(message), kInterventions});
  };
  if (!own->in_release) {
    add(fmt::format("must-have '{}' is {}: taken out of the release", name, feature.status));
    return;
  }
  const EffectiveStatus& status = effective[static_cast<size_t>(index)];
  if (status.rank > on_track_rank) {
    const std::string& effective_status = process.statuses[static_cast<size_t>(status.rank)].id;
    add(status.Differs()
            ? fmt::format("must-have '{}' is {}, not on track, through '{}', which is {}", name,
                          effective_status, graph.at(status.chain.back()).DisplayName(),
                          graph.at(status.chain.back()).status)
            : fmt::format("must-have '{}' is {}, not on track", name, effective_status));
  }
  // A weak dependency makes a feature that is not finished weak itself, which
  // the alert above names; a finished one keeps its status.
  std::vector<std::string> weak =
      WeakParts(graph, effective, index, on_track_rank, status.rank <= on_track_rank);
  if (!weak.empty()) {
    add(fmt::format("must-have '{}' needs {}, not on track", name, Join(weak, ", ")));
  }
}

// Must-haves that left the release: moved to another one, or removed.
void AddTakenOutAlerts(const Release& release, const CheckInputs& inputs,
                       std::vector<Alert>& alerts) {
  for (const Feature& moved : inputs.must_haves_moved_out) {
    alerts.push_back({moved.slug, moved.DisplayName(), check_rule::kMustHave,
                      fmt::format("must-have '{}' was moved out of {} to {}", moved.DisplayName(),
                                  release.version, moved.release),
                      fmt::format("bring it back ('stocktake feature set {} --release {}') or "
                                  "decide {} can ship without it; to keep it, {}",
                                  moved.slug, release.version, release.version, kInterventions)});
  }
  for (const Feature& removed : inputs.must_haves_removed) {
    alerts.push_back(
        {removed.slug, removed.DisplayName(), check_rule::kMustHave,
         fmt::format("must-have '{}' was removed from {}", removed.DisplayName(), release.version),
         fmt::format("restore it ('stocktake feature restore {}') or decide {} can "
                     "ship without it; to keep it, {}",
                     removed.slug, release.version, kInterventions)});
  }
}

// A feature that depends on a feature of a release planned later cannot
// land in time.
void AddLaterDependencyAlerts(const FeatureGraph& graph, int index, const Release& release,
                              const CheckInputs& inputs, std::vector<Alert>& alerts) {
  const Feature& feature = graph.at(index);
  std::string name = feature.DisplayName();
  auto ours = inputs.release_dates.find(release.version);
  if (ours == inputs.release_dates.end()) return;
  for (int dependency : graph.dependencies(index)) {
    if (dependency < 0) continue;
    const Feature& needed = graph.at(dependency);
    auto theirs = inputs.release_dates.find(needed.release);
    if (needed.release == release.version || theirs == inputs.release_dates.end() ||
        theirs->second <= ours->second) {
      continue;
    }
    alerts.push_back(
        {feature.slug, name, check_rule::kLaterDependency,
         fmt::format("'{}' depends on '{}', which is planned for {} ({}), after {} ({})", name,
                     needed.DisplayName(), needed.release, FormatDate(theirs->second),
                     release.version, FormatDate(ours->second)),
         fmt::format("move '{}' to {} ('stocktake feature set {} --release {}'), move '{}' to "
                     "{}, or remove the dependency ('--no-depends-on {}')",
                     name, needed.release, feature.slug, needed.release, needed.DisplayName(),
                     release.version, needed.slug)});
  }
}

}  // namespace

std::vector<Alert> CheckRelease(const Process& process, const Release& release,
                                const std::vector<Feature>& features, Timestamp now,
                                const CheckInputs& inputs) {
  std::vector<Alert> alerts;
  // A release that shipped is history: nothing in it can still be acted on.
  if (release.shipped && release.shipped->date <= DayOf(now)) return alerts;
  FeatureGraph graph(process, features);
  auto effective = ComputeEffectiveStatuses(graph);
  Date today = DayOf(now);
  ReleasePhase phase = PhaseOn(release, today);
  int on_track_rank = OnTrackRank(process);
  AddTakenOutAlerts(release, inputs, alerts);

  for (size_t index = 0; index < features.size(); ++index) {
    const Feature& feature = features[index];
    if (feature.release != release.version || feature.removed) continue;
    const StatusDefinition* own = process.FindStatus(feature.status);
    if (own == nullptr) continue;
    if (feature.must_have) {
      AddMustHaveAlerts(graph, effective, static_cast<int>(index), on_track_rank, alerts);
    }
    if (!own->in_release || own->done) continue;
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

    AddLaterDependencyAlerts(graph, static_cast<int>(index), release, inputs, alerts);

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
