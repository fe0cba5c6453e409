#pragma once

// Authorization: the one rule table that says which roles may make each kind
// of write, and the check that enforces it. Every service write (Planning,
// Lifecycle, EvidenceIngest and the project-file import) calls AuthorizeIn()
// inside its own transaction, after reading the acting person there, so the
// rule holds whatever the front end (the CLI now, the server next) and a
// role changed by a concurrent command is seen. A refusal is
// kPermissionDenied and names the role the write needs and how to get it;
// the transaction then writes nothing.
//
// The table is written out in docs/process.md ("Who may write what"); a unit
// test compares that table with PermissionTableMarkdown(), so the two agree.
//
// Who acts is Context::actor: on a local database file the CLI's --as (like
// git's user.email: whoever can write the file is trusted); on the server,
// the authenticated person. An address no person holds acts with no role.
//
// Everything here is stateless and thread-safe; AuthorizeIn reads the Store it
// is given and uses it from the calling thread only.

#include <initializer_list>
#include <optional>
#include <span>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/person.h"
#include "stocktake/result.h"
#include "stocktake/storage/store.h"

namespace stocktake {

/// Every kind of write that needs a role, in the order of the table.
enum class Action {
  kManagePeople,             ///< person add: add people, change their identities and roles.
  kSetPassword,              ///< person passwd of someone else (everyone may set their own).
  kImport,                   ///< import a project file.
  kAddRelease,               ///< release add.
  kSlipRelease,              ///< release slip: an intervention.
  kShipRelease,              ///< release ship: the release is out.
  kIntervene,                ///< intervene: more effort, outside resources or a slip.
  kAddFeature,               ///< feature add.
  kUpdateFeature,            ///< feature set: status, title, notes, owners, dependencies, ….
  kPlanFeature,              ///< feature add|set --release/--must-have/--freeze-exception.
  kAddProtocol,              ///< protocol add, at the first stage.
  kRegisterProtocolAtStage,  ///< protocol add --stage with a later stage.
  kUpdateProtocol,           ///< protocol set, protocol impl: evidence.
  kPropose,                  ///< propose.
  kObject,                   ///< object.
  kRespond,                  ///< answer, reply, withdraw.
  kResolveObjection,         ///< resolve.
  kDecide,                   ///< decide: the only way a stored protocol changes stage.
  kWaive,                    ///< protocol waive, decide --waive.
  kSettleDraftObjection,     ///< draft-objection confirm|dismiss.
  kIngest,                   ///< ingest mbox|maildir|git|relink: evidence only.
};

/// A set of roles, as a small bit set.
class RoleSet {
 public:
  constexpr RoleSet() = default;
  constexpr RoleSet(std::initializer_list<Role> roles) {
    for (Role role : roles) bits_ |= Bit(role);
  }
  constexpr bool Contains(Role role) const { return (bits_ & Bit(role)) != 0; }
  constexpr bool empty() const { return bits_ == 0; }
  /// The roles in the order of the Role enumeration.
  std::vector<Role> roles() const;

 private:
  static constexpr unsigned Bit(Role role) { return 1U << static_cast<unsigned>(role); }
  unsigned bits_ = 0;
};

/// One row of the rule table.
struct Permission {
  Action action;
  std::string_view what;      ///< What the action does, e.g. "slip a release".
  std::string_view commands;  ///< The CLI commands that make it, e.g. "release slip".
  RoleSet roles;              ///< These roles may act on every object.
  /// These roles may act only on an object they own: one whose owners list
  /// holds one of the acting person's e-mail identities (case-insensitive).
  RoleSet owner_roles;
};

/// The rule table, one row per Action in enumeration order.
std::span<const Permission> Permissions();
/// The row of `action`.
const Permission& PermissionFor(Action action);

/// The rule table as the Markdown table docs/process.md holds, ending in a
/// newline.
std::string PermissionTableMarkdown();

/// What an owner-scoped action acts on, for the check and its message.
struct OwnedObject {
  std::string_view kind;  ///< "feature" or "protocol": the CLI family that changes its owners.
  std::string_view name;  ///< Its slug or name.
  const std::vector<std::string>& owners;
};

/// Ok when `actor` may take `action` (on `object`, for an owner-scoped action).
/// `actor` is the person `address` names, or nullopt when no person holds that
/// address: an unknown address holds no role. For an action with owner roles,
/// a null `object` lets only the roles that act on every object through.
/// kPermissionDenied otherwise, naming the role needed and how to get it.
[[nodiscard]] Result<void> Authorize(const std::optional<Person>& actor, std::string_view address,
                                     Action action, const OwnedObject* object = nullptr);

/// True when `actor` may take `action` only on objects they own: they hold an
/// owner role of it and no role that takes it on every object. Such a person
/// owns what they add when they name no owners, so they can change it later.
bool ActsOnlyAsOwner(const std::optional<Person>& actor, Action action);

/// Reads the person `address` names from `store` and runs Authorize. Call it
/// inside the write's Store::Transact(), so the roles are read in the same
/// transaction as what the write changes. A database that is not yet
/// initialised (no project) has no people and so no roles: any write the
/// service allows there (init, the first import, ingest) passes, and init and
/// the first import name the first admin. Errors: kPermissionDenied, and the
/// store's.
[[nodiscard]] Result<void> AuthorizeIn(Store& store, std::string_view address, Action action,
                                       const OwnedObject* object = nullptr);

/// The person `address` names in `store`, or nullopt.
[[nodiscard]] Result<std::optional<Person>> FindActor(Store& store, std::string_view address);

}  // namespace stocktake
