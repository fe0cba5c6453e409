#include "stocktake/projectfile/project_file.h"

#include <fmt/format.h>
#include <yaml-cpp/yaml.h>

#include <algorithm>
#include <map>
#include <set>

#include "projectfile/yaml_hygiene_internal.h"
#include "projectfile/yaml_reader_internal.h"
#include "stocktake/projectfile/yaml_writer.h"
#include "stocktake/util/limits.h"
#include "stocktake/util/pattern.h"
#include "stocktake/util/text.h"
#include "stocktake/util/utf8.h"

namespace stocktake {
namespace {

class Parser : public YamlReader {
 public:
  using YamlReader::YamlReader;

  Result<Process> ParseProcess(const YAML::Node& node) const {
    ST_TRY(ExpectMap(node, "process"));
    ST_TRY(OnlyKeys(node, "process",
                    {"name", "statuses", "staleness_days", "freeze_warning_days", "initial_status",
                     "stages", "proposal_window", "responsiveness_window", "czar_wait",
                     "lapse_warning", "objection_min_words"}));
    Process process = XenProcess();
    process.name = ST_TRY(Text(node, "name", "process", false));
    if (process.name.empty()) process.name = "custom";
    process.staleness_days = ST_TRY(Number(node, "staleness_days", "process", 28));
    process.freeze_warning_days = ST_TRY(Number(node, "freeze_warning_days", "process", 28));
    if (YAML::Node statuses = node["statuses"]) {
      ST_TRY(ExpectSequence(statuses, "process statuses"));
      process.statuses.clear();
      std::set<std::string> seen;
      for (const auto& item : statuses) {
        ST_TRY(ExpectMap(item, "a status"));
        ST_TRY(OnlyKeys(item, "a status", {"id", "heading", "done", "in_release"}));
        StatusDefinition status;
        status.id = ST_TRY(Text(item, "id", "a status", true));
        // Ids are typed in commands and compared as text: only the slug form is
        // accepted, so "On track" and "on-track" cannot both exist.
        if (status.id.empty() || Slugify(status.id) != status.id) {
          return Fail(At(item, fmt::format("status id '{}' must be lower-case words joined by "
                                           "hyphens, e.g. on-track",
                                           status.id)));
        }
        if (!seen.insert(status.id).second) {
          return Fail(At(item, fmt::format("status '{}' is defined twice", status.id)));
        }
        status.heading = ST_TRY(Text(item, "heading", "a status", true));
        status.done = ST_TRY(Flag(item, "done", "a status", false));
        status.in_release = ST_TRY(Flag(item, "in_release", "a status", true));
        process.statuses.push_back(std::move(status));
      }
      if (std::none_of(process.statuses.begin(), process.statuses.end(),
                       [](const StatusDefinition& s) { return s.in_release; })) {
        return Fail(At(statuses, "the process needs at least one status with in_release: true"));
      }
      // Keep statuses outside the release last, as Process promises.
      std::stable_partition(process.statuses.begin(), process.statuses.end(),
                            [](const StatusDefinition& s) { return s.in_release; });
    }
    ST_TRY(ParseInitialStatus(node, process));
    ST_TRY(ParseLifecycle(node, process.lifecycle));
    return process;
  }

  // A new feature cannot start finished or out of the release: nothing would
  // have been done or decided yet.
  Result<void> ParseInitialStatus(const YAML::Node& node, Process& process) const {
    process.initial_status = ST_TRY(Text(node, "initial_status", "process", false));
    if (process.initial_status.empty()) return Ok();
    const StatusDefinition* status = process.FindStatus(process.initial_status);
    if (status == nullptr || status->done || !status->in_release) {
      std::vector<std::string> allowed;
      for (const auto& known : process.statuses) {
        if (known.in_release && !known.done) allowed.push_back(known.id);
      }
      return Fail(At(node["initial_status"],
                     fmt::format("initial_status '{}' {}: a new feature starts in a status of the "
                                 "release that is not done, one of {}",
                                 process.initial_status,
                                 status == nullptr ? "is not a status of the process"
                                                   : "is done or out of the release",
                                 Join(allowed, ", "))));
    }
    return Ok();
  }

  Result<TimeSpan> Span(const YAML::Node& map, const char* key, TimeSpan fallback) const {
    YAML::Node node = map[key];
    if (!node) return fallback;
    auto span = ParseTimeSpan(node.IsScalar() ? node.Scalar() : "");
    if (!span)
      return Fail(At(node, fmt::format("'{}' of process: {}", key, span.error().message())));
    // A zero window would pass every proposal the instant it opened.
    if (span->IsZero()) {
      return Fail(
          At(node, fmt::format("'{}' of process must be longer than zero, e.g. 72h or 7d", key)));
    }
    return *span;
  }

  // The protocol lifecycle: stages with entry criteria, and the lazy-consensus windows.
  Result<void> ParseLifecycle(const YAML::Node& node, ProtocolProcess& lifecycle) const {
    lifecycle.proposal_window = ST_TRY(Span(node, "proposal_window", lifecycle.proposal_window));
    lifecycle.responsiveness_window =
        ST_TRY(Span(node, "responsiveness_window", lifecycle.responsiveness_window));
    lifecycle.czar_wait_limit = ST_TRY(Span(node, "czar_wait", lifecycle.czar_wait_limit));
    lifecycle.lapse_warning = ST_TRY(Span(node, "lapse_warning", lifecycle.lapse_warning));
    lifecycle.objection_min_words =
        ST_TRY(Number(node, "objection_min_words", "process", lifecycle.objection_min_words));
    if (lifecycle.objection_min_words < 1) {
      return Fail(At(node["objection_min_words"],
                     "'objection_min_words' of process must be at least 1, e.g. 5"));
    }
    YAML::Node stages = node["stages"];
    if (!stages) return Ok();
    ST_TRY(ExpectSequence(stages, "process stages"));
    lifecycle.stages.clear();
    std::set<std::string> seen;
    for (const auto& item : stages) {
      constexpr std::string_view kWhat = "a stage";
      ST_TRY(ExpectMap(item, kWhat));
      ST_TRY(OnlyKeys(item, kWhat, {"id", "name", "time_frame", "support", "entry_criteria"}));
      StageDefinition stage;
      stage.id = ST_TRY(Text(item, "id", kWhat, true));
      if (stage.id.empty() || Slugify(stage.id) != stage.id) {
        return Fail(At(item, fmt::format("stage id '{}' must be lower-case words joined by "
                                         "hyphens, e.g. prototype",
                                         stage.id)));
      }
      if (!seen.insert(stage.id).second) {
        return Fail(At(item, fmt::format("stage '{}' is defined twice", stage.id)));
      }
      stage.name = ST_TRY(Text(item, "name", kWhat, false));
      if (stage.name.empty()) stage.name = stage.id;
      // Unlike a window, a zero time frame is allowed: it means no limit.
      if (YAML::Node frame = item["time_frame"]) {
        auto span = ParseTimeSpan(frame.IsScalar() ? frame.Scalar() : "");
        if (!span)
          return Fail(At(frame, fmt::format("'time_frame' of stage {}: {}", stage.id,
                                            span.error().message())));
        stage.time_frame = *span;
      }
      stage.support_label = ST_TRY(Text(item, "support", kWhat, false));
      if (YAML::Node criteria = item["entry_criteria"]) {
        ST_TRY(ExpectSequence(criteria, "entry_criteria"));
        for (const auto& entry : criteria) {
          constexpr std::string_view kCriterion = "an entry criterion";
          ST_TRY(ExpectMap(entry, kCriterion));
          ST_TRY(OnlyKeys(entry, kCriterion, {"id", "description"}));
          StageCriterion criterion;
          criterion.id = ST_TRY(Text(entry, "id", kCriterion, true));
          criterion.description = ST_TRY(Text(entry, "description", kCriterion, false));
          stage.entry_criteria.push_back(std::move(criterion));
        }
      }
      lifecycle.stages.push_back(std::move(stage));
    }
    if (lifecycle.stages.empty()) return Fail(At(stages, "the process needs at least one stage"));
    return Ok();
  }

