// stocktake feature add|set|show|list|history

#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "stocktake/report/json_views.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {
namespace {

Result<bool> BoolOption(const std::string& text, const char* option) {
  std::string value = ToLower(text);
  if (value == "true" || value == "yes" || value == "1") return true;
  if (value == "false" || value == "no" || value == "0") return false;
  return Fail(
      Error::InvalidArgument(fmt::format("{} takes true or false, not '{}'", option, text)));
}

void PrintFeature(const Feature& feature) {
  std::cout << fmt::format("{}\n  slug       {}\n  release    {}\n  status     {}\n",
                           feature.DisplayName(), feature.slug, feature.release, feature.status);
  auto line = [](const char* label, const std::string& value) {
    if (!value.empty()) std::cout << fmt::format("  {:<10} {}\n", label, value);
  };
  line("parent", feature.parent);
  line("code bases", Join(feature.code_bases, ", "));
  line("owners", Join(feature.owners, ", "));
  line("depends on", Join(feature.depends_on, ", "));
  if (feature.external) line("external", "yes");
  if (feature.must_have) line("must-have", "yes");
  line("remark", feature.remark);
  line("short", feature.short_title);
  line("protocol", feature.protocol);
  line("exception", feature.freeze_exception);
  line("notes", feature.notes);
  line("updated", FormatTimestamp(feature.updated_at));
  if (!feature.history.empty()) std::cout << "  history\n";
  for (const auto& change : feature.history) {
    std::cout << fmt::format("    {}  {:<28} {} -> {}{}\n", FormatTimestamp(change.at), change.by,
                             change.from.empty() ? "(new)" : change.from, change.to,
                             change.reason.empty() ? "" : ": " + change.reason);
  }
}

}  // namespace

