#pragma once

// UTF-8 validation and repair. Every text that enters Stocktake (project files,
// command-line arguments, mail headers and bodies) is either refused or repaired
// here, so that everything stored and printed (JSON included) is valid UTF-8.
// Pure and thread-safe.

#include <cstddef>
#include <string>
#include <string_view>

namespace stocktake {

/// Where `text` stops being well-formed UTF-8 (RFC 3629: no overlong forms, no
/// surrogates, nothing above U+10FFFF): the byte offset of the first bad
/// sequence, or std::string_view::npos when all of `text` is valid.
std::size_t FindInvalidUtf8(std::string_view text);

/// True when all of `text` is well-formed UTF-8.
inline bool IsValidUtf8(std::string_view text) {
  return FindInvalidUtf8(text) == std::string_view::npos;
}

/// `text` with each ill-formed sequence replaced by U+FFFD, the replacement
/// character, in the way of the Unicode standard's "maximal subpart" practice:
/// one U+FFFD for each maximal prefix of a valid sequence, or for a lone byte.
/// Valid input comes back unchanged.
std::string RepairUtf8(std::string_view text);

}  // namespace stocktake
