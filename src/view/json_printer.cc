#include "stocktake/view/json_printer.h"

#include "stocktake/view/evidence_json.h"
#include "stocktake/view/json_views.h"
#include "stocktake/view/lifecycle_json.h"

namespace stocktake::view {
namespace {

nlohmann::json Instant(const std::optional<Timestamp>& at) {
  return at ? nlohmann::json(FormatTimestamp(*at)) : nlohmann::json(nullptr);
}

nlohmann::json OrNull(const std::string& text) {
  return text.empty() ? nlohmann::json(nullptr) : nlohmann::json(text);
}

template <typename T, typename F>
nlohmann::json Array(const std::vector<T>& items, F to_json) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& item : items) out.push_back(to_json(item));
  return out;
}

nlohmann::json LinkedSeriesJson(const LinkedSeries& one) {
  nlohmann::json item = {{"id", one.id},
                         {"name", one.name},
                         {"version", one.version},
                         {"date", Instant(one.date)},
                         {"received_all", one.received_all},
                         {"lineage", one.lineage}};
  for (const auto& [key, people] : one.people) item[key] = people;
  return item;
}

nlohmann::json ThreadEntryJson(const ThreadEntry& node) {
  if (!node.message) {
    return {{"message_id", node.message_id},
            {"parent", OrNull(node.parent_id)},
            {"depth", node.depth},
            {"ghost", true}};
  }
  nlohmann::json item = EvidenceMessageJson(*node.message);
  item["parent"] = OrNull(node.parent_id);
  item["depth"] = node.depth;
  item["ghost"] = false;
  return item;
}

nlohmann::json IngestSummaryJson(const IngestSummary& summary, double seconds) {
  nlohmann::json skipped = nlohmann::json::array();
  for (const auto& failure : summary.skipped) {
    skipped.push_back({{"file", failure.file},
                       {"offset", failure.offset},
                       {"error", failure.error.message()},
                       {"incomplete", failure.cut_off}});
  }
  return {{"kind", summary.kind},
          {"sources", summary.sources},
          {"sources_unchanged", summary.sources_unchanged},
          {"bytes", summary.bytes},
          {"messages_read", summary.messages_read},
          {"messages_added", summary.messages_added},
          {"duplicates", summary.duplicates},
          {"skipped", std::move(skipped)},
          {"commits_read", summary.commits_read},
          {"commits_added", summary.commits_added},
          {"threads", summary.threads},
          {"series", summary.series},
          {"trailers", summary.trailers},
          {"links", summary.links},
          {"features_touched", summary.features_touched},
          {"criteria_filled", summary.criteria_filled},
          {"draft_objections", summary.draft_objections},
          {"event_id", summary.event_id},
          {"seconds", seconds}};
}

nlohmann::json ImportSummaryJson(const ImportReport& view) {
  const ImportSummary& summary = view.summary;
  return {{"file", view.file},
          {"releases_added", summary.releases_added},
          {"releases_updated", summary.releases_updated},
          {"features_added", summary.features_added},
          {"features_updated", summary.features_updated},
          {"features_unchanged", summary.features_unchanged},
          {"people_saved", summary.people_saved},
          {"protocols_added", summary.protocols_added},
          {"protocols_updated", summary.protocols_updated},
          {"proposals_added", summary.proposals_added},
          {"proposals_updated", summary.proposals_updated},
          {"events_written", summary.events_written},
          {"first_admin", summary.first_admin.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(summary.first_admin)}};
}

nlohmann::json ImportDryRunJson(const ImportDryRun& view) {
  const ImportPreview& plan = view.plan;
  nlohmann::json items = Array(plan.items, [](const ImportItem& item) {
    nlohmann::json changes = Array(item.changes, [](const ImportFieldChange& change) {
      return nlohmann::json{{"field", change.field},
                            {"from", change.from},
                            {"to", change.to},
                            {"at", FormatTimestamp(change.at)},
                            {"overwrite", change.overwrite}};
    });
    return nlohmann::json{
        {"action", ImportActionName(item.action)}, {"kind", item.kind},  {"name", item.name},
        {"as_of", FormatTimestamp(item.as_of)},    {"changes", changes}, {"notes", item.notes}};
  });
  nlohmann::json conflicts = Array(plan.conflicts, [](const ImportConflict& conflict) {
    return nlohmann::json{
        {"kind", conflict.kind},
        {"name", conflict.name},
        {"field", conflict.field},
        {"database",
         {{"value", conflict.database_value},
          {"at", FormatTimestamp(conflict.database_at)},
          {"by", conflict.database_by}}},
        {"file",
         {{"value", conflict.file_value}, {"as_of", FormatTimestamp(conflict.file_as_of)}}}};
  });
  const ImportUntouched& untouched = plan.untouched;
  return {{"file", plan.file},
          {"database", view.database},
          {"written", false},
          {"prefer_file", view.prefer_file},
          {"refused", !plan.conflicts.empty() && !view.prefer_file},
          {"items", items},
          {"conflicts", conflicts},
          {"untouched",
           {{"releases", untouched.releases},
            {"features", untouched.features},
            {"people", untouched.people},
            {"protocols", untouched.protocols},
            {"proposals", untouched.proposals}}},
          {"events", plan.events}};
}

