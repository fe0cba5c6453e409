#pragma once

// Lifecycle: the PV protocols Czar's and contributors' operations on a Store:
// register protocols and their evidence, open lazy-consensus proposals to move
// a protocol to its next stage, object, answer, reply, withdraw, resolve, and
// the Czar's decision. Shared by the CLI and the server.
//
// Only actions are stored; a proposal's state at any instant is computed by
// EvaluateProposal (process/lazy_consensus.h) from its actions and the clock,
// so every read and check is exact for any Context::now, past or future.
//
// Each write checks its input, then, in one transaction, the acting person's
// roles (the rule table of service/authorization.h), its change and the event
// rows that describe it: a refused action leaves the database untouched.
// Refusals are kInvalidArgument (the action is not acceptable as given),
// kPermissionDenied (the roles do not allow it: only the Czar decides; only
// the objector replies), kConflict (it clashes with what is stored) or
// kNotFound (unknown protocol, proposal or objection); the message says why
// and what would make it acceptable.
//
// Proposals and objections are numbered from one shared sequence, so a number
// names exactly one of them (`stocktake withdraw N` needs no other hint).
//
// A Lifecycle object borrows its Store and is used by one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <vector>

#include "stocktake/analysis/lifecycle_check.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/process/lazy_consensus.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/store.h"

namespace stocktake {

/// Changes to a protocol's evidence; unset fields stay as they are.
struct ProtocolUpdate {
  std::optional<std::string> summary;
  std::optional<std::string> design_path;
  std::optional<std::string> design_commit;
  std::optional<std::string> version;
  std::optional<std::string> compat_promises;
  std::optional<std::vector<std::string>> owners;
};

/// What `withdraw N` withdrew.
struct Withdrawal {
  bool objection = false;  ///< true: objection `id` of `proposal`; false: the proposal.
  std::int64_t id = 0;
  Proposal proposal;  ///< The proposal after the withdrawal.
};

class Lifecycle {
 public:
  explicit Lifecycle(Store& store) : store_(store) {}

  /// The project's lifecycle process (stages, windows). kNotFound when the
  /// database is not initialised.
  [[nodiscard]] Result<ProtocolProcess> LoadProcess();

  /// Registers `draft` (name, summary, optional stage: default the first
  /// stage) with a first history entry at `context.now`. A maintainer or
  /// contributor registers at the first stage, and owns a protocol they add
  /// without owners; only the Czar registers one at a later stage.
  /// kConflict when the name is taken; kInvalidArgument for a bad name or
  /// unknown stage; kPermissionDenied.
  [[nodiscard]] Result<Protocol> AddProtocol(const Context& context, Protocol draft);

  /// The protocol `name`; kNotFound listing what is known.
  [[nodiscard]] Result<Protocol> FindProtocol(const std::string& name);
  [[nodiscard]] Result<std::vector<Protocol>> ListProtocols();

  /// Records evidence: design document, version, compatibility promises,
  /// summary, owners. Writes a protocol.updated event when something changed.
  /// Only a maintainer or contributor among the protocol's owners may.
  [[nodiscard]] Result<Protocol> UpdateProtocol(const Context& context, const std::string& name,
                                                const ProtocolUpdate& update);

  /// Adds or updates the implementation of `implementation.role` in
  /// `implementation.code_base`: its state is replaced and its refs are added
  /// to the known ones. kInvalidArgument for an empty code base, or a
  /// committed implementation without any reference.
  [[nodiscard]] Result<Protocol> SetImplementation(const Context& context, const std::string& name,
                                                   const Implementation& implementation);

  /// Events about the protocol (added, updated, stage changes, proposals and
  /// their actions), oldest first.
  [[nodiscard]] Result<std::vector<Event>> ProtocolHistory(const std::string& name);

  /// Opens a proposal to move `protocol` to `to_stage`, which must be its next
  /// stage (empty: the next stage). `window` overrides the process's proposal
  /// window. kConflict when the protocol already has an undecided proposal.
  [[nodiscard]] Result<Proposal> Propose(const Context& context, const std::string& protocol,
                                         const std::string& to_stage, const std::string& thread,
                                         std::optional<TimeSpan> window);

