// stocktake propose, object, answer, reply, resolve, withdraw, decide;
// proposal list|show

#include <fmt/format.h>

#include <algorithm>
#include <functional>

#include "cli/cli.h"
#include "stocktake/process/lazy_consensus.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {
namespace {

// Proposal and objection numbers, as `proposal list` prints them; "#3" is
// accepted because mails write them that way.
Result<std::int64_t> ParseNumber(const std::string& text, const char* what) {
  std::string_view digits = Trim(text);
  if (!digits.empty() && digits.front() == '#') digits.remove_prefix(1);
  // More than 15 digits would overflow stoll; no store has that many.
  if (digits.empty() || digits.size() > 15 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not a {} number: give the number 'stocktake proposal list' or "
                    "'proposal show' prints, e.g. 3",
                    text, what)));
  }
  return std::stoll(std::string(digits));
}

// The sentence a write prints, phrased from the proposal's state (stage
// names and windows come from the process in the view, not a second read).
using ProposalSentence = std::function<std::string(const view::ProposalState&)>;

// A write's result: the proposal evaluated now, after a one-line summary.
Result<int> PrintProposal(Invocation& run, Proposal proposal, const ProposalSentence& sentence) {
  view::ProposalState state =
      ST_TRY(view::BuildProposalState(*run.store, std::move(proposal), run.context.now));
  std::string message = sentence(state);
  run.printer.Print(view::Changed<view::ProposalState>{std::move(message), std::move(state)});
  return kExitOk;
}

// For sentences that need nothing from the state.
ProposalSentence Saying(std::string message) {
  return [message = std::move(message)](const view::ProposalState&) { return message; };
}

// answer, reply and resolve act on one objection with a text.
using ObjectionAction = Result<Proposal> (Lifecycle::*)(const Context&, std::int64_t,
                                                        const std::string&);

Runner DeclareObjectionAction(CLI::App& command, const char* text_help, bool text_required,
                              ObjectionAction action, const char* done) {
  struct Options {
    std::string id, text;
  };
  auto options = std::make_shared<Options>();
  command.add_option("objection", options->id, "objection number")->required();
  CLI::Option* text = command.add_option("--text", options->text, text_help);
  if (text_required) text->required();
  return [options, action, done](Invocation& run) -> Result<int> {
    std::int64_t id = ST_TRY(ParseNumber(options->id, "objection"));
    Lifecycle lifecycle(*run.store);
    Proposal proposal = ST_TRY((lifecycle.*action)(run.context, id, options->text));
    return PrintProposal(run, std::move(proposal),
                         Saying(fmt::format("{} objection {}.", done, id)));
  };
}

}  // namespace

Runner DeclarePropose(CLI::App& command) {
  struct Options {
    std::string protocol, to, thread, window;
  };
  auto options = std::make_shared<Options>();
  command.add_option("protocol", options->protocol, "protocol name")->required();
  command.add_option("--to", options->to, "the next stage (default: the next one)");
  command.add_option("--thread", options->thread, "message-id of the mail thread");
  command.add_option("--window", options->window,
                     "how long to wait for objections, e.g. 72h or 7d (default: the process's)");
  return [options](Invocation& run) -> Result<int> {
    std::optional<TimeSpan> window;
    if (!options->window.empty()) {
      auto parsed = ParseTimeSpan(options->window);
      if (!parsed) return Fail(Error::InvalidArgument("--window: " + parsed.error().message()));
      window = *parsed;
    }
    Lifecycle lifecycle(*run.store);
    Proposal proposal = ST_TRY(
        lifecycle.Propose(run.context, options->protocol, options->to, options->thread, window));
    return PrintProposal(run, std::move(proposal), [](const view::ProposalState& state) {
      const Proposal& opened = state.proposal;
      ProposalStatus status = EvaluateProposal(opened, state.process, state.now);
      return fmt::format("Opened proposal {} to move {} to {}; objections until {}.", opened.id,
                         opened.protocol, state.process.StageName(opened.to_stage),
                         FormatTimestamp(status.window_ends));
    });
  };
}

Runner DeclareObject(CLI::App& command) {
  struct Options {
    std::string proposal, reason, message_id;
  };
  auto options = std::make_shared<Options>();
  command.add_option("proposal", options->proposal, "proposal number")->required();
  command.add_option("--reason", options->reason, "the specific technical problem (required)");
  command.add_option("--message-id", options->message_id, "the mail that voiced it");
  return [options](Invocation& run) -> Result<int> {
    std::int64_t id = ST_TRY(ParseNumber(options->proposal, "proposal"));
    Lifecycle lifecycle(*run.store);
    std::int64_t objection =
        ST_TRY(lifecycle.Object(run.context, id, options->reason, options->message_id));
    run.printer.Print(view::Changed<view::ObjectionRaised>{
        fmt::format("Raised objection {} to proposal {}.", objection, id), {objection, id}});
    return kExitOk;
  };
}

