// stocktake feature add|set|rename|remove|restore|show|list|history

#include <fmt/format.h>

#include "cli/cli.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {
namespace {

// `feature set --external false` must be able to clear a flag, which a CLI11
// flag cannot express, so these options take a word.
Result<bool> BoolOption(const std::string& text, const char* option) {
  std::string value = ToLower(text);
  if (value == "true" || value == "yes" || value == "1") return true;
  if (value == "false" || value == "no" || value == "0") return false;
  return Fail(
      Error::InvalidArgument(fmt::format("{} takes true or false, not '{}'", option, text)));
}

// `feature set` options as given; FeatureUpdate leaves out what was not.
struct SetOptions {
  std::string name, external, must_have;
  std::optional<std::string> status, title, release, parent, short_title, remark, notes, protocol,
      freeze_exception;
  bool no_parent = false;
  std::vector<std::string> code_bases, owners;
  FeatureUpdate update;
};

void AddSetOptions(CLI::App& command, SetOptions& options) {
  command.add_option("feature", options.name, "slug or exact title")->required();
  command.add_option("--status", options.status, "new status id");
  command.add_option("--reason", options.update.reason, "why it changed");
  command.add_option("--title", options.title, "new title");
  command.add_option("--release", options.release, "move it to another release");
  command.add_option("--parent", options.parent, "make it a sub-item of this feature");
  command.add_flag("--no-parent", options.no_parent, "make it a top-level item");
  command.add_option("--external", options.external, "true or false");
  command.add_option("--must-have", options.must_have, "true or false");
  command.add_option("--code-base", options.code_bases, "replace the code bases (repeatable)");
  command.add_option("--owner", options.owners, "replace the owners (repeatable)");
  command.add_option("--depends-on", options.update.add_dependencies,
                     "add a dependency (repeatable)");
  command.add_option("--no-depends-on", options.update.remove_dependencies,
                     "remove a dependency (repeatable)");
  command.add_option("--short-title", options.short_title, "how others refer to it");
  command.add_option("--remark", options.remark, "a parenthetical shown after the title");
  command.add_option("--notes", options.notes, "free text");
  command.add_option("--protocol", options.protocol, "the PV protocol it belongs to");
  command.add_option("--freeze-exception", options.freeze_exception,
                     "why it may land after the freeze (empty to clear)");
}

Result<FeatureUpdate> MakeUpdate(const SetOptions& options) {
  FeatureUpdate update = options.update;
  update.status = options.status;
  update.title = options.title;
  update.release = options.release;
  if (options.parent && options.no_parent) {
    return Fail(Error::InvalidArgument("give --parent or --no-parent, not both"));
  }
  if (options.parent) update.parent = options.parent;
  // An empty parent is how FeatureUpdate says "make it top-level".
  if (options.no_parent) update.parent = std::string();
  if (!options.external.empty()) {
    update.external = ST_TRY(BoolOption(options.external, "--external"));
  }
  if (!options.must_have.empty()) {
    update.must_have = ST_TRY(BoolOption(options.must_have, "--must-have"));
  }
  if (!options.code_bases.empty()) update.code_bases = options.code_bases;
  if (!options.owners.empty()) update.owners = options.owners;
  update.short_title = options.short_title;
  update.remark = options.remark;
  update.notes = options.notes;
  update.protocol = options.protocol;
  update.freeze_exception = options.freeze_exception;
  return update;
}

}  // namespace

Runner DeclareFeatureAdd(CLI::App& command) {
  auto draft = std::make_shared<Feature>();
  command.add_option("title", draft->title, "the feature's title")->required();
  command.add_option("--release", draft->release, "release version, e.g. 4.3")->required();
  command.add_option("--status", draft->status,
                     "status id (default: the process's initial status, e.g. on-track)");
  command.add_option("--slug", draft->slug, "key to name it by (default: derived from the title)");
  command.add_option("--parent", draft->parent, "make it a sub-item of this feature");
  command.add_option("--code-base", draft->code_bases, "a code base it touches (repeatable)");
  command.add_flag("--external", draft->external, "work done outside the project");
  command.add_option("--owner", draft->owners, "owner e-mail (repeatable)");
  command.add_flag("--must-have", draft->must_have, "the release needs it");
  command.add_option("--depends-on", draft->depends_on, "a feature it needs (repeatable)");
  command.add_option("--short-title", draft->short_title, "how others refer to it");
  command.add_option("--remark", draft->remark, "a parenthetical shown after the title");
  command.add_option("--notes", draft->notes, "free text");
  command.add_option("--protocol", draft->protocol, "the PV protocol it belongs to");
  return [draft](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    Feature added = ST_TRY(planning.AddFeature(run.context, *draft));
    run.printer.Print(
        view::Changed<Feature>{fmt::format("Added '{}' to {} as {} (slug {}).", added.DisplayName(),
                                           added.release, added.status, added.slug),
                               added});
    return kExitOk;
  };
}

