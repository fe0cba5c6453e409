#pragma once

// The design-document check of the PV drivers lifecycle: a design document
// "should cover the xenstore handshake mechanism, the ABI, how the protocol
// works …; the usage of C-like structs to describe language and platform
// agnostic protocols is discouraged." CheckDesignDocument reads Markdown or
// pandoc text and reports, for each of the three topics, whether a heading
// names it (strong evidence), only the body mentions it (weak), or neither;
// and lists C-like struct/union definitions with their line numbers.
//
// Headings are ATX ("## ABI") and setext (a line underlined with === or ---)
// outside fenced code blocks. A struct definition is "struct name {",
// "typedef struct {", "union name {" (the brace may be on the next line),
// anywhere, including code blocks. Keyword rules are listed in design_check.cc.
// Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake {

enum class Coverage {
  kHeading,  ///< A heading names the topic.
  kContent,  ///< Only the body text discusses it.
  kMissing,
};

/// "heading", "content", "missing".
std::string_view CoverageName(Coverage coverage);

struct TopicCheck {
  Coverage coverage = Coverage::kMissing;
  int line = 0;          ///< The first heading (or body line) that shows it; 0 when missing.
  std::string evidence;  ///< That line's text, trimmed.
};

struct StructDefinition {
  int line = 0;      ///< 1-based line of the "struct" keyword.
  std::string text;  ///< The line, trimmed.
};

struct DesignCheck {
  TopicCheck handshake;  ///< The xenstore handshake mechanism.
  TopicCheck abi;        ///< The ABI: rings, requests, responses, message layout.
  TopicCheck protocol;   ///< How the protocol works.
  std::vector<StructDefinition> structs;

  /// All three topics are covered (heading or content) and no struct is used.
  bool Passes() const;
};

/// Analyses `text`, a Markdown or pandoc document.
DesignCheck CheckDesignDocument(std::string_view text);

/// A human report: one line per topic and per struct, e.g.
/// "xenstore handshake: covered (heading, line 12: ## Xenstore handshake)".
std::string RenderDesignCheckText(const DesignCheck& check, std::string_view name);

/// {"document", "passes", "handshake": {"coverage", "line", "evidence"}, "abi",
///  "protocol", "structs": [{"line", "text"}]}.
nlohmann::json DesignCheckToJson(const DesignCheck& check, std::string_view name);

}  // namespace stocktake
