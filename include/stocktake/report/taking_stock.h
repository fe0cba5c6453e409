#pragma once

// The Taking-stock report: where a release stands against its schedule and
// every feature sorted by how likely it is to land, in the layout of the Xen
// release manager's mail. BuildTakingStock() computes the content once; the
// renderers turn it into text, Markdown, JSON or an RFC 5322 message, so all
// formats carry the same content. Pure and thread-safe.

#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/analysis/schedule.h"
#include "stocktake/model/event.h"
#include "stocktake/model/feature.h"
#include "stocktake/model/person.h"
#include "stocktake/model/release.h"
#include "stocktake/process/process.h"

namespace stocktake {

/// One line of a status list: a feature with its annotations.
struct ReportItem {
  std::string slug;
  std::string title;               ///< Display name (title and code bases).
  std::string label;               ///< The whole line after "* " or " - ".
  std::string status;              ///< Its own status.
  std::string effective_status;    ///< The list it is shown in.
  std::vector<std::string> chain;  ///< Why the effective status differs (slugs).
  bool external = false;
  bool must_have = false;           ///< The release needs it.
  std::vector<std::string> owners;  ///< E-mails.
  bool partial = false;             ///< Shown in a done list while some sub-items are not done.
  bool listed = true;               ///< false for a parent shown only to hold its sub-items.
  int depth = 0;                    ///< 0 for "* item", 1 for " - sub-item", …
};

struct ReportSection {
  std::string status;             ///< Status id.
  std::string heading;            ///< "Finished features".
  std::vector<ReportItem> items;  ///< In list order, parents before their sub-items.
};

/// One entry of "Changes since DATE".
struct ReportChange {
  Timestamp at{};
  /// "status", "confirmed", "added", "dropped", "slipped", "moved", "renamed",
  /// "must-have", "owners", "parent", "removed", "restored", "intervention".
  std::string kind;
  std::string subject;  ///< Slug or version.
  std::string line;     ///< Human text.
};

struct TakingStock {
  std::string version;
  Timestamp as_of{};
  SchedulePosition schedule;
  Release release;
  std::vector<ReportSection> sections;
  std::optional<Date> since;
  std::vector<ReportChange> changes;
};

/// The kinds of event that "Changes since" reports: BuildTakingStock() skips
/// the others, so a caller need not read them.
const std::vector<std::string>& TakingStockChangeKinds();

/// Computes the report for `release` on `now`. `features` are the release's
/// features (others, e.g. dependencies in other releases, are used for risk
/// only). `events` are the release's events since `since`, when given, and
/// the moves of features out of it (feature.updated events whose release was
/// this one), oldest first; a feature they name that is no longer among
/// `features` may be added to them, so its title shows.
TakingStock BuildTakingStock(const Process& process, const Release& release,
                             const std::vector<Feature>& features, Timestamp now,
                             std::optional<Date> since, const std::vector<Event>& events);

/// The mail body: the release's template with {{schedule}}, {{features}} and
/// (if present) {{changes}} filled in; changes go last when the template has no
/// place for them.
std::string RenderTakingStockText(const TakingStock& report);

/// The same content as Markdown (a heading, the paragraphs, nested lists).
std::string RenderTakingStockMarkdown(const TakingStock& report);

/// The same content as a JSON object (see docs/api-schema.md).
nlohmann::json RenderTakingStockJson(const TakingStock& report);

/// The report as an RFC 5322 message ready for `sendmail -t` or
/// `git send-email`: Subject "VERSION Planning: Taking stock", From `from`,
/// To `to`, Date and Message-ID derived from the report.
std::string RenderTakingStockEmail(const TakingStock& report, const Person& from,
                                   const std::string& to);

}  // namespace stocktake
