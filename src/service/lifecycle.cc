#include "stocktake/service/lifecycle.h"

#include <fmt/format.h>

#include <algorithm>
#include <nlohmann/json.hpp>

#include "stocktake/process/stage_criteria.h"
#include "stocktake/service/authorization.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

Event MakeEvent(const Context& context, const char* kind, std::string subject) {
  Event event;
  event.at = context.now;
  event.recorded_at = context.RecordingTime();
  event.actor = context.actor;
  event.kind = kind;
  event.subject = std::move(subject);
  return event;
}

bool Undecided(ProposalState state) {
  return state == ProposalState::kOpen || state == ProposalState::kBlocked ||
         state == ProposalState::kPassed;
}

Error NoProposal(std::int64_t id) {
  return Error::NotFound(
      fmt::format("no proposal {}: see 'stocktake proposal list' for the open ones", id));
}

// Which row of the rule table an action on a proposal needs.
Action ActionFor(ProposalActionKind kind) {
  switch (kind) {
    case ProposalActionKind::kObject:
      return Action::kObject;
    case ProposalActionKind::kResolveObjection:
    case ProposalActionKind::kRuleOutOfOrder:
      return Action::kResolveObjection;
    case ProposalActionKind::kAccept:
    case ProposalActionKind::kReject:
      return Action::kDecide;
    case ProposalActionKind::kAnswer:
    case ProposalActionKind::kReply:
    case ProposalActionKind::kConfirmObjection:
    case ProposalActionKind::kWithdrawObjection:
    case ProposalActionKind::kWithdraw:
      return Action::kRespond;
  }
  return Action::kRespond;
}

Error NoObjection(std::int64_t id) {
  return Error::NotFound(fmt::format(
      "no objection {}: see 'stocktake proposal show PROPOSAL' for its objections' numbers", id));
}

// Owners are people, named by e-mail as everywhere else.
Result<void> CheckOwners(const std::vector<std::string>& owners) {
  for (const auto& owner : owners) {
    if (!IsEmailAddress(owner)) {
      return Fail(Error::InvalidArgument(fmt::format(
          "owner '{}' is not an e-mail address: give each owner as --owner name@example.org",
          owner)));
    }
  }
  return Ok();
}

}  // namespace

Result<ProtocolProcess> Lifecycle::LoadProcess() {
  Planning planning(store_);
  return ST_TRY(planning.LoadProject()).process.lifecycle;
}

Result<Protocol> Lifecycle::FindProtocol(const std::string& name) {
  auto protocol = ST_TRY(store_.FindProtocol(name));
  if (protocol) return *protocol;
  std::vector<std::string> names;
  for (const auto& known : ST_TRY(store_.ListProtocols())) names.push_back(known.name);
  return Fail(Error::NotFound(
      names.empty() ? fmt::format("no protocol named '{}': add it with 'stocktake protocol add {}'",
                                  name, name)
                    : fmt::format("no protocol named '{}': known protocols are {}", name,
                                  Join(names, ", "))));
}

Result<std::vector<Protocol>> Lifecycle::ListProtocols() { return store_.ListProtocols(); }

