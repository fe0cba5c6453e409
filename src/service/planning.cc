#include "stocktake/service/planning.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "stocktake/process/lazy_consensus.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace {

Event MakeEvent(const Context& context, const char* kind, std::string release,
                std::string subject) {
  Event event;
  event.at = context.now;
  event.recorded_at = context.now;
  event.actor = context.actor;
  event.kind = kind;
  event.release = std::move(release);
  event.subject = std::move(subject);
  return event;
}

Result<void> CheckDates(const Release& release) {
  if (release.freeze < release.start) {
    return Fail(Error::InvalidArgument(
        fmt::format("the feature freeze {} of {} would be before its start {}: pick a later freeze",
                    FormatDate(release.freeze), release.version, FormatDate(release.start))));
  }
  if (release.release < release.freeze) {
    return Fail(Error::InvalidArgument(fmt::format(
        "the release date {} of {} would be before its feature freeze {}: pick a later release "
        "date",
        FormatDate(release.release), release.version, FormatDate(release.freeze))));
  }
  return Ok();
}

// Finds features by slug, exact title or display name.
class FeatureIndex {
 public:
  void Add(const Feature& feature) {
    slugs_[feature.slug] = feature.slug;
    titles_[feature.title].insert(feature.slug);
    titles_[feature.DisplayName()].insert(feature.slug);
  }

  // The slug, or an error message (empty result) that says why not.
  Result<std::string> Find(const std::string& name) const {
    if (auto it = slugs_.find(name); it != slugs_.end()) return it->second;
    if (auto it = titles_.find(name); it != titles_.end()) {
      if (it->second.size() == 1) return *it->second.begin();
      return Fail(Error::InvalidArgument(
          fmt::format("'{}' names {} features ({}): use a slug", name, it->second.size(),
                      Join(std::vector<std::string>(it->second.begin(), it->second.end()), ", "))));
    }
    std::string wanted = Slugify(name);
    std::vector<std::string> close;
    for (const auto& [slug, unused] : slugs_) {
      if (!wanted.empty() && slug.find(wanted) != std::string::npos) close.push_back(slug);
      if (close.size() == 5) break;
    }
    std::string hint =
        close.empty() ? "see 'stocktake feature list'" : "did you mean " + Join(close, ", ") + "?";
    return Fail(Error::NotFound(fmt::format("no feature named '{}': {}", name, hint)));
  }

 private:
  std::map<std::string, std::string> slugs_;
  std::map<std::string, std::set<std::string>> titles_;
};

bool SameFeatureFields(const Feature& a, const Feature& b) {
  return a.title == b.title && a.release == b.release && a.parent == b.parent &&
         a.code_bases == b.code_bases && a.external == b.external && a.owners == b.owners &&
         a.must_have == b.must_have && a.depends_on == b.depends_on &&
         a.short_title == b.short_title && a.remark == b.remark && a.notes == b.notes &&
         a.protocol == b.protocol && a.freeze_exception == b.freeze_exception;
}

// The changed fields as {"field": [old, new]}, for a feature.updated event.
std::string ChangedFields(const Feature& before, const Feature& after) {
  nlohmann::json changed = nlohmann::json::object();
  auto compare = [&](const char* field, const auto& old_value, const auto& new_value) {
    if (old_value != new_value) changed[field] = {old_value, new_value};
  };
  compare("title", before.title, after.title);
  compare("release", before.release, after.release);
  compare("parent", before.parent, after.parent);
  compare("code_bases", before.code_bases, after.code_bases);
  compare("external", before.external, after.external);
  compare("owners", before.owners, after.owners);
  compare("must_have", before.must_have, after.must_have);
  compare("depends_on", before.depends_on, after.depends_on);
  compare("short_title", before.short_title, after.short_title);
  compare("remark", before.remark, after.remark);
  compare("notes", before.notes, after.notes);
  compare("protocol", before.protocol, after.protocol);
  compare("freeze_exception", before.freeze_exception, after.freeze_exception);
  return changed.dump();
}

