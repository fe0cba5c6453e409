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

/// One of the seed mail's three ways to intervene in features that are fair
/// or at risk (`stocktake intervene`).
struct Intervention {
  Timestamp at{};
  std::string by;                     ///< E-mail of the release manager.
  std::string kind;                   ///< One of kInterventionKinds.
  std::vector<std::string> features;  ///< Slugs of the features it targets.
  std::string text;                   ///< What was done.

  bool operator==(const Intervention&) const = default;
};

/// "effort" (someone in the community spends more effort on it), "resources"
/// (additional outside resources), "slip" (slip the schedule).
inline constexpr const char* kInterventionKinds[] = {"effort", "resources", "slip"};

/// The seed mail's wording of an intervention kind: "more effort", "outside
/// resources", "a slip"; the kind itself when unknown.
std::string InterventionKindName(const std::string& kind);

/// The release actually shipped (`release ship`).
struct Shipment {
  Timestamp at{};  ///< When it was recorded as taking effect.
  std::string by;  ///< E-mail of the release manager who recorded it.
  Date date{};     ///< The day it was released.
  std::string note;

  bool operator==(const Shipment&) const = default;
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
  std::vector<Intervention> interventions;       ///< Oldest first.
  /// Set once the release shipped: its features are no longer checked.
  std::optional<Shipment> shipped;
};

/// Where a release stands against its schedule on a given day.
enum class ReleasePhase {
  kNotStarted,
  kDevelopment,  ///< Between start and the freeze.
  kFrozen,       ///< On or after the freeze, before the planned release date.
  kPastRelease,  ///< On or after the planned release date.
};

ReleasePhase PhaseOn(const Release& release, Date today);

/// The event that records `intervention` in `version` (kind
/// release.intervention; the kind in `to`, the text as reason, the features
/// in the JSON detail).
Event InterventionEvent(const std::string& version, const Intervention& intervention);
/// The intervention a release.intervention event records; kCorruption when
/// its detail is malformed.
Result<Intervention> InterventionFromEvent(const Event& event);

/// The event that records `shipment` of `version` (kind release.shipped; the
/// date in `to`, the note as reason).
Event ShipmentEvent(const std::string& version, const Shipment& shipment);
/// The shipment a release.shipped event records; kCorruption for a bad date.
Result<Shipment> ShipmentFromEvent(const Event& event);

/// The event that records `change` to `version` (kind release.slipped; the
/// freeze dates in from/to, all four dates in the JSON detail).
Event ScheduleChangeEvent(const std::string& version, const ScheduleChange& change);
/// The schedule change a release.slipped event records; kCorruption when its
/// detail is malformed.
Result<ScheduleChange> ScheduleChangeFromEvent(const Event& event);

}  // namespace stocktake
