#include "stocktake/report/design_check.h"

#include <fmt/format.h>
#include <re2/re2.h>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

struct Line {
  int number;
  std::string text;
  std::string lower;
  bool heading;
  bool in_code;
};

bool IsUnderline(std::string_view text, char mark) {
  std::string_view trimmed = Trim(text);
  if (trimmed.size() < 3) return false;
  for (char c : trimmed) {
    if (c != mark) return false;
  }
  return true;
}

bool IsFence(std::string_view text) {
  std::string_view trimmed = Trim(text);
  return trimmed.rfind("```", 0) == 0 || trimmed.rfind("~~~", 0) == 0;
}

std::vector<Line> SplitLines(std::string_view text) {
  std::vector<Line> lines;
  int number = 0;
  bool in_code = false;
  for (std::string_view raw : Split(text, '\n')) {
    ++number;
    if (!raw.empty() && raw.back() == '\r') raw.remove_suffix(1);
    Line line{number, std::string(raw), ToLower(raw), false, in_code};
    if (IsFence(raw)) {
      in_code = !in_code;
      line.in_code = true;
    } else if (!in_code) {
      size_t hashes = 0;
      while (hashes < raw.size() && raw[hashes] == '#') ++hashes;
      if (hashes >= 1 && hashes <= 6 && (hashes == raw.size() || raw[hashes] == ' ')) {
        line.heading = true;
      } else if ((IsUnderline(raw, '=') || IsUnderline(raw, '-')) && !lines.empty() &&
                 !lines.back().in_code && !Trim(lines.back().text).empty() &&
                 !IsUnderline(lines.back().text, '-') && lines.back().text.front() != ' ') {
        lines.back().heading = true;
      }
    }
    lines.push_back(std::move(line));
  }
  return lines;
}

// Whole-word match of `word` (lower case) in `lower`.
bool HasWord(std::string_view lower, std::string_view word) {
  size_t pos = 0;
  while ((pos = lower.find(word, pos)) != std::string_view::npos) {
    auto is_word = [](char c) { return std::isalnum(static_cast<unsigned char>(c)) || c == '_'; };
    bool starts = pos == 0 || !is_word(lower[pos - 1]);
    size_t end = pos + word.size();
    bool ends = end >= lower.size() || !is_word(lower[end]) || lower[end] == 's';
    if (starts && ends) return true;
    ++pos;
  }
  return false;
}

bool HasAnyWord(std::string_view lower, const std::vector<std::string_view>& words) {
  for (auto word : words) {
    if (HasWord(lower, word)) return true;
  }
  return false;
}

struct TopicRule {
  std::vector<std::string_view> heading_words;  ///< Any of them in a heading.
  std::vector<std::string_view> strong_words;   ///< One body line with any is enough.
  std::vector<std::string_view> weak_words;     ///< Needs `weak_lines` body lines.
  int weak_lines;
};

TopicCheck CheckTopic(const std::vector<Line>& lines, const TopicRule& rule) {
  TopicCheck check;
  for (const auto& line : lines) {
    if (line.heading && HasAnyWord(line.lower, rule.heading_words)) {
      check.coverage = Coverage::kHeading;
      check.line = line.number;
      check.evidence = std::string(Trim(line.text));
      return check;
    }
  }
  int weak = 0;
  const Line* first_weak = nullptr;
  for (const auto& line : lines) {
    if (line.heading || line.in_code) continue;
    if (HasAnyWord(line.lower, rule.strong_words)) {
      check.coverage = Coverage::kContent;
      check.line = line.number;
      check.evidence = std::string(Trim(line.text));
      return check;
    }
    if (HasAnyWord(line.lower, rule.weak_words)) {
      if (first_weak == nullptr) first_weak = &line;
      ++weak;
    }
  }
  if (weak >= rule.weak_lines && first_weak != nullptr) {
    check.coverage = Coverage::kContent;
    check.line = first_weak->number;
    check.evidence = std::string(Trim(first_weak->text));
  }
  return check;
}

// The seed's three topics. Heading words are what such sections are called in
// the Xen documents; body words are the vocabulary of each topic.
const TopicRule kHandshake{
    {"xenstore", "xenbus", "handshake", "negotiation", "connection", "initialization",
     "initialisation"},
    {"handshake", "xenbusstate", "initwait", "initialising", "xenbusstateconnected"},
    {"xenstore"},
    3};
