#pragma once

// Limits on untrusted input: sizes and counts that a real project never
// reaches but a hostile file would, so that memory and time are bounded
// before they are spent. They are in one place, and docs/limits.md says why
// each has its value; tests/regress/issue_12_project_file_test.cc and
// tests/integration/project_file_limits.sh try each at the limit and one
// past it. Constants only; safe from any thread.

#include <cstddef>

namespace stocktake {

/// The largest project file `import` reads, checked while reading, so
/// `import /dev/zero` stops at this size (the Xen 4.3 example is 6 KiB).
inline constexpr std::size_t kMaxProjectFileBytes = 32 * 1024 * 1024;

/// The largest design document `design-check` reads.
inline constexpr std::size_t kMaxDesignDocumentBytes = 16 * 1024 * 1024;

/// The deepest nesting of YAML collections in a project file (the examples
/// nest 6 deep).
inline constexpr int kMaxYamlDepth = 64;

/// The most YAML nodes (scalars and collections) a project file may hold
/// once every alias is counted as the nodes it stands for: a file of aliases
/// of aliases cannot expand beyond this.
inline constexpr std::size_t kMaxYamlNodes = 2'000'000;

/// How many reply levels `thread show` indents; deeper replies keep this
/// indentation and say their depth, so the output stays linear in the
/// thread's size (a reply chain of 50,000 printed 2.5 GB of indentation).
inline constexpr std::size_t kMaxThreadIndent = 40;

/// The most links a feature's risk chain keeps (report labels, `check`
/// alerts, the report's JSON `chain`): a longer chain keeps its first links
/// and its cause, so a report of a dependency chain of 30,000 stays linear.
inline constexpr std::size_t kMaxRiskChain = 20;

}  // namespace stocktake
