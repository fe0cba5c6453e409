// stocktake ingest mbox|maildir|git|relink

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>

#include "cli/cli.h"
#include "stocktake/service/evidence_ingest.h"

namespace stocktake::cli {
namespace {

// A one-line progress bar on stderr, drawn only when stderr is a terminal.
class ProgressBar {
 public:
  explicit ProgressBar(std::string label) : label_(std::move(label)), enabled_(isatty(2) != 0) {}
  ~ProgressBar() { Finish(); }
  ProgressBar(const ProgressBar&) = delete;
  ProgressBar& operator=(const ProgressBar&) = delete;

  void Update(std::uint64_t done, std::uint64_t total) {
    if (!enabled_) return;
    drawn_ = true;
    if (total == 0) {
      std::fprintf(stderr, "\r%s: %llu", label_.c_str(), static_cast<unsigned long long>(done));
    } else {
      constexpr int kWidth = 30;
      int filled = static_cast<int>(kWidth * std::min<double>(1.0, double(done) / double(total)));
      std::fprintf(stderr, "\r%s [%s%s] %3d%%", label_.c_str(), std::string(filled, '#').c_str(),
                   std::string(kWidth - filled, '.').c_str(),
                   static_cast<int>(100.0 * std::min<double>(1.0, double(done) / double(total))));
    }
    std::fflush(stderr);
  }

  void Finish() {
    if (!drawn_) return;
    std::fprintf(stderr, "\r\033[K");
    std::fflush(stderr);
    drawn_ = false;
  }

 private:
  std::string label_;
  bool enabled_;
  bool drawn_ = false;
};

// Skipped messages are diagnostics: stderr, whatever the output format.
int Report(Invocation& run, const IngestSummary& summary, double seconds) {
  for (const auto& failure : summary.skipped) {
    std::fprintf(stderr, "stocktake: skipped %s:%llu: %s\n", failure.file.c_str(),
                 static_cast<unsigned long long>(failure.offset), failure.error.message().c_str());
  }
  run.printer.Print(view::IngestReport{summary, seconds});
  return summary.skipped.empty() ? kExitOk : kExitSkipped;
}

// One set of options for the four ingest commands; each reads its own.
struct IngestCommand {
  std::vector<std::string> files;
  std::string directory, repository, revision, format = "mboxrd", code_base;
  int threads = 0;
};

using Ingest = std::function<Result<IngestSummary>(EvidenceIngest&, const IngestOptions&)>;

// Times the whole run, including the progress bar, for the summary line.
Runner IngestRunner(const std::shared_ptr<IngestCommand>& command, const std::string& label,
                    const Ingest& ingest) {
  return [command, label, ingest](Invocation& run) -> Result<int> {
    auto started = std::chrono::steady_clock::now();
    IngestOptions options;
    options.actor = run.context.actor;
    options.now = run.context.now;
    options.format = command->format == "mboxo" ? MboxFormat::kMboxo : MboxFormat::kMboxrd;
    options.threads = command->threads;
    options.revision_range = command->revision;
    options.code_base = command->code_base;
    ProgressBar bar(label);
    options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.Update(done, total); };
    EvidenceIngest evidence(*run.store);
    auto summary = ingest(evidence, options);
    bar.Finish();
    if (!summary) return Fail(summary.error());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return Report(run, *summary, seconds);
  };
}

}  // namespace

Runner DeclareIngestMbox(CLI::App& command) {
  auto options = std::make_shared<IngestCommand>();
  command.add_option("file", options->files, "mbox files")->required();
  command.add_option("--format", options->format, "mboxrd (default) or mboxo")
      ->check(CLI::IsMember({"mboxrd", "mboxo"}));
  command.add_option("--threads", options->threads, "parser threads (default: one per core)");
  return IngestRunner(options, "mbox", [options](EvidenceIngest& ingest, const IngestOptions& o) {
    return ingest.IngestMbox(options->files, o);
  });
}

Runner DeclareIngestMaildir(CLI::App& command) {
  auto options = std::make_shared<IngestCommand>();
  command.add_option("dir", options->directory, "Maildir root")->required();
  command.add_option("--threads", options->threads, "parser threads (default: one per core)");
  return IngestRunner(options, "maildir",
                      [options](EvidenceIngest& ingest, const IngestOptions& o) {
                        return ingest.IngestMaildir(options->directory, o);
                      });
}

Runner DeclareIngestGit(CLI::App& command) {
  auto options = std::make_shared<IngestCommand>();
  command.add_option("repo", options->repository, "repository path (work tree or bare)")
      ->required();
  command.add_option("--rev", options->revision,
                     "revision or range, e.g. v4.2..v4.3 (default HEAD)");
  command.add_option("--code-base", options->code_base,
                     "the code base it holds, e.g. Xen (default: the directory name)");
  return IngestRunner(options, "git", [options](EvidenceIngest& ingest, const IngestOptions& o) {
    return ingest.IngestGit(options->repository, o);
  });
}

Runner DeclareIngestRelink(CLI::App&) {
  return IngestRunner(
      std::make_shared<IngestCommand>(), "relink",
      [](EvidenceIngest& ingest, const IngestOptions& o) { return ingest.Relink(o); });
}

}  // namespace stocktake::cli
