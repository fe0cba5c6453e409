// The project file: Planning::Import checks a whole file against itself and
// the database, then writes it in one transaction; Planning::Export writes
// the whole project back. Checking and working out the changes (PlanImport)
// reads nothing but the snapshot it is given; only ApplyImport writes.

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <unordered_map>

#include "service/import_authorization_internal.h"
#include "service/planning_internal.h"
#include "service/project_import_internal.h"
#include "stocktake/process/lazy_consensus.h"
#include "stocktake/service/authorization.h"
#include "stocktake/service/planning.h"
#include "stocktake/util/text.h"

namespace stocktake {
namespace import_internal {
namespace {

using planning_internal::ChangedFields;
using planning_internal::CheckCycles;
using planning_internal::FeatureIndex;
using planning_internal::MakeEvent;
using planning_internal::SameFeatureFields;

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

bool HasStageChange(const std::vector<StageChange>& history, const StageChange& change) {
  return std::any_of(history.begin(), history.end(), [&](const StageChange& other) {
    return other.at == change.at && other.to == change.to && other.from == change.from;
  });
}

bool SameImplementations(const Protocol& x, const Protocol& y) {
  if (x.implementations.size() != y.implementations.size()) return false;
  for (size_t i = 0; i < x.implementations.size(); ++i) {
    const Implementation& left = x.implementations[i];
    const Implementation& right = y.implementations[i];
    if (left.code_base != right.code_base || left.role != right.role || left.state != right.state ||
        left.refs != right.refs) {
      return false;
    }
  }
  return true;
}

bool SameWaivers(const Protocol& x, const Protocol& y) {
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
}

bool SameProtocolFields(const Protocol& a, const Protocol& b) {
  return a.summary == b.summary && a.stage == b.stage && a.design_doc.path == b.design_doc.path &&
         a.design_doc.commit == b.design_doc.commit && a.version == b.version &&
         a.compat_promises == b.compat_promises && a.owners == b.owners &&
         SameImplementations(a, b) && SameWaivers(a, b);
}

bool SameAction(const ProposalAction& a, const ProposalAction& b) {
  return a.kind == b.kind && a.at == b.at && a.by == b.by && a.objection_id == b.objection_id &&
         a.text == b.text && a.message_id == b.message_id;
}

bool SameProposalHeader(const Proposal& a, const Proposal& b) {
  return a.protocol == b.protocol && a.from_stage == b.from_stage && a.to_stage == b.to_stage &&
         a.proposer == b.proposer && a.thread == b.thread && a.opened_at == b.opened_at &&
         a.window == b.window;
}

bool SameProject(const Project& stored, const Project& project) {
  return stored.name == project.name && stored.mailing_list == project.mailing_list &&
         stored.repositories == project.repositories &&
         stored.process.StatusIds() == project.process.StatusIds() &&
         stored.process.staleness_days == project.process.staleness_days &&
         stored.process.freeze_warning_days == project.process.freeze_warning_days &&
         stored.process.lifecycle == project.process.lifecycle;
}

bool SamePerson(const Person& stored, const Person& person) {
  return stored.email == person.email && stored.name == person.name &&
         stored.roles == person.roles && stored.other_emails == person.other_emails;
}

bool SameReleaseFields(const Release& stored, const Release& release) {
  return stored.start == release.start && stored.freeze == release.freeze &&
         stored.release == release.release && stored.report_template == release.report_template;
}

// The snapshot, indexed for the lookups an import makes: the same answers
// the Store's Find* calls would give inside the transaction.
class StoredIndex {
 public:
  explicit StoredIndex(const ImportSnapshot& stored) : stored_(stored) {
    for (const auto& feature : stored.features) features_[feature.slug] = &feature;
    for (const auto& release : stored.releases) releases_[release.version] = &release;
    for (const auto& protocol : stored.protocols) protocols_[protocol.name] = &protocol;
    for (const auto& proposal : stored.proposals) {
      proposals_[proposal.id] = &proposal;
      for (const auto& action : proposal.actions) {
        if (action.kind != ProposalActionKind::kObject) continue;
        // An objection belongs to the lowest-numbered proposal that records it.
        auto [it, inserted] = objections_.emplace(action.objection_id, &proposal);
        if (!inserted && proposal.id < it->second->id) it->second = &proposal;
      }
    }
    for (const auto& set : stored.rules) rules_[{set.owner_kind, set.owner}] = &set.rules;
  }

