// stocktake import FILE; stocktake export [-o FILE]

#include "cli/cli.h"

namespace stocktake::cli {

Runner DeclareImport(CLI::App& command) {
  auto file = std::make_shared<std::string>();
  command.add_option("file", *file, "the project file, e.g. examples/xen-4.3.yaml")->required();
  return [file](Invocation& run) -> Result<int> {
    std::string text = ST_TRY(ReadFile(*file));
    Planning planning(*run.store);
    ImportSummary summary = ST_TRY(planning.Import(run.context, text, *file));
    run.printer.Print(view::ImportReport{*file, run.options.db, summary});
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
