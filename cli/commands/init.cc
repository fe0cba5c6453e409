// stocktake init, migrate; stocktake person add|list

#include <fmt/format.h>

#include "cli/cli.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {

Runner DeclareInit(CLI::App& command) {
  auto project = std::make_shared<Project>();
  auto admin = std::make_shared<std::string>();
  command.add_option("--name", project->name, "the project's name")->default_val("Xen Project");
  command.add_option("--mailing-list", project->mailing_list, "where the Taking-stock mail goes")
      ->default_val("xen-devel@lists.xenproject.org");
  command.add_option("--admin", *admin, "e-mail of the first admin (default: the person acting)");
  return [project, admin](Invocation& run) -> Result<int> {
    Planning planning(*run.store);
    ST_TRY(planning.Init(run.context, *project, *admin));
    std::string first(Trim(admin->empty() ? run.context.actor : *admin));
    run.printer.Print(view::Changed<view::InitDone>{
        fmt::format("Initialised {} with the Xen process (statuses: {}); {} is its first admin.",
                    run.options.db, XenProcess().StatusIds(), first),
        {run.options.db, "xen", first}});
    return kExitOk;
  };
}

Runner DeclareMigrate(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    StoreOptions options;
    options.busy_wait =
        std::chrono::milliseconds(static_cast<std::int64_t>(run.options.wait * 1000));
    SchemaVersions versions = ST_TRY(MigrateStore(run.options.db, options));
    std::string message = versions.found == versions.now
                              ? fmt::format("{} has schema version {} already: nothing to migrate.",
                                            run.options.db, versions.now)
                              : fmt::format("Migrated {} from schema version {} to {}.",
                                            run.options.db, versions.found, versions.now);
    run.printer.Print(view::Changed<view::MigrateDone>{
        std::move(message), {run.options.db, versions.found, versions.now}});
    return kExitOk;
  };
}

Runner DeclarePersonAdd(CLI::App& command) {
  struct Options {
    Person person;
    std::vector<std::string> roles;
  };
  auto options = std::make_shared<Options>();
  command.add_option("email", options->person.email, "primary e-mail")->required();
  command.add_option("--name", options->person.name, "display name");
  command.add_option(
      "--role", options->roles,
      "admin, release-manager, czar, maintainer, contributor or reader (repeatable)");
  command.add_option("--other-email", options->person.other_emails,
                     "a further identity (repeatable)");
  return [options](Invocation& run) -> Result<int> {
    Person person = options->person;
    for (const auto& name : options->roles) {
      auto role = ParseRole(name);
      if (!role) {
        return Fail(Error::InvalidArgument(
            fmt::format("unknown role '{}': use one of {}", name, RoleNames())));
      }
      person.roles.push_back(*role);
    }
    // The role everyone not in the store acts with already (see Lifecycle).
    if (person.roles.empty()) person.roles.push_back(Role::kContributor);
    Planning planning(*run.store);
    person = ST_TRY(planning.SavePerson(run.context, person));
    run.printer.Print(view::Changed<Person>{"Saved " + person.Mailbox() + ".", person});
    return kExitOk;
  };
}

Runner DeclarePersonList(CLI::App&) {
  return [](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildPersonList(*run.store)));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
