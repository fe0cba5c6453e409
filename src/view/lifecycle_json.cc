#include "stocktake/view/lifecycle_json.h"

#include "stocktake/process/lazy_consensus.h"
#include "stocktake/process/stage_criteria.h"

namespace stocktake {
namespace {

nlohmann::json Instant(const std::optional<Timestamp>& at) {
  return at ? nlohmann::json(FormatTimestamp(*at)) : nlohmann::json(nullptr);
}

}  // namespace

nlohmann::json ProtocolJson(const Protocol& protocol, const ProtocolProcess& process,
                            const std::vector<Proposal>& proposals, Timestamp now) {
  nlohmann::json implementations = nlohmann::json::array();
  for (const auto& implementation : protocol.implementations) {
    implementations.push_back({{"code_base", implementation.code_base},
                               {"role", ImplementationRoleName(implementation.role)},
                               {"state", ImplementationStateName(implementation.state)},
                               {"refs", implementation.refs}});
  }
  nlohmann::json next = nullptr;
  if (const StageDefinition* stage = process.NextStage(protocol.stage)) {
    nlohmann::json criteria = nlohmann::json::array();
    for (const auto& result : EvaluateEntryCriteria(protocol, *stage)) {
      criteria.push_back({{"id", result.id},
                          {"description", result.description},
                          {"met", result.met},
                          {"detail", result.detail},
                          {"waived", result.waived},
                          {"waived_by", result.waived_by},
                          {"waiver_reason", result.waiver_reason}});
    }
    next = {{"id", stage->id}, {"name", stage->name}, {"criteria", std::move(criteria)}};
  }
  nlohmann::json waivers = nlohmann::json::array();
  for (const auto& waiver : protocol.waivers) {
    waivers.push_back({{"stage", waiver.stage},
                       {"criterion", waiver.criterion},
                       {"by", waiver.by},
                       {"at", FormatTimestamp(waiver.at)},
                       {"reason", waiver.reason}});
  }
  nlohmann::json history = nlohmann::json::array();
  for (const auto& change : protocol.history) {
    history.push_back({{"at", FormatTimestamp(change.at)},
                       {"by", change.by},
                       {"from", change.from},
                       {"to", change.to},
                       {"proposal", change.proposal_id == 0 ? nlohmann::json(nullptr)
                                                            : nlohmann::json(change.proposal_id)},
                       {"reason", change.reason},
                       {"commit", change.commit}});
  }
  nlohmann::json proposal_list = nlohmann::json::array();
  for (const auto& proposal : proposals) {
    if (proposal.protocol != protocol.name) continue;
    proposal_list.push_back(
        {{"id", proposal.id},
         {"to_stage", proposal.to_stage},
         {"state", ProposalStateName(EvaluateProposal(proposal, process, now).state)}});
  }
  return {
      {"name", protocol.name},
      {"summary", protocol.summary},
      {"stage", protocol.stage},
      {"stage_name", process.StageName(protocol.stage)},
      {"stage_entered_at", Instant(protocol.StageEnteredAt())},
      {"design_doc", {{"path", protocol.design_doc.path}, {"commit", protocol.design_doc.commit}}},
      {"version", protocol.version},
      {"compat_promises", protocol.compat_promises},
      {"owners", protocol.owners},
      {"implementations", std::move(implementations)},
      {"next_stage", std::move(next)},
      {"waivers", std::move(waivers)},
      {"history", std::move(history)},
      {"proposals", std::move(proposal_list)}};
}

nlohmann::json ProposalJson(const Proposal& proposal, const ProtocolProcess& process,
                            Timestamp now) {
  ProposalStatus status = EvaluateProposal(proposal, process, now);
  nlohmann::json objections = nlohmann::json::array();
  for (const auto& objection : status.objections) {
    objections.push_back({{"id", objection.id},
                          {"state", ObjectionStateName(objection.state)},
                          {"by", objection.by},
                          {"reason", objection.reason},
                          {"raised_at", FormatTimestamp(objection.raised_at)},
                          {"answered_at", Instant(objection.answered_at)},
                          {"lapses_at", Instant(objection.lapses_at)},
                          {"closed_at", Instant(objection.closed_at)}});
  }
  nlohmann::json actions = nlohmann::json::array();
  for (const auto& action : proposal.actions) {
    actions.push_back(
        {{"kind", ProposalActionKindName(action.kind)},
         {"at", FormatTimestamp(action.at)},
         {"by", action.by},
         {"objection",
          action.objection_id == 0 ? nlohmann::json(nullptr) : nlohmann::json(action.objection_id)},
         {"text", action.text},
         {"message_id", action.message_id}});
  }
  nlohmann::json decision = nullptr;
  if (status.decision) {
    decision = {{"kind", ProposalActionKindName(status.decision->kind)},
                {"by", status.decision->by},
                {"at", FormatTimestamp(status.decision->at)},
                {"text", status.decision->text}};
  }
  return {{"id", proposal.id},
          {"protocol", proposal.protocol},
          {"from_stage", proposal.from_stage},
          {"to_stage", proposal.to_stage},
          {"proposer", proposal.proposer},
          {"thread", proposal.thread},
          {"opened_at", FormatTimestamp(proposal.opened_at)},
          {"window", FormatTimeSpan(ProposalWindow(proposal, process))},
          {"window_ends", FormatTimestamp(status.window_ends)},
          {"state", ProposalStateName(status.state)},
          {"passed_at", Instant(status.passed_at)},
          {"next_change", Instant(status.next_change)},
          {"decision", std::move(decision)},
          {"objections", std::move(objections)},
          {"actions", std::move(actions)},
          {"as_of", FormatTimestamp(now)}};
}

nlohmann::json LifecycleAlertJson(const LifecycleAlert& alert) {
  return {{"subject", alert.subject},
          {"rule", alert.rule},
          {"message", alert.message},
          {"action", alert.action}};
}

}  // namespace stocktake
