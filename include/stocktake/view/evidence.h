#pragma once

// Views of the evidence read from mail and git: the evidence linked to a
// feature or protocol, series, threads, counts, draft objections and ingest
// runs. Plain values, built from a Store by the Build* functions and printed
// by a Printer (printer.h); copy them between threads freely.

#include <cstddef>
#include <map>
#include <optional>
#include <set>
#include <string>
#include <vector>

#include "stocktake/model/evidence.h"
#include "stocktake/result.h"
#include "stocktake/service/evidence_ingest.h"
#include "stocktake/storage/store.h"
#include "stocktake/util/time.h"

namespace stocktake::view {

/// The latest posted version of one linked series lineage, with who acked,
/// reviewed, tested or NAKed any of its patches.
struct LinkedSeries {
  std::string id;
  std::string name;
  int version = 1;
  std::optional<Timestamp> date;
  bool received_all = true;
  std::string lineage;
  /// "acked-by", "reviewed-by", "tested-by", "nacked-by" -> e-mails (or the
  /// trailer's text when it names no address). Every key is present.
  std::map<std::string, std::set<std::string>> people;
};

/// One linked commit.
struct LinkedCommit {
  std::string sha;
  std::string subject;
  Timestamp date{};
  std::vector<std::string> paths;
};

/// The evidence linked to a feature or protocol (`feature show`, `protocol
/// show`): last activity, the latest version of each linked series (newest
/// first, undated first), and up to kLinkedShown mails and commits.
struct LinkedEvidence {
  std::optional<Timestamp> last_activity;
  std::size_t links = 0;
  std::vector<LinkedSeries> series;
  std::vector<EvidenceMessage> messages;
  std::vector<LinkedCommit> commits;
};

/// How many linked mails and commits a page shows.
inline constexpr std::size_t kLinkedShown = 20;

/// The trailer keys LinkedSeries::people holds, in the order pages print them.
inline constexpr const char* kReviewTrailers[] = {"acked-by", "reviewed-by", "tested-by",
                                                  "nacked-by"};

/// `series list`: every posted version of every series.
struct SeriesList {
  std::vector<EvidenceSeries> series;
};

/// One node of a thread tree, depth-first from the root. A ghost (referenced,
/// never received) has no `message`.
struct ThreadEntry {
  std::string message_id;
  std::string parent_id;  ///< Empty at a root.
  int depth = 0;
  std::optional<EvidenceMessage> message;
};

/// `thread show`: the thread of `wanted` as a tree.
struct ThreadShow {
  std::string wanted;  ///< The Message-ID asked for, without <>.
  std::string root;
  std::string subject;
  std::size_t message_count = 0;  ///< Received messages.
  std::vector<ThreadEntry> nodes;
};

/// `draft-objection list`: NAKs found in proposal threads, oldest first.
struct DraftObjectionList {
  std::vector<DraftObjection> drafts;
};

/// `draft-objection confirm|dismiss`.
struct DraftSettled {
  std::string message_id;
  bool confirmed = false;
  std::int64_t objection = 0;  ///< The new objection's number; 0 when dismissed.
};

/// `ingest …`: what one run did and how long it took.
struct IngestReport {
  IngestSummary summary;
  double seconds = 0;
};

/// Summarizes `links` of one owner. `all_series` is every stored series (only
/// needed when a link names a series); `messages` and `commits` are the linked
/// ones found in the store, in link order. Pure.
LinkedEvidence SummarizeLinks(const std::vector<EvidenceLink>& links,
                              const std::vector<EvidenceSeries>& all_series,
                              std::vector<EvidenceMessage> messages,
                              const std::vector<EvidenceCommit>& commits);

/// Reads the evidence linked to `owner`; store errors only.
[[nodiscard]] Result<LinkedEvidence> BuildLinkedEvidence(Store& store, EvidenceOwnerKind kind,
                                                         const std::string& owner);
/// Every series; store errors only.
[[nodiscard]] Result<SeriesList> BuildSeriesList(Store& store);
/// The thread of Message-ID `message_id` (with or without <>); kNotFound when
/// no such message was ingested.
[[nodiscard]] Result<ThreadShow> BuildThreadShow(Store& store, const std::string& message_id);
/// Counts of the stored evidence; store errors only.
[[nodiscard]] Result<EvidenceStats> BuildEvidenceStats(Store& store);
/// Draft objections of proposal `proposal` (every proposal's when 0).
[[nodiscard]] Result<DraftObjectionList> BuildDraftObjectionList(Store& store,
                                                                 std::int64_t proposal);

/// `id` without the angle brackets of a Message-ID header.
std::string BareMessageId(std::string id);

}  // namespace stocktake::view