nlohmann::json DraftObjectionJson(const DraftObjection& draft) {
  return {{"message_id", draft.message_id},
          {"proposal", draft.proposal_id},
          {"by", draft.by},
          {"at", FormatTimestamp(draft.at)},
          {"text", draft.text},
          {"state", draft.state}};
}

nlohmann::json TokenJson(const ApiToken& token, Timestamp now) {
  return {{"id", token.id},
          {"name", token.name},
          {"person", token.person},
          {"scope", TokenScopeName(token.scope)},
          {"state", TokenState(token, now)},
          {"created_at", FormatTimestamp(token.created_at)},
          {"expires_at", Instant(token.expires_at)},
          {"revoked_at", Instant(token.revoked_at)}};
}

nlohmann::json ProtocolStateJson(const ProtocolState& state) {
  return ProtocolJson(state.protocol, state.process, state.proposals, state.now);
}

}  // namespace

std::string DumpJson(const nlohmann::json& value) {
  // Stored text can hold bytes that are not UTF-8 (older databases, mail);
  // nlohmann throws on them by default, which would abort the program.
  return value.dump(2, ' ', false, nlohmann::json::error_handler_t::replace);
}

nlohmann::json LinkedEvidenceJson(const LinkedEvidence& evidence) {
  nlohmann::json commits = Array(evidence.commits, [](const LinkedCommit& commit) {
    return nlohmann::json{{"sha", commit.sha},
                          {"subject", commit.subject},
                          {"date", FormatTimestamp(commit.date)},
                          {"paths", commit.paths}};
  });
  return {{"last_activity", Instant(evidence.last_activity)},
          {"links", evidence.links},
          {"series", Array(evidence.series, LinkedSeriesJson)},
          {"messages", Array(evidence.messages, EvidenceMessageJson)},
          {"commits", std::move(commits)}};
}

void JsonPrinter::Write(const nlohmann::json& value) { out_ << DumpJson(value) << '\n'; }

void JsonPrinter::Print(const PersonList& view) { Write(Array(view.people, PersonJson)); }

void JsonPrinter::Print(const ReleaseList& view) { Write(Array(view.releases, ReleaseJson)); }

void JsonPrinter::Print(const ReleaseShow& view) {
  nlohmann::json json = ReleaseJson(view.release);
  json["as_of"] = FormatTimestamp(view.as_of);
  json["schedule_sentence"] = view.position.sentence;
  json["days_to_freeze"] = view.position.days_to_freeze;
  json["features_by_status"] = view.features_by_status;
  nlohmann::json interventions = nlohmann::json::array();
  for (const auto& shown : view.interventions) {
    nlohmann::json effects = nlohmann::json::array();
    for (const auto& effect : shown.effects) {
      effects.push_back({{"slug", effect.slug},
                         {"title", effect.title},
                         {"then", effect.then},
                         {"now", effect.now}});
    }
    interventions.push_back({{"at", FormatTimestamp(shown.intervention.at)},
                             {"by", shown.intervention.by},
                             {"kind", shown.intervention.kind},
                             {"text", shown.intervention.text},
                             {"effects", std::move(effects)}});
  }
  json["interventions"] = std::move(interventions);
  Write(json);
}

void JsonPrinter::Print(const FeatureList& view) { Write(Array(view.features, FeatureJson)); }

void JsonPrinter::Print(const FeatureShow& view) {
  nlohmann::json json = FeatureJson(view.feature);
  json["evidence"] = LinkedEvidenceJson(view.evidence);
  Write(json);
}

void JsonPrinter::Print(const EventLog& view) { Write(Array(view.events, EventJson)); }

void JsonPrinter::Print(const EventFeed& view) {
  Write({{"events", Array(view.events, EventJson)},
         {"next", view.next ? nlohmann::json(*view.next) : nlohmann::json(nullptr)}});
}

