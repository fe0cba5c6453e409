#include "stocktake/util/text.h"

#include <cctype>

namespace stocktake {

std::string Slugify(std::string_view text) {
  std::string slug;
  slug.reserve(text.size());
  bool pending_hyphen = false;
  for (char raw : text) {
    auto c = static_cast<unsigned char>(raw);
    if (std::isalnum(c)) {
      if (pending_hyphen && !slug.empty()) slug.push_back('-');
      pending_hyphen = false;
      slug.push_back(static_cast<char>(std::tolower(c)));
    } else if (c != '\'') {
      // An apostrophe joins ("don't" → "dont"); everything else separates.
      pending_hyphen = true;
    }
  }
  return slug;
}

std::string_view Trim(std::string_view text) {
  size_t begin = 0, end = text.size();
  while (begin < end && std::isspace(static_cast<unsigned char>(text[begin]))) ++begin;
  while (end > begin && std::isspace(static_cast<unsigned char>(text[end - 1]))) --end;
  return text.substr(begin, end - begin);
}

std::string CollapseSpaces(std::string_view text) {
  std::string collapsed;
  collapsed.reserve(text.size());
  bool space = false;
  for (char c : text) {
    if (c == ' ' || c == '\t' || c == '\r' || c == '\n') {
      space = true;
      continue;
    }
    if (space && !collapsed.empty()) collapsed.push_back(' ');
    space = false;
    collapsed.push_back(c);
  }
  return collapsed;
}

std::string ToLower(std::string_view text) {
  std::string lower(text);
  for (char& c : lower) c = static_cast<char>(std::tolower(static_cast<unsigned char>(c)));
  return lower;
}

std::vector<std::string_view> Split(std::string_view text, char separator) {
  std::vector<std::string_view> parts;
  size_t start = 0;
  while (true) {
    size_t end = text.find(separator, start);
    if (end == std::string_view::npos) {
      parts.push_back(text.substr(start));
      return parts;
    }
    parts.push_back(text.substr(start, end - start));
    start = end + 1;
  }
}

std::string Join(const std::vector<std::string>& parts, std::string_view separator) {
  std::string joined;
  for (size_t i = 0; i < parts.size(); ++i) {
    if (i > 0) joined += separator;
    joined += parts[i];
  }
  return joined;
}

}  // namespace stocktake
