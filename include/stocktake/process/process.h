#pragma once

// Process: how a project decides. The likelihood statuses of its release
// feature lists (with ids, order and report headings) and the time windows of
// its rules. Loaded from the project file; the default is the Xen Project's.
// A value type; read-only use from several threads is safe.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/process/protocol_process.h"

namespace stocktake {

struct StatusDefinition {
  std::string id;          ///< "on-track".
  std::string heading;     ///< "Features on-track": the report's "== … ==" line.
  bool done = false;       ///< The feature is finished.
  bool in_release = true;  ///< false for "dropped": taken out of the release.
};

struct Process {
  std::string name = "xen";
  /// Ordered from most to least likely to land; statuses with in_release false last.
  std::vector<StatusDefinition> statuses;
  int staleness_days = 28;       ///< A feature with no update for longer is stale.
  int freeze_warning_days = 28;  ///< Warning period before the freeze.
  /// The status a new feature starts in; empty for the default, the first
  /// status in the release that is not done ("on-track"). Never a done one.
  std::string initial_status;
  ProtocolProcess lifecycle;  ///< Protocol stages, criteria and consensus windows.

  /// The status with `id`, or nullptr.
  const StatusDefinition* FindStatus(std::string_view id) const;
  /// Position of `id` in `statuses` (0 is the most likely); -1 when unknown.
  int Rank(std::string_view id) const;
  /// Ids of all statuses, comma separated, for error messages.
  std::string StatusIds() const;
  /// The least likely status that is still in the release ("at-risk").
  const StatusDefinition& LeastLikely() const;
  /// The id of the status a new feature starts in: `initial_status`, else the
  /// first status in the release that is not done, else the first status.
  const std::string& InitialStatus() const;
};

/// The Xen Project's process: finished, on-track, fair, at-risk, dropped.
Process XenProcess();

}  // namespace stocktake