// Rejects parent and dependency cycles over the given features.
Result<void> CheckCycles(const std::unordered_map<std::string, const Feature*>& features,
                         const std::function<Error(const Feature&, const std::string&)>& error) {
  std::vector<const Feature*> ordered;
  for (const auto& [slug, feature] : features) ordered.push_back(feature);
  std::sort(ordered.begin(), ordered.end(),
            [](const Feature* a, const Feature* b) { return a->slug < b->slug; });
  for (const Feature* feature : ordered) {
    std::set<std::string> seen = {feature->slug};
    const Feature* at = feature;
    std::vector<std::string> path = {feature->title};
    while (!at->parent.empty()) {
      path.push_back(at->parent);
      if (!seen.insert(at->parent).second) {
        return Fail(error(*feature, "parent cycle: " + Join(path, " -> ") +
                                        ": make one of them a top-level item"));
      }
      auto it = features.find(at->parent);
      if (it == features.end()) break;
      at = it->second;
      path.back() = at->title;
    }
  }
  // Dependencies: depth-first search with colours.
  std::unordered_map<std::string, int> colour;
  std::vector<std::string> stack;
  std::function<Result<void>(const Feature&)> visit = [&](const Feature& feature) -> Result<void> {
    colour[feature.slug] = 1;
    stack.push_back(feature.title);
    for (const auto& dependency : feature.depends_on) {
      auto it = features.find(dependency);
      if (it == features.end()) continue;
      int state = colour[dependency];
      if (state == 1) {
        stack.push_back(it->second->title);
        return Fail(error(feature, "dependency cycle: " + Join(stack, " -> ") +
                                       ": remove one of these dependencies"));
      }
      if (state == 0) ST_TRY(visit(*it->second));
    }
    stack.pop_back();
    colour[feature.slug] = 2;
    return Ok();
  };
  // Visit in slug order so the same file always reports the same cycle.
  std::vector<std::string> slugs;
  for (const auto& [slug, feature] : features) slugs.push_back(slug);
  std::sort(slugs.begin(), slugs.end());
  for (const auto& slug : slugs) {
    if (colour[slug] == 0) ST_TRY(visit(*features.at(slug)));
  }
  return Ok();
}

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

Result<void> Planning::Init(const Context& context, Project project) {
  if (project.process.statuses.empty()) project.process = XenProcess();
  return store_.Transact([&](StoreWriter& writer) -> Result<void> {
    if (ST_TRY(store_.LoadProject())) {
      return Fail(
          Error::Conflict("the database is already initialised: use it, or pass another "
                          "--db"));
    }
    ST_TRY(writer.SaveProject(project));
    Event event = MakeEvent(context, event_kind::kProjectConfigured, "", project.name);
    event.to = project.process.name;
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  });
}

Result<Project> Planning::LoadProject() {
  auto project = ST_TRY(store_.LoadProject());
  if (!project) {
    return Fail(Error::NotFound(
        "the database is not initialised: run 'stocktake init' or 'stocktake import FILE'"));
  }
  return *project;
}

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

Result<Person> Planning::SavePerson(const Context& context, Person person) {
  person.email = std::string(Trim(person.email));
  if (person.email.find('@') == std::string::npos || person.email.front() == '@' ||
      person.email.back() == '@') {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not an e-mail address: write it as name@example.org", person.email)));
  }
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(LoadProject());
    ST_TRY(writer.SavePerson(person));
    Event event = MakeEvent(context, event_kind::kPersonSaved, "", person.email);
    std::vector<std::string> roles;
    for (Role role : person.roles) roles.emplace_back(RoleName(role));
    event.to = Join(roles, ",");
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return person;
}

