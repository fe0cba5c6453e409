#include "stocktake/model/release.h"

#include <fmt/format.h>

#include <nlohmann/json.hpp>

namespace stocktake {

ReleasePhase PhaseOn(const Release& release, Date today) {
  if (today < release.start) return ReleasePhase::kNotStarted;
  if (today < release.freeze) return ReleasePhase::kDevelopment;
  if (today < release.release) return ReleasePhase::kFrozen;
  return ReleasePhase::kPastRelease;
}

std::string InterventionKindName(const std::string& kind) {
  if (kind == "effort") return "more effort";
  if (kind == "resources") return "outside resources";
  if (kind == "slip") return "a slip";
  return kind;
}

Event InterventionEvent(const std::string& version, const Intervention& intervention) {
  Event event;
  event.at = intervention.at;
  event.actor = intervention.by;
  event.kind = event_kind::kReleaseIntervention;
  event.release = version;
  event.subject = version;
  event.to = intervention.kind;
  event.reason = intervention.text;
  event.detail = nlohmann::json{{"features", intervention.features}}.dump();
  return event;
}

Result<Intervention> InterventionFromEvent(const Event& event) {
  auto detail = nlohmann::json::parse(event.detail, nullptr, false);
  Intervention intervention{event.at, event.actor, event.to, {}, event.reason};
  if (!detail.is_object() || !detail.contains("features") || !detail["features"].is_array()) {
    return Fail(Error::Corruption(
        fmt::format("event {} (release.intervention) lacks its features", event.id)));
  }
  for (const auto& slug : detail["features"]) {
    if (!slug.is_string()) {
      return Fail(Error::Corruption(fmt::format(
          "event {} (release.intervention) has a feature that is not a slug", event.id)));
    }
    intervention.features.push_back(slug.get<std::string>());
  }
  return intervention;
}

Event ShipmentEvent(const std::string& version, const Shipment& shipment) {
  Event event;
  event.at = shipment.at;
  event.actor = shipment.by;
  event.kind = event_kind::kReleaseShipped;
  event.release = version;
  event.subject = version;
  event.to = FormatDate(shipment.date);
  event.reason = shipment.note;
  return event;
}

Result<Shipment> ShipmentFromEvent(const Event& event) {
  auto date = ParseDate(event.to);
  if (!date) {
    return Fail(Error::Corruption(
        fmt::format("event {} (release.shipped) has a bad date '{}'", event.id, event.to)));
  }
  return Shipment{event.at, event.actor, *date, event.reason};
}

Event ScheduleChangeEvent(const std::string& version, const ScheduleChange& change) {
  Event event;
  event.at = change.at;
  event.actor = change.by;
  event.kind = event_kind::kReleaseSlipped;
  event.release = version;
  event.subject = version;
  event.from = FormatDate(change.old_freeze);
  event.to = FormatDate(change.new_freeze);
  event.reason = change.reason;
  event.detail = nlohmann::json{{"old_freeze", FormatDate(change.old_freeze)},
                                {"new_freeze", FormatDate(change.new_freeze)},
                                {"old_release", FormatDate(change.old_release)},
                                {"new_release", FormatDate(change.new_release)}}
                     .dump();
  return event;
}

Result<ScheduleChange> ScheduleChangeFromEvent(const Event& event) {
  auto detail = nlohmann::json::parse(event.detail, nullptr, false);
  auto date = [&](const char* key) -> Result<Date> {
    if (!detail.is_object() || !detail.contains(key) || !detail[key].is_string()) {
      return Fail(
          Error::Corruption(fmt::format("event {} lacks '{}' in its detail", event.id, key)));
    }
    auto parsed = ParseDate(detail[key].get<std::string>());
    if (!parsed) {
      return Fail(Error::Corruption(fmt::format("event {} has a bad '{}'", event.id, key)));
    }
    return *parsed;
  };
  ScheduleChange change;
  change.at = event.at;
  change.by = event.actor;
  change.reason = event.reason;
  change.old_freeze = ST_TRY(date("old_freeze"));
  change.new_freeze = ST_TRY(date("new_freeze"));
  change.old_release = ST_TRY(date("old_release"));
  change.new_release = ST_TRY(date("new_release"));
  return change;
}

}  // namespace stocktake
