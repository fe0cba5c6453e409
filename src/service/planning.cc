#include "stocktake/service/planning.h"

#include <fmt/format.h>

#include <algorithm>
#include <map>
#include <nlohmann/json.hpp>
#include <set>
#include <unordered_map>
#include <unordered_set>

#include "service/planning_internal.h"
#include "stocktake/process/lazy_consensus.h"
#include "stocktake/service/authorization.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/util/string_index.h"
#include "stocktake/util/text.h"
#include "stocktake/util/utf8.h"

namespace stocktake {

Timestamp Context::RecordingTime() const {
  if (recorded_at != Timestamp{}) return recorded_at;
  return std::chrono::floor<std::chrono::seconds>(std::chrono::system_clock::now());
}

namespace planning_internal {

Event MakeEvent(const Context& context, const char* kind, std::string release,
                std::string subject) {
  Event event;
  event.at = context.now;
  event.recorded_at = context.RecordingTime();
  event.actor = context.actor;
  event.kind = kind;
  event.release = std::move(release);
  event.subject = std::move(subject);
  return event;
}

bool SameFeatureFields(const Feature& a, const Feature& b) {
  return a.title == b.title && a.release == b.release && a.parent == b.parent &&
         a.code_bases == b.code_bases && a.external == b.external && a.owners == b.owners &&
         a.must_have == b.must_have && a.depends_on == b.depends_on &&
         a.short_title == b.short_title && a.remark == b.remark && a.notes == b.notes &&
         a.protocol == b.protocol && a.freeze_exception == b.freeze_exception &&
         a.removed == b.removed;
}

namespace {

using FeatureMap = std::unordered_map<std::string, const Feature*>;
using CycleError = std::function<Error(const Feature&, const std::string&)>;

// Walks up from each feature in slug order. A feature whose walk reached the
// top is remembered, and later walks stop there: each parent link is followed
// once, so 20,000 nested features take linear time (issue 12), and the first
// cycle is reported exactly as a walk from that feature finds it.
Result<void> CheckParentCycles(const std::vector<const Feature*>& ordered,
                               const FeatureMap& features, const CycleError& error) {
  std::unordered_set<std::string> reaches_top;
  for (const Feature* feature : ordered) {
    std::set<std::string> seen = {feature->slug};
    std::vector<std::string> walked = {feature->slug};
    const Feature* at = feature;
    std::vector<std::string> path = {feature->title};
    while (!at->parent.empty() && reaches_top.count(at->parent) == 0) {
      path.push_back(at->parent);
      if (!seen.insert(at->parent).second) {
        return Fail(error(*feature, "parent cycle: " + Join(path, " -> ") +
                                        ": make one of them a top-level item"));
      }
      auto it = features.find(at->parent);
      if (it == features.end()) break;
      at = it->second;
      path.back() = at->title;
      walked.push_back(at->slug);
    }
    reaches_top.insert(walked.begin(), walked.end());
  }
  return Ok();
}

// Depth-first search with colours, on an explicit stack so that a chain of
// 30,000 dependencies cannot overflow the call stack.
Result<void> CheckDependencyCycles(const std::vector<const Feature*>& ordered,
                                   const FeatureMap& features, const CycleError& error) {
  enum class Colour { kWhite, kGrey, kBlack };  // Colour{} is kWhite
  struct Frame {
    const Feature* feature;
    std::size_t next = 0;  // the next of its dependencies to look at
  };
  std::unordered_map<std::string, Colour> colour;
  for (const Feature* root : ordered) {
    if (colour[root->slug] != Colour::kWhite) continue;
    std::vector<Frame> stack = {{root}};
    colour[root->slug] = Colour::kGrey;
    while (!stack.empty()) {
      Frame& frame = stack.back();
      if (frame.next == frame.feature->depends_on.size()) {
        colour[frame.feature->slug] = Colour::kBlack;
        stack.pop_back();
        continue;
      }
      const std::string& dependency = frame.feature->depends_on[frame.next++];
      auto it = features.find(dependency);
      if (it == features.end()) continue;
      Colour& state = colour[dependency];
      if (state == Colour::kGrey) {
        std::vector<std::string> titles;
        for (const Frame& on_path : stack) titles.push_back(on_path.feature->title);
        titles.push_back(it->second->title);
        return Fail(error(*frame.feature, "dependency cycle: " + Join(titles, " -> ") +
                                              ": remove one of these dependencies"));
      }
      if (state == Colour::kWhite) {
        state = Colour::kGrey;
        stack.push_back({it->second});
      }
    }
  }
  return Ok();
}

}  // namespace

Result<void> CheckCycles(const FeatureMap& features, const CycleError& error) {
  // Slug order, so the same file always reports the same cycle.
  std::vector<const Feature*> ordered;
  ordered.reserve(features.size());
  for (const auto& [slug, feature] : features) ordered.push_back(feature);
  std::sort(ordered.begin(), ordered.end(),
            [](const Feature* a, const Feature* b) { return a->slug < b->slug; });
  ST_TRY(CheckParentCycles(ordered, features, error));
  return CheckDependencyCycles(ordered, features, error);
}

}  // namespace planning_internal

using planning_internal::CheckCycles;
using planning_internal::FeatureIndex;
using planning_internal::MakeEvent;
using planning_internal::SameFeatureFields;

namespace {

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

// Text is stored and printed as JSON, so it must be UTF-8: it is refused
// here, before anything is written, not halfway through the write.
Result<void> CheckUtf8(const char* what, std::string_view text) {
  size_t bad = FindInvalidUtf8(text);
  if (bad == std::string_view::npos) return Ok();
  return Fail(
      Error::InvalidArgument(fmt::format("not valid UTF-8 at byte {}: write it in UTF-8", bad + 1))
          .WithContext(what));
}

template <typename Text>
Result<void> CheckUtf8(const char* what, const std::optional<Text>& text) {
  return text ? CheckUtf8(what, *text) : Ok();
}

// A field that reports and lists show on one line is one line: a line break
// in a title or a reason could forge a line of the report (issue 12).
Result<void> CheckLine(const char* what, std::string_view text) {
  ST_TRY(CheckUtf8(what, text));
  if (text.find_first_of("\r\n") == std::string_view::npos) return Ok();
  return Fail(Error::InvalidArgument(fmt::format("{} is one line: remove the line break", what)));
}

Result<void> CheckLine(const char* what, const std::vector<std::string>& texts) {
  for (const auto& text : texts) ST_TRY(CheckLine(what, text));
  return Ok();
}

template <typename Text>
Result<void> CheckLine(const char* what, const std::optional<Text>& text) {
  return text ? CheckLine(what, *text) : Ok();
}

Result<std::string> CheckEmailAddress(std::string_view text) {
  std::string email(Trim(text));
  if (!IsEmailAddress(email)) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not an e-mail address: write it as name@example.org", email)));
  }
  return email;
}

std::string RoleList(const std::vector<Role>& roles) {
  std::vector<std::string> names;
  for (Role role : roles) names.emplace_back(RoleName(role));
  return Join(names, ",");
}

// A database keeps at least one admin, or no one could grant a role again.
Result<void> CheckAdminRemains(Store& store, const std::optional<Person>& before,
                               const Person& after) {
  if (!before || !before->HasRole(Role::kAdmin) || after.HasRole(Role::kAdmin)) return Ok();
  for (const auto& person : ST_TRY(store.ListPeople())) {
    if (person.HasRole(Role::kAdmin) && person.email != before->email) return Ok();
  }
  return Fail(Error::Conflict(
      fmt::format("{} is the only admin, and a database needs one: make someone else an admin "
                  "first, or keep --role admin",
                  before->email)));
}

Result<void> CheckFeatureText(const Feature& feature) {
  ST_TRY(CheckLine("the title", feature.title));
  ST_TRY(CheckLine("the slug", feature.slug));
  ST_TRY(CheckLine("a code base", feature.code_bases));
  ST_TRY(CheckLine("an owner", feature.owners));
  ST_TRY(CheckLine("the short title", feature.short_title));
  ST_TRY(CheckUtf8("the remark", feature.remark));
  ST_TRY(CheckUtf8("the notes", feature.notes));
  ST_TRY(CheckLine("the protocol", feature.protocol));
  return CheckLine("the freeze exception", feature.freeze_exception);
}

// A removed feature cannot be given new sub-items or dependents.
Result<void> CheckNotRemoved(Store& store, const std::string& slug, const char* what) {
  auto feature = ST_TRY(store.FindFeature(slug));
  if (!feature || !feature->removed) return Ok();
  return Fail(Error::InvalidArgument(
      fmt::format("{} '{}' was removed: restore it first with 'stocktake feature restore {}'", what,
                  feature->title, feature->slug)));
}

// Owners are people, named by e-mail as everywhere else.
Result<void> CheckOwners(const std::vector<std::string>& owners) {
  for (const auto& owner : owners) {
    if (!IsEmailAddress(owner)) {
      return Fail(Error::InvalidArgument(fmt::format(
          "owner '{}' is not an e-mail address: give each owner as --owner name@example.org",
          owner)));
    }
  }
  return Ok();
}

// A feature's protocol names a registered protocol.
Result<void> CheckProtocolExists(Store& store, const std::string& protocol) {
  if (protocol.empty() || ST_TRY(store.FindProtocol(protocol))) return Ok();
  std::vector<std::string> names;
  for (const auto& known : ST_TRY(store.ListProtocols())) names.push_back(known.name);
  return Fail(Error::InvalidArgument(fmt::format(
      "--protocol '{}' names no protocol: {}, or register it with 'stocktake protocol add {}'",
      protocol, names.empty() ? "none is registered" : "use one of " + Join(names, ", "),
      protocol)));
}

// Only the new text: a feature stored before the check existed can still be
// changed.
Result<void> CheckUpdateText(const FeatureUpdate& update) {
  ST_TRY(CheckLine("the reason", update.reason));
  ST_TRY(CheckLine("the title", update.title));
  ST_TRY(CheckLine("a code base", update.code_bases));
  ST_TRY(CheckLine("an owner", update.owners));
  ST_TRY(CheckLine("the short title", update.short_title));
  ST_TRY(CheckUtf8("the remark", update.remark));
  ST_TRY(CheckUtf8("the notes", update.notes));
  ST_TRY(CheckLine("the protocol", update.protocol));
  return CheckLine("the freeze exception", update.freeze_exception);
}

// The changes to `subject` (of kinds starting with `prefix`) that take effect
// after `at`, oldest first.
Result<std::vector<Event>> ChangesAfter(Store& store, const std::string& subject,
                                        const char* prefix, Timestamp at) {
  EventQuery query;
  query.subject = subject;
  query.kind_prefix = prefix;
  query.since = at + std::chrono::seconds(1);
  return store.ListEvents(query);
}

// The context a write on an object with `later` changes runs in: a clock
// time moves up to the latest of them (and `later` empties), so that two
// commands a second apart cannot take effect in the opposite order.
Context Following(const Context& context, std::vector<Event>& later) {
  Context following = context;
  if (context.now_is_clock && !later.empty()) {
    following.now = later.back().at;
    later.clear();
  }
  return following;
}

// A change dated before the latest change to the same object rewrites what
// later reads showed: refused unless the actor asks for it with --backdate.
Result<void> CheckNotBefore(const Context& context, const std::vector<Event>& later,
                            const std::string& what) {
  if (later.empty() || context.backdate) return Ok();
  const Event& last = later.back();
  return Fail(Error::Conflict(fmt::format(
      "{} was last changed at {} ({} by {}), after {}: give a later --now, or --backdate to place "
      "this change before it",
      what, FormatTimestamp(last.at), last.kind, last.actor, FormatTimestamp(context.now))));
}

// The stored row after a backdated change from `before` to `after`: the
// change holds wherever no later change (`later`, oldest first) overrides it.
Result<Feature> MergeBackdated(Feature stored, const Feature& before, const Feature& after,
                               const std::vector<Event>& later) {
  ST_TRY(ApplyFeatureFieldChanges(stored, FeatureFieldChanges(before, after), ChangeSide::kNew));
  stored.status = after.status;
  for (const Event& event : later) {
    if (event.kind == event_kind::kFeatureUpdated) {
      ST_TRY(ApplyFeatureFieldChanges(stored, event.detail, ChangeSide::kNew));
    } else if (event.kind == event_kind::kFeatureStatus) {
      stored.status = event.to;
    }
  }
  return stored;
}

// A move to another release is recorded under the release it went to: the
// moves out of `version` since `since` join its events, in time order.
Result<void> AddMovesOut(Store& store, const std::string& version, Timestamp since,
                         std::vector<Event>& events) {
  bool added = false;
  for (const Release& release : ST_TRY(store.ListReleases())) {
    if (release.version == version) continue;
    // Only the other releases' updates, by the (kind, release) index.
    EventQuery query;
    query.kind = event_kind::kFeatureUpdated;
    query.release = release.version;
    query.since = since;
    for (Event& event : ST_TRY(store.ListEvents(query))) {
      // Most updates change other fields: parse only those that name a release.
      if (event.detail.find("\"release\"") == std::string::npos) continue;
      Feature old_side;
      auto fields = ApplyFeatureFieldChanges(old_side, event.detail, ChangeSide::kOld);
      if (!fields || old_side.release != version) continue;
      events.push_back(std::move(event));
      added = true;
    }
  }
  if (added) {
    std::stable_sort(events.begin(), events.end(), [](const Event& a, const Event& b) {
      return a.at != b.at ? a.at < b.at : a.id < b.id;
    });
  }
  return Ok();
}

// The features `events` name that are not among `features` (moved out, or
// removed) join them, so the report names them by title.
Result<void> AddNamedFeatures(Store& store, const std::vector<Event>& events,
                              std::vector<Feature>& features) {
  std::unordered_set<std::string> present;
  for (const Feature& feature : features) present.insert(feature.slug);
  for (const Event& event : events) {
    if (event.kind.rfind("feature.", 0) != 0 || !present.insert(event.subject).second) continue;
    if (auto feature = ST_TRY(store.FindFeature(event.subject))) {
      features.push_back(std::move(*feature));
    }
  }
  return Ok();
}

}  // namespace

