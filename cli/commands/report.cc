// stocktake report VERSION; stocktake check VERSION

#include <sstream>

#include "cli/cli.h"

namespace stocktake::cli {

Runner DeclareReport(CLI::App& command) {
  struct Options {
    std::string version, format = "text", since, output;
  };
  auto options = std::make_shared<Options>();
  command.add_option("version", options->version, "e.g. 4.3")->required();
  command.add_option("--format", options->format, "text, markdown, json or email")
      ->check(CLI::IsMember({"text", "markdown", "json", "email"}));
  command.add_option("--since", options->since, "add the changes since this date")
      ->check(IsoDate());
  command.add_option("-o,--output", options->output, "file to write (default: stdout)");
  return [options](Invocation& run) -> Result<int> {
    std::optional<Date> since;
    if (!options->since.empty()) since = ST_TRY(DateOption(options->since, "--since"));
    std::string format = run.options.json ? "json" : options->format;
    Timestamp now = run.context.now;
    std::string text;
    if (format == "email") {
      view::TakingStockMail mail = ST_TRY(
          view::BuildTakingStockMail(*run.store, options->version, now, since, run.options.as));
      text = RenderTakingStockEmail(mail.report, mail.from, mail.to);
    } else {
      TakingStock report = ST_TRY(view::BuildTakingStock(*run.store, options->version, now, since));
      if (format == "markdown") {
        // Markdown goes to terminals and pagers too: show control characters.
        text = view::TerminalSafe(RenderTakingStockMarkdown(report));
      } else {
        // Text and JSON go through the printers, but -o may send them to a file.
        std::ostringstream out;
        view::MakePrinter(format == "json" ? view::Format::kJson : view::Format::kText, out)
            ->Print(report);
        text = out.str();
      }
    }
    ST_TRY(WriteOutput(options->output, text));
    return kExitOk;
  };
}

Runner DeclareCheck(CLI::App& command) {
  auto version = std::make_shared<std::string>();
  command.add_option("version", *version, "e.g. 4.3")->required();
  return [version](Invocation& run) -> Result<int> {
    view::ReleaseCheck check =
        ST_TRY(view::BuildReleaseCheck(*run.store, *version, run.context.now));
    run.printer.Print(check);
    return check.alerts.empty() ? kExitOk : kExitAlerts;
  };
}

}  // namespace stocktake::cli
