#pragma once

// Store: where a project's releases, features, people, protocols, proposals
// and event log live.
// One interface, several back ends (SQLite in one file, the default; PostgreSQL
// for a team server), so callers never know which one they talk to.
//
// Every change goes through Transact(): the body's writes, including the event
// rows that describe them, commit together or not at all.
//
// Thread safety: a Store is used by one thread at a time. Open one Store per
// thread (SQLite in WAL mode and PostgreSQL both allow concurrent readers).

#include <cstddef>
#include <cstdint>
#include <functional>
#include <memory>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/model/event.h"
#include "stocktake/model/feature.h"
#include "stocktake/model/person.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/model/release.h"
#include "stocktake/process/process.h"
#include "stocktake/result.h"
#include "stocktake/storage/account_store.h"
#include "stocktake/storage/evidence_store.h"

namespace stocktake {

/// The project's identity and process.
struct Project {
  std::string name;
  std::string mailing_list;               ///< Where the Taking-stock mail goes.
  std::vector<std::string> repositories;  ///< Code bases' repository URLs or paths.
  Process process;
};

/// Which features ListFeatures() returns.
struct FeatureQuery {
  std::string release;        ///< Only this release; empty for all releases.
  bool with_history = false;  ///< Also fill Feature::history from the event log.
  bool with_removed = false;  ///< Also the removed features (Feature::removed).
};

/// The order ListEvents() returns events in.
enum class EventOrder {
  kInEffect,  ///< By `at`, then by id: the order the changes take effect in.
  kRecorded,  ///< By id: the order they were written in, backdated ones included.
};

/// Which events ListEvents() returns, and in which order.
struct EventQuery {
  std::string release;             ///< Only events of this release; empty for any.
  std::string subject;             ///< Only events about this subject; empty for any.
  std::string kind;                ///< Only this kind; empty for any.
  std::optional<Timestamp> since;  ///< at >= since.
  std::optional<Timestamp> until;  ///< at < until.
  std::string kind_prefix;         ///< Only kinds starting with this ("feature."); empty for any.
  std::vector<std::string> kinds;  ///< Only these kinds (with `kind`, both apply); empty for any.
  std::optional<std::int64_t> after_id;      ///< id > after_id (a feed's cursor).
  std::size_t limit = 0;                     ///< At most this many; 0 for all.
  EventOrder order = EventOrder::kInEffect;  ///< ListEventSpans() ignores it and `limit`.
};

/// One subject's events among those a query selects: the times of the first
/// and the last in effect, and the newest id (the last recorded).
struct EventSpan {
  std::string subject;
  Timestamp first;
  Timestamp last;
  std::int64_t newest_id = 0;
};

/// Which proposals ListProposals() returns, by id.
struct ProposalQuery {
  std::string protocol;  ///< Only this protocol's proposals; empty for all.
};

/// The write half of a transaction; valid only inside the Transact() body.
class StoreWriter {
 public:
  virtual ~StoreWriter() = default;

  /// Replaces the project's settings and its process (statuses, windows).
  /// kConflict when a status still used by a feature would disappear.
  [[nodiscard]] virtual Result<void> SaveProject(const Project& project) = 0;
  /// Inserts or replaces a person, their identities and roles.
  [[nodiscard]] virtual Result<void> SavePerson(const Person& person) = 0;
  /// Inserts or updates a release's schedule and template (not its schedule
  /// changes: those are events). New releases go after the existing ones.
  [[nodiscard]] virtual Result<void> SaveRelease(const Release& release) = 0;
  /// Inserts or updates a feature with its code bases, owners and dependencies.
  /// `ordinal` orders features within a release's lists; 0 keeps the stored
  /// feature's place (and must not be used for a new feature).
  [[nodiscard]] virtual Result<void> SaveFeature(const Feature& feature, std::int64_t ordinal) = 0;
  /// Moves feature `slug`'s last activity forward to `at`, and changes nothing
  /// else: evidence (a linked mail or commit) may say a feature is alive, but
  /// never rewrites what people set. Does nothing when the stored time is
  /// already `at` or later, or when no feature is called `slug`.
  [[nodiscard]] virtual Result<void> TouchFeature(const std::string& slug, Timestamp at) = 0;
  /// Appends one event row and returns its id. Events are never changed.
  [[nodiscard]] virtual Result<std::int64_t> AppendEvent(const Event& event) = 0;