  Result<Person> ParsePerson(const YAML::Node& node) const {
    ST_TRY(ExpectMap(node, "a person"));
    ST_TRY(OnlyKeys(node, "a person", {"email", "name", "other_emails", "roles"}));
    Person person;
    person.email = ST_TRY(Text(node, "email", "a person", true));
    if (person.email.find('@') == std::string::npos) {
      return Fail(At(node["email"], fmt::format("'{}' is not an e-mail address", person.email)));
    }
    person.name = ST_TRY(Text(node, "name", "a person", false));
    person.other_emails = ST_TRY(List(node, "other_emails", "a person"));
    std::vector<FileMark> marks;
    auto roles = ST_TRY(List(node, "roles", "a person", &marks));
    for (size_t i = 0; i < roles.size(); ++i) {
      auto role = ParseRole(roles[i]);
      if (!role) {
        return Fail(Error::InvalidArgument(
                        fmt::format("unknown role '{}': use one of {}", roles[i], RoleNames()))
                        .WithContext(FormatMark(file_name(), marks[i])));
      }
      person.roles.push_back(*role);
    }
    return person;
  }

  Result<Intervention> ParseIntervention(const YAML::Node& node) const {
    constexpr std::string_view kWhat = "an intervention";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat, {"at", "by", "kind", "features", "text"}));
    Intervention intervention;
    intervention.at = ST_TRY(TimeValue(node, "at", kWhat));
    intervention.by = ST_TRY(Text(node, "by", kWhat, true));
    intervention.kind = ST_TRY(Text(node, "kind", kWhat, true));
    if (std::find(std::begin(kInterventionKinds), std::end(kInterventionKinds),
                  intervention.kind) == std::end(kInterventionKinds)) {
      return Fail(At(node["kind"], fmt::format("unknown intervention kind '{}': use effort, "
                                               "resources or slip",
                                               intervention.kind)));
    }
    intervention.features = ST_TRY(List(node, "features", kWhat));
    if (intervention.features.empty()) {
      return Fail(At(node, "an intervention names the features it is for: 'features: [slug]'"));
    }
    intervention.text = ST_TRY(Text(node, "text", kWhat, true));
    return intervention;
  }

