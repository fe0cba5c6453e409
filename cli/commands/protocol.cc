// stocktake protocol add|list|show|history|set|impl|waive|check; propose, object,
// answer, reply, withdraw, resolve, decide; proposal list|show; design-check;
// support-matrix

#include <fmt/format.h>

#include <iostream>

#include "cli/cli.h"
#include "stocktake/process/stage_criteria.h"
#include "stocktake/report/design_check.h"
#include "stocktake/report/json_views.h"
#include "stocktake/report/lifecycle_json.h"
#include "stocktake/report/support_matrix.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/util/text.h"

namespace stocktake::cli {
namespace {

Result<std::int64_t> ParseNumber(const std::string& text, const char* what) {
  std::string_view digits = Trim(text);
  if (!digits.empty() && digits.front() == '#') digits.remove_prefix(1);
  if (digits.empty() || digits.size() > 15 ||
      !std::all_of(digits.begin(), digits.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not a {} number: give the number 'stocktake proposal list' or "
                    "'proposal show' prints, e.g. 3",
                    text, what)));
  }
  return std::stoll(std::string(digits));
}

std::string OrNone(const std::string& text) { return text.empty() ? "(none)" : text; }

void PrintProtocol(const Protocol& protocol, const ProtocolProcess& process,
                   const std::vector<Proposal>& proposals, Timestamp now) {
  std::cout << protocol.name;
  if (!protocol.summary.empty()) std::cout << " - " << protocol.summary;
  std::cout << '\n';
  auto entered = protocol.StageEnteredAt();
  std::cout << fmt::format("  stage        {}{}\n", process.StageName(protocol.stage),
                           entered ? " (since " + FormatDate(DayOf(*entered)) + ")" : "");
  std::string doc = protocol.design_doc.path;
  if (!protocol.design_doc.commit.empty()) doc += ", commit " + protocol.design_doc.commit;
  std::cout << fmt::format("  design doc   {}\n", OrNone(doc));
  std::cout << fmt::format("  version      {}\n", OrNone(protocol.version));
  std::cout << fmt::format("  compat       {}\n", OrNone(protocol.compat_promises));
  if (!protocol.owners.empty()) {
    std::cout << fmt::format("  owners       {}\n", Join(protocol.owners, ", "));
  }
  if (!protocol.implementations.empty()) std::cout << "  implementations\n";
  for (const auto& implementation : protocol.implementations) {
    std::cout << fmt::format(
        "    {} {}: {}{}\n", implementation.code_base, ImplementationRoleName(implementation.role),
        ImplementationStateName(implementation.state),
        implementation.refs.empty() ? "" : " (" + Join(implementation.refs, ", ") + ")");
  }
  if (const StageDefinition* next = process.NextStage(protocol.stage)) {
    std::cout << fmt::format("  entry criteria for {}\n", next->name);
    for (const auto& result : EvaluateEntryCriteria(protocol, *next)) {
      std::string mark = result.met ? "met" : "missing";
      std::cout << fmt::format("    [{}] {}: {}\n", mark, result.id, result.detail);
      if (result.waived) {
        std::cout << fmt::format("        waived by {}: {}\n", result.waived_by,
                                 result.waiver_reason);
      }
    }
  } else {
    std::cout << "  entry criteria: none (the last stage)\n";
  }
  if (!protocol.waivers.empty()) std::cout << "  waivers\n";
  for (const auto& waiver : protocol.waivers) {
    std::cout << fmt::format("    {}/{} by {} at {}: {}\n", waiver.stage, waiver.criterion,
                             waiver.by, FormatTimestamp(waiver.at), waiver.reason);
  }
  if (!protocol.history.empty()) std::cout << "  history\n";
  for (const auto& change : protocol.history) {
    std::cout << fmt::format(
        "    {}  {} -> {} by {}{}{}\n", FormatTimestamp(change.at),
        change.from.empty() ? "(new)" : change.from, change.to, change.by,
        change.proposal_id != 0 ? fmt::format(" (proposal {})", change.proposal_id) : "",
        change.reason.empty() ? "" : ": " + change.reason);
  }
  bool header = false;
  for (const auto& proposal : proposals) {
    if (proposal.protocol != protocol.name) continue;
    if (!header) std::cout << "  proposals\n";
    header = true;
    std::cout << fmt::format("    {}  to {}: {}\n", proposal.id, proposal.to_stage,
                             ProposalStateName(EvaluateProposal(proposal, process, now).state));
  }
}

