#pragma once

// The project-file import in two steps. PlanImport checks a parsed file
// against a snapshot of what is stored and computes every row and event the
// import writes, with no I/O; ApplyImport writes that plan inside the one
// transaction. Planning::Import reads the snapshot, plans and applies in one
// Store::Transact(). Internal to libstocktake.
//
// Dating: every object the file names is recorded as of a time (its `as_of`,
// else its release's, else the file's, else the import's `now`). The event
// log says when the database last set each field of each object
// (RecordIndex); a field the file gives differently is changed as of the
// file's time when the database set it no later, and is a conflict when the
// database set it after (docs/project-file.md has the whole rule).

#include <cstdint>
#include <functional>
#include <map>
#include <nlohmann/json.hpp>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stocktake/model/evidence.h"
#include "stocktake/projectfile/project_file.h"
#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/service/project_import.h"
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
  /// The events that date the objects' fields, oldest first: every kind but
  /// feature.status (the features' histories hold those) and the proposals'.
  std::vector<Event> events;
};

/// When the database set a value, and who; `set` is false for a value it
/// never set (a default, such as the start of a release given by its release
/// date alone).
struct Stamp {
  bool set = false;
  Timestamp at{};
  std::string by;
};

/// What the event log says about one object.
struct ObjectRecord {
  Timestamp first{};  ///< Its earliest event: when the database first recorded it.
  Timestamp last{};   ///< Its latest event: what an export gives as its `as_of`.
  /// The latest event that set every field (an *.added, a person.saved or a
  /// protocol.updated that does not name the fields it changed).
  Stamp whole;
  /// Per field, its latest change by an event that names the field.
  std::map<std::string, Stamp> fields;
  /// Per field, its value before the earliest change that names it.
  std::map<std::string, nlohmann::json> initial;

  /// When `field` got its current value: the later of its own latest change
  /// and the latest whole save; unset when no event set it (a default).
  Stamp FieldStamp(const std::string& field) const;
};

enum class RecordKind { kProject, kPerson, kRelease, kFeature, kProtocol };

/// The records of every object, built from the event log.
class RecordIndex {
 public:
  /// Adds events, oldest first (any kinds; those that date no object are
  /// only counted in latest()).
  void Add(const std::vector<Event>& events);
  /// Adds a feature's status history as its feature.status events.
  void AddHistory(const Feature& feature);

  /// The record of an object, or null when no event names it.
  const ObjectRecord* Find(RecordKind kind, const std::string& name) const;
  /// The latest `at` of every event added; unset when there were none.
  std::optional<Timestamp> latest() const { return latest_; }

 private:
  void Add(const Event& event);
  ObjectRecord& Touch(RecordKind kind, const std::string& name, const Event& event);

  std::map<std::pair<RecordKind, std::string>, ObjectRecord> records_;
  /// Per object and field, the time of its earliest named change so far.
  std::map<std::pair<RecordKind, std::string>, std::map<std::string, Timestamp>> earliest_;
  std::optional<Timestamp> latest_;
};

/// A field of a T, as JSON: how the plan shows it and how events record it.
template <typename T>
struct FieldSpec {
  std::string name;
  std::function<nlohmann::json(const T&)> get;
  std::function<void(T&, const T&)> copy;
  /// Sets the field from a value `get` gave (or an event recorded); false
  /// when the value does not fit. Null for fields no event records by value.
  std::function<bool(T&, const nlohmann::json&)> set;
  /// An empty value in the database counts as never set.
  bool empty_is_unset = false;
};

/// The fields of each kind of object, in the order FeatureFieldChanges (model/feature.h) and the
/// plan list them.
const std::vector<FieldSpec<Feature>>& FeatureFields();
const std::vector<FieldSpec<Release>>& ReleaseFields();
const std::vector<FieldSpec<Person>>& PersonFields();
const std::vector<FieldSpec<Project>>& ProjectFields();
const std::vector<FieldSpec<Protocol>>& ProtocolFields();

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
  /// Object by object, for `--dry-run`; its conflicts refuse the import
  /// unless ImportOptions::prefer_file (then they are overwritten).
  ImportPreview preview;
};

/// Reads the snapshot an import of a file checks against; `project` is the
/// stored project the file was parsed with.
[[nodiscard]] Result<ImportSnapshot> LoadImportSnapshot(Store& store,
                                                        std::optional<Project> project);

/// Checks `file` (parsed with the snapshot's process as fallback) against
/// itself and `stored`, and computes what importing it writes, conflicts
/// included. Refusals are kInvalidArgument and name FILE:LINE:COLUMN where a
/// line of the file is at fault.
[[nodiscard]] Result<ImportPlan> PlanImport(const Context& context, ProjectFile file,
                                            const ImportSnapshot& stored,
                                            const ImportOptions& options = {});

/// Writes `plan` through `writer`; the caller holds the transaction.
[[nodiscard]] Result<void> ApplyImport(StoreWriter& writer, const ImportPlan& plan);

/// The "as_of" times an export gives: the file's (the latest event), each
/// release's and feature's where it differs from what it would inherit, each
/// protocol's where it differs from the file's; and a release's start and
/// freeze are left out when they were never set.
void DateExport(const RecordIndex& records, ProjectFile& file);

}  // namespace stocktake::import_internal
