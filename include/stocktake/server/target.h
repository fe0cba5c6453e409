#pragma once

// A request target (RFC 9112 origin-form, "/api/v1/features/pvh?release=4.3")
// split into percent-decoded path segments and query parameters, checked so
// that a handler only ever sees text it may use as a name: parsed with
// Boost.URL, every segment and parameter decoded once and required to be
// valid UTF-8 without control characters, and no segment "." or ".."
// (written plainly or percent-encoded), so that no path can climb out of the
// routes. An encoded slash (%2F) stays inside its segment: a Message-ID may
// hold one. Query values are form-decoded: '+' is a space, so an offset in
// `as_of` is written %2B01:00. Pure; thread-safe.

#include <optional>
#include <string>
#include <string_view>
#include <utility>
#include <vector>

#include "stocktake/result.h"

namespace stocktake::server {

struct Target {
  /// The decoded path segments: "/api/v1/releases/4.3" is {"api", "v1",
  /// "releases", "4.3"}; "/" is {}. A trailing slash adds no empty segment.
  std::vector<std::string> segments;
  /// The decoded query parameters in order; a key without '=' has an empty value.
  std::vector<std::pair<std::string, std::string>> query;

  /// The value of query parameter `key`, or nothing when absent.
  std::optional<std::string> Query(std::string_view key) const;

  /// This target in origin-form with query parameter `key` set to `value`
  /// (replacing it, last), every byte outside RFC 3986's unreserved set
  /// percent-encoded: what ParseTarget() reads back as this Target with that
  /// one change. For the links of paged lists.
  std::string With(std::string_view key, std::string_view value) const;
};

/// kInvalidArgument, naming the problem, for a target that is not an
/// origin-form path (an absolute URI, '*', no leading '/'), a bad
/// percent-escape, an empty or dot segment, invalid UTF-8 or a control
/// character after decoding.
[[nodiscard]] Result<Target> ParseTarget(std::string_view target);

}  // namespace stocktake::server
