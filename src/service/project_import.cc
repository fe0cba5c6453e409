// The project file: Planning::Import checks a whole file against itself and
// the database, then writes it in one transaction. Checking and working out
// the changes (PlanImport) reads nothing but the snapshot it is given; only
// ApplyImport writes.
//
// Every object is recorded as of the time the file gives for it: an object
// the database lacks is added then; a field the database set no later than
// that is changed then; a field the database set after it is a conflict,
// which refuses the import unless the file is preferred (then it is
// overwritten now, so that later reads show the file's value and earlier
// ones the database's). When the file's record is older than the database's
// first record of a feature or release, it becomes that object's earlier
// history and the database's values stay.

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

using nlohmann::json;
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

bool SameAction(const ProposalAction& a, const ProposalAction& b) {
  return a.kind == b.kind && a.at == b.at && a.by == b.by && a.objection_id == b.objection_id &&
         a.text == b.text && a.message_id == b.message_id;
}

bool SameProposalHeader(const Proposal& a, const Proposal& b) {
  return a.protocol == b.protocol && a.from_stage == b.from_stage && a.to_stage == b.to_stage &&
         a.proposer == b.proposer && a.thread == b.thread && a.opened_at == b.opened_at &&
         a.window == b.window;
}

bool IsEmpty(const json& value) {
  if (value.is_string()) return value.get_ref<const std::string&>().empty();
  return value.is_null() || (value.is_array() && value.empty());
}

Stamp Latest(const Stamp& a, const Stamp& b) {
  if (!a.set) return b;
  if (!b.set) return a;
  return b.at > a.at ? b : a;
}

// What the file's record of one object does to each field it gives.
template <typename T>
struct Judgement {
  std::vector<const FieldSpec<T>*> applied;  // the database set it no later: the file's value
  std::vector<std::pair<const FieldSpec<T>*, Stamp>> conflicts;  // the database set it later
  std::vector<const FieldSpec<T>*> earlier;  // the file predates the object's first record
};

// `stamp_of` says when the database set a field; `earlier` that the file's
// record predates the database's first record of the object; `given` which
// fields the file gives (all when null).
template <typename T>
Judgement<T> Judge(const std::vector<FieldSpec<T>>& specs, const T& stored, const T& file,
                   const std::function<Stamp(const std::string&)>& stamp_of, Timestamp as_of,
                   bool earlier, const std::function<bool(const std::string&)>& given = nullptr) {
  Judgement<T> judgement;
  for (const auto& spec : specs) {
    if (given && !given(spec.name)) continue;
    json stored_value = spec.get(stored);
    if (stored_value == spec.get(file)) continue;
    Stamp stamp = stamp_of ? stamp_of(spec.name) : Stamp{};
    if (spec.empty_is_unset && IsEmpty(stored_value)) stamp = Stamp{};
    if (!stamp.set || stamp.at <= as_of) {
      judgement.applied.push_back(&spec);
    } else if (earlier) {
      judgement.earlier.push_back(&spec);
    } else {
      judgement.conflicts.emplace_back(&spec, stamp);
    }
  }
  return judgement;
}

// {"field": [old, new]} for `specs`, as a detail: for a feature, what
// FeatureFieldChanges (model/feature.h) writes. The pair is made an array
// explicitly: a braced pair of two-item lists of text would make an object.
template <typename T>
std::string FieldsDetail(const std::vector<const FieldSpec<T>*>& specs, const T& before,
                         const T& after) {
  json detail = json::object();
  for (const auto* spec : specs) {
    detail[spec->name] = json::array({spec->get(before), spec->get(after)});
  }
  return detail.dump(-1, ' ', false, json::error_handler_t::replace);
}

template <typename T>
bool SameFields(const std::vector<FieldSpec<T>>& specs, const T& a, const T& b) {
  return std::all_of(specs.begin(), specs.end(),
                     [&](const FieldSpec<T>& spec) { return spec.get(a) == spec.get(b); });
}

// The time a file records an object as of: its own, else the one it
// inherits, but never before the last change its own history lists.
Timestamp RecordTime(std::optional<Timestamp> own, Timestamp inherited,
                     std::optional<Timestamp> last_change) {
  if (own) return *own;
  return last_change && *last_change > inherited ? *last_change : inherited;
}

// Whether the file says anything of a release the database does not: a date
// or template it gives differently, or a schedule change the database lacks.
// (A file that says nothing new is no earlier history, however old it is.)
bool Differs(const ReleaseEntry& entry, const Release& stored) {
  const Release& file = entry.release;
  return file.release != stored.release || (entry.has_start && file.start != stored.start) ||
         (entry.has_freeze && file.freeze != stored.freeze) ||
         (entry.has_template && file.report_template != stored.report_template) ||
         std::any_of(file.schedule_changes.begin(), file.schedule_changes.end(),
                     [&](const ScheduleChange& change) {
                       return !HasScheduleChange(stored.schedule_changes, change);
                     });
}

bool Differs(const FeatureEntry& entry, const Feature& stored) {
  const Feature& file = entry.feature;
  return !SameFeatureFields(file, stored) || file.status != stored.status ||
         std::any_of(file.history.begin(), file.history.end(), [&](const StatusChange& change) {
           return !HasChange(stored.history, change);
         });
}

