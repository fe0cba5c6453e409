#pragma once

// Planning: the release manager's operations on a Store, shared by the CLI and
// the server. Each write checks its input, then, inside one transaction, the
// acting person's roles (service/authorization.h), its change and the event
// rows that describe it, so a refused or failed command leaves the database
// untouched. A write the acting person's roles do not allow is
// kPermissionDenied, naming the role it needs.
//
// A Planning object borrows its Store and is used by one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/analysis/release_check.h"
#include "stocktake/projectfile/project_file.h"
#include "stocktake/report/taking_stock.h"
#include "stocktake/service/project_import.h"
#include "stocktake/storage/store.h"

namespace stocktake {

/// Who acts and when: every timestamp written and every time computed uses it.
struct Context {
  std::string actor;  ///< E-mail of the acting person.
  Timestamp now{};    ///< When the change takes effect (--now); reads show the state then.
  /// When the change is recorded: the real clock, whatever `now` says. Zero
  /// reads the system clock as each event is made.
  Timestamp recorded_at{};
  /// --backdate: a change may take effect before the latest change to the same
  /// object; it is then placed in order. Without it such a write is refused.
  bool backdate = false;
  /// `now` was read from the clock (no --now): a write then takes effect no
  /// earlier than the latest change to its object, which another command may
  /// have committed, stamped a moment later, while this one waited to write.
  bool now_is_clock = false;

  /// `recorded_at`, or the system clock when it is zero.
  Timestamp RecordingTime() const;
};

/// What an import changed.
struct ImportSummary {
  int releases_added = 0;
  int releases_updated = 0;
  int features_added = 0;
  int features_updated = 0;
  int features_unchanged = 0;
  int people_saved = 0;
  int protocols_added = 0;
  int protocols_updated = 0;
  int proposals_added = 0;
  int proposals_updated = 0;  ///< Known proposals that got new actions.
  int events_written = 0;
  /// The acting person when this import initialised the database and the
  /// file names no admin: they became its first admin. Empty otherwise.
  std::string first_admin;
};

/// Changes to a feature; unset fields stay as they are.
struct FeatureUpdate {
  std::optional<std::string> status;
  std::string reason;  ///< Why the status (or anything else) changed.
  std::optional<std::string> title;
  std::optional<std::string> release;
  std::optional<std::string> parent;  ///< Empty string: make it a top-level item.
  std::optional<bool> external;
  std::optional<bool> must_have;
  std::optional<std::vector<std::string>> code_bases;
  std::optional<std::vector<std::string>> owners;
  std::vector<std::string> add_dependencies;     ///< Feature names.
  std::vector<std::string> remove_dependencies;  ///< Feature names.
  std::optional<std::string> short_title;
  std::optional<std::string> remark;
  std::optional<std::string> notes;
  std::optional<std::string> protocol;
  std::optional<std::string> freeze_exception;
  /// Remove (true) or restore (false) the feature; RemoveFeature and
  /// RestoreFeature set it.
  std::optional<bool> removed;
};

/// A release with everything its report and check need.
struct ReleaseView {
  Project project;
  Release release;
  /// The release's features in list order, then features of other releases
  /// they depend on.
  std::vector<Feature> features;
};

class Planning {
 public:
  explicit Planning(Store& store) : store_(store) {}

  /// Initialises an empty database with `project` (the Xen process when
  /// `project` has no statuses) and `admin` (the acting person when empty) as
  /// its first admin. kConflict when it is already initialised;
  /// kInvalidArgument when `admin` is not an e-mail address.
  [[nodiscard]] Result<void> Init(const Context& context, Project project, std::string admin = {});

  /// The project; kNotFound with a hint when the database is not initialised.
  [[nodiscard]] Result<Project> LoadProject();

  /// Checks the whole file against itself and the database, then writes it in
  /// one transaction. Errors name FILE:LINE:COLUMN; nothing is written then.
  /// Objects are recorded as of the times the file gives (docs/project-file.md).
  /// kConflict, listing them, when the database changed values after the
  /// file's record of them, unless `options.prefer_file`.
  /// Only an admin imports into an initialised database; an import that
  /// initialises one makes the acting person its first admin unless the file
  /// names admins (ImportSummary::first_admin); an import takes the admin
  /// role from no one. kPermissionDenied also when
  /// the file would move a stored protocol to another stage without an
  /// accepted proposal.
  [[nodiscard]] Result<ImportSummary> Import(const Context& context, std::string_view text,
                                             std::string_view file_name,
                                             const ImportOptions& options = {});

  /// What Import would do, conflicts included, writing nothing. The same
  /// errors as Import for a file that is wrong; conflicts are listed, not
  /// refused.
  [[nodiscard]] Result<ImportPreview> PreviewImport(const Context& context, std::string_view text,
                                                    std::string_view file_name,
                                                    const ImportOptions& options = {});

  /// The whole project as a project file.
  [[nodiscard]] Result<std::string> Export();

  /// Adds or replaces a person (an admin only). kInvalidArgument for a
  /// malformed e-mail; kConflict when it would take the admin role from the
  /// last admin.
  [[nodiscard]] Result<Person> SavePerson(const Context& context, Person person);