Result<Protocol> Lifecycle::AddProtocol(const Context& context, Protocol draft) {
  ProtocolProcess process = ST_TRY(LoadProcess());
  ST_TRY(CheckOwners(draft.owners));
  draft.name = std::string(Trim(draft.name));
  if (draft.name.empty() || Slugify(draft.name) != ToLower(draft.name)) {
    return Fail(Error::InvalidArgument(fmt::format(
        "'{}' is not a usable protocol name: use letters, digits and hyphens, e.g. pvcalls",
        draft.name)));
  }
  if (process.stages.empty()) {
    return Fail(Error::InvalidArgument("the process has no stages: define process.stages"));
  }
  if (draft.stage.empty()) draft.stage = process.stages.front().id;
  if (process.FindStage(draft.stage) == nullptr) {
    return Fail(Error::InvalidArgument(
        fmt::format("unknown stage '{}': use one of {}", draft.stage, process.StageIds())));
  }
  StageChange first;
  first.at = context.now;
  first.by = context.actor;
  first.to = draft.stage;
  first.reason = "registered";
  draft.history = {first};
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    // Registering a protocol past the first stage records a stage no proposal
    // moved it to: the Czar's call, like a decision.
    auto actor = ST_TRY(FindActor(store_, context.actor));
    ST_TRY(Authorize(actor, context.actor,
                     draft.stage == process.stages.front().id ? Action::kAddProtocol
                                                              : Action::kRegisterProtocolAtStage));
    if (draft.owners.empty() && ActsOnlyAsOwner(actor, Action::kUpdateProtocol)) {
      draft.owners = {actor->email};
    }
    if (ST_TRY(store_.FindProtocol(draft.name))) {
      return Fail(Error::Conflict(fmt::format(
          "protocol {} already exists: see 'stocktake protocol show {}'", draft.name, draft.name)));
    }
    ST_TRY(writer.SaveProtocol(draft));
    ST_TRY(writer.AppendStageChange(draft.name, first));
    Event added = MakeEvent(context, event_kind::kProtocolAdded, draft.name);
    added.to = draft.stage;
    ST_TRY(writer.AppendEvent(added));
    Event stage = MakeEvent(context, event_kind::kProtocolStage, draft.name);
    stage.to = draft.stage;
    stage.reason = first.reason;
    ST_TRY(writer.AppendEvent(stage));
    return Ok();
  }));
  return draft;
}

Result<Protocol> Lifecycle::UpdateProtocol(const Context& context, const std::string& name,
                                           const ProtocolUpdate& update) {
  Protocol result;
  if (update.owners) ST_TRY(CheckOwners(*update.owners));
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    Protocol before = ST_TRY(FindProtocol(name));
    OwnedObject owned{"protocol", before.name, before.owners};
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kUpdateProtocol, &owned));
    Protocol after = before;
    if (update.summary) after.summary = *update.summary;
    if (update.design_path) after.design_doc.path = *update.design_path;
    if (update.design_commit) after.design_doc.commit = *update.design_commit;
    if (update.version) after.version = *update.version;
    if (update.compat_promises) after.compat_promises = *update.compat_promises;
    if (update.owners) after.owners = *update.owners;
    std::string changed = ProtocolFieldChanges(before, after);
    result = after;
    if (changed == "{}") return Ok();
    ST_TRY(writer.SaveProtocol(after));
    Event event = MakeEvent(context, event_kind::kProtocolUpdated, name);
    event.detail = changed;
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return result;
}

Result<Protocol> Lifecycle::SetImplementation(const Context& context, const std::string& name,
                                              const Implementation& implementation) {
  if (Trim(implementation.code_base).empty()) {
    return Fail(Error::InvalidArgument("an implementation needs its code base, e.g. Linux"));
  }
  Protocol result;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    Protocol protocol = ST_TRY(FindProtocol(name));
    OwnedObject owned{"protocol", protocol.name, protocol.owners};
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kUpdateProtocol, &owned));
    auto it = std::find_if(protocol.implementations.begin(), protocol.implementations.end(),
                           [&](const Implementation& known) {
                             return ToLower(known.code_base) == ToLower(implementation.code_base) &&
                                    known.role == implementation.role;
                           });
    Implementation merged = implementation;
    std::optional<Implementation> before;
    if (it != protocol.implementations.end()) {
      before = *it;
      merged = *it;
      merged.state = implementation.state;
      for (const auto& ref : implementation.refs) {
        if (std::find(merged.refs.begin(), merged.refs.end(), ref) == merged.refs.end()) {
          merged.refs.push_back(ref);
        }
      }
    }
    if (merged.state == ImplementationState::kCommitted && merged.refs.empty()) {
      return Fail(Error::InvalidArgument(
          fmt::format("a committed {} in {} needs a reference: add --ref with the commit",
                      ImplementationRoleName(merged.role), merged.code_base)));
    }
    if (it != protocol.implementations.end()) {
      *it = merged;
    } else {
      protocol.implementations.push_back(merged);
    }
    ST_TRY(writer.SaveProtocol(protocol));
    Event event = MakeEvent(context, event_kind::kProtocolUpdated, name);
    event.to = fmt::format("{} {} {}", merged.code_base, ImplementationRoleName(merged.role),
                           ImplementationStateName(merged.state));
    event.detail = ImplementationChange(before ? &*before : nullptr, merged);
    ST_TRY(writer.AppendEvent(event));
    result = protocol;
    return Ok();
  }));
  return result;
}