Result<Release> Planning::AddRelease(const Context& context, Release release) {
  if (release.version.empty()) return Fail(Error::InvalidArgument("a release needs a version"));
  ST_TRY(CheckDates(release));
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(LoadProject());
    if (ST_TRY(store_.FindRelease(release.version))) {
      return Fail(
          Error::Conflict(fmt::format("release {} already exists: change its dates with "
                                      "'stocktake release slip'",
                                      release.version)));
    }
    ST_TRY(writer.SaveRelease(release));
    Event event = MakeEvent(context, event_kind::kReleaseAdded, release.version, release.version);
    event.to = FormatDate(release.freeze);
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return release;
}

Result<Release> Planning::FindRelease(const std::string& version) {
  auto release = ST_TRY(store_.FindRelease(version));
  if (release) return *release;
  std::vector<std::string> versions;
  for (const auto& known : ST_TRY(store_.ListReleases())) versions.push_back(known.version);
  return Fail(Error::NotFound(fmt::format(
      "no release '{}': {}", version,
      versions.empty() ? "there are none yet; import a project file or 'stocktake release add'"
                       : "known releases are " + Join(versions, ", "))));
}

Result<Release> Planning::SlipRelease(const Context& context, const std::string& version,
                                      std::optional<Date> freeze, std::optional<Date> release_date,
                                      const std::string& reason) {
  if (!freeze && !release_date) {
    return Fail(Error::InvalidArgument("say what slips: --freeze DATE and/or --release DATE"));
  }
  if (Trim(reason).empty()) {
    return Fail(Error::InvalidArgument("a slip is an intervention: say why with --reason TEXT"));
  }
  auto person = ST_TRY(store_.FindPerson(context.actor));
  if (!person || !(person->HasRole(Role::kReleaseManager) || person->HasRole(Role::kAdmin))) {
    return Fail(Error::Conflict(fmt::format(
        "only a release manager may slip a release, and {} is not one: act as one with --as "
        "EMAIL, or have an admin run 'stocktake person add {} --role release-manager'",
        context.actor, context.actor)));
  }
  Release release = ST_TRY(FindRelease(version));
  ScheduleChange change{context.now,
                        context.actor,
                        release.freeze,
                        freeze.value_or(release.freeze),
                        release.release,
                        release_date.value_or(release.release),
                        std::string(Trim(reason))};
  if (change.new_freeze == change.old_freeze && change.new_release == change.old_release) {
    return Fail(Error::InvalidArgument(
        fmt::format("{} already has feature freeze {} and release date {}: nothing to slip",
                    version, FormatDate(release.freeze), FormatDate(release.release))));
  }
  release.freeze = change.new_freeze;
  release.release = change.new_release;
  ST_TRY(CheckDates(release));
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveRelease(release));
    Event event = ScheduleChangeEvent(version, change);
    event.recorded_at = context.now;
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  release.schedule_changes.push_back(change);
  return release;
}

Result<Feature> Planning::ResolveFeature(const std::string& name) {
  if (auto feature = ST_TRY(store_.FindFeature(name))) return *feature;
  FeatureIndex index;
  auto features = ST_TRY(store_.ListFeatures({}));
  for (const auto& feature : features) index.Add(feature);
  std::string slug = ST_TRY(index.Find(name));
  auto feature = ST_TRY(store_.FindFeature(slug));
  if (!feature) return Fail(Error::Internal("feature vanished: " + slug));
  return *feature;
}