void PrintProposal(const Proposal& proposal, const ProtocolProcess& process, Timestamp now) {
  ProposalStatus status = EvaluateProposal(proposal, process, now);
  std::cout << fmt::format("Proposal {}: {} {} -> {}\n", proposal.id, proposal.protocol,
                           process.StageName(proposal.from_stage),
                           process.StageName(proposal.to_stage));
  std::cout << fmt::format("  state        {} (as of {})\n", ProposalStateName(status.state),
                           FormatTimestamp(now));
  std::cout << fmt::format("  proposer     {}\n", proposal.proposer);
  if (!proposal.thread.empty()) std::cout << fmt::format("  thread       {}\n", proposal.thread);
  std::cout << fmt::format("  opened       {}\n", FormatTimestamp(proposal.opened_at));
  std::cout << fmt::format("  window       {}, ends {}\n",
                           FormatTimeSpan(ProposalWindow(proposal, process)),
                           FormatTimestamp(status.window_ends));
  if (status.passed_at) {
    std::cout << fmt::format("  passed       {}\n", FormatTimestamp(*status.passed_at));
  }
  if (status.next_change) {
    std::cout << fmt::format("  next change  {}\n", FormatTimestamp(*status.next_change));
  }
  if (!status.objections.empty()) std::cout << "  objections\n";
  for (const auto& objection : status.objections) {
    std::cout << fmt::format("    {}  {} by {} at {}: {}\n", objection.id,
                             ObjectionStateName(objection.state), objection.by,
                             FormatTimestamp(objection.raised_at), objection.reason);
    if (objection.answered_at) {
      std::cout << fmt::format("        answered {}, {} {}\n",
                               FormatTimestamp(*objection.answered_at),
                               objection.state == ObjectionState::kLapsed ? "lapsed" : "lapses",
                               FormatTimestamp(*objection.lapses_at));
    }
  }
  if (status.decision) {
    std::cout << fmt::format("  decision     {} by {} at {}{}\n",
                             ProposalActionKindName(status.decision->kind), status.decision->by,
                             FormatTimestamp(status.decision->at),
                             status.decision->text.empty() ? "" : ": " + status.decision->text);
  }
}

// Prints a proposal after a write: its JSON, or a one-line summary.
void ReportProposal(const Cli& cli, const Proposal& proposal, const ProtocolProcess& process,
                    Timestamp now, const std::string& summary) {
  if (cli.options.json) {
    Cli::PrintJson(ProposalJson(proposal, process, now));
  } else {
    ProposalStatus status = EvaluateProposal(proposal, process, now);
    std::cout << fmt::format("{} Proposal {} is {}.\n", summary, proposal.id,
                             ProposalStateName(status.state));
  }
}

int PrintAlerts(const Cli& cli, const std::vector<LifecycleAlert>& alerts, Timestamp now) {
  if (cli.options.json) {
    nlohmann::json json = nlohmann::json::array();
    for (const auto& alert : alerts) json.push_back(LifecycleAlertJson(alert));
    Cli::PrintJson({{"as_of", FormatTimestamp(now)}, {"alerts", std::move(json)}});
  } else {
    for (const auto& alert : alerts) {
      std::cout << fmt::format("{}: [{}] {}\n    what to do: {}\n", alert.subject, alert.rule,
                               alert.message, alert.action);
    }
    std::cout << fmt::format("{} lifecycle alert(s) as of {}.\n", alerts.size(),
                             FormatDate(DayOf(now)));
  }
  return alerts.empty() ? kExitOk : kExitAlerts;
}

