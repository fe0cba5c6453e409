#pragma once

// Views of releases, features, people and their history: what `stocktake`
// prints for planning reads, and what the HTTP API will send. Each view is a
// plain value; a Build* function reads it from a Store (through the services,
// so the rules are the CLI's and the server's alike), and a Printer (printer.h)
// writes it as text or JSON. Views are values: copy them between threads
// freely. A Build* call uses its Store from one thread at a time.

#include <cstddef>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/analysis/release_check.h"
#include "stocktake/analysis/schedule.h"
#include "stocktake/model/event.h"
#include "stocktake/model/feature.h"
#include "stocktake/model/person.h"
#include "stocktake/model/release.h"
#include "stocktake/report/taking_stock.h"
#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/store.h"
#include "stocktake/util/time.h"
#include "stocktake/view/evidence.h"

namespace stocktake::view {

/// `person list`: everyone, in the store's order.
struct PersonList {
  std::vector<Person> people;
};

/// `release list`: every release with its schedule.
struct ReleaseList {
  std::vector<Release> releases;
};

/// What an intervention did for one feature: its status when the
/// intervention was made and at the view's time.
struct InterventionEffect {
  std::string slug;
  std::string title;  ///< Display name at the view's time.
  std::string then;   ///< Status when the intervention was made.
  std::string now;    ///< Status at the view's time ("removed" when it was).
};

/// An intervention with its effect on each feature it targets.
struct InterventionShow {
  Intervention intervention;
  std::vector<InterventionEffect> effects;
};

/// `release show`: a release, where it stands on `as_of`, and how many of its
/// own features have each status.
struct ReleaseShow {
  Release release;
  Timestamp as_of{};
  SchedulePosition position;
  /// The process's status ids in their order, so text lists every status.
  std::vector<std::string> status_ids;
  std::map<std::string, int> features_by_status;
  /// Its interventions, oldest first (slips are its schedule changes).
  std::vector<InterventionShow> interventions;
};

/// `feature list`: features in list order.
struct FeatureList {
  std::vector<Feature> features;
};

/// `feature show`: a feature with its status history and linked evidence.
struct FeatureShow {
  Feature feature;
  LinkedEvidence evidence;
};

/// `feature history`, `protocol history`: events, oldest first.
struct EventLog {
  std::vector<Event> events;
};

/// Which events a feed shows (`stocktake log`, GET /api/v1/events): those
/// recorded after `after` (an event id), at most `limit`, narrowed like an
/// EventQuery.
struct EventFeedQuery {
  std::string release;      ///< Only this release's events; empty for all.
  std::string subject;      ///< Only events about this feature, release, person, ...
  std::string kind_prefix;  ///< Only kinds starting with this ("feature.", "release.slipped").
  std::int64_t after = 0;   ///< The cursor: the id of the last event already seen.
  std::size_t limit = 0;    ///< At most this many; 0 for all.
};

/// `log`: events in the order they were recorded (by id), from a cursor, and
/// the cursor of the next page when there is more.
struct EventFeed {
  std::vector<Event> events;
  std::optional<std::int64_t> next;  ///< Pass as `after` for the next page.
};

/// `check VERSION`: the release's alerts followed by the lifecycle alerts.
struct ReleaseCheck {
  std::string version;
  Timestamp as_of{};
  std::vector<Alert> alerts;
};

/// `import FILE`: what the import changed.
struct ImportReport {
  std::string file;
  std::string database;  ///< Where it went, as --db named it.
  ImportSummary summary;
};

/// `import FILE --dry-run`: what the import would write (nothing is written):
/// each object of the file added, changed field by field, or kept, the
/// conflicts that would refuse it, and what the file does not name.
struct ImportDryRun {
  std::string database;      ///< As --db named it.
  bool prefer_file = false;  ///< `--prefer file`: conflicts are overwritten.
  ImportPreview plan;
};

/// `init`: the database made and its process.
struct InitDone {
  std::string database;
  std::string process = "xen";
  std::string admin;  ///< The first admin's e-mail.
};

/// `migrate`: the schema versions before and after.
struct MigrateDone {
  std::string database;
  int from = 0;
  int to = 0;
};

/// `report --format email`: the report and its envelope.
struct TakingStockMail {
  TakingStock report;
  Person from;     ///< The person acting, or just their e-mail when unknown.
  std::string to;  ///< The project's mailing list.
};

/// Everyone; kUnavailable/kIoError from the store.
[[nodiscard]] Result<PersonList> BuildPersonList(Store& store);
/// Every release; store errors only.
[[nodiscard]] Result<ReleaseList> BuildReleaseList(Store& store);
/// The release `version` as of `now`; kNotFound names the known releases.
[[nodiscard]] Result<ReleaseShow> BuildReleaseShow(Store& store, const std::string& version,
                                                   Timestamp now);
/// Features of `release` (all when empty) with status `status` (any when
/// empty); kNotFound when `release` is named but unknown.
[[nodiscard]] Result<FeatureList> BuildFeatureList(Store& store, const std::string& release,
                                                   const std::string& status);
/// The feature named by slug or exact title; kNotFound otherwise.
[[nodiscard]] Result<FeatureShow> BuildFeatureShow(Store& store, const std::string& name);
/// Every event of a feature; kNotFound for an unknown feature.
[[nodiscard]] Result<EventLog> BuildFeatureHistory(Store& store, const std::string& name);
/// The events `query` selects, oldest recorded first; kNotFound for an
/// unknown release, store errors otherwise.
[[nodiscard]] Result<EventFeed> BuildEventFeed(Store& store, const EventFeedQuery& query);
/// Every alert of release `version` at `now`, the protocol lifecycle's
/// included (their `title` is their subject); kNotFound for an unknown release.
[[nodiscard]] Result<ReleaseCheck> BuildReleaseCheck(Store& store, const std::string& version,
                                                     Timestamp now);

/// The Taking-stock report of `version` at `now`, with the changes since
/// `since` when given; kNotFound for an unknown release.
[[nodiscard]] Result<TakingStock> BuildTakingStock(Store& store, const std::string& version,
                                                   Timestamp now, std::optional<Date> since);
/// The report as a mail from `from_email` to the project's list;
/// kInvalidArgument when the project has no mailing list.
[[nodiscard]] Result<TakingStockMail> BuildTakingStockMail(Store& store, const std::string& version,
                                                           Timestamp now, std::optional<Date> since,
                                                           const std::string& from_email);

}  // namespace stocktake::view
