#pragma once

// Reading commits from a git repository: sha, parents, author, committer,
// dates, message, trailers (git's rules, the title excluded) and the paths
// each commit touched. The history comes from git's own `git log -z
// --name-only` stream, read through a pipe while git produces it: computing
// tree diffs with libgit2 is an order of magnitude slower (see DESIGN.md).
//
// Incremental use: pass the commits already ingested (or the last seen head)
// in `seen_commits`; they and their ancestors are left out, so a re-run with
// nothing new costs one short `git log` call.
//
// Functions are thread-safe; each call runs its own git process.

#include <cstdint>
#include <functional>
#include <string>
#include <vector>

#include "stocktake/ingest/mail_message.h"
#include "stocktake/ingest/trailers.h"
#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

struct GitCommit {
  std::string sha;
  std::vector<std::string> parents;
  MailAddress author;
  Timestamp author_date{};
  MailAddress committer;
  Timestamp commit_date{};
  std::string subject;  ///< The first line of the message.
  std::string message;  ///< The whole message, as git stores it.
  std::vector<Trailer> trailers;
  /// Paths added, modified or deleted, relative to the repository root (a
  /// rename is a deletion and an addition). Empty for merges, as in `git log`.
  std::vector<std::string> touched_paths;
};

struct GitReadOptions {
  /// A revision or range as `git log` takes it ("HEAD", "v4.2..v4.3",
  /// "origin/staging"); empty means HEAD. Must not start with '-'.
  std::string revision_range;
  /// Commits already ingested, e.g. the head seen by the last run: these and
  /// their ancestors are excluded. Full or abbreviated hex ids.
  std::vector<std::string> seen_commits;
  /// Read touched paths (costs a tree diff per commit inside git).
  bool touched_paths = true;
  /// Restrict commits and touched paths to these paths (git pathspecs).
  std::vector<std::string> pathspecs;
  /// Stop after this many commits (0: no limit).
  std::uint64_t max_count = 0;
  /// The git executable to run.
  std::string git_program = "git";
};

/// Calls `visit` for each commit, newest first (git log order), while git
/// is still producing the rest. Errors: kNotFound (no repository at
/// `repository`), kInvalidArgument (bad range or seen commit; git's message is
/// included), kUnavailable (git cannot be run), kCorruption (unreadable output).
[[nodiscard]] Result<void> ForEachGitCommit(const std::string& repository,
                                            const GitReadOptions& options,
                                            const std::function<void(GitCommit&&)>& visit);

/// All commits of ForEachGitCommit in a vector.
[[nodiscard]] Result<std::vector<GitCommit>> ReadGitHistory(const std::string& repository,
                                                            const GitReadOptions& options = {});

/// The full sha that `revision` names ("HEAD", a branch, a tag), for storing
/// as the last seen head. Errors as ForEachGitCommit.
[[nodiscard]] Result<std::string> ResolveGitRevision(const std::string& repository,
                                                     const std::string& revision,
                                                     const std::string& git_program = "git");

/// Parses the output of `git log -z --format=<kGitLogFormat> --name-only`
/// (exposed for tests and the fuzzer). Calls `visit` per complete record and
/// returns the number of bytes consumed; with `at_end` every byte is consumed.
std::size_t ParseGitLogStream(std::string_view data, bool at_end,
                              const std::function<void(GitCommit&&)>& visit);

/// The --format string ParseGitLogStream expects.
extern const char kGitLogFormat[];

}  // namespace stocktake