void RegisterProtocolGroup(CLI::App& app, Cli& cli) {
  CLI::App* group = app.add_subcommand("protocol", "PV protocols, their stages and evidence");
  group->require_subcommand(1);

  auto draft = std::make_shared<Protocol>();
  CLI::App* add = group->add_subcommand("add", "Register a protocol");
  add->add_option("name", draft->name, "e.g. pvcalls")->required();
  add->add_option("--stage", draft->stage, "its stage now (default: the first, design)");
  add->add_option("--summary", draft->summary, "one line saying what it is");
  add->add_option("--owner", draft->owners, "owner e-mail (repeatable)");
  add->callback([&cli, draft] {
    cli.action = [&cli, draft]() -> Result<int> {
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Protocol added = ST_TRY(lifecycle.AddProtocol(context, *draft));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      if (cli.options.json) {
        Cli::PrintJson(ProtocolJson(added, process, {}, context.now));
      } else {
        std::cout << fmt::format("Added protocol {} at stage {}.\n", added.name,
                                 process.StageName(added.stage));
      }
      return kExitOk;
    };
  });

  CLI::App* list = group->add_subcommand("list", "List protocols and their stages");
  list->callback([&cli] {
    cli.action = [&cli]() -> Result<int> {
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      auto protocols = ST_TRY(lifecycle.ListProtocols());
      auto proposals = ST_TRY(lifecycle.ListProposals(""));
      if (cli.options.json) {
        nlohmann::json json = nlohmann::json::array();
        for (const auto& protocol : protocols) {
          json.push_back(ProtocolJson(protocol, process, proposals, now));
        }
        Cli::PrintJson(json);
        return kExitOk;
      }
      for (const auto& protocol : protocols) {
        auto entered = protocol.StageEnteredAt();
        std::cout << fmt::format("{:<14} {:<12} {:<11} {}\n", protocol.name,
                                 process.StageName(protocol.stage),
                                 entered ? FormatDate(DayOf(*entered)) : "", protocol.summary);
      }
      if (protocols.empty()) {
        std::cout << "No protocols yet: add one with 'stocktake protocol add NAME'.\n";
      }
      return kExitOk;
    };
  });

  auto name = std::make_shared<std::string>();
  CLI::App* show = group->add_subcommand(
      "show", "A protocol's stage, evidence, entry criteria of the next stage and history");
  show->add_option("name", *name, "protocol name")->required();
  show->callback([&cli, name] {
    cli.action = [&cli, name]() -> Result<int> {
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      Protocol protocol = ST_TRY(lifecycle.FindProtocol(*name));
      auto proposals = ST_TRY(lifecycle.ListProposals(protocol.name));
      nlohmann::json evidence =
          ST_TRY(LinkedEvidenceJson(*store, EvidenceOwnerKind::kProtocol, protocol.name));
      if (cli.options.json) {
        nlohmann::json json = ProtocolJson(protocol, process, proposals, now);
        json["evidence"] = std::move(evidence);
        Cli::PrintJson(json);
      } else {
        PrintProtocol(protocol, process, proposals, now);
        PrintLinkedEvidence(evidence);
      }
      return kExitOk;
    };
  });

  auto history_name = std::make_shared<std::string>();
  CLI::App* history = group->add_subcommand("history", "Everything recorded about a protocol");
  history->add_option("name", *history_name, "protocol name")->required();
  history->callback([&cli, history_name] {
    cli.action = [&cli, history_name]() -> Result<int> {
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      return PrintEvents(cli, ST_TRY(lifecycle.ProtocolHistory(*history_name)));
    };
  });

  struct SetOptions {
    std::string name;
    std::optional<std::string> summary, design_doc, design_commit, version, compat;
    std::vector<std::string> owners;
  };
  auto set_options = std::make_shared<SetOptions>();
  CLI::App* set = group->add_subcommand("set", "Record a protocol's evidence");
  set->add_option("name", set_options->name, "protocol name")->required();
  set->add_option("--summary", set_options->summary, "one line saying what it is");
  set->add_option("--design-doc", set_options->design_doc, "path of the design document");
  set->add_option("--design-commit", set_options->design_commit,
                  "the xen.git commit that added the design document");
  set->add_option("--version", set_options->version, "the protocol (spec/ABI) version");
  set->add_option("--compat", set_options->compat,
                  "the backward and cross-platform compatibility promises");
  set->add_option("--owner", set_options->owners, "owner e-mail (repeatable; replaces the list)");
  set->callback([&cli, set_options] {
    cli.action = [&cli, set_options]() -> Result<int> {
      ProtocolUpdate update;
      update.summary = set_options->summary;
      update.design_path = set_options->design_doc;
      update.design_commit = set_options->design_commit;
      update.version = set_options->version;
      update.compat_promises = set_options->compat;
      if (!set_options->owners.empty()) update.owners = set_options->owners;
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Protocol protocol = ST_TRY(lifecycle.UpdateProtocol(context, set_options->name, update));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      if (cli.options.json) {
        Cli::PrintJson(ProtocolJson(protocol, process,
                                    ST_TRY(lifecycle.ListProposals(protocol.name)), context.now));
      } else {
        std::cout << fmt::format("Updated protocol {}.\n", protocol.name);
      }
      return kExitOk;
    };
  });

  struct ImplOptions {
    std::string name, code_base, role, state = "posted";
    std::vector<std::string> refs;
  };
  auto impl_options = std::make_shared<ImplOptions>();
  CLI::App* impl =
      group->add_subcommand("impl", "Record a frontend or backend implementation in a code base");
  impl->add_option("name", impl_options->name, "protocol name")->required();
  impl->add_option("--code-base", impl_options->code_base, "Linux, QEMU, Xen, FreeBSD, …")
      ->required();
  impl->add_option("--role", impl_options->role, "frontend or backend")->required();
  impl->add_option("--state", impl_options->state, "none, posted or committed (default posted)");
  impl->add_option("--ref", impl_options->refs,
                   "a commit, message-id or URL that shows it (repeatable)");
  impl->callback([&cli, impl_options] {
    cli.action = [&cli, impl_options]() -> Result<int> {
      Implementation implementation;
      implementation.code_base = impl_options->code_base;
      auto role = ParseImplementationRole(impl_options->role);
      if (!role) {
        return Fail(Error::InvalidArgument(
            fmt::format("unknown role '{}': use frontend or backend", impl_options->role)));
      }
      auto state = ParseImplementationState(impl_options->state);
      if (!state) {
        return Fail(Error::InvalidArgument(
            fmt::format("unknown state '{}': use none, posted or committed", impl_options->state)));
      }
      implementation.role = *role;
      implementation.state = *state;
      implementation.refs = impl_options->refs;
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Protocol protocol =
          ST_TRY(lifecycle.SetImplementation(context, impl_options->name, implementation));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      if (cli.options.json) {
        Cli::PrintJson(ProtocolJson(protocol, process,
                                    ST_TRY(lifecycle.ListProposals(protocol.name)), context.now));
      } else {
        std::cout << fmt::format("Recorded the {} {} of {} as {}.\n", implementation.code_base,
                                 ImplementationRoleName(implementation.role), protocol.name,
                                 ImplementationStateName(implementation.state));
      }
      return kExitOk;
    };
  });

  struct WaiveOptions {
    std::string name, criterion, reason, stage;
  };
  auto waive_options = std::make_shared<WaiveOptions>();
  CLI::App* waive = group->add_subcommand(
      "waive", "The Czar waives an entry criterion of the next stage, with a reason");
  waive->add_option("name", waive_options->name, "protocol name")->required();
  waive->add_option("--criterion", waive_options->criterion, "e.g. backend-committed")->required();
  waive->add_option("--reason", waive_options->reason, "why the protocol may do without it");
  waive->add_option("--stage", waive_options->stage, "the stage it is waived for (default: next)");
  waive->callback([&cli, waive_options] {
    cli.action = [&cli, waive_options]() -> Result<int> {
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Protocol protocol =
          ST_TRY(lifecycle.Waive(context, waive_options->name, waive_options->criterion,
                                 waive_options->reason, waive_options->stage));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      if (cli.options.json) {
        Cli::PrintJson(ProtocolJson(protocol, process,
                                    ST_TRY(lifecycle.ListProposals(protocol.name)), context.now));
      } else {
        const CriterionWaiver& waiver = protocol.waivers.back();
        std::cout << fmt::format("Waived {} for {} entering {}: {}\n", waiver.criterion,
                                 protocol.name, process.StageName(waiver.stage), waiver.reason);
      }
      return kExitOk;
    };
  });

  CLI::App* check = group->add_subcommand(
      "check",
      "Stalled protocols, proposals waiting for the Czar, lapsing objections; exits 1 on alerts");
  check->callback([&cli] {
    cli.action = [&cli]() -> Result<int> {
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      return PrintAlerts(cli, ST_TRY(lifecycle.Check(now)), now);
    };
  });
}

