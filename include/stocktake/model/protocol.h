#pragma once

// Protocol: a PV (paravirtual) driver protocol as the PV protocols Czar tracks
// it: its stage in the lifecycle, its design document, spec/ABI version,
// implementations per code base, compatibility promises, owners, the full stage
// history and the Czar's waivers of entry criteria. Stage ids come from the
// project's ProtocolProcess (process/protocol_process.h). A value type.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

enum class ImplementationRole { kFrontend, kBackend };
enum class ImplementationState { kNone, kPosted, kCommitted };

/// "frontend", "backend".
std::string_view ImplementationRoleName(ImplementationRole role);
std::optional<ImplementationRole> ParseImplementationRole(std::string_view name);
/// "none", "posted", "committed".
std::string_view ImplementationStateName(ImplementationState state);
std::optional<ImplementationState> ParseImplementationState(std::string_view name);

/// One frontend or backend in one code base.
struct Implementation {
  std::string code_base;  ///< "Linux", "QEMU", "Xen", "FreeBSD", …
  ImplementationRole role = ImplementationRole::kFrontend;
  ImplementationState state = ImplementationState::kNone;
  /// Mails (message-ids) and commits ("linux.git 3f5f5a4b", a URL) that show it.
  std::vector<std::string> refs;
};

/// Where the design document lives and the commit that added it.
struct DesignDocument {
  std::string path;    ///< "docs/misc/pvcalls.pandoc"; empty when none.
  std::string commit;  ///< The commit that added it to xen.git; empty when not committed.
};

/// One recorded stage change. The first entry of a history has an empty `from`.
struct StageChange {
  Timestamp at{};
  std::string by;                ///< E-mail of the Czar (or importer) who made it.
  std::string from;              ///< Previous stage id; empty for the first entry.
  std::string to;                ///< New stage id.
  std::int64_t proposal_id = 0;  ///< The accepted proposal, 0 when none (imports).
  std::string reason;
  std::string commit;  ///< Evidence for the change (a commit), may be empty.
};

/// The Czar's decision that a criterion of entering `stage` need not be met.
struct CriterionWaiver {
  std::string stage;      ///< The stage whose entry criterion is waived.
  std::string criterion;  ///< Criterion id, e.g. "backend-committed".
  std::string by;         ///< The Czar's e-mail.
  Timestamp at{};
  std::string reason;  ///< Required.
};

struct Protocol {
  std::string name;     ///< "pvcalls"; unique.
  std::string summary;  ///< One line.
  std::string stage;    ///< Current stage id.
  DesignDocument design_doc;
  std::string version;  ///< Spec/ABI version, empty when not recorded.
  std::vector<Implementation> implementations;
  std::string compat_promises;       ///< Backward/cross-platform compatibility promises.
  std::vector<std::string> owners;   ///< E-mails.
  std::vector<StageChange> history;  ///< Oldest first.
  std::vector<CriterionWaiver> waivers;

  /// When the protocol entered its current stage: the last history entry to it,
  /// or nullopt when the history does not say.
  std::optional<Timestamp> StageEnteredAt() const;
  /// The stage the protocol was in at `at` according to its history (changes at
  /// exactly `at` count); empty when it did not exist yet.
  std::string StageAt(Timestamp at) const;
  /// The waiver of `criterion` for entering `stage`, or nullptr.
  const CriterionWaiver* FindWaiver(std::string_view stage_id, std::string_view criterion) const;
};

/// The fields of `before` and `after` that differ, as a protocol.updated
/// event's detail: {"field": [old, new], …} over summary, design_path,
/// design_commit, version, compat_promises and owners.
std::string ProtocolFieldChanges(const Protocol& before, const Protocol& after);

/// A protocol.updated detail for an implementation set to `after`, where it
/// was `before` (nullptr: it was not recorded yet).
std::string ImplementationChange(const Implementation* before, const Implementation& after);

/// Applies the old (`use_new` false) or new values of a protocol.updated
/// event's detail, as the two functions above write it, to `protocol`.
/// kCorruption when the detail is malformed; details of older versions (an
/// implementation without its `before`) change nothing.
Result<void> ApplyProtocolChange(Protocol& protocol, std::string_view detail, bool use_new);

}  // namespace stocktake
