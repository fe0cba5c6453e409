#include "stocktake/service/authorization.h"

#include <fmt/format.h>

#include <algorithm>
#include <array>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

constexpr Role kAdmin = Role::kAdmin;
constexpr Role kReleaseManager = Role::kReleaseManager;
constexpr Role kCzar = Role::kCzar;
constexpr Role kMaintainer = Role::kMaintainer;
constexpr Role kContributor = Role::kContributor;

// The rule table: docs/process.md holds the same rows ("Who may write what"),
// and authorization_test.cc checks that they agree. `reader` appears in no
// row, and an unknown address holds no role, so neither writes anything.
// clang-format off
constexpr std::array kPermissions = {
    // action, what, commands, roles (every object), owner roles (their own objects)
    Permission{Action::kManagePeople, "add people and change their e-mails and roles", "`person add`", {kAdmin}, {}},
    Permission{Action::kSetPassword, "set another person's password for the server", "`person passwd`", {kAdmin}, {}},
    Permission{Action::kImport, "import a project file", "`import` (into an initialised database)", {kAdmin}, {}},
    Permission{Action::kAddRelease, "add a release", "`release add`", {kReleaseManager}, {}},
    Permission{Action::kSlipRelease, "slip a release", "`release slip`", {kReleaseManager}, {}},
    Permission{Action::kShipRelease, "record that a release shipped", "`release ship`", {kReleaseManager}, {}},
    Permission{Action::kIntervene, "record an intervention in features", "`intervene`", {kReleaseManager}, {}},
    Permission{Action::kAddFeature, "add a feature", "`feature add`", {kReleaseManager, kMaintainer, kContributor}, {}},
    Permission{Action::kUpdateFeature, "change a feature", "`feature set`, `feature rename`", {kReleaseManager}, {kMaintainer, kContributor}},
    Permission{Action::kPlanFeature, "move a feature to another release, mark it must-have, record a freeze exception, or remove or restore it", "`feature set --release`, `--must-have`, `--freeze-exception`; `feature add --must-have`; `feature remove`, `feature restore`; `release carry-over`", {kReleaseManager}, {}},
    Permission{Action::kAddProtocol, "add a protocol", "`protocol add` (at the first stage)", {kMaintainer, kContributor}, {}},
    Permission{Action::kRegisterProtocolAtStage, "add a protocol at a later stage than the first", "`protocol add --stage`", {kCzar}, {}},
    Permission{Action::kUpdateProtocol, "record a protocol's evidence", "`protocol set`, `protocol impl`", {}, {kMaintainer, kContributor}},
    Permission{Action::kPropose, "open a proposal", "`propose`", {kMaintainer, kContributor}, {}},
    Permission{Action::kObject, "object to a proposal", "`object`", {kMaintainer, kContributor}, {}},
    Permission{Action::kRespond, "answer, reply or withdraw", "`answer`, `reply`, `withdraw`", {kMaintainer, kContributor}, {}},
    Permission{Action::kResolveObjection, "resolve an objection, or rule it out of order", "`resolve`, `resolve --out-of-order`", {kCzar}, {}},
    Permission{Action::kDecide, "decide a proposal (and so move a protocol to its next stage)", "`decide`", {kCzar}, {}},
    Permission{Action::kWaive, "waive an entry criterion", "`protocol waive`, `decide --waive`", {kCzar}, {}},
    Permission{Action::kSettleDraftObjection, "confirm or dismiss a draft objection", "`draft-objection confirm`, `draft-objection dismiss`", {kCzar}, {}},
    Permission{Action::kIngest, "ingest evidence", "`ingest mbox`, `ingest maildir`, `ingest git`, `ingest relink`", {kAdmin, kMaintainer}, {}},
};
// clang-format on

constexpr bool InActionOrder() {
  for (std::size_t index = 0; index < kPermissions.size(); ++index) {
    if (static_cast<std::size_t>(kPermissions[index].action) != index) return false;
  }
  return kPermissions.size() == static_cast<std::size_t>(Action::kIngest) + 1;
}
static_assert(InActionOrder(), "kPermissions has one row per Action, in enumeration order");

std::vector<std::string> Names(const std::vector<Role>& roles) {
  std::vector<std::string> names;
  for (Role role : roles) names.emplace_back(RoleName(role));
  return names;
}

// "a", "a or b", "a, b or c".
std::string Alternatives(const std::vector<Role>& roles) {
  std::vector<std::string> names = Names(roles);
  if (names.size() <= 1) return Join(names, "");
  std::string last = names.back();
  names.pop_back();
  return Join(names, ", ") + " or " + last;
}

bool HoldsAny(const std::optional<Person>& actor, RoleSet roles) {
  if (!actor) return false;
  return std::any_of(actor->roles.begin(), actor->roles.end(),
                     [&](Role role) { return roles.Contains(role); });
}

bool Owns(const Person& actor, const std::vector<std::string>& owners) {
  return std::any_of(owners.begin(), owners.end(),
                     [&](const std::string& owner) { return actor.HasEmail(owner); });
}

