#include "stocktake/server/access_log.h"

#include <fmt/format.h>

#include <chrono>

#include "stocktake/util/utf8.h"

namespace stocktake::server {

std::string EscapeLogText(std::string_view text) {
  std::string escaped;
  escaped.reserve(text.size());
  while (!text.empty()) {
    // A valid multi-byte sequence passes whole; a bad byte is shown in hex.
    std::size_t bad = FindInvalidUtf8(text);
    std::string_view valid = text.substr(0, bad);
    for (char c : valid) {
      auto byte = static_cast<unsigned char>(c);
      if (c == '"' || c == '\\') {
        escaped += '\\';
        escaped += c;
      } else if (byte < 0x20 || byte == 0x7f) {
        escaped += fmt::format("\\x{:02X}", byte);
      } else {
        escaped += c;
      }
    }
    if (bad == std::string_view::npos) break;
    escaped += fmt::format("\\x{:02X}", static_cast<unsigned char>(text[bad]));
    text.remove_prefix(bad + 1);
  }
  return escaped;
}

std::string CommonLogLine(const AccessRecord& record) {
  static constexpr const char* kMonths[] = {"Jan", "Feb", "Mar", "Apr", "May", "Jun",
                                            "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"};
  auto day = std::chrono::floor<std::chrono::days>(record.at);
  std::chrono::year_month_day date{day};
  std::chrono::hh_mm_ss time{std::chrono::floor<std::chrono::seconds>(record.at - day)};
  return fmt::format("{} - - [{:02}/{}/{:04}:{:02}:{:02}:{:02} +0000] \"{}\" {} {}",
                     EscapeLogText(record.remote), static_cast<unsigned>(date.day()),
                     kMonths[static_cast<unsigned>(date.month()) - 1],
                     static_cast<int>(date.year()), time.hours().count(), time.minutes().count(),
                     time.seconds().count(), EscapeLogText(record.request_line), record.status,
                     record.bytes == 0 ? std::string("-") : std::to_string(record.bytes));
}

}  // namespace stocktake::server
