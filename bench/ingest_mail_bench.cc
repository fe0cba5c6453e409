// Mail ingestion benchmark: parses a large mbox (the virtualization list; see
// bench/README.md) and compares with the Python baseline in
// bench/baselines/mail_baseline.py, run in the same process tree so both see
// the same machine state.
//
// Usage: stocktake_ingest_mail_bench [MBOX] [--no-baseline] [--threads N]
// (MBOX defaults to $STOCKTAKE_BENCH_MBOX; exits 2 when there is none)

#include <cstring>
#include <string>
#include <thread>

#include "bench_util_internal.h"
#include "stocktake/ingest/mail_batch.h"
#include "stocktake/ingest/patch_series.h"
#include "stocktake/ingest/threading.h"

namespace {

using stocktake::bench::FindInput;
using stocktake::bench::kMboxInput;
using stocktake::bench::PeakMemoryMiB;
using stocktake::bench::SecondsSince;
using stocktake::bench::TimeCommand;

int Run(int argc, char** argv) {
  std::string argument;
  bool baseline = true;
  int threads = 2;
  for (int i = 1; i < argc; ++i) {
    if (std::strcmp(argv[i], "--no-baseline") == 0) {
      baseline = false;
    } else if (std::strcmp(argv[i], "--threads") == 0 && i + 1 < argc) {
      threads = std::atoi(argv[++i]);
    } else {
      argument = argv[i];
    }
  }
  std::optional<std::string> input = FindInput(kMboxInput, argument, argv[0]);
  if (!input) return 2;
  const std::string& path = *input;
  auto opened = stocktake::MboxFile::Open(path);
  if (!opened) {
    std::fprintf(stderr, "cannot open %s: %s\n", path.c_str(), opened.error().ToString().c_str());
    return 1;
  }
  std::unique_ptr<stocktake::MboxFile> file = std::move(*opened);
  double megabytes = static_cast<double>(file->bytes().size()) / 1e6;
  std::printf("mbox: %s, %.1f MB\n", path.c_str(), megabytes);

  // Warm the page cache so every run below reads from memory.
  auto start = std::chrono::steady_clock::now();
  std::vector<stocktake::MboxEntry> entries = stocktake::SplitMbox(file->bytes());
  double split_seconds = SecondsSince(start);
  start = std::chrono::steady_clock::now();
  entries = stocktake::SplitMbox(file->bytes());
  split_seconds = SecondsSince(start);
  std::printf("split:              %6.3f s  %7.0f MB/s  (%zu messages)\n", split_seconds,
              megabytes / split_seconds, entries.size());

  stocktake::MailReadOptions one_thread;
  one_thread.threads = 1;
  start = std::chrono::steady_clock::now();
  stocktake::MailBatch batch = stocktake::ParseMboxBytes(file->bytes(), path, one_thread);
  double parse_one = SecondsSince(start);
  std::printf("parse, 1 thread:    %6.3f s  %7.0f MB/s  (%zu parsed, %zu skipped)\n", parse_one,
              megabytes / parse_one, batch.messages.size(), batch.failures.size());

  stocktake::MailReadOptions parallel;
  parallel.threads = threads;
  start = std::chrono::steady_clock::now();
  batch = stocktake::ParseMboxBytes(file->bytes(), path, parallel);
  double parse_parallel = SecondsSince(start);
  std::printf("parse, %d threads:   %6.3f s  %7.0f MB/s\n", threads, parse_parallel,
              megabytes / parse_parallel);
  batch = {};
  file.reset();

  // Full ingestion from the file name: open (map), split, parse, thread,
  // assemble series, attribute trailers.
  start = std::chrono::steady_clock::now();
  auto full = stocktake::ReadMbox(path, parallel);
  if (!full) {
    std::fprintf(stderr, "%s\n", full.error().ToString().c_str());
    return 1;
  }
  stocktake::ThreadSet thread_set = stocktake::ThreadMessages(full->messages);
  stocktake::SeriesSet series = stocktake::AssembleSeries(full->messages);
  std::vector<stocktake::SeriesTrailer> trailers =
      stocktake::CollectSeriesTrailers(full->messages, series);
  double full_seconds = SecondsSince(start);
  std::printf(
      "full ingestion:     %6.3f s  %7.0f MB/s  (%zu threads, %zu series, %zu lineages, "
      "%zu trailers)\n",
      full_seconds, megabytes / full_seconds, thread_set.threads.size(), series.series.size(),
      series.lineages.size(), trailers.size());
  std::printf("peak memory (RSS):  %.0f MiB\n", PeakMemoryMiB());

  if (baseline) {
    std::string command =
        "python3 '" ST_SOURCE_DIR "/bench/baselines/mail_baseline.py' '" + path + "' > /dev/null";
    double python_seconds = TimeCommand(command);
    if (python_seconds < 0) {
      std::printf("baseline failed: %s\n", command.c_str());
      return 1;
    }
    // The child's peak memory is not reported: getrusage(RUSAGE_CHILDREN)
    // would count the pages of this process that fork() shares with it.
    std::printf("baseline (Python mailbox+email compat32): %6.3f s  %5.1f MB/s\n", python_seconds,
                megabytes / python_seconds);
    std::printf("ratio full ingestion vs baseline:  %.1fx faster\n", python_seconds / full_seconds);
    std::printf("ratio parse (1 thread) vs baseline: %.1fx faster\n", python_seconds / parse_one);
  }
  return 0;
}

}  // namespace

int main(int argc, char** argv) { return Run(argc, argv); }