  Result<Shipment> ParseShipment(const YAML::Node& node, const Release& release) const {
    constexpr std::string_view kWhat = "'shipped' of a release";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat, {"at", "by", "date", "note"}));
    Shipment shipment;
    shipment.at = ST_TRY(TimeValue(node, "at", kWhat));
    shipment.by = ST_TRY(Text(node, "by", kWhat, true));
    shipment.date = ST_TRY(DateValue(node, "date", kWhat));
    shipment.note = ST_TRY(Text(node, "note", kWhat, false));
    if (shipment.date < release.start || StartOf(shipment.date) > shipment.at) {
      return Fail(
          At(node["date"], fmt::format("{} cannot have shipped on {}: give a date between "
                                       "its start {} and the day it was recorded ({})",
                                       release.version, FormatDate(shipment.date),
                                       FormatDate(release.start), FormatDate(DayOf(shipment.at)))));
    }
    return shipment;
  }

  Result<ScheduleChange> ParseScheduleChange(const YAML::Node& node) const {
    constexpr std::string_view kWhat = "a schedule change";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat, {"at", "by", "freeze", "release", "reason"}));
    ScheduleChange change;
    change.at = ST_TRY(TimeValue(node, "at", kWhat));
    change.by = ST_TRY(Text(node, "by", kWhat, true));
    change.reason = ST_TRY(Text(node, "reason", kWhat, true));
    for (const char* key : {"freeze", "release"}) {
      YAML::Node pair = node[key];
      if (!pair)
        return Fail(At(node, fmt::format("{} needs '{}: {{from: …, to: …}}'", kWhat, key)));
      ST_TRY(ExpectMap(pair, fmt::format("'{}' of {}", key, kWhat)));
      ST_TRY(OnlyKeys(pair, key, {"from", "to"}));
      Date from = ST_TRY(DateValue(pair, "from", key));
      Date to = ST_TRY(DateValue(pair, "to", key));
      if (std::string_view(key) == "freeze") {
        change.old_freeze = from;
        change.new_freeze = to;
      } else {
        change.old_release = from;
        change.new_release = to;
      }
    }
    return change;
  }

  // "evidence: {subjects: [...], paths: [...], tags: [...]}" of a feature or protocol.
  Result<EvidenceRules> ParseEvidence(const YAML::Node& node) const {
    constexpr std::string_view kWhat = "evidence rules";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat, {"subjects", "paths", "tags"}));
    EvidenceRules rules;
    rules.subjects = ST_TRY(List(node, "subjects", kWhat));
    // A subject is a pattern: one that does not compile is refused here,
    // where its line is known, not silently matched as something else later.
    for (std::size_t index = 0; index < rules.subjects.size(); ++index) {
      auto pattern = Pattern::Compile(rules.subjects[index]);
      if (!pattern) return Fail(At(node["subjects"][index], pattern.error().message()));
    }
    rules.paths = ST_TRY(List(node, "paths", kWhat));
    rules.tags = ST_TRY(List(node, "tags", kWhat));
    return rules;
  }

  Result<FeatureEntry> ParseFeature(const YAML::Node& node, const std::string& version,
                                    const Process& process) const {
    constexpr std::string_view kWhat = "a feature";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat,
                    {"title", "slug", "status", "parent", "code_bases", "external", "owners",
                     "must_have", "depends_on", "short_title", "remark", "notes", "protocol",
                     "freeze_exception", "removed", "history", "evidence", "as_of"}));
    FeatureEntry entry;
    entry.at = MarkOf(node);
    if (YAML::Node evidence = node["evidence"]) entry.evidence = ST_TRY(ParseEvidence(evidence));
    Feature& feature = entry.feature;
    feature.release = version;
    feature.title = std::string(Trim(ST_TRY(Text(node, "title", kWhat, true))));
    if (feature.title.empty()) return Fail(At(node, "a feature's title must not be empty"));
    feature.code_bases = ST_TRY(List(node, "code_bases", kWhat));
    feature.slug = ST_TRY(Text(node, "slug", kWhat, false));
    if (feature.slug.empty()) {
      feature.slug = Slugify(feature.DisplayName());
      if (feature.slug.empty()) {
        return Fail(At(node, fmt::format("cannot derive a slug from '{}': add 'slug: some-name'",
                                         feature.title)));
      }
    } else if (Slugify(feature.slug) != feature.slug) {
      return Fail(At(node["slug"], fmt::format("slug '{}' must be lower-case words joined by "
                                               "hyphens, e.g. '{}'",
                                               feature.slug, Slugify(feature.slug))));
    }
    feature.status = ST_TRY(Text(node, "status", kWhat, true));
    if (process.FindStatus(feature.status) == nullptr) {
      return Fail(
          At(node["status"], fmt::format("unknown status '{}' for '{}': use one of {}",
                                         feature.status, feature.title, process.StatusIds())));
    }
    feature.parent = ST_TRY(Text(node, "parent", kWhat, false));
    if (node["parent"]) entry.parent_at = MarkOf(node["parent"]);
    feature.external = ST_TRY(Flag(node, "external", kWhat, false));
    feature.must_have = ST_TRY(Flag(node, "must_have", kWhat, false));
    feature.removed = ST_TRY(Flag(node, "removed", kWhat, false));
    feature.owners = ST_TRY(List(node, "owners", kWhat));
    feature.depends_on = ST_TRY(List(node, "depends_on", kWhat, &entry.depends_on_at));
    feature.short_title = ST_TRY(Text(node, "short_title", kWhat, false));
    feature.remark = ST_TRY(Text(node, "remark", kWhat, false));
    feature.notes = ST_TRY(Text(node, "notes", kWhat, false));
    feature.protocol = ST_TRY(Text(node, "protocol", kWhat, false));
    feature.freeze_exception = ST_TRY(Text(node, "freeze_exception", kWhat, false));
    if (YAML::Node history = node["history"]) {
      ST_TRY(ExpectSequence(history, "a feature's history"));
      entry.has_history = true;
      for (const auto& item : history) {
        constexpr std::string_view kChange = "a status change";
        ST_TRY(ExpectMap(item, kChange));
        ST_TRY(OnlyKeys(item, kChange, {"at", "by", "from", "to", "reason"}));
        StatusChange change;
        change.at = ST_TRY(TimeValue(item, "at", kChange));
        change.by = ST_TRY(Text(item, "by", kChange, true));
        change.from = ST_TRY(Text(item, "from", kChange, false));
        change.to = ST_TRY(Text(item, "to", kChange, true));
        change.reason = ST_TRY(Text(item, "reason", kChange, false));
        for (const std::string* status : {&change.from, &change.to}) {
          if (!status->empty() && process.FindStatus(*status) == nullptr) {
            return Fail(At(item, fmt::format("unknown status '{}' in the history of '{}': use "
                                             "one of {}",
                                             *status, feature.title, process.StatusIds())));
          }
        }
        if (!feature.history.empty() && change.at < feature.history.back().at) {
          return Fail(At(item, "history entries must be in time order, oldest first"));
        }
        feature.history.push_back(std::move(change));
      }
    }
    if (node["as_of"]) {
      entry.as_of = ST_TRY(TimeValue(node, "as_of", kWhat));
      if (!feature.history.empty() && *entry.as_of < feature.history.back().at) {
        return Fail(At(node["as_of"], fmt::format("'{}' is recorded as of {}, before the last "
                                                  "change of its history ({}): give a later "
                                                  "'as_of'",
                                                  feature.title, FormatTimestamp(*entry.as_of),
                                                  FormatTimestamp(feature.history.back().at))));
      }
    }
    return entry;
  }

  // The release's own "as_of", which must not be before its last schedule change.
  Result<void> ParseReleaseAsOf(const YAML::Node& node, ReleaseEntry& entry) const {
    if (!node["as_of"]) return Ok();
    entry.as_of = ST_TRY(TimeValue(node, "as_of", "a release"));
    const auto& changes = entry.release.schedule_changes;
    for (const auto& change : changes) {
      if (change.at > *entry.as_of) {
        return Fail(At(node["as_of"],
                       fmt::format("release {} is recorded as of {}, before its schedule change "
                                   "at {}: give a later 'as_of'",
                                   entry.release.version, FormatTimestamp(*entry.as_of),
                                   FormatTimestamp(change.at))));
      }
    }
    return Ok();
  }

  Result<ReleaseEntry> ParseRelease(const YAML::Node& node, const Process& process) const {
    constexpr std::string_view kWhat = "a release";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat,
                    {"version", "start", "freeze", "release", "schedule_changes", "interventions",
                     "shipped", "report_template", "features", "as_of"}));
    ReleaseEntry entry;
    entry.at = MarkOf(node);
    Release& release = entry.release;
    release.version = ST_TRY(Text(node, "version", kWhat, true));
    if (release.version.empty()) return Fail(At(node, "a release's version must not be empty"));
    // A past release may be known by its release date alone; its start and
    // freeze then default to that date.
    release.release = ST_TRY(DateValue(node, "release", kWhat));
    release.freeze = node["freeze"] ? ST_TRY(DateValue(node, "freeze", kWhat)) : release.release;
    release.start = node["start"] ? ST_TRY(DateValue(node, "start", kWhat)) : release.freeze;
    if (release.freeze < release.start) {
      return Fail(
          At(node["freeze"],
             fmt::format("the feature freeze {} of {} is before its start {}: move the "
                         "freeze after the start",
                         FormatDate(release.freeze), release.version, FormatDate(release.start))));
    }
    if (release.release < release.freeze) {
      return Fail(At(
          node["release"],
          fmt::format("the release date {} of {} is before its feature freeze {}: "
                      "move the release after the freeze",
                      FormatDate(release.release), release.version, FormatDate(release.freeze))));
    }
    entry.has_start = static_cast<bool>(node["start"]);
    entry.has_freeze = static_cast<bool>(node["freeze"]);
    entry.has_template = static_cast<bool>(node["report_template"]);
    release.report_template = ST_TRY(Text(node, "report_template", kWhat, false));
    if (YAML::Node changes = node["schedule_changes"]) {
      ST_TRY(ExpectSequence(changes, "schedule_changes"));
      for (const auto& item : changes) {
        release.schedule_changes.push_back(ST_TRY(ParseScheduleChange(item)));
      }
    }
    if (YAML::Node interventions = node["interventions"]) {
      ST_TRY(ExpectSequence(interventions, "interventions"));
      for (const auto& item : interventions) {
        release.interventions.push_back(ST_TRY(ParseIntervention(item)));
        if (release.interventions.size() > 1 &&
            release.interventions.back().at <
                release.interventions[release.interventions.size() - 2].at) {
          return Fail(At(item, "interventions must be in time order, oldest first"));
        }
      }
    }
    if (YAML::Node shipped = node["shipped"])
      release.shipped = ST_TRY(ParseShipment(shipped, release));
    ST_TRY(ParseReleaseAsOf(node, entry));
    if (YAML::Node features = node["features"]) {
      ST_TRY(ExpectSequence(features, "features"));
      for (const auto& item : features) {
        entry.features.push_back(ST_TRY(ParseFeature(item, release.version, process)));
      }
    }
    return entry;
  }

  // A proposal or objection number: a whole number above zero.
  Result<std::int64_t> Id(const YAML::Node& map, const char* key, std::string_view what) const {
    YAML::Node node = map[key];
    if (!node) return Fail(At(map, fmt::format("{} needs '{}: NUMBER'", what, key)));
    const std::string value = node.IsScalar() ? node.Scalar() : "";
    // Leading zeros are refused: YAML 1.1 readers take 010 for octal 8, and the
    // number must read the same as the one quoted on the list. Fifteen digits
    // keep std::stoll below from overflowing.
    if (value.empty() || value.size() > 15 || value == "0" || value.front() == '0' ||
        !std::all_of(value.begin(), value.end(), [](char c) { return c >= '0' && c <= '9'; })) {
      return Fail(
          At(node, fmt::format("'{}' of {} must be a whole number above zero, e.g. 3", key, what)));
    }
    return std::stoll(value);
  }

  // One action of `proposal`; `raised` holds the objections raised so far.
  Result<ProposalAction> ParseProposalAction(const YAML::Node& node, const Proposal& proposal,
                                             const std::set<std::int64_t>& raised) const {
    constexpr std::string_view kWhat = "a proposal action";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(node, kWhat, {"kind", "id", "objection", "at", "by", "text", "message_id"}));
    ProposalAction action;
    std::string kind = ST_TRY(Text(node, "kind", kWhat, true));
    auto parsed = ParseProposalActionKind(kind);
    if (!parsed) {
      return Fail(At(node["kind"],
                     fmt::format("unknown action kind '{}': use object, answer, reply, confirm, "
                                 "withdraw-objection, resolve, accept, reject or withdraw",
                                 kind)));
    }
    action.kind = *parsed;
    if (!proposal.actions.empty() && IsDecision(proposal.actions.back().kind)) {
      return Fail(
          At(node,
             fmt::format("proposal {} was already decided ({}) by the action "
                         "before this {}: a decision is its last action",
                         proposal.id, ProposalActionKindName(proposal.actions.back().kind), kind)));
    }
    action.at = ST_TRY(TimeValue(node, "at", kWhat));
    action.by = ST_TRY(Text(node, "by", kWhat, true));
    if (action.by.find('@') == std::string::npos) {
      return Fail(At(node["by"], fmt::format("'{}' is not an e-mail address", action.by)));
    }
    action.text = ST_TRY(Text(node, "text", kWhat, false));
    action.message_id = ST_TRY(Text(node, "message_id", kWhat, false));
    if (action.kind == ProposalActionKind::kObject) {
      if (node["objection"]) {
        return Fail(At(node["objection"],
                       "an objection is numbered by its 'id', not "
                       "'objection': write 'id: NUMBER'"));
      }
      action.objection_id = ST_TRY(Id(node, "id", "an objection"));
    } else if (TargetsObjection(action.kind)) {
      if (node["id"]) {
        return Fail(At(node["id"], fmt::format("only an objection has an 'id': name the "
                                               "objection this {} acts on with 'objection: "
                                               "NUMBER'",
                                               kind)));
      }
      action.objection_id = ST_TRY(Id(node, "objection", fmt::format("a '{}' action", kind)));
      if (!raised.contains(action.objection_id)) {
        return Fail(At(node["objection"],
                       fmt::format("proposal {} has no objection {} raised before this {}: an "
                                   "objection is numbered by the 'id' of an earlier 'kind: "
                                   "object' action of the same proposal",
                                   proposal.id, action.objection_id, kind)));
      }
    } else {
      for (const char* key : {"id", "objection"}) {
        if (node[key]) {
          return Fail(At(node[key], fmt::format("a '{}' action concerns no objection: remove "
                                                "'{}:'",
                                                kind, key)));
        }
      }
    }
    if (NeedsText(action.kind) && Trim(action.text).empty()) {
      return Fail(At(node, fmt::format("a '{}' action needs 'text: …' (the reason, answer, reply "
                                       "or rationale)",
                                       kind)));
    }
    if (action.at < proposal.opened_at) {
      return Fail(At(node["at"], fmt::format("the {} at {} is before proposal {} opened at {}: "
                                             "give a later time",
                                             kind, FormatTimestamp(action.at), proposal.id,
                                             FormatTimestamp(proposal.opened_at))));
    }
    if (!proposal.actions.empty() && action.at < proposal.actions.back().at) {
      return Fail(At(node["at"], fmt::format("the {} at {} is earlier than the action before it "
                                             "({}): list the actions in time order, oldest first",
                                             kind, FormatTimestamp(action.at),
                                             FormatTimestamp(proposal.actions.back().at))));
    }
    return action;
  }

  // A proposal; `numbers` holds the proposal and objection numbers seen in
  // the file so far, with where.
  Result<ProposalEntry> ParseProposal(const YAML::Node& node, const ProtocolProcess& lifecycle,
                                      std::map<std::int64_t, FileMark>& numbers) const {
    constexpr std::string_view kWhat = "a proposal";
    ST_TRY(ExpectMap(node, kWhat));
    ST_TRY(OnlyKeys(
        node, kWhat,
        {"id", "protocol", "from", "to", "proposer", "thread", "opened_at", "window", "actions"}));
    ProposalEntry entry;
    entry.at = MarkOf(node);
    Proposal& proposal = entry.proposal;
    proposal.id = ST_TRY(Id(node, "id", kWhat));
    auto claim = [&](std::int64_t number, const YAML::Node& where) -> Result<void> {
      auto [it, inserted] = numbers.emplace(number, MarkOf(where));
      if (!inserted) {
        return Fail(At(where, fmt::format("number {} is used twice (also at line {}): proposals "
                                          "and objections share one sequence, so each needs its "
                                          "own number",
                                          number, it->second.line)));
      }
      return Ok();
    };
    // The store numbers proposals and objections from one sequence, so that a
    // number quoted in a mail names one thing; the file must keep that true.
    ST_TRY(claim(proposal.id, node["id"]));
    proposal.protocol = ST_TRY(Text(node, "protocol", kWhat, true));
    entry.protocol_at = MarkOf(node["protocol"]);
    for (auto [key, field] :
         {std::pair{"from", &proposal.from_stage}, std::pair{"to", &proposal.to_stage}}) {
      *field = ST_TRY(Text(node, key, kWhat, true));
      if (lifecycle.FindStage(*field) == nullptr) {
        return Fail(At(node[key], fmt::format("unknown stage '{}': use one of {}", *field,
                                              lifecycle.StageIds())));
      }
    }
    const StageDefinition* next = lifecycle.NextStage(proposal.from_stage);
    if (next == nullptr || next->id != proposal.to_stage) {
      return Fail(
          At(node["to"], next == nullptr
                             ? fmt::format("'{}' is the last stage: no proposal moves a protocol "
                                           "from it",
                                           proposal.from_stage)
                             : fmt::format("a proposal moves a protocol one stage: from '{}' to "
                                           "'{}', not to '{}'",
                                           proposal.from_stage, next->id, proposal.to_stage)));
    }
    proposal.proposer = ST_TRY(Text(node, "proposer", kWhat, true));
    if (proposal.proposer.find('@') == std::string::npos) {
      return Fail(
          At(node["proposer"], fmt::format("'{}' is not an e-mail address", proposal.proposer)));
    }
    proposal.thread = ST_TRY(Text(node, "thread", kWhat, false));
    proposal.opened_at = ST_TRY(TimeValue(node, "opened_at", kWhat));
    if (YAML::Node window = node["window"]) {
      auto span = ParseTimeSpan(window.IsScalar() ? window.Scalar() : "");
      if (!span) {
        return Fail(At(window, fmt::format("'window' of proposal {}: {}", proposal.id,
                                           span.error().message())));
      }
      if (span->IsZero()) {
        return Fail(At(window, "'window' of a proposal must be longer than zero, e.g. 72h or 7d"));
      }
      proposal.window = *span;
    }
    if (YAML::Node actions = node["actions"]) {
      ST_TRY(ExpectSequence(actions, "a proposal's actions"));
      std::set<std::int64_t> raised;
      for (const auto& item : actions) {
        ProposalAction action = ST_TRY(ParseProposalAction(item, proposal, raised));
        if (action.kind == ProposalActionKind::kObject) {
          ST_TRY(claim(action.objection_id, item["id"]));
          raised.insert(action.objection_id);
        }
        proposal.actions.push_back(std::move(action));
        entry.actions_at.push_back(MarkOf(item));
      }
    }
    return entry;
  }

  // The "project" and "process" sections; `process` becomes the file's.
  Result<Project> ParseProject(const YAML::Node& root, Process& process) const {
    Project project;
    if (YAML::Node node = root["project"]) {
      ST_TRY(ExpectMap(node, "project"));
      ST_TRY(OnlyKeys(node, "project", {"name", "mailing_list", "repositories"}));
      project.name = ST_TRY(Text(node, "name", "project", true));
      project.mailing_list = ST_TRY(Text(node, "mailing_list", "project", false));
      project.repositories = ST_TRY(List(node, "repositories", "project"));
    }
    if (YAML::Node node = root["process"]) process = ST_TRY(ParseProcess(node));
    project.process = process;
    return project;
  }

  Result<ProjectFile> ParseDocument(const YAML::Node& root) const {
    ProjectFile file;
    file.file_name = std::string(file_name());
    if (!root || root.IsNull()) return Fail(At(root, "the file is empty: see examples/ for one"));
    ST_TRY(ExpectMap(root, "the project file"));
    ST_TRY(
        OnlyKeys(root, "the project file",
                 {"as_of", "project", "process", "people", "releases", "protocols", "proposals"}));
    if (root["as_of"]) file.as_of = ST_TRY(TimeValue(root, "as_of", "the project file"));
    // Without a process the file keeps the stored one (Xen's in a new database).
    Process process = fallback_process != nullptr ? *fallback_process : XenProcess();
    if (root["project"] || root["process"]) file.project = ST_TRY(ParseProject(root, process));
    if (YAML::Node people = root["people"]) {
      ST_TRY(ExpectSequence(people, "people"));
      std::map<std::string, FileMark> seen;
      for (const auto& item : people) {
        Person person = ST_TRY(ParsePerson(item));
        if (!seen.emplace(ToLower(person.email), MarkOf(item)).second) {
          return Fail(At(item, fmt::format("person {} is listed twice", person.email)));
        }
        file.people.push_back(std::move(person));
      }
    }
    if (YAML::Node releases = root["releases"]) {
      ST_TRY(ExpectSequence(releases, "releases"));
      std::map<std::string, FileMark> versions, slugs;
      for (const auto& item : releases) {
        ReleaseEntry release = ST_TRY(ParseRelease(item, process));
        if (!versions.emplace(release.release.version, release.at).second) {
          return Fail(At(item, fmt::format("release {} is listed twice", release.release.version)));
        }
        for (const auto& feature : release.features) {
          auto [it, inserted] = slugs.emplace(feature.feature.slug, feature.at);
          if (!inserted) {
            return Fail(Error::InvalidArgument(
                            fmt::format("two features have the slug '{}' (the other is at line "
                                        "{}): give one of them its own 'slug:'",
                                        feature.feature.slug, it->second.line))
                            .WithContext(FormatMark(file_name(), feature.at)));
          }
        }
        file.releases.push_back(std::move(release));
      }
    }
    if (YAML::Node protocols = root["protocols"]) {
      ST_TRY(ExpectSequence(protocols, "protocols"));
      std::map<std::string, FileMark> names;
      for (const auto& item : protocols) {
        Protocol protocol = ST_TRY(ReadProtocolNode(*this, item, process.lifecycle));
        EvidenceRules rules;
        if (item["evidence"]) rules = ST_TRY(ParseEvidence(item["evidence"]));
        if (!rules.empty()) file.protocol_evidence[protocol.name] = rules;
        if (item["as_of"]) {
          Timestamp as_of = ST_TRY(TimeValue(item, "as_of", "a protocol"));
          if (as_of < protocol.history.back().at) {
            return Fail(At(item["as_of"],
                           fmt::format("protocol {} is recorded as of {}, before the last entry "
                                       "of its history ({}): give a later 'as_of'",
                                       protocol.name, FormatTimestamp(as_of),
                                       FormatTimestamp(protocol.history.back().at))));
          }
          file.protocol_as_of[protocol.name] = as_of;
        }
        auto [it, inserted] = names.emplace(protocol.name, MarkOf(item));
        if (!inserted) {
          return Fail(At(item, fmt::format("protocol {} is listed twice (also at line {})",
                                           protocol.name, it->second.line)));
        }
        file.protocols.push_back(std::move(protocol));
      }
    }
    if (YAML::Node proposals = root["proposals"]) {
      ST_TRY(ExpectSequence(proposals, "proposals"));
      std::map<std::int64_t, FileMark> numbers;
      for (const auto& item : proposals) {
        ProposalEntry entry = ST_TRY(ParseProposal(item, process.lifecycle, numbers));
        if (!file.proposals.empty() && entry.proposal.id < file.proposals.back().proposal.id) {
          return Fail(
              At(item["id"], fmt::format("proposal {} comes after proposal {}: list "
                                         "proposals by id, lowest first",
                                         entry.proposal.id, file.proposals.back().proposal.id)));
        }
        file.proposals.push_back(std::move(entry));
      }
    }
    return file;
  }

  const Process* fallback_process = nullptr;
};

