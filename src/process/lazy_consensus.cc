#include "stocktake/process/lazy_consensus.h"

#include <fmt/format.h>

#include <algorithm>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

size_t CountWords(std::string_view text) {
  size_t words = 0;
  bool in_word = false;
  for (char c : text) {
    bool space = c == ' ' || c == '\t' || c == '\n' || c == '\r';
    if (!space && !in_word) ++words;
    in_word = !space;
  }
  return words;
}

size_t CountDistinctWords(std::string_view text) {
  std::string lower = ToLower(text);
  std::replace_if(
      lower.begin(), lower.end(), [](char c) { return c == '\t' || c == '\n' || c == '\r'; }, ' ');
  std::vector<std::string> words;
  for (auto word : Split(lower, ' ')) {
    std::string_view trimmed = Trim(word);
    if (!trimmed.empty()) words.emplace_back(trimmed);
  }
  std::sort(words.begin(), words.end());
  return static_cast<size_t>(std::unique(words.begin(), words.end()) - words.begin());
}

// Replays one objection's actions up to `now`.
ObjectionStatus EvaluateObjection(const ProposalAction& raised,
                                  const std::vector<const ProposalAction*>& actions,
                                  const TimeSpan& responsiveness, Timestamp now) {
  ObjectionStatus status;
  status.id = raised.objection_id;
  status.by = raised.by;
  status.raised_at = raised.at;
  status.reason = raised.text;
  for (const ProposalAction* action : actions) {
    if (action->at > now) break;
    if (status.answered_at && action->at >= *status.lapses_at) break;
    if (action->objection_id != status.id) continue;
    switch (action->kind) {
      case ProposalActionKind::kAnswer:
        if (!status.answered_at) {
          status.answered_at = action->at;
          status.lapses_at = AddTimeSpan(action->at, responsiveness);
        }
        break;
      case ProposalActionKind::kReply:
      case ProposalActionKind::kConfirmObjection:
        status.answered_at.reset();
        status.lapses_at.reset();
        break;
      case ProposalActionKind::kWithdrawObjection:
        status.state = ObjectionState::kWithdrawn;
        status.closed_at = action->at;
        break;
      case ProposalActionKind::kResolveObjection:
        status.state = ObjectionState::kResolved;
        status.closed_at = action->at;
        break;
      case ProposalActionKind::kRuleOutOfOrder:
        status.state = ObjectionState::kOutOfOrder;
        status.closed_at = action->at;
        break;
      default:
        break;
    }
    if (!status.Blocking()) return status;
  }
  if (status.answered_at) {
    if (now >= *status.lapses_at) {
      status.state = ObjectionState::kLapsed;
      status.closed_at = status.lapses_at;
    } else {
      status.state = ObjectionState::kAnswered;
    }
  }
  return status;
}

const ObjectionStatus* FindObjection(const ProposalStatus& status, std::int64_t id) {
  for (const auto& objection : status.objections) {
    if (objection.id == id) return &objection;
  }
  return nullptr;
}

Error NotObjector(const ObjectionStatus& objection, std::string_view what) {
  return Error::PermissionDenied(fmt::format(
      "only the objector ({}) may {} objection {}; others may answer it, and the Czar may "
      "resolve it",
      objection.by, what, objection.id));
}

Error NotCzar(const Person& actor, std::string_view what) {
  return Error::PermissionDenied(fmt::format(
      "{} does not have the czar role: only the PV protocols Czar may {}", actor.email, what));
}

std::string ListBlocking(const ProposalStatus& status) {
  std::vector<std::string> parts;
  for (const ObjectionStatus* objection : status.BlockingObjections()) {
    std::string part = fmt::format("#{} by {} ({})", objection->id, objection->by,
                                   ObjectionStateName(objection->state));
    if (objection->lapses_at) {
      part += fmt::format(", lapses at {}", FormatTimestamp(*objection->lapses_at));
    }
    parts.push_back(part);
  }
  return Join(parts, "; ");
}

}  // namespace

std::string_view ProposalStateName(ProposalState state) {
  switch (state) {
    case ProposalState::kOpen:
      return "open";
    case ProposalState::kBlocked:
      return "blocked";
    case ProposalState::kPassed:
      return "passed";
    case ProposalState::kAccepted:
      return "accepted";
    case ProposalState::kRejected:
      return "rejected";
    case ProposalState::kWithdrawn:
      return "withdrawn";
  }
  return "open";
}