Result<void> Planning::Init(const Context& context, Project project, std::string admin) {
  if (project.process.statuses.empty()) project.process = XenProcess();
  Person first{ST_TRY(CheckEmailAddress(admin.empty() ? context.actor : admin)), "", {}, {}};
  first.roles = {Role::kAdmin};
  return store_.Transact([&](StoreWriter& writer) -> Result<void> {
    if (ST_TRY(store_.LoadProject())) {
      return Fail(
          Error::Conflict("the database is already initialised: use it, or pass another "
                          "--db"));
    }
    ST_TRY(writer.SaveProject(project));
    ST_TRY(writer.SavePerson(first));
    Event event = MakeEvent(context, event_kind::kProjectConfigured, "", project.name);
    event.to = project.process.name;
    ST_TRY(writer.AppendEvent(event));
    Event person = MakeEvent(context, event_kind::kPersonSaved, "", first.email);
    person.to = RoleList(first.roles);
    person.reason = "the first admin";
    ST_TRY(writer.AppendEvent(person));
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

Result<Person> Planning::SavePerson(const Context& context, Person person) {
  person.email = ST_TRY(CheckEmailAddress(person.email));
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(LoadProject());
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kManagePeople));
    auto before = ST_TRY(store_.FindPerson(person.email));
    ST_TRY(CheckAdminRemains(store_, before, person));
    ST_TRY(writer.SavePerson(person));
    Event event = MakeEvent(context, event_kind::kPersonSaved, "", person.email);
    if (before) event.from = RoleList(before->roles);
    event.to = RoleList(person.roles);
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return person;
}

Result<Release> Planning::AddRelease(const Context& context, Release release) {
  if (release.version.empty()) return Fail(Error::InvalidArgument("a release needs a version"));
  ST_TRY(CheckLine("the version", release.version));
  ST_TRY(CheckDates(release));
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(LoadProject());
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kAddRelease));
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
  ST_TRY(CheckLine("the reason", reason));
  Release release;
  ScheduleChange change;
  // Read the schedule inside the transaction that changes it, so two slips
  // at once (one of the freeze, one of the release date) both hold.
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kSlipRelease));
    Release stored = ST_TRY(FindRelease(version));
    auto later = ST_TRY(ChangesAfter(store_, version, "release.", context.now));
    const Context effective = Following(context, later);
    ST_TRY(CheckNotBefore(effective, later, "release " + version));
    // A backdated slip moves the schedule as it was then.
    release = stored;
    if (!later.empty()) {
      auto then = ST_TRY(MakeAsOfStore(store_, effective.now)->FindRelease(version));
      if (!then) {
        return Fail(Error::NotFound(fmt::format("release {} did not exist yet at {}", version,
                                                FormatTimestamp(effective.now))));
      }
      release = std::move(*then);
    }
    change = ScheduleChange{effective.now,
                            effective.actor,
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
    // The stored schedule takes the slip where no later slip moved the date.
    Release row = stored;
    row.freeze = change.new_freeze;
    row.release = change.new_release;
    for (const Event& event : later) {
      if (event.kind != event_kind::kReleaseSlipped) continue;
      ScheduleChange next = ST_TRY(ScheduleChangeFromEvent(event));
      if (next.new_freeze != next.old_freeze) row.freeze = next.new_freeze;
      if (next.new_release != next.old_release) row.release = next.new_release;
    }
    ST_TRY(CheckDates(row));
    ST_TRY(writer.SaveRelease(row));
    Event event = ScheduleChangeEvent(version, change);
    event.recorded_at = effective.RecordingTime();
    ST_TRY(writer.AppendEvent(event));
    release = row;
    return Ok();
  }));
  release.schedule_changes.push_back(change);
  return release;
}