const TopicRule kAbi{{"abi", "ring", "request", "response", "message", "wire", "packet", "layout",
                      "data structure", "hypercall", "interface"},
                     {"abi"},
                     {"uint8_t", "uint16_t", "uint32_t", "uint64_t", "little endian",
                      "little-endian", "offset", "octet", "grant reference", "event channel"},
                     2};
const TopicRule kProtocol{{"protocol", "overview", "how it works", "operation", "design", "flow",
                           "semantics", "description", "theory"},
                          {},
                          {"protocol"},
                          2};

// RE2, like every pattern the product matches: linear time, no recursion,
// whatever a hostile document's lines hold. Latin-1, so bytes match as bytes.
const re2::RE2& StructPattern() {
  static const re2::RE2 kPattern(R"(\s*(typedef\s+)?(struct|union)(\s+[A-Za-z_]\w*)?\s*(\{.*)?)",
                                 [] {
                                   re2::RE2::Options options;
                                   options.set_encoding(re2::RE2::Options::EncodingLatin1);
                                   options.set_log_errors(false);
                                   return options;
                                 }());
  return kPattern;
}

}  // namespace

std::string_view CoverageName(Coverage coverage) {
  switch (coverage) {
    case Coverage::kHeading:
      return "heading";
    case Coverage::kContent:
      return "content";
    case Coverage::kMissing:
      return "missing";
  }
  return "missing";
}

bool DesignCheck::Passes() const {
  return handshake.coverage != Coverage::kMissing && abi.coverage != Coverage::kMissing &&
         protocol.coverage != Coverage::kMissing && structs.empty();
}

DesignCheck CheckDesignDocument(std::string_view text) {
  std::vector<Line> lines = SplitLines(text);
  DesignCheck check;
  check.handshake = CheckTopic(lines, kHandshake);
  check.abi = CheckTopic(lines, kAbi);
  check.protocol = CheckTopic(lines, kProtocol);
  for (size_t i = 0; i < lines.size(); ++i) {
    // An optional group that did not take part leaves its piece's data null.
    re2::StringPiece typedef_word, kind, name, opening;
    if (!re2::RE2::FullMatch(lines[i].text, StructPattern(), &typedef_word, &kind, &name,
                             &opening)) {
      continue;
    }
    bool brace = opening.data() != nullptr;
    if (!brace) {
      // "struct name" alone on a line is a definition only when "{" opens the next line.
      size_t next = i + 1;
      while (next < lines.size() && Trim(lines[next].text).empty()) ++next;
      brace = next < lines.size() && Trim(lines[next].text).rfind('{', 0) == 0;
    }
    if (!brace || (name.data() == nullptr && typedef_word.data() == nullptr)) continue;
    check.structs.push_back({lines[i].number, std::string(Trim(lines[i].text))});
  }
  return check;
}

std::string RenderDesignCheckText(const DesignCheck& check, std::string_view name) {
  auto topic = [](std::string_view label, const TopicCheck& topic_check) {
    if (topic_check.coverage == Coverage::kMissing) {
      return fmt::format("{}: missing\n", label);
    }
    return fmt::format("{}: covered ({}, line {}: {})\n", label, CoverageName(topic_check.coverage),
                       topic_check.line, topic_check.evidence);
  };
  std::string out = fmt::format("{}: {}\n", name, check.Passes() ? "ok" : "needs work");
  out += topic("  xenstore handshake", check.handshake);
  out += topic("  ABI", check.abi);
  out += topic("  how the protocol works", check.protocol);
  if (check.structs.empty()) {
    out += "  C-like structs: none\n";
  } else {
    out += fmt::format(
        "  C-like structs: {} (discouraged: describe the protocol in a language "
        "and platform agnostic way)\n",
        check.structs.size());
    for (const auto& definition : check.structs) {
      out += fmt::format("    line {}: {}\n", definition.line, definition.text);
    }
  }
  return out;
}

nlohmann::json DesignCheckToJson(const DesignCheck& check, std::string_view name) {
  auto topic = [](const TopicCheck& topic_check) {
    return nlohmann::json{{"coverage", CoverageName(topic_check.coverage)},
                          {"line", topic_check.line},
                          {"evidence", topic_check.evidence}};
  };
  nlohmann::json structs = nlohmann::json::array();
  for (const auto& definition : check.structs) {
    structs.push_back({{"line", definition.line}, {"text", definition.text}});
  }
  return {{"document", name},
          {"passes", check.Passes()},
          {"handshake", topic(check.handshake)},
          {"abi", topic(check.abi)},
          {"protocol", topic(check.protocol)},
          {"structs", std::move(structs)}};
}

}  // namespace stocktake