std::string_view ObjectionStateName(ObjectionState state) {
  switch (state) {
    case ObjectionState::kLive:
      return "live";
    case ObjectionState::kAnswered:
      return "answered";
    case ObjectionState::kLapsed:
      return "lapsed";
    case ObjectionState::kWithdrawn:
      return "withdrawn";
    case ObjectionState::kResolved:
      return "resolved";
    case ObjectionState::kOutOfOrder:
      return "out-of-order";
  }
  return "live";
}

std::vector<const ObjectionStatus*> ProposalStatus::BlockingObjections() const {
  std::vector<const ObjectionStatus*> blocking;
  for (const auto& objection : objections) {
    if (objection.Blocking()) blocking.push_back(&objection);
  }
  return blocking;
}

TimeSpan ProposalWindow(const Proposal& proposal, const ProtocolProcess& process) {
  return proposal.window.value_or(process.proposal_window);
}

ProposalStatus EvaluateProposal(const Proposal& proposal, const ProtocolProcess& process,
                                Timestamp now) {
  ProposalStatus status;
  status.window_ends = AddTimeSpan(proposal.opened_at, ProposalWindow(proposal, process));
  // Actions that count: up to `now`, and none after the first decision.
  std::vector<const ProposalAction*> counted;
  for (const auto& action : proposal.actions) {
    if (action.at > now) continue;
    counted.push_back(&action);
    if (IsDecision(action.kind)) {
      status.decision = action;
      break;
    }
  }
  Timestamp evaluated_at = status.decision ? status.decision->at : now;
  Timestamp last_unblocked = proposal.opened_at;
  for (const ProposalAction* action : counted) {
    if (action->kind != ProposalActionKind::kObject) continue;
    ObjectionStatus objection =
        EvaluateObjection(*action, counted, process.responsiveness_window, evaluated_at);
    if (objection.closed_at) last_unblocked = std::max(last_unblocked, *objection.closed_at);
    status.objections.push_back(std::move(objection));
  }
  bool blocked = !status.BlockingObjections().empty();
  if (!blocked && evaluated_at >= status.window_ends) {
    status.passed_at = std::max(status.window_ends, last_unblocked);
  }
  if (status.decision) {
    switch (status.decision->kind) {
      case ProposalActionKind::kAccept:
        status.state = ProposalState::kAccepted;
        break;
      case ProposalActionKind::kReject:
        status.state = ProposalState::kRejected;
        break;
      default:
        status.state = ProposalState::kWithdrawn;
        break;
    }
    return status;
  }
  if (blocked) {
    status.state = ProposalState::kBlocked;
    for (const ObjectionStatus* objection : status.BlockingObjections()) {
      if (objection->lapses_at &&
          (!status.next_change || *objection->lapses_at < *status.next_change)) {
        status.next_change = objection->lapses_at;
      }
    }
  } else if (status.passed_at) {
    status.state = ProposalState::kPassed;
  } else {
    status.state = ProposalState::kOpen;
    status.next_change = status.window_ends;
  }
  return status;
}

Result<Proposal> OpenProposal(const Protocol& protocol, const ProtocolProcess& process,
                              std::string_view proposer, Timestamp at, std::string_view thread,
                              std::optional<TimeSpan> window) {
  if (process.FindStage(protocol.stage) == nullptr) {
    return Fail(Error::InvalidArgument(
        fmt::format("protocol {} is at stage '{}', which the process does not have ({}): "
                    "correct its stage first",
                    protocol.name, protocol.stage, process.StageIds())));
  }
  const StageDefinition* next = process.NextStage(protocol.stage);
  if (next == nullptr) {
    return Fail(Error::InvalidArgument(
        fmt::format("protocol {} is already at the last stage ({}): there is no next stage to "
                    "propose",
                    protocol.name, process.StageName(protocol.stage))));
  }
  if (window && window->IsZero()) {
    return Fail(Error::InvalidArgument(
        "a proposal window of zero leaves no time to object: give a window such as 72h or 7d"));
  }
  Proposal proposal;
  proposal.protocol = protocol.name;
  proposal.from_stage = protocol.stage;
  proposal.to_stage = next->id;
  proposal.proposer = std::string(proposer);
  proposal.thread = std::string(thread);
  proposal.opened_at = at;
  proposal.window = window;
  return proposal;
}