Result<std::vector<Event>> Lifecycle::ProtocolHistory(const std::string& name) {
  ST_TRY(FindProtocol(name));
  EventQuery query;
  query.subject = name;
  std::vector<Event> events;
  for (auto& event : ST_TRY(store_.ListEvents(query))) {
    if (event.kind.rfind("protocol.", 0) == 0 || event.kind.rfind("proposal.", 0) == 0) {
      events.push_back(std::move(event));
    }
  }
  return events;
}

Result<Proposal> Lifecycle::Propose(const Context& context, const std::string& protocol_name,
                                    const std::string& to_stage, const std::string& thread,
                                    std::optional<TimeSpan> window) {
  ProtocolProcess process = ST_TRY(LoadProcess());
  Proposal proposal;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kPropose));
    Protocol protocol = ST_TRY(FindProtocol(protocol_name));
    proposal = ST_TRY(OpenProposal(protocol, process, context.actor, context.now, thread, window));
    if (!to_stage.empty() && to_stage != proposal.to_stage) {
      return Fail(Error::InvalidArgument(
          fmt::format("{} is at {}: a proposal moves it one stage, to {} (--to {}), not to '{}'",
                      protocol.name, process.StageName(protocol.stage),
                      process.StageName(proposal.to_stage), proposal.to_stage, to_stage)));
    }
    for (const auto& other : ST_TRY(store_.ListProposals({protocol.name}))) {
      ProposalStatus status = EvaluateProposal(other, process, context.now);
      if (Undecided(status.state)) {
        return Fail(Error::Conflict(fmt::format(
            "{} already has proposal {} ({}): let the Czar decide it or withdraw it first",
            protocol.name, other.id, ProposalStateName(status.state))));
      }
    }
    proposal.id = ST_TRY(writer.CreateProposal(proposal));
    Event event = MakeEvent(context, event_kind::kProposalOpened, protocol.name);
    event.from = proposal.from_stage;
    event.to = proposal.to_stage;
    event.detail = nlohmann::json{{"proposal", proposal.id},
                                  {"thread", thread},
                                  {"window", FormatTimeSpan(ProposalWindow(proposal, process))}}
                       .dump();
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return proposal;
}

Result<Proposal> Lifecycle::Act(const Context& context, const Proposal& proposal,
                                ProposalAction action, std::int64_t* objection_id) {
  ProtocolProcess process = ST_TRY(LoadProcess());
  Proposal result;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(AuthorizeIn(store_, context.actor, ActionFor(action.kind)));
    // The proposal as it stands now, inside the transaction that adds to it:
    // two decisions (or an objection and a decision) sent at once are
    // validated one after the other, never both against the same old state.
    auto current = ST_TRY(store_.FindProposal(proposal.id));
    if (!current) return Fail(NoProposal(proposal.id));
    Protocol protocol = ST_TRY(FindProtocol(current->protocol));
    result = ST_TRY(Record(writer, context, process, *current, protocol, action, objection_id));
    return Ok();
  }));
  return result;
}

