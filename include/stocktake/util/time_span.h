#pragma once

// TimeSpan: a calendar-aware length of time, whole months (added on the
// calendar, clamped to the month's end) plus seconds, so "6mo" from 31 August
// ends on 28 or 29 February and "72h" is exactly 259,200 seconds. Windows of
// the lazy-consensus process, stage time frames and a proposal's own window
// are TimeSpans; it sits in util/ because both model/ and process/ need it.
// A value type; all functions are pure and thread-safe.

#include <chrono>
#include <string>
#include <string_view>

#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// A length of time: calendar months plus seconds. Zero means "no limit" where
/// a field says so.
struct TimeSpan {
  int months = 0;
  std::chrono::seconds seconds{0};

  bool IsZero() const { return months == 0 && seconds.count() == 0; }
  bool operator==(const TimeSpan&) const = default;

  static TimeSpan Hours(int hours) { return {0, std::chrono::hours(hours)}; }
  static TimeSpan Days(int days) { return {0, std::chrono::hours(24 * days)}; }
  static TimeSpan Months(int months) { return {months, std::chrono::seconds(0)}; }
};

/// Parses a span: a number and a unit, optionally several ("1mo 2w"). Units:
/// "s", "min", "h", "d", "w", "mo", "y" and their words ("hours", "days",
/// "weeks", "months", "years"; singular or plural), with or without a space:
/// "7d", "72h", "6mo", "6 months", "2w". Errors are kInvalidArgument and show an
/// example of what is accepted.
Result<TimeSpan> ParseTimeSpan(std::string_view text);

/// The shortest canonical text: "7d", "72h" (hours when not whole days),
/// "6mo", "1mo 2d", "0s".
std::string FormatTimeSpan(const TimeSpan& span);

/// `at` plus `span`: months first (on the calendar, keeping the time of day,
/// clamped to the month's end), then the seconds.
Timestamp AddTimeSpan(Timestamp at, const TimeSpan& span);

/// `at` minus `span`, the inverse order of AddTimeSpan.
Timestamp SubtractTimeSpan(Timestamp at, const TimeSpan& span);

}  // namespace stocktake
