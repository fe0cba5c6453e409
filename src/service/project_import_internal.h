#pragma once

// The project-file import in two steps. PlanImport checks a parsed file
// against a snapshot of what is stored and computes every row and event the
// import writes, with no I/O; ApplyImport writes that plan inside the one
// transaction. Planning::Import reads the snapshot, plans and applies in one
// Store::Transact(). Internal to libstocktake.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/model/evidence.h"
#include "stocktake/projectfile/project_file.h"
#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/store.h"

namespace stocktake::import_internal {

/// What is stored, as far as an import needs it.
struct ImportSnapshot {
  std::optional<Project> project;  ///< Absent in a database not yet initialised.
  std::vector<Feature> features;   ///< Every feature, with its status history.
  std::vector<Person> people;
  std::vector<Release> releases;  ///< With their schedule changes.
  std::vector<Protocol> protocols;
  std::vector<Proposal> proposals;  ///< With their actions.
  std::vector<EvidenceRuleSet> rules;
};

/// A feature row and its place in its release's list.
struct FeatureRow {
  Feature feature;
  std::int64_t ordinal = 0;
};

/// A protocol's row when it is new or changed, and the stage changes its
/// stored history lacks.
struct ProtocolWrite {
  std::string name;
  std::optional<Protocol> protocol;
  std::vector<StageChange> stage_changes;
};

/// A proposal (without its actions) when it is new, and its new actions.
struct ProposalWrite {
  std::int64_t id = 0;
  std::optional<Proposal> header;
  std::vector<ProposalAction> actions;
};

/// Everything an import writes. ApplyImport writes the rows in the order of
/// the members below (each list in order), then appends `events` in order.
struct ImportPlan {
  std::optional<Project> project;  ///< Saved when set.
  std::vector<Person> people;
  std::vector<Release> releases;
  std::vector<FeatureRow> features;
  std::vector<ProtocolWrite> protocols;
  std::vector<ProposalWrite> proposals;
  std::vector<EvidenceRuleSet> rules;  ///< Rule sets that differ from the stored ones.
  std::vector<Event> events;
  ImportSummary summary;  ///< events_written is events.size().
};

/// Reads the snapshot an import of a file checks against; `project` is the
/// stored project the file was parsed with.
[[nodiscard]] Result<ImportSnapshot> LoadImportSnapshot(Store& store,
                                                        std::optional<Project> project);

/// Checks `file` (parsed with the snapshot's process as fallback) against
/// itself and `stored`, and computes what importing it writes. Refusals are
/// kInvalidArgument and name FILE:LINE:COLUMN where a line of the file is at
/// fault.
[[nodiscard]] Result<ImportPlan> PlanImport(const Context& context, ProjectFile file,
                                            const ImportSnapshot& stored);

/// Writes `plan` through `writer`; the caller holds the transaction.
[[nodiscard]] Result<void> ApplyImport(StoreWriter& writer, const ImportPlan& plan);

}  // namespace stocktake::import_internal
