#pragma once

// The rules of docs/process.md ("Who may write what") that look into a
// project file rather than at the acting person: who becomes the first admin
// of a database an import initialises, that an import takes the admin role
// from no one, and that it moves no protocol the database holds to another
// stage without an accepted proposal. Planning::Import calls them inside its
// transaction, after AuthorizeIn().
// Internal to libstocktake; pure functions.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/person.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/projectfile/project_file.h"
#include "stocktake/result.h"

namespace stocktake::authorization_internal {

/// For an import into a database that is not initialised: when `file` names
/// no admin, makes `address` one (adding the role to the person the file
/// lists with that address, or adding that person) and returns `address`;
/// returns an empty string when the file names its own admins.
std::string NameFirstAdmin(ProjectFile& file, std::string_view address);

/// An import never takes the admin role away (only 'person add' does): gives
/// it back to each person `file` lists without it whom `stored` holds as an
/// admin, keeping the stored order of roles when the rest agree. So an old
/// export, or the example that made its importer the first admin, cannot
/// leave a database without an admin.
void KeepAdmins(ProjectFile& file, const std::vector<Person>& stored);

/// kPermissionDenied when `file` would change the stage of a protocol in
/// `stored`: a stage change its stored history lacks that cites no accepted
/// proposal (in the file or in `stored_proposals`) moving that protocol to
/// that stage, or a `stage` other than the stored one with no such change.
/// Protocols new to the database come in with the history the file gives.
[[nodiscard]] Result<void> CheckImportedStageChanges(const ProjectFile& file,
                                                     const std::vector<Protocol>& stored,
                                                     const std::vector<Proposal>& stored_proposals);

}  // namespace stocktake::authorization_internal