Result<Release> Planning::ShipRelease(const Context& context, const std::string& version,
                                      std::optional<Date> date, const std::string& note) {
  Shipment shipment{context.now, context.actor, date.value_or(DayOf(context.now)),
                    std::string(Trim(note))};
  Release release;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kShipRelease));
    release = ST_TRY(FindRelease(version));
    auto later = ST_TRY(ChangesAfter(store_, version, "release.", context.now));
    ST_TRY(CheckNotBefore(context, later, "release " + version));
    if (release.shipped) {
      return Fail(Error::InvalidArgument(
          fmt::format("{} was already released on {} (recorded by {})", version,
                      FormatDate(release.shipped->date), release.shipped->by)));
    }
    if (shipment.date < release.start || shipment.date > DayOf(context.now)) {
      return Fail(Error::InvalidArgument(fmt::format(
          "{} cannot have been released on {}: give a --date between its start {} and today "
          "({})",
          version, FormatDate(shipment.date), FormatDate(release.start),
          FormatDate(DayOf(context.now)))));
    }
    Event event = ShipmentEvent(version, shipment);
    event.recorded_at = context.RecordingTime();
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  release.shipped = shipment;
  return release;
}

Result<Intervention> Planning::Intervene(const Context& context, const std::string& version,
                                         const std::string& kind,
                                         const std::vector<std::string>& features,
                                         const std::string& text) {
  if (std::find(std::begin(kInterventionKinds), std::end(kInterventionKinds), kind) ==
      std::end(kInterventionKinds)) {
    return Fail(Error::InvalidArgument(fmt::format(
        "--kind '{}' is not an intervention: use effort (more effort from the community), "
        "resources (outside resources) or slip (slip the schedule)",
        kind)));
  }
  if (features.empty()) {
    return Fail(Error::InvalidArgument("name the features it is for with --feature F"));
  }
  if (Trim(text).empty()) {
    return Fail(Error::InvalidArgument("say what was done with --text TEXT"));
  }
  ST_TRY(CheckUtf8("the text", text));
  Intervention intervention{context.now, context.actor, kind, {}, std::string(Trim(text))};
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kIntervene));
    Release release = ST_TRY(FindRelease(version));
    for (const auto& name : features) {
      Feature feature = ST_TRY(ResolveFeature(name));
      if (feature.release != release.version || feature.removed) {
        return Fail(Error::InvalidArgument(fmt::format(
            "'{}' is {} {}, not in {}: name features of {}", feature.title,
            feature.removed ? "removed from" : "in", feature.release, version, version)));
      }
      if (std::find(intervention.features.begin(), intervention.features.end(), feature.slug) ==
          intervention.features.end()) {
        intervention.features.push_back(feature.slug);
      }
    }
    Event event = InterventionEvent(version, intervention);
    event.recorded_at = context.RecordingTime();
    ST_TRY(writer.AppendEvent(event));
    return Ok();
  }));
  return intervention;
}

