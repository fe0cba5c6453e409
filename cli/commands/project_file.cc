// stocktake import FILE [--dry-run] [--prefer file]; stocktake export [-o FILE]

#include "cli/cli.h"
#include "stocktake/util/limits.h"

namespace stocktake::cli {

Runner DeclareImport(CLI::App& command) {
  struct Arguments {
    std::string file;
    bool dry_run = false;
    std::string prefer;
  };
  auto arguments = std::make_shared<Arguments>();
  command.add_option("file", arguments->file, "the project file, e.g. examples/xen-4.3.yaml")
      ->required();
  command.add_flag("--dry-run", arguments->dry_run,
                   "print what the import would add, change and leave alone, and write nothing");
  command
      .add_option("--prefer", arguments->prefer,
                  "file: overwrite values the database changed after the file's record of them "
                  "(each overwrite is recorded); without it such conflicts refuse the import")
      ->check(CLI::IsMember({"file"}));
  return [arguments](Invocation& run) -> Result<int> {
    std::string text = ST_TRY(ReadFile(arguments->file, kMaxProjectFileBytes, "project file"));
    Planning planning(*run.store);
    ImportOptions options;
    options.prefer_file = arguments->prefer == "file";
    if (arguments->dry_run) {
      // A dry run into a database that did not exist leaves none behind.
      run.keep_new_database = false;
      ImportPreview plan =
          ST_TRY(planning.PreviewImport(run.context, text, arguments->file, options));
      run.printer.Print(view::ImportDryRun{run.options.db, options.prefer_file, std::move(plan)});
      return kExitOk;
    }
    ImportSummary summary = ST_TRY(planning.Import(run.context, text, arguments->file, options));
    run.printer.Print(view::ImportReport{arguments->file, run.options.db, summary});
    return kExitOk;
  };
}

Runner DeclareExport(CLI::App& command) {
  auto output = std::make_shared<std::string>();
  command.add_option("-o,--output", *output, "file to write (default: stdout)");
  return [output](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    ST_TRY(WriteOutput(*output, ST_TRY(planning.Export())));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
