#pragma once

// The project file: a YAML document holding a whole project (its identity,
// process, people, releases and their features, with status histories and
// schedule changes, its protocols with their stage histories, and the
// lazy-consensus proposals with their recorded actions).
// `stocktake import` reads it and `stocktake export` writes it; exporting an
// imported export gives the identical file.
//
// Parsing checks the document on its own (syntax, types, dates, unknown keys,
// known statuses and roles, references between its features, cycles). Checks
// against a database's contents belong to the importer (Planning::Import in
// service/planning.h).
// All functions are pure and thread-safe.

#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/evidence.h"
#include "stocktake/model/feature.h"
#include "stocktake/model/person.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/model/release.h"
#include "stocktake/result.h"
#include "stocktake/storage/store.h"

namespace stocktake {

/// A position in the file, 1-based, for error messages.
struct FileMark {
  int line = 0;
  int column = 0;
};

/// A feature as the file gives it, with where its parts are.
struct FeatureEntry {
  Feature feature;  ///< slug filled in (given or derived), parent/depends_on as written.
  /// The time the file records the feature as of ("as_of:"); absent: its
  /// release's. Never before the last entry of its history.
  std::optional<Timestamp> as_of;
  FileMark at;
  FileMark parent_at;
  std::vector<FileMark> depends_on_at;
  bool has_history = false;  ///< The file gave a history list (maybe empty).
  /// Linking rules ("evidence: {subjects, paths, tags}"); empty when none.
  EvidenceRules evidence;
};

struct ReleaseEntry {
  Release release;
  FileMark at;
  std::vector<FeatureEntry> features;
  /// The time the file records the release as of ("as_of:"); absent: the
  /// file's. Never before its last schedule change.
  std::optional<Timestamp> as_of;
  /// Which of the optional parts the file gives. One it leaves out is not part
  /// of its record: an import keeps the stored value (a new release takes its
  /// release date as start and freeze, and no template); an export leaves out
  /// a date that was never set.
  bool has_start = true;
  bool has_freeze = true;
  bool has_template = true;
};

/// A lazy-consensus proposal as the file gives it, with where its parts are.
/// Its id and its objections' ids are kept: they are the numbers people use.
struct ProposalEntry {
  Proposal proposal;
  FileMark at;
  FileMark protocol_at;
  std::vector<FileMark> actions_at;  ///< One per action, in order.
};

struct ProjectFile {
  std::string file_name;  ///< For error messages.
  /// The time the file records its objects as of ("as_of:" at the top), for
  /// every object that gives none of its own; absent: the time of the import.
  std::optional<Timestamp> as_of;
  std::optional<Project> project;  ///< Absent when the file has no project/process section.
  std::vector<Person> people;
  std::vector<ReleaseEntry> releases;
  /// PV protocols with their evidence, waivers and stage history (stage ids
  /// checked against the process's lifecycle).
  std::vector<Protocol> protocols;
  /// Linking rules of protocols by name ("evidence:" under a protocol).
  std::map<std::string, EvidenceRules> protocol_evidence;
  /// The time the file records a protocol as of ("as_of:" under a protocol),
  /// by name; a protocol without one is recorded as of the file's `as_of`.
  std::map<std::string, Timestamp> protocol_as_of;
  /// Proposals by id, each with its actions in recorded order. Parsing checks
  /// each on its own (stages, ids unique in the file, objections raised
  /// before they are acted on, actions in time order, nothing after a
  /// decision); the importer checks protocols and numbers against the database.
  std::vector<ProposalEntry> proposals;
};

/// Parses and checks `text`. Errors are kInvalidArgument (or kCorruption for a
/// YAML syntax error) with context "FILE:LINE:COLUMN" and a message that says
/// what is wrong and how to fix it. Text that is not valid UTF-8 is refused
/// first, with the position of its first bad byte (the column in characters)
/// and the message "not valid UTF-8". So is text longer than
/// kMaxProjectFileBytes, holding a NUL byte, a second document, a key twice
/// in one mapping, a tag outside YAML's core schema, nesting deeper than
/// kMaxYamlDepth or more than kMaxYamlNodes nodes once aliases are expanded
/// (stocktake/util/limits.h). Statuses are checked against the file's own
/// process, else `fallback_process` when given, else the Xen process.
[[nodiscard]] Result<ProjectFile> ParseProjectFile(std::string_view text,
                                                   std::string_view file_name,
                                                   const Process* fallback_process = nullptr);

/// Writes `file` as YAML in the canonical layout (keys in a fixed order,
/// defaults left out). Parent and dependency references are written as slugs.
std::string EmitProjectFile(const ProjectFile& file);

/// "FILE:LINE:COLUMN".
std::string FormatMark(std::string_view file_name, FileMark mark);

}  // namespace stocktake
