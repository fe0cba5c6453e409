#include <fmt/format.h>

#include <algorithm>
#include <unordered_set>

#include "projectfile/yaml_reader_internal.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

// Levenshtein distance, for "did you mean" hints on misspelt keys.
size_t EditDistance(std::string_view a, std::string_view b) {
  std::vector<size_t> previous(b.size() + 1), current(b.size() + 1);
  for (size_t j = 0; j <= b.size(); ++j) previous[j] = j;
  for (size_t i = 1; i <= a.size(); ++i) {
    current[0] = i;
    for (size_t j = 1; j <= b.size(); ++j) {
      size_t substitution = previous[j - 1] + (a[i - 1] == b[j - 1] ? 0 : 1);
      current[j] = std::min({previous[j] + 1, current[j - 1] + 1, substitution});
    }
    std::swap(previous, current);
  }
  return previous[b.size()];
}

std::string JoinKeys(std::initializer_list<std::string_view> keys) {
  std::string joined;
  for (auto key : keys) {
    if (!joined.empty()) joined += ", ";
    joined += key;
  }
  return joined;
}

}  // namespace

FileMark YamlReader::MarkOf(const YAML::Node& node) const {
  auto mark = node.Mark();
  // An empty document has no position; point at its start.
  return FileMark{std::max(mark.line, 0) + 1, std::max(mark.column, 0) + 1};
}

Error YamlReader::At(const YAML::Node& node, std::string message) const {
  return Error::InvalidArgument(std::move(message))
      .WithContext(FormatMark(file_name_, MarkOf(node)));
}

Result<void> YamlReader::ExpectMap(const YAML::Node& node, std::string_view what) const {
  if (!node.IsMap()) {
    return Fail(At(node, fmt::format("{} must be a mapping of 'key: value' lines", what)));
  }
  return Ok();
}

Result<void> YamlReader::ExpectSequence(const YAML::Node& node, std::string_view what) const {
  if (!node.IsSequence()) {
    return Fail(At(node, fmt::format("{} must be a list of '- ' items", what)));
  }
  return Ok();
}

Result<void> YamlReader::OnlyKeys(const YAML::Node& map, std::string_view what,
                                  std::initializer_list<std::string_view> known) const {
  for (const auto& entry : map) {
    std::string key = entry.first.Scalar();
    if (std::find(known.begin(), known.end(), key) != known.end()) continue;
    std::string_view best;
    size_t best_distance = 3;
    for (auto candidate : known) {
      size_t distance = EditDistance(key, candidate);
      if (distance < best_distance) {
        best_distance = distance;
        best = candidate;
      }
    }
    std::string hint = best.empty() ? fmt::format("known keys are: {}", JoinKeys(known))
                                    : fmt::format("did you mean '{}'?", best);
    return Fail(At(entry.first, fmt::format("unknown key '{}' in {}: {}", key, what, hint)));
  }
  return Ok();
}

Result<std::string> YamlReader::Text(const YAML::Node& map, const char* key, std::string_view what,
                                     bool required) const {
  YAML::Node node = map[key];
  if (!node) {
    if (required) {
      return Fail(At(map, fmt::format("{} needs '{}: …'", what, key)));
    }
    return std::string();
  }
  if (!node.IsScalar()) {
    return Fail(At(node, fmt::format("'{}' of {} must be a single value", key, what)));
  }
  // A value that a report or a list shows on one line is one line: a line
  // break in a title could forge a line of the report. Trailing breaks (of
  // a "|" block) are left to the caller's trimming.
  static const std::unordered_set<std::string_view> kMultiLine = {
      "report_template", "remark", "notes", "text", "summary", "compat_promises", "description"};
  std::string_view value = node.Scalar();
  std::size_t last = value.find_last_not_of(" \t\r\n");
  std::size_t line_break = value.find_first_of("\r\n");
  if (kMultiLine.count(key) == 0 && last != std::string_view::npos &&
      line_break != std::string_view::npos && line_break < last) {
    return Fail(At(node, fmt::format("'{}' of {} is one line: remove the line break", key, what)));
  }
  return node.Scalar();
}

Result<bool> YamlReader::Flag(const YAML::Node& map, const char* key, std::string_view what,
                              bool fallback) const {
  YAML::Node node = map[key];
  if (!node) return fallback;
  std::string value = node.IsScalar() ? ToLower(node.Scalar()) : "";
  if (value == "true" || value == "yes") return true;
  if (value == "false" || value == "no") return false;
  return Fail(At(node, fmt::format("'{}' of {} must be true or false", key, what)));
}

Result<int> YamlReader::Number(const YAML::Node& map, const char* key, std::string_view what,
                               int fallback) const {
  YAML::Node node = map[key];
  if (!node) return fallback;
  const std::string value = node.IsScalar() ? node.Scalar() : "";
  if (value.empty() || value.size() > 6 ||
      !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(At(node, fmt::format("'{}' of {} must be a whole number of days", key, what)));
  }
  return std::stoi(value);
}

Result<Date> YamlReader::DateValue(const YAML::Node& map, const char* key,
                                   std::string_view what) const {
  YAML::Node node = map[key];
  if (!node) return Fail(At(map, fmt::format("{} needs '{}: YYYY-MM-DD'", what, key)));
  auto date = ParseDate(node.IsScalar() ? node.Scalar() : "");
  if (!date) {
    return Fail(At(node, fmt::format("'{}' of {}: {}", key, what, date.error().message())));
  }
  return *date;
}

Result<Timestamp> YamlReader::TimeValue(const YAML::Node& map, const char* key,
                                        std::string_view what) const {
  YAML::Node node = map[key];
  if (!node) return Fail(At(map, fmt::format("{} needs '{}: YYYY-MM-DDTHH:MM:SSZ'", what, key)));
  auto at = ParseTimestamp(node.IsScalar() ? node.Scalar() : "");
  if (!at) return Fail(At(node, fmt::format("'{}' of {}: {}", key, what, at.error().message())));
  return *at;
}

Result<std::vector<std::string>> YamlReader::List(const YAML::Node& map, const char* key,
                                                  std::string_view what,
                                                  std::vector<FileMark>* marks) const {
  std::vector<std::string> items;
  YAML::Node node = map[key];
  if (!node) return items;
  if (node.IsScalar()) {  // A single item may be written without brackets.
    if (marks != nullptr) marks->push_back(MarkOf(node));
    items.push_back(node.Scalar());
    return items;
  }
  if (!node.IsSequence()) {
    return Fail(At(node, fmt::format("'{}' of {} must be a list", key, what)));
  }
  for (const auto& item : node) {
    if (!item.IsScalar() || item.Scalar().empty()) {
      return Fail(
          At(item, fmt::format("each item of '{}' of {} must be a single value", key, what)));
    }
    if (marks != nullptr) marks->push_back(MarkOf(item));
    items.push_back(item.Scalar());
  }
  return items;
}

}  // namespace stocktake
