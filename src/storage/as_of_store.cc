#include "stocktake/storage/as_of_store.h"

#include <algorithm>
#include <boost/unordered/unordered_flat_map.hpp>
#include <boost/unordered/unordered_flat_set.hpp>
#include <chrono>
#include <cstdint>
#include <map>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>
#include <utility>
#include <vector>

#include "stocktake/storage/forwarding_store.h"
#include "stocktake/util/text.h"

namespace stocktake {

namespace {

constexpr char kFeatureEvents[] = "feature.";
constexpr char kReleaseEvents[] = "release.";
// Above this many features to read the events of, one read of every feature
// event is cheaper than a read per feature.
constexpr std::size_t kReadPerFeatureLimit = 64;

bool StartsWith(const std::string& text, const char* prefix) { return text.rfind(prefix, 0) == 0; }

// Whether an object with these events (oldest first) existed at `at`: from
// its first event (an import may date status history before the ".added" of
// its record), or always when none says it was added (stored before events).
bool ExistedAt(const std::vector<Event>& events, const char* added_kind, Timestamp at) {
  bool added = std::any_of(events.begin(), events.end(),
                           [&](const Event& event) { return event.kind == added_kind; });
  return !added || events.front().at <= at;
}

// One changed feature's events: those in effect at `at` (oldest first; all
// of them, or none when they were all recorded before every later one),
// their span, and the events after `at` (oldest first).
struct FeatureEvents {
  std::vector<Event> read;  // Owns what `before` and `after` point to when read for it alone.
  std::vector<const Event*> before;
  std::optional<EventSpan> span;
  std::vector<const Event*> after;
  std::int64_t oldest_later_id = 0;  // The first recorded of `after`.
};

// Subjects and feature events by subject, as views of the strings of the
// events read after the instant, which stay where they are.
using SubjectSet = boost::unordered_flat_set<std::string_view>;
using EventsBySlug = boost::unordered_flat_map<std::string_view, FeatureEvents>;

// Splits one feature's events (oldest first) at `at`.
FeatureEvents SplitAt(std::vector<Event> events, Timestamp at) {
  FeatureEvents split;
  split.read = std::move(events);
  for (const Event& event : split.read) {
    if (event.at > at) {
      split.after.push_back(&event);
      continue;
    }
    split.before.push_back(&event);
    if (!split.span) split.span = EventSpan{event.subject, event.at, event.at, event.id};
    split.span->last = event.at;
    split.span->newest_id = std::max(split.span->newest_id, event.id);
  }
  return split;
}

// Replays one feature's events onto its stored row, which every event
// shaped: the changes after `at` are undone, newest first, so each field
// holds the old value of its earliest change after `at`. When `before` holds
// the changes in effect at `at` they are applied again, in order: a change
// recorded after a later-dated one (--backdate) left that one's old value
// stale. nullopt when the feature did not exist yet: an import may date
// status history before the ".added" of its record, so it exists from its
// first event, or always when none says it was added (stored before events).
Result<std::optional<Feature>> ReplayFeature(Feature feature, const FeatureEvents& events,
                                             Timestamp at) {
  bool added_later = std::any_of(events.after.begin(), events.after.end(), [](const Event* event) {
    return event->kind == event_kind::kFeatureAdded;
  });
  if (!events.span && added_later) return std::optional<Feature>();
  for (auto it = events.after.rbegin(); it != events.after.rend(); ++it) {
    const Event& event = **it;
    if (event.kind == event_kind::kFeatureUpdated) {
      ST_TRY(ApplyFeatureFieldChanges(feature, event.detail, ChangeSide::kOld));
    } else if (event.kind == event_kind::kFeatureStatus) {
      feature.status = event.from;
    }
  }
  for (const Event* event : events.before) {
    if (event->kind == event_kind::kFeatureUpdated) {
      ST_TRY(ApplyFeatureFieldChanges(feature, event->detail, ChangeSide::kNew));
    } else if (event->kind == event_kind::kFeatureStatus) {
      feature.status = event->to;
    }
  }
  // Evidence moves last activity without an event; it never goes past `at`.
  if (events.span) feature.updated_at = events.span->last;
  feature.updated_at = std::min(feature.updated_at, at);
  std::erase_if(feature.history, [&](const StatusChange& change) { return change.at > at; });
  return std::optional<Feature>(std::move(feature));
}

// The release's schedule as it was at `at`, replayed from its schedule
// changes like a feature's fields.
void ReplaySchedule(Release& release, Timestamp at) {
  auto& changes = release.schedule_changes;
  std::stable_sort(changes.begin(), changes.end(),
                   [](const ScheduleChange& a, const ScheduleChange& b) { return a.at < b.at; });
  // A slip of one date records the other unchanged; only a moved date counts
  // as a change of it.
  for (auto it = changes.rbegin(); it != changes.rend() && it->at > at; ++it) {
    if (it->new_freeze != it->old_freeze) release.freeze = it->old_freeze;
    if (it->new_release != it->old_release) release.release = it->old_release;
  }
  for (const ScheduleChange& change : changes) {
    if (change.at > at) break;
    if (change.new_freeze != change.old_freeze) release.freeze = change.new_freeze;
    if (change.new_release != change.old_release) release.release = change.new_release;
  }
  std::erase_if(changes, [&](const ScheduleChange& change) { return change.at > at; });
  if (release.shipped && release.shipped->at > at) release.shipped.reset();
  std::erase_if(release.interventions,
                [&](const Intervention& intervention) { return intervention.at > at; });
}

// A protocol as it was at `at`: its stage history, waivers and the fields
// its protocol.updated `events` (oldest first) changed; nullopt when its
// history starts later.
Result<std::optional<Protocol>> ReplayProtocol(Protocol protocol, const std::vector<Event>& events,
                                               Timestamp at) {
  bool had_history = !protocol.history.empty();
  std::erase_if(protocol.history, [&](const StageChange& change) { return change.at > at; });
  if (had_history && protocol.history.empty()) return std::optional<Protocol>();
  if (!protocol.history.empty()) protocol.stage = protocol.history.back().to;
  std::erase_if(protocol.waivers, [&](const CriterionWaiver& waiver) { return waiver.at > at; });
  for (auto it = events.rbegin(); it != events.rend() && it->at > at; ++it) {
    ST_TRY(ApplyProtocolChange(protocol, it->detail, false));
  }
  for (const Event& event : events) {
    if (event.at > at) break;
    ST_TRY(ApplyProtocolChange(protocol, event.detail, true));
  }
  return std::optional<Protocol>(std::move(protocol));
}

std::optional<Proposal> ProposalAt(Proposal proposal, Timestamp at) {
  if (proposal.opened_at > at) return std::nullopt;
  std::erase_if(proposal.actions, [&](const ProposalAction& action) { return action.at > at; });
  return proposal;
}

class AsOfStore final : public ForwardingStore {
 public:
  AsOfStore(Store& inner, Timestamp at) : ForwardingStore(inner), inner_(inner), at_(at) {}