void RegisterProposalCommands(CLI::App& app, Cli& cli) {
  struct ProposeOptions {
    std::string protocol, to, thread, window;
  };
  auto propose_options = std::make_shared<ProposeOptions>();
  CLI::App* propose = app.add_subcommand(
      "propose", "Open a lazy-consensus proposal to move a protocol to its next stage");
  propose->add_option("protocol", propose_options->protocol, "protocol name")->required();
  propose->add_option("--to", propose_options->to, "the next stage (default: the next one)");
  propose->add_option("--thread", propose_options->thread, "message-id of the mail thread");
  propose->add_option("--window", propose_options->window,
                      "how long to wait for objections, e.g. 72h or 7d (default: the process's)");
  propose->callback([&cli, propose_options] {
    cli.action = [&cli, propose_options]() -> Result<int> {
      std::optional<TimeSpan> window;
      if (!propose_options->window.empty()) {
        auto parsed = ParseTimeSpan(propose_options->window);
        if (!parsed) return Fail(Error::InvalidArgument("--window: " + parsed.error().message()));
        window = *parsed;
      }
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Proposal proposal =
          ST_TRY(lifecycle.Propose(context, propose_options->protocol, propose_options->to,
                                   propose_options->thread, window));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      ProposalStatus status = EvaluateProposal(proposal, process, context.now);
      ReportProposal(
          cli, proposal, process, context.now,
          fmt::format("Opened proposal {} to move {} to {}; objections until {}.", proposal.id,
                      proposal.protocol, process.StageName(proposal.to_stage),
                      FormatTimestamp(status.window_ends)));
      return kExitOk;
    };
  });

  struct ObjectOptions {
    std::string proposal, reason, message_id;
  };
  auto object_options = std::make_shared<ObjectOptions>();
  CLI::App* object =
      app.add_subcommand("object", "Raise a specific technical objection to a proposal");
  object->add_option("proposal", object_options->proposal, "proposal number")->required();
  object->add_option("--reason", object_options->reason,
                     "the specific technical problem (required)");
  object->add_option("--message-id", object_options->message_id, "the mail that voiced it");
  object->callback([&cli, object_options] {
    cli.action = [&cli, object_options]() -> Result<int> {
      std::int64_t id = ST_TRY(ParseNumber(object_options->proposal, "proposal"));
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      std::int64_t objection =
          ST_TRY(lifecycle.Object(context, id, object_options->reason, object_options->message_id));
      if (cli.options.json) {
        Cli::PrintJson({{"id", objection}, {"proposal", id}, {"state", "live"}});
      } else {
        std::cout << fmt::format("Raised objection {} to proposal {}.\n", objection, id);
      }
      return kExitOk;
    };
  });

  // answer, reply and resolve act on one objection with a text.
  struct TextOptions {
    std::string id, text;
  };
  using Action = Result<Proposal> (Lifecycle::*)(const Context&, std::int64_t, const std::string&);
  auto add_objection_command = [&app, &cli](const char* name, const char* help,
                                            const char* text_help, bool text_required,
                                            Action method, const char* done) {
    auto options = std::make_shared<TextOptions>();
    CLI::App* command = app.add_subcommand(name, help);
    command->add_option("objection", options->id, "objection number")->required();
    CLI::Option* text = command->add_option("--text", options->text, text_help);
    if (text_required) text->required();
    command->callback([&cli, options, method, done] {
      cli.action = [&cli, options, method, done]() -> Result<int> {
        std::int64_t id = ST_TRY(ParseNumber(options->id, "objection"));
        Context context = ST_TRY(cli.MakeContext());
        auto store = ST_TRY(cli.Open());
        Lifecycle lifecycle(*store);
        Proposal proposal = ST_TRY((lifecycle.*method)(context, id, options->text));
        ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
        ReportProposal(cli, proposal, process, context.now,
                       fmt::format("{} objection {}.", done, id));
        return kExitOk;
      };
    });
  };
  add_objection_command("answer", "Answer an objection; its objector must then respond in time",
                        "how the objection is addressed", true, &Lifecycle::Answer, "Answered");
  add_objection_command("reply", "The objector responds to an answer; the objection stays live",
                        "the response", true, &Lifecycle::Reply, "Replied to");
  add_objection_command("resolve", "The Czar marks an objection resolved", "why it is resolved",
                        false, &Lifecycle::Resolve, "Resolved");

  auto withdraw_id = std::make_shared<std::string>();
  CLI::App* withdraw =
      app.add_subcommand("withdraw", "Withdraw your proposal or your objection (by its number)");
  withdraw->add_option("id", *withdraw_id, "proposal or objection number")->required();
  withdraw->callback([&cli, withdraw_id] {
    cli.action = [&cli, withdraw_id]() -> Result<int> {
      std::int64_t id = ST_TRY(ParseNumber(*withdraw_id, "proposal or objection"));
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Withdrawal withdrawal = ST_TRY(lifecycle.Withdraw(context, id));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      ReportProposal(cli, withdrawal.proposal, process, context.now,
                     withdrawal.objection ? fmt::format("Withdrew objection {}.", id)
                                          : fmt::format("Withdrew proposal {}.", id));
      return kExitOk;
    };
  });

  struct DecideOptions {
    std::string proposal, rationale;
    bool accept = false, reject = false;
    std::vector<std::string> waive;
  };
  auto decide_options = std::make_shared<DecideOptions>();
  CLI::App* decide = app.add_subcommand("decide", "The Czar accepts or rejects a proposal");
  decide->add_option("proposal", decide_options->proposal, "proposal number")->required();
  CLI::Option* accept = decide->add_flag("--accept", decide_options->accept,
                                         "accept: the protocol moves to the next stage");
  CLI::Option* reject = decide->add_flag("--reject", decide_options->reject, "reject");
  accept->excludes(reject);
  decide->add_option("--rationale", decide_options->rationale, "why (required)");
  decide->add_option("--waive", decide_options->waive,
                     "an entry criterion to waive, or 'all' for every unmet one (repeatable)");
  decide->callback([&cli, decide_options] {
    cli.action = [&cli, decide_options]() -> Result<int> {
      if (decide_options->accept == decide_options->reject) {
        return Fail(Error::InvalidArgument("decide needs --accept or --reject"));
      }
      std::int64_t id = ST_TRY(ParseNumber(decide_options->proposal, "proposal"));
      Context context = ST_TRY(cli.MakeContext());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      Proposal proposal = ST_TRY(lifecycle.Decide(
          context, id, decide_options->accept, decide_options->rationale, decide_options->waive));
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      ReportProposal(cli, proposal, process, context.now,
                     decide_options->accept
                         ? fmt::format("Accepted: {} is now at {}.", proposal.protocol,
                                       process.StageName(proposal.to_stage))
                         : fmt::format("Rejected: {} stays at {}.", proposal.protocol,
                                       process.StageName(proposal.from_stage)));
      return kExitOk;
    };
  });

  CLI::App* group = app.add_subcommand("proposal", "Lazy-consensus proposals");
  group->require_subcommand(1);
  auto list_protocol = std::make_shared<std::string>();
  CLI::App* list = group->add_subcommand("list", "Proposals and their states now");
  list->add_option("--protocol", *list_protocol, "only this protocol's");
  list->callback([&cli, list_protocol] {
    cli.action = [&cli, list_protocol]() -> Result<int> {
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      auto proposals = ST_TRY(lifecycle.ListProposals(*list_protocol));
      if (cli.options.json) {
        nlohmann::json json = nlohmann::json::array();
        for (const auto& proposal : proposals) {
          json.push_back(ProposalJson(proposal, process, now));
        }
        Cli::PrintJson(json);
        return kExitOk;
      }
      for (const auto& proposal : proposals) {
        ProposalStatus status = EvaluateProposal(proposal, process, now);
        std::cout << fmt::format("{:>4}  {:<14} {:<11} -> {:<11} {:<9} window ends {}\n",
                                 proposal.id, proposal.protocol, proposal.from_stage,
                                 proposal.to_stage, ProposalStateName(status.state),
                                 FormatTimestamp(status.window_ends));
      }
      if (proposals.empty()) {
        std::cout << "No proposals: open one with 'stocktake propose PROTOCOL'.\n";
      }
      return kExitOk;
    };
  });
  auto show_id = std::make_shared<std::string>();
  CLI::App* show = group->add_subcommand("show", "A proposal, its objections and its state now");
  show->add_option("id", *show_id, "proposal number")->required();
  show->callback([&cli, show_id] {
    cli.action = [&cli, show_id]() -> Result<int> {
      std::int64_t id = ST_TRY(ParseNumber(*show_id, "proposal"));
      Timestamp now = ST_TRY(cli.Now());
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      Proposal proposal = ST_TRY(lifecycle.FindProposal(id));
      if (cli.options.json) {
        Cli::PrintJson(ProposalJson(proposal, process, now));
      } else {
        PrintProposal(proposal, process, now);
      }
      return kExitOk;
    };
  });
}

