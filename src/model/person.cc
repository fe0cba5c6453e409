#include "stocktake/model/person.h"

#include <algorithm>
#include <array>
#include <utility>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

constexpr std::array<std::pair<Role, std::string_view>, 6> kRoleNames = {{
    {Role::kAdmin, "admin"},
    {Role::kReleaseManager, "release-manager"},
    {Role::kCzar, "czar"},
    {Role::kMaintainer, "maintainer"},
    {Role::kContributor, "contributor"},
    {Role::kReader, "reader"},
}};

}  // namespace

std::string_view RoleName(Role role) {
  for (const auto& [candidate, name] : kRoleNames) {
    if (candidate == role) return name;
  }
  return "reader";
}

std::optional<Role> ParseRole(std::string_view name) {
  for (const auto& [role, candidate] : kRoleNames) {
    if (candidate == name) return role;
  }
  return std::nullopt;
}

std::string RoleNames() {
  std::string names;
  for (const auto& [role, name] : kRoleNames) {
    if (!names.empty()) names += ", ";
    names += name;
  }
  return names;
}

bool IsEmailAddress(std::string_view text) {
  std::size_t at = text.find('@');
  if (at == std::string_view::npos || at == 0 || at + 1 == text.size() ||
      text.find('@', at + 1) != std::string_view::npos) {
    return false;
  }
  return std::none_of(text.begin(), text.end(), [](char c) {
    auto byte = static_cast<unsigned char>(c);
    return byte <= 0x20 || byte == 0x7f || c == '<' || c == '>' || c == ',' || c == '"';
  });
}

bool Person::HasRole(Role role) const {
  return std::find(roles.begin(), roles.end(), role) != roles.end();
}

bool Person::HasEmail(std::string_view address) const {
  std::string wanted = ToLower(address);
  if (ToLower(email) == wanted) return true;
  return std::any_of(other_emails.begin(), other_emails.end(),
                     [&](const std::string& other) { return ToLower(other) == wanted; });
}

std::string Person::Mailbox() const { return name.empty() ? email : name + " <" + email + ">"; }

}  // namespace stocktake
