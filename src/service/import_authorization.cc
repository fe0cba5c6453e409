#include <fmt/format.h>

#include <algorithm>

#include "service/import_authorization_internal.h"

namespace stocktake::authorization_internal {
namespace {

bool Recorded(const std::vector<StageChange>& history, const StageChange& change) {
  return std::any_of(history.begin(), history.end(), [&](const StageChange& other) {
    return other.at == change.at && other.to == change.to && other.from == change.from;
  });
}

bool Accepted(const Proposal& proposal) {
  return std::any_of(proposal.actions.begin(), proposal.actions.end(),
                     [](const auto& action) { return action.kind == ProposalActionKind::kAccept; });
}

// The proposal `change` cites, when it is an accepted move of `protocol` to
// the change's stage; the file's version of a proposal wins over the stored one.
bool CitesAcceptedProposal(const std::string& protocol, const StageChange& change,
                           const ProjectFile& file, const std::vector<Proposal>& stored) {
  if (change.proposal_id == 0) return false;
  auto fits = [&](const Proposal& proposal) {
    return proposal.id == change.proposal_id && proposal.protocol == protocol &&
           proposal.to_stage == change.to && Accepted(proposal);
  };
  for (const auto& entry : file.proposals) {
    if (entry.proposal.id == change.proposal_id) return fits(entry.proposal);
  }
  return std::any_of(stored.begin(), stored.end(), fits);
}

Error StageMoved(const ProjectFile& file, const std::string& protocol, std::string_view from,
                 std::string_view to, std::string_view how) {
  return Error::PermissionDenied(
             fmt::format("the file moves protocol {} from stage {} to {}{}, and a protocol in the "
                         "database changes stage only when the Czar accepts a proposal: open one "
                         "with 'stocktake propose {} --to {}' and have the Czar decide it, or "
                         "cite the accepted proposal in the history entry with 'proposal: N'",
                         protocol, from.empty() ? "(none)" : from, to, how, protocol, to))
      .WithContext(file.file_name);
}

}  // namespace

std::string NameFirstAdmin(ProjectFile& file, std::string_view address) {
  for (const auto& person : file.people) {
    if (person.HasRole(Role::kAdmin)) return "";
  }
  auto named = std::find_if(file.people.begin(), file.people.end(),
                            [&](const Person& person) { return person.HasEmail(address); });
  if (named == file.people.end()) {
    file.people.push_back(Person{std::string(address), "", {}, {Role::kAdmin}});
  } else {
    named->roles.insert(named->roles.begin(), Role::kAdmin);
  }
  return std::string(address);
}

void KeepAdmins(ProjectFile& file, const std::vector<Person>& stored) {
  for (auto& person : file.people) {
    if (person.HasRole(Role::kAdmin)) continue;
    // The stored person the import replaces, found as Store::FindPerson would.
    auto admin = std::find_if(stored.begin(), stored.end(),
                              [&](const Person& known) { return known.HasEmail(person.email); });
    if (admin == stored.end() || !admin->HasRole(Role::kAdmin)) continue;
    std::vector<Role> roles = person.roles;
    roles.push_back(Role::kAdmin);
    bool same =
        roles.size() == admin->roles.size() &&
        std::all_of(roles.begin(), roles.end(), [&](Role role) { return admin->HasRole(role); });
    if (same) {
      person.roles = admin->roles;
    } else {
      person.roles.insert(person.roles.begin(), Role::kAdmin);
    }
  }
}

Result<void> CheckImportedStageChanges(const ProjectFile& file, const std::vector<Protocol>& stored,
                                       const std::vector<Proposal>& stored_proposals) {
  for (const auto& protocol : file.protocols) {
    auto known = std::find_if(stored.begin(), stored.end(),
                              [&](const Protocol& p) { return p.name == protocol.name; });
    if (known == stored.end()) continue;
    bool moved = false;
    for (const auto& change : protocol.history) {
      if (Recorded(known->history, change)) continue;
      moved = true;
      if (!CitesAcceptedProposal(protocol.name, change, file, stored_proposals)) {
        std::string how = change.proposal_id == 0
                              ? " with no proposal"
                              : fmt::format(
                                    " citing proposal {}, which is no accepted move of "
                                    "{} to {}",
                                    change.proposal_id, protocol.name, change.to);
        return Fail(StageMoved(file, protocol.name, change.from, change.to, how));
      }
    }
    if (!moved && protocol.stage != known->stage) {
      return Fail(StageMoved(file, protocol.name, known->stage, protocol.stage,
                             " without a history entry"));
    }
  }
  return Ok();
}

}  // namespace stocktake::authorization_internal