namespace {

// Who acted, and when, before what the action is: an action under someone
// else's address, before the proposal opened, after its decision or out of
// time order would make the replay in EvaluateProposal disagree with what
// happened on the list.
Result<void> CheckActorAndTime(const Proposal& proposal, const ProposalAction& action,
                               const Person& actor) {
  std::string_view kind_name = ProposalActionKindName(action.kind);
  if (!actor.HasEmail(action.by)) {
    return Fail(Error::PermissionDenied(fmt::format(
        "the {} is recorded as by {} but made by {}: record it under the actor's own address",
        kind_name, action.by, actor.email)));
  }
  if (action.at < proposal.opened_at) {
    return Fail(Error::InvalidArgument(
        fmt::format("the {} at {} is before the proposal opened at {}: give a later time",
                    kind_name, FormatTimestamp(action.at), FormatTimestamp(proposal.opened_at))));
  }
  for (const auto& recorded : proposal.actions) {
    if (IsDecision(recorded.kind)) {
      return Fail(Error::InvalidArgument(fmt::format(
          "proposal {} was already {} by {} at {}: no further action is possible; open a new "
          "proposal",
          proposal.id,
          recorded.kind == ProposalActionKind::kAccept   ? "accepted"
          : recorded.kind == ProposalActionKind::kReject ? "rejected"
                                                         : "withdrawn",
          recorded.by, FormatTimestamp(recorded.at))));
    }
  }
  // Equal instants are allowed: several actions may come from one mail.
  if (!proposal.actions.empty() && action.at < proposal.actions.back().at) {
    return Fail(Error::InvalidArgument(fmt::format(
        "the {} at {} is earlier than the last recorded action ({}): actions are recorded in "
        "time order",
        kind_name, FormatTimestamp(action.at), FormatTimestamp(proposal.actions.back().at))));
  }
  return Ok();
}

// The objection that an answer, reply, confirmation, withdrawal or resolution
// acts on. It must still block at the action's instant: acting on a lapsed,
// withdrawn or resolved objection would revive it silently, so the error says
// when and why it stopped blocking.
Result<const ObjectionStatus*> TargetObjection(const Proposal& proposal,
                                               const ProposalAction& action,
                                               const ProposalStatus& status,
                                               const ProtocolProcess& process) {
  const ObjectionStatus* objection = FindObjection(status, action.objection_id);
  if (objection == nullptr) {
    return Fail(Error::NotFound(
        fmt::format("proposal {} has no objection {}: it has {} objection(s), numbered from 1",
                    proposal.id, action.objection_id, status.objections.size())));
  }
  if (objection->Blocking()) return objection;
  std::string since;
  if (objection->state == ObjectionState::kLapsed) {
    since = fmt::format(" at {}, {} after the answer of {} with no response from {}",
                        FormatTimestamp(*objection->lapses_at),
                        FormatTimeSpan(process.responsiveness_window),
                        FormatTimestamp(*objection->answered_at), objection->by);
  } else if (objection->closed_at) {
    since = fmt::format(" at {}", FormatTimestamp(*objection->closed_at));
  }
  return Fail(Error::InvalidArgument(
      fmt::format("objection {} is already {}{}: raise a new objection if it still applies",
                  objection->id, ObjectionStateName(objection->state), since)));
}

// Lazy consensus only counts "specific technical objections": a blank,
// one-word ("NAK") or repeated ("no no no") objection cannot be answered, so
// it is refused here rather than left to block the proposal. The process sets
// how many words the sentence that says what is wrong and where needs.
Result<void> CheckObjectionReason(const ProposalAction& action, const ProtocolProcess& process) {
  std::string_view reason = Trim(action.text);
  if (reason.empty()) {
    return Fail(Error::InvalidArgument(
        "an objection needs a reason: state the specific technical problem (what breaks, "
        "which part of the design or code)"));
  }
  auto minimum = static_cast<size_t>(std::max(process.objection_min_words, 1));
  if (CountWords(reason) < minimum || CountDistinctWords(reason) < std::min<size_t>(minimum, 3)) {
    return Fail(Error::InvalidArgument(fmt::format(
        "'{}' is not a specific technical objection: say what is wrong and where, in a sentence "
        "of at least {} words (the process's objection_min_words)",
        reason, minimum)));
  }
  return Ok();
}

// Who may take each kind of action other than an acceptance, and what text it
// needs. `objection` is the target of the kinds that have one.
Result<void> CheckActorMayAct(const Proposal& proposal, const ProtocolProcess& process,
                              const ProposalAction& action, const ObjectionStatus* objection,
                              const Person& actor) {
  switch (action.kind) {
    case ProposalActionKind::kObject:
      // Lazy consensus asks others to object: a proposer who has doubts
      // withdraws the proposal instead.
      if (actor.HasEmail(proposal.proposer)) {
        return Fail(Error::InvalidArgument(
            fmt::format("{} proposed proposal {}: a proposer does not object to their own "
                        "proposal; withdraw it with 'stocktake withdraw {}' instead",
                        actor.email, proposal.id, proposal.id)));
      }
      return CheckObjectionReason(action, process);
    case ProposalActionKind::kAnswer:
      // Answering one's own objection would start the objector's own
      // responsiveness clock and let the objection lapse by itself.
      if (actor.HasEmail(objection->by)) {
        return Fail(Error::InvalidArgument(fmt::format(
            "{} raised objection {}: reply, confirm or withdraw it instead of answering it",
            actor.email, objection->id)));
      }
      if (Trim(action.text).empty()) {
        return Fail(
            Error::InvalidArgument("an answer needs text: say how the objection is addressed"));
      }
      return Ok();
    case ProposalActionKind::kReply:
      if (!actor.HasEmail(objection->by)) return Fail(NotObjector(*objection, "reply to"));
      if (Trim(action.text).empty()) {
        return Fail(Error::InvalidArgument("a reply needs text: respond to the answer"));
      }
      return Ok();
    case ProposalActionKind::kConfirmObjection:
      if (!actor.HasEmail(objection->by)) return Fail(NotObjector(*objection, "confirm"));
      return Ok();
    case ProposalActionKind::kWithdrawObjection:
      if (!actor.HasEmail(objection->by)) return Fail(NotObjector(*objection, "withdraw"));
      return Ok();
    case ProposalActionKind::kResolveObjection:
      if (!actor.HasRole(Role::kCzar)) {
        return Fail(NotCzar(actor, fmt::format("mark objection {} resolved", objection->id)));
      }
      return Ok();
    case ProposalActionKind::kRuleOutOfOrder:
      if (!actor.HasRole(Role::kCzar)) {
        return Fail(NotCzar(actor, fmt::format("rule objection {} out of order", objection->id)));
      }
      if (Trim(action.text).empty()) {
        return Fail(Error::InvalidArgument(
            "ruling an objection out of order needs a rationale: say why it is not a specific "
            "technical objection (--text TEXT)"));
      }
      return Ok();
    case ProposalActionKind::kReject:
      if (!actor.HasRole(Role::kCzar)) return Fail(NotCzar(actor, "reject a proposal"));
      if (Trim(action.text).empty()) {
        return Fail(Error::InvalidArgument(
            "a rejection needs a rationale: say why the protocol may not move on"));
      }
      return Ok();
    case ProposalActionKind::kWithdraw:
      if (!actor.HasEmail(proposal.proposer)) {
        return Fail(Error::PermissionDenied(
            fmt::format("only the proposer ({}) may withdraw proposal {}; others may object to it",
                        proposal.proposer, proposal.id)));
      }
      return Ok();
    case ProposalActionKind::kAccept:
      break;
  }
  return Fail(Error::Internal("an acceptance is checked by CheckAcceptance"));
}

// The Czar accepts only what lazy consensus passed, and only if the protocol
// is still where the proposal found it and meets the next stage's entry
// criteria: acceptance moves the protocol (ApplyAcceptance), so a stale or
// premature acceptance would move it on a vote nobody could still object to.
Result<void> CheckAcceptance(const Proposal& proposal, const ProposalStatus& status,
                             const Protocol& protocol, const ProtocolProcess& process,
                             const Person& actor) {
  if (!actor.HasRole(Role::kCzar)) return Fail(NotCzar(actor, "accept a proposal"));
  if (status.state == ProposalState::kOpen) {
    return Fail(Error::InvalidArgument(fmt::format(
        "proposal {} is still open: its window ends at {}; accept it then if nobody objects",
        proposal.id, FormatTimestamp(status.window_ends))));
  }
  if (status.state == ProposalState::kBlocked) {
    return Fail(Error::InvalidArgument(fmt::format(
        "proposal {} is blocked by {}: the objections must be withdrawn, resolved or lapse "
        "first (or reject the proposal)",
        proposal.id, ListBlocking(status))));
  }
  if (protocol.name != proposal.protocol || protocol.stage != proposal.from_stage) {
    return Fail(Error::InvalidArgument(fmt::format(
        "proposal {} moves {} from {} but the protocol {} is now at {}: open a new proposal",
        proposal.id, proposal.protocol, proposal.from_stage, protocol.name, protocol.stage)));
  }
  std::vector<CriterionResult> criteria =
      ST_TRY(EvaluateEntryCriteria(protocol, process, proposal.to_stage));
  if (!AllSatisfied(criteria)) {
    return Fail(Error::InvalidArgument(fmt::format(
        "{} may not enter {}: criteria unmet and not waived: {}. Record the evidence or waive "
        "the criterion with a reason",
        protocol.name, process.StageName(proposal.to_stage), DescribeUnsatisfied(criteria))));
  }
  return Ok();
}

}  // namespace