void EmitEvidence(YamlWriter& out, const EvidenceRules* rules) {
  if (rules == nullptr || rules->empty()) return;
  out.BeginMap("evidence");
  auto list = [&](const char* key, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out.BeginSequence(key);
    for (const auto& item : items) out.ScalarItem(item);
    out.EndBlock();
  };
  list("subjects", rules->subjects);
  list("paths", rules->paths);
  list("tags", rules->tags);
  out.EndBlock();
}

void EmitFeature(YamlWriter& out, const FeatureEntry& entry) {
  const Feature& feature = entry.feature;
  out.Item();
  out.Scalar("title", feature.title);
  if (feature.slug != Slugify(feature.DisplayName())) out.Scalar("slug", feature.slug);
  if (entry.as_of) out.Raw("as_of", FormatTimestamp(*entry.as_of));
  out.Scalar("status", feature.status);
  if (!feature.parent.empty()) out.Scalar("parent", feature.parent);
  auto list = [&](const char* key, const std::vector<std::string>& items) {
    if (items.empty()) return;
    out.BeginSequence(key);
    for (const auto& item : items) out.ScalarItem(item);
    out.EndBlock();
  };
  list("code_bases", feature.code_bases);
  if (feature.external) out.Raw("external", "true");
  list("owners", feature.owners);
  if (feature.must_have) out.Raw("must_have", "true");
  list("depends_on", feature.depends_on);
  auto text = [&](const char* key, const std::string& value) {
    if (!value.empty()) out.Scalar(key, value);
  };
  text("short_title", feature.short_title);
  text("remark", feature.remark);
  text("notes", feature.notes);
  text("protocol", feature.protocol);
  text("freeze_exception", feature.freeze_exception);
  if (feature.removed) out.Raw("removed", "true");
  if (!feature.history.empty()) {
    out.BeginSequence("history");
    for (const auto& change : feature.history) {
      out.Item();
      out.Raw("at", FormatTimestamp(change.at));
      out.Scalar("by", change.by);
      if (!change.from.empty()) out.Scalar("from", change.from);
      out.Scalar("to", change.to);
      if (!change.reason.empty()) out.Scalar("reason", change.reason);
      out.EndBlock();
    }
    out.EndBlock();
  }
  EmitEvidence(out, &entry.evidence);
  out.EndBlock();
}

