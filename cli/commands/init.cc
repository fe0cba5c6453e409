// stocktake init; stocktake person add|list

#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "stocktake/report/json_views.h"

namespace stocktake::cli {

void RegisterInit(CLI::App& app, Cli& cli) {
  auto project = std::make_shared<Project>();
  CLI::App* init = app.add_subcommand("init", "Create a database with the Xen default process");
  init->add_option("--name", project->name, "the project's name")->default_val("Xen Project");
  init->add_option("--mailing-list", project->mailing_list, "where the Taking-stock mail goes")
      ->default_val("xen-devel@lists.xenproject.org");
  init->callback([&cli, project] {
    cli.action = [&cli, project]() -> Result<int> {
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open(/*create=*/true));
      Planning planning(*store);
      ST_TRY(planning.Init(context, *project));
      if (cli.options.json) {
        Cli::PrintJson({{"database", cli.options.db}, {"process", "xen"}});
      } else {
        std::cout << fmt::format("Initialised {} with the Xen process (statuses: {}).\n",
                                 cli.options.db, XenProcess().StatusIds());
      }
      return kExitOk;
    };
  });
}

void RegisterPerson(CLI::App& app, Cli& cli) {
  CLI::App* person_command =
      app.add_subcommand("person", "People, their e-mail identities and roles");
  person_command->require_subcommand(1);

  struct AddOptions {
    Person person;
    std::vector<std::string> roles;
  };
  auto add_options = std::make_shared<AddOptions>();
  CLI::App* add =
      person_command->add_subcommand("add", "Add a person or replace their name and roles");
  add->add_option("email", add_options->person.email, "primary e-mail")->required();
  add->add_option("--name", add_options->person.name, "display name");
  add->add_option("--role", add_options->roles,
                  "admin, release-manager, czar, maintainer, contributor or reader (repeatable)");
  add->add_option("--other-email", add_options->person.other_emails,
                  "a further identity (repeatable)");
  add->callback([&cli, add_options] {
    cli.action = [&cli, add_options]() -> Result<int> {
      Person person = add_options->person;
      for (const auto& name : add_options->roles) {
        auto role = ParseRole(name);
        if (!role) {
          return Fail(Error::InvalidArgument(
              fmt::format("unknown role '{}': use one of {}", name, RoleNames())));
        }
        person.roles.push_back(*role);
      }
      if (person.roles.empty()) person.roles.push_back(Role::kContributor);
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Planning planning(*store);
      person = ST_TRY(planning.SavePerson(context, person));
      if (cli.options.json) {
        Cli::PrintJson(PersonJson(person));
      } else {
        std::cout << "Saved " << person.Mailbox() << ".\n";
      }
      return kExitOk;
    };
  });

  CLI::App* list = person_command->add_subcommand("list", "List people and their roles");
  list->callback([&cli] {
    cli.action = [&cli]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      auto people = ST_TRY(store->ListPeople());
      if (cli.options.json) {
        nlohmann::json json = nlohmann::json::array();
        for (const auto& person : people) json.push_back(PersonJson(person));
        Cli::PrintJson(json);
        return kExitOk;
      }
      for (const auto& person : people) {
        std::vector<std::string> roles;
        for (Role role : person.roles) roles.emplace_back(RoleName(role));
        std::cout << fmt::format("{:<40} {}\n", person.Mailbox(), fmt::join(roles, ", "));
      }
      if (people.empty()) std::cout << "No people yet: add one with 'stocktake person add'.\n";
      return kExitOk;
    };
  });
}

}  // namespace stocktake::cli
