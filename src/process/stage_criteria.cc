#include "stocktake/process/stage_criteria.h"

#include <fmt/format.h>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

bool Blank(std::string_view text) { return Trim(text).empty(); }

void CheckImplementation(const Protocol& protocol, ImplementationRole role,
                         CriterionResult* result) {
  std::string_view role_name = ImplementationRoleName(role);
  std::vector<std::string> committed;
  std::vector<std::string> without_refs;
  std::vector<std::string> posted;
  for (const auto& implementation : protocol.implementations) {
    if (implementation.role != role) continue;
    if (implementation.state == ImplementationState::kCommitted) {
      if (implementation.refs.empty()) {
        without_refs.push_back(implementation.code_base);
      } else {
        committed.push_back(
            fmt::format("{} ({})", implementation.code_base, Join(implementation.refs, ", ")));
      }
    } else if (implementation.state == ImplementationState::kPosted) {
      posted.push_back(implementation.code_base);
    }
  }
  if (!committed.empty()) {
    result->met = true;
    result->detail = fmt::format("committed {}: {}", role_name, Join(committed, "; "));
    return;
  }
  if (!without_refs.empty()) {
    result->detail =
        fmt::format("the {} in {} is marked committed but has no commit reference: add one",
                    role_name, Join(without_refs, ", "));
  } else if (!posted.empty()) {
    result->detail =
        fmt::format("the {} in {} is only posted: record the upstream commit once it is committed",
                    role_name, Join(posted, ", "));
  } else {
    result->detail =
        fmt::format("no {} is committed upstream: record one with its commit reference", role_name);
  }
}

}  // namespace

CriterionResult EvaluateCriterion(const Protocol& protocol, std::string_view stage_id,
                                  const StageCriterion& criterion) {
  CriterionResult result;
  result.id = criterion.id;
  result.description = criterion.description;
  const std::string& id = criterion.id;
  if (id == criterion_id::kDesignCommitted) {
    const DesignDocument& doc = protocol.design_doc;
    if (!Blank(doc.path) && !Blank(doc.commit)) {
      result.met = true;
      result.detail = fmt::format("{}, commit {}", doc.path, doc.commit);
    } else if (Blank(doc.path)) {
      result.detail =
          "no design document is recorded: record its path and the commit that added it";
    } else {
      result.detail = fmt::format(
          "{} has no commit reference: record the commit that added it to xen.git", doc.path);
    }
  } else if (id == criterion_id::kFrontendCommitted) {
    CheckImplementation(protocol, ImplementationRole::kFrontend, &result);
  } else if (id == criterion_id::kBackendCommitted) {
    CheckImplementation(protocol, ImplementationRole::kBackend, &result);
  } else if (id == criterion_id::kCompatPromises) {
    if (!Blank(protocol.compat_promises)) {
      result.met = true;
      std::string text(Trim(protocol.compat_promises));
      if (text.size() > 60) text = text.substr(0, 57) + "...";
      result.detail = fmt::format("written: \"{}\"", text);
    } else {
      result.detail =
          "no compatibility promises are written: spell out backward and cross-platform "
          "compatibility";
    }
  } else if (id == criterion_id::kVersionRecorded) {
    if (!Blank(protocol.version)) {
      result.met = true;
      result.detail = fmt::format("version {}", Trim(protocol.version));
    } else {
      result.detail = "no protocol version is recorded: record the spec/ABI version";
    }
  } else {
    result.detail = "no automatic evidence for this criterion: the Czar may waive it with a reason";
  }
  if (const CriterionWaiver* waiver = protocol.FindWaiver(stage_id, id)) {
    result.waived = true;
    result.waived_by = waiver->by;
    result.waiver_reason = waiver->reason;
  }
  return result;
}

std::vector<CriterionResult> EvaluateEntryCriteria(const Protocol& protocol,
                                                   const StageDefinition& stage) {
  std::vector<CriterionResult> results;
  for (const auto& criterion : stage.entry_criteria) {
    results.push_back(EvaluateCriterion(protocol, stage.id, criterion));
  }
  return results;
}

Result<std::vector<CriterionResult>> EvaluateEntryCriteria(const Protocol& protocol,
                                                           const ProtocolProcess& process,
                                                           std::string_view stage_id) {
  const StageDefinition* stage = process.FindStage(stage_id);
  if (stage == nullptr) {
    return Fail(Error::NotFound(
        fmt::format("no stage '{}' in the process: use one of {}", stage_id, process.StageIds())));
  }
  return EvaluateEntryCriteria(protocol, *stage);
}

bool AllSatisfied(const std::vector<CriterionResult>& results) {
  for (const auto& result : results) {
    if (!result.Satisfied()) return false;
  }
  return true;
}

std::string DescribeUnsatisfied(const std::vector<CriterionResult>& results) {
  std::vector<std::string> parts;
  for (const auto& result : results) {
    if (!result.Satisfied()) parts.push_back(fmt::format("{} ({})", result.id, result.detail));
  }
  return Join(parts, "; ");
}

Result<Protocol> WaiveCriterion(const Protocol& protocol, const ProtocolProcess& process,
                                std::string_view stage_id, std::string_view criterion,
                                std::string_view by, Timestamp at, std::string_view reason) {
  const StageDefinition* stage = process.FindStage(stage_id);
  if (stage == nullptr) {
    return Fail(Error::NotFound(
        fmt::format("no stage '{}' in the process: use one of {}", stage_id, process.StageIds())));
  }
  bool known = false;
  std::vector<std::string> ids;
  for (const auto& candidate : stage->entry_criteria) {
    ids.push_back(candidate.id);
    if (candidate.id == criterion) known = true;
  }
  if (!known) {
    return Fail(Error::NotFound(
        fmt::format("stage '{}' has no entry criterion '{}': its criteria are {}", stage_id,
                    criterion, ids.empty() ? std::string("(none)") : Join(ids, ", "))));
  }
  if (Blank(reason)) {
    return Fail(Error::InvalidArgument(
        fmt::format("waiving '{}' needs a reason: say why the protocol may enter {} without it",
                    criterion, stage->name)));
  }
  Protocol result = protocol;
  std::erase_if(result.waivers, [&](const CriterionWaiver& waiver) {
    return waiver.stage == stage_id && waiver.criterion == criterion;
  });
  result.waivers.push_back({std::string(stage_id), std::string(criterion), std::string(by), at,
                            std::string(Trim(reason))});
  return result;
}

}  // namespace stocktake
