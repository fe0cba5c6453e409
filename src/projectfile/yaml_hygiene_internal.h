#pragma once

// CheckYamlHygiene: what a project file must be before yaml-cpp builds a tree
// of it. yaml-cpp accepts a second document (and drops it), repeated keys
// (and keeps one), any tag, and aliases that a reader then walks once per
// use: a 1 MB file of aliases of aliases stood for gigabytes. This pass
// reads the file's events once, in memory proportional to its anchors and
// nesting, and refuses all of that at its position. Pure; thread-safe.

#include <string_view>

#include "stocktake/result.h"

namespace stocktake {

/// kInvalidArgument with FILE:LINE:COLUMN as context when `text` holds a NUL
/// byte, more than one YAML document, a key twice in one mapping, a tag
/// outside YAML's core schema (!!binary, !local), collections nested deeper
/// than kMaxYamlDepth, or more than kMaxYamlNodes nodes with every alias
/// counted as the nodes it stands for. kCorruption on a YAML syntax error.
[[nodiscard]] Result<void> CheckYamlHygiene(std::string_view text, std::string_view file_name);

}  // namespace stocktake