Result<Proposal> Lifecycle::Record(StoreWriter& writer, const Context& context,
                                   const ProtocolProcess& process, const Proposal& proposal,
                                   const Protocol& protocol, ProposalAction action,
                                   std::int64_t* objection_id) {
  // The callers authorized the action; the person still matters for the
  // process's rules on who acts (only the objector replies, …).
  auto person = ST_TRY(store_.FindPerson(context.actor));
  Person actor = person ? *person : Person{context.actor, "", {}, {}};
  action.at = context.now;
  action.by = actor.email;
  bool accept = action.kind == ProposalActionKind::kAccept;
  if (accept || action.kind == ProposalActionKind::kReject) {
    if (Trim(action.text).empty()) {
      return Fail(Error::InvalidArgument(
          "a decision needs a rationale: say why the protocol may (or may not) move on"));
    }
  }
  auto valid = ValidateAction(proposal, action, protocol, process, actor);
  if (!valid) {
    auto criteria = EvaluateEntryCriteria(protocol, process, proposal.to_stage);
    bool passed = EvaluateProposal(proposal, process, context.now).state == ProposalState::kPassed;
    if (accept && passed && valid.error().IsInvalidArgument() && criteria &&
        !AllSatisfied(*criteria)) {
      return Fail(Error::InvalidArgument(fmt::format(
          "{} (with 'stocktake protocol set {}' or 'stocktake protocol impl {}', or decide with "
          "--waive CRITERION)",
          valid.error().message(), protocol.name, protocol.name)));
    }
    return Fail(valid.error());
  }
  std::int64_t number = ST_TRY(writer.AppendProposalAction(proposal.id, action));
  if (action.kind == ProposalActionKind::kObject) action.objection_id = number;
  if (objection_id != nullptr) *objection_id = number;
  Proposal result = proposal;
  result.actions.push_back(action);
  Event event = MakeEvent(context, event_kind::kProposalAction, proposal.protocol);
  event.actor = actor.email;
  event.to = std::string(ProposalActionKindName(action.kind));
  event.reason = action.text;
  nlohmann::json detail = {{"proposal", proposal.id}};
  if (action.objection_id != 0) detail["objection"] = action.objection_id;
  event.detail = detail.dump();
  ST_TRY(writer.AppendEvent(event));
  if (accept) {
    Protocol moved = ST_TRY(ApplyAcceptance(protocol, result));
    ST_TRY(writer.SaveProtocol(moved));
    ST_TRY(writer.AppendStageChange(moved.name, moved.history.back()));
    Event stage = MakeEvent(context, event_kind::kProtocolStage, moved.name);
    stage.actor = actor.email;
    stage.from = proposal.from_stage;
    stage.to = proposal.to_stage;
    stage.reason = moved.history.back().reason;
    stage.detail = nlohmann::json{{"proposal", proposal.id}}.dump();
    ST_TRY(writer.AppendEvent(stage));
  }
  return result;
}

Result<std::int64_t> Lifecycle::Object(const Context& context, std::int64_t proposal_id,
                                       const std::string& reason, const std::string& message_id) {
  auto proposal = ST_TRY(store_.FindProposal(proposal_id));
  if (!proposal) return Fail(NoProposal(proposal_id));
  ProposalAction action;
  action.kind = ProposalActionKind::kObject;
  action.text = reason;
  action.message_id = message_id;
  std::int64_t objection_id = 0;
  ST_TRY(Act(context, *proposal, action, &objection_id));
  return objection_id;
}

Result<std::int64_t> Lifecycle::SettleDraftObjection(const Context& context,
                                                     const std::string& message_id, bool confirm) {
  ProtocolProcess process = ST_TRY(LoadProcess());
  std::int64_t objection = 0;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kSettleDraftObjection));
    // The draft as it stands inside this transaction: two settlements sent at
    // once are checked one after the other.
    std::optional<DraftObjection> draft;
    for (auto& one : ST_TRY(store_.evidence().ListDraftObjections(0))) {
      if (one.message_id == message_id) draft = std::move(one);
    }
    if (!draft) {
      return Fail(Error::NotFound(fmt::format(
          "no draft objection from <{}>: see 'stocktake draft-objection list'", message_id)));
    }
    if (draft->state != "draft") {
      return Fail(Error::Conflict(
          fmt::format("the draft objection from <{}> is already {}", message_id, draft->state)));
    }
    if (confirm) {
      auto proposal = ST_TRY(store_.FindProposal(draft->proposal_id));
      if (!proposal) return Fail(NoProposal(draft->proposal_id));
      Protocol protocol = ST_TRY(FindProtocol(proposal->protocol));
      ProposalAction action;
      action.kind = ProposalActionKind::kObject;
      action.text = draft->text;
      action.message_id = draft->message_id;
      // The objection is the NAK sender's, raised when the mail was sent.
      Context sender = context;
      sender.actor = draft->by;
      sender.now = draft->at;
      ST_TRY(Record(writer, sender, process, *proposal, protocol, action, &objection));
    }
    // The objection's own event names its sender; this one names the Czar
    // who settled it.
    Event event = MakeEvent(
        context,
        confirm ? event_kind::kDraftObjectionConfirmed : event_kind::kDraftObjectionDismissed,
        message_id);
    event.reason = draft->text;
    if (confirm) {
      event.detail =
          nlohmann::json{{"proposal", draft->proposal_id}, {"objection", objection}}.dump();
    }
    ST_TRY(writer.AppendEvent(event));
    return writer.evidence_writer().SetDraftObjectionState(message_id,
                                                           confirm ? "confirmed" : "dismissed");
  }));
  return objection;
}

