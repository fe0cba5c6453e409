// The project file: Planning::Import checks a whole file against itself and
// the database, then writes it in one transaction; Planning::Export writes
// the whole project back.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "service/planning_internal.h"
#include "stocktake/process/lazy_consensus.h"
#include "stocktake/service/planning.h"
#include "stocktake/util/text.h"

namespace stocktake {

using planning_internal::ChangedFields;
using planning_internal::CheckCycles;
using planning_internal::FeatureIndex;
using planning_internal::MakeEvent;
using planning_internal::SameFeatureFields;

namespace {

bool HasChange(const std::vector<StatusChange>& history, const StatusChange& change) {
  return std::any_of(history.begin(), history.end(), [&](const StatusChange& other) {
    return other.at == change.at && other.to == change.to && other.from == change.from &&
           other.by == change.by;
  });
}

bool HasScheduleChange(const std::vector<ScheduleChange>& changes, const ScheduleChange& change) {
  return std::any_of(changes.begin(), changes.end(), [&](const ScheduleChange& other) {
    return other.at == change.at && other.new_freeze == change.new_freeze &&
           other.new_release == change.new_release;
  });
}

// Stored protocols the file leaves alone must still be at a stage the
// (possibly new) process knows.
Result<void> CheckProtocolStages(Store& store, const ProjectFile& file,
                                 const ProtocolProcess& lifecycle) {
  for (const auto& stored : ST_TRY(store.ListProtocols())) {
    bool in_file = std::any_of(file.protocols.begin(), file.protocols.end(),
                               [&](const Protocol& p) { return p.name == stored.name; });
    if (!in_file && lifecycle.FindStage(stored.stage) == nullptr) {
      return Fail(Error::InvalidArgument(fmt::format(
          "protocol {} in the database is at stage '{}', which the file's process drops: keep "
          "that stage or list the protocol in the file at another stage",
          stored.name, stored.stage)));
    }
  }
  return Ok();
}

bool SameProtocolFields(const Protocol& a, const Protocol& b) {
  auto same_implementations = [](const Protocol& x, const Protocol& y) {
    if (x.implementations.size() != y.implementations.size()) return false;
    for (size_t i = 0; i < x.implementations.size(); ++i) {
      const Implementation& left = x.implementations[i];
      const Implementation& right = y.implementations[i];
      if (left.code_base != right.code_base || left.role != right.role ||
          left.state != right.state || left.refs != right.refs) {
        return false;
      }
    }
    return true;
  };
  auto same_waivers = [](const Protocol& x, const Protocol& y) {
    if (x.waivers.size() != y.waivers.size()) return false;
    for (size_t i = 0; i < x.waivers.size(); ++i) {
      const CriterionWaiver& left = x.waivers[i];
      const CriterionWaiver& right = y.waivers[i];
      if (left.stage != right.stage || left.criterion != right.criterion || left.by != right.by ||
          left.at != right.at || left.reason != right.reason) {
        return false;
      }
    }
    return true;
  };
  return a.summary == b.summary && a.stage == b.stage && a.design_doc.path == b.design_doc.path &&
         a.design_doc.commit == b.design_doc.commit && a.version == b.version &&
         a.compat_promises == b.compat_promises && a.owners == b.owners &&
         same_implementations(a, b) && same_waivers(a, b);
}

// Writes the file's protocols: new ones with their whole history, known ones
// with their changed fields and the history entries the store lacks.
Result<void> ImportProtocols(Store& store, StoreWriter& writer, const Context& context,
                             const ProjectFile& file, ImportSummary& summary) {
  for (const auto& protocol : file.protocols) {
    auto existing = ST_TRY(store.FindProtocol(protocol.name));
    std::vector<StageChange> known = existing ? existing->history : std::vector<StageChange>{};
    if (!existing) {
      ST_TRY(writer.SaveProtocol(protocol));
      Event event = MakeEvent(context, event_kind::kProtocolAdded, "", protocol.name);
      event.to = protocol.stage;
      event.reason = fmt::format("imported from {}", file.file_name);
      ST_TRY(writer.AppendEvent(event));
      ++summary.events_written;
      ++summary.protocols_added;
    } else if (!SameProtocolFields(*existing, protocol)) {
      ST_TRY(writer.SaveProtocol(protocol));
      Event event = MakeEvent(context, event_kind::kProtocolUpdated, "", protocol.name);
      event.reason = fmt::format("imported from {}", file.file_name);
      ST_TRY(writer.AppendEvent(event));
      ++summary.events_written;
      ++summary.protocols_updated;
    }
    for (const auto& change : protocol.history) {
      bool recorded = std::any_of(known.begin(), known.end(), [&](const StageChange& other) {
        return other.at == change.at && other.to == change.to && other.from == change.from;
      });
      if (recorded) continue;
      ST_TRY(writer.AppendStageChange(protocol.name, change));
      Event event = MakeEvent(context, event_kind::kProtocolStage, "", protocol.name);
      event.at = change.at;
      if (!change.by.empty()) event.actor = change.by;
      event.from = change.from;
      event.to = change.to;
      event.reason = change.reason;
      ST_TRY(writer.AppendEvent(event));
      ++summary.events_written;
      known.push_back(change);
    }
  }
  return Ok();
}

bool SameAction(const ProposalAction& a, const ProposalAction& b) {
  return a.kind == b.kind && a.at == b.at && a.by == b.by && a.objection_id == b.objection_id &&
         a.text == b.text && a.message_id == b.message_id;
}

// What importing one proposal writes: the proposal itself when it is new, and
// the actions from `first_new_action` on.
struct ProposalPlan {
  const ProposalEntry* entry = nullptr;
  bool is_new = false;
  size_t first_new_action = 0;
};

// Checks the file's proposals against the database before anything is
// written: their protocols exist, their numbers are new or name the same
// proposal (whose recorded actions the file must start with), and an
// acceptance has its stage change in the protocol's history.
Result<std::vector<ProposalPlan>> PlanProposals(Store& store, const ProjectFile& file) {
  auto at = [&](FileMark mark) { return FormatMark(file.file_name, mark); };
  auto invalid = [&](FileMark mark, std::string message) {
    return Error::InvalidArgument(std::move(message)).WithContext(at(mark));
  };
  std::vector<ProposalPlan> plans;
  for (const auto& entry : file.proposals) {
    const Proposal& proposal = entry.proposal;
    auto in_file = std::find_if(file.protocols.begin(), file.protocols.end(),
                                [&](const Protocol& p) { return p.name == proposal.protocol; });
    std::optional<Protocol> protocol;
    if (in_file != file.protocols.end()) {
      protocol = *in_file;
    } else {
      protocol = ST_TRY(store.FindProtocol(proposal.protocol));
    }
    if (!protocol) {
      return Fail(invalid(entry.protocol_at,
                          fmt::format("proposal {} is about an unknown protocol '{}': list it "
                                      "under 'protocols:' or add it with 'stocktake protocol "
                                      "add {}'",
                                      proposal.id, proposal.protocol, proposal.protocol)));
    }
    ProposalPlan plan{&entry, true, 0};
    if (auto stored = ST_TRY(store.FindProposal(proposal.id))) {
      if (stored->protocol != proposal.protocol || stored->from_stage != proposal.from_stage ||
          stored->to_stage != proposal.to_stage || stored->proposer != proposal.proposer ||
          stored->thread != proposal.thread || stored->opened_at != proposal.opened_at ||
          stored->window != proposal.window) {
        return Fail(
            invalid(entry.at,
                    fmt::format("proposal {} in the database moves {} from {} to {}, proposed "
                                "by {} at {}; the file says otherwise: a proposal cannot be "
                                "changed, so make the file agree ('stocktake export' shows it)",
                                proposal.id, stored->protocol, stored->from_stage, stored->to_stage,
                                stored->proposer, FormatTimestamp(stored->opened_at))));
      }
      for (size_t i = 0; i < stored->actions.size(); ++i) {
        const ProposalAction& recorded = stored->actions[i];
        if (i >= proposal.actions.size() || !SameAction(recorded, proposal.actions[i])) {
          FileMark mark = i < entry.actions_at.size() ? entry.actions_at[i] : entry.at;
          return Fail(invalid(
              mark, fmt::format("proposal {} in the database has recorded action {} ({} by {} "
                                "at {}) here: actions are never changed or removed, so the file "
                                "must list the recorded ones first, in order ('stocktake export' "
                                "shows them)",
                                proposal.id, i + 1, ProposalActionKindName(recorded.kind),
                                recorded.by, FormatTimestamp(recorded.at))));
        }
      }
      plan.is_new = false;
      plan.first_new_action = stored->actions.size();
    } else if (auto owner = ST_TRY(store.FindProposalByObjection(proposal.id))) {
      return Fail(
          invalid(entry.at, fmt::format("number {} is objection {} of proposal {} in the database: "
                                        "proposals and objections share one sequence, so give "
                                        "this proposal another number",
                                        proposal.id, proposal.id, owner->id)));
    }
    for (size_t i = plan.first_new_action; i < proposal.actions.size(); ++i) {
      const ProposalAction& action = proposal.actions[i];
      if (action.kind == ProposalActionKind::kObject) {
        std::int64_t number = action.objection_id;
        auto owner = ST_TRY(store.FindProposalByObjection(number));
        bool proposal_number = ST_TRY(store.FindProposal(number)).has_value();
        if (owner || proposal_number) {
          return Fail(invalid(
              entry.actions_at[i],
              fmt::format("number {} is already {} in the database: proposals and objections "
                          "share one sequence, so give this objection another number",
                          number,
                          owner ? fmt::format("objection {} of proposal {}", number, owner->id)
                                : fmt::format("proposal {}", number))));
        }
      }
      if (action.kind == ProposalActionKind::kAccept) {
        std::vector<StageChange> history = protocol->history;
        if (auto stored = ST_TRY(store.FindProtocol(proposal.protocol))) {
          history.insert(history.end(), stored->history.begin(), stored->history.end());
        }
        bool moved = std::any_of(history.begin(), history.end(), [&](const StageChange& change) {
          return change.proposal_id == proposal.id && change.to == proposal.to_stage;
        });
        if (!moved) {
          return Fail(invalid(
              entry.actions_at[i],
              fmt::format("proposal {} is accepted, but the history of {} has no entry that "
                          "moves it to {} citing it: add {{at: {}, to: {}, proposal: {}}} to "
                          "its history",
                          proposal.id, proposal.protocol, proposal.to_stage,
                          FormatTimestamp(action.at), proposal.to_stage, proposal.id)));
        }
      }
    }
    if (plan.is_new || plan.first_new_action < proposal.actions.size()) plans.push_back(plan);
  }
  return plans;
}

// Writes what PlanProposals found new, with the events Lifecycle writes for
// the same steps, dated when they happened.
Result<void> WriteProposals(StoreWriter& writer, const Context& context,
                            const std::vector<ProposalPlan>& plans,
                            const ProtocolProcess& lifecycle, std::string_view file_name,
                            ImportSummary& summary) {
  for (const auto& plan : plans) {
    const Proposal& proposal = plan.entry->proposal;
    std::string imported = fmt::format("imported from {}", file_name);
    if (plan.is_new) {
      Proposal header = proposal;
      header.actions.clear();
      ST_TRY(writer.CreateProposal(header));
      Event event = MakeEvent(context, event_kind::kProposalOpened, "", proposal.protocol);
      event.at = proposal.opened_at;
      event.actor = proposal.proposer;
      event.from = proposal.from_stage;
      event.to = proposal.to_stage;
      event.reason = imported;
      event.detail = nlohmann::json{{"proposal", proposal.id},
                                    {"thread", proposal.thread},
                                    {"window", FormatTimeSpan(ProposalWindow(proposal, lifecycle))}}
                         .dump();
      ST_TRY(writer.AppendEvent(event));
      ++summary.events_written;
      ++summary.proposals_added;
    } else {
      ++summary.proposals_updated;
    }
    for (size_t i = plan.first_new_action; i < proposal.actions.size(); ++i) {
      const ProposalAction& action = proposal.actions[i];
      ST_TRY(writer.AppendProposalAction(proposal.id, action));
      Event event = MakeEvent(context, event_kind::kProposalAction, "", proposal.protocol);
      event.at = action.at;
      event.actor = action.by;
      event.to = std::string(ProposalActionKindName(action.kind));
      event.reason = action.text;
      nlohmann::json detail = {{"proposal", proposal.id}};
      if (action.objection_id != 0) detail["objection"] = action.objection_id;
      event.detail = detail.dump();
      ST_TRY(writer.AppendEvent(event));
      ++summary.events_written;
    }
  }
  return Ok();
}

}  // namespace

Result<ImportSummary> Planning::Import(const Context& context, std::string_view text,
                                       std::string_view file_name) {
  ImportSummary summary;
  auto write = [&](StoreWriter& writer) -> Result<void> {
    auto stored_project = ST_TRY(store_.LoadProject());
    const Process* fallback = stored_project ? &stored_project->process : nullptr;
    ProjectFile file = ST_TRY(ParseProjectFile(text, file_name, fallback));
    auto at = [&](FileMark mark) { return FormatMark(file_name, mark); };

    // Everything the file refers to must exist in the file or the database.
    std::vector<Feature> stored = ST_TRY(store_.ListFeatures({"", true}));
    std::unordered_map<std::string, const Feature*> stored_by_slug;
    FeatureIndex index;
    for (const auto& feature : stored) {
      stored_by_slug[feature.slug] = &feature;
      index.Add(feature);
    }
    for (const auto& release : file.releases) {
      for (const auto& entry : release.features) index.Add(entry.feature);
    }
    std::unordered_map<std::string, const Feature*> combined = stored_by_slug;
    std::unordered_map<std::string, const FeatureEntry*> entries;
    for (auto& release : file.releases) {
      for (auto& entry : release.features) {
        Feature& feature = entry.feature;
        if (!feature.parent.empty()) {
          auto parent = index.Find(feature.parent);
          if (!parent) {
            return Fail(Error::InvalidArgument(fmt::format("the parent of '{}': {}", feature.title,
                                                           parent.error().message()))
                            .WithContext(at(entry.parent_at)));
          }
          if (*parent == feature.slug) {
            return Fail(
                Error::InvalidArgument(
                    fmt::format("'{}' cannot be its own parent: remove 'parent:'", feature.title))
                    .WithContext(at(entry.parent_at)));
          }
          feature.parent = *parent;
        }
        for (size_t i = 0; i < feature.depends_on.size(); ++i) {
          auto dependency = index.Find(feature.depends_on[i]);
          if (!dependency) {
            return Fail(
                Error::InvalidArgument(fmt::format("a dependency of '{}': {}", feature.title,
                                                   dependency.error().message()))
                    .WithContext(at(entry.depends_on_at[i])));
          }
          if (*dependency == feature.slug) {
            return Fail(
                Error::InvalidArgument(fmt::format("'{}' cannot depend on itself", feature.title))
                    .WithContext(at(entry.depends_on_at[i])));
          }
          feature.depends_on[i] = *dependency;
        }
        combined[feature.slug] = &feature;
        entries[feature.slug] = &entry;
      }
    }
    ST_TRY(CheckCycles(combined, [&](const Feature& feature, const std::string& message) {
      auto it = entries.find(feature.slug);
      Error error = Error::InvalidArgument(message);
      return it == entries.end() ? error : error.WithContext(at(it->second->at));
    }));

    // The process must still know every status in use.
    Project project = file.project     ? *file.project
                      : stored_project ? *stored_project
                                       : Project{"", "", {}, XenProcess()};
    for (const auto& [slug, feature] : combined) {
      if (project.process.FindStatus(feature->status) == nullptr) {
        return Fail(Error::InvalidArgument(fmt::format(
            "feature '{}' in the database has status '{}', which the file's process drops: keep "
            "that status or move the feature first",
            feature->title, feature->status)));
      }
    }

    ST_TRY(CheckProtocolStages(store_, file, project.process.lifecycle));
    std::vector<ProposalPlan> proposal_plans = ST_TRY(PlanProposals(store_, file));

    if (file.project || !stored_project) {
      ST_TRY(writer.SaveProject(project));
      bool changed =
          !stored_project || stored_project->name != project.name ||
          stored_project->mailing_list != project.mailing_list ||
          stored_project->repositories != project.repositories ||
          stored_project->process.StatusIds() != project.process.StatusIds() ||
          stored_project->process.staleness_days != project.process.staleness_days ||
          stored_project->process.freeze_warning_days != project.process.freeze_warning_days ||
          !(stored_project->process.lifecycle == project.process.lifecycle);
      if (changed) {
        Event event = MakeEvent(context, event_kind::kProjectConfigured, "", project.name);
        event.to = project.process.name;
        event.reason = fmt::format("imported from {}", file_name);
        ST_TRY(writer.AppendEvent(event));
        ++summary.events_written;
      }
    }

    for (const auto& person : file.people) {
      auto existing = ST_TRY(store_.FindPerson(person.email));
      if (existing && existing->email == person.email && existing->name == person.name &&
          existing->roles == person.roles && existing->other_emails == person.other_emails) {
        continue;
      }
      ST_TRY(writer.SavePerson(person));
      ST_TRY(writer.AppendEvent(MakeEvent(context, event_kind::kPersonSaved, "", person.email)));
      ++summary.people_saved;
      ++summary.events_written;
    }

    std::int64_t ordinal = 0;
    for (const auto& entry : file.releases) {
      const Release& release = entry.release;
      auto existing = ST_TRY(store_.FindRelease(release.version));
      if (!existing || existing->start != release.start || existing->freeze != release.freeze ||
          existing->release != release.release ||
          existing->report_template != release.report_template) {
        ST_TRY(writer.SaveRelease(release));
        Event event =
            MakeEvent(context, existing ? event_kind::kReleaseUpdated : event_kind::kReleaseAdded,
                      release.version, release.version);
        event.to = FormatDate(release.freeze);
        event.reason = fmt::format("imported from {}", file_name);
        ST_TRY(writer.AppendEvent(event));
        ++summary.events_written;
        ++(existing ? summary.releases_updated : summary.releases_added);
      }
      for (const auto& change : release.schedule_changes) {
        if (existing && HasScheduleChange(existing->schedule_changes, change)) continue;
        Event event = ScheduleChangeEvent(release.version, change);
        event.recorded_at = context.now;
        ST_TRY(writer.AppendEvent(event));
        ++summary.events_written;
      }
      for (const auto& feature_entry : entry.features) {
        Feature feature = feature_entry.feature;
        ++ordinal;
        auto found = stored_by_slug.find(feature.slug);
        const Feature* before = found == stored_by_slug.end() ? nullptr : found->second;
        std::vector<StatusChange> known = before ? before->history : std::vector<StatusChange>{};
        bool wrote = false;
        for (const auto& change : feature.history) {
          if (HasChange(known, change)) continue;
          Event event =
              MakeEvent(context, event_kind::kFeatureStatus, feature.release, feature.slug);
          event.at = change.at;
          event.actor = change.by;
          event.from = change.from;
          event.to = change.to;
          event.reason = change.reason;
          ST_TRY(writer.AppendEvent(event));
          known.push_back(change);
          ++summary.events_written;
          wrote = true;
        }
        std::string last_status = known.empty() ? "" : known.back().to;
        if (before != nullptr && !feature_entry.has_history) last_status = before->status;
        if (last_status != feature.status) {
          Event event =
              MakeEvent(context, event_kind::kFeatureStatus, feature.release, feature.slug);
          event.from = before != nullptr ? before->status : "";
          event.to = feature.status;
          event.reason = before != nullptr ? fmt::format("imported from {}", file_name) : "";
          ST_TRY(writer.AppendEvent(event));
          known.push_back({context.now, context.actor, event.from, event.to, event.reason});
          ++summary.events_written;
          wrote = true;
        }
        if (before == nullptr) {
          Event event =
              MakeEvent(context, event_kind::kFeatureAdded, feature.release, feature.slug);
          event.to = feature.status;
          ST_TRY(writer.AppendEvent(event));
          ++summary.events_written;
          ++summary.features_added;
          feature.updated_at = known.empty() ? context.now : known.back().at;
        } else if (!SameFeatureFields(*before, feature)) {
          Event event =
              MakeEvent(context, event_kind::kFeatureUpdated, feature.release, feature.slug);
          event.detail = ChangedFields(*before, feature);
          event.reason = fmt::format("imported from {}", file_name);
          ST_TRY(writer.AppendEvent(event));
          ++summary.events_written;
          ++summary.features_updated;
          feature.updated_at = context.now;
        } else {
          if (wrote) {
            ++summary.features_updated;
            feature.updated_at = context.now;
          } else {
            ++summary.features_unchanged;
            feature.updated_at = before->updated_at;
          }
        }
        ST_TRY(writer.SaveFeature(feature, ordinal));
      }
    }
    ST_TRY(ImportProtocols(store_, writer, context, file, summary));
    ST_TRY(WriteProposals(writer, context, proposal_plans, project.process.lifecycle, file_name,
                          summary));
    // The file is the truth for the linking rules of what it lists; only
    // rules that differ from the stored ones are written.
    std::map<std::pair<EvidenceOwnerKind, std::string>, EvidenceRules> stored_rules;
    for (auto& set : ST_TRY(store_.evidence().ListRules())) {
      stored_rules[{set.owner_kind, set.owner}] = std::move(set.rules);
    }
    auto save_rules = [&](EvidenceOwnerKind kind, const std::string& owner,
                          const EvidenceRules& rules) -> Result<void> {
      auto it = stored_rules.find({kind, owner});
      if (it == stored_rules.end() ? rules.empty() : it->second == rules) return Ok();
      return writer.evidence_writer().SaveRules({kind, owner, rules});
    };
    for (const auto& release : file.releases) {
      for (const auto& entry : release.features) {
        ST_TRY(save_rules(EvidenceOwnerKind::kFeature, entry.feature.slug, entry.evidence));
      }
    }
    for (const auto& protocol : file.protocols) {
      auto rules = file.protocol_evidence.find(protocol.name);
      ST_TRY(save_rules(EvidenceOwnerKind::kProtocol, protocol.name,
                        rules == file.protocol_evidence.end() ? EvidenceRules{} : rules->second));
    }
    return Ok();
  };
  ST_TRY(store_.Transact(write));
  return summary;
}

Result<std::string> Planning::Export() {
  ProjectFile file;
  file.project = ST_TRY(LoadProject());
  file.people = ST_TRY(store_.ListPeople());
  auto releases = ST_TRY(store_.ListReleases());
  auto features = ST_TRY(store_.ListFeatures({"", true}));
  std::map<std::string, size_t> by_version;
  for (auto& release : releases) {
    by_version[release.version] = file.releases.size();
    file.releases.push_back(ReleaseEntry{std::move(release), {}, {}});
  }
  for (auto& feature : features) {
    FeatureEntry entry;
    entry.feature = std::move(feature);
    file.releases[by_version.at(entry.feature.release)].features.push_back(std::move(entry));
  }
  file.protocols = ST_TRY(store_.ListProtocols());
  for (auto& proposal : ST_TRY(store_.ListProposals({}))) {
    ProposalEntry entry;
    entry.proposal = std::move(proposal);
    file.proposals.push_back(std::move(entry));
  }
  for (auto& set : ST_TRY(store_.evidence().ListRules())) {
    if (set.owner_kind == EvidenceOwnerKind::kProtocol) {
      file.protocol_evidence[set.owner] = std::move(set.rules);
      continue;
    }
    for (auto& release : file.releases) {
      for (auto& entry : release.features) {
        if (entry.feature.slug == set.owner) entry.evidence = set.rules;
      }
    }
  }
  return EmitProjectFile(file);
}

}  // namespace stocktake
