#include "stocktake/util/pattern.h"

#include <re2/re2.h>

namespace stocktake {
namespace {

RE2::Options PatternOptions(bool literal) {
  RE2::Options options;
  options.set_case_sensitive(false);
  options.set_log_errors(false);
  options.set_literal(literal);
  return options;
}

}  // namespace

Result<Pattern> Pattern::Compile(std::string_view text) {
  auto program = std::make_shared<const RE2>(re2::StringPiece(text.data(), text.size()),
                                             PatternOptions(false));
  if (!program->ok()) {
    return Fail(Error::InvalidArgument("'" + std::string(text) +
                                       "' is not a valid pattern: " + program->error() +
                                       " (patterns are RE2 regular expressions, matched "
                                       "ignoring case)"));
  }
  return Pattern(std::string(text), std::move(program));
}

Pattern Pattern::Literal(std::string_view text) {
  return Pattern(std::string(text),
                 std::make_shared<const RE2>(re2::StringPiece(text.data(), text.size()),
                                             PatternOptions(true)));
}

bool Pattern::Search(std::string_view text) const {
  return RE2::PartialMatch(re2::StringPiece(text.data(), text.size()), *program_);
}

}  // namespace stocktake