Result<void> ValidateAction(const Proposal& proposal, const ProposalAction& action,
                            const Protocol& protocol, const ProtocolProcess& process,
                            const Person& actor) {
  ST_TRY(CheckActorAndTime(proposal, action, actor));
  // The state at the action's own instant, not at the time it is recorded: an
  // objection answered a week ago may have lapsed since, and an acceptance
  // recorded late must still have been allowed when it was made.
  ProposalStatus status = EvaluateProposal(proposal, process, action.at);
  const ObjectionStatus* objection = nullptr;
  if (TargetsObjection(action.kind)) {
    objection = ST_TRY(TargetObjection(proposal, action, status, process));
  }
  if (action.kind == ProposalActionKind::kAccept) {
    return CheckAcceptance(proposal, status, protocol, process, actor);
  }
  return CheckActorMayAct(proposal, process, action, objection, actor);
}

Result<Proposal> RecordAction(const Proposal& proposal, ProposalAction action,
                              const Protocol& protocol, const ProtocolProcess& process,
                              const Person& actor) {
  if (action.kind == ProposalActionKind::kObject) action.objection_id = proposal.NextObjectionId();
  ST_TRY(ValidateAction(proposal, action, protocol, process, actor));
  Proposal result = proposal;
  result.actions.push_back(std::move(action));
  return result;
}

Result<Protocol> ApplyAcceptance(const Protocol& protocol, const Proposal& proposal) {
  const ProposalAction* accept = nullptr;
  for (const auto& action : proposal.actions) {
    if (action.kind == ProposalActionKind::kAccept) accept = &action;
  }
  if (accept == nullptr) {
    return Fail(Error::InvalidArgument(fmt::format(
        "proposal {} has not been accepted: the Czar must accept it first", proposal.id)));
  }
  if (protocol.name != proposal.protocol || protocol.stage != proposal.from_stage) {
    return Fail(Error::InvalidArgument(
        fmt::format("proposal {} moves {} from {}, but {} is at {}", proposal.id, proposal.protocol,
                    proposal.from_stage, protocol.name, protocol.stage)));
  }
  Protocol result = protocol;
  result.stage = proposal.to_stage;
  StageChange change;
  change.at = accept->at;
  change.by = accept->by;
  change.from = proposal.from_stage;
  change.to = proposal.to_stage;
  change.proposal_id = proposal.id;
  change.reason = accept->text.empty() ? fmt::format("lazy consensus on proposal {}", proposal.id)
                                       : accept->text;
  result.history.push_back(std::move(change));
  return result;
}

}  // namespace stocktake