  Result<std::vector<Person>> ListPeople() override {
    std::vector<Person> people;
    for (auto& person : ST_TRY(inner_.ListPeople())) {
      if (auto then = ST_TRY(PersonAt(std::move(person)))) people.push_back(std::move(*then));
    }
    return people;
  }

  Result<std::optional<Person>> FindPerson(const std::string& email) override {
    auto person = ST_TRY(inner_.FindPerson(email));
    if (!person) return person;
    return PersonAt(std::move(*person));
  }

  Result<std::vector<Release>> ListReleases() override {
    std::vector<Release> releases;
    for (auto& release : ST_TRY(inner_.ListReleases())) {
      if (auto then = ST_TRY(ReleaseAt(std::move(release)))) releases.push_back(std::move(*then));
    }
    return releases;
  }

  Result<std::optional<Release>> FindRelease(const std::string& version) override {
    auto release = ST_TRY(inner_.FindRelease(version));
    if (!release) return release;
    return ReleaseAt(std::move(*release));
  }

  Result<std::vector<Feature>> ListFeatures(const FeatureQuery& query) override;

  Result<std::optional<Feature>> FindFeature(const std::string& slug) override {
    auto feature = ST_TRY(inner_.FindFeature(slug));
    if (!feature) return feature;
    const auto* changed = ST_TRY(ChangedSince(kFeatureEvents));
    if (!changed->contains(slug)) return feature;
    EventQuery query;
    query.subject = slug;
    query.kind_prefix = kFeatureEvents;
    return ReplayFeature(std::move(*feature), SplitAt(ST_TRY(inner_.ListEvents(query)), at_), at_);
  }

  Result<std::vector<Event>> ListEvents(const EventQuery& query) override {
    return inner_.ListEvents(Until(query));
  }

  Result<std::vector<EventSpan>> ListEventSpans(const EventQuery& query) override {
    return inner_.ListEventSpans(Until(query));
  }

  Result<std::vector<Protocol>> ListProtocols() override {
    std::vector<Protocol> protocols;
    for (auto& protocol : ST_TRY(inner_.ListProtocols())) {
      if (auto then = ST_TRY(ProtocolAt(std::move(protocol))))
        protocols.push_back(std::move(*then));
    }
    return protocols;
  }

  Result<std::optional<Protocol>> FindProtocol(const std::string& name) override {
    auto protocol = ST_TRY(inner_.FindProtocol(name));
    if (!protocol) return protocol;
    return ProtocolAt(std::move(*protocol));
  }