  /// Raises an objection to proposal `proposal_id` and returns its number.
  /// kInvalidArgument when `reason` is not a specific technical reason.
  [[nodiscard]] Result<std::int64_t> Object(const Context& context, std::int64_t proposal_id,
                                            const std::string& reason,
                                            const std::string& message_id = "");

  /// Answers objection `objection_id` (anyone but its objector); starts the
  /// objector's responsiveness clock.
  [[nodiscard]] Result<Proposal> Answer(const Context& context, std::int64_t objection_id,
                                        const std::string& text);

  /// The objector replies to an answer: the objection stays live.
  [[nodiscard]] Result<Proposal> Reply(const Context& context, std::int64_t objection_id,
                                       const std::string& text);

  /// Withdraws proposal `id` (only its proposer) or objection `id` (only its
  /// objector). kNotFound when `id` names neither.
  [[nodiscard]] Result<Withdrawal> Withdraw(const Context& context, std::int64_t id);

  /// The Czar marks objection `objection_id` resolved.
  [[nodiscard]] Result<Proposal> Resolve(const Context& context, std::int64_t objection_id,
                                         const std::string& text);

  /// The Czar rules objection `objection_id` out of order, with `rationale`
  /// (required): not a specific technical objection, so it stops blocking.
  [[nodiscard]] Result<Proposal> RuleOutOfOrder(const Context& context, std::int64_t objection_id,
                                                const std::string& rationale);

  /// The Czar accepts or rejects proposal `proposal_id` with `rationale`
  /// (required). On acceptance the criteria in `waive` ("all" for every
  /// unsatisfied one) are first waived with the rationale as reason, then the
  /// proposal must have passed and every entry criterion of the new stage must
  /// be met or waived; the protocol moves and its history records it.
  [[nodiscard]] Result<Proposal> Decide(const Context& context, std::int64_t proposal_id,
                                        bool accept, const std::string& rationale,
                                        const std::vector<std::string>& waive);

  /// The Czar waives entry criterion `criterion` of `stage` (empty: the
  /// protocol's next stage) for protocol `name`, outside any decision, with
  /// `reason` recorded; a protocol.waiver event describes it. A second waiver
  /// of the same criterion replaces the first. kPermissionDenied when the
  /// actor lacks the czar role; kInvalidArgument for a blank reason or a protocol at the
  /// last stage; kNotFound for an unknown protocol, stage or criterion.
  [[nodiscard]] Result<Protocol> Waive(const Context& context, const std::string& name,
                                       const std::string& criterion, const std::string& reason,
                                       const std::string& stage = "");

  /// The Czar settles the draft objection ingest made from the NAK with
  /// `message_id`: confirming records it as its sender's objection, raised
  /// when the mail was sent, and returns its number; dismissing returns 0.
  /// One transaction. kPermissionDenied when the actor lacks the czar role;
  /// kConflict when the draft is already settled; kNotFound for an unknown
  /// draft.
  [[nodiscard]] Result<std::int64_t> SettleDraftObjection(const Context& context,
                                                          const std::string& message_id,
                                                          bool confirm);

  /// Proposal `id`; kNotFound with a hint.
  [[nodiscard]] Result<Proposal> FindProposal(std::int64_t id);
  /// Proposals of `protocol` (all when empty), by number.
  [[nodiscard]] Result<std::vector<Proposal>> ListProposals(const std::string& protocol);

  /// Stalled protocols, passed proposals waiting for the Czar and answered
  /// objections about to lapse, at `now` (analysis/lifecycle_check.h).
  [[nodiscard]] Result<std::vector<LifecycleAlert>> Check(Timestamp now);

 private:
  // Records one action on the proposal holding objection `objection_id`.
  Result<Proposal> ActOnObjection(const Context& context, std::int64_t objection_id,
                                  ProposalActionKind kind, const std::string& text);
  Result<Proposal> Act(const Context& context, const Proposal& proposal, ProposalAction action,
                       std::int64_t* objection_id);
  // Validates `action` by the acting person at context.now against `protocol`
  // and writes it with its events (and the stage change of an acceptance).
  Result<Proposal> Record(StoreWriter& writer, const Context& context,
                          const ProtocolProcess& process, const Proposal& proposal,
                          const Protocol& protocol, ProposalAction action,
                          std::int64_t* objection_id);

  Store& store_;
};

}  // namespace stocktake