void RegisterFeature(CLI::App& app, Cli& cli) {
  CLI::App* feature_command =
      app.add_subcommand("feature", "Features of releases and their statuses");
  feature_command->require_subcommand(1);

  auto draft = std::make_shared<Feature>();
  CLI::App* add =
      feature_command->add_subcommand("add", "Add a feature at the end of a release's list");
  add->add_option("title", draft->title, "the feature's title")->required();
  add->add_option("--release", draft->release, "release version, e.g. 4.3")->required();
  add->add_option("--status", draft->status, "status id (default: the first, e.g. finished)");
  add->add_option("--slug", draft->slug, "key to name it by (default: derived from the title)");
  add->add_option("--parent", draft->parent, "make it a sub-item of this feature");
  add->add_option("--code-base", draft->code_bases, "a code base it touches (repeatable)");
  add->add_flag("--external", draft->external, "work done outside the project");
  add->add_option("--owner", draft->owners, "owner e-mail (repeatable)");
  add->add_flag("--must-have", draft->must_have, "the release needs it");
  add->add_option("--depends-on", draft->depends_on, "a feature it needs (repeatable)");
  add->add_option("--short-title", draft->short_title, "how others refer to it");
  add->add_option("--remark", draft->remark, "a parenthetical shown after the title");
  add->add_option("--notes", draft->notes, "free text");
  add->add_option("--protocol", draft->protocol, "the PV protocol it belongs to");
  add->callback([&cli, draft] {
    cli.action = [&cli, draft]() -> Result<int> {
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      Feature added = ST_TRY(planning.AddFeature(context, *draft));
      if (cli.options.json) {
        Cli::PrintJson(FeatureJson(added));
      } else {
        std::cout << fmt::format("Added '{}' to {} as {} (slug {}).\n", added.DisplayName(),
                                 added.release, added.status, added.slug);
      }
      return kExitOk;
    };
  });

  struct SetOptions {
    std::string name, external, must_have;
    std::optional<std::string> status, title, release, parent, short_title, remark, notes, protocol,
        freeze_exception;
    bool no_parent = false;
    std::vector<std::string> code_bases, owners;
    FeatureUpdate update;
  };
  auto set_options = std::make_shared<SetOptions>();
  CLI::App* set =
      feature_command->add_subcommand("set", "Change a feature: status, release, parent, …");
  set->add_option("feature", set_options->name, "slug or exact title")->required();
  set->add_option("--status", set_options->status, "new status id");
  set->add_option("--reason", set_options->update.reason, "why it changed");
  set->add_option("--title", set_options->title, "new title");
  set->add_option("--release", set_options->release, "move it to another release");
  set->add_option("--parent", set_options->parent, "make it a sub-item of this feature");
  set->add_flag("--no-parent", set_options->no_parent, "make it a top-level item");
  set->add_option("--external", set_options->external, "true or false");
  set->add_option("--must-have", set_options->must_have, "true or false");
  set->add_option("--code-base", set_options->code_bases, "replace the code bases (repeatable)");
  set->add_option("--owner", set_options->owners, "replace the owners (repeatable)");
  set->add_option("--depends-on", set_options->update.add_dependencies,
                  "add a dependency (repeatable)");
  set->add_option("--no-depends-on", set_options->update.remove_dependencies,
                  "remove a dependency (repeatable)");
  set->add_option("--short-title", set_options->short_title, "how others refer to it");
  set->add_option("--remark", set_options->remark, "a parenthetical shown after the title");
  set->add_option("--notes", set_options->notes, "free text");
  set->add_option("--protocol", set_options->protocol, "the PV protocol it belongs to");
  set->add_option("--freeze-exception", set_options->freeze_exception,
                  "why it may land after the freeze (empty to clear)");
  set->callback([&cli, set_options] {
    cli.action = [&cli, set_options]() -> Result<int> {
      SetOptions& options = *set_options;
      FeatureUpdate update = options.update;
      update.status = options.status;
      update.title = options.title;
      update.release = options.release;
      if (options.parent && options.no_parent) {
        return Fail(Error::InvalidArgument("give --parent or --no-parent, not both"));
      }
      if (options.parent) update.parent = options.parent;
      if (options.no_parent) update.parent = std::string();
      if (!options.external.empty())
        update.external = ST_TRY(BoolOption(options.external, "--external"));
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
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      Feature changed = ST_TRY(planning.UpdateFeature(context, options.name, update));
      if (cli.options.json) {
        Cli::PrintJson(FeatureJson(changed));
      } else {
        std::cout << fmt::format("Updated '{}': {} in {}.\n", changed.DisplayName(), changed.status,
                                 changed.release);
      }
      return kExitOk;
    };
  });

  auto show_name = std::make_shared<std::string>();
  CLI::App* show =
      feature_command->add_subcommand("show", "Show a feature with its status history");
  show->add_option("feature", *show_name, "slug or exact title")->required();
  show->callback([&cli, show_name] {
    cli.action = [&cli, show_name]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      Feature found = ST_TRY(planning.ResolveFeature(*show_name));
      nlohmann::json evidence =
          ST_TRY(LinkedEvidenceJson(*store, EvidenceOwnerKind::kFeature, found.slug));
      if (cli.options.json) {
        nlohmann::json json = FeatureJson(found);
        json["evidence"] = std::move(evidence);
        Cli::PrintJson(json);
      } else {
        PrintFeature(found);
        PrintLinkedEvidence(evidence);
      }
      return kExitOk;
    };
  });

  struct ListOptions {
    std::string release, status;
  };
  auto list_options = std::make_shared<ListOptions>();
  CLI::App* list =
      feature_command->add_subcommand("list", "List features with their slugs and statuses");
  list->add_option("--release", list_options->release, "only this release");
  list->add_option("--status", list_options->status, "only this status");
  list->callback([&cli, list_options] {
    cli.action = [&cli, list_options]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      if (!list_options->release.empty()) ST_TRY(planning.FindRelease(list_options->release));
      auto features = ST_TRY(store->ListFeatures({list_options->release, false}));
      std::erase_if(features, [&](const Feature& feature) {
        return !list_options->status.empty() && feature.status != list_options->status;
      });
      if (cli.options.json) {
        nlohmann::json json = nlohmann::json::array();
        for (const auto& item : features) json.push_back(FeatureJson(item));
        Cli::PrintJson(json);
        return kExitOk;
      }
      for (const auto& item : features) {
        std::cout << fmt::format("{:<48} {:<8} {:<9} {}{}\n", item.slug, item.release, item.status,
                                 item.parent.empty() ? "" : "  - ", item.DisplayName());
      }
      if (features.empty()) std::cout << "No features match.\n";
      return kExitOk;
    };
  });

  auto history_name = std::make_shared<std::string>();
  CLI::App* history =
      feature_command->add_subcommand("history", "Every recorded change of a feature");
  history->add_option("feature", *history_name, "slug or exact title")->required();
  history->callback([&cli, history_name] {
    cli.action = [&cli, history_name]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      return PrintEvents(cli, ST_TRY(planning.FeatureHistory(*history_name)));
    };
  });
}

}  // namespace stocktake::cli