Result<Feature> Planning::AddFeature(const Context& context, Feature draft) {
  Project project = ST_TRY(LoadProject());
  draft.title = std::string(Trim(draft.title));
  if (draft.title.empty()) return Fail(Error::InvalidArgument("a feature needs a title"));
  Release release = ST_TRY(FindRelease(draft.release));
  if (draft.status.empty()) draft.status = project.process.statuses.front().id;
  if (project.process.FindStatus(draft.status) == nullptr) {
    return Fail(Error::InvalidArgument(fmt::format("unknown status '{}': use one of {}",
                                                   draft.status, project.process.StatusIds())));
  }
  if (draft.slug.empty()) draft.slug = Slugify(draft.DisplayName());
  if (draft.slug.empty() || Slugify(draft.slug) != draft.slug) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' cannot be a slug: use lower-case words joined by hyphens", draft.slug)));
  }
  if (ST_TRY(store_.FindFeature(draft.slug))) {
    return Fail(Error::Conflict(fmt::format(
        "a feature with slug '{}' already exists: change it with 'stocktake feature set {}', or "
        "give this one another --slug",
        draft.slug, draft.slug)));
  }
  if (!draft.parent.empty()) draft.parent = ST_TRY(ResolveFeature(draft.parent)).slug;
  for (auto& dependency : draft.depends_on) dependency = ST_TRY(ResolveFeature(dependency)).slug;
  draft.updated_at = context.now;
  draft.history.clear();
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    std::int64_t ordinal = ST_TRY(store_.MaxFeatureOrdinal()) + 1;
    ST_TRY(writer.SaveFeature(draft, ordinal));
    Event added = MakeEvent(context, event_kind::kFeatureAdded, release.version, draft.slug);
    added.to = draft.status;
    ST_TRY(writer.AppendEvent(added));
    Event status = MakeEvent(context, event_kind::kFeatureStatus, release.version, draft.slug);
    status.to = draft.status;
    ST_TRY(writer.AppendEvent(status));
    return Ok();
  }));
  return ResolveFeature(draft.slug);
}

Result<Feature> Planning::UpdateFeature(const Context& context, const std::string& name,
                                        const FeatureUpdate& update) {
  Project project = ST_TRY(LoadProject());
  Feature before = ST_TRY(ResolveFeature(name));
  Feature after = before;
  if (update.status && project.process.FindStatus(*update.status) == nullptr) {
    return Fail(Error::InvalidArgument(fmt::format("unknown status '{}': use one of {}",
                                                   *update.status, project.process.StatusIds())));
  }
  if (update.title) {
    after.title = std::string(Trim(*update.title));
    if (after.title.empty()) return Fail(Error::InvalidArgument("a title cannot be empty"));
  }
  if (update.release) after.release = ST_TRY(FindRelease(*update.release)).version;
  if (update.parent) {
    after.parent = update.parent->empty() ? "" : ST_TRY(ResolveFeature(*update.parent)).slug;
    if (after.parent == after.slug) {
      return Fail(Error::InvalidArgument("a feature cannot be its own parent"));
    }
  }
  if (update.external) after.external = *update.external;
  if (update.must_have) after.must_have = *update.must_have;
  if (update.code_bases) after.code_bases = *update.code_bases;
  if (update.owners) after.owners = *update.owners;
  for (const auto& name_to_add : update.add_dependencies) {
    std::string slug = ST_TRY(ResolveFeature(name_to_add)).slug;
    if (slug == after.slug)
      return Fail(Error::InvalidArgument("a feature cannot depend on itself"));
    if (std::find(after.depends_on.begin(), after.depends_on.end(), slug) ==
        after.depends_on.end()) {
      after.depends_on.push_back(slug);
    }
  }
  for (const auto& name_to_remove : update.remove_dependencies) {
    std::string slug = ST_TRY(ResolveFeature(name_to_remove)).slug;
    auto it = std::find(after.depends_on.begin(), after.depends_on.end(), slug);
    if (it == after.depends_on.end()) {
      return Fail(Error::InvalidArgument(
          fmt::format("'{}' does not depend on '{}'", after.title, name_to_remove)));
    }
    after.depends_on.erase(it);
  }
  if (update.short_title) after.short_title = *update.short_title;
  if (update.remark) after.remark = *update.remark;
  if (update.notes) after.notes = *update.notes;
  if (update.protocol) after.protocol = *update.protocol;
  if (update.freeze_exception) after.freeze_exception = *update.freeze_exception;
  if (update.status) after.status = *update.status;

  bool status_changed = after.status != before.status;
  bool fields_changed = !SameFeatureFields(before, after);
  if (!status_changed && !fields_changed) {
    return Fail(Error::InvalidArgument(
        fmt::format("nothing to change: '{}' already is like that", before.title)));
  }
  // Cycles can only appear through the changed feature.
  if (after.parent != before.parent || after.depends_on != before.depends_on) {
    auto features = ST_TRY(store_.ListFeatures({}));
    std::unordered_map<std::string, const Feature*> by_slug;
    for (const auto& feature : features) by_slug[feature.slug] = &feature;
    by_slug[after.slug] = &after;
    ST_TRY(CheckCycles(by_slug, [](const Feature&, const std::string& message) {
      return Error::InvalidArgument(message);
    }));
  }
  after.updated_at = context.now;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    // Keep the feature's place in its list; moving releases puts it last.
    std::int64_t ordinal = 0;
    if (after.release != before.release) ordinal = ST_TRY(store_.MaxFeatureOrdinal()) + 1;
    ST_TRY(writer.SaveFeature(after, ordinal));
    if (fields_changed) {
      Event event = MakeEvent(context, event_kind::kFeatureUpdated, after.release, after.slug);
      event.detail = ChangedFields(before, after);
      event.reason = update.reason;
      ST_TRY(writer.AppendEvent(event));
    }
    if (status_changed) {
      Event event = MakeEvent(context, event_kind::kFeatureStatus, after.release, after.slug);
      event.from = before.status;
      event.to = after.status;
      event.reason = update.reason;
      ST_TRY(writer.AppendEvent(event));
    }
    return Ok();
  }));
  return ResolveFeature(after.slug);
}