Result<Proposal> Lifecycle::ActOnObjection(const Context& context, std::int64_t objection_id,
                                           ProposalActionKind kind, const std::string& text) {
  auto proposal = ST_TRY(store_.FindProposalByObjection(objection_id));
  if (!proposal) return Fail(NoObjection(objection_id));
  ProposalAction action;
  action.kind = kind;
  action.objection_id = objection_id;
  action.text = text;
  return Act(context, *proposal, action, nullptr);
}

Result<Proposal> Lifecycle::Answer(const Context& context, std::int64_t objection_id,
                                   const std::string& text) {
  return ActOnObjection(context, objection_id, ProposalActionKind::kAnswer, text);
}

Result<Proposal> Lifecycle::Reply(const Context& context, std::int64_t objection_id,
                                  const std::string& text) {
  return ActOnObjection(context, objection_id, ProposalActionKind::kReply, text);
}

Result<Proposal> Lifecycle::Resolve(const Context& context, std::int64_t objection_id,
                                    const std::string& text) {
  return ActOnObjection(context, objection_id, ProposalActionKind::kResolveObjection, text);
}

Result<Proposal> Lifecycle::RuleOutOfOrder(const Context& context, std::int64_t objection_id,
                                           const std::string& rationale) {
  return ActOnObjection(context, objection_id, ProposalActionKind::kRuleOutOfOrder, rationale);
}

Result<Withdrawal> Lifecycle::Withdraw(const Context& context, std::int64_t id) {
  Withdrawal withdrawal;
  withdrawal.id = id;
  if (auto proposal = ST_TRY(store_.FindProposal(id))) {
    ProposalAction action;
    action.kind = ProposalActionKind::kWithdraw;
    withdrawal.proposal = ST_TRY(Act(context, *proposal, action, nullptr));
    return withdrawal;
  }
  if (!ST_TRY(store_.FindProposalByObjection(id))) {
    return Fail(Error::NotFound(fmt::format(
        "no proposal or objection {}: see 'stocktake proposal list' and 'stocktake proposal "
        "show PROPOSAL'",
        id)));
  }
  withdrawal.objection = true;
  withdrawal.proposal =
      ST_TRY(ActOnObjection(context, id, ProposalActionKind::kWithdrawObjection, ""));
  return withdrawal;
}