Runner DeclareAnswer(CLI::App& command) {
  return DeclareObjectionAction(command, "how the objection is addressed", true, &Lifecycle::Answer,
                                "Answered");
}

Runner DeclareReply(CLI::App& command) {
  return DeclareObjectionAction(command, "the response", true, &Lifecycle::Reply, "Replied to");
}

Runner DeclareResolve(CLI::App& command) {
  struct Options {
    std::string id, text;
    bool out_of_order = false;
  };
  auto options = std::make_shared<Options>();
  command.add_option("objection", options->id, "objection number")->required();
  command.add_option("--text", options->text, "why it is resolved, or out of order");
  command.add_flag("--out-of-order", options->out_of_order,
                   "rule it out of order: not a specific technical objection (needs --text)");
  return [options](Invocation& run) -> Result<int> {
    std::int64_t id = ST_TRY(ParseNumber(options->id, "objection"));
    Lifecycle lifecycle(*run.store);
    if (options->out_of_order) {
      Proposal proposal = ST_TRY(lifecycle.RuleOutOfOrder(run.context, id, options->text));
      return PrintProposal(run, std::move(proposal),
                           Saying(fmt::format("Ruled objection {} out of order.", id)));
    }
    Proposal proposal = ST_TRY(lifecycle.Resolve(run.context, id, options->text));
    return PrintProposal(run, std::move(proposal),
                         Saying(fmt::format("Resolved objection {}.", id)));
  };
}

Runner DeclareWithdraw(CLI::App& command) {
  auto number = std::make_shared<std::string>();
  command.add_option("id", *number, "proposal or objection number")->required();
  return [number](Invocation& run) -> Result<int> {
    std::int64_t id = ST_TRY(ParseNumber(*number, "proposal or objection"));
    Lifecycle lifecycle(*run.store);
    Withdrawal withdrawal = ST_TRY(lifecycle.Withdraw(run.context, id));
    return PrintProposal(run, std::move(withdrawal.proposal),
                         Saying(withdrawal.objection ? fmt::format("Withdrew objection {}.", id)
                                                     : fmt::format("Withdrew proposal {}.", id)));
  };
}

Runner DeclareDecide(CLI::App& command) {
  struct Options {
    std::string proposal, rationale;
    bool accept = false, reject = false;
    std::vector<std::string> waive;
  };
  auto options = std::make_shared<Options>();
  command.add_option("proposal", options->proposal, "proposal number")->required();
  CLI::Option* accept =
      command.add_flag("--accept", options->accept, "accept: the protocol moves to the next stage");
  CLI::Option* reject = command.add_flag("--reject", options->reject, "reject");
  accept->excludes(reject);
  command.add_option("--rationale", options->rationale, "why (required)");
  command.add_option("--waive", options->waive,
                     "an entry criterion to waive, or 'all' for every unmet one (repeatable)");
  return [options](Invocation& run) -> Result<int> {
    if (options->accept == options->reject) {
      return Fail(Error::InvalidArgument("decide needs --accept or --reject"));
    }
    std::int64_t id = ST_TRY(ParseNumber(options->proposal, "proposal"));
    Lifecycle lifecycle(*run.store);
    Proposal proposal = ST_TRY(
        lifecycle.Decide(run.context, id, options->accept, options->rationale, options->waive));
    bool accepted = options->accept;
    return PrintProposal(run, std::move(proposal), [accepted](const view::ProposalState& state) {
      const Proposal& decided = state.proposal;
      return accepted ? fmt::format("Accepted: {} is now at {}.", decided.protocol,
                                    state.process.StageName(decided.to_stage))
                      : fmt::format("Rejected: {} stays at {}.", decided.protocol,
                                    state.process.StageName(decided.from_stage));
    });
  };
}

Runner DeclareProposalList(CLI::App& command) {
  auto protocol = std::make_shared<std::string>();
  command.add_option("--protocol", *protocol, "only this protocol's");
  return [protocol](Invocation& run) -> Result<int> {
    run.printer.Print(ST_TRY(view::BuildProposalList(*run.store, *protocol, run.context.now)));
    return kExitOk;
  };
}

Runner DeclareProposalShow(CLI::App& command) {
  auto number = std::make_shared<std::string>();
  command.add_option("id", *number, "proposal number")->required();
  return [number](Invocation& run) -> Result<int> {
    std::int64_t id = ST_TRY(ParseNumber(*number, "proposal"));
    run.printer.Print(ST_TRY(view::BuildProposalShow(*run.store, id, run.context.now)));
    return kExitOk;
  };
}

}  // namespace stocktake::cli