Result<std::vector<Event>> Planning::FeatureHistory(const std::string& name) {
  Feature feature = ST_TRY(ResolveFeature(name));
  EventQuery query;
  query.subject = feature.slug;
  auto events = ST_TRY(store_.ListEvents(query));
  // Releases and features may share a name; keep this feature's kinds only.
  std::erase_if(events, [](const Event& event) { return event.kind.rfind("feature.", 0) != 0; });
  return events;
}

Result<ReleaseView> Planning::LoadRelease(const std::string& version) {
  ReleaseView view;
  view.project = ST_TRY(LoadProject());
  view.release = ST_TRY(FindRelease(version));
  view.features = ST_TRY(store_.ListFeatures({version, false}));
  // Dependencies (and parents) in other releases still carry risk; fetch the
  // missing ones, and theirs, until none is missing.
  std::unordered_set<std::string> fetched;
  for (size_t scanned = 0; scanned < view.features.size();) {
    std::unordered_set<std::string_view> present;
    for (const auto& feature : view.features) present.insert(feature.slug);
    std::vector<std::string> missing;
    for (; scanned < view.features.size(); ++scanned) {
      const Feature& feature = view.features[scanned];
      for (const auto& slug : feature.depends_on) {
        if (!present.contains(slug)) missing.push_back(slug);
      }
      if (!feature.parent.empty() && !present.contains(feature.parent)) {
        missing.push_back(feature.parent);
      }
    }
    for (auto& slug : missing) {
      if (!fetched.insert(slug).second) continue;
      if (auto feature = ST_TRY(store_.FindFeature(slug))) {
        view.features.push_back(std::move(*feature));
      }
    }
  }
  return view;
}

Result<TakingStock> Planning::Report(const std::string& version, Timestamp now,
                                     std::optional<Date> since) {
  ReleaseView view = ST_TRY(LoadRelease(version));
  std::vector<Event> events;
  if (since) {
    EventQuery query;
    query.release = version;
    query.since = StartOf(*since);
    events = ST_TRY(store_.ListEvents(query));
  }
  return BuildTakingStock(view.project.process, view.release, view.features, now, since, events);
}

Result<std::vector<Alert>> Planning::Check(const std::string& version, Timestamp now) {
  ReleaseView view = ST_TRY(LoadRelease(version));
  return CheckRelease(view.project.process, view.release, view.features, now);
}

}  // namespace stocktake
