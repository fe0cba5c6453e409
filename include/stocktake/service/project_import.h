#pragma once

// What importing a project file does to a database, object by object: the
// plan `stocktake import FILE --dry-run` prints, and the conflicts that make
// an import refuse. Planning::PreviewImport and Planning::Import
// (service/planning.h) produce them; the rules are in docs/project-file.md.
// Value types.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/util/time.h"

namespace stocktake {

/// How an import treats newer data in the database.
struct ImportOptions {
  /// Overwrite the values the database changed after the file's record of
  /// them with the file's (`--prefer file`); each overwrite is an event.
  /// Otherwise such conflicts refuse the whole import.
  bool prefer_file = false;
};

/// What an import does with one object the file names.
enum class ImportAction {
  kAdd,     ///< New to the database.
  kChange,  ///< Some of its fields change, or its history grows.
  kKeep,    ///< The database already holds what the file says (or something newer).
};

/// "add", "change", "keep".
std::string_view ImportActionName(ImportAction action);

/// One field an import changes, with the values as JSON (a string, a date
/// "YYYY-MM-DD", a list, a boolean) and when the change takes effect.
struct ImportFieldChange {
  std::string field;  ///< "status", "owners", "release", "history", …
  nlohmann::json from;
  nlohmann::json to;
  Timestamp at{};
  /// True when it overwrites a newer value of the database (`--prefer file`).
  bool overwrite = false;
};

/// One object of the file and what the import does with it.
struct ImportItem {
  std::string kind;  ///< "project", "person", "release", "feature", "protocol", "proposal".
  std::string name;  ///< Its key: slug, version, e-mail, protocol name, proposal number.
  ImportAction action = ImportAction::kKeep;
  Timestamp as_of{};  ///< The time the file records it as of.
  std::vector<ImportFieldChange> changes;
  /// Further remarks, e.g. that the file's record is earlier than the
  /// database's first record of the object, whose newer values stay.
  std::vector<std::string> notes;
};

/// A value the database changed after the file's record of it: the import
/// refuses unless ImportOptions::prefer_file.
struct ImportConflict {
  std::string kind;   ///< As ImportItem::kind.
  std::string name;   ///< As ImportItem::name.
  std::string field;  ///< As ImportFieldChange::field.
  nlohmann::json database_value;
  Timestamp database_at{};  ///< When the database's value took effect…
  std::string database_by;  ///< …and who set it.
  nlohmann::json file_value;
  Timestamp file_as_of{};  ///< The file's record of the object.
};

/// Objects in the database that the file does not name: an import never
/// deletes, so they stay as they are.
struct ImportUntouched {
  int releases = 0;
  int features = 0;
  int people = 0;
  int protocols = 0;
  int proposals = 0;
};

/// The whole plan of one import.
struct ImportPreview {
  std::string file;
  std::vector<ImportItem> items;  ///< In file order: project, people, releases with their
                                  ///< features, protocols, proposals.
  std::vector<ImportConflict> conflicts;
  ImportUntouched untouched;
  int events = 0;  ///< Events the import writes (refused: would write).
};

/// The conflicts as the import's refusal says them, one per line:
/// "feature slug: status: the database has \"at-risk\" (TIME, by WHO), the
/// file \"on-track\" (as of TIME)".
std::string DescribeConflicts(const std::vector<ImportConflict>& conflicts);

}  // namespace stocktake
