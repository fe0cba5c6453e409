#include "stocktake/view/text_printer.h"

#include <fmt/format.h>

#include <algorithm>
#include <optional>

#include "stocktake/process/lazy_consensus.h"
#include "stocktake/process/stage_criteria.h"
#include "stocktake/util/limits.h"
#include "stocktake/util/text.h"

namespace stocktake::view {
namespace {

std::string OrNone(const std::string& text) { return text.empty() ? "(none)" : text; }

std::string DateText(const std::optional<Timestamp>& at) {
  return at ? FormatTimestamp(*at).substr(0, 10) : std::string("(no date)");
}

void PrintEvidence(std::ostream& out, const LinkedEvidence& evidence) {
  if (evidence.links == 0) return;
  out << fmt::format(
      "  evidence   {} links, last activity {}\n", evidence.links,
      evidence.last_activity ? FormatTimestamp(*evidence.last_activity) : std::string("unknown"));
  for (const auto& one : evidence.series) {
    std::string who;
    for (const char* key : kReviewTrailers) {
      auto found = one.people.find(key);
      if (found == one.people.end() || found->second.empty()) continue;
      who += fmt::format("; {} {}", key, fmt::join(found->second, ", "));
    }
    out << fmt::format("    series v{} {}{}{}\n", one.version, one.name,
                       one.received_all ? "" : " (incomplete)", who);
  }
  for (const auto& one : evidence.messages) {
    out << fmt::format("    mail   {} {}\n", one.subject, one.message_id);
  }
  for (const auto& one : evidence.commits) {
    out << fmt::format("    commit {} {}\n", one.sha.substr(0, 12), one.subject);
  }
}

void PrintFeaturePage(std::ostream& out, const Feature& feature) {
  out << fmt::format("{}\n  slug       {}\n  release    {}\n  status     {}\n",
                     feature.DisplayName(), feature.slug, feature.release, feature.status);
  auto line = [&out](const char* label, const std::string& value) {
    if (!value.empty()) out << fmt::format("  {:<10} {}\n", label, value);
  };
  line("parent", feature.parent);
  line("code bases", Join(feature.code_bases, ", "));
  line("owners", Join(feature.owners, ", "));
  line("depends on", Join(feature.depends_on, ", "));
  if (feature.external) line("external", "yes");
  if (feature.must_have) line("must-have", "yes");
  if (feature.removed) line("removed", "yes ('stocktake feature restore' puts it back)");
  line("remark", feature.remark);
  line("short", feature.short_title);
  line("protocol", feature.protocol);
  line("exception", feature.freeze_exception);
  line("notes", feature.notes);
  line("updated", FormatTimestamp(feature.updated_at));
  if (!feature.history.empty()) out << "  history\n";
  for (const auto& change : feature.history) {
    out << fmt::format("    {}  {:<28} {} -> {}{}\n", FormatTimestamp(change.at), change.by,
                       change.from.empty() ? "(new)" : change.from, change.to,
                       change.reason.empty() ? "" : ": " + change.reason);
  }
}

void PrintEntryCriteria(std::ostream& out, const Protocol& protocol,
                        const ProtocolProcess& process) {
  const StageDefinition* next = process.NextStage(protocol.stage);
  if (next == nullptr) {
    out << "  entry criteria: none (the last stage)\n";
    return;
  }
  out << fmt::format("  entry criteria for {}\n", next->name);
  for (const auto& result : EvaluateEntryCriteria(protocol, *next)) {
    out << fmt::format("    [{}] {}: {}\n", result.met ? "met" : "missing", result.id,
                       result.detail);
    if (result.waived) {
      out << fmt::format("        waived by {}: {}\n", result.waived_by, result.waiver_reason);
    }
  }
}

void PrintProtocolHead(std::ostream& out, const Protocol& protocol,
                       const ProtocolProcess& process) {
  out << protocol.name;
  if (!protocol.summary.empty()) out << " - " << protocol.summary;
  out << '\n';
  auto entered = protocol.StageEnteredAt();
  out << fmt::format("  stage        {}{}\n", process.StageName(protocol.stage),
                     entered ? " (since " + FormatDate(DayOf(*entered)) + ")" : "");
  std::string doc = protocol.design_doc.path;
  if (!protocol.design_doc.commit.empty()) doc += ", commit " + protocol.design_doc.commit;
  out << fmt::format("  design doc   {}\n", OrNone(doc));
  out << fmt::format("  version      {}\n", OrNone(protocol.version));
  out << fmt::format("  compat       {}\n", OrNone(protocol.compat_promises));
  if (!protocol.owners.empty()) {
    out << fmt::format("  owners       {}\n", Join(protocol.owners, ", "));
  }
  if (!protocol.implementations.empty()) out << "  implementations\n";
  for (const auto& implementation : protocol.implementations) {
    out << fmt::format(
        "    {} {}: {}{}\n", implementation.code_base, ImplementationRoleName(implementation.role),
        ImplementationStateName(implementation.state),
        implementation.refs.empty() ? "" : " (" + Join(implementation.refs, ", ") + ")");
  }
}

void PrintProtocolPage(std::ostream& out, const ProtocolState& state) {
  const Protocol& protocol = state.protocol;
  PrintProtocolHead(out, protocol, state.process);
  PrintEntryCriteria(out, protocol, state.process);
  if (!protocol.waivers.empty()) out << "  waivers\n";
  for (const auto& waiver : protocol.waivers) {
    out << fmt::format("    {}/{} by {} at {}: {}\n", waiver.stage, waiver.criterion, waiver.by,
                       FormatTimestamp(waiver.at), waiver.reason);
  }
  if (!protocol.history.empty()) out << "  history\n";
  for (const auto& change : protocol.history) {
    out << fmt::format(
        "    {}  {} -> {} by {}{}{}\n", FormatTimestamp(change.at),
        change.from.empty() ? "(new)" : change.from, change.to, change.by,
        change.proposal_id != 0 ? fmt::format(" (proposal {})", change.proposal_id) : "",
        change.reason.empty() ? "" : ": " + change.reason);
  }
  bool header = false;
  for (const auto& proposal : state.proposals) {
    if (proposal.protocol != protocol.name) continue;
    if (!header) out << "  proposals\n";
    header = true;
    out << fmt::format(
        "    {}  to {}: {}\n", proposal.id, proposal.to_stage,
        ProposalStateName(EvaluateProposal(proposal, state.process, state.now).state));
  }
}

// Each objection with its whole conversation in order: who raised it, every
// answer, reply, confirmation, withdrawal and resolution with who and when,
// then its state now.
void PrintObjections(std::ostream& out, const Proposal& proposal, const ProposalStatus& status) {
  if (!status.objections.empty()) out << "  objections\n";
  for (const auto& objection : status.objections) {
    out << fmt::format("    {}  {}, raised by {} at {}: {}\n", objection.id,
                       ObjectionStateName(objection.state), objection.by,
                       FormatTimestamp(objection.raised_at), objection.reason);
    for (const auto& action : proposal.actions) {
      if (action.objection_id != objection.id || action.kind == ProposalActionKind::kObject) {
        continue;
      }
      out << fmt::format("        {} by {} at {}{}\n", ProposalActionKindName(action.kind),
                         action.by, FormatTimestamp(action.at),
                         action.text.empty() ? "" : ": " + action.text);
    }
    if (objection.answered_at) {
      out << fmt::format("        answered {}, {} {}\n", FormatTimestamp(*objection.answered_at),
                         objection.state == ObjectionState::kLapsed ? "lapsed" : "lapses",
                         FormatTimestamp(*objection.lapses_at));
    }
  }
}

void PrintProposalPage(std::ostream& out, const ProposalState& view) {
  const Proposal& proposal = view.proposal;
  const ProtocolProcess& process = view.process;
  ProposalStatus status = EvaluateProposal(proposal, process, view.now);
  out << fmt::format("Proposal {}: {} {} -> {}\n", proposal.id, proposal.protocol,
                     process.StageName(proposal.from_stage), process.StageName(proposal.to_stage));
  out << fmt::format("  state        {} (as of {})\n", ProposalStateName(status.state),
                     FormatTimestamp(view.now));
  out << fmt::format("  proposer     {}\n", proposal.proposer);
  if (!proposal.thread.empty()) out << fmt::format("  thread       {}\n", proposal.thread);
  out << fmt::format("  opened       {}\n", FormatTimestamp(proposal.opened_at));
  out << fmt::format("  window       {}, ends {}\n",
                     FormatTimeSpan(ProposalWindow(proposal, process)),
                     FormatTimestamp(status.window_ends));
  if (status.passed_at) {
    out << fmt::format("  passed       {}\n", FormatTimestamp(*status.passed_at));
  }
  if (status.next_change) {
    out << fmt::format("  next change  {}\n", FormatTimestamp(*status.next_change));
  }
  PrintObjections(out, proposal, status);
  if (status.decision) {
    out << fmt::format("  decision     {} by {} at {}{}\n",
                       ProposalActionKindName(status.decision->kind), status.decision->by,
                       FormatTimestamp(status.decision->at),
                       status.decision->text.empty() ? "" : ": " + status.decision->text);
  }
}

// Replies deeper than kMaxThreadIndent are indented no further and say their
// depth: a chain of 50,000 replies printed 2.5 GB of indentation.
void PrintThreadEntry(std::ostream& out, const ThreadEntry& node, const std::string& wanted) {
  auto depth = static_cast<std::size_t>(std::max(node.depth, 0));
  std::string indent(std::min(depth, kMaxThreadIndent) * 2, ' ');
  if (depth > kMaxThreadIndent) indent += fmt::format("[depth {}] ", depth);
  if (!node.message) {
    out << fmt::format("{}(not received) <{}>\n", indent, node.message_id);
    return;
  }
  const EvidenceMessage& one = *node.message;
  std::string trailers;
  for (const auto& trailer : one.trailers) {
    if (trailer.canonical_key == "signed-off-by") continue;
    trailers += fmt::format(" [{}: {}]", trailer.key,
                            trailer.person.email.empty() ? trailer.value : trailer.person.email);
  }
  out << fmt::format("{}{}  {}  {}{}{}\n", indent, DateText(one.date),
                     one.from.email.empty() ? one.from.name : one.from.email, one.subject, trailers,
                     one.message_id == wanted ? "  <==" : "");
}

// One event as `feature history` and `log` print it.
std::string EventLine(const Event& event, bool backdated) {
  std::string change = event.from.empty() ? event.to : event.from + " -> " + event.to;
  return fmt::format(
      "{}  {:<28} {:<17} {}{}{}{}\n", FormatTimestamp(event.at), event.actor, event.kind, change,
      event.reason.empty() ? "" : ": " + event.reason,
      event.detail.empty() ? "" : "  " + event.detail,
      backdated ? "  (backdated: recorded " + FormatTimestamp(event.recorded_at) + ")" : "");
}

}  // namespace

void TextPrinter::Print(const PersonList& view) {
  for (const auto& person : view.people) {
    std::vector<std::string> roles;
    for (Role role : person.roles) roles.emplace_back(RoleName(role));
    out_ << fmt::format("{:<40} {}\n", person.Mailbox(), fmt::join(roles, ", "));
  }
  if (view.people.empty()) out_ << "No people yet: add one with 'stocktake person add'.\n";
}

void TextPrinter::Print(const ReleaseList& view) {
  if (view.releases.empty()) {
    out_ << "No releases yet: import a project file or 'stocktake release add'.\n";
  }
  for (const auto& item : view.releases) {
    out_ << fmt::format("{:<10} start {}  freeze {}  release {}{}\n", item.version,
                        FormatDate(item.start), FormatDate(item.freeze), FormatDate(item.release),
                        item.schedule_changes.empty()
                            ? ""
                            : fmt::format("  ({} slip(s))", item.schedule_changes.size()));
  }
}

void TextPrinter::Print(const ReleaseShow& view) {
  const Release& item = view.release;
  out_ << fmt::format("Release {}\n  start    {}\n  freeze   {}\n  release  {}\n", item.version,
                      FormatDate(item.start), FormatDate(item.freeze), FormatDate(item.release));
  out_ << fmt::format("  as of {}: {}\n", FormatDate(DayOf(view.as_of)), view.position.sentence);
  out_ << "  features:";
  for (const auto& status : view.status_ids) {
    auto found = view.features_by_status.find(status);
    out_ << fmt::format(" {} {}", found == view.features_by_status.end() ? 0 : found->second,
                        status);
  }
  out_ << '\n';
  for (const auto& change : item.schedule_changes) {
    out_ << fmt::format("  slipped {} by {}: freeze {} -> {}, release {} -> {}: {}\n",
                        FormatDate(DayOf(change.at)), change.by, FormatDate(change.old_freeze),
                        FormatDate(change.new_freeze), FormatDate(change.old_release),
                        FormatDate(change.new_release), change.reason);
  }
  for (const auto& shown : view.interventions) {
    const Intervention& done = shown.intervention;
    out_ << fmt::format("  intervention: {} {} by {}: {}\n", InterventionKindName(done.kind),
                        FormatDate(DayOf(done.at)), done.by, done.text);
    for (const auto& effect : shown.effects) {
      out_ << fmt::format("    {}: {} -> {}\n", effect.title,
                          effect.then.empty() ? "(not yet added)" : effect.then,
                          effect.now.empty() ? "(gone)" : effect.now);
    }
  }
  if (item.shipped) {
    out_ << fmt::format("  released {} (recorded by {}){}{}\n", FormatDate(item.shipped->date),
                        item.shipped->by, item.shipped->note.empty() ? "" : ": ",
                        item.shipped->note);
  }
}

void TextPrinter::Print(const FeatureList& view) {
  for (const auto& item : view.features) {
    out_ << fmt::format("{:<48} {:<8} {:<9} {}{}\n", item.slug, item.release, item.status,
                        item.parent.empty() ? "" : "  - ", item.DisplayName());
  }
  if (view.features.empty()) out_ << "No features match.\n";
}

void TextPrinter::Print(const FeatureShow& view) {
  PrintFeaturePage(out_, view.feature);
  PrintEvidence(out_, view.evidence);
}

void TextPrinter::Print(const EventLog& view) {
  // A change recorded after one that takes effect later was backdated: it
  // shows when it was recorded too.
  std::vector<bool> backdated(view.events.size(), false);
  std::optional<Timestamp> first_recorded_later;
  for (std::size_t i = view.events.size(); i-- > 0;) {
    const Event& event = view.events[i];
    backdated[i] = first_recorded_later && event.recorded_at > *first_recorded_later;
    if (!first_recorded_later || event.recorded_at < *first_recorded_later) {
      first_recorded_later = event.recorded_at;
    }
  }
  for (std::size_t i = 0; i < view.events.size(); ++i) {
    out_ << EventLine(view.events[i], backdated[i]);
  }
}

void TextPrinter::Print(const EventFeed& view) {
  // In the order of recording, a change that takes effect before one
  // recorded earlier was backdated.
  std::optional<Timestamp> latest;
  for (const Event& event : view.events) {
    out_ << fmt::format("{:>6}  ", event.id) << EventLine(event, latest && event.at < *latest);
    if (!latest || event.at > *latest) latest = event.at;
  }
  if (view.next) out_ << fmt::format("more: stocktake log --after {}\n", *view.next);
}

void TextPrinter::Print(const ReleaseCheck& view) {
  for (const auto& alert : view.alerts) {
    out_ << fmt::format("{}: [{}] {}\n    what to do: {}\n", alert.subject, alert.rule,
                        alert.message, alert.action);
  }
  if (view.alerts.empty()) {
    out_ << fmt::format("No alerts for {} as of {}.\n", view.version,
                        FormatDate(DayOf(view.as_of)));
  } else {
    out_ << fmt::format("{} alert(s) for {} as of {}.\n", view.alerts.size(), view.version,
                        FormatDate(DayOf(view.as_of)));
  }
}

void TextPrinter::Print(const ImportReport& view) {
  const ImportSummary& summary = view.summary;
  out_ << fmt::format(
      "Imported {} into {}: {} release(s) added, {} updated; {} feature(s) added, {} updated, "
      "{} unchanged; {} people saved; {} protocol(s) added, {} updated; {} proposal(s) added, "
      "{} updated; {} event(s) recorded.\n",
      view.file, view.database, summary.releases_added, summary.releases_updated,
      summary.features_added, summary.features_updated, summary.features_unchanged,
      summary.people_saved, summary.protocols_added, summary.protocols_updated,
      summary.proposals_added, summary.proposals_updated, summary.events_written);
  if (!summary.first_admin.empty()) {
    out_ << fmt::format(
        "{} is the first admin of {}: the import initialised it, and only an admin grants roles "
        "('stocktake person add EMAIL --role ROLE').\n",
        summary.first_admin, view.database);
  }
}

namespace {

// A value of a plan as JSON text on one line: quoted, so an empty one shows,
// and cut short when long (the JSON output has it whole).
std::string PlanValue(const nlohmann::json& value) {
  std::string text = value.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
  constexpr size_t kLimit = 60;
  if (text.size() <= kLimit) return text;
  size_t cut = kLimit;
  while (cut > 0 && (static_cast<unsigned char>(text[cut]) & 0xC0) == 0x80) --cut;
  return text.substr(0, cut) + "...";
}

}  // namespace

void TextPrinter::Print(const ImportDryRun& view) {
  const ImportPreview& plan = view.plan;
  out_ << fmt::format("Plan of importing {} into {} (nothing written):\n", plan.file,
                      view.database);
  for (const auto& item : plan.items) {
    out_ << fmt::format("  {:<7} {} {} (as of {})\n", ImportActionName(item.action), item.kind,
                        item.name, FormatTimestamp(item.as_of));
    for (const auto& change : item.changes) {
      out_ << fmt::format("            {}: {} -> {} at {}{}\n", change.field,
                          PlanValue(change.from), PlanValue(change.to), FormatTimestamp(change.at),
                          change.overwrite ? ", overwriting a newer value" : "");
    }
    for (const auto& note : item.notes) out_ << fmt::format("            note: {}\n", note);
  }
  const ImportUntouched& untouched = plan.untouched;
  out_ << fmt::format(
      "Not in the file, left as they are: {} release(s), {} feature(s), {} people, {} "
      "protocol(s), {} proposal(s).\n",
      untouched.releases, untouched.features, untouched.people, untouched.protocols,
      untouched.proposals);
  if (!plan.conflicts.empty()) {
    out_ << fmt::format(
        "{} conflict(s): values the database changed after the file's record "
        "of them{}:\n",
        plan.conflicts.size(), view.prefer_file ? " (--prefer file overwrites them)" : "");
    out_ << DescribeConflicts(plan.conflicts);
  }
  if (!plan.conflicts.empty() && !view.prefer_file) {
    out_ << "The import would be refused: nothing would be written without --prefer file.\n";
  } else {
    out_ << fmt::format("{} event(s) would be recorded.\n", plan.events);
  }
}

void TextPrinter::Print(const TakingStock& view) { out_ << RenderTakingStockText(view); }

void TextPrinter::Print(const ProtocolList& view) {
  for (const auto& protocol : view.protocols) {
    auto entered = protocol.StageEnteredAt();
    out_ << fmt::format("{:<14} {:<12} {:<11} {}\n", protocol.name,
                        view.process.StageName(protocol.stage),
                        entered ? FormatDate(DayOf(*entered)) : "", protocol.summary);
  }
  if (view.protocols.empty()) {
    out_ << "No protocols yet: add one with 'stocktake protocol add NAME'.\n";
  }
}

void TextPrinter::Print(const ProtocolShow& view) {
  PrintProtocolPage(out_, view.state);
  PrintEvidence(out_, view.evidence);
}

void TextPrinter::Print(const ProposalList& view) {
  for (const auto& proposal : view.proposals) {
    ProposalStatus status = EvaluateProposal(proposal, view.process, view.now);
    out_ << fmt::format("{:>4}  {:<14} {:<11} -> {:<11} {:<9} window ends {}\n", proposal.id,
                        proposal.protocol, proposal.from_stage, proposal.to_stage,
                        ProposalStateName(status.state), FormatTimestamp(status.window_ends));
  }
  if (view.proposals.empty()) {
    out_ << "No proposals: open one with 'stocktake propose PROTOCOL'.\n";
  }
}

void TextPrinter::Print(const ProposalState& view) { PrintProposalPage(out_, view); }

void TextPrinter::Print(const LifecycleCheck& view) {
  for (const auto& alert : view.alerts) {
    out_ << fmt::format("{}: [{}] {}\n    what to do: {}\n", alert.subject, alert.rule,
                        alert.message, alert.action);
  }
  out_ << fmt::format("{} lifecycle alert(s) as of {}.\n", view.alerts.size(),
                      FormatDate(DayOf(view.as_of)));
}

void TextPrinter::Print(const DesignCheckShow& view) {
  out_ << RenderDesignCheckText(view.check, view.document);
}

void TextPrinter::Print(const SupportMatrix& view) {
  std::string text = RenderSupportMatrix(view, MatrixFormat::kText);
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  out_ << text;
}

void TextPrinter::Print(const SeriesList& view) {
  for (const auto& one : view.series) {
    int acks = 0, reviews = 0, naks = 0;
    for (const auto& trailer : one.trailers) {
      const std::string& key = trailer.trailer.canonical_key;
      acks += key == "acked-by";
      reviews += key == "reviewed-by";
      naks += key == "nacked-by";
    }
    out_ << fmt::format("{}  v{:<2} {:>2}/{:<2}{} {}  ({}; {} acked, {} reviewed, {} nacked)\n",
                        DateText(one.date), one.version, one.patches.size(), one.total,
                        one.received_all() ? " " : "!", one.name, one.submitter.email, acks,
                        reviews, naks);
  }
}

void TextPrinter::Print(const ThreadShow& view) {
  for (const auto& node : view.nodes) PrintThreadEntry(out_, node, view.wanted);
}

void TextPrinter::Print(const EvidenceStats& view) {
  out_ << fmt::format("messages  {}\nthreads   {}\nseries    {}\ncommits   {}\nlinks     {}\n",
                      view.messages, view.threads, view.series, view.commits, view.links);
  out_ << "trailers (occurrences, commits carrying it)\n";
  for (const auto& [key, count] : view.trailers) {
    auto it = view.commits_with_trailer.find(key);
    out_ << fmt::format("  {:<24} {:>8} {:>8}\n", key, count,
                        it == view.commits_with_trailer.end() ? 0 : it->second);
  }
}

void TextPrinter::Print(const DraftObjectionList& view) {
  for (const auto& draft : view.drafts) {
    out_ << fmt::format("proposal {}  {}  {}  {}  <{}>  {}\n", draft.proposal_id,
                        FormatTimestamp(draft.at), draft.state, draft.by, draft.message_id,
                        draft.text);
  }
}

void TextPrinter::Print(const IngestReport& view) {
  const IngestSummary& summary = view.summary;
  if (summary.kind == "git") {
    out_ << fmt::format(
        "ingest git: {} commits read, {} added, {} trailers, {} links, {} criteria filled "
        "({:.2f} s)\n",
        summary.commits_read, summary.commits_added, summary.trailers, summary.links,
        summary.criteria_filled, view.seconds);
    return;
  }
  out_ << fmt::format(
      "ingest {}: {} messages read, {} added, {} duplicates, {} skipped; {} threads, {} series, "
      "{} links, {} draft objections ({:.2f} s)\n",
      summary.kind, summary.messages_read, summary.messages_added, summary.duplicates,
      summary.skipped.size(), summary.threads, summary.series, summary.links,
      summary.draft_objections, view.seconds);
}

void TextPrinter::Print(const Changed<InitDone>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<MigrateDone>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<Person>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<Release>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<Intervention>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<Feature>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<ProtocolState>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<ProposalState>& view) {
  const ProposalState& state = view.value;
  ProposalStatus status = EvaluateProposal(state.proposal, state.process, state.now);
  out_ << fmt::format("{} Proposal {} is {}.\n", view.message, state.proposal.id,
                      ProposalStateName(status.state));
}

void TextPrinter::Print(const Changed<ObjectionRaised>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const Changed<DraftSettled>& view) { out_ << view.message << '\n'; }

void TextPrinter::Print(const TokenList& view) {
  if (view.tokens.empty()) {
    out_ << "No tokens yet: make one with 'stocktake token create --name NAME'.\n";
    return;
  }
  out_ << fmt::format("{:>4}  {:<24} {:<5}  {:<7}  {:<20}  {}\n", "ID", "NAME", "SCOPE", "STATE",
                      "CREATED", "EXPIRES");
  for (const ApiToken& token : view.tokens) {
    out_ << fmt::format("{:>4}  {:<24} {:<5}  {:<7}  {:<20}  {}\n", token.id, token.name,
                        TokenScopeName(token.scope), TokenState(token, view.now),
                        FormatTimestamp(token.created_at),
                        token.expires_at ? FormatTimestamp(*token.expires_at) : "never");
  }
}

void TextPrinter::Print(const Changed<NewToken>& view) {
  out_ << view.message << '\n'
       << view.value.secret << '\n'
       << "It is shown only this once: store it where your scripts read it.\n";
}

void TextPrinter::Print(const Changed<ApiToken>& view) { out_ << view.message << '\n'; }

}  // namespace stocktake::view
