#include "stocktake/util/time_span.h"

#include <fmt/format.h>

#include <cctype>
#include <vector>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

Error BadSpan(std::string_view text, std::string_view why) {
  return Error::InvalidArgument(fmt::format(
      "'{}' is not a valid time span ({}): write a number and a unit, e.g. 72h, 7d, 2w, "
      "6mo or \"6 months\"",
      text, why));
}

struct Unit {
  std::string_view name;
  int months;
  std::int64_t seconds;
};

constexpr Unit kUnits[] = {
    {"s", 0, 1},        {"sec", 0, 1},      {"second", 0, 1},    {"seconds", 0, 1},
    {"min", 0, 60},     {"minute", 0, 60},  {"minutes", 0, 60},  {"h", 0, 3600},
    {"hour", 0, 3600},  {"hours", 0, 3600}, {"d", 0, 86400},     {"day", 0, 86400},
    {"days", 0, 86400}, {"w", 0, 604800},   {"week", 0, 604800}, {"weeks", 0, 604800},
    {"mo", 1, 0},       {"month", 1, 0},    {"months", 1, 0},    {"y", 12, 0},
    {"year", 12, 0},    {"years", 12, 0},
};

}  // namespace

Result<TimeSpan> ParseTimeSpan(std::string_view text) {
  std::string lower = ToLower(Trim(text));
  std::string_view rest = lower;
  if (rest.empty()) return Fail(BadSpan(text, "it is empty"));
  TimeSpan span;
  while (!rest.empty()) {
    size_t digits = 0;
    while (digits < rest.size() && std::isdigit(static_cast<unsigned char>(rest[digits]))) {
      ++digits;
    }
    if (digits == 0) return Fail(BadSpan(text, "a number is missing"));
    if (digits > 6) return Fail(BadSpan(text, "the number is too large"));
    int count = std::stoi(std::string(rest.substr(0, digits)));
    rest.remove_prefix(digits);
    while (!rest.empty() && rest.front() == ' ') rest.remove_prefix(1);
    size_t letters = 0;
    while (letters < rest.size() && std::isalpha(static_cast<unsigned char>(rest[letters]))) {
      ++letters;
    }
    std::string_view unit_name = rest.substr(0, letters);
    rest.remove_prefix(letters);
    while (!rest.empty() && (rest.front() == ' ' || rest.front() == ',')) rest.remove_prefix(1);
    if (unit_name.empty()) return Fail(BadSpan(text, "the unit is missing"));
    const Unit* unit = nullptr;
    for (const Unit& candidate : kUnits) {
      if (candidate.name == unit_name) unit = &candidate;
    }
    if (unit == nullptr) {
      return Fail(BadSpan(text, fmt::format("unknown unit '{}'", unit_name)));
    }
    span.months += count * unit->months;
    span.seconds += std::chrono::seconds(count * unit->seconds);
  }
  return span;
}

std::string FormatTimeSpan(const TimeSpan& span) {
  std::vector<std::string> parts;
  if (span.months != 0) {
    if (span.months % 12 == 0) {
      parts.push_back(fmt::format("{}y", span.months / 12));
    } else {
      parts.push_back(fmt::format("{}mo", span.months));
    }
  }
  std::int64_t seconds = span.seconds.count();
  if (seconds != 0) {
    if (seconds % 86400 == 0) {
      parts.push_back(fmt::format("{}d", seconds / 86400));
    } else if (seconds % 3600 == 0) {
      parts.push_back(fmt::format("{}h", seconds / 3600));
    } else if (seconds % 60 == 0) {
      parts.push_back(fmt::format("{}min", seconds / 60));
    } else {
      parts.push_back(fmt::format("{}s", seconds));
    }
  }
  if (parts.empty()) return "0s";
  return Join(parts, " ");
}

Timestamp AddTimeSpan(Timestamp at, const TimeSpan& span) {
  if (span.months != 0) {
    Date day = DayOf(at);
    auto time_of_day = at - StartOf(day);
    at = StartOf(AddMonths(day, span.months)) + time_of_day;
  }
  return at + span.seconds;
}

Timestamp SubtractTimeSpan(Timestamp at, const TimeSpan& span) {
  at -= span.seconds;
  if (span.months != 0) {
    Date day = DayOf(at);
    auto time_of_day = at - StartOf(day);
    at = StartOf(AddMonths(day, -span.months)) + time_of_day;
  }
  return at;
}

}  // namespace stocktake
