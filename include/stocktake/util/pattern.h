#pragma once

// Pattern: a case-insensitive regular expression for evidence rules (the
// `subjects` of a feature or protocol), matched in time linear in the text.
// Rules come from project files anyone may propose and are matched against
// mail anyone may send, so the engine is RE2: no backtracking, so no
// pattern/subject pair can take exponential time or overflow the stack, and
// its syntax is that of RE2 (no back-references or look-around).
//
// A Pattern is a value; copies share the compiled program, and Search may be
// called from several threads at once.

#include <memory>
#include <string>
#include <string_view>

#include "stocktake/result.h"

namespace re2 {
class RE2;
}

namespace stocktake {

class Pattern {
 public:
  /// Compiles `text`. kInvalidArgument, naming the problem, when it is not a
  /// valid RE2 pattern (an unclosed group, a back-reference, …).
  [[nodiscard]] static Result<Pattern> Compile(std::string_view text);
  /// A pattern that matches `text` literally, ignoring case.
  static Pattern Literal(std::string_view text);

  /// True when the pattern matches somewhere in `text`.
  bool Search(std::string_view text) const;
  const std::string& text() const { return text_; }

 private:
  Pattern(std::string text, std::shared_ptr<const re2::RE2> program)
      : text_(std::move(text)), program_(std::move(program)) {}

  std::string text_;
  std::shared_ptr<const re2::RE2> program_;
};

}  // namespace stocktake
