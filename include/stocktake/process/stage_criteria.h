#pragma once

// Stage criteria: checks a protocol's evidence against the entry criteria of a
// stage of the process, as `protocol show` lists them and as the Czar's
// acceptance of a proposal requires. Known criterion ids (see
// criterion_id in protocol_process.h) are checked against the evidence:
//
//   design-committed    design_doc.path and design_doc.commit are recorded
//   frontend-committed  an implementation with role frontend, state committed
//                       and at least one reference
//   backend-committed   the same for a backend
//   compat-promises     compat_promises is not blank
//   version-recorded    version is not blank
//
// Any other id has no automatic evidence: it is met only by a waiver. A waiver
// (recorded with its reason) satisfies a criterion whether or not it is met.
// Pure functions; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/result.h"

namespace stocktake {

struct CriterionResult {
  std::string id;           ///< "design-committed".
  std::string description;  ///< From the process.
  bool met = false;         ///< The evidence shows it.
  /// When met: the evidence ("docs/misc/pvcalls.pandoc, commit 1a0ab02e342c").
  /// When not: what is missing and how to provide it.
  std::string detail;
  bool waived = false;
  std::string waived_by;
  std::string waiver_reason;

  /// Met or waived.
  bool Satisfied() const { return met || waived; }
};

/// Evaluates one criterion against `protocol`'s evidence and its waivers for
/// entering `stage_id`.
CriterionResult EvaluateCriterion(const Protocol& protocol, std::string_view stage_id,
                                  const StageCriterion& criterion);

/// Evaluates every entry criterion of `stage`, in the process's order.
std::vector<CriterionResult> EvaluateEntryCriteria(const Protocol& protocol,
                                                   const StageDefinition& stage);

/// Evaluates the entry criteria of stage `stage_id`. kNotFound when the process
/// has no such stage.
Result<std::vector<CriterionResult>> EvaluateEntryCriteria(const Protocol& protocol,
                                                           const ProtocolProcess& process,
                                                           std::string_view stage_id);

/// True when every result is met or waived.
bool AllSatisfied(const std::vector<CriterionResult>& results);

/// "compat-promises (…what is missing…); version-recorded (…)" for the
/// unsatisfied results, for error messages. Empty when all are satisfied.
std::string DescribeUnsatisfied(const std::vector<CriterionResult>& results);

/// Records a waiver of `criterion_id` for entering `stage_id`. kNotFound for an
/// unknown stage or a criterion the stage does not have; kInvalidArgument when
/// `reason` is blank. A second waiver of the same criterion replaces the first.
Result<Protocol> WaiveCriterion(const Protocol& protocol, const ProtocolProcess& process,
                                std::string_view stage_id, std::string_view criterion_id,
                                std::string_view by, Timestamp at, std::string_view reason);

}  // namespace stocktake