void EmitLifecycle(YamlWriter& out, const ProtocolProcess& lifecycle) {
  // Defaults are left out, so a Xen project file stays as it was written.
  const ProtocolProcess defaults;
  auto span = [&](const char* key, const TimeSpan& value, const TimeSpan& fallback) {
    if (value != fallback) out.Raw(key, FormatTimeSpan(value));
  };
  span("proposal_window", lifecycle.proposal_window, defaults.proposal_window);
  span("responsiveness_window", lifecycle.responsiveness_window, defaults.responsiveness_window);
  span("czar_wait", lifecycle.czar_wait_limit, defaults.czar_wait_limit);
  span("lapse_warning", lifecycle.lapse_warning, defaults.lapse_warning);
  if (lifecycle.objection_min_words != defaults.objection_min_words) {
    out.Raw("objection_min_words", std::to_string(lifecycle.objection_min_words));
  }
  if (lifecycle.stages == defaults.stages) return;
  out.BeginSequence("stages");
  for (const auto& stage : lifecycle.stages) {
    out.Item();
    out.Scalar("id", stage.id);
    out.Scalar("name", stage.name);
    if (!stage.time_frame.IsZero()) out.Raw("time_frame", FormatTimeSpan(stage.time_frame));
    if (!stage.support_label.empty()) out.Scalar("support", stage.support_label);
    if (!stage.entry_criteria.empty()) {
      out.BeginSequence("entry_criteria");
      for (const auto& criterion : stage.entry_criteria) {
        out.Item();
        out.Scalar("id", criterion.id);
        if (!criterion.description.empty()) out.Scalar("description", criterion.description);
        out.EndBlock();
      }
      out.EndBlock();
    }
    out.EndBlock();
  }
  out.EndBlock();
}

