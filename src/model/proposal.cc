#include "stocktake/model/proposal.h"

#include <algorithm>
#include <array>
#include <utility>

namespace stocktake {
namespace {

constexpr std::array<std::pair<ProposalActionKind, std::string_view>, 10> kKindNames = {{
    {ProposalActionKind::kObject, "object"},
    {ProposalActionKind::kAnswer, "answer"},
    {ProposalActionKind::kReply, "reply"},
    {ProposalActionKind::kConfirmObjection, "confirm"},
    {ProposalActionKind::kWithdrawObjection, "withdraw-objection"},
    {ProposalActionKind::kResolveObjection, "resolve"},
    {ProposalActionKind::kAccept, "accept"},
    {ProposalActionKind::kReject, "reject"},
    {ProposalActionKind::kWithdraw, "withdraw"},
    {ProposalActionKind::kRuleOutOfOrder, "rule-out-of-order"},
}};

}  // namespace

std::string_view ProposalActionKindName(ProposalActionKind kind) {
  for (const auto& [candidate, name] : kKindNames) {
    if (candidate == kind) return name;
  }
  return "object";
}

std::optional<ProposalActionKind> ParseProposalActionKind(std::string_view name) {
  for (const auto& [kind, candidate] : kKindNames) {
    if (candidate == name) return kind;
  }
  return std::nullopt;
}

bool IsDecision(ProposalActionKind kind) {
  return kind == ProposalActionKind::kAccept || kind == ProposalActionKind::kReject ||
         kind == ProposalActionKind::kWithdraw;
}

bool TargetsObjection(ProposalActionKind kind) {
  switch (kind) {
    case ProposalActionKind::kAnswer:
    case ProposalActionKind::kReply:
    case ProposalActionKind::kConfirmObjection:
    case ProposalActionKind::kWithdrawObjection:
    case ProposalActionKind::kResolveObjection:
    case ProposalActionKind::kRuleOutOfOrder:
      return true;
    case ProposalActionKind::kObject:
    case ProposalActionKind::kAccept:
    case ProposalActionKind::kReject:
    case ProposalActionKind::kWithdraw:
      return false;
  }
  return false;
}

bool NeedsText(ProposalActionKind kind) {
  return kind == ProposalActionKind::kObject || kind == ProposalActionKind::kAnswer ||
         kind == ProposalActionKind::kReply || kind == ProposalActionKind::kReject ||
         kind == ProposalActionKind::kRuleOutOfOrder;
}

std::int64_t Proposal::NextObjectionId() const {
  std::int64_t highest = 0;
  for (const auto& action : actions) {
    if (action.kind == ProposalActionKind::kObject)
      highest = std::max(highest, action.objection_id);
  }
  return highest + 1;
}

}  // namespace stocktake
