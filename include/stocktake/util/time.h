#pragma once

// Calendar dates and instants, and their ISO 8601 text forms. Every
// time-dependent rule in libstocktake takes the current instant as a parameter
// (never reads a clock), so reports and checks are exact for any `--now`.
// All functions are pure and thread-safe.

#include <chrono>
#include <string>
#include <string_view>

#include "stocktake/result.h"

namespace stocktake {

/// A calendar day (UTC).
using Date = std::chrono::sys_days;
/// An instant with second precision (UTC).
using Timestamp = std::chrono::sys_seconds;

/// Parses "YYYY-MM-DD". Rejects impossible days (2013-02-30) with kInvalidArgument.
Result<Date> ParseDate(std::string_view text);

/// Parses "YYYY-MM-DD", "YYYY-MM-DDTHH:MM[:SS][Z|+HH:MM|-HH:MM]" (a space may
/// replace the T). A bare date is midnight UTC. Errors are kInvalidArgument.
Result<Timestamp> ParseTimestamp(std::string_view text);

/// "2013-01-21".
std::string FormatDate(Date date);
/// "2013-01-21T09:30:00Z".
std::string FormatTimestamp(Timestamp at);
/// RFC 5322 date, e.g. "Mon, 21 Jan 2013 00:00:00 +0000".
std::string FormatRfc5322(Timestamp at);

/// The day that contains `at`.
Date DayOf(Timestamp at);
/// Midnight UTC at the start of `date`.
Timestamp StartOf(Date date);

/// Whole calendar months from `from` to `to` (negative when `to` is earlier):
/// 2012-09-17 → 2013-01-21 is 4, 2012-09-17 → 2013-06-17 is 9.
int WholeMonthsBetween(Date from, Date to);

/// Days from `from` to `to`, negative when `to` is earlier.
int DaysBetween(Date from, Date to);

/// The date `months` calendar months after `date`, clamped to the month's end.
Date AddMonths(Date date, int months);

}  // namespace stocktake