  Result<std::vector<Proposal>> ListProposals(const ProposalQuery& query) override {
    std::vector<Proposal> proposals;
    for (auto& proposal : ST_TRY(inner_.ListProposals(query))) {
      if (auto then = ProposalAt(std::move(proposal), at_)) proposals.push_back(std::move(*then));
    }
    return proposals;
  }

  Result<std::optional<Proposal>> FindProposal(std::int64_t id) override {
    auto proposal = ST_TRY(inner_.FindProposal(id));
    if (!proposal) return proposal;
    return ProposalAt(std::move(*proposal), at_);
  }

  Result<std::optional<Proposal>> FindProposalByObjection(std::int64_t objection_id) override {
    auto proposal = ST_TRY(inner_.FindProposalByObjection(objection_id));
    if (!proposal) return proposal;
    auto then = ProposalAt(std::move(*proposal), at_);
    // An objection raised after `at` did not exist yet.
    if (then &&
        std::none_of(then->actions.begin(), then->actions.end(), [&](const ProposalAction& action) {
          return action.kind == ProposalActionKind::kObject && action.objection_id == objection_id;
        })) {
      return std::optional<Proposal>();
    }
    return then;
  }

  // The project, the largest ordinal, evidence, credentials and the change
  // stamp are read as stored (ForwardingStore).

  Result<void> Transact(const std::function<Result<void>(StoreWriter&)>&) override {
    return Fail(
        Error::Internal("a store read as of " + FormatTimestamp(at_) + " cannot be written"));
  }

 private:
  // `query` narrowed to the events in effect at `at_`.
  EventQuery Until(const EventQuery& query) const {
    EventQuery until = query;
    Timestamp end = at_ + std::chrono::seconds(1);
    until.until = query.until ? std::min(*query.until, end) : end;
    return until;
  }
  // Every event that takes effect after `at_`, oldest first; read once.
  Result<const std::vector<Event>*> Later();
  // The subjects of events of kinds starting with `prefix` that take effect
  // after `at_`: the objects whose state then differs from the stored one.
  Result<const SubjectSet*> ChangedSince(const char* prefix);
  // The events of each feature changed after `at_`, by slug.
  Result<EventsBySlug> ChangedFeatureEvents();
  // Every "feature." event in effect at `at_` about the `slugs`, added to
  // their entries of `by_slug`.
  Result<void> ReadBefore(const SubjectSet& slugs, EventsBySlug& by_slug);

  Result<std::optional<Person>> PersonAt(Person person);
  Result<std::optional<Release>> ReleaseAt(Release release);
  Result<std::optional<Protocol>> ProtocolAt(Protocol protocol);