Runner DeclareFeatureSet(CLI::App& command) {
  auto options = std::make_shared<SetOptions>();
  AddSetOptions(command, *options);
  return [options](Invocation& run) -> Result<int> {
    FeatureUpdate update = ST_TRY(MakeUpdate(*options));
    Planning planning(*run.store);
    Feature changed = ST_TRY(planning.UpdateFeature(run.context, options->name, update));
    run.printer.Print(
        view::Changed<Feature>{fmt::format("Updated '{}': {} in {}.", changed.DisplayName(),
                                           changed.status, changed.release),
                               changed});
    return kExitOk;
  };
}

Runner DeclareFeatureRename(CLI::App& command) {
  struct Options {
    std::string name, title, reason;
  };
  auto options = std::make_shared<Options>();
  command.add_option("feature", options->name, "slug or exact title")->required();
  command.add_option("--title", options->title, "the new title")->required();
  command.add_option("--reason", options->reason, "why");
  return [options](Invocation& run) -> Result<int> {
    FeatureUpdate update;
    update.title = options->title;
    update.reason = options->reason;
    Planning planning(*run.store);
    Feature renamed = ST_TRY(planning.UpdateFeature(run.context, options->name, update));
    run.printer.Print(view::Changed<Feature>{
        fmt::format("Renamed to '{}' (slug {}).", renamed.DisplayName(), renamed.slug), renamed});
    return kExitOk;
  };
}

Runner DeclareFeatureRemove(CLI::App& command) {
  struct Options {
    std::string name, reason;
  };
  auto options = std::make_shared<Options>();
  command.add_option("feature", options->name, "slug or exact title")->required();
  command.add_option("--reason", options->reason, "why it is removed")->required();
  return [options](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    Feature removed = ST_TRY(planning.RemoveFeature(run.context, options->name, options->reason));
    run.printer.Print(view::Changed<Feature>{
        fmt::format("Removed '{}' from {}; 'stocktake feature restore {}' puts it back.",
                    removed.DisplayName(), removed.release, removed.slug),
        removed});
    return kExitOk;
  };
}

Runner DeclareFeatureRestore(CLI::App& command) {
  struct Options {
    std::string name, reason;
  };
  auto options = std::make_shared<Options>();
  command.add_option("feature", options->name, "slug or exact title")->required();
  command.add_option("--reason", options->reason, "why it is back");
  return [options](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    Feature restored = ST_TRY(planning.RestoreFeature(run.context, options->name, options->reason));
    run.printer.Print(
        view::Changed<Feature>{fmt::format("Restored '{}' to {} as {}.", restored.DisplayName(),
                                           restored.release, restored.status),
                               restored});
    return kExitOk;
  };
}

Runner DeclareFeatureShow(CLI::App& command) {
  auto name = std::make_shared<std::string>();
  command.add_option("feature", *name, "slug or exact title")->required();
  return [name](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildFeatureShow(*run.store, *name)));
    return kExitOk;
  };
}

Runner DeclareFeatureList(CLI::App& command) {
  struct Options {
    std::string release, status;
  };
  auto options = std::make_shared<Options>();
  command.add_option("--release", options->release, "only this release");
  command.add_option("--status", options->status, "only this status");
  return [options](Invocation& run) -> Result<int> {
    run.printer.Print(
        ST_TRY(view::BuildFeatureList(*run.store, options->release, options->status)));
    return kExitOk;
  };
}

Runner DeclareFeatureHistory(CLI::App& command) {
  auto name = std::make_shared<std::string>();
  command.add_option("feature", *name, "slug or exact title")->required();
  return [name](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildFeatureHistory(*run.store, *name)));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
