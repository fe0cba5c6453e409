// stocktake ingest mbox|maildir|git|relink

#include <fmt/format.h>
#include <unistd.h>

#include <chrono>
#include <cstdio>
#include <iostream>

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

nlohmann::json SummaryJson(const IngestSummary& summary, double seconds) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& failure : summary.skipped) {
    skipped.push_back(
        {{"file", failure.file}, {"offset", failure.offset}, {"error", failure.error.message()}});
  }
  return {{"kind", summary.kind},
          {"sources", summary.sources},
          {"sources_unchanged", summary.sources_unchanged},
          {"bytes", summary.bytes},
          {"messages_read", summary.messages_read},
          {"messages_added", summary.messages_added},
          {"duplicates", summary.duplicates},
          {"skipped", std::move(skipped)},
          {"commits_read", summary.commits_read},
          {"commits_added", summary.commits_added},
          {"threads", summary.threads},
          {"series", summary.series},
          {"trailers", summary.trailers},
          {"links", summary.links},
          {"features_touched", summary.features_touched},
          {"criteria_filled", summary.criteria_filled},
          {"draft_objections", summary.draft_objections},
          {"event_id", summary.event_id},
          {"seconds", seconds}};
}

int Report(const Cli& cli, const IngestSummary& summary, double seconds) {
  for (const auto& failure : summary.skipped) {
    std::fprintf(stderr, "stocktake: skipped %s:%llu: %s\n", failure.file.c_str(),
                 static_cast<unsigned long long>(failure.offset), failure.error.message().c_str());
  }
  if (cli.options.json) {
    Cli::PrintJson(SummaryJson(summary, seconds));
  } else if (summary.kind == "git") {
    std::cout << fmt::format(
        "ingest git: {} commits read, {} added, {} trailers, {} links, {} criteria filled "
        "({:.2f} s)\n",
        summary.commits_read, summary.commits_added, summary.trailers, summary.links,
        summary.criteria_filled, seconds);
  } else {
    std::cout << fmt::format(
        "ingest {}: {} messages read, {} added, {} duplicates, {} skipped; {} threads, {} series, "
        "{} links, {} draft objections ({:.2f} s)\n",
        summary.kind, summary.messages_read, summary.messages_added, summary.duplicates,
        summary.skipped.size(), summary.threads, summary.series, summary.links,
        summary.draft_objections, seconds);
  }
  return summary.skipped.empty() ? kExitOk : kExitSkipped;
}

struct IngestCommand {
  std::vector<std::string> files;
  std::string directory, repository, revision, format = "mboxrd", code_base;
  int threads = 0;
};

using Run = std::function<Result<IngestSummary>(EvidenceIngest&, const IngestOptions&)>;

void SetAction(Cli& cli, std::shared_ptr<IngestCommand> command, std::string label, Run run) {
  cli.action = [&cli, command, label, run]() -> Result<int> {
    auto started = std::chrono::steady_clock::now();
    Context context = ST_TRY(cli.MakeContext());
    // Evidence needs no project: ingesting first and importing later is fine.
    auto store = ST_TRY(cli.Open(/*create=*/true));
    IngestOptions options;
    options.actor = context.actor;
    options.now = context.now;
    options.format = command->format == "mboxo" ? MboxFormat::kMboxo : MboxFormat::kMboxrd;
    options.threads = command->threads;
    options.revision_range = command->revision;
    options.code_base = command->code_base;
    ProgressBar bar(label);
    options.progress = [&bar](std::uint64_t done, std::uint64_t total) { bar.Update(done, total); };
    EvidenceIngest ingest(*store);
    auto summary = run(ingest, options);
    bar.Finish();
    if (!summary) return Fail(summary.error());
    double seconds =
        std::chrono::duration<double>(std::chrono::steady_clock::now() - started).count();
    return Report(cli, *summary, seconds);
  };
}

}  // namespace

void RegisterIngest(CLI::App& app, Cli& cli) {
  CLI::App* group = app.add_subcommand(
      "ingest", "Read mail and commits as evidence (incremental: a re-run adds only what is new)");
  group->require_subcommand(1);
  auto command = std::make_shared<IngestCommand>();

  CLI::App* mbox = group->add_subcommand("mbox", "Read mbox files (plain, .gz or .xz)");
  mbox->add_option("file", command->files, "mbox files")->required();
  mbox->add_option("--format", command->format, "mboxrd (default) or mboxo")
      ->check(CLI::IsMember({"mboxrd", "mboxo"}));
  mbox->add_option("--threads", command->threads, "parser threads (default: one per core)");
  mbox->callback([&cli, command] {
    SetAction(cli, command, "mbox", [command](EvidenceIngest& ingest, const IngestOptions& o) {
      return ingest.IngestMbox(command->files, o);
    });
  });

  CLI::App* maildir = group->add_subcommand("maildir", "Read every message of a Maildir tree");
  maildir->add_option("dir", command->directory, "Maildir root")->required();
  maildir->add_option("--threads", command->threads, "parser threads (default: one per core)");
  maildir->callback([&cli, command] {
    SetAction(cli, command, "maildir", [command](EvidenceIngest& ingest, const IngestOptions& o) {
      return ingest.IngestMaildir(command->directory, o);
    });
  });

  CLI::App* git = group->add_subcommand("git", "Read the commits of a git repository");
  git->add_option("repo", command->repository, "repository path (work tree or bare)")->required();
  git->add_option("--rev", command->revision, "revision or range, e.g. v4.2..v4.3 (default HEAD)");
  git->add_option("--code-base", command->code_base,
                  "the code base it holds, e.g. Xen (default: the directory name)");
  git->callback([&cli, command] {
    SetAction(cli, command, "git", [command](EvidenceIngest& ingest, const IngestOptions& o) {
      return ingest.IngestGit(command->repository, o);
    });
  });

  CLI::App* relink = group->add_subcommand(
      "relink", "Apply the features' and protocols' evidence rules again to all stored evidence");
  relink->callback([&cli, command] {
    SetAction(cli, command, "relink",
              [](EvidenceIngest& ingest, const IngestOptions& o) { return ingest.Relink(o); });
  });
}

}  // namespace stocktake::cli