  const std::unordered_map<std::string, const Feature*>& features() const { return features_; }
  const Feature* FindFeature(const std::string& slug) const {
    auto it = features_.find(slug);
    return it == features_.end() ? nullptr : it->second;
  }
  const Release* FindRelease(const std::string& version) const {
    auto it = releases_.find(version);
    return it == releases_.end() ? nullptr : it->second;
  }
  const Protocol* FindProtocol(const std::string& name) const {
    auto it = protocols_.find(name);
    return it == protocols_.end() ? nullptr : it->second;
  }
  const Proposal* FindProposal(std::int64_t id) const {
    auto it = proposals_.find(id);
    return it == proposals_.end() ? nullptr : it->second;
  }
  const Proposal* FindProposalByObjection(std::int64_t objection) const {
    auto it = objections_.find(objection);
    return it == objections_.end() ? nullptr : it->second;
  }
  // Like Store::FindPerson: any of a person's e-mails finds them.
  const Person* FindPerson(const std::string& email) const {
    for (const auto& person : stored_.people) {
      if (person.HasEmail(email)) return &person;
    }
    return nullptr;
  }
  const EvidenceRules* FindRules(EvidenceOwnerKind kind, const std::string& owner) const {
    auto it = rules_.find({kind, owner});
    return it == rules_.end() ? nullptr : it->second;
  }
  const ImportSnapshot& snapshot() const { return stored_; }

 private:
  const ImportSnapshot& stored_;
  std::unordered_map<std::string, const Feature*> features_;
  std::unordered_map<std::string, const Release*> releases_;
  std::unordered_map<std::string, const Protocol*> protocols_;
  std::unordered_map<std::int64_t, const Proposal*> proposals_;
  std::unordered_map<std::int64_t, const Proposal*> objections_;
  std::map<std::pair<EvidenceOwnerKind, std::string>, const EvidenceRules*> rules_;
};

// What importing one proposal writes: the proposal itself when it is new, and
// the actions from `first_new_action` on.
struct ProposalPlan {
  const ProposalEntry* entry = nullptr;
  bool is_new = false;
  size_t first_new_action = 0;
};

// Works out one import: first every check, in the order the file's problems
// are reported, then the rows and events to write.
class ImportPlanner {
 public:
  ImportPlanner(const Context& context, ProjectFile& file, const ImportSnapshot& stored)
      : context_(context), file_(file), stored_(stored) {}

  Result<ImportPlan> Plan() {
    ST_TRY(ResolveFeatureReferences());
    ST_TRY(CheckCycles(combined_, [&](const Feature& feature, const std::string& message) {
      auto it = entries_.find(feature.slug);
      Error error = Error::InvalidArgument(message);
      return it == entries_.end() ? error : error.WithContext(At(it->second->at));
    }));
    ST_TRY(CheckStatusesKept());
    ST_TRY(CheckProtocolStages());
    std::vector<ProposalPlan> proposals;
    for (const auto& entry : file_.proposals) {
      ProposalPlan proposal = ST_TRY(CheckProposal(entry));
      if (proposal.is_new || proposal.first_new_action < entry.proposal.actions.size()) {
        proposals.push_back(proposal);
      }
    }
    PlanProject();
    PlanPeople();
    PlanReleases();
    PlanProtocols();
    PlanProposals(proposals);
    PlanEvidenceRules();
    plan_.summary.events_written = static_cast<int>(plan_.events.size());
    return std::move(plan_);
  }

 private:
  std::string At(FileMark mark) const { return FormatMark(file_.file_name, mark); }
  Error Invalid(FileMark mark, std::string message) const {
    return Error::InvalidArgument(std::move(message)).WithContext(At(mark));
  }
  std::string Imported() const { return fmt::format("imported from {}", file_.file_name); }

  // Adds an event by the context's actor at its `now`.
  Event& AddEvent(const char* kind, std::string release, std::string subject) {
    plan_.events.push_back(MakeEvent(context_, kind, std::move(release), std::move(subject)));
    return plan_.events.back();
  }