Result<std::vector<Feature>> Planning::CarryOver(const Context& context, const std::string& version,
                                                 const std::string& next) {
  if (version == next) {
    return Fail(Error::InvalidArgument(fmt::format(
        "carry {}'s features over to another release, not to {} itself", version, version)));
  }
  std::vector<Feature> moved;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    Project project = ST_TRY(LoadProject());
    ST_TRY(AuthorizeIn(store_, context.actor, Action::kPlanFeature));
    ST_TRY(FindRelease(version));
    Release target = ST_TRY(FindRelease(next));
    if (target.shipped) {
      return Fail(Error::InvalidArgument(
          fmt::format("{} was released on {}: carry the features over to a release still planned",
                      next, FormatDate(target.shipped->date))));
    }
    auto features = ST_TRY(store_.ListFeatures({version, false, false}));
    auto unfinished = [&](const Feature& feature) {
      const StatusDefinition* status = project.process.FindStatus(feature.status);
      return status != nullptr && status->in_release && !status->done;
    };
    std::unordered_set<std::string> carried;
    for (const auto& feature : features) {
      if (unfinished(feature)) carried.insert(feature.slug);
    }
    if (carried.empty()) {
      return Fail(Error::InvalidArgument(
          fmt::format("{} has no unfinished features to carry over", version)));
    }
    for (const auto& feature : features) {
      if (!carried.contains(feature.slug) && carried.contains(feature.parent)) {
        return Fail(Error::InvalidArgument(fmt::format(
            "'{}' is {} but its parent '{}' is not: make it a top-level item ('stocktake "
            "feature set {} --no-parent') or finish its parent first",
            feature.title, feature.status, feature.parent, feature.slug)));
      }
    }
    std::int64_t ordinal = ST_TRY(store_.MaxFeatureOrdinal());
    for (const auto& before : features) {
      if (!carried.contains(before.slug)) continue;
      if (!ST_TRY(ChangesAfter(store_, before.slug, "feature.", context.now)).empty()) {
        return Fail(
            Error::Conflict(fmt::format("'{}' changed after {}: carry over with a later --now",
                                        before.title, FormatTimestamp(context.now))));
      }
      Feature after = before;
      after.release = next;
      if (!carried.contains(after.parent)) after.parent.clear();
      after.ordinal = ++ordinal;
      after.updated_at = std::max(before.updated_at, context.now);
      ST_TRY(writer.SaveFeature(after, after.ordinal));
      Event event = MakeEvent(context, event_kind::kFeatureUpdated, next, after.slug);
      event.detail = FeatureFieldChanges(before, after);
      event.reason = fmt::format("carried over from {} to {}", version, next);
      ST_TRY(writer.AppendEvent(event));
      moved.push_back(std::move(after));
    }
    return Ok();
  }));
  return moved;
}