// "it needs the release-manager role, or the maintainer or contributor role as
// one of its owners (alice@x)".
std::string Needs(const Permission& permission, const OwnedObject* object) {
  std::string any = Alternatives(permission.roles.roles());
  std::string own = Alternatives(permission.owner_roles.roles());
  std::string owned;
  if (!own.empty()) {
    std::string owners = object == nullptr        ? ""
                         : object->owners.empty() ? " (it has none)"
                                                  : " (" + Join(object->owners, ", ") + ")";
    owned = fmt::format("the {} role as one of its owners{}", own, owners);
  }
  if (any.empty()) return "it needs " + owned;
  if (owned.empty()) return fmt::format("it needs the {} role", any);
  return fmt::format("it needs the {} role, or {}", any, owned);
}

std::string Holds(const std::optional<Person>& actor, std::string_view address) {
  if (!actor) return fmt::format("{} is not a known person", address);
  if (actor->roles.empty()) return fmt::format("{} holds no role", address);
  return fmt::format("{} holds {}", address, Join(Names(actor->roles), ", "));
}

// How to get the permission: be made an owner when a role to own it is
// already held, else be granted a role (person add replaces the roles, so the
// command names the ones kept too).
std::string HowToGet(const Permission& permission, const std::optional<Person>& actor,
                     std::string_view address, const OwnedObject* object) {
  if (object != nullptr && HoldsAny(actor, permission.owner_roles)) {
    std::string command = fmt::format("stocktake {} set {}", object->kind, object->name);
    for (const auto& owner : object->owners) command += " --owner " + owner;
    command += fmt::format(" --owner {}", address);
    std::string who = permission.roles.empty()
                          ? "an owner"
                          : fmt::format("an owner or a {}", Alternatives(permission.roles.roles()));
    return fmt::format("{} adds {} to its owners with '{}'", who, address, command);
  }
  std::vector<Role> needed = permission.roles.roles();
  if (needed.empty()) needed = permission.owner_roles.roles();
  if (needed.empty()) return "no role may";
  // Roles run from the most to the least trusted: suggest the least that will do.
  Role role = needed.back();
  std::string command = fmt::format("stocktake person add {}", address);
  if (actor) {
    for (Role kept : actor->roles) command += fmt::format(" --role {}", RoleName(kept));
  }
  command += fmt::format(" --role {}", RoleName(role));
  return fmt::format("an admin grants the {} role with '{}'", RoleName(role), command);
}

}  // namespace

std::vector<Role> RoleSet::roles() const {
  std::vector<Role> roles;
  for (Role role : {Role::kAdmin, Role::kReleaseManager, Role::kCzar, Role::kMaintainer,
                    Role::kContributor, Role::kReader}) {
    if (Contains(role)) roles.push_back(role);
  }
  return roles;
}

std::span<const Permission> Permissions() { return kPermissions; }

const Permission& PermissionFor(Action action) {
  return kPermissions[static_cast<std::size_t>(action)];
}

std::string PermissionTableMarkdown() {
  std::string table =
      "| action | commands | roles | or on what they own |\n"
      "| --- | --- | --- | --- |\n";
  for (const Permission& permission : kPermissions) {
    std::string roles = Join(Names(permission.roles.roles()), ", ");
    std::string owner_roles = Join(Names(permission.owner_roles.roles()), ", ");
    table += fmt::format("| {} | {} | {} | {} |\n", permission.what, permission.commands,
                         roles.empty() ? "—" : roles, owner_roles.empty() ? "—" : owner_roles);
  }
  return table;
}

bool ActsOnlyAsOwner(const std::optional<Person>& actor, Action action) {
  const Permission& permission = PermissionFor(action);
  return HoldsAny(actor, permission.owner_roles) && !HoldsAny(actor, permission.roles);
}

Result<void> Authorize(const std::optional<Person>& actor, std::string_view address, Action action,
                       const OwnedObject* object) {
  const Permission& permission = PermissionFor(action);
  if (HoldsAny(actor, permission.roles)) return Ok();
  if (object != nullptr && HoldsAny(actor, permission.owner_roles) &&
      Owns(*actor, object->owners)) {
    return Ok();
  }
  std::string target =
      object != nullptr ? fmt::format(" ({} {})", object->kind, object->name) : std::string();
  std::string holds = Holds(actor, address);
  if (object != nullptr && HoldsAny(actor, permission.owner_roles)) {
    holds += " but is not one of its owners";
  }
  return Fail(Error::PermissionDenied(
      fmt::format("{} may not {}{}: {}, and {}; {}", address, permission.what, target,
                  Needs(permission, object), holds, HowToGet(permission, actor, address, object))));
}

Result<std::optional<Person>> FindActor(Store& store, std::string_view address) {
  return store.FindPerson(std::string(address));
}

Result<void> AuthorizeIn(Store& store, std::string_view address, Action action,
                         const OwnedObject* object) {
  if (!ST_TRY(store.LoadProject())) return Ok();
  return Authorize(ST_TRY(FindActor(store, address)), address, action, object);
}

}  // namespace stocktake
