#pragma once

// Lifecycle checks: what the PV protocols Czar should look at now. Protocols
// should "move from one stage to the next within a reasonable time frame";
// lazy consensus needs the Czar to decide once a proposal has passed; and an
// answered objection lapses unless its objector responds. Pure functions that
// take the current instant; thread-safe.

#include <string>
#include <vector>

#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// Rule ids of LifecycleAlert::rule.
namespace lifecycle_rule {
/// A protocol has been in its stage longer than the stage's time frame.
inline constexpr char kStageOverdue[] = "stage-overdue";
/// A proposal passed more than czar_wait_limit ago and the Czar has not decided.
inline constexpr char kAwaitingCzar[] = "awaiting-czar";
/// An answered objection lapses within lapse_warning.
inline constexpr char kObjectionLapsing[] = "objection-lapsing";
}  // namespace lifecycle_rule

struct LifecycleAlert {
  std::string subject;  ///< "protocol pvcalls", "proposal 3", "proposal 3 objection 1".
  std::string rule;     ///< One of lifecycle_rule.
  std::string message;  ///< What is wrong, with dates.
  std::string action;   ///< What to do about it.
};

/// Checks every protocol and open proposal at `now`, in input order: stalled
/// protocols first, then proposals. A protocol with an undecided proposal
/// still counts as stalled (the proposal is named in the message). A stage
/// with a zero time frame is never overdue; a protocol whose history does not
/// say when it entered its stage is skipped. "Over" is strict: at exactly
/// entered + time frame (or passed_at + czar wait) nothing is flagged yet.
std::vector<LifecycleAlert> CheckLifecycle(const std::vector<Protocol>& protocols,
                                           const std::vector<Proposal>& proposals,
                                           const ProtocolProcess& process, Timestamp now);

}  // namespace stocktake
