#include "stocktake/ingest/trailers.h"

#include <algorithm>

namespace stocktake {
namespace {

bool IsBlank(std::string_view line) {
  return std::all_of(line.begin(), line.end(),
                     [](char c) { return c == ' ' || c == '\t' || c == '\r'; });
}

std::string_view TrimBlanks(std::string_view text) {
  while (!text.empty() && (text.front() == ' ' || text.front() == '\t')) text.remove_prefix(1);
  while (!text.empty() && (text.back() == ' ' || text.back() == '\t' || text.back() == '\r')) {
    text.remove_suffix(1);
  }
  return text;
}

std::vector<std::string_view> SplitLines(std::string_view text) {
  std::vector<std::string_view> lines;
  std::size_t start = 0;
  while (start < text.size()) {
    std::size_t end = text.find('\n', start);
    if (end == std::string_view::npos) end = text.size();
    std::string_view line = text.substr(start, end - start);
    if (!line.empty() && line.back() == '\r') line.remove_suffix(1);
    lines.push_back(line);
    start = end + 1;
  }
  return lines;
}

bool IsTokenChar(char c) {
  return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z') || (c >= '0' && c <= '9') || c == '-';
}

// Position of the ':' that ends a trailer token, or npos (git's find_separator).
std::size_t SeparatorPosition(std::string_view line) {
  bool blank_seen = false;
  for (std::size_t i = 0; i < line.size(); ++i) {
    char c = line[i];
    if (c == ':') return i >= 1 ? i : std::string_view::npos;
    if (!blank_seen && IsTokenChar(c)) continue;
    if (i != 0 && (c == ' ' || c == '\t')) {
      blank_seen = true;
      continue;
    }
    break;
  }
  return std::string_view::npos;
}

bool IsGitGenerated(std::string_view line) {
  return line.starts_with("Signed-off-by: ") || line.starts_with("(cherry picked from commit ");
}

Trailer MakeTrailer(std::string_view line, std::size_t separator) {
  Trailer trailer;
  trailer.key = std::string(TrimBlanks(line.substr(0, separator)));
  trailer.canonical_key = CanonicalTrailerKey(trailer.key);
  trailer.value = std::string(TrimBlanks(line.substr(separator + 1)));
  return trailer;
}

void FinishTrailer(Trailer& trailer) {
  if (trailer.value.find('<') != std::string::npos ||
      trailer.value.find('@') != std::string::npos) {
    trailer.person = ParseMailAddress(trailer.value);
  }
}

// Parses the lines of a block already known to be a trailer block.
std::vector<Trailer> ReadBlock(const std::vector<std::string_view>& lines, std::size_t begin,
                               std::size_t end) {
  std::vector<Trailer> trailers;
  bool last_is_trailer = false;
  for (std::size_t i = begin; i < end; ++i) {
    std::string_view line = lines[i];
    if (line.starts_with("#")) continue;
    if (last_is_trailer && !line.empty() && (line[0] == ' ' || line[0] == '\t')) {
      trailers.back().value += " ";
      trailers.back().value += TrimBlanks(line);
      continue;
    }
    std::size_t separator = SeparatorPosition(line);
    if (separator != std::string_view::npos) {
      trailers.push_back(MakeTrailer(line, separator));
      last_is_trailer = true;
    } else {
      // Neither a git-generated line ("(cherry picked from ...)") nor free
      // text is a trailer, and a continuation cannot follow either.
      last_is_trailer = false;
    }
  }
  for (Trailer& trailer : trailers) FinishTrailer(trailer);
  return trailers;
}

// Finds the trailer block in lines [0, end) by git's rules.
std::vector<Trailer> TrailerBlock(const std::vector<std::string_view>& lines, std::size_t end,
                                  bool has_title) {
  std::size_t title_end = 0;
  if (has_title) {
    while (title_end < end && (lines[title_end].starts_with("#") || !IsBlank(lines[title_end]))) {
      ++title_end;
    }
  }
  bool only_blank = true, recognized = false;
  int trailer_lines = 0, non_trailer_lines = 0, possible_continuations = 0;
  for (std::size_t i = end; i > title_end; --i) {
    std::string_view line = lines[i - 1];
    if (line.starts_with("#")) {
      non_trailer_lines += possible_continuations;
      possible_continuations = 0;
      continue;
    }
    if (IsBlank(line)) {
      if (only_blank) continue;
      non_trailer_lines += possible_continuations;
      bool block = (recognized && trailer_lines * 3 >= non_trailer_lines) ||
                   (trailer_lines > 0 && non_trailer_lines == 0);
      if (block) return ReadBlock(lines, i, end);
      return {};
    }
    only_blank = false;
    if (IsGitGenerated(line)) {
      ++trailer_lines;
      possible_continuations = 0;
      recognized = true;
      continue;
    }
    if (SeparatorPosition(line) != std::string_view::npos) {
      ++trailer_lines;
      possible_continuations = 0;
      continue;
    }
    if (line[0] == ' ' || line[0] == '\t') {
      ++possible_continuations;
      continue;
    }
    non_trailer_lines += 1 + possible_continuations;
    possible_continuations = 0;
  }
  // Without a title the whole text may be the trailer block (a bare "Acked-by" reply).
  if (!has_title && !only_blank) {
    non_trailer_lines += possible_continuations;
    bool block = (recognized && trailer_lines * 3 >= non_trailer_lines) ||
                 (trailer_lines > 0 && non_trailer_lines == 0);
    if (block) return ReadBlock(lines, 0, end);
  }
  return {};
}

bool IsReviewTag(const Trailer& trailer) {
  return trailer.canonical_key.size() > 3 && trailer.canonical_key.ends_with("-by") &&
         !trailer.person.email.empty() && trailer.person.email.find('@') != std::string::npos;
}

}  // namespace

std::string CanonicalTrailerKey(std::string_view key) {
  std::string canonical;
  canonical.reserve(key.size());
  for (char c : key) canonical.push_back((c >= 'A' && c <= 'Z') ? static_cast<char>(c + 32) : c);
  if (canonical == "naked-by") canonical = "nacked-by";
  return canonical;
}

std::vector<Trailer> ParseTrailers(std::string_view message, const TrailerOptions& options) {
  std::vector<std::string_view> lines = SplitLines(message);
  std::size_t end = lines.size();
  if (options.stop_at_divider) {
    for (std::size_t i = 0; i < lines.size(); ++i) {
      std::string_view line = lines[i];
      if (line.starts_with("---") && (line.size() == 3 || line[3] == ' ' || line[3] == '\t')) {
        end = i;
        break;
      }
    }
  }
  return TrailerBlock(lines, end, options.has_title);
}

std::vector<Trailer> ParseReplyTrailers(std::string_view body) {
  std::vector<std::string_view> lines = SplitLines(body);
  // The reviewer's own text: quoted lines become paragraph breaks; the
  // signature and a mailing-list footer end it.
  std::vector<std::string_view> own;
  for (std::string_view line : lines) {
    if (line == "-- " || line == "--") break;
    if (line.starts_with("_____________________________________________")) break;
    if (line.starts_with(">")) {
      if (own.empty() || !own.back().empty()) own.push_back({});
      continue;
    }
    own.push_back(line);
  }
  std::vector<Trailer> trailers = TrailerBlock(own, own.size(), false);
  for (std::string_view line : own) {
    std::size_t separator = SeparatorPosition(line);
    if (separator == std::string_view::npos) continue;
    Trailer trailer = MakeTrailer(line, separator);
    FinishTrailer(trailer);
    if (!IsReviewTag(trailer)) continue;
    if (std::find(trailers.begin(), trailers.end(), trailer) == trailers.end()) {
      trailers.push_back(std::move(trailer));
    }
  }
  return trailers;
}

}  // namespace stocktake
