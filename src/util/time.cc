#include "stocktake/util/time.h"

#include <fmt/format.h>

#include <array>
#include <cctype>

namespace stocktake {
namespace {

bool ReadDigits(std::string_view text, size_t pos, size_t count, int* value) {
  if (pos + count > text.size()) return false;
  int result = 0;
  for (size_t i = pos; i < pos + count; ++i) {
    if (!std::isdigit(static_cast<unsigned char>(text[i]))) return false;
    result = result * 10 + (text[i] - '0');
  }
  *value = result;
  return true;
}

Error BadDate(std::string_view text) {
  return Error::InvalidArgument(
      fmt::format("'{}' is not a valid date: write YYYY-MM-DD, e.g. 2013-03-25", text));
}

Error BadTimestamp(std::string_view text) {
  return Error::InvalidArgument(
      fmt::format("'{}' is not a valid date or time: write YYYY-MM-DD or YYYY-MM-DDTHH:MM:SSZ, "
                  "e.g. 2013-01-21T09:00:00Z",
                  text));
}

}  // namespace

Result<Date> ParseDate(std::string_view text) {
  int year = 0, month = 0, day = 0;
  if (text.size() != 10 || text[4] != '-' || text[7] != '-' || !ReadDigits(text, 0, 4, &year) ||
      !ReadDigits(text, 5, 2, &month) || !ReadDigits(text, 8, 2, &day)) {
    return Fail(BadDate(text));
  }
  std::chrono::year_month_day ymd{std::chrono::year(year), std::chrono::month(month),
                                  std::chrono::day(day)};
  if (!ymd.ok()) return Fail(BadDate(text));
  return Date(ymd);
}

Result<Timestamp> ParseTimestamp(std::string_view text) {
  if (text.size() < 10) return Fail(BadTimestamp(text));
  auto date = ParseDate(text.substr(0, 10));
  if (!date) return Fail(BadTimestamp(text));
  Timestamp at = StartOf(*date);
  if (text.size() == 10) return at;
  if (text[10] != 'T' && text[10] != 't' && text[10] != ' ') return Fail(BadTimestamp(text));
  int hour = 0, minute = 0, second = 0;
  size_t pos = 11;
  if (!ReadDigits(text, pos, 2, &hour) || pos + 2 >= text.size() || text[pos + 2] != ':' ||
      !ReadDigits(text, pos + 3, 2, &minute)) {
    return Fail(BadTimestamp(text));
  }
  pos += 5;
  if (pos < text.size() && text[pos] == ':') {
    if (!ReadDigits(text, pos + 1, 2, &second)) return Fail(BadTimestamp(text));
    pos += 3;
    // Fractions of a second are accepted and dropped.
    if (pos < text.size() && text[pos] == '.') {
      ++pos;
      while (pos < text.size() && std::isdigit(static_cast<unsigned char>(text[pos]))) ++pos;
    }
  }
  if (hour > 23 || minute > 59 || second > 60) return Fail(BadTimestamp(text));
  int offset_minutes = 0;
  if (pos < text.size()) {
    char sign = text[pos];
    if ((sign == 'Z' || sign == 'z') && pos + 1 == text.size()) {
      pos += 1;
    } else if (sign == '+' || sign == '-') {
      int offset_hours = 0, offset_mins = 0;
      if (!ReadDigits(text, pos + 1, 2, &offset_hours)) return Fail(BadTimestamp(text));
      size_t minute_pos = pos + 3;
      if (minute_pos < text.size() && text[minute_pos] == ':') ++minute_pos;
      if (!ReadDigits(text, minute_pos, 2, &offset_mins) || minute_pos + 2 != text.size()) {
        return Fail(BadTimestamp(text));
      }
      offset_minutes = (offset_hours * 60 + offset_mins) * (sign == '-' ? -1 : 1);
      pos = text.size();
    } else {
      return Fail(BadTimestamp(text));
    }
  }
  return at + std::chrono::hours(hour) + std::chrono::minutes(minute - offset_minutes) +
         std::chrono::seconds(second);
}

Date DayOf(Timestamp at) { return std::chrono::floor<std::chrono::days>(at); }

Timestamp StartOf(Date date) { return Timestamp(date); }

std::string FormatDate(Date date) {
  std::chrono::year_month_day ymd(date);
  return fmt::format("{:04}-{:02}-{:02}", static_cast<int>(ymd.year()),
                     static_cast<unsigned>(ymd.month()), static_cast<unsigned>(ymd.day()));
}

std::string FormatTimestamp(Timestamp at) {
  Date day = DayOf(at);
  std::chrono::hh_mm_ss time(at - Timestamp(day));
  return fmt::format("{}T{:02}:{:02}:{:02}Z", FormatDate(day), time.hours().count(),
                     time.minutes().count(), time.seconds().count());
}

std::string FormatRfc5322(Timestamp at) {
  static constexpr std::array<const char*, 7> kWeekdays = {"Sun", "Mon", "Tue", "Wed",
                                                           "Thu", "Fri", "Sat"};
  static constexpr std::array<const char*, 12> kMonths = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                                          "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  Date day = DayOf(at);
  std::chrono::year_month_day ymd(day);
  std::chrono::weekday weekday(day);
  std::chrono::hh_mm_ss time(at - Timestamp(day));
  return fmt::format("{}, {:02} {} {:04} {:02}:{:02}:{:02} +0000", kWeekdays[weekday.c_encoding()],
                     static_cast<unsigned>(ymd.day()),
                     kMonths[static_cast<unsigned>(ymd.month()) - 1], static_cast<int>(ymd.year()),
                     time.hours().count(), time.minutes().count(), time.seconds().count());
}

int WholeMonthsBetween(Date from, Date to) {
  if (to < from) return -WholeMonthsBetween(to, from);
  std::chrono::year_month_day a(from), b(to);
  int months = (static_cast<int>(b.year()) - static_cast<int>(a.year())) * 12 +
               static_cast<int>(static_cast<unsigned>(b.month())) -
               static_cast<int>(static_cast<unsigned>(a.month()));
  if (AddMonths(from, months) > to) --months;
  return months;
}

int DaysBetween(Date from, Date to) { return static_cast<int>((to - from).count()); }

Date AddMonths(Date date, int months) {
  std::chrono::year_month_day ymd(date);
  std::chrono::year_month target =
      std::chrono::year_month(ymd.year(), ymd.month()) + std::chrono::months(months);
  std::chrono::day last =
      std::chrono::year_month_day_last(target.year(), std::chrono::month_day_last(target.month()))
          .day();
  std::chrono::day day = ymd.day() > last ? last : ymd.day();
  return Date(std::chrono::year_month_day(target.year(), target.month(), day));
}

}  // namespace stocktake
