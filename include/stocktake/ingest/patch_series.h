#pragma once

// Patch series: reading subject prefixes ("[PATCH v3 02/10] ...") and
// assembling posted patches into series, one entry per posted version, with
// the versions of the same work linked into a lineage (v1 → v2 → v3), and the
// review trailers of replies attributed to the patch or series they answer.
// Patchwork's parser is the reference for the ambiguous cases; the rules are
// listed in docs/mbox-parsing.md. Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <unordered_map>
#include <vector>

#include "stocktake/ingest/mail_message.h"
#include "stocktake/ingest/trailers.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// What a subject says about the patch it carries.
struct SubjectPrefix {
  bool is_reply = false;  ///< Starts with "Re:" (before or after the prefixes).
  bool is_patch = false;  ///< A PATCH token, or a counter such as "2/10".
  bool is_rfc = false;
  bool is_resend = false;
  int version = 1;                ///< "v3" → 3; 1 when not written.
  bool version_explicit = false;  ///< A "vN" token was present.
  int index = 0;                  ///< "02/10" → 2; 0 for a cover letter or no counter.
  int total = 0;                  ///< "02/10" → 10; 0 when there is no counter.
  bool has_counter = false;
  /// Other tokens of the bracketed prefixes, in order: "net-next", "for-4.3", "PULL".
  std::vector<std::string> tags;
  /// Bracket groups that carry no patch token at all, such as "[Xen-devel]".
  std::vector<std::string> list_tags;
  /// The subject without reply markers and prefixes, white space collapsed.
  std::string name;

  bool is_cover_letter() const { return has_counter && index == 0; }
};

/// Parses `subject`. Accepted counters: "02/10", "2 of 10", "PATCH1/8"; prefixes
/// may be split over several bracket groups ("[RFC][PATCH 05/10]") and mixed
/// with list tags ("[Xen-devel] [PATCH]") and reply markers.
SubjectPrefix ParseSubjectPrefix(std::string_view subject);

/// The key under which two subjects name the same work: the name in lower
/// case, white space collapsed, trailing punctuation dropped.
std::string NormalizeSeriesName(std::string_view name);

/// One patch of a series.
struct SeriesPatch {
  int index = 1;  ///< 1-based; an unnumbered single patch is 1.
  std::string message_id;
};

/// One posted version of a series.
struct PatchSeries {
  std::string id;               ///< The cover letter's id, or else the first patch's.
  std::string cover_letter_id;  ///< Empty when no cover letter was received.
  std::string name;             ///< From the cover letter, else from the first patch.
  MailAddress submitter;
  std::optional<Timestamp> date;  ///< Of the earliest message of the series.
  int version = 1;
  int total = 1;  ///< Patches announced (N of "i/N"); 1 for an unnumbered patch.
  bool is_rfc = false;
  bool is_resend = false;
  std::vector<std::string> tags;     ///< Union of the members' tags.
  std::vector<SeriesPatch> patches;  ///< Sorted by index; no duplicate index.
  std::vector<int> missing;          ///< Indexes 1..total not received.
  bool complete() const { return missing.empty(); }
  std::size_t lineage = 0;  ///< Index into SeriesSet::lineages.
};

/// The versions of one piece of work, oldest version first.
struct SeriesLineage {
  std::string id;                   ///< The id of its first series.
  std::vector<std::size_t> series;  ///< Indexes into SeriesSet::series.
};

struct SeriesSet {
  std::vector<PatchSeries> series;  ///< In order of first appearance (date, then input order).
  std::vector<SeriesLineage> lineages;
  /// Every cover letter and patch id → index of its series.
  std::unordered_map<std::string, std::size_t> series_of;
};

/// Assembles the patch mails among `messages` into series (see
/// docs/mbox-parsing.md for the rules). Replies and non-patch mail are ignored.
/// The result depends only on the messages, not on their input order, except
/// to break ties between equal dates.
SeriesSet AssembleSeries(std::span<const MailMessage> messages);

/// What a trailer applies to.
enum class TrailerScope {
  kPatch,   ///< The patch `target_id`.
  kSeries,  ///< The whole series `target_id` (a reply to its cover letter).
};

/// A trailer found in a mail and the patch or series it applies to.
struct SeriesTrailer {
  std::string source_id;  ///< The mail that carries the trailer.
  TrailerScope scope = TrailerScope::kPatch;
  std::string target_id;   ///< A patch's message id, or a series id.
  std::size_t series = 0;  ///< Index into SeriesSet::series.
  Trailer trailer;
};

/// The trailers of every patch (git's rules on its body) and of every reply
/// that answers, directly or further down its thread, a patch (applies to
/// that patch) or a cover letter (applies to the whole series).
std::vector<SeriesTrailer> CollectSeriesTrailers(std::span<const MailMessage> messages,
                                                 const SeriesSet& series);

}  // namespace stocktake
