// stocktake import FILE; stocktake export [-o FILE]

#include <fmt/format.h>

#include <filesystem>
#include <iostream>

#include "cli/cli.h"

namespace stocktake::cli {
namespace {

// The SQLite file --db names, or empty for a server URL or ":memory:".
std::string DatabaseFile(const std::string& location) {
  if (location.find("://") != std::string::npos || location == ":memory:") return "";
  return location.rfind("sqlite:", 0) == 0 ? location.substr(7) : location;
}

Result<int> RunImport(const Cli& cli, const std::string& file) {
  std::string text = ST_TRY(ReadFile(file));
  Context context = ST_TRY(cli.MakeContext());
  // An import that fails leaves no trace: not even the database file it made.
  std::string database = DatabaseFile(cli.options.db);
  std::error_code ignored;
  bool existed = database.empty() || std::filesystem::exists(database, ignored);
  auto imported = [&]() -> Result<ImportSummary> {
    auto store = ST_TRY(cli.Open(/*create=*/true));
    Planning planning(*store);
    return planning.Import(context, text, file);
  }();
  if (!imported) {
    if (!existed) {
      for (const char* suffix : {"", "-wal", "-shm"}) {
        std::filesystem::remove(database + suffix, ignored);
      }
    }
    return Fail(imported.error());
  }
  const ImportSummary& summary = *imported;
  if (cli.options.json) {
    Cli::PrintJson({{"file", file},
                    {"releases_added", summary.releases_added},
                    {"releases_updated", summary.releases_updated},
                    {"features_added", summary.features_added},
                    {"features_updated", summary.features_updated},
                    {"features_unchanged", summary.features_unchanged},
                    {"people_saved", summary.people_saved},
                    {"protocols_added", summary.protocols_added},
                    {"protocols_updated", summary.protocols_updated},
                    {"proposals_added", summary.proposals_added},
                    {"proposals_updated", summary.proposals_updated},
                    {"events_written", summary.events_written}});
    return kExitOk;
  }
  std::cout << fmt::format(
      "Imported {} into {}: {} release(s) added, {} updated; {} feature(s) added, {} updated, "
      "{} unchanged; {} people saved; {} protocol(s) added, {} updated; {} proposal(s) added, "
      "{} updated; {} event(s) recorded.\n",
      file, cli.options.db, summary.releases_added, summary.releases_updated,
      summary.features_added, summary.features_updated, summary.features_unchanged,
      summary.people_saved, summary.protocols_added, summary.protocols_updated,
      summary.proposals_added, summary.proposals_updated, summary.events_written);
  return kExitOk;
}

Result<int> RunExport(const Cli& cli, const std::string& output) {
  auto store = ST_TRY(cli.Open());
  Planning planning(*store);
  std::string text = ST_TRY(planning.Export());
  ST_TRY(WriteOutput(output, text));
  return kExitOk;
}

}  // namespace

void RegisterProjectFile(CLI::App& app, Cli& cli) {
  auto file = std::make_shared<std::string>();
  CLI::App* import = app.add_subcommand(
      "import", "Check a project file (YAML) whole, then write it in one transaction");
  import->add_option("file", *file, "the project file, e.g. examples/xen-4.3.yaml")->required();
  import->callback([&cli, file] { cli.action = [&cli, file] { return RunImport(cli, *file);
};
}  // namespace stocktake::cli
);

auto output = std::make_shared<std::string>();
CLI::App* export_command =
    app.add_subcommand("export", "Write the whole project as a project file (YAML)");
export_command->add_option("-o,--output", *output, "file to write (default: stdout)");
export_command->callback([&cli, output] {
  cli.action = [&cli, output] { return RunExport(cli, *output); };
});
}

}  // namespace stocktake::cli
