// stocktake report VERSION; stocktake check VERSION

#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "stocktake/report/json_views.h"
#include "stocktake/service/lifecycle.h"

namespace stocktake::cli {

void RegisterReport(CLI::App& app, Cli& cli) {
  struct ReportOptions {
    std::string version, format = "text", since, output;
  };
  auto options = std::make_shared<ReportOptions>();
  CLI::App* report = app.add_subcommand("report", "The Taking-stock report of a release");
  report->add_option("version", options->version, "e.g. 4.3")->required();
  report->add_option("--format", options->format, "text, markdown, json or email")
      ->check(CLI::IsMember({"text", "markdown", "json", "email"}));
  report->add_option("--since", options->since, "add the changes since this date");
  report->add_option("-o,--output", options->output, "file to write (default: stdout)");
  report->callback([&cli, options] {
    cli.action = [&cli, options]() -> Result<int> {
      std::optional<Date> since;
      if (!options->since.empty()) {
        auto parsed = ParseDate(options->since);
        if (!parsed) return Fail(Error::InvalidArgument("--since: " + parsed.error().message()));
        since = *parsed;
      }
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      TakingStock stock = ST_TRY(planning.Report(options->version, now, since));
      std::string format = cli.options.json ? "json" : options->format;
      std::string text;
      if (format == "json") {
        text = RenderTakingStockJson(stock).dump(2) + "\n";
      } else if (format == "markdown") {
        text = RenderTakingStockMarkdown(stock);
      } else if (format == "email") {
        Project project = ST_TRY(planning.LoadProject());
        auto person = ST_TRY(store->FindPerson(cli.options.as));
        Person from = person ? *person : Person{cli.options.as, "", {}, {}};
        if (project.mailing_list.empty()) {
          return Fail(Error::InvalidArgument(
              "the project has no mailing list to send to: set project.mailing_list in the "
              "project file and import it"));
        }
        text = RenderTakingStockEmail(stock, from, project.mailing_list);
      } else {
        text = RenderTakingStockText(stock);
      }
      ST_TRY(WriteOutput(options->output, text));
      return kExitOk;
    };
  });

  auto check_version = std::make_shared<std::string>();
  CLI::App* check =
      app.add_subcommand("check", "Early warnings for a release; exits 1 when there are alerts");
  check->add_option("version", *check_version, "e.g. 4.3")->required();
  check->callback([&cli, check_version] {
    cli.action = [&cli, check_version]() -> Result<int> {
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      auto alerts = ST_TRY(planning.Check(*check_version, now));
      // The Czar's alerts (stalled protocols, waiting proposals, lapsing
      // objections) belong to every stock-take too.
      Lifecycle lifecycle(*store);
      for (auto& alert : ST_TRY(lifecycle.Check(now))) {
        alerts.push_back({alert.subject, alert.subject, std::move(alert.rule),
                          std::move(alert.message), std::move(alert.action)});
      }
      if (cli.options.json) {
        nlohmann::json json = nlohmann::json::array();
        for (const auto& alert : alerts) json.push_back(AlertJson(alert));
        Cli::PrintJson({{"version", *check_version},
                        {"as_of", FormatTimestamp(now)},
                        {"alerts", std::move(json)}});
      } else {
        for (const auto& alert : alerts) {
          std::cout << fmt::format("{}: [{}] {}\n    what to do: {}\n", alert.subject, alert.rule,
                                   alert.message, alert.action);
        }
        if (alerts.empty()) {
          std::cout << fmt::format("No alerts for {} as of {}.\n", *check_version,
                                   FormatDate(DayOf(now)));
        } else {
          std::cout << fmt::format("{} alert(s) for {} as of {}.\n", alerts.size(), *check_version,
                                   FormatDate(DayOf(now)));
        }
      }
      return alerts.empty() ? kExitOk : kExitAlerts;
    };
  });
}

}  // namespace stocktake::cli
