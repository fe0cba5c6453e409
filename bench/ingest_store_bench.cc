// Full ingestion into the store: `stocktake ingest mbox` as a library call
// (open, split, parse, thread, series, trailers, links, one transaction) into
// a fresh SQLite file in the temporary directory ($TMPDIR), then the same mbox
// again (nothing new), then a git re-run with nothing new; the Python baseline
// of bench/baselines runs in the same process tree and the ratio is printed.
//
// Usage: stocktake_ingest_store_bench [MBOX] [--git REPO] [--no-baseline]
// (MBOX defaults to $STOCKTAKE_BENCH_MBOX; exits 2 when there is none or when
// REPO does not exist; see bench/README.md)

#include <unistd.h>

#include <cstring>
#include <filesystem>
#include <string>

#include "bench_util_internal.h"
#include "stocktake/service/evidence_ingest.h"
#include "stocktake/storage/open_store.h"

namespace {

using stocktake::bench::FindInput;
using stocktake::bench::kGitInput;
using stocktake::bench::kMboxInput;
using stocktake::bench::PeakMemoryMiB;
using stocktake::bench::SecondsSince;
using stocktake::bench::TimeCommand;

int Run(int argc, char** argv) {
  std::string argument;
  std::string repository;
  bool baseline = true;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-baseline") == 0) {
      baseline = false;
    } else if (std::strcmp(argv[i], "--git") == 0 && i + 1 < argc) {
      repository = argv[++i];
    } else {
      argument = argv[i];
    }
  }
  std::optional<std::string> input = FindInput(kMboxInput, argument, argv[0]);
  if (!input) return 2;
  if (!repository.empty() && !FindInput(kGitInput, repository, argv[0])) return 2;
  const std::string& path = *input;
  std::string database = (std::filesystem::temp_directory_path() /
                          ("stocktake-ingest-store-bench-" + std::to_string(getpid()) + ".db"))
                             .string();
  auto cleanup = [&] {
    for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(database + suffix);
  };
  cleanup();
  stocktake::StoreOptions store_options;
  store_options.create_if_missing = true;
  auto opened = stocktake::OpenStore(database, store_options);
  if (!opened) {
    std::fprintf(stderr, "%s\n", opened.error().ToString().c_str());
    return 1;
  }
  std::unique_ptr<stocktake::Store> store = std::move(*opened);
  stocktake::EvidenceIngest ingest(*store);
  stocktake::IngestOptions options;
  options.actor = "bench@example.org";
  options.now = std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());

  double megabytes = static_cast<double>(std::filesystem::file_size(path)) / 1e6;
  std::printf("mbox: %s, %.1f MB; store: %s\n", path.c_str(), megabytes, database.c_str());
  // Warm the page cache so the run below and the baseline both read from memory.
  TimeCommand("cat '" + path + "' > /dev/null");

  auto start = std::chrono::steady_clock::now();
  auto summary = ingest.IngestMbox({path}, options);
  double full_seconds = SecondsSince(start);
  if (!summary) {
    std::fprintf(stderr, "%s\n", summary.error().ToString().c_str());
    return 1;
  }
  std::printf(
      "full ingestion into SQLite: %6.3f s  %6.0f MB/s  (%lld messages stored, %lld duplicates, "
      "%zu skipped, %lld threads, %lld series, %lld trailers)\n",
      full_seconds, megabytes / full_seconds, static_cast<long long>(summary->messages_added),
      static_cast<long long>(summary->duplicates), summary->skipped.size(),
      static_cast<long long>(summary->threads), static_cast<long long>(summary->series),
      static_cast<long long>(summary->trailers));
  std::printf("database size:              %6.1f MB\n",
              static_cast<double>(std::filesystem::file_size(database)) / 1e6);
  std::printf("peak memory (RSS):          %6.0f MiB\n", PeakMemoryMiB());

  start = std::chrono::steady_clock::now();
  auto again = ingest.IngestMbox({path}, options);
  double again_seconds = SecondsSince(start);
  if (!again) return 1;
  std::printf("same mbox again:            %6.3f s  (%lld added)\n", again_seconds,
              static_cast<long long>(again->messages_added));

  if (!repository.empty()) {
    start = std::chrono::steady_clock::now();
    auto git = ingest.IngestGit(repository, options);
    double git_seconds = SecondsSince(start);
    if (!git) {
      std::fprintf(stderr, "%s\n", git.error().ToString().c_str());
      return 1;
    }
    std::printf("git, first run:             %6.3f s  (%lld commits)\n", git_seconds,
                static_cast<long long>(git->commits_added));
    start = std::chrono::steady_clock::now();
    auto rerun = ingest.IngestGit(repository, options);
    double rerun_seconds = SecondsSince(start);
    if (!rerun) return 1;
    std::printf("git re-run, nothing new:    %6.3f s  (%lld commits read)\n", rerun_seconds,
                static_cast<long long>(rerun->commits_read));
  }
  store.reset();
  cleanup();

  if (baseline) {
    std::string command =
        "python3 '" ST_SOURCE_DIR "/bench/baselines/mail_baseline.py' '" + path + "' > /dev/null";
    double python_seconds = TimeCommand(command);
    if (python_seconds < 0) {
      std::printf("baseline failed: %s\n", command.c_str());
      return 1;
    }
    std::printf("baseline (Python mailbox+email compat32, in memory): %6.3f s\n", python_seconds);
    std::printf("ratio full ingestion into the store vs baseline: %.1fx faster\n",
                python_seconds / full_seconds);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
