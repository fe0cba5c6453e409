#include "stocktake/analysis/schedule.h"

#include <fmt/format.h>

#include <cstdlib>

namespace stocktake {
namespace {

std::string Count(int count, const char* unit) {
  return fmt::format("{} {}{}", count, unit, count == 1 ? "" : "s");
}

}  // namespace

std::string SpanBetween(Date from, Date to) {
  if (to < from) std::swap(from, to);
  int months = WholeMonthsBetween(from, to);
  if (months >= 1) return Count(months, "month");
  int days = DaysBetween(from, to);
  if (days >= 7) return Count(days / 7, "week");
  return Count(days, "day");
}

SchedulePosition PositionOn(const Release& release, Date today) {
  SchedulePosition position;
  position.phase = PhaseOn(release, today);
  position.days_since_start = DaysBetween(release.start, today);
  position.days_to_freeze = DaysBetween(today, release.freeze);
  position.days_to_release = DaysBetween(today, release.release);
  position.schedule_months = WholeMonthsBetween(release.start, release.release);
  if (release.shipped && release.shipped->date <= today) {
    Date shipped = release.shipped->date;
    position.released_on = shipped;
    position.days_late = DaysBetween(release.release, shipped);
    std::string against = shipped == release.release
                              ? "on its planned release date"
                              : fmt::format("{} {} its planned release date {}",
                                            SpanBetween(release.release, shipped),
                                            shipped > release.release ? "after" : "before",
                                            FormatDate(release.release));
    position.sentence =
        fmt::format("{} was released on {}, {}.", release.version, FormatDate(shipped), against);
    return position;
  }
  // The seed writes "9-months release schedule"; keep its hyphenation.
  std::string schedule =
      fmt::format("our estimated {}-month{} release schedule", position.schedule_months,
                  position.schedule_months == 1 ? "" : "s");
  switch (position.phase) {
    case ReleasePhase::kNotStarted:
      position.sentence = fmt::format(
          "We're {} away from the start of {}, and {} away from the scheduled feature freeze.",
          SpanBetween(today, release.start), schedule, SpanBetween(today, release.freeze));
      break;
    case ReleasePhase::kDevelopment:
      position.sentence = fmt::format(
          "We're {} into {}, and {} away from the scheduled feature freeze.",
          SpanBetween(release.start, today), schedule, SpanBetween(today, release.freeze));
      break;
    case ReleasePhase::kFrozen: {
      std::string freeze =
          today == release.freeze
              ? std::string("the feature freeze is today")
              : fmt::format("the feature freeze was {} ago", SpanBetween(release.freeze, today));
      position.sentence = fmt::format("We're {} into {}; {}, and the release is planned in {}.",
                                      SpanBetween(release.start, today), schedule, freeze,
                                      SpanBetween(today, release.release));
      break;
    }
    case ReleasePhase::kPastRelease:
      position.sentence = fmt::format("We're {} into {}, {} past the planned release date.",
                                      SpanBetween(release.start, today), schedule,
                                      SpanBetween(release.release, today));
      break;
  }
  return position;
}

}  // namespace stocktake
