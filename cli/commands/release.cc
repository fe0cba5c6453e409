// stocktake release list|show|add|slip|ship|carry-over; stocktake intervene

#include <fmt/format.h>

#include "cli/cli.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {

Runner DeclareReleaseList(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildReleaseList(*run.store)));
    return kExitOk;
  };
}

Runner DeclareReleaseShow(CLI::App& command) {
  auto version = std::make_shared<std::string>();
  command.add_option("version", *version, "e.g. 4.3")->required();
  return [version](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildReleaseShow(*run.store, *version, run.context.now)));
    return kExitOk;
  };
}

Runner DeclareReleaseAdd(CLI::App& command) {
  struct Options {
    std::string version, start, freeze, release;
  };
  auto options = std::make_shared<Options>();
  command.add_option("version", options->version, "e.g. 4.4")->required();
  command.add_option("--start", options->start, "start of development, YYYY-MM-DD")
      ->required()
      ->check(IsoDate());
  command.add_option("--freeze", options->freeze, "feature freeze, YYYY-MM-DD")
      ->required()
      ->check(IsoDate());
  command.add_option("--release", options->release, "planned release date, YYYY-MM-DD")
      ->required()
      ->check(IsoDate());
  return [options](Invocation& run) -> Result<int> {
    Release item;
    item.version = options->version;
    item.start = ST_TRY(DateOption(options->start, "--start"));
    item.freeze = ST_TRY(DateOption(options->freeze, "--freeze"));
    item.release = ST_TRY(DateOption(options->release, "--release"));
    Planning planning(*run.store);
    item = ST_TRY(planning.AddRelease(run.context, item));
    run.printer.Print(view::Changed<Release>{fmt::format("Added release {}.", item.version), item});
    return kExitOk;
  };
}

Runner DeclareReleaseSlip(CLI::App& command) {
  struct Options {
    std::string version, freeze, release, reason;
  };
  auto options = std::make_shared<Options>();
  command.add_option("version", options->version, "e.g. 4.3")->required();
  command.add_option("--freeze", options->freeze, "new feature freeze, YYYY-MM-DD")
      ->check(IsoDate());
  command.add_option("--release", options->release, "new release date, YYYY-MM-DD")
      ->check(IsoDate());
  command.add_option("--reason", options->reason, "why: a slip is an intervention")->required();
  return [options](Invocation& run) -> Result<int> {
    std::optional<Date> freeze, release_date;
    if (!options->freeze.empty()) freeze = ST_TRY(DateOption(options->freeze, "--freeze"));
    if (!options->release.empty()) {
      release_date = ST_TRY(DateOption(options->release, "--release"));
    }
    Planning planning(*run.store);
    Release item = ST_TRY(
        planning.SlipRelease(run.context, options->version, freeze, release_date, options->reason));
    run.printer.Print(view::Changed<Release>{
        fmt::format("Release {} now freezes on {} and releases on {}.", item.version,
                    FormatDate(item.freeze), FormatDate(item.release)),
        item});
    return kExitOk;
  };
}

Runner DeclareReleaseShip(CLI::App& command) {
  struct Options {
    std::string version, date, note;
  };
  auto options = std::make_shared<Options>();
  command.add_option("version", options->version, "e.g. 4.3")->required();
  command.add_option("--date", options->date, "the day it was released (default: --now's day)")
      ->check(IsoDate());
  command.add_option("--note", options->note, "e.g. the announcement's message id");
  return [options](Invocation& run) -> Result<int> {
    std::optional<Date> date;
    if (!options->date.empty()) date = ST_TRY(DateOption(options->date, "--date"));
    Planning planning(*run.store);
    Release item = ST_TRY(planning.ShipRelease(run.context, options->version, date, options->note));
    SchedulePosition position = PositionOn(item, item.shipped->date);
    run.printer.Print(view::Changed<Release>{position.sentence, item});
    return kExitOk;
  };
}

Runner DeclareIntervene(CLI::App& command) {
  struct Options {
    std::string version, kind, text;
    std::vector<std::string> features;
  };
  auto options = std::make_shared<Options>();
  command.add_option("version", options->version, "e.g. 4.3")->required();
  command
      .add_option("--kind", options->kind,
                  "effort (more effort from the community), resources (outside resources) or "
                  "slip (slip the schedule; move the dates with 'release slip')")
      ->required();
  command.add_option("--feature", options->features, "a feature it is for (repeatable)")
      ->required();
  command.add_option("--text", options->text, "what was done")->required();
  return [options](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    Intervention done = ST_TRY(planning.Intervene(run.context, options->version, options->kind,
                                                  options->features, options->text));
    run.printer.Print(view::Changed<Intervention>{
        fmt::format("Recorded {} for {} in {}.", InterventionKindName(done.kind),
                    Join(done.features, ", "), options->version),
        done});
    return kExitOk;
  };
}

Runner DeclareReleaseCarryOver(CLI::App& command) {
  struct Options {
    std::string version, next;
  };
  auto options = std::make_shared<Options>();
  command.add_option("version", options->version, "the release they leave, e.g. 4.3")->required();
  command.add_option("--to", options->next, "the release they go to, e.g. 4.4")->required();
  return [options](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    std::vector<Feature> moved =
        ST_TRY(planning.CarryOver(run.context, options->version, options->next));
    view::FeatureList list;
    list.features = moved;
    run.printer.Print(list);
    return kExitOk;
  };
}

}  // namespace stocktake::cli
