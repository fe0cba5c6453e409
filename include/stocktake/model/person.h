#pragma once

// Person: someone who acts in the project, known by one or more e-mail
// identities (to match mail senders and git authors) and holding roles that
// decide what they may do. A value type; copies are independent.

#include <optional>
#include <string>
#include <string_view>
#include <vector>

namespace stocktake {

enum class Role {
  kAdmin,
  kReleaseManager,
  kCzar,
  kMaintainer,
  kContributor,
  kReader,
};

/// "release-manager" for kReleaseManager, and so on.
std::string_view RoleName(Role role);
/// The role named `name` ("admin", "release-manager", "czar", "maintainer",
/// "contributor", "reader"), or nullopt.
std::optional<Role> ParseRole(std::string_view name);
/// All role names, comma separated, for error messages.
std::string RoleNames();

/// True when `text` has the shape of an e-mail address: one '@' with text
/// on both sides and no spaces, control characters, quotes, commas or angle
/// brackets ("owner@example.org", not "Owner <owner@example.org>").
bool IsEmailAddress(std::string_view text);

struct Person {
  std::string email;                      ///< The primary identity; unique.
  std::string name;                       ///< Display name, e.g. "George Dunlap".
  std::vector<std::string> other_emails;  ///< Further identities of the same person.
  std::vector<Role> roles;

  bool HasRole(Role role) const;
  /// True when `address` is the primary or another identity (case-insensitive).
  bool HasEmail(std::string_view address) const;
  /// "Name <email>", or just the e-mail when there is no name.
  std::string Mailbox() const;
};

}  // namespace stocktake
