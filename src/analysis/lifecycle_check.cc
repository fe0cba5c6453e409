#include "stocktake/analysis/lifecycle_check.h"

#include <fmt/format.h>

#include "stocktake/process/lazy_consensus.h"

namespace stocktake {
namespace {

bool Undecided(ProposalState state) {
  return state == ProposalState::kOpen || state == ProposalState::kBlocked ||
         state == ProposalState::kPassed;
}

}  // namespace

std::vector<LifecycleAlert> CheckLifecycle(const std::vector<Protocol>& protocols,
                                           const std::vector<Proposal>& proposals,
                                           const ProtocolProcess& process, Timestamp now) {
  std::vector<LifecycleAlert> alerts;
  for (const auto& protocol : protocols) {
    const StageDefinition* stage = process.FindStage(protocol.stage);
    if (stage == nullptr || stage->time_frame.IsZero()) continue;
    std::optional<Timestamp> entered = protocol.StageEnteredAt();
    if (!entered) continue;
    Timestamp due = AddTimeSpan(*entered, stage->time_frame);
    if (now <= due) continue;
    std::string pending;
    for (const auto& proposal : proposals) {
      if (proposal.protocol != protocol.name) continue;
      ProposalStatus status = EvaluateProposal(proposal, process, now);
      if (Undecided(status.state)) {
        pending = fmt::format(" (proposal {} is {})", proposal.id, ProposalStateName(status.state));
      }
    }
    const StageDefinition* next = process.NextStage(protocol.stage);
    alerts.push_back(
        {fmt::format("protocol {}", protocol.name), lifecycle_rule::kStageOverdue,
         fmt::format("{} has been in {} since {}, longer than its reasonable time frame of {} "
                     "(due {}){}",
                     protocol.name, stage->name, FormatDate(DayOf(*entered)),
                     FormatTimeSpan(stage->time_frame), FormatDate(DayOf(due)), pending),
         pending.empty() && next != nullptr
             ? fmt::format("propose the move to {}, or ask the owners what blocks it", next->name)
             : "ask the owners and the objectors what blocks it"});
  }
  for (const auto& proposal : proposals) {
    ProposalStatus status = EvaluateProposal(proposal, process, now);
    if (status.state == ProposalState::kPassed) {
      Timestamp limit = AddTimeSpan(*status.passed_at, process.czar_wait_limit);
      if (now > limit) {
        alerts.push_back(
            {fmt::format("proposal {}", proposal.id), lifecycle_rule::kAwaitingCzar,
             fmt::format("proposal {} ({} to {}) passed by lazy consensus at {} and has waited "
                         "more than {} for the Czar",
                         proposal.id, proposal.protocol, process.StageName(proposal.to_stage),
                         FormatTimestamp(*status.passed_at),
                         FormatTimeSpan(process.czar_wait_limit)),
             "the Czar should accept or reject it"});
      }
    }
    if (!Undecided(status.state)) continue;
    for (const auto& objection : status.objections) {
      if (objection.state != ObjectionState::kAnswered) continue;
      if (SubtractTimeSpan(*objection.lapses_at, process.lapse_warning) > now) continue;
      alerts.push_back(
          {fmt::format("proposal {} objection {}", proposal.id, objection.id),
           lifecycle_rule::kObjectionLapsing,
           fmt::format("objection {} by {} to proposal {} was answered at {} and lapses at {} "
                       "unless {} responds",
                       objection.id, objection.by, proposal.id,
                       FormatTimestamp(*objection.answered_at),
                       FormatTimestamp(*objection.lapses_at), objection.by),
           fmt::format("{} should reply, confirm or withdraw the objection", objection.by)});
    }
  }
  return alerts;
}

}  // namespace stocktake
