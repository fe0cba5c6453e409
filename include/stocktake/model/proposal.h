#pragma once

// Proposal: a lazy-consensus proposal to move a protocol to its next stage.
// Nothing about its outcome is stored: a proposal is what was proposed plus an
// ordered list of actions (objections, answers, responses, withdrawals, the
// Czar's decision), and its state at any instant is computed from them by
// process/lazy_consensus.h. A value type.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/util/time.h"
#include "stocktake/util/time_span.h"

namespace stocktake {

enum class ProposalActionKind {
  kObject,             ///< Anyone raises an objection; `text` is the technical reason.
  kAnswer,             ///< Anyone but the objector answers objection `objection_id`.
  kReply,              ///< The objector replies to an answer: the objection stays live.
  kConfirmObjection,   ///< The objector confirms the objection stands: it stays live.
  kWithdrawObjection,  ///< The objector withdraws it.
  kResolveObjection,   ///< The Czar marks it resolved.
  kAccept,             ///< The Czar accepts: the protocol moves to `to_stage`.
  kReject,             ///< The Czar rejects; `text` is the rationale (required).
  kWithdraw,           ///< The proposer withdraws the proposal.
  /// The Czar rules objection `objection_id` out of order: not a specific
  /// technical objection; `text` is the rationale (required). It no longer
  /// blocks.
  kRuleOutOfOrder,
};

/// "object", "answer", "reply", "confirm", "withdraw-objection", "resolve",
/// "accept", "reject", "withdraw", "rule-out-of-order".
std::string_view ProposalActionKindName(ProposalActionKind kind);
std::optional<ProposalActionKind> ParseProposalActionKind(std::string_view name);

/// What each kind of action is, decided here once for the lazy-consensus
/// rules, the project-file reader and the services.
/// A decision (accept, reject, withdraw) ends the proposal: no action follows it.
bool IsDecision(ProposalActionKind kind);
/// Answer, reply, confirm, withdraw-objection and resolve act on an earlier
/// objection, named by ProposalAction::objection_id.
bool TargetsObjection(ProposalActionKind kind);
/// An objection (its reason), an answer, a reply and a rejection (its
/// rationale) must carry text.
bool NeedsText(ProposalActionKind kind);

struct ProposalAction {
  ProposalActionKind kind = ProposalActionKind::kObject;
  Timestamp at{};
  std::string by;  ///< E-mail of who acted.
  /// The objection acted on; for kObject the id of the new objection (1, 2, …
  /// in the order objections were raised on this proposal).
  std::int64_t objection_id = 0;
  std::string text;        ///< Reason, answer, reply or rationale.
  std::string message_id;  ///< The mail that carried it, if known.
};

struct Proposal {
  std::int64_t id = 0;   ///< Assigned by the store.
  std::string protocol;  ///< Protocol name.
  std::string from_stage;
  std::string to_stage;
  std::string proposer;  ///< E-mail.
  std::string thread;    ///< Message-id of the mail thread.
  Timestamp opened_at{};
  /// This proposal's window; nullopt uses the process's proposal_window.
  std::optional<TimeSpan> window;
  std::vector<ProposalAction> actions;  ///< In the order they were recorded.

  /// The id the next objection gets: one more than the highest so far.
  std::int64_t NextObjectionId() const;
};

}  // namespace stocktake