  /// Adds a release. kConflict when it exists; kInvalidArgument for dates out of order.
  [[nodiscard]] Result<Release> AddRelease(const Context& context, Release release);

  /// Moves a release's freeze and/or release date, recording the reason (a slip
  /// is an intervention). Only a release manager may: kPermissionDenied otherwise.
  [[nodiscard]] Result<Release> SlipRelease(const Context& context, const std::string& version,
                                            std::optional<Date> freeze,
                                            std::optional<Date> release_date,
                                            const std::string& reason);

  /// Records that `version` was released on `date` (by default the day of
  /// `context.now`), with an optional note. From then on its features are no
  /// longer checked, and its show and report say when it was released
  /// against the plan. Only a release manager may; kInvalidArgument when it
  /// already shipped or `date` is before its start or after `context.now`.
  [[nodiscard]] Result<Release> ShipRelease(const Context& context, const std::string& version,
                                            std::optional<Date> date, const std::string& note);

  /// Records an intervention of `kind` (one of kInterventionKinds) in
  /// `features` (names) of `version`, with `text` saying what was done. Only
  /// a release manager may. kInvalidArgument for an unknown kind, no
  /// feature, blank text, or a feature of another release; kNotFound for an
  /// unknown release or feature.
  [[nodiscard]] Result<Intervention> Intervene(const Context& context, const std::string& version,
                                               const std::string& kind,
                                               const std::vector<std::string>& features,
                                               const std::string& text);

  /// Moves every unfinished feature of `version` (in the release, not done,
  /// not removed) to `next` in one transaction, each move a feature.updated
  /// event with the reason "carried over from VERSION to NEXT". A sub-item
  /// whose parent stays (finished) becomes a top-level item of `next`. Only a
  /// release manager may. kInvalidArgument when `next` is `version` or has
  /// shipped, when nothing is unfinished, or when an unfinished feature has
  /// finished sub-items (they would be left without their parent: move or
  /// re-parent them first).
  [[nodiscard]] Result<std::vector<Feature>> CarryOver(const Context& context,
                                                       const std::string& version,
                                                       const std::string& next);

  /// The release `version`; kNotFound listing the known versions.
  [[nodiscard]] Result<Release> FindRelease(const std::string& version);

  /// The feature named by slug, exact title or display name ("Persistent
  /// grants for blk (Linux)"); kNotFound with suggestions, kInvalidArgument
  /// when a title is ambiguous.
  [[nodiscard]] Result<Feature> ResolveFeature(const std::string& name);

  /// Adds `draft` at the end of its release's list; its slug is derived from
  /// its display name unless given. Parent and dependencies may be names. A
  /// feature added with no owners by someone who may not change every feature
  /// is owned by them, so they can update it.
  [[nodiscard]] Result<Feature> AddFeature(const Context& context, Feature draft);

  /// Applies `update` to the feature `name`, recording each change. The
  /// release manager changes any feature; a maintainer or contributor only
  /// one they own, and not its release, must-have flag or freeze exception.
  [[nodiscard]] Result<Feature> UpdateFeature(const Context& context, const std::string& name,
                                              const FeatureUpdate& update);

  /// Takes the feature `name` off the books with `reason` (required): kept
  /// with its history, left out of lists, reports and checks. Only a release
  /// manager may. kInvalidArgument when it is already removed, or has
  /// sub-items or features that depend on it (they name it: change them
  /// first).
  [[nodiscard]] Result<Feature> RemoveFeature(const Context& context, const std::string& name,
                                              const std::string& reason);

  /// Puts a removed feature back where it was. kInvalidArgument when it is
  /// not removed, or its parent is removed.
  [[nodiscard]] Result<Feature> RestoreFeature(const Context& context, const std::string& name,
                                               const std::string& reason);

  /// Every event about the feature `name`, oldest first.
  [[nodiscard]] Result<std::vector<Event>> FeatureHistory(const std::string& name);

  [[nodiscard]] Result<ReleaseView> LoadRelease(const std::string& version);

  /// The Taking-stock report of `version` on `now`, with changes since `since`.
  [[nodiscard]] Result<TakingStock> Report(const std::string& version, Timestamp now,
                                           std::optional<Date> since);

  /// The early-warning alerts of `version` on `now`.
  [[nodiscard]] Result<std::vector<Alert>> Check(const std::string& version, Timestamp now);

 private:
  /// `before` with `update` applied: names resolved, statuses and releases
  /// checked. Reads the store, so UpdateFeature runs it inside its transaction.
  Result<Feature> ApplyUpdate(const Project& project, const Feature& before,
                              const FeatureUpdate& update);
  /// kInvalidArgument when a stored feature has `removed` as its parent or a
  /// dependency.
  Result<void> CheckNothingNeeds(const Feature& removed);
  /// kInvalidArgument when the stored features, with `changed` in place of its
  /// stored row, hold a dependency or parent cycle.
  Result<void> CheckNoCycleThrough(const Feature& changed);
  /// kInvalidArgument when `changed` and its parent, or `changed` and one of
  /// its stored sub-items, would be in different releases.
  Result<void> CheckOneReleaseWithParent(const Feature& changed);

  Store& store_;
};

}  // namespace stocktake
