#pragma once

// Trailers ("Signed-off-by: Jane <jane@example.org>") read by git's rules from
// commit messages and patch mails, and the review tags that reviewers write in
// their replies. Pure functions; thread-safe.
//
// Git's rules, as implemented here (see docs/mbox-parsing.md):
// - The message ends before the first line that starts with "---" (the patch
//   divider of format-patch) and before trailing blank and '#' comment lines.
// - The trailer block is the last paragraph (blank-line separated). When the
//   message has a title (commit messages), the first paragraph is the title and
//   is never a trailer block.
// - A line is a trailer when it starts with a token of letters, digits and '-',
//   optional blanks and ':'; a line starting with white space continues the
//   previous trailer; lines starting with "Signed-off-by: " or "(cherry picked
//   from commit " are git-generated.
// - The paragraph is the trailer block when all its lines are trailers (or
//   continuations), or when it holds a git-generated trailer and at least 25%
//   of its lines are trailers.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/ingest/mail_message.h"

namespace stocktake {

struct Trailer {
  std::string key;            ///< As written: "Acked-by".
  std::string canonical_key;  ///< Lower case; "naked-by" becomes "nacked-by".
  std::string value;          ///< Trimmed; continuation lines joined with a space.
  MailAddress person;         ///< Parsed from the value when it holds "<email>".

  bool operator==(const Trailer&) const = default;
};

struct TrailerOptions {
  /// The first paragraph is a title and never holds trailers (commit messages;
  /// not mail bodies, whose title is the Subject).
  bool has_title = false;
  /// Stop reading at the first line starting with "---".
  bool stop_at_divider = true;
};

/// The trailers of `message` by git's rules, in order. Empty when the last
/// paragraph is not a trailer block.
std::vector<Trailer> ParseTrailers(std::string_view message, const TrailerOptions& options = {});

/// The trailers a reviewer wrote in a reply: quoted lines ("> ..."), the
/// signature (after "-- ") and a mailing-list footer are removed, the last
/// paragraph of what is left is read by git's rules, and any other line of the
/// reviewer's own text of the form "<Xxx>-by: Name <email>" (Acked-by: after a
/// quoted hunk, in the middle of the reply) is kept too. No duplicates.
std::vector<Trailer> ParseReplyTrailers(std::string_view body);

/// "Acked-By" → "acked-by"; "NAKed-by" and "Nacked-by" → "nacked-by".
std::string CanonicalTrailerKey(std::string_view key);

}  // namespace stocktake
