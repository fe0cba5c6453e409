// Git ingestion benchmark: reads a repository's history (the Xen hypervisor's;
// see bench/README.md) and compares with git's own log commands and a Python
// trailer extractor, in the same run.
//
// Usage: stocktake_ingest_git_bench [REPO] [--no-baseline]
// (REPO defaults to $STOCKTAKE_BENCH_XEN_REPO; exits 2 when there is none)

#include <cstring>
#include <string>

#include "bench_util_internal.h"
#include "stocktake/ingest/git_history.h"

namespace {

using stocktake::bench::FindInput;
using stocktake::bench::kGitInput;
using stocktake::bench::PeakMemoryMiB;
using stocktake::bench::SecondsSince;
using stocktake::bench::TimeCommand;

struct Counts {
  std::size_t commits = 0, trailers = 0, paths = 0;
};

double TimeOurs(const std::string& repo, const stocktake::GitReadOptions& options, Counts& counts) {
  auto start = std::chrono::steady_clock::now();
  counts = {};
  auto result = stocktake::ForEachGitCommit(repo, options, [&](stocktake::GitCommit&& commit) {
    ++counts.commits;
    counts.trailers += commit.trailers.size();
    counts.paths += commit.touched_paths.size();
  });
  double seconds = SecondsSince(start);
  if (!result) {
    std::fprintf(stderr, "%s\n", result.error().ToString().c_str());
    return -1;
  }
  return seconds;
}

int Run(int argc, char** argv) {
  std::string argument;
  bool baseline = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-baseline") == 0) {
      baseline = false;
    } else {
      argument = argv[i];
    }
  }
  std::optional<std::string> input = FindInput(kGitInput, argument, argv[0]);
  if (!input) return 2;
  const std::string& repo = *input;
  std::printf("repository: %s\n", repo.c_str());
  std::string git = "git -C '" + repo + "' ";
  // Warm the object cache once.
  TimeCommand(git + "log --format=%H > /dev/null");

  Counts messages;
  stocktake::GitReadOptions no_paths;
  no_paths.touched_paths = false;
  double ours_messages = TimeOurs(repo, no_paths, messages);
  std::printf("ours, messages+trailers:        %6.3f s  (%zu commits, %zu trailers)\n",
              ours_messages, messages.commits, messages.trailers);
  Counts with_paths;
  double ours_paths = TimeOurs(repo, {}, with_paths);
  std::printf("ours, + touched paths:          %6.3f s  (%zu paths)\n", ours_paths,
              with_paths.paths);

  auto start = std::chrono::steady_clock::now();
  auto head = stocktake::ResolveGitRevision(repo, "HEAD");
  if (!head) return 1;
  stocktake::GitReadOptions incremental;
  incremental.seen_commits = {*head};
  Counts none;
  auto result = stocktake::ForEachGitCommit(repo, incremental,
                                            [&](stocktake::GitCommit&&) { ++none.commits; });
  double rerun = SecondsSince(start);
  std::printf("re-run, nothing new:            %6.1f ms (%zu commits)\n", rerun * 1000,
              none.commits);
  std::printf("peak memory (RSS):              %.0f MiB\n", PeakMemoryMiB());
  if (!result) return 1;

  if (baseline) {
    double python = TimeCommand(git + "log --format=%x1e%H%x00%B | python3 '" ST_SOURCE_DIR
                                      "/bench/baselines/git_trailers.py' > /dev/null");
    double name_only = TimeCommand(git + "log --name-only > /dev/null");
    double raw = TimeCommand(git + "log --raw -z --no-renames > /dev/null");
    std::printf("baseline git log | python trailers: %6.3f s\n", python);
    std::printf("baseline git log --name-only:       %6.3f s\n", name_only);
    std::printf("baseline git log --raw -z:          %6.3f s\n", raw);
    std::printf("ratio messages+trailers vs python baseline: %.2fx faster\n",
                python / ours_messages);
    std::printf("ratio touched paths vs git --name-only:     %.2fx (>= 1 is no slower)\n",
                name_only / ours_paths);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
