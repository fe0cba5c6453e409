#pragma once

// EvidenceIngest: reads mailboxes (mbox files, Maildir trees) and git
// repositories into a Store, incrementally and idempotently, and derives from
// them what features and protocols need: threads, patch series with their
// review trailers, links made by each feature's and protocol's evidence rules,
// the last activity of linked features, protocol entry criteria shown by
// commits, and draft objections from NAKs in proposal threads.
//
// Each Ingest*() call is one Store::Transact(): its messages or commits, the
// rebuilt threads, series and links, the sources' positions and one event
// (kind "ingest.mbox", "ingest.maildir" or "ingest.git") commit together. A
// run that finds nothing new writes nothing. Only an admin or a maintainer
// (IngestOptions::actor) ingests, checked before reading and again inside the
// transaction; anyone may ingest into a database not yet initialised, which
// has no people. Otherwise kPermissionDenied (service/authorization.h).
//
// Incremental rules (see docs/storage-schema.md, "Evidence"):
// - a Message-ID already stored, or seen twice in a run, is one message (the
//   first copy wins);
// - an mbox file whose beginning is unchanged and that only grew is read from
//   the offset of the last message of the previous run;
// - a git range is read down to the head seen by the previous run.
// Threads and series are recomputed over all stored messages on every run
// that adds mail: JWZ threading and series assembly over headers are fast
// (about 0.1 s for 27,000 messages) and the result does not depend on the
// order in which mail arrived.
//
// An EvidenceIngest uses its Store from one thread; parsing uses its own
// worker threads.

#include <cstdint>
#include <functional>
#include <map>
#include <string>
#include <vector>

#include "stocktake/ingest/mail_batch.h"
#include "stocktake/ingest/mbox_reader.h"
#include "stocktake/result.h"
#include "stocktake/storage/store.h"
#include "stocktake/util/time.h"

namespace stocktake {

struct IngestOptions {
  std::string actor;  ///< Who runs the ingest (the event's actor).
  Timestamp now{};    ///< When (the event's time and the sources' ingested_at).
  MboxFormat format = MboxFormat::kMboxrd;
  int threads = 0;  ///< Parser threads; 0 for one per core.
  /// Called now and then with work done and total work (bytes or commits;
  /// total 0 when unknown). May be empty.
  std::function<void(std::uint64_t done, std::uint64_t total)> progress;
  /// git only: a revision or range (empty: HEAD) and the git program.
  std::string revision_range;
  std::string git_program = "git";
  /// git only: the code base the repository holds ("Xen", "Linux"), matched
  /// against protocol implementations; empty: the repository's directory
  /// name without ".git".
  std::string code_base;
};

/// What one run read and added.
struct IngestSummary {
  std::string kind;  ///< "mbox", "maildir", "git".
  std::int64_t sources = 0;
  std::int64_t sources_unchanged = 0;     ///< Sources skipped: nothing new since the last run.
  std::uint64_t bytes = 0;                ///< Mailbox bytes parsed.
  std::int64_t messages_read = 0;         ///< Parsed in this run.
  std::int64_t messages_added = 0;        ///< New Message-IDs stored.
  std::int64_t duplicates = 0;            ///< Read but already stored or seen in this run.
  std::vector<MailParseFailure> skipped;  ///< Messages that could not be parsed.
  std::int64_t commits_read = 0;
  std::int64_t commits_added = 0;
  std::int64_t threads = 0;  ///< Threads and series after the run (mail runs).
  std::int64_t series = 0;
  std::int64_t trailers = 0;          ///< Trailers in the added messages or commits.
  std::int64_t links = 0;             ///< Links made by this run's rules.
  std::int64_t features_touched = 0;  ///< Features whose last activity moved.
  std::int64_t criteria_filled = 0;   ///< Protocol evidence filled from commits.
  std::int64_t draft_objections = 0;  ///< New draft objections from NAKs.
  std::int64_t event_id = 0;          ///< The run's event; 0 when nothing was written.
};

class EvidenceIngest {
 public:
  /// `store` must outlive this object.
  explicit EvidenceIngest(Store& store) : store_(store) {}

  /// Reads mbox files (mboxo or mboxrd, plain, gzip or xz). Errors: those of
  /// MboxFile::Open for an unreadable file (nothing is written then), and the
  /// store's. Unparseable messages are in `skipped`, not errors.
  [[nodiscard]] Result<IngestSummary> IngestMbox(const std::vector<std::string>& files,
                                                 const IngestOptions& options);
  /// Reads every message file of a Maildir tree.
  [[nodiscard]] Result<IngestSummary> IngestMaildir(const std::string& root,
                                                    const IngestOptions& options);
  /// Reads the commits of `repository` in options.revision_range not read
  /// before. Errors: those of ForEachGitCommit, and the store's.
  [[nodiscard]] Result<IngestSummary> IngestGit(const std::string& repository,
                                                const IngestOptions& options);
  /// Recomputes links, last activity, protocol criteria and draft objections
  /// from the stored evidence and the current rules (after an import changed
  /// them). Writes one "ingest.relink" event when something changed.
  [[nodiscard]] Result<IngestSummary> Relink(const IngestOptions& options);

 private:
  Store& store_;
};

}  // namespace stocktake
