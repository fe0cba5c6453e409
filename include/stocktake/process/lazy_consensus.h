#pragma once

// Lazy consensus, as the PV protocols Czar runs it: a proposal to move a
// protocol to its next stage passes when its window is over and nobody has a
// live specific technical objection voiced in a responsive manner; the Czar
// then accepts or rejects it.
//
// State is never stored. It is computed from a Proposal's recorded actions and
// an instant `now`; only actions with `at <= now` count, so any `now` in the
// past or the future gives the exact state at that instant.
//
// Boundaries (all intervals are half-open, [start, end)):
//  - The window is [opened_at, opened_at + window): at exactly opened_at +
//    window the proposal is no longer open; with no live objection it has
//    passed.
//  - An action at instant T takes effect at T (an objection at T blocks at T).
//  - An objection answered at A must be responded to (reply, confirm or
//    withdraw) strictly before A + responsiveness window; at exactly that
//    instant it lapses and stops blocking. The clock starts at the first
//    answer that the objector has not yet responded to; further answers do not
//    restart it, a response stops it.
//  - A passed proposal's passed_at is the later of the window's end and the
//    instant its last blocking objection stopped blocking.
// Pure functions; thread-safe.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/person.h"
#include "stocktake/model/proposal.h"
#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/process/stage_criteria.h"
#include "stocktake/result.h"

namespace stocktake {

enum class ProposalState {
  kOpen,       ///< The window is running and no objection is live.
  kBlocked,    ///< A live or answered objection, whether or not the window is over.
  kPassed,     ///< Window over, no live objection: lazy consensus reached; awaits the Czar.
  kAccepted,   ///< The Czar accepted it; the protocol moved on.
  kRejected,   ///< The Czar rejected it.
  kWithdrawn,  ///< Its proposer withdrew it.
};

enum class ObjectionState {
  kLive,        ///< Raised (or responded to after an answer): blocks.
  kAnswered,    ///< Answered; blocks until the objector responds or it lapses.
  kLapsed,      ///< The objector did not respond within the responsiveness window.
  kWithdrawn,   ///< The objector withdrew it.
  kResolved,    ///< The Czar marked it resolved.
  kOutOfOrder,  ///< The Czar ruled it out of order: not technical; it does not block.
};

/// "open", "blocked", "passed", "accepted", "rejected", "withdrawn".
std::string_view ProposalStateName(ProposalState state);
/// "live", "answered", "lapsed", "withdrawn", "resolved", "out-of-order".
std::string_view ObjectionStateName(ObjectionState state);

struct ObjectionStatus {
  std::int64_t id = 0;
  std::string by;
  Timestamp raised_at{};
  std::string reason;
  ObjectionState state = ObjectionState::kLive;
  /// The unanswered-by-the-objector answer whose clock runs, when answered.
  std::optional<Timestamp> answered_at;
  /// When it lapses (answered) or lapsed (lapsed) = answered_at + responsiveness window.
  std::optional<Timestamp> lapses_at;
  /// When it stopped blocking (lapsed, withdrawn, resolved).
  std::optional<Timestamp> closed_at;

  /// Live or answered.
  bool Blocking() const {
    return state == ObjectionState::kLive || state == ObjectionState::kAnswered;
  }
};

struct ProposalStatus {
  ProposalState state = ProposalState::kOpen;
  Timestamp window_ends{};
  std::vector<ObjectionStatus> objections;  ///< In the order raised.
  /// When lazy consensus was reached (state passed, or decided after passing).
  std::optional<Timestamp> passed_at;
  /// The decision (accept, reject or withdraw), when state is one of those.
  std::optional<ProposalAction> decision;
  /// The next instant at which the state changes by the clock alone (the
  /// window's end, an objection's lapse); nullopt when only an action can.
  std::optional<Timestamp> next_change;

  /// The objections with state live or answered.
  std::vector<const ObjectionStatus*> BlockingObjections() const;
};

/// The window of `proposal`: its own or the process default.
TimeSpan ProposalWindow(const Proposal& proposal, const ProtocolProcess& process);

/// The state of `proposal` at `now`. Actions after `now`, and actions recorded
/// after a decision, are ignored.
ProposalStatus EvaluateProposal(const Proposal& proposal, const ProtocolProcess& process,
                                Timestamp now);

/// Opens a proposal to move `protocol` to its next stage. `window` overrides
/// the process's proposal window. kInvalidArgument when the protocol is at the
/// last stage or its stage is unknown, or the window is zero.
Result<Proposal> OpenProposal(const Protocol& protocol, const ProtocolProcess& process,
                              std::string_view proposer, Timestamp at, std::string_view thread,
                              std::optional<TimeSpan> window = std::nullopt);

/// Checks whether `actor` may record `action` on `proposal` now, i.e. at
/// `action.at`. The error says why not and what would make it acceptable:
///  - kInvalidArgument: an objection without a specific technical reason (blank
///    or fewer than three words), an answer or rejection without text, an
///    action before the proposal opened or before the last recorded action, an
///    action after the decision, an acceptance before the proposal passed
///    (window running or objections blocking), an acceptance whose entry
///    criteria are unmet and not waived, or a proposal whose protocol has moved;
///  - kPermissionDenied: `action.by` is not one of `actor`'s identities, a decision or
///    resolution by someone without the czar role, a response or withdrawal of
///    an objection by someone other than its objector, withdrawal of the
///    proposal by someone other than the proposer;
///  - kNotFound: an unknown objection id.
/// `protocol` is the proposal's protocol as it is now (stage and evidence).
Result<void> ValidateAction(const Proposal& proposal, const ProposalAction& action,
                            const Protocol& protocol, const ProtocolProcess& process,
                            const Person& actor);

/// Validates `action` and returns the proposal with it appended; an objection
/// gets the next objection id.
Result<Proposal> RecordAction(const Proposal& proposal, ProposalAction action,
                              const Protocol& protocol, const ProtocolProcess& process,
                              const Person& actor);

/// The protocol after `proposal`'s acceptance: moved to `to_stage`, with a
/// history entry naming the proposal, the Czar and the rationale. kInvalidArgument
/// when the proposal holds no acceptance or the protocol is not at `from_stage`.
Result<Protocol> ApplyAcceptance(const Protocol& protocol, const Proposal& proposal);

}  // namespace stocktake