// What earlier history says of one field: the file's value, then the
// database's from when the database first recorded the object.
std::string EarlierNote(const std::string& field, const json& file, const json& database,
                        const ObjectRecord& record) {
  auto text = [](const json& value) {
    return value.dump(-1, ' ', false, json::error_handler_t::replace);
  };
  return fmt::format("{}: {} as of the file, {} from {} (the database's)", field, text(file),
                     text(database), FormatTimestamp(record.first));
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

// Works out one import: first every check of the file, in the order its
// problems are reported, then object by object the rows, events, plan items
// and conflicts.
class ImportPlanner {
 public:
  ImportPlanner(const Context& context, ProjectFile& file, const ImportSnapshot& stored,
                const ImportOptions& options)
      : context_(context),
        options_(options),
        recorded_at_(context.RecordingTime()),
        file_(file),
        stored_(stored) {
    records_.Add(stored.events);
    for (const auto& feature : stored.features) records_.AddHistory(feature);
  }

  Result<ImportPlan> Plan();

 private:
  std::string At(FileMark mark) const { return FormatMark(file_.file_name, mark); }
  Error Invalid(FileMark mark, std::string message) const {
    return Error::InvalidArgument(std::move(message)).WithContext(At(mark));
  }
  std::string Imported() const { return fmt::format("import of {}", file_.file_name); }
  Timestamp FileTime() const { return file_.as_of.value_or(context_.now); }
  // When an overwrite of values the database set at `stamps` takes effect:
  // now, or just after them when they are later still.
  Timestamp OverwriteAt(const std::vector<Stamp>& stamps) const {
    Timestamp at = context_.now;
    for (const auto& stamp : stamps) at = std::max(at, stamp.at);
    return at;
  }
  std::function<Stamp(const std::string&)> StampsOf(const ObjectRecord* record) const {
    if (record == nullptr) return nullptr;
    return [record](const std::string& field) { return record->FieldStamp(field); };
  }

  // Adds an event by the context's actor at `at`, recorded now.
  Event& AddEvent(const char* kind, std::string release, std::string subject, Timestamp at) {
    plan_.events.push_back(MakeEvent(context_, kind, std::move(release), std::move(subject)));
    Event& event = plan_.events.back();
    event.at = at;
    event.recorded_at = recorded_at_;
    return event;
  }
  void AddConflict(const ImportItem& item, std::string field, json stored, const Stamp& stamp,
                   json file, Timestamp as_of) {
    plan_.preview.conflicts.push_back({item.kind, item.name, std::move(field), std::move(stored),
                                       stamp.at, stamp.by, std::move(file), as_of});
  }
  template <typename T>
  std::vector<const FieldSpec<T>*> Overwritten(const Judgement<T>& judgement, const T& stored,
                                               const T& file, const ImportItem& item,
                                               std::vector<Stamp>& stamps);

  Result<void> ResolveFeatureReferences();
  Result<void> ResolveFeature(FeatureEntry& entry, const FeatureIndex& index) const;
  Result<void> CheckFeatures();
  Result<void> CheckProtocolStages() const;
  Result<ProposalPlan> CheckProposal(const ProposalEntry& entry) const;
  Result<void> CheckRecordedActions(const ProposalEntry& entry, const Proposal& stored) const;
  Result<void> CheckNewAction(const ProposalEntry& entry, const Protocol& protocol,
                              size_t action_index) const;

  void PlanProject();
  // Moves `specs` of `file` into `row` as one event of `kind` at `at`, whose
  // detail is {"field": [old, new]}, listing each change in `changes` when
  // given; the event, for its caller to name its subject, or null when
  // `specs` is empty.
  template <typename T>
  Event* MoveFields(T& row, const T& file, const std::vector<const FieldSpec<T>*>& specs,
                    Timestamp at, bool overwrite, std::vector<ImportFieldChange>* changes,
                    const char* kind) {
    if (specs.empty()) return nullptr;
    T after = row;
    for (const auto* spec : specs) {
      if (changes != nullptr) {
        changes->push_back({spec->name, spec->get(row), spec->get(file), at, overwrite});
      }
      spec->copy(after, file);
    }
    Event& event = AddEvent(kind, "", "", at);
    event.reason = Imported();
    event.detail = FieldsDetail(specs, row, after);
    row = std::move(after);
    return &event;
  }
  void SaveProject(Project& row, const Project& file,
                   const std::vector<const FieldSpec<Project>*>& specs, Timestamp at,
                   bool overwrite, ImportItem& item);
  void PlanPeople();
  void PlanPerson(const Person& person, const Person& stored, ImportItem& item);
  Result<void> PlanReleases();
  Result<void> PlanRelease(const ReleaseEntry& entry, Timestamp as_of);
  void AddRelease(const ReleaseEntry& entry, Timestamp as_of, ImportItem& item);
  void AppendScheduleChange(const std::string& version, const ScheduleChange& change);
  void PlanShipment(const Release& file, const Release* stored, ImportItem& item);
  // The file's interventions the database lacks, each at its own time.
  void PlanInterventions(const Release& file, const Release* stored, ImportItem& item);
  Release ChangeRelease(const ReleaseEntry& entry, const Release& stored,
                        const ObjectRecord* record, Timestamp as_of, ImportItem& item);
  Release PrependRelease(const ReleaseEntry& entry, const Release& stored,
                         const ObjectRecord& record, Timestamp as_of, ImportItem& item);
  void ChangeSchedule(Release& row, const Release& file,
                      const std::vector<const FieldSpec<Release>*>& specs, Timestamp at,
                      bool overwrite, std::vector<ImportFieldChange>* changes);
  Result<void> CheckSchedule(const ReleaseEntry& entry, const Release& row) const;

  Feature PlanFeature(const FeatureEntry& entry, Timestamp release_as_of);
  Feature AddFeature(const FeatureEntry& entry, Timestamp as_of, ImportItem& item);
  Feature ChangeFeature(const FeatureEntry& entry, const Feature& stored,
                        const ObjectRecord* record, Timestamp as_of, ImportItem& item);
  Feature PrependFeature(const FeatureEntry& entry, const Feature& stored,
                         const ObjectRecord& record, Timestamp as_of, ImportItem& item);
  void UpdateFeature(Feature& row, const Feature& file,
                     const std::vector<const FieldSpec<Feature>*>& specs, Timestamp at,
                     bool overwrite, std::vector<ImportFieldChange>* changes);
  void PlanFeatureStatus(const FeatureEntry& entry, const Feature& stored,
                         const ObjectRecord* record, Timestamp as_of, Feature& row,
                         ImportItem& item);
  void AppendStatusChange(const Feature& feature, const StatusChange& change);
  void ChangeStatus(const Feature& feature, const std::string& from, const std::string& to,
                    Timestamp at, std::string reason);

  void PlanProtocols();
  void PlanProtocol(const Protocol& protocol, const Protocol& stored, ImportItem& item,
                    ProtocolWrite& write);
  void PlanProposals(const std::vector<ProposalPlan>& proposals);
  void PlanEvidenceRules();
  void PlanRules(EvidenceOwnerKind kind, const std::string& owner, const EvidenceRules& rules);
  void CountUntouched();

  const Context& context_;
  const ImportOptions& options_;
  Timestamp recorded_at_;
  ProjectFile& file_;
  StoredIndex stored_;
  RecordIndex records_;
  // The project as it will be: the file's where it gives one, else the stored.
  Project project_;
  std::unordered_map<std::string, const FeatureEntry*> entries_;
  std::unordered_map<std::string, const ReleaseEntry*> releases_;  // the file's, by version
  ImportPlan plan_;
};

Result<ImportPlan> ImportPlanner::Plan() {
  plan_.preview.file = file_.file_name;
  ST_TRY(ResolveFeatureReferences());
  PlanProject();
  ST_TRY(CheckProtocolStages());
  std::vector<ProposalPlan> proposals;
  for (const auto& entry : file_.proposals) {
    ProposalPlan proposal = ST_TRY(CheckProposal(entry));
    proposals.push_back(proposal);
  }
  PlanPeople();
  ST_TRY(PlanReleases());
  ST_TRY(CheckFeatures());
  PlanProtocols();
  PlanProposals(proposals);
  PlanEvidenceRules();
  CountUntouched();
  plan_.summary.events_written = static_cast<int>(plan_.events.size());
  plan_.preview.events = plan_.summary.events_written;
  return std::move(plan_);
}

// Everything the file refers to must exist in the file or the database;
// parents and dependencies become slugs.
Result<void> ImportPlanner::ResolveFeatureReferences() {
  FeatureIndex index;
  for (const auto& feature : stored_.snapshot().features) index.Add(feature);
  for (const auto& release : file_.releases) {
    for (const auto& entry : release.features) index.Add(entry.feature);
  }
  for (auto& release : file_.releases) {
    releases_[release.release.version] = &release;
    for (auto& entry : release.features) {
      ST_TRY(ResolveFeature(entry, index));
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

// The features as they will be (the planned rows in place of the stored
// ones) hold no cycle, and the process still knows every status in use.
Result<void> ImportPlanner::CheckFeatures() {
  std::unordered_map<std::string, const Feature*> combined;
  for (const auto& feature : stored_.snapshot().features) combined[feature.slug] = &feature;
  for (const auto& row : plan_.features) combined[row.feature.slug] = &row.feature;
  ST_TRY(CheckCycles(combined, [&](const Feature& feature, const std::string& message) {
    auto it = entries_.find(feature.slug);
    Error error = Error::InvalidArgument(message);
    return it == entries_.end() ? error : error.WithContext(At(it->second->at));
  }));
  for (const auto& [slug, feature] : combined) {
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

// The conflicts of `judgement` go to the plan; when the file is preferred,
// the fields to overwrite are returned, with the stamps they overwrite.
template <typename T>
std::vector<const FieldSpec<T>*> ImportPlanner::Overwritten(const Judgement<T>& judgement,
                                                            const T& stored, const T& file,
                                                            const ImportItem& item,
                                                            std::vector<Stamp>& stamps) {
  std::vector<const FieldSpec<T>*> overwritten;
  for (const auto& [spec, stamp] : judgement.conflicts) {
    AddConflict(item, spec->name, spec->get(stored), stamp, spec->get(file), item.as_of);
    if (!options_.prefer_file) continue;
    overwritten.push_back(spec);
    stamps.push_back(stamp);
  }
  return overwritten;
}

// The project section, field by field. A file without one leaves the stored
// project alone, and gives a new database the Xen process.
void ImportPlanner::PlanProject() {
  const auto& stored = stored_.snapshot().project;
  const Timestamp as_of = FileTime();
  project_ = file_.project ? *file_.project : stored ? *stored : Project{"", "", {}, XenProcess()};
  if (!stored) {
    plan_.project = project_;
    Event& event = AddEvent(event_kind::kProjectConfigured, "", project_.name, as_of);
    event.to = project_.process.name;
    event.reason = Imported();
    if (file_.project) {
      plan_.preview.items.push_back({"project", project_.name, ImportAction::kAdd, as_of, {}, {}});
    }
    return;
  }
  if (!file_.project) return;
  ImportItem item{"project", project_.name, ImportAction::kKeep, as_of, {}, {}};
  const ObjectRecord* record = records_.Find(RecordKind::kProject, "");
  auto judgement = Judge(ProjectFields(), *stored, project_, StampsOf(record), as_of, false);
  Project row = *stored;
  SaveProject(row, project_, judgement.applied, as_of, false, item);
  std::vector<Stamp> stamps;
  auto overwritten = Overwritten(judgement, *stored, project_, item, stamps);
  SaveProject(row, project_, overwritten, OverwriteAt(stamps), true, item);
  if (!item.changes.empty()) {
    item.action = ImportAction::kChange;
    plan_.project = row;
  }
  project_ = row;
  plan_.preview.items.push_back(std::move(item));
}

// Moves `specs` of `file` into `row`, as one project.configured at `at`.
void ImportPlanner::SaveProject(Project& row, const Project& file,
                                const std::vector<const FieldSpec<Project>*>& specs, Timestamp at,
                                bool overwrite, ImportItem& item) {
  Event* event =
      MoveFields(row, file, specs, at, overwrite, &item.changes, event_kind::kProjectConfigured);
  if (event == nullptr) return;
  event->subject = row.name;
  event->to = row.process.name;
}

void ImportPlanner::PlanPeople() {
  for (const auto& person : file_.people) {
    ImportItem item{"person", person.email, ImportAction::kKeep, FileTime(), {}, {}};
    const Person* stored = stored_.FindPerson(person.email);
    if (stored == nullptr) {
      plan_.people.push_back(person);
      AddEvent(event_kind::kPersonSaved, "", person.email, item.as_of).reason = Imported();
      ++plan_.summary.people_saved;
      item.action = ImportAction::kAdd;
    } else {
      PlanPerson(person, *stored, item);
    }
    plan_.preview.items.push_back(std::move(item));
  }
}

// A known person, field by field; their stored primary e-mail stays theirs.
void ImportPlanner::PlanPerson(const Person& person, const Person& stored, ImportItem& item) {
  const ObjectRecord* record = records_.Find(RecordKind::kPerson, stored.email);
  auto judgement = Judge(PersonFields(), stored, person, StampsOf(record), item.as_of, false);
  std::vector<Stamp> stamps;
  auto overwritten = Overwritten(judgement, stored, person, item, stamps);
  Person row = stored;
  auto save = [&](const std::vector<const FieldSpec<Person>*>& specs, Timestamp at,
                  bool overwrite) {
    Event* event =
        MoveFields(row, person, specs, at, overwrite, &item.changes, event_kind::kPersonSaved);
    if (event != nullptr) event->subject = stored.email;
  };
  save(judgement.applied, item.as_of, false);
  save(overwritten, OverwriteAt(stamps), true);
  if (item.changes.empty()) return;
  item.action = ImportAction::kChange;
  plan_.people.push_back(std::move(row));
  ++plan_.summary.people_saved;
}

Result<void> ImportPlanner::PlanReleases() {
  size_t feature_count = 0;
  for (const auto& entry : file_.releases) feature_count += entry.features.size();
  plan_.features.reserve(feature_count);
  // A new feature takes two events: its addition and its status.
  plan_.events.reserve(plan_.events.size() + 2 * feature_count);
  std::int64_t ordinal = 0;
  for (const auto& entry : file_.releases) {
    std::optional<Timestamp> last_change;
    for (const auto& change : entry.release.schedule_changes) {
      if (!last_change || change.at > *last_change) last_change = change.at;
    }
    if (const auto& shipped = entry.release.shipped) {
      if (!last_change || shipped->at > *last_change) last_change = shipped->at;
    }
    for (const auto& intervention : entry.release.interventions) {
      if (!last_change || intervention.at > *last_change) last_change = intervention.at;
    }
    Timestamp as_of = RecordTime(entry.as_of, FileTime(), last_change);
    ST_TRY(PlanRelease(entry, as_of));
    for (const auto& feature : entry.features) {
      plan_.features.push_back(FeatureRow{PlanFeature(feature, as_of), ++ordinal});
    }
  }
  return Ok();
}

Result<void> ImportPlanner::PlanRelease(const ReleaseEntry& entry, Timestamp as_of) {
  const Release& release = entry.release;
  ImportItem item{"release", release.version, ImportAction::kKeep, as_of, {}, {}};
  const Release* stored = stored_.FindRelease(release.version);
  if (stored == nullptr) {
    AddRelease(entry, as_of, item);
    PlanInterventions(release, nullptr, item);
    PlanShipment(release, nullptr, item);
  } else {
    const ObjectRecord* record = records_.Find(RecordKind::kRelease, release.version);
    Release row = record != nullptr && as_of < record->first && Differs(entry, *stored)
                      ? PrependRelease(entry, *stored, *record, as_of, item)
                      : ChangeRelease(entry, *stored, record, as_of, item);
    ST_TRY(CheckSchedule(entry, row));
    PlanInterventions(release, stored, item);
    PlanShipment(release, stored, item);
    if (!SameFields(ReleaseFields(), row, *stored)) {
      plan_.releases.push_back(std::move(row));
      ++plan_.summary.releases_updated;
    }
    if (!item.changes.empty() || !item.notes.empty()) item.action = ImportAction::kChange;
  }
  plan_.preview.items.push_back(std::move(item));
  return Ok();
}

// A new release, as of the file's time, with the schedule changes it lists.
void ImportPlanner::AddRelease(const ReleaseEntry& entry, Timestamp as_of, ImportItem& item) {
  const Release& release = entry.release;
  item.action = ImportAction::kAdd;
  plan_.releases.push_back(release);
  Event& event = AddEvent(event_kind::kReleaseAdded, release.version, release.version, as_of);
  event.to = FormatDate(release.freeze);
  event.reason = Imported();
  // The dates the file gave: one it left out is a default, which a later
  // file may set without conflict.
  json dates = {{"release", FormatDate(release.release)}};
  if (entry.has_start) dates["start"] = FormatDate(release.start);
  if (entry.has_freeze) dates["freeze"] = FormatDate(release.freeze);
  event.detail = dates.dump();
  for (const auto& change : release.schedule_changes) {
    AppendScheduleChange(release.version, change);
  }
  ++plan_.summary.releases_added;
}

// The file's shipment of a release the database has not seen ship is added
// at its own time; one that disagrees with the database's is a conflict
// (with --prefer file the file's is recorded after it, and counts).
void ImportPlanner::PlanInterventions(const Release& file, const Release* stored,
                                      ImportItem& item) {
  for (const auto& intervention : file.interventions) {
    if (stored != nullptr && std::find(stored->interventions.begin(), stored->interventions.end(),
                                       intervention) != stored->interventions.end()) {
      continue;
    }
    plan_.events.push_back(InterventionEvent(file.version, intervention));
    plan_.events.back().recorded_at = recorded_at_;
    if (stored != nullptr) {
      item.changes.push_back({"interventions", nullptr,
                              json{{"kind", intervention.kind}, {"text", intervention.text}},
                              intervention.at, false});
    }
  }
}

void ImportPlanner::PlanShipment(const Release& file, const Release* stored, ImportItem& item) {
  if (!file.shipped || (stored != nullptr && stored->shipped == file.shipped)) return;
  if (stored != nullptr && stored->shipped && stored->shipped->date == file.shipped->date) return;
  json to = FormatDate(file.shipped->date);
  bool conflict = stored != nullptr && stored->shipped;
  if (conflict) {
    AddConflict(item, "shipped", FormatDate(stored->shipped->date),
                Stamp{true, stored->shipped->at, stored->shipped->by}, to, file.shipped->at);
    if (!options_.prefer_file) return;
  }
  Shipment shipment = *file.shipped;
  if (conflict) shipment.at = std::max(shipment.at, stored->shipped->at);
  plan_.events.push_back(ShipmentEvent(file.version, shipment));
  plan_.events.back().recorded_at = recorded_at_;
  if (stored != nullptr) item.changes.push_back({"shipped", nullptr, to, shipment.at, conflict});
}

void ImportPlanner::AppendScheduleChange(const std::string& version, const ScheduleChange& change) {
  plan_.events.push_back(ScheduleChangeEvent(version, change));
  plan_.events.back().recorded_at = recorded_at_;
}

// A known release: the file's schedule changes the database lacks, then the
// fields the file gives.
Release ImportPlanner::ChangeRelease(const ReleaseEntry& entry, const Release& stored,
                                     const ObjectRecord* record, Timestamp as_of,
                                     ImportItem& item) {
  const Release& file = entry.release;
  Release row = stored;
  Stamp freeze = record != nullptr ? record->FieldStamp("freeze") : Stamp{};
  Stamp release = record != nullptr ? record->FieldStamp("release") : Stamp{};
  for (const auto& change : file.schedule_changes) {
    if (HasScheduleChange(stored.schedule_changes, change)) continue;
    Stamp latest = Latest(freeze, release);
    bool before_latest = latest.set && change.at < latest.at;
    json to = {{"freeze", FormatDate(change.new_freeze)},
               {"release", FormatDate(change.new_release)}};
    if (before_latest) {
      AddConflict(item, "schedule_changes",
                  {{"freeze", FormatDate(row.freeze)}, {"release", FormatDate(row.release)}},
                  latest, to, change.at);
      if (!options_.prefer_file) continue;
    }
    AppendScheduleChange(file.version, change);
    item.changes.push_back(
        {"schedule_changes",
         {{"freeze", FormatDate(change.old_freeze)}, {"release", FormatDate(change.old_release)}},
         to,
         change.at,
         before_latest});
    if (before_latest) continue;
    row.freeze = change.new_freeze;
    row.release = change.new_release;
    freeze = release = Stamp{true, change.at, change.by};
  }
  auto stamp_of = [&](const std::string& field) {
    if (field == "freeze") return freeze;
    if (field == "release") return release;
    return record != nullptr ? record->FieldStamp(field) : Stamp{};
  };
  auto given = [&](const std::string& field) {
    return (field != "start" || entry.has_start) && (field != "freeze" || entry.has_freeze) &&
           (field != "report_template" || entry.has_template);
  };
  auto judgement = Judge(ReleaseFields(), row, file, stamp_of, as_of, false, given);
  std::vector<Stamp> stamps;
  auto overwritten = Overwritten(judgement, row, file, item, stamps);
  ChangeSchedule(row, file, judgement.applied, as_of, false, &item.changes);
  ChangeSchedule(row, file, overwritten, OverwriteAt(stamps), true, &item.changes);
  return row;
}

// The file's record is older than the database's first record of the
// release: it is added as the release's earlier history. Dates the database
// never set (defaults) take the file's values; the others stay, and move
// from the file's values to the database's first ones when the database
// first recorded the release.
Release ImportPlanner::PrependRelease(const ReleaseEntry& entry, const Release& stored,
                                      const ObjectRecord& record, Timestamp as_of,
                                      ImportItem& item) {
  const Release& file = entry.release;
  item.notes.push_back(fmt::format(
      "the file records it as of {}, before the database first recorded it ({}): the file's "
      "record becomes its earlier history, and the database's later values stay",
      FormatTimestamp(as_of), FormatTimestamp(record.first)));
  AddRelease(entry, as_of, item);
  plan_.releases.pop_back();
  --plan_.summary.releases_added;
  item.action = ImportAction::kChange;
  auto given = [&](const std::string& field) {
    return (field != "start" || entry.has_start) && (field != "freeze" || entry.has_freeze) &&
           (field != "report_template" || entry.has_template);
  };
  auto judgement = Judge(
      ReleaseFields(), stored, file,
      [&](const std::string& field) { return record.FieldStamp(field); }, as_of, true, given);
  Release row = stored;
  for (const auto* spec : judgement.applied) {
    item.changes.push_back({spec->name, spec->get(row), spec->get(file), as_of, false});
    spec->copy(row, file);
  }
  // From the file's values to the database's first ones.
  Release first = row;
  for (const auto& spec : ReleaseFields()) {
    auto initial = record.initial.find(spec.name);
    if (initial != record.initial.end() && spec.set) spec.set(first, initial->second);
  }
  Release earlier = first;
  for (const auto* spec : judgement.earlier) spec->copy(earlier, file);
  for (const auto* spec : judgement.earlier) {
    item.notes.push_back(EarlierNote(spec->name, spec->get(earlier), spec->get(first), record));
  }
  ChangeSchedule(earlier, first, judgement.earlier, record.first, false, nullptr);
  return row;
}

// Moves `specs` of `file` into `row` at `at`: freeze and release dates as one
// slip, the start and the template as one release.updated; lists each change
// in `changes` when given.
void ImportPlanner::ChangeSchedule(Release& row, const Release& file,
                                   const std::vector<const FieldSpec<Release>*>& specs,
                                   Timestamp at, bool overwrite,
                                   std::vector<ImportFieldChange>* changes) {
  if (specs.empty()) return;
  Release after = row;
  std::vector<const FieldSpec<Release>*> other;
  for (const auto* spec : specs) {
    if (changes != nullptr) {
      changes->push_back({spec->name, spec->get(row), spec->get(file), at, overwrite});
    }
    spec->copy(after, file);
    if (spec->name != "freeze" && spec->name != "release") other.push_back(spec);
  }
  if (after.freeze != row.freeze || after.release != row.release) {
    ScheduleChange change{at,          context_.actor, row.freeze, after.freeze,
                          row.release, after.release,  Imported()};
    AppendScheduleChange(row.version, change);
  }
  if (!other.empty()) {
    Event& event = AddEvent(event_kind::kReleaseUpdated, row.version, row.version, at);
    event.to = FormatDate(after.freeze);
    event.reason = Imported();
    event.detail = FieldsDetail(other, row, after);
  }
  row = std::move(after);
}

Result<void> ImportPlanner::CheckSchedule(const ReleaseEntry& entry, const Release& row) const {
  if (row.start <= row.freeze && row.freeze <= row.release) return Ok();
  return Fail(Invalid(
      entry.at, fmt::format("release {} would start {}, freeze {} and be released {}, out of "
                            "order: the file's dates with the database's others (those the file "
                            "leaves out); give all three",
                            row.version, FormatDate(row.start), FormatDate(row.freeze),
                            FormatDate(row.release))));
}

// One feature of the file: new, known, or known only from a later time.
Feature ImportPlanner::PlanFeature(const FeatureEntry& entry, Timestamp release_as_of) {
  const Feature& file = entry.feature;
  std::optional<Timestamp> last_change;
  if (!file.history.empty()) last_change = file.history.back().at;
  const Timestamp as_of = RecordTime(entry.as_of, release_as_of, last_change);
  ImportItem item{"feature", file.slug, ImportAction::kKeep, as_of, {}, {}};
  const Feature* stored = stored_.FindFeature(file.slug);
  const size_t first_event = plan_.events.size();
  Feature row;
  if (stored == nullptr) {
    row = AddFeature(entry, as_of, item);
    // A file that gives no time says nothing of when the feature was last
    // active: its last status change says that, not the import.
    const ReleaseEntry* release = releases_.at(file.release);
    if (!entry.as_of && !release->as_of && !file_.as_of && !file.history.empty()) {
      row.updated_at = file.history.back().at;
    }
    ++plan_.summary.features_added;
  } else {
    const ObjectRecord* record = records_.Find(RecordKind::kFeature, file.slug);
    row = record != nullptr && as_of < record->first && Differs(entry, *stored)
              ? PrependFeature(entry, *stored, *record, as_of, item)
              : ChangeFeature(entry, *stored, record, as_of, item);
    bool changed = plan_.events.size() > first_event;
    if (changed) item.action = ImportAction::kChange;
    ++(changed ? plan_.summary.features_updated : plan_.summary.features_unchanged);
    // Its last activity moves to the latest change written, never back.
    row.updated_at = stored->updated_at;
    for (size_t i = first_event; i < plan_.events.size(); ++i) {
      row.updated_at = std::max(row.updated_at, plan_.events[i].at);
    }
  }
  plan_.preview.items.push_back(std::move(item));
  return row;
}

// A new feature: added as of the file's time, with the history it lists and
// its status.
Feature ImportPlanner::AddFeature(const FeatureEntry& entry, Timestamp as_of, ImportItem& item) {
  const Feature& file = entry.feature;
  item.action = ImportAction::kAdd;
  Event& added = AddEvent(event_kind::kFeatureAdded, file.release, file.slug, as_of);
  added.to = file.status;
  added.reason = Imported();
  std::string last;
  for (const auto& change : file.history) {
    AppendStatusChange(file, change);
    last = change.to;
  }
  if (last != file.status)
    ChangeStatus(file, last, file.status, as_of, last.empty() ? "" : Imported());
  Feature row = file;
  row.updated_at = as_of;
  return row;
}

void ImportPlanner::AppendStatusChange(const Feature& feature, const StatusChange& change) {
  Event& event = AddEvent(event_kind::kFeatureStatus, feature.release, feature.slug, change.at);
  event.actor = change.by;
  event.from = change.from;
  event.to = change.to;
  event.reason = change.reason;
}

void ImportPlanner::ChangeStatus(const Feature& feature, const std::string& from,
                                 const std::string& to, Timestamp at, std::string reason) {
  Event& event = AddEvent(event_kind::kFeatureStatus, feature.release, feature.slug, at);
  event.from = from;
  event.to = to;
  event.reason = std::move(reason);
}

// A known feature: its fields, then its history and status.
Feature ImportPlanner::ChangeFeature(const FeatureEntry& entry, const Feature& stored,
                                     const ObjectRecord* record, Timestamp as_of,
                                     ImportItem& item) {
  const Feature& file = entry.feature;
  Feature row = stored;
  if (!SameFeatureFields(stored, file)) {
    auto judgement = Judge(FeatureFields(), stored, file, StampsOf(record), as_of, false);
    std::vector<Stamp> stamps;
    auto overwritten = Overwritten(judgement, stored, file, item, stamps);
    UpdateFeature(row, file, judgement.applied, as_of, false, &item.changes);
    UpdateFeature(row, file, overwritten, OverwriteAt(stamps), true, &item.changes);
  }
  PlanFeatureStatus(entry, stored, record, as_of, row, item);
  return row;
}

// Moves `specs` of `file` into `row` as one feature.updated at `at`, whose
// detail is {"field": [old, new]}; lists each change in `changes` when given.
void ImportPlanner::UpdateFeature(Feature& row, const Feature& file,
                                  const std::vector<const FieldSpec<Feature>*>& specs, Timestamp at,
                                  bool overwrite, std::vector<ImportFieldChange>* changes) {
  Event* event = MoveFields(row, file, specs, at, overwrite, changes, event_kind::kFeatureUpdated);
  if (event == nullptr) return;
  event->release = row.release;
  event->subject = row.slug;
}

// The file's status history entries the database lacks, then its status. An
// entry dated before the database's latest status change would rewrite what
// came after it, and a status the database changed after the file's time
// would undo that change: both are conflicts.
void ImportPlanner::PlanFeatureStatus(const FeatureEntry& entry, const Feature& stored,
                                      const ObjectRecord* record, Timestamp as_of, Feature& row,
                                      ImportItem& item) {
  const Feature& file = entry.feature;
  std::string status = stored.status;
  Stamp stamp = record != nullptr ? record->FieldStamp("status") : Stamp{};
  for (const auto& change : file.history) {
    if (HasChange(stored.history, change)) continue;
    bool before_latest = stamp.set && change.at < stamp.at;
    if (before_latest) {
      AddConflict(item, "history", status, stamp, change.to, change.at);
      if (!options_.prefer_file) continue;
    }
    AppendStatusChange(row, change);
    item.changes.push_back({"history", change.from, change.to, change.at, before_latest});
    if (before_latest) continue;
    status = change.to;
    stamp = Stamp{true, change.at, change.by};
  }
  row.status = status;
  if (status == file.status) return;
  bool newer = stamp.set && stamp.at > as_of;
  if (newer) {
    AddConflict(item, "status", status, stamp, file.status, as_of);
    if (!options_.prefer_file) return;
  }
  Timestamp at = newer ? OverwriteAt({stamp}) : as_of;
  ChangeStatus(row, status, file.status, at, Imported());
  item.changes.push_back({"status", status, file.status, at, newer});
  row.status = file.status;
}

// The file's record is older than the database's first record of the
// feature: it is added as the feature's earlier history, and moves to the
// database's first values when the database first recorded it. The
// database's values stay.
Feature ImportPlanner::PrependFeature(const FeatureEntry& entry, const Feature& stored,
                                      const ObjectRecord& record, Timestamp as_of,
                                      ImportItem& item) {
  const Feature& file = entry.feature;
  item.notes.push_back(fmt::format(
      "the file records it as of {}, before the database first recorded it ({}): the file's "
      "record becomes its earlier history, and the database's later values stay",
      FormatTimestamp(as_of), FormatTimestamp(record.first)));
  AddFeature(entry, as_of, item);
  item.action = ImportAction::kChange;
  Feature first = stored;
  for (const auto& spec : FeatureFields()) {
    auto initial = record.initial.find(spec.name);
    if (initial != record.initial.end()) spec.set(first, initial->second);
  }
  Feature earlier = file;
  std::vector<const FieldSpec<Feature>*> moved;
  for (const auto& spec : FeatureFields()) {
    if (spec.get(earlier) != spec.get(first)) moved.push_back(&spec);
  }
  for (const auto* spec : moved) {
    item.notes.push_back(EarlierNote(spec->name, spec->get(earlier), spec->get(first), record));
  }
  UpdateFeature(earlier, first, moved, record.first, false, nullptr);
  auto status = record.initial.find("status");
  std::string first_status = status != record.initial.end() && status->second.is_string()
                                 ? status->second.get<std::string>()
                                 : stored.status;
  if (first_status != file.status) {
    ChangeStatus(first, file.status, first_status, record.first, Imported());
  }
  return stored;
}

// New protocols with their whole history, known ones field by field with the
// history entries the store lacks.
void ImportPlanner::PlanProtocols() {
  for (const auto& protocol : file_.protocols) {
    std::optional<Timestamp> last_change;
    if (!protocol.history.empty()) last_change = protocol.history.back().at;
    auto own = file_.protocol_as_of.find(protocol.name);
    const Timestamp as_of = RecordTime(
        own == file_.protocol_as_of.end() ? std::nullopt : std::optional<Timestamp>(own->second),
        FileTime(), last_change);
    ImportItem item{"protocol", protocol.name, ImportAction::kKeep, as_of, {}, {}};
    ProtocolWrite write{protocol.name, std::nullopt, {}};
    if (const Protocol* stored = stored_.FindProtocol(protocol.name)) {
      PlanProtocol(protocol, *stored, item, write);
    } else {
      write.protocol = protocol;
      Event& event = AddEvent(event_kind::kProtocolAdded, "", protocol.name, as_of);
      event.to = protocol.stage;
      event.reason = Imported();
      for (const auto& change : protocol.history) {
        write.stage_changes.push_back(change);
        Event& stage = AddEvent(event_kind::kProtocolStage, "", protocol.name, change.at);
        if (!change.by.empty()) stage.actor = change.by;
        stage.from = change.from;
        stage.to = change.to;
        stage.reason = change.reason;
      }
      item.action = ImportAction::kAdd;
      ++plan_.summary.protocols_added;
    }
    if (write.protocol || !write.stage_changes.empty()) plan_.protocols.push_back(std::move(write));
    plan_.preview.items.push_back(std::move(item));
  }
}

// A known protocol: the history entries the database lacks (one dated before
// its latest stage change is a conflict), its stage, then its other fields.
void ImportPlanner::PlanProtocol(const Protocol& protocol, const Protocol& stored, ImportItem& item,
                                 ProtocolWrite& write) {
  const ObjectRecord* record = records_.Find(RecordKind::kProtocol, protocol.name);
  Protocol row = stored;
  Stamp stage = record != nullptr ? record->FieldStamp("stage") : Stamp{};
  for (const auto& change : protocol.history) {
    if (HasStageChange(stored.history, change)) continue;
    bool before_latest = stage.set && change.at < stage.at;
    if (before_latest) {
      AddConflict(item, "history", row.stage, stage, change.to, change.at);
      if (!options_.prefer_file) continue;
    }
    write.stage_changes.push_back(change);
    Event& event = AddEvent(event_kind::kProtocolStage, "", protocol.name, change.at);
    if (!change.by.empty()) event.actor = change.by;
    event.from = change.from;
    event.to = change.to;
    event.reason = change.reason;
    item.changes.push_back({"history", change.from, change.to, change.at, before_latest});
    if (before_latest) continue;
    row.stage = change.to;
    stage = Stamp{true, change.at, change.by};
  }
  if (row.stage != protocol.stage) {
    bool newer = stage.set && stage.at > item.as_of;
    if (newer) AddConflict(item, "stage", row.stage, stage, protocol.stage, item.as_of);
    if (!newer || options_.prefer_file) {
      item.changes.push_back(
          {"stage", row.stage, protocol.stage, newer ? OverwriteAt({stage}) : item.as_of, newer});
      row.stage = protocol.stage;
    }
  }
  auto judgement = Judge(ProtocolFields(), row, protocol, StampsOf(record), item.as_of, false);
  std::vector<Stamp> stamps;
  auto overwritten = Overwritten(judgement, row, protocol, item, stamps);
  auto update = [&](const std::vector<const FieldSpec<Protocol>*>& specs, Timestamp at,
                    bool overwrite) {
    Event* event = MoveFields(row, protocol, specs, at, overwrite, &item.changes,
                              event_kind::kProtocolUpdated);
    if (event != nullptr) event->subject = protocol.name;
  };
  update(judgement.applied, item.as_of, false);
  update(overwritten, OverwriteAt(stamps), true);
  if (item.changes.empty()) return;
  item.action = ImportAction::kChange;
  if (!SameFields(ProtocolFields(), row, stored) || row.stage != stored.stage) {
    write.protocol = row;
    ++plan_.summary.protocols_updated;
  }
}

// What CheckProposal found new, with the events Lifecycle writes for the same
// steps, dated when they happened.
void ImportPlanner::PlanProposals(const std::vector<ProposalPlan>& proposals) {
  const ProtocolProcess& lifecycle = project_.process.lifecycle;
  for (const auto& plan : proposals) {
    const Proposal& proposal = plan.entry->proposal;
    ImportItem item{
        "proposal", std::to_string(proposal.id), ImportAction::kKeep, proposal.opened_at, {}, {}};
    if (!plan.is_new && plan.first_new_action == proposal.actions.size()) {
      plan_.preview.items.push_back(std::move(item));
      continue;
    }
    ProposalWrite write{proposal.id, std::nullopt, {}};
    if (plan.is_new) {
      write.header = proposal;
      write.header->actions.clear();
      Event& event =
          AddEvent(event_kind::kProposalOpened, "", proposal.protocol, proposal.opened_at);
      event.actor = proposal.proposer;
      event.from = proposal.from_stage;
      event.to = proposal.to_stage;
      event.reason = Imported();
      event.detail = json{{"proposal", proposal.id},
                          {"thread", proposal.thread},
                          {"window", FormatTimeSpan(ProposalWindow(proposal, lifecycle))}}
                         .dump();
      item.action = ImportAction::kAdd;
      ++plan_.summary.proposals_added;
    } else {
      item.action = ImportAction::kChange;
      ++plan_.summary.proposals_updated;
    }
    for (size_t i = plan.first_new_action; i < proposal.actions.size(); ++i) {
      const ProposalAction& action = proposal.actions[i];
      write.actions.push_back(action);
      Event& event = AddEvent(event_kind::kProposalAction, "", proposal.protocol, action.at);
      event.actor = action.by;
      event.to = std::string(ProposalActionKindName(action.kind));
      event.reason = action.text;
      json detail = {{"proposal", proposal.id}};
      if (action.objection_id != 0) detail["objection"] = action.objection_id;
      event.detail = detail.dump();
      if (!plan.is_new) item.changes.push_back({"actions", nullptr, event.to, action.at, false});
    }
    plan_.proposals.push_back(std::move(write));
    plan_.preview.items.push_back(std::move(item));
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

// What the database holds that the file does not name.
void ImportPlanner::CountUntouched() {
  const ImportSnapshot& stored = stored_.snapshot();
  ImportUntouched& untouched = plan_.preview.untouched;
  auto named = [&](const char* kind, const std::string& name) {
    return std::any_of(
        plan_.preview.items.begin(), plan_.preview.items.end(),
        [&](const ImportItem& item) { return item.kind == kind && item.name == name; });
  };
  for (const auto& release : stored.releases)
    untouched.releases += !named("release", release.version);
  for (const auto& feature : stored.features)
    untouched.features += entries_.count(feature.slug) == 0;
  for (const auto& person : stored.people) {
    untouched.people += std::none_of(file_.people.begin(), file_.people.end(),
                                     [&](const Person& p) { return person.HasEmail(p.email); });
  }
  for (const auto& protocol : stored.protocols)
    untouched.protocols += !named("protocol", protocol.name);
  for (const auto& proposal : stored.proposals) {
    untouched.proposals += !named("proposal", std::to_string(proposal.id));
  }
}

}  // namespace

Result<ImportSnapshot> LoadImportSnapshot(Store& store, std::optional<Project> project) {
  ImportSnapshot snapshot;
  snapshot.project = std::move(project);
  snapshot.features = ST_TRY(store.ListFeatures({"", true, true}));
  snapshot.people = ST_TRY(store.ListPeople());
  snapshot.releases = ST_TRY(store.ListReleases());
  snapshot.protocols = ST_TRY(store.ListProtocols());
  snapshot.proposals = ST_TRY(store.ListProposals({}));
  snapshot.rules = ST_TRY(store.evidence().ListRules());
  using namespace event_kind;
  for (const char* kind : {kProjectConfigured, kPersonSaved, kReleaseAdded, kReleaseUpdated,
                           kReleaseSlipped, kFeatureAdded, kFeatureUpdated, kProtocolAdded,
                           kProtocolUpdated, kProtocolStage, kProtocolWaiver}) {
    EventQuery query;
    query.kind = kind;
    for (auto& event : ST_TRY(store.ListEvents(query))) snapshot.events.push_back(std::move(event));
  }
  return snapshot;
}

Result<ImportPlan> PlanImport(const Context& context, ProjectFile file,
                              const ImportSnapshot& stored, const ImportOptions& options) {
  return ImportPlanner(context, file, stored, options).Plan();
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

namespace {

// Parses `text` and plans its import inside the caller's transaction, after
// the role rules (docs/process.md, "Who may write what"), read in it too.
// `first_admin` is who becomes the first admin of a database the import
// initialises, or empty.
Result<import_internal::ImportPlan> PlanInStore(Store& store, const Context& context,
                                                std::string_view text, std::string_view file_name,
                                                const ImportOptions& options,
                                                std::string& first_admin) {
  auto stored_project = ST_TRY(store.LoadProject());
  ST_TRY(AuthorizeIn(store, context.actor, Action::kImport));
  const Process* fallback = stored_project ? &stored_project->process : nullptr;
  ProjectFile file = ST_TRY(ParseProjectFile(text, file_name, fallback));
  if (!stored_project) first_admin = authorization_internal::NameFirstAdmin(file, context.actor);
  auto snapshot = ST_TRY(import_internal::LoadImportSnapshot(store, std::move(stored_project)));
  authorization_internal::KeepAdmins(file, snapshot.people);
  ST_TRY(authorization_internal::CheckImportedStageChanges(file, snapshot.protocols,
                                                           snapshot.proposals));
  return import_internal::PlanImport(context, std::move(file), snapshot, options);
}

}  // namespace

Result<ImportSummary> Planning::Import(const Context& context, std::string_view text,
                                       std::string_view file_name, const ImportOptions& options) {
  ImportSummary summary;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    std::string first_admin;
    auto plan = ST_TRY(PlanInStore(store_, context, text, file_name, options, first_admin));
    const auto& conflicts = plan.preview.conflicts;
    if (!conflicts.empty() && !options.prefer_file) {
      return Fail(Error::Conflict(fmt::format(
          "{} records {} value(s) as of times before the database changed them:\n{}nothing was "
          "written: export the database for a current file, see the whole plan with 'stocktake "
          "import {} --dry-run', or overwrite these values with the file's (each overwrite "
          "recorded) with --prefer file",
          file_name, conflicts.size(), DescribeConflicts(conflicts), file_name)));
    }
    ST_TRY(import_internal::ApplyImport(writer, plan));
    summary = plan.summary;
    summary.first_admin = first_admin;
    return Ok();
  }));
  return summary;
}

Result<ImportPreview> Planning::PreviewImport(const Context& context, std::string_view text,
                                              std::string_view file_name,
                                              const ImportOptions& options) {
  // Read inside a transaction that writes nothing, so the plan is of one
  // state of the database, as the import's would be.
  ImportPreview preview;
  ST_TRY(store_.Transact([&](StoreWriter&) -> Result<void> {
    std::string first_admin;
    preview = ST_TRY(PlanInStore(store_, context, text, file_name, options, first_admin)).preview;
    return Ok();
  }));
  return preview;
}

}  // namespace stocktake