Result<Proposal> Lifecycle::Decide(const Context& context, std::int64_t proposal_id, bool accept,
                                   const std::string& rationale,
                                   const std::vector<std::string>& waive) {
  auto proposal = ST_TRY(store_.FindProposal(proposal_id));
  if (!proposal) return Fail(NoProposal(proposal_id));
  ProposalAction action;
  action.kind = accept ? ProposalActionKind::kAccept : ProposalActionKind::kReject;
  action.text = rationale;
  if (waive.empty()) return Act(context, *proposal, action, nullptr);
  if (!accept) {
    return Fail(
        Error::InvalidArgument("--waive goes with --accept: a rejection needs no criteria waived"));
  }
  // Waivers and the acceptance commit together, or neither does.
  ProtocolProcess process = ST_TRY(LoadProcess());
  Proposal result;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    auto person = ST_TRY(FindActor(store_, context.actor));
    ST_TRY(Authorize(person, context.actor, Action::kDecide));
    ST_TRY(Authorize(person, context.actor, Action::kWaive));
    if (Trim(rationale).empty()) {
      return Fail(Error::InvalidArgument(
          "a decision needs a rationale: it is also the reason recorded with each waiver"));
    }
    proposal = ST_TRY(store_.FindProposal(proposal_id));  // as it stands now (see Act)
    if (!proposal) return Fail(NoProposal(proposal_id));
    Protocol protocol = ST_TRY(FindProtocol(proposal->protocol));
    std::vector<std::string> criteria;
    for (const auto& name : waive) {
      if (name != "all") {
        criteria.push_back(name);
        continue;
      }
      for (const auto& criterion :
           ST_TRY(EvaluateEntryCriteria(protocol, process, proposal->to_stage))) {
        if (!criterion.Satisfied()) criteria.push_back(criterion.id);
      }
    }
    for (const auto& criterion : criteria) {
      protocol = ST_TRY(WaiveCriterion(protocol, process, proposal->to_stage, criterion,
                                       person->email, context.now, rationale));
      Event event = MakeEvent(context, event_kind::kProtocolWaiver, protocol.name);
      event.actor = person->email;
      event.to = fmt::format("{}/{}", proposal->to_stage, criterion);
      event.reason = rationale;
      ST_TRY(writer.AppendEvent(event));
    }
    ST_TRY(writer.SaveProtocol(protocol));
    result = ST_TRY(Record(writer, context, process, *proposal, protocol, action, nullptr));
    return Ok();
  }));
  return result;
}

Result<Protocol> Lifecycle::Waive(const Context& context, const std::string& name,
                                  const std::string& criterion, const std::string& reason,
                                  const std::string& stage) {
  ProtocolProcess process = ST_TRY(LoadProcess());
  Protocol result;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    auto person = ST_TRY(FindActor(store_, context.actor));
    ST_TRY(Authorize(person, context.actor, Action::kWaive));
    if (Trim(reason).empty()) {
      return Fail(Error::InvalidArgument(
          "a waiver needs a reason: say with --reason why the protocol may move on without it"));
    }
    Protocol protocol = ST_TRY(FindProtocol(name));
    std::string stage_id = stage;
    if (stage_id.empty()) {
      const StageDefinition* next = process.NextStage(protocol.stage);
      if (next == nullptr) {
        return Fail(Error::InvalidArgument(
            fmt::format("{} is at {}, the last stage: there are no entry criteria left to waive",
                        protocol.name, process.StageName(protocol.stage))));
      }
      stage_id = next->id;
    }
    result = ST_TRY(
        WaiveCriterion(protocol, process, stage_id, criterion, person->email, context.now, reason));
    ST_TRY(writer.SaveProtocol(result));
    Event event = MakeEvent(context, event_kind::kProtocolWaiver, protocol.name);
    event.actor = person->email;
    event.to = fmt::format("{}/{}", stage_id, criterion);
    event.reason = std::string(Trim(reason));
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return result;
}

Result<Proposal> Lifecycle::FindProposal(std::int64_t id) {
  auto proposal = ST_TRY(store_.FindProposal(id));
  if (!proposal) return Fail(NoProposal(id));
  return *proposal;
}

Result<std::vector<Proposal>> Lifecycle::ListProposals(const std::string& protocol) {
  if (!protocol.empty()) ST_TRY(FindProtocol(protocol));
  return store_.ListProposals({protocol});
}

Result<std::vector<LifecycleAlert>> Lifecycle::Check(Timestamp now) {
  ProtocolProcess process = ST_TRY(LoadProcess());
  auto protocols = ST_TRY(store_.ListProtocols());
  auto proposals = ST_TRY(store_.ListProposals({}));
  return CheckLifecycle(protocols, proposals, process, now);
}

}  // namespace stocktake
