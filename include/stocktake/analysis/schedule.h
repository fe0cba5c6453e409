#pragma once

// Where a release stands against its schedule on a given day, in the words of a
// Taking-stock mail: "We're 4 months into our estimated 9-months release
// schedule, and 2 months away from the scheduled feature freeze." Pure.

#include <optional>
#include <string>

#include "stocktake/model/release.h"

namespace stocktake {

struct SchedulePosition {
  ReleasePhase phase = ReleasePhase::kDevelopment;
  int days_since_start = 0;  ///< Negative before the start.
  int days_to_freeze = 0;    ///< Negative after the freeze.
  int days_to_release = 0;   ///< Negative after the planned release date.
  int schedule_months = 0;   ///< Whole months from start to planned release.
  /// The day it was released, once it shipped on or before `today`.
  std::optional<Date> released_on;
  /// Days from the planned release date to the day it shipped (negative:
  /// early); 0 when it has not shipped.
  int days_late = 0;
  std::string sentence;  ///< The schedule sentence, ending with a full stop.
};

SchedulePosition PositionOn(const Release& release, Date today);

/// "4 months", "1 month", "3 weeks", "1 day", "0 days": the largest whole unit
/// (months, else weeks, else days) between two days, in either order.
std::string SpanBetween(Date from, Date to);

}  // namespace stocktake