  Result<void> ResolveFeatureReferences();
  Result<void> ResolveFeature(FeatureEntry& entry, const FeatureIndex& index) const;
  Result<void> CheckStatusesKept();
  Result<void> CheckProtocolStages() const;
  Result<ProposalPlan> CheckProposal(const ProposalEntry& entry) const;
  Result<void> CheckRecordedActions(const ProposalEntry& entry, const Proposal& stored) const;
  Result<void> CheckNewAction(const ProposalEntry& entry, const Protocol& protocol,
                              size_t action_index) const;
  void PlanProject();
  void PlanPeople();
  void PlanReleases();
  bool PlanStatusEvents(const FeatureEntry& entry, const Feature* before,
                        std::vector<StatusChange>& known);
  void PlanFeature(const FeatureEntry& entry, std::int64_t ordinal);
  void PlanProtocols();
  void PlanProposals(const std::vector<ProposalPlan>& proposals);
  void PlanEvidenceRules();
  void PlanRules(EvidenceOwnerKind kind, const std::string& owner, const EvidenceRules& rules);

  const Context& context_;
  ProjectFile& file_;
  StoredIndex stored_;
  Project project_;
  // Every feature by slug, the file's replacing the stored ones.
  std::unordered_map<std::string, const Feature*> combined_;
  std::unordered_map<std::string, const FeatureEntry*> entries_;
  ImportPlan plan_;
};

// Everything the file refers to must exist in the file or the database;
// parents and dependencies become slugs.
Result<void> ImportPlanner::ResolveFeatureReferences() {
  FeatureIndex index;
  for (const auto& feature : stored_.snapshot().features) index.Add(feature);
  for (const auto& release : file_.releases) {
    for (const auto& entry : release.features) index.Add(entry.feature);
  }
  combined_ = stored_.features();
  for (auto& release : file_.releases) {
    for (auto& entry : release.features) {
      ST_TRY(ResolveFeature(entry, index));
      combined_[entry.feature.slug] = &entry.feature;
      entries_[entry.feature.slug] = &entry;
    }
  }
  return Ok();
}

Result<void> ImportPlanner::ResolveFeature(FeatureEntry& entry, const FeatureIndex& index) const {
  Feature& feature = entry.feature;
  if (!feature.parent.empty()) {
    auto parent = index.Find(feature.parent);
    if (!parent) {
      return Fail(Invalid(entry.parent_at, fmt::format("the parent of '{}': {}", feature.title,
                                                       parent.error().message())));
    }
    if (*parent == feature.slug) {
      return Fail(Invalid(entry.parent_at, fmt::format("'{}' cannot be its own parent: remove "
                                                       "'parent:'",
                                                       feature.title)));
    }
    feature.parent = *parent;
  }
  for (size_t i = 0; i < feature.depends_on.size(); ++i) {
    auto dependency = index.Find(feature.depends_on[i]);
    if (!dependency) {
      return Fail(Invalid(
          entry.depends_on_at[i],
          fmt::format("a dependency of '{}': {}", feature.title, dependency.error().message())));
    }
    if (*dependency == feature.slug) {
      return Fail(Invalid(entry.depends_on_at[i],
                          fmt::format("'{}' cannot depend on itself", feature.title)));
    }
    feature.depends_on[i] = *dependency;
  }
  return Ok();
}

// The process must still know every status in use.
Result<void> ImportPlanner::CheckStatusesKept() {
  const auto& stored_project = stored_.snapshot().project;
  project_ = file_.project    ? *file_.project
             : stored_project ? *stored_project
                              : Project{"", "", {}, XenProcess()};
  for (const auto& [slug, feature] : combined_) {
    if (project_.process.FindStatus(feature->status) == nullptr) {
      return Fail(Error::InvalidArgument(fmt::format(
          "feature '{}' in the database has status '{}', which the file's process drops: keep "
          "that status or move the feature first",
          feature->title, feature->status)));
    }
  }
  return Ok();
}

// Stored protocols the file leaves alone must still be at a stage the
// (possibly new) process knows.
Result<void> ImportPlanner::CheckProtocolStages() const {
  const ProtocolProcess& lifecycle = project_.process.lifecycle;
  for (const auto& stored : stored_.snapshot().protocols) {
    bool in_file = std::any_of(file_.protocols.begin(), file_.protocols.end(),
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

// Checks one of the file's proposals against the database: its protocol
// exists, its number is new or names the same proposal (whose recorded
// actions the file must start with), and its new actions fit.
Result<ProposalPlan> ImportPlanner::CheckProposal(const ProposalEntry& entry) const {
  const Proposal& proposal = entry.proposal;
  auto in_file = std::find_if(file_.protocols.begin(), file_.protocols.end(),
                              [&](const Protocol& p) { return p.name == proposal.protocol; });
  const Protocol* protocol =
      in_file != file_.protocols.end() ? &*in_file : stored_.FindProtocol(proposal.protocol);
  if (protocol == nullptr) {
    return Fail(Invalid(entry.protocol_at,
                        fmt::format("proposal {} is about an unknown protocol '{}': list it "
                                    "under 'protocols:' or add it with 'stocktake protocol "
                                    "add {}'",
                                    proposal.id, proposal.protocol, proposal.protocol)));
  }
  ProposalPlan plan{&entry, true, 0};
  if (const Proposal* stored = stored_.FindProposal(proposal.id)) {
    if (!SameProposalHeader(*stored, proposal)) {
      return Fail(Invalid(
          entry.at, fmt::format("proposal {} in the database moves {} from {} to {}, proposed "
                                "by {} at {}; the file says otherwise: a proposal cannot be "
                                "changed, so make the file agree ('stocktake export' shows it)",
                                proposal.id, stored->protocol, stored->from_stage, stored->to_stage,
                                stored->proposer, FormatTimestamp(stored->opened_at))));
    }
    ST_TRY(CheckRecordedActions(entry, *stored));
    plan.is_new = false;
    plan.first_new_action = stored->actions.size();
  } else if (const Proposal* owner = stored_.FindProposalByObjection(proposal.id)) {
    return Fail(
        Invalid(entry.at, fmt::format("number {} is objection {} of proposal {} in the database: "
                                      "proposals and objections share one sequence, so give "
                                      "this proposal another number",
                                      proposal.id, proposal.id, owner->id)));
  }
  for (size_t i = plan.first_new_action; i < proposal.actions.size(); ++i) {
    ST_TRY(CheckNewAction(entry, *protocol, i));
  }
  return plan;
}

Result<void> ImportPlanner::CheckRecordedActions(const ProposalEntry& entry,
                                                 const Proposal& stored) const {
  const Proposal& proposal = entry.proposal;
  for (size_t i = 0; i < stored.actions.size(); ++i) {
    const ProposalAction& recorded = stored.actions[i];
    if (i >= proposal.actions.size() || !SameAction(recorded, proposal.actions[i])) {
      FileMark mark = i < entry.actions_at.size() ? entry.actions_at[i] : entry.at;
      return Fail(Invalid(
          mark, fmt::format("proposal {} in the database has recorded action {} ({} by {} "
                            "at {}) here: actions are never changed or removed, so the file "
                            "must list the recorded ones first, in order ('stocktake export' "
                            "shows them)",
                            proposal.id, i + 1, ProposalActionKindName(recorded.kind), recorded.by,
                            FormatTimestamp(recorded.at))));
    }
  }
  return Ok();
}

// A new objection needs a number not yet taken; an acceptance needs its stage
// change in the protocol's history (in the file or the database).
Result<void> ImportPlanner::CheckNewAction(const ProposalEntry& entry, const Protocol& protocol,
                                           size_t action_index) const {
  const Proposal& proposal = entry.proposal;
  const ProposalAction& action = proposal.actions[action_index];
  FileMark mark = entry.actions_at[action_index];
  if (action.kind == ProposalActionKind::kObject) {
    std::int64_t number = action.objection_id;
    const Proposal* owner = stored_.FindProposalByObjection(number);
    if (owner != nullptr || stored_.FindProposal(number) != nullptr) {
      return Fail(Invalid(
          mark, fmt::format("number {} is already {} in the database: proposals and objections "
                            "share one sequence, so give this objection another number",
                            number,
                            owner != nullptr
                                ? fmt::format("objection {} of proposal {}", number, owner->id)
                                : fmt::format("proposal {}", number))));
    }
  }
  if (action.kind == ProposalActionKind::kAccept) {
    auto cites = [&](const StageChange& change) {
      return change.proposal_id == proposal.id && change.to == proposal.to_stage;
    };
    const Protocol* stored = stored_.FindProtocol(proposal.protocol);
    bool moved =
        std::any_of(protocol.history.begin(), protocol.history.end(), cites) ||
        (stored != nullptr && std::any_of(stored->history.begin(), stored->history.end(), cites));
    if (!moved) {
      return Fail(Invalid(
          mark, fmt::format("proposal {} is accepted, but the history of {} has no entry that "
                            "moves it to {} citing it: add {{at: {}, to: {}, proposal: {}}} to "
                            "its history",
                            proposal.id, proposal.protocol, proposal.to_stage,
                            FormatTimestamp(action.at), proposal.to_stage, proposal.id)));
    }
  }
  return Ok();
}

void ImportPlanner::PlanProject() {
  const auto& stored_project = stored_.snapshot().project;
  if (file_.project || !stored_project) {
    plan_.project = project_;
    if (!stored_project || !SameProject(*stored_project, project_)) {
      Event& event = AddEvent(event_kind::kProjectConfigured, "", project_.name);
      event.to = project_.process.name;
      event.reason = Imported();
    }
  }
}

void ImportPlanner::PlanPeople() {
  for (const auto& person : file_.people) {
    const Person* existing = stored_.FindPerson(person.email);
    if (existing != nullptr && SamePerson(*existing, person)) continue;
    plan_.people.push_back(person);
    AddEvent(event_kind::kPersonSaved, "", person.email);
    ++plan_.summary.people_saved;
  }
}

void ImportPlanner::PlanReleases() {
  size_t feature_count = 0;
  for (const auto& entry : file_.releases) feature_count += entry.features.size();
  plan_.features.reserve(feature_count);
  // A new feature takes two events: its status and its addition.
  plan_.events.reserve(plan_.events.size() + 2 * feature_count);
  std::int64_t ordinal = 0;
  for (const auto& entry : file_.releases) {
    const Release& release = entry.release;
    const Release* existing = stored_.FindRelease(release.version);
    if (existing == nullptr || !SameReleaseFields(*existing, release)) {
      plan_.releases.push_back(release);
      Event& event =
          AddEvent(existing != nullptr ? event_kind::kReleaseUpdated : event_kind::kReleaseAdded,
                   release.version, release.version);
      event.to = FormatDate(release.freeze);
      event.reason = Imported();
      ++(existing != nullptr ? plan_.summary.releases_updated : plan_.summary.releases_added);
    }
    for (const auto& change : release.schedule_changes) {
      if (existing != nullptr && HasScheduleChange(existing->schedule_changes, change)) continue;
      plan_.events.push_back(ScheduleChangeEvent(release.version, change));
      plan_.events.back().recorded_at = context_.now;
    }
    for (const auto& feature_entry : entry.features) PlanFeature(feature_entry, ++ordinal);
  }
}

// Adds the file's history entries the store lacks, then a status change when
// the file's status is not where that history ends; true when it added any.
bool ImportPlanner::PlanStatusEvents(const FeatureEntry& entry, const Feature* before,
                                     std::vector<StatusChange>& known) {
  const Feature& feature = entry.feature;
  bool wrote = false;
  for (const auto& change : feature.history) {
    if (HasChange(known, change)) continue;
    Event& event = AddEvent(event_kind::kFeatureStatus, feature.release, feature.slug);
    event.at = change.at;
    event.actor = change.by;
    event.from = change.from;
    event.to = change.to;
    event.reason = change.reason;
    known.push_back(change);
    wrote = true;
  }
  std::string last_status = known.empty() ? "" : known.back().to;
  if (before != nullptr && !entry.has_history) last_status = before->status;
  if (last_status != feature.status) {
    Event& event = AddEvent(event_kind::kFeatureStatus, feature.release, feature.slug);
    event.from = before != nullptr ? before->status : "";
    event.to = feature.status;
    event.reason = before != nullptr ? Imported() : "";
    known.push_back({context_.now, context_.actor, event.from, event.to, event.reason});
    wrote = true;
  }
  return wrote;
}

void ImportPlanner::PlanFeature(const FeatureEntry& entry, std::int64_t ordinal) {
  Feature feature = entry.feature;
  const Feature* before = stored_.FindFeature(feature.slug);
  std::vector<StatusChange> known =
      before != nullptr ? before->history : std::vector<StatusChange>{};
  bool wrote = PlanStatusEvents(entry, before, known);
  ImportSummary& summary = plan_.summary;
  if (before == nullptr) {
    AddEvent(event_kind::kFeatureAdded, feature.release, feature.slug).to = feature.status;
    ++summary.features_added;
    feature.updated_at = known.empty() ? context_.now : known.back().at;
  } else if (!SameFeatureFields(*before, feature)) {
    Event& event = AddEvent(event_kind::kFeatureUpdated, feature.release, feature.slug);
    event.detail = ChangedFields(*before, feature);
    event.reason = Imported();
    ++summary.features_updated;
    feature.updated_at = context_.now;
  } else if (wrote) {
    ++summary.features_updated;
    feature.updated_at = context_.now;
  } else {
    ++summary.features_unchanged;
    feature.updated_at = before->updated_at;
  }
  plan_.features.push_back(FeatureRow{std::move(feature), ordinal});
}

// New protocols with their whole history, known ones with their changed
// fields and the history entries the store lacks.
void ImportPlanner::PlanProtocols() {
  for (const auto& protocol : file_.protocols) {
    const Protocol* existing = stored_.FindProtocol(protocol.name);
    ProtocolWrite write{protocol.name, std::nullopt, {}};
    if (existing == nullptr) {
      write.protocol = protocol;
      Event& event = AddEvent(event_kind::kProtocolAdded, "", protocol.name);
      event.to = protocol.stage;
      event.reason = Imported();
      ++plan_.summary.protocols_added;
    } else if (!SameProtocolFields(*existing, protocol)) {
      write.protocol = protocol;
      AddEvent(event_kind::kProtocolUpdated, "", protocol.name).reason = Imported();
      ++plan_.summary.protocols_updated;
    }
    std::vector<StageChange> known =
        existing != nullptr ? existing->history : std::vector<StageChange>{};
    for (const auto& change : protocol.history) {
      if (HasStageChange(known, change)) continue;
      write.stage_changes.push_back(change);
      Event& event = AddEvent(event_kind::kProtocolStage, "", protocol.name);
      event.at = change.at;
      if (!change.by.empty()) event.actor = change.by;
      event.from = change.from;
      event.to = change.to;
      event.reason = change.reason;
      known.push_back(change);
    }
    if (write.protocol || !write.stage_changes.empty()) plan_.protocols.push_back(std::move(write));
  }
}

// What CheckProposal found new, with the events Lifecycle writes for the same
// steps, dated when they happened.
void ImportPlanner::PlanProposals(const std::vector<ProposalPlan>& proposals) {
  const ProtocolProcess& lifecycle = project_.process.lifecycle;
  for (const auto& plan : proposals) {
    const Proposal& proposal = plan.entry->proposal;
    ProposalWrite write{proposal.id, std::nullopt, {}};
    if (plan.is_new) {
      write.header = proposal;
      write.header->actions.clear();
      Event& event = AddEvent(event_kind::kProposalOpened, "", proposal.protocol);
      event.at = proposal.opened_at;
      event.actor = proposal.proposer;
      event.from = proposal.from_stage;
      event.to = proposal.to_stage;
      event.reason = Imported();
      event.detail = nlohmann::json{{"proposal", proposal.id},
                                    {"thread", proposal.thread},
                                    {"window", FormatTimeSpan(ProposalWindow(proposal, lifecycle))}}
                         .dump();
      ++plan_.summary.proposals_added;
    } else {
      ++plan_.summary.proposals_updated;
    }
    for (size_t i = plan.first_new_action; i < proposal.actions.size(); ++i) {
      const ProposalAction& action = proposal.actions[i];
      write.actions.push_back(action);
      Event& event = AddEvent(event_kind::kProposalAction, "", proposal.protocol);
      event.at = action.at;
      event.actor = action.by;
      event.to = std::string(ProposalActionKindName(action.kind));
      event.reason = action.text;
      nlohmann::json detail = {{"proposal", proposal.id}};
      if (action.objection_id != 0) detail["objection"] = action.objection_id;
      event.detail = detail.dump();
    }
    plan_.proposals.push_back(std::move(write));
  }
}

// The file is the truth for the linking rules of what it lists; only rules
// that differ from the stored ones are written.
void ImportPlanner::PlanEvidenceRules() {
  for (const auto& release : file_.releases) {
    for (const auto& entry : release.features) {
      PlanRules(EvidenceOwnerKind::kFeature, entry.feature.slug, entry.evidence);
    }
  }
  for (const auto& protocol : file_.protocols) {
    auto rules = file_.protocol_evidence.find(protocol.name);
    PlanRules(EvidenceOwnerKind::kProtocol, protocol.name,
              rules == file_.protocol_evidence.end() ? EvidenceRules{} : rules->second);
  }
}

void ImportPlanner::PlanRules(EvidenceOwnerKind kind, const std::string& owner,
                              const EvidenceRules& rules) {
  const EvidenceRules* stored = stored_.FindRules(kind, owner);
  if (stored == nullptr ? rules.empty() : *stored == rules) return;
  plan_.rules.push_back({kind, owner, rules});
}

}  // namespace

Result<ImportSnapshot> LoadImportSnapshot(Store& store, std::optional<Project> project) {
  ImportSnapshot snapshot;
  snapshot.project = std::move(project);
  snapshot.features = ST_TRY(store.ListFeatures({"", true}));
  snapshot.people = ST_TRY(store.ListPeople());
  snapshot.releases = ST_TRY(store.ListReleases());
  snapshot.protocols = ST_TRY(store.ListProtocols());
  snapshot.proposals = ST_TRY(store.ListProposals({}));
  snapshot.rules = ST_TRY(store.evidence().ListRules());
  return snapshot;
}

Result<ImportPlan> PlanImport(const Context& context, ProjectFile file,
                              const ImportSnapshot& stored) {
  return ImportPlanner(context, file, stored).Plan();
}

Result<void> ApplyImport(StoreWriter& writer, const ImportPlan& plan) {
  if (plan.project) ST_TRY(writer.SaveProject(*plan.project));
  for (const auto& person : plan.people) ST_TRY(writer.SavePerson(person));
  for (const auto& release : plan.releases) ST_TRY(writer.SaveRelease(release));
  for (const auto& row : plan.features) ST_TRY(writer.SaveFeature(row.feature, row.ordinal));
  for (const auto& write : plan.protocols) {
    if (write.protocol) ST_TRY(writer.SaveProtocol(*write.protocol));
    for (const auto& change : write.stage_changes) {
      ST_TRY(writer.AppendStageChange(write.name, change));
    }
  }
  for (const auto& write : plan.proposals) {
    if (write.header) ST_TRY(writer.CreateProposal(*write.header));
    for (const auto& action : write.actions) ST_TRY(writer.AppendProposalAction(write.id, action));
  }
  for (const auto& rules : plan.rules) ST_TRY(writer.evidence_writer().SaveRules(rules));
  for (const auto& event : plan.events) ST_TRY(writer.AppendEvent(event));
  return Ok();
}

}  // namespace import_internal

Result<ImportSummary> Planning::Import(const Context& context, std::string_view text,
                                       std::string_view file_name) {
  ImportSummary summary;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    auto stored_project = ST_TRY(store_.LoadProject());
    // Roles first, read in this transaction (docs/process.md, "Who may write what").
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kImport));
    const Process* fallback = stored_project ? &stored_project->process : nullptr;
    ProjectFile file = ST_TRY(ParseProjectFile(text, file_name, fallback));
    std::string first_admin;
    if (!stored_project) first_admin = authorization_internal::NameFirstAdmin(file, context.actor);
    auto snapshot = ST_TRY(import_internal::LoadImportSnapshot(store_, std::move(stored_project)));
    authorization_internal::KeepAdmins(file, snapshot.people);
    ST_TRY(authorization_internal::CheckImportedStageChanges(file, snapshot.protocols,
                                                             snapshot.proposals));
    auto plan = ST_TRY(import_internal::PlanImport(context, std::move(file), snapshot));
    ST_TRY(import_internal::ApplyImport(writer, plan));
    summary = plan.summary;
    summary.first_admin = first_admin;
    return Ok();
  }));
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
