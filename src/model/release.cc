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