  Store& inner_;
  Timestamp at_;
  std::optional<std::vector<Event>> later_;
  std::map<std::string, SubjectSet> changed_by_prefix_;
};

Result<const std::vector<Event>*> AsOfStore::Later() {
  if (!later_) {
    EventQuery query;
    query.since = at_ + std::chrono::seconds(1);
    later_ = ST_TRY(inner_.ListEvents(query));
  }
  return &*later_;
}

Result<const SubjectSet*> AsOfStore::ChangedSince(const char* prefix) {
  const auto* later = ST_TRY(Later());
  auto [it, inserted] = changed_by_prefix_.try_emplace(prefix);
  if (inserted) {
    for (const Event& event : *later) {
      if (StartsWith(event.kind, prefix)) it->second.insert(event.subject);
    }
  }
  return &it->second;
}

Result<EventsBySlug> AsOfStore::ChangedFeatureEvents() {
  EventsBySlug by_slug;
  for (const Event& event : *ST_TRY(Later())) {
    if (!StartsWith(event.kind, kFeatureEvents)) continue;
    auto [it, inserted] = by_slug.try_emplace(event.subject);
    FeatureEvents& entry = it->second;
    entry.oldest_later_id = inserted ? event.id : std::min(entry.oldest_later_id, event.id);
    entry.after.push_back(&event);
  }
  // The events in effect at `at_` are needed only for their span, unless one
  // was recorded after a later one, which then holds a stale old value.
  EventQuery query;
  query.kind_prefix = kFeatureEvents;
  query.until = at_ + std::chrono::seconds(1);
  SubjectSet recorded_out_of_order;
  for (auto& span : ST_TRY(inner_.ListEventSpans(query))) {
    auto it = by_slug.find(span.subject);
    if (it == by_slug.end()) continue;
    if (span.newest_id > it->second.oldest_later_id) recorded_out_of_order.insert(it->first);
    it->second.span = std::move(span);
  }
  if (!recorded_out_of_order.empty()) ST_TRY(ReadBefore(recorded_out_of_order, by_slug));
  return by_slug;
}

Result<void> AsOfStore::ReadBefore(const SubjectSet& slugs, EventsBySlug& by_slug) {
  EventQuery query;
  query.kind_prefix = kFeatureEvents;
  query.until = at_ + std::chrono::seconds(1);
  std::vector<Event> events;
  if (slugs.size() > kReadPerFeatureLimit) {
    events = ST_TRY(inner_.ListEvents(query));
  } else {
    for (std::string_view slug : slugs) {
      query.subject = slug;
      for (auto& event : ST_TRY(inner_.ListEvents(query))) events.push_back(std::move(event));
    }
  }
  // Every one of `slugs` has an entry, keyed by a view of a later event.
  for (auto& event : events) {
    if (slugs.contains(event.subject))
      by_slug.find(event.subject)->second.read.push_back(std::move(event));
  }
  for (std::string_view slug : slugs) {
    FeatureEvents& entry = by_slug.find(slug)->second;
    for (const Event& event : entry.read) entry.before.push_back(&event);
  }
  return Ok();
}

Result<std::vector<Feature>> AsOfStore::ListFeatures(const FeatureQuery& query) {
  const auto* changed = ST_TRY(ChangedSince(kFeatureEvents));
  if (changed->empty()) return inner_.ListFeatures(query);
  // A feature may have been in another release then, or not yet removed:
  // read them all.
  FeatureQuery all;
  all.with_history = query.with_history;
  all.with_removed = true;
  auto stored = ST_TRY(inner_.ListFeatures(all));
  auto events = ST_TRY(ChangedFeatureEvents());
  // Releases keep the order the stored list gives them; within a release,
  // features go by their place (which the replay restores for a moved one).
  std::unordered_map<std::string, std::size_t> release_rank;
  for (const Feature& feature : stored)
    release_rank.try_emplace(feature.release, release_rank.size());
  std::vector<Feature> features;
  for (auto& feature : stored) {
    auto it = events.find(feature.slug);
    if (it != events.end()) {
      auto then = ST_TRY(ReplayFeature(std::move(feature), it->second, at_));
      if (!then) continue;
      feature = std::move(*then);
    }
    if (!query.release.empty() && feature.release != query.release) continue;
    if (feature.removed && !query.with_removed) continue;
    features.push_back(std::move(feature));
  }
  auto rank = [&](const Feature& feature) {
    auto it = release_rank.find(feature.release);
    return std::pair(it == release_rank.end() ? release_rank.size() : it->second, feature.ordinal);
  };
  auto by_rank = [&](const Feature& a, const Feature& b) { return rank(a) < rank(b); };
  // Mostly in order already: only a move to another release changes it.
  if (!std::is_sorted(features.begin(), features.end(), by_rank)) {
    std::stable_sort(features.begin(), features.end(), by_rank);
  }
  return features;
}

Result<std::optional<Person>> AsOfStore::PersonAt(Person person) {
  const auto* changed = ST_TRY(ChangedSince(event_kind::kPersonSaved));
  if (!changed->contains(person.email)) return std::optional<Person>(std::move(person));
  EventQuery query;
  query.subject = person.email;
  query.kind = event_kind::kPersonSaved;
  std::optional<std::string> roles;
  for (const Event& event : ST_TRY(inner_.ListEvents(query))) {
    if (event.at <= at_) roles = event.to;
  }
  if (!roles) return std::optional<Person>();
  person.roles.clear();
  for (const auto& name : Split(*roles, ',')) {
    if (auto role = ParseRole(Trim(name))) person.roles.push_back(*role);
  }
  return std::optional<Person>(std::move(person));
}

Result<std::optional<Release>> AsOfStore::ReleaseAt(Release release) {
  const auto* changed = ST_TRY(ChangedSince(kReleaseEvents));
  if (!changed->contains(release.version)) return std::optional<Release>(std::move(release));
  EventQuery query;
  query.subject = release.version;
  query.kind_prefix = kReleaseEvents;
  auto events = ST_TRY(inner_.ListEvents(query));
  if (!ExistedAt(events, event_kind::kReleaseAdded, at_)) return std::optional<Release>();
  ReplaySchedule(release, at_);
  return std::optional<Release>(std::move(release));
}

Result<std::optional<Protocol>> AsOfStore::ProtocolAt(Protocol protocol) {
  const auto* changed = ST_TRY(ChangedSince(event_kind::kProtocolUpdated));
  std::vector<Event> events;
  if (changed->contains(protocol.name)) {
    EventQuery query;
    query.subject = protocol.name;
    query.kind = event_kind::kProtocolUpdated;
    events = ST_TRY(inner_.ListEvents(query));
  }
  return ReplayProtocol(std::move(protocol), events, at_);
}

}  // namespace

std::unique_ptr<Store> MakeAsOfStore(Store& inner, Timestamp at) {
  return std::make_unique<AsOfStore>(inner, at);
}

}  // namespace stocktake