void JsonPrinter::Print(const ReleaseCheck& view) {
  Write({{"version", view.version},
         {"as_of", FormatTimestamp(view.as_of)},
         {"alerts", Array(view.alerts, AlertJson)}});
}

void JsonPrinter::Print(const ImportReport& view) { Write(ImportSummaryJson(view)); }

void JsonPrinter::Print(const ImportDryRun& view) { Write(ImportDryRunJson(view)); }

void JsonPrinter::Print(const TakingStock& view) { Write(RenderTakingStockJson(view)); }

void JsonPrinter::Print(const ProtocolList& view) {
  Write(Array(view.protocols, [&](const Protocol& protocol) {
    return ProtocolJson(protocol, view.process, view.proposals, view.now);
  }));
}

void JsonPrinter::Print(const ProtocolShow& view) {
  nlohmann::json json = ProtocolStateJson(view.state);
  json["evidence"] = LinkedEvidenceJson(view.evidence);
  Write(json);
}

void JsonPrinter::Print(const ProposalList& view) {
  Write(Array(view.proposals, [&](const Proposal& proposal) {
    return ProposalJson(proposal, view.process, view.now);
  }));
}

void JsonPrinter::Print(const ProposalState& view) {
  Write(ProposalJson(view.proposal, view.process, view.now));
}

void JsonPrinter::Print(const LifecycleCheck& view) {
  Write(
      {{"as_of", FormatTimestamp(view.as_of)}, {"alerts", Array(view.alerts, LifecycleAlertJson)}});
}

void JsonPrinter::Print(const DesignCheckShow& view) {
  Write(DesignCheckToJson(view.check, view.document));
}

void JsonPrinter::Print(const SupportMatrix& view) { Write(SupportMatrixToJson(view)); }

void JsonPrinter::Print(const SeriesList& view) { Write(Array(view.series, EvidenceSeriesJson)); }

void JsonPrinter::Print(const ThreadShow& view) {
  Write({{"root", view.root},
         {"subject", view.subject},
         {"message_count", view.message_count},
         {"messages", Array(view.nodes, ThreadEntryJson)}});
}

void JsonPrinter::Print(const EvidenceStats& view) { Write(EvidenceStatsJson(view)); }

void JsonPrinter::Print(const DraftObjectionList& view) {
  Write(Array(view.drafts, DraftObjectionJson));
}

void JsonPrinter::Print(const IngestReport& view) {
  Write(IngestSummaryJson(view.summary, view.seconds));
}

void JsonPrinter::Print(const Changed<InitDone>& view) {
  Write({{"database", view.value.database},
         {"process", view.value.process},
         {"admin", view.value.admin}});
}

void JsonPrinter::Print(const Changed<MigrateDone>& view) {
  Write({{"database", view.value.database}, {"from", view.value.from}, {"to", view.value.to}});
}

void JsonPrinter::Print(const Changed<Person>& view) { Write(PersonJson(view.value)); }

void JsonPrinter::Print(const Changed<Release>& view) { Write(ReleaseJson(view.value)); }

void JsonPrinter::Print(const Changed<Intervention>& view) {
  Write({{"at", FormatTimestamp(view.value.at)},
         {"by", view.value.by},
         {"kind", view.value.kind},
         {"features", view.value.features},
         {"text", view.value.text}});
}

void JsonPrinter::Print(const Changed<Feature>& view) { Write(FeatureJson(view.value)); }

void JsonPrinter::Print(const Changed<ProtocolState>& view) {
  Write(ProtocolStateJson(view.value));
}

void JsonPrinter::Print(const Changed<ProposalState>& view) { Print(view.value); }

void JsonPrinter::Print(const Changed<ObjectionRaised>& view) {
  Write({{"id", view.value.id}, {"proposal", view.value.proposal}, {"state", "live"}});
}

void JsonPrinter::Print(const Changed<DraftSettled>& view) {
  Write({{"message_id", view.value.message_id},
         {"state", view.value.confirmed ? "confirmed" : "dismissed"},
         {"objection", view.value.objection}});
}

void JsonPrinter::Print(const TokenList& view) {
  nlohmann::json tokens = nlohmann::json::array();
  for (const ApiToken& token : view.tokens) tokens.push_back(TokenJson(token, view.now));
  Write(tokens);
}

void JsonPrinter::Print(const Changed<NewToken>& view) {
  nlohmann::json json = TokenJson(view.value.token, view.value.token.created_at);
  json["token"] = view.value.secret;
  Write(json);
}

void JsonPrinter::Print(const Changed<ApiToken>& view) {
  Write(TokenJson(view.value, view.value.revoked_at.value_or(view.value.created_at)));
}

}  // namespace stocktake::view
