#pragma once

// Release: a version with its schedule (start, feature freeze, planned release
// date) and the free-form paragraphs of its Taking-stock report. Every schedule
// change is kept with its reason: a slip is an intervention. A value type.

#include <optional>
#include <string>
#include <vector>

#include "stocktake/model/event.h"
#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// One recorded change of a release's schedule.
struct ScheduleChange {
  Timestamp at{};
  std::string by;  ///< E-mail of the person who made it.
  Date old_freeze{};
  Date new_freeze{};
  Date old_release{};
  Date new_release{};
  std::string reason;
};

struct Release {
  std::string version;  ///< "4.3"; unique.
  Date start{};
  Date freeze{};   ///< Feature freeze.
  Date release{};  ///< Planned release date.
  /// The Taking-stock mail around the generated parts: "{{schedule}}" stands for
  /// the schedule sentence, "{{features}}" for the feature lists.
  std::string report_template;
  std::vector<ScheduleChange> schedule_changes;  ///< Oldest first.
};

/// Where a release stands against its schedule on a given day.
enum class ReleasePhase {
  kNotStarted,
  kDevelopment,  ///< Between start and the freeze.
  kFrozen,       ///< On or after the freeze, before the planned release date.
  kPastRelease,  ///< On or after the planned release date.
};

ReleasePhase PhaseOn(const Release& release, Date today);

/// The event that records `change` to `version` (kind release.slipped; the
/// freeze dates in from/to, all four dates in the JSON detail).
Event ScheduleChangeEvent(const std::string& version, const ScheduleChange& change);
/// The schedule change a release.slipped event records; kCorruption when its
/// detail is malformed.
Result<ScheduleChange> ScheduleChangeFromEvent(const Event& event);

}  // namespace stocktake