void EmitProtocol(YamlWriter& out, const Protocol& protocol, const EvidenceRules* evidence,
                  const Timestamp* as_of) {
  out.Item();
  out.Scalar("name", protocol.name);
  if (as_of != nullptr) out.Raw("as_of", FormatTimestamp(*as_of));
  auto text = [&](const char* key, const std::string& value) {
    if (!value.empty()) out.Scalar(key, value);
  };
  text("summary", protocol.summary);
  out.Scalar("stage", protocol.stage);
  if (!protocol.design_doc.path.empty() || !protocol.design_doc.commit.empty()) {
    out.BeginMap("design_doc");
    text("path", protocol.design_doc.path);
    text("commit", protocol.design_doc.commit);
    out.EndBlock();
  }
  text("version", protocol.version);
  if (!protocol.implementations.empty()) {
    out.BeginSequence("implementations");
    for (const auto& implementation : protocol.implementations) {
      out.Item();
      out.Scalar("code_base", implementation.code_base);
      out.Scalar("role", ImplementationRoleName(implementation.role));
      out.Scalar("state", ImplementationStateName(implementation.state));
      if (!implementation.refs.empty()) {
        out.BeginSequence("refs");
        for (const auto& ref : implementation.refs) out.ScalarItem(ref);
        out.EndBlock();
      }
      out.EndBlock();
    }
    out.EndBlock();
  }
  text("compat_promises", protocol.compat_promises);
  if (!protocol.owners.empty()) {
    out.BeginSequence("owners");
    for (const auto& owner : protocol.owners) out.ScalarItem(owner);
    out.EndBlock();
  }
  if (!protocol.waivers.empty()) {
    out.BeginSequence("waivers");
    for (const auto& waiver : protocol.waivers) {
      out.Item();
      out.Scalar("stage", waiver.stage);
      out.Scalar("criterion", waiver.criterion);
      text("by", waiver.by);
      out.Raw("at", FormatTimestamp(waiver.at));
      out.Scalar("reason", waiver.reason);
      out.EndBlock();
    }
    out.EndBlock();
  }
  out.BeginSequence("history");
  for (const auto& change : protocol.history) {
    out.Item();
    out.Raw("at", FormatTimestamp(change.at));
    text("by", change.by);
    out.Scalar("to", change.to);
    if (change.proposal_id != 0) out.Raw("proposal", std::to_string(change.proposal_id));
    text("reason", change.reason);
    text("commit", change.commit);
    out.EndBlock();
  }
  out.EndBlock();
  EmitEvidence(out, evidence);
  out.EndBlock();
}