Result<Feature> Planning::ResolveFeature(const std::string& name) {
  if (auto feature = ST_TRY(store_.FindFeature(name))) return *feature;
  FeatureIndex index;
  // Removed features too: `feature restore` names them by title.
  auto features = ST_TRY(store_.ListFeatures({"", false, true}));
  for (const auto& feature : features) index.Add(feature);
  std::string slug = ST_TRY(index.Find(name));
  auto feature = ST_TRY(store_.FindFeature(slug));
  if (!feature) return Fail(Error::Internal("feature vanished: " + slug));
  return *feature;
}

Result<Feature> Planning::AddFeature(const Context& context, Feature draft) {
  ST_TRY(CheckFeatureText(draft));
  ST_TRY(CheckOwners(draft.owners));
  draft.title = std::string(Trim(draft.title));
  if (draft.title.empty()) return Fail(Error::InvalidArgument("a feature needs a title"));
  if (draft.slug.empty()) draft.slug = Slugify(draft.DisplayName());
  if (draft.slug.empty() || Slugify(draft.slug) != draft.slug) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' cannot be a slug: use lower-case words joined by hyphens", draft.slug)));
  }
  draft.updated_at = context.now;
  draft.history.clear();
  // The checks read the store inside the transaction that writes: a feature
  // added by another command meanwhile is seen, never overwritten.
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    Project project = ST_TRY(LoadProject());
    auto actor = ST_TRY(FindActor(store_, context.actor));
    ST_TRY(Authorize(actor, context.actor, Action::kAddFeature));
    if (draft.must_have || !draft.freeze_exception.empty()) {
      ST_TRY(Authorize(actor, context.actor, Action::kPlanFeature));
    }
    // Whoever may change only what they own owns what they add.
    if (draft.owners.empty() && ActsOnlyAsOwner(actor, Action::kUpdateFeature)) {
      draft.owners = {actor->email};
    }
    Release release = ST_TRY(FindRelease(draft.release));
    if (draft.status.empty()) draft.status = project.process.InitialStatus();
    if (project.process.FindStatus(draft.status) == nullptr) {
      return Fail(Error::InvalidArgument(fmt::format("unknown status '{}': use one of {}",
                                                     draft.status, project.process.StatusIds())));
    }
    if (ST_TRY(store_.FindFeature(draft.slug))) {
      return Fail(Error::Conflict(fmt::format(
          "a feature with slug '{}' already exists: change it with 'stocktake feature set {}', "
          "or give this one another --slug",
          draft.slug, draft.slug)));
    }
    if (!draft.parent.empty()) {
      draft.parent = ST_TRY(ResolveFeature(draft.parent)).slug;
      ST_TRY(CheckNotRemoved(store_, draft.parent, "its parent"));
      ST_TRY(CheckOneReleaseWithParent(draft));
    }
    for (auto& dependency : draft.depends_on) {
      dependency = ST_TRY(ResolveFeature(dependency)).slug;
      ST_TRY(CheckNotRemoved(store_, dependency, "a dependency"));
    }
    ST_TRY(CheckProtocolExists(store_, draft.protocol));
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
  ST_TRY(CheckUpdateText(update));
  if (update.owners) ST_TRY(CheckOwners(*update.owners));
  std::string slug;
  // Read the feature inside the transaction that writes it back: SQLite's
  // BEGIN IMMEDIATE holds the write lock from the first read, so a concurrent
  // `feature set` cannot slip its change in between our read and our write
  // and then be overwritten by the whole row we save.
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    Project project = ST_TRY(LoadProject());
    Feature stored = ST_TRY(ResolveFeature(name));
    auto actor = ST_TRY(FindActor(store_, context.actor));
    OwnedObject owned{"feature", stored.slug, stored.owners};
    ST_TRY(Authorize(actor, context.actor, Action::kUpdateFeature, &owned));
    auto later = ST_TRY(ChangesAfter(store_, stored.slug, "feature.", context.now));
    const Context effective = Following(context, later);
    ST_TRY(CheckNotBefore(effective, later, fmt::format("'{}'", stored.title)));
    // A backdated change applies to the feature as it was then.
    Feature before = stored;
    if (!later.empty()) {
      auto then = ST_TRY(MakeAsOfStore(store_, effective.now)->FindFeature(stored.slug));
      if (!then) {
        return Fail(Error::NotFound(fmt::format("'{}' did not exist yet at {}", stored.title,
                                                FormatTimestamp(effective.now))));
      }
      before = std::move(*then);
    }
    if (before.removed && !update.removed) {
      return Fail(Error::InvalidArgument(
          fmt::format("'{}' was removed: restore it first with 'stocktake feature restore {}'",
                      before.title, before.slug)));
    }
    Feature after = ST_TRY(ApplyUpdate(project, before, update));
    if (after.removed && !before.removed) ST_TRY(CheckNothingNeeds(after));
    if (after.release != before.release || after.must_have != before.must_have ||
        after.freeze_exception != before.freeze_exception || after.removed != before.removed) {
      ST_TRY(Authorize(actor, context.actor, Action::kPlanFeature));
    }
    bool status_changed = after.status != before.status;
    bool fields_changed = !SameFeatureFields(before, after);
    // Re-affirming the status with a reason is news too: a status event from
    // the status to itself records it, and resets staleness.
    bool confirmed = !status_changed && update.status && !Trim(update.reason).empty();
    if (!status_changed && !fields_changed && !confirmed) {
      return Fail(Error::InvalidArgument(
          fmt::format("nothing to change: '{}' already is like that{}", before.title,
                      update.status ? "; to confirm its status, say why with --reason TEXT" : "")));
    }
    Feature row = later.empty() ? after : ST_TRY(MergeBackdated(stored, before, after, later));
    // Cycles can only appear through the changed feature.
    if (row.parent != stored.parent || row.depends_on != stored.depends_on) {
      ST_TRY(CheckNoCycleThrough(row));
    }
    if (row.parent != stored.parent || row.release != stored.release) {
      ST_TRY(CheckOneReleaseWithParent(row));
    }
    row.updated_at = std::max(stored.updated_at, effective.now);
    // Keep the feature's place in its list; moving releases puts it last, and
    // the event keeps its old place for reads of the time before.
    std::int64_t ordinal = 0;
    if (row.release != stored.release) {
      ordinal = ST_TRY(store_.MaxFeatureOrdinal()) + 1;
      if (after.release != before.release) after.ordinal = ordinal;
    }
    ST_TRY(writer.SaveFeature(row, ordinal));
    if (fields_changed) {
      Event event = MakeEvent(effective, event_kind::kFeatureUpdated, after.release, after.slug);
      event.detail = FeatureFieldChanges(before, after);
      event.reason = update.reason;
      ST_TRY(writer.AppendEvent(event));
    }
    if (status_changed || confirmed) {
      Event event = MakeEvent(effective, event_kind::kFeatureStatus, after.release, after.slug);
      event.from = before.status;
      event.to = after.status;
      event.reason = update.reason;
      ST_TRY(writer.AppendEvent(event));
    }
    slug = after.slug;
    return Ok();
  }));
  return ResolveFeature(slug);
}