  /// Inserts or updates a protocol: its fields, owners, implementations and
  /// waivers (replaced as given). Its history is not written here: use
  /// AppendStageChange. New protocols go after the existing ones.
  [[nodiscard]] virtual Result<void> SaveProtocol(const Protocol& protocol) = 0;
  /// Appends one entry to `protocol`'s stage history (never changed after).
  /// kConflict (from the database) when the protocol does not exist.
  [[nodiscard]] virtual Result<void> AppendStageChange(const std::string& protocol,
                                                       const StageChange& change) = 0;
  /// Stores a new proposal without actions and returns its number, taken from
  /// the sequence that objections share when `proposal.id` is 0. A nonzero
  /// `proposal.id` (an import) is kept and reserved in that sequence, which
  /// then continues above it; kConflict when the number is taken.
  [[nodiscard]] virtual Result<std::int64_t> CreateProposal(const Proposal& proposal) = 0;
  /// Appends `action` to proposal `proposal_id`. For kObject with objection_id
  /// 0 a new objection number is taken from the shared sequence; a nonzero one
  /// (an import) is reserved as CreateProposal reserves an id. Returns the
  /// action's objection number (0 when it concerns none).
  [[nodiscard]] virtual Result<std::int64_t> AppendProposalAction(std::int64_t proposal_id,
                                                                  const ProposalAction& action) = 0;

  /// Writes of evidence (ingested mail and commits, rules, links) in this
  /// transaction; see storage/evidence_store.h.
  virtual EvidenceWriter& evidence_writer() = 0;

  /// Writes of passwords, tokens and sessions in this transaction; see
  /// storage/account_store.h.
  virtual AccountWriter& account_writer() = 0;
};

class Store {
 public:
  virtual ~Store() = default;

  /// The project, or nullopt when the database was never initialised.
  [[nodiscard]] virtual Result<std::optional<Project>> LoadProject() = 0;

  [[nodiscard]] virtual Result<std::vector<Person>> ListPeople() = 0;
  /// The person with `email` as primary or other identity, or nullopt.
  [[nodiscard]] virtual Result<std::optional<Person>> FindPerson(const std::string& email) = 0;

  /// All releases in the order they were added, with their schedule changes.
  [[nodiscard]] virtual Result<std::vector<Release>> ListReleases() = 0;
  [[nodiscard]] virtual Result<std::optional<Release>> FindRelease(const std::string& version) = 0;

  /// Features in list order (release, then ordinal).
  [[nodiscard]] virtual Result<std::vector<Feature>> ListFeatures(const FeatureQuery& query) = 0;
  /// The feature `slug`, a removed one too.
  [[nodiscard]] virtual Result<std::optional<Feature>> FindFeature(const std::string& slug) = 0;
  /// The largest ordinal in use, or 0 when there are no features.
  [[nodiscard]] virtual Result<std::int64_t> MaxFeatureOrdinal() = 0;

  [[nodiscard]] virtual Result<std::vector<Event>> ListEvents(const EventQuery& query) = 0;
  /// For each subject of the events `query` selects, their span, by subject;
  /// one pass that builds no Event.
  [[nodiscard]] virtual Result<std::vector<EventSpan>> ListEventSpans(const EventQuery& query) = 0;

  /// A value that differs after any commit to the database, by this store or
  /// any other connection or process: two equal stamps mean nothing was
  /// committed in between (it may also change when nothing was, never the
  /// other way). Cheap: no table is read. For caches of reads.
  [[nodiscard]] virtual Result<std::string> ChangeStamp() = 0;

  /// All protocols in the order they were added, each with its owners,
  /// implementations, full stage history (oldest first) and waivers.
  [[nodiscard]] virtual Result<std::vector<Protocol>> ListProtocols() = 0;
  [[nodiscard]] virtual Result<std::optional<Protocol>> FindProtocol(const std::string& name) = 0;
  /// Proposals by number, each with its actions in recorded order.
  [[nodiscard]] virtual Result<std::vector<Proposal>> ListProposals(const ProposalQuery& query) = 0;
  [[nodiscard]] virtual Result<std::optional<Proposal>> FindProposal(std::int64_t id) = 0;
  /// The proposal that objection `objection_id` was raised on, or nullopt.
  [[nodiscard]] virtual Result<std::optional<Proposal>> FindProposalByObjection(
      std::int64_t objection_id) = 0;

  /// Reads of ingested evidence; see storage/evidence_store.h.
  virtual EvidenceReader& evidence() = 0;

  /// Reads of passwords, tokens and sessions; see storage/account_store.h.
  virtual AccountReader& accounts() = 0;

  /// Runs `body` in one transaction: commits when it succeeds, rolls back and
  /// returns its error when it fails. Not reentrant.
  [[nodiscard]] virtual Result<void> Transact(
      const std::function<Result<void>(StoreWriter&)>& body) = 0;
};

}  // namespace stocktake