void EmitProposal(YamlWriter& out, const Proposal& proposal) {
  out.Item();
  out.Raw("id", std::to_string(proposal.id));
  out.Scalar("protocol", proposal.protocol);
  out.Scalar("from", proposal.from_stage);
  out.Scalar("to", proposal.to_stage);
  out.Scalar("proposer", proposal.proposer);
  if (!proposal.thread.empty()) out.Scalar("thread", proposal.thread);
  out.Raw("opened_at", FormatTimestamp(proposal.opened_at));
  if (proposal.window) out.Raw("window", FormatTimeSpan(*proposal.window));
  if (!proposal.actions.empty()) {
    out.BeginSequence("actions");
    for (const auto& action : proposal.actions) {
      out.Item();
      out.Scalar("kind", ProposalActionKindName(action.kind));
      if (action.objection_id != 0) {
        out.Raw(action.kind == ProposalActionKind::kObject ? "id" : "objection",
                std::to_string(action.objection_id));
      }
      out.Raw("at", FormatTimestamp(action.at));
      out.Scalar("by", action.by);
      if (!action.text.empty()) out.Scalar("text", action.text);
      if (!action.message_id.empty()) out.Scalar("message_id", action.message_id);
      out.EndBlock();
    }
    out.EndBlock();
  }
  out.EndBlock();
}

// The first byte of `text` that is not UTF-8, as FILE:LINE:COLUMN; the column
// counts characters, as editors do (the text before it is valid UTF-8).
Result<void> CheckUtf8(std::string_view text, std::string_view file_name) {
  std::size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return Ok();
  FileMark mark{1, 1};
  for (std::size_t i = 0; i < bad; ++i) {
    if (text[i] == '\n') {
      mark = {mark.line + 1, 1};
    } else if ((static_cast<unsigned char>(text[i]) & 0xC0) != 0x80) {
      ++mark.column;
    }
  }
  return Fail(Error::InvalidArgument("not valid UTF-8").WithContext(FormatMark(file_name, mark)));
}

// The project's identity, then its process.
void EmitProject(YamlWriter& out, const Project& project) {
  out.BeginMap("project");
  out.Scalar("name", project.name);
  if (!project.mailing_list.empty()) out.Scalar("mailing_list", project.mailing_list);
  if (!project.repositories.empty()) {
    out.BeginSequence("repositories");
    for (const auto& repository : project.repositories) out.ScalarItem(repository);
    out.EndBlock();
  }
  out.EndBlock();
  const Process& process = project.process;
  out.BeginMap("process");
  out.Scalar("name", process.name);
  out.Raw("staleness_days", std::to_string(process.staleness_days));
  out.Raw("freeze_warning_days", std::to_string(process.freeze_warning_days));
  if (!process.initial_status.empty()) out.Scalar("initial_status", process.initial_status);
  out.BeginSequence("statuses");
  for (const auto& status : process.statuses) {
    out.Item();
    out.Scalar("id", status.id);
    out.Scalar("heading", status.heading);
    // Defaults (done: false, in_release: true) are left out, as the canonical
    // layout promises, so that exporting an imported export changes nothing.
    if (status.done) out.Raw("done", "true");
    if (!status.in_release) out.Raw("in_release", "false");
    out.EndBlock();
  }
  out.EndBlock();
  EmitLifecycle(out, process.lifecycle);
  out.EndBlock();
}