Result<Feature> Planning::ApplyUpdate(const Project& project, const Feature& before,
                                      const FeatureUpdate& update) {
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
  if (update.protocol && *update.protocol != before.protocol) {
    ST_TRY(CheckProtocolExists(store_, *update.protocol));
    after.protocol = *update.protocol;
  }
  if (update.freeze_exception) after.freeze_exception = *update.freeze_exception;
  if (update.status) after.status = *update.status;
  if (update.removed) after.removed = *update.removed;
  if (!after.parent.empty() && after.parent != before.parent) {
    ST_TRY(CheckNotRemoved(store_, after.parent, "its parent"));
  }
  for (const auto& dependency : after.depends_on) {
    if (std::find(before.depends_on.begin(), before.depends_on.end(), dependency) ==
        before.depends_on.end()) {
      ST_TRY(CheckNotRemoved(store_, dependency, "a dependency"));
    }
  }
  if (!after.removed && before.removed && !after.parent.empty()) {
    ST_TRY(CheckNotRemoved(store_, after.parent, "its parent"));
  }
  return after;
}

Result<void> Planning::CheckOneReleaseWithParent(const Feature& changed) {
  if (!changed.parent.empty()) {
    auto parent = ST_TRY(store_.FindFeature(changed.parent));
    if (parent && parent->release != changed.release) {
      return Fail(Error::InvalidArgument(fmt::format(
          "'{}' would be in {} and its parent '{}' in {}: a sub-item belongs to its parent's "
          "release; move the parent, or make this a top-level item with --parent \"\"",
          changed.title, changed.release, parent->title, parent->release)));
    }
  }
  for (const auto& feature : ST_TRY(store_.ListFeatures({}))) {
    if (feature.parent == changed.slug && feature.release != changed.release) {
      return Fail(Error::InvalidArgument(fmt::format(
          "'{}' would be in {} and its sub-item '{}' in {}: move the sub-items first, each "
          "with --release {} --parent \"\", then set their parent again",
          changed.title, changed.release, feature.title, feature.release, changed.release)));
    }
  }
  return Ok();
}

