#pragma once

// Feature: one item on a release's feature list, possibly a sub-item of another
// (its parent), with the likelihood status the release manager keeps. Statuses
// are ids from the project's Process (see process/process.h). A value type.

#include <cstdint>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// One recorded status change of a feature.
struct StatusChange {
  Timestamp at{};
  std::string by;      ///< E-mail of the person who made it.
  std::string from;    ///< Previous status id; empty when the feature was created.
  std::string to;      ///< New status id.
  std::string reason;  ///< Why; may be empty.
};

struct Feature {
  std::string slug;                     ///< Unique key, derived from the display name unless given.
  std::string title;                    ///< "Persistent grants for blk".
  std::string release;                  ///< Version of the release it belongs to.
  std::string parent;                   ///< Slug of the parent feature, empty for a top-level item.
  std::vector<std::string> code_bases;  ///< "Xen", "Linux", "QEMU", … shown as "(Xen & Linux)".
  bool external = false;                ///< Work done outside the project ("(external)").
  std::vector<std::string> owners;      ///< E-mails.
  std::string status;                   ///< A status id of the process.
  bool must_have = false;
  std::vector<std::string> depends_on;  ///< Slugs of features this one needs.
  std::string short_title;              ///< How other items refer to it: "backend scripts".
  std::string remark;                   ///< A parenthetical shown after the title in reports.
  std::string notes;                    ///< Free text, not shown in the report lists.
  std::string protocol;                 ///< Name of the PV protocol it belongs to, if any.
  std::string freeze_exception;         ///< Why it may land after the freeze; empty when none.
  /// Taken off the books (`feature remove`): kept with its history, left out
  /// of lists, reports and checks until `feature restore`.
  bool removed = false;
  Timestamp updated_at{};  ///< Last recorded change or evidence.
  /// Its place in list order (within its release); set by the store when read,
  /// 0 for a feature not read from a store.
  std::int64_t ordinal = 0;
  std::vector<StatusChange> history;  ///< Oldest first; filled only where asked for.

  /// The title with its code bases: "Persistent grants for blk (Linux)".
  std::string DisplayName() const;
  /// What another item's "(depends on …)" calls it: the short title or the title.
  const std::string& ReferenceName() const;
};

/// The fields of `before` and `after` that differ, as a feature.updated
/// event's detail: a JSON object {"field": [old, new], …} whose field names
/// are the project file's ("title", "release", "depends_on", …), and
/// "ordinal" when both ordinals are known (a move to another release puts a
/// feature last). Status and last activity are not fields here: status
/// changes have their own events.
std::string FeatureFieldChanges(const Feature& before, const Feature& after);

/// Which value of a recorded change ApplyFeatureFieldChanges sets.
enum class ChangeSide { kOld, kNew };

/// Sets each field that `changes` (as FeatureFieldChanges writes them) names
/// to its old or new value, and returns the names it set. kCorruption when
/// the text is not such an object; unknown field names are skipped, so a
/// newer writer's fields do not stop an older reader.
Result<std::vector<std::string>> ApplyFeatureFieldChanges(Feature& feature,
                                                          std::string_view changes,
                                                          ChangeSide side);

}  // namespace stocktake
