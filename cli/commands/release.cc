// stocktake release list|show|add|slip

#include <fmt/format.h>

#include <iostream>
#include <map>

#include "cli/cli.h"
#include "stocktake/analysis/schedule.h"
#include "stocktake/report/json_views.h"

namespace stocktake::cli {
namespace {

Result<Date> DateOption(const std::string& text, const char* option) {
  auto date = ParseDate(text);
  if (!date)
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", option, date.error().message())));
  return *date;
}

}  // namespace

void RegisterRelease(CLI::App& app, Cli& cli) {
  CLI::App* release = app.add_subcommand("release", "Releases and their schedules");
  release->require_subcommand(1);

  CLI::App* list = release->add_subcommand("list", "List releases with their schedules");
  list->callback([&cli] {
    cli.action = [&cli]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      auto releases = ST_TRY(store->ListReleases());
      if (cli.options.json) {
        nlohmann::json json = nlohmann::json::array();
        for (const auto& item : releases) json.push_back(ReleaseJson(item));
        Cli::PrintJson(json);
        return kExitOk;
      }
      if (releases.empty())
        std::cout << "No releases yet: import a project file or 'stocktake release add'.\n";
      for (const auto& item : releases) {
        std::cout << fmt::format("{:<10} start {}  freeze {}  release {}{}\n", item.version,
                                 FormatDate(item.start), FormatDate(item.freeze),
                                 FormatDate(item.release),
                                 item.schedule_changes.empty()
                                     ? ""
                                     : fmt::format("  ({} slip(s))", item.schedule_changes.size()));
      }
      return kExitOk;
    };
  });

  auto show_version = std::make_shared<std::string>();
  CLI::App* show = release->add_subcommand("show", "Show a release, where it stands and its slips");
  show->add_option("version", *show_version, "e.g. 4.3")->required();
  show->callback([&cli, show_version] {
    cli.action = [&cli, show_version]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      Timestamp now = ST_TRY(cli.Now());
      ReleaseView view = ST_TRY(planning.LoadRelease(*show_version));
      SchedulePosition position = PositionOn(view.release, DayOf(now));
      std::map<std::string, int> counts;
      for (const auto& feature : view.features) {
        if (feature.release == view.release.version) ++counts[feature.status];
      }
      if (cli.options.json) {
        nlohmann::json json = ReleaseJson(view.release);
        json["as_of"] = FormatTimestamp(now);
        json["schedule_sentence"] = position.sentence;
        json["days_to_freeze"] = position.days_to_freeze;
        json["features_by_status"] = counts;
        Cli::PrintJson(json);
        return kExitOk;
      }
      const Release& item = view.release;
      std::cout << fmt::format("Release {}\n  start    {}\n  freeze   {}\n  release  {}\n",
                               item.version, FormatDate(item.start), FormatDate(item.freeze),
                               FormatDate(item.release));
      std::cout << fmt::format("  as of {}: {}\n", FormatDate(DayOf(now)), position.sentence);
      std::cout << "  features:";
      for (const auto& status : view.project.process.statuses) {
        std::cout << fmt::format(" {} {}", counts[status.id], status.id);
      }
      std::cout << '\n';
      for (const auto& change : item.schedule_changes) {
        std::cout << fmt::format("  slipped {} by {}: freeze {} -> {}, release {} -> {}: {}\n",
                                 FormatDate(DayOf(change.at)), change.by,
                                 FormatDate(change.old_freeze), FormatDate(change.new_freeze),
                                 FormatDate(change.old_release), FormatDate(change.new_release),
                                 change.reason);
      }
      return kExitOk;
    };
  });

  struct AddOptions {
    std::string version, start, freeze, release;
  };
  auto add_options = std::make_shared<AddOptions>();
  CLI::App* add = release->add_subcommand("add", "Add a release with its schedule");
  add->add_option("version", add_options->version, "e.g. 4.4")->required();
  add->add_option("--start", add_options->start, "start of development, YYYY-MM-DD")->required();
  add->add_option("--freeze", add_options->freeze, "feature freeze, YYYY-MM-DD")->required();
  add->add_option("--release", add_options->release, "planned release date, YYYY-MM-DD")
      ->required();
  add->callback([&cli, add_options] {
    cli.action = [&cli, add_options]() -> Result<int> {
      Release item;
      item.version = add_options->version;
      item.start = ST_TRY(DateOption(add_options->start, "--start"));
      item.freeze = ST_TRY(DateOption(add_options->freeze, "--freeze"));
      item.release = ST_TRY(DateOption(add_options->release, "--release"));
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      item = ST_TRY(planning.AddRelease(context, item));
      if (cli.options.json) {
        Cli::PrintJson(ReleaseJson(item));
      } else {
        std::cout << fmt::format("Added release {}.\n", item.version);
      }
      return kExitOk;
    };
  });

  struct SlipOptions {
    std::string version, freeze, release, reason;
  };
  auto slip_options = std::make_shared<SlipOptions>();
  CLI::App* slip = release->add_subcommand(
      "slip", "Move the feature freeze and/or release date (release managers only)");
  slip->add_option("version", slip_options->version, "e.g. 4.3")->required();
  slip->add_option("--freeze", slip_options->freeze, "new feature freeze, YYYY-MM-DD");
  slip->add_option("--release", slip_options->release, "new release date, YYYY-MM-DD");
  slip->add_option("--reason", slip_options->reason, "why: a slip is an intervention")->required();
  slip->callback([&cli, slip_options] {
    cli.action = [&cli, slip_options]() -> Result<int> {
      std::optional<Date> freeze, release_date;
      if (!slip_options->freeze.empty())
        freeze = ST_TRY(DateOption(slip_options->freeze, "--freeze"));
      if (!slip_options->release.empty()) {
        release_date = ST_TRY(DateOption(slip_options->release, "--release"));
      }
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      Release item = ST_TRY(planning.SlipRelease(context, slip_options->version, freeze,
                                                 release_date, slip_options->reason));
      if (cli.options.json) {
        Cli::PrintJson(ReleaseJson(item));
      } else {
        std::cout << fmt::format("Release {} now freezes on {} and releases on {}.\n", item.version,
                                 FormatDate(item.freeze), FormatDate(item.release));
      }
      return kExitOk;
    };
  });
}

}  // namespace stocktake::cli
