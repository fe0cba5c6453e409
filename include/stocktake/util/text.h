#pragma once

// Small string helpers shared by the library and its front ends. Pure and
// thread-safe.

#include <string>
#include <string_view>
#include <vector>

namespace stocktake {

/// Lower-case ASCII letters and digits joined by single hyphens:
/// "Persistent grants for blk (Linux)" → "persistent-grants-for-blk-linux".
std::string Slugify(std::string_view text);

/// `text` without leading and trailing ASCII white space.
std::string_view Trim(std::string_view text);

/// `text` with each run of ASCII white space (folded header tabs, newlines)
/// made one space, and none at either end.
std::string CollapseSpaces(std::string_view text);

/// `text` in ASCII lower case.
std::string ToLower(std::string_view text);

/// Splits on `separator`, keeping empty pieces.
std::vector<std::string_view> Split(std::string_view text, char separator);

/// Joins `parts` with `separator` between them.
std::string Join(const std::vector<std::string>& parts, std::string_view separator);

}  // namespace stocktake