void EmitPerson(YamlWriter& out, const Person& person) {
  out.Item();
  out.Scalar("email", person.email);
  if (!person.name.empty()) out.Scalar("name", person.name);
  if (!person.other_emails.empty()) {
    out.BeginSequence("other_emails");
    for (const auto& other : person.other_emails) out.ScalarItem(other);
    out.EndBlock();
  }
  if (!person.roles.empty()) {
    out.BeginSequence("roles");
    for (Role role : person.roles) out.ScalarItem(RoleName(role));
    out.EndBlock();
  }
  out.EndBlock();
}

void EmitScheduleChange(YamlWriter& out, const ScheduleChange& change) {
  out.Item();
  out.Raw("at", FormatTimestamp(change.at));
  out.Scalar("by", change.by);
  out.BeginMap("freeze");
  out.Raw("from", FormatDate(change.old_freeze));
  out.Raw("to", FormatDate(change.new_freeze));
  out.EndBlock();
  out.BeginMap("release");
  out.Raw("from", FormatDate(change.old_release));
  out.Raw("to", FormatDate(change.new_release));
  out.EndBlock();
  out.Scalar("reason", change.reason);
  out.EndBlock();
}

// The three dates are written unless the entry says a start or freeze was
// never set (a past release known by its release date alone, whose start and
// freeze are the parser's defaults), so an export states each schedule as
// far as it is known, and importing it elsewhere does not turn a default
// into a recorded date.
void EmitRelease(YamlWriter& out, const ReleaseEntry& entry) {
  const Release& release = entry.release;
  out.Item();
  out.Scalar("version", release.version);
  if (entry.as_of) out.Raw("as_of", FormatTimestamp(*entry.as_of));
  if (entry.has_start) out.Raw("start", FormatDate(release.start));
  if (entry.has_freeze) out.Raw("freeze", FormatDate(release.freeze));
  out.Raw("release", FormatDate(release.release));
  if (!release.schedule_changes.empty()) {
    out.BeginSequence("schedule_changes");
    for (const auto& change : release.schedule_changes) EmitScheduleChange(out, change);
    out.EndBlock();
  }
  if (!release.interventions.empty()) {
    out.BeginSequence("interventions");
    for (const auto& intervention : release.interventions) {
      out.Item();
      out.Raw("at", FormatTimestamp(intervention.at));
      out.Scalar("by", intervention.by);
      out.Scalar("kind", intervention.kind);
      out.BeginSequence("features");
      for (const auto& slug : intervention.features) out.ScalarItem(slug);
      out.EndBlock();
      out.Scalar("text", intervention.text);
      out.EndBlock();
    }
    out.EndBlock();
  }
  if (release.shipped) {
    out.BeginMap("shipped");
    out.Raw("at", FormatTimestamp(release.shipped->at));
    out.Scalar("by", release.shipped->by);
    out.Raw("date", FormatDate(release.shipped->date));
    if (!release.shipped->note.empty()) out.Scalar("note", release.shipped->note);
    out.EndBlock();
  }
  if (!release.report_template.empty()) out.Scalar("report_template", release.report_template);
  if (!entry.features.empty()) {
    out.BeginSequence("features");
    for (const auto& feature : entry.features) EmitFeature(out, feature);
    out.EndBlock();
  }
  out.EndBlock();
}

}  // namespace

std::string FormatMark(std::string_view file_name, FileMark mark) {
  return fmt::format("{}:{}:{}", file_name, mark.line, mark.column);
}

Result<ProjectFile> ParseProjectFile(std::string_view text, std::string_view file_name,
                                     const Process* fallback_process) {
  // yaml-cpp passes any bytes through, and text that is not UTF-8 would be
  // stored and break every later JSON output of it: refuse it here, where the
  // file is, before the importer writes anything.
  if (text.size() > kMaxProjectFileBytes) {
    return Fail(Error::InvalidArgument(
        fmt::format("{} is larger than {} bytes, the most a project file may be (see "
                    "docs/limits.md)",
                    file_name, kMaxProjectFileBytes)));
  }
  ST_TRY(CheckUtf8(text, file_name));
  ST_TRY(CheckYamlHygiene(text, file_name));
  YAML::Node root;
  try {
    root = YAML::Load(std::string(text));
  } catch (const YAML::ParserException& error) {
    return Fail(
        Error::Corruption(fmt::format("YAML syntax error: {}: check the indentation and "
                                      "quoting near this place",
                                      error.msg))
            .WithContext(FormatMark(file_name, {error.mark.line + 1, error.mark.column + 1})));
  } catch (const std::exception& error) {
    return Fail(Error::Corruption(fmt::format("cannot read YAML: {}", error.what()))
                    .WithContext(std::string(file_name)));
  }
  Parser parser(file_name);
  parser.fallback_process = fallback_process;
  try {
    return parser.ParseDocument(root);
  } catch (const YAML::Exception& error) {
    return Fail(
        Error::InvalidArgument(fmt::format("unexpected YAML structure: {}", error.msg))
            .WithContext(FormatMark(file_name, {error.mark.line + 1, error.mark.column + 1})));
  }
}

std::string EmitProjectFile(const ProjectFile& file) {
  YamlWriter out;
  out.Comment("Stocktake project file: stocktake import FILE / stocktake export -o FILE");
  if (file.as_of) out.Raw("as_of", FormatTimestamp(*file.as_of));
  // Sections in a fixed order, the order a reader needs them in: the process
  // defines the statuses and stages used below it, and the protocols come
  // before the proposals that move them.
  if (file.project) EmitProject(out, *file.project);
  if (!file.people.empty()) {
    out.BeginSequence("people");
    for (const auto& person : file.people) EmitPerson(out, person);
    out.EndBlock();
  }
  if (!file.releases.empty()) {
    out.BeginSequence("releases");
    for (const auto& entry : file.releases) EmitRelease(out, entry);
    out.EndBlock();
  }
  if (!file.protocols.empty()) {
    out.BeginSequence("protocols");
    for (const auto& protocol : file.protocols) {
      auto rules = file.protocol_evidence.find(protocol.name);
      auto as_of = file.protocol_as_of.find(protocol.name);
      EmitProtocol(out, protocol, rules == file.protocol_evidence.end() ? nullptr : &rules->second,
                   as_of == file.protocol_as_of.end() ? nullptr : &as_of->second);
    }
    out.EndBlock();
  }
  if (!file.proposals.empty()) {
    out.BeginSequence("proposals");
    for (const auto& entry : file.proposals) EmitProposal(out, entry.proposal);
    out.EndBlock();
  }
  return out.str();
}

}  // namespace stocktake