Result<void> Planning::CheckNothingNeeds(const Feature& removed) {
  std::vector<std::string> sub_items, dependents;
  for (const auto& feature : ST_TRY(store_.ListFeatures({}))) {
    if (feature.parent == removed.slug) sub_items.push_back(feature.slug);
    if (std::find(feature.depends_on.begin(), feature.depends_on.end(), removed.slug) !=
        feature.depends_on.end()) {
      dependents.push_back(feature.slug);
    }
  }
  if (!sub_items.empty()) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' has sub-items ({}): remove them, or make them top-level items with "
                    "'stocktake feature set SLUG --no-parent', first",
                    removed.title, Join(sub_items, ", "))));
  }
  if (!dependents.empty()) {
    return Fail(Error::InvalidArgument(fmt::format(
        "{} depend{} on '{}': drop the dependency first with 'stocktake feature set SLUG "
        "--no-depends-on {}'",
        Join(dependents, ", "), dependents.size() == 1 ? "s" : "", removed.title, removed.slug)));
  }
  return Ok();
}

Result<Feature> Planning::RemoveFeature(const Context& context, const std::string& name,
                                        const std::string& reason) {
  if (Trim(reason).empty()) {
    return Fail(Error::InvalidArgument(
        "say why the feature is removed with --reason TEXT (a dropped feature is "
        "'--status dropped' instead)"));
  }
  Feature feature = ST_TRY(ResolveFeature(name));
  if (feature.removed) {
    return Fail(Error::InvalidArgument(fmt::format("'{}' is already removed", feature.title)));
  }
  FeatureUpdate update;
  update.removed = true;
  update.reason = reason;
  return UpdateFeature(context, feature.slug, update);
}

