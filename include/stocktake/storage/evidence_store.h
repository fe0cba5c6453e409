#pragma once

// The evidence part of a Store: reads through Store::evidence(), writes
// through StoreWriter::evidence_writer() inside a Transact() body, so one
// ingest run (its messages, commits, derived threads, series and links, and
// the event that summarises it) commits together or not at all.
//
// The writers take whole batches: back ends bind them to prepared statements.
// Like the Store, these objects are used by one thread at a time.

#include <cstdint>
#include <optional>
#include <span>
#include <string>
#include <vector>

#include "stocktake/model/evidence.h"
#include "stocktake/result.h"

namespace stocktake {

/// Which messages ListMessages() returns.
struct MessageQuery {
  std::string thread_root;      ///< Only this thread's messages; empty for all.
  bool with_references = true;  ///< Fill EvidenceMessage::references.
  bool with_trailers = true;    ///< Fill EvidenceMessage::trailers.
};

class EvidenceReader {
 public:
  virtual ~EvidenceReader() = default;

  /// What the last run read from `source`, or nullopt.
  [[nodiscard]] virtual Result<std::optional<IngestSource>> FindSource(
      const std::string& source) = 0;
  /// Messages ordered by (date, message_id); undated messages first.
  [[nodiscard]] virtual Result<std::vector<EvidenceMessage>> ListMessages(
      const MessageQuery& query) = 0;
  [[nodiscard]] virtual Result<std::optional<EvidenceMessage>> FindMessage(
      const std::string& message_id) = 0;
  /// Every stored Message-ID (to skip duplicates before parsing is kept).
  [[nodiscard]] virtual Result<std::vector<std::string>> ListMessageIds() = 0;
  [[nodiscard]] virtual Result<std::optional<EvidenceThread>> FindThread(
      const std::string& root_id) = 0;
  /// Every series in order of first appearance, with patches and trailers.
  [[nodiscard]] virtual Result<std::vector<EvidenceSeries>> ListSeries() = 0;
  /// Commits of `shas` (all commits when empty), newest first, with trailers
  /// and touched paths.
  [[nodiscard]] virtual Result<std::vector<EvidenceCommit>> ListCommits(
      const std::vector<std::string>& shas) = 0;
  /// Whether `sha` is stored.
  [[nodiscard]] virtual Result<bool> HasCommit(const std::string& sha) = 0;
  [[nodiscard]] virtual Result<std::vector<EvidenceRuleSet>> ListRules() = 0;
  /// The links of one feature or protocol (all owners when `owner` is empty),
  /// newest evidence first.
  [[nodiscard]] virtual Result<std::vector<EvidenceLink>> ListLinks(EvidenceOwnerKind kind,
                                                                    const std::string& owner) = 0;
  /// Draft objections of `proposal_id` (all when 0), oldest first.
  [[nodiscard]] virtual Result<std::vector<DraftObjection>> ListDraftObjections(
      std::int64_t proposal_id) = 0;
  [[nodiscard]] virtual Result<EvidenceStats> Stats() = 0;
};

class EvidenceWriter {
 public:
  virtual ~EvidenceWriter() = default;

  /// Inserts messages with their references, in the order given; their
  /// trailers follow with InsertMessageTrailers() (ingest writes the messages
  /// while it still parses trailers). A Message-ID already stored, or earlier
  /// in `messages`, is left as it is (the first copy wins); returns how many
  /// were new.
  [[nodiscard]] virtual Result<std::int64_t> InsertMessages(
      std::span<const EvidenceMessage* const> messages) = 0;
  /// Inserts the trailers of messages that InsertMessages() added. Ordinals
  /// start at 0 per message; an ordinal already stored keeps its trailer.
  [[nodiscard]] virtual Result<void> InsertMessageTrailers(
      std::span<const EvidenceMessage* const> messages) = 0;
  /// Moves messages to other threads: pairs of (message_id, thread_root).
  [[nodiscard]] virtual Result<void> SetThreadRoots(
      std::span<const std::pair<std::string, std::string>> roots) = 0;
  /// Replace all threads, or all series (with patches and attributed trailers).
  [[nodiscard]] virtual Result<void> ReplaceThreads(std::span<const EvidenceThread> threads) = 0;
  [[nodiscard]] virtual Result<void> ReplaceSeries(std::span<const EvidenceSeries> series) = 0;
  /// Inserts commits with trailers and paths; a stored sha is left as it is.
  /// Returns how many were new.
  [[nodiscard]] virtual Result<std::int64_t> InsertCommits(
      std::span<const EvidenceCommit> commits) = 0;
  /// Inserts or replaces what was read from a source.
  [[nodiscard]] virtual Result<void> SaveSource(const IngestSource& source) = 0;
  /// Replaces the rules of one feature or protocol (no rules deletes them).
  [[nodiscard]] virtual Result<void> SaveRules(const EvidenceRuleSet& rules) = 0;
  /// Deletes the links whose target kind is one of `target_kinds` ("message",
  /// "series", "commit") and stores `links` instead.
  [[nodiscard]] virtual Result<void> ReplaceLinks(const std::vector<std::string>& target_kinds,
                                                  std::span<const EvidenceLink> links) = 0;
  /// Inserts a draft objection; one already stored for its message is kept.
  /// Returns true when it was new.
  [[nodiscard]] virtual Result<bool> AddDraftObjection(const DraftObjection& draft) = 0;
  /// Sets the state of the draft objection of `message_id`; kNotFound if none.
  [[nodiscard]] virtual Result<void> SetDraftObjectionState(const std::string& message_id,
                                                            const std::string& state) = 0;
};

}  // namespace stocktake