void RegisterDocumentCommands(CLI::App& app, Cli& cli) {
  auto file = std::make_shared<std::string>();
  CLI::App* design = app.add_subcommand(
      "design-check",
      "Check a design document covers the handshake, the ABI and the protocol, without C "
      "structs; exits 1 when it does not");
  design->add_option("file", *file, "a Markdown or pandoc document")->required();
  design->callback([&cli, file] {
    cli.action = [&cli, file]() -> Result<int> {
      std::string text = ST_TRY(ReadFile(*file));
      DesignCheck check = CheckDesignDocument(text);
      if (cli.options.json) {
        Cli::PrintJson(DesignCheckToJson(check, *file));
      } else {
        std::cout << RenderDesignCheckText(check, *file);
      }
      return check.Passes() ? kExitOk : kExitAlerts;
    };
  });

  struct MatrixOptions {
    std::string format = "text", output;
  };
  auto matrix_options = std::make_shared<MatrixOptions>();
  CLI::App* matrix_command =
      app.add_subcommand("support-matrix", "Each protocol's stage at each release's date");
  matrix_command->add_option("--format", matrix_options->format, "text, markdown, html or json");
  matrix_command->add_option("-o,--output", matrix_options->output,
                             "file to write (default: stdout)");
  matrix_command->callback([&cli, matrix_options] {
    cli.action = [&cli, matrix_options]() -> Result<int> {
      MatrixFormat format =
          ST_TRY(ParseMatrixFormat(cli.options.json ? "json" : matrix_options->format));
      auto store = ST_TRY(cli.Open());
      Lifecycle lifecycle(*store);
      ProtocolProcess process = ST_TRY(lifecycle.LoadProcess());
      SupportMatrix matrix = ComputeSupportMatrix(ST_TRY(store->ListProtocols()),
                                                  ST_TRY(store->ListReleases()), process);
      std::string text = RenderSupportMatrix(matrix, format);
      if (!text.empty() && text.back() != '\n') text.push_back('\n');
      ST_TRY(WriteOutput(matrix_options->output, text));
      return kExitOk;
    };
  });
}

}  // namespace

void RegisterProtocol(CLI::App& app, Cli& cli) {
  RegisterProtocolGroup(app, cli);
  RegisterProposalCommands(app, cli);
  RegisterDocumentCommands(app, cli);
}

}  // namespace stocktake::cli