Result<Feature> Planning::RestoreFeature(const Context& context, const std::string& name,
                                         const std::string& reason) {
  Feature feature = ST_TRY(ResolveFeature(name));
  if (!feature.removed) {
    return Fail(Error::InvalidArgument(
        fmt::format("'{}' is not removed: nothing to restore", feature.title)));
  }
  FeatureUpdate update;
  update.removed = false;
  update.reason = reason;
  return UpdateFeature(context, feature.slug, update);
}

Result<void> Planning::CheckNoCycleThrough(const Feature& changed) {
  auto features = ST_TRY(store_.ListFeatures({}));
  std::unordered_map<std::string, const Feature*> by_slug;
  for (const auto& feature : features) by_slug[feature.slug] = &feature;
  by_slug[changed.slug] = &changed;
  return CheckCycles(by_slug, [](const Feature&, const std::string& message) {
    return Error::InvalidArgument(message);
  });
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
  view.features = ST_TRY(store_.ListFeatures({version, false, false}));
  // Dependencies (and parents) in other releases still carry risk; fetch the
  // missing ones, and theirs, until none is missing.
  std::unordered_set<std::string> fetched;
  for (size_t scanned = 0; scanned < view.features.size();) {
    StringIndex present(view.features.size());
    for (size_t i = 0; i < view.features.size(); ++i) present.Insert(view.features[i].slug, i);
    std::vector<std::string> missing;
    for (; scanned < view.features.size(); ++scanned) {
      const Feature& feature = view.features[scanned];
      for (const auto& slug : feature.depends_on) {
        if (present.Find(slug) == StringIndex::kAbsent) missing.push_back(slug);
      }
      if (!feature.parent.empty() && present.Find(feature.parent) == StringIndex::kAbsent) {
        missing.push_back(feature.parent);
      }
    }
    for (auto& slug : missing) {
      if (!fetched.insert(slug).second) continue;
      auto feature = ST_TRY(store_.FindFeature(slug));
      if (feature && !feature->removed) view.features.push_back(std::move(*feature));
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
    query.kinds = TakingStockChangeKinds();
    events = ST_TRY(store_.ListEvents(query));
    ST_TRY(AddMovesOut(store_, version, *query.since, events));
    ST_TRY(AddNamedFeatures(store_, events, view.features));
  }
  return BuildTakingStock(view.project.process, view.release, view.features, now, since, events);
}

Result<std::vector<Alert>> Planning::Check(const std::string& version, Timestamp now) {
  ReleaseView view = ST_TRY(LoadRelease(version));
  CheckInputs inputs;
  std::set<std::string> moved;
  for (const Release& release : ST_TRY(store_.ListReleases())) {
    inputs.release_dates[release.version] = release.release;
    if (release.version == version) continue;
    // A must-have moved to another release is recorded under that release:
    // only the other releases' updates are read, by the (kind, release) index.
    EventQuery query;
    query.kind = event_kind::kFeatureUpdated;
    query.release = release.version;
    for (const Event& event : ST_TRY(store_.ListEvents(query))) {
      Feature old_side, new_side;
      if (event.detail.find("\"release\"") == std::string::npos ||
          !ApplyFeatureFieldChanges(old_side, event.detail, ChangeSide::kOld) ||
          !ApplyFeatureFieldChanges(new_side, event.detail, ChangeSide::kNew) ||
          old_side.release != version || new_side.release == version) {
        continue;
      }
      moved.insert(event.subject);
    }
  }
  for (auto& feature : ST_TRY(store_.ListFeatures({version, false, true}))) {
    if (feature.removed && feature.must_have) {
      inputs.must_haves_removed.push_back(std::move(feature));
    }
  }
  for (const std::string& slug : moved) {
    auto feature = ST_TRY(store_.FindFeature(slug));
    if (feature && feature->must_have && feature->release != version) {
      inputs.must_haves_moved_out.push_back(std::move(*feature));
    }
  }
  return CheckRelease(view.project.process, view.release, view.features, now, inputs);
}

}  // namespace stocktake
