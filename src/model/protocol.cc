#include "stocktake/model/protocol.h"

namespace stocktake {

std::string_view ImplementationRoleName(ImplementationRole role) {
  return role == ImplementationRole::kFrontend ? "frontend" : "backend";
}

std::optional<ImplementationRole> ParseImplementationRole(std::string_view name) {
  if (name == "frontend") return ImplementationRole::kFrontend;
  if (name == "backend") return ImplementationRole::kBackend;
  return std::nullopt;
}

std::string_view ImplementationStateName(ImplementationState state) {
  switch (state) {
    case ImplementationState::kNone:
      return "none";
    case ImplementationState::kPosted:
      return "posted";
    case ImplementationState::kCommitted:
      return "committed";
  }
  return "none";
}

std::optional<ImplementationState> ParseImplementationState(std::string_view name) {
  if (name == "none") return ImplementationState::kNone;
  if (name == "posted") return ImplementationState::kPosted;
  if (name == "committed") return ImplementationState::kCommitted;
  return std::nullopt;
}

std::optional<Timestamp> Protocol::StageEnteredAt() const {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->to == stage) return it->at;
  }
  return std::nullopt;
}

std::string Protocol::StageAt(Timestamp at) const {
  // The latest change at or before `at` wins; equal times keep recorded order.
  const StageChange* latest = nullptr;
  for (const auto& change : history) {
    if (change.at <= at && (latest == nullptr || change.at >= latest->at)) latest = &change;
  }
  return latest != nullptr ? latest->to : std::string();
}

const CriterionWaiver* Protocol::FindWaiver(std::string_view stage_id,
                                            std::string_view criterion) const {
  for (const auto& waiver : waivers) {
    if (waiver.stage == stage_id && waiver.criterion == criterion) return &waiver;
  }
  return nullptr;
}

}  // namespace stocktake
