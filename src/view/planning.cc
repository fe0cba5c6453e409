#include "stocktake/view/planning.h"

#include <algorithm>

#include "stocktake/service/lifecycle.h"
#include "stocktake/storage/as_of_store.h"

namespace stocktake::view {

Result<PersonList> BuildPersonList(Store& store) { return PersonList{ST_TRY(store.ListPeople())}; }

Result<ReleaseList> BuildReleaseList(Store& store) {
  return ReleaseList{ST_TRY(store.ListReleases())};
}

Result<ReleaseShow> BuildReleaseShow(Store& store, const std::string& version, Timestamp now) {
  Planning planning(store);
  ReleaseView loaded = ST_TRY(planning.LoadRelease(version));
  ReleaseShow view;
  view.release = loaded.release;
  view.as_of = now;
  view.position = PositionOn(loaded.release, DayOf(now));
  for (const auto& status : loaded.project.process.statuses) view.status_ids.push_back(status.id);
  // LoadRelease also returns features of other releases that these depend on;
  // only the release's own are counted.
  for (const auto& feature : loaded.features) {
    if (feature.release == loaded.release.version) ++view.features_by_status[feature.status];
  }
  for (const auto& intervention : loaded.release.interventions) {
    InterventionShow shown{intervention, {}};
    auto then_store = MakeAsOfStore(store, intervention.at);
    for (const auto& slug : intervention.features) {
      auto then = ST_TRY(then_store->FindFeature(slug));
      auto current = ST_TRY(store.FindFeature(slug));
      InterventionEffect effect;
      effect.slug = slug;
      effect.title = current ? current->DisplayName() : slug;
      effect.then = then ? then->status : "";
      effect.now = !current ? "" : current->removed ? "removed" : current->status;
      shown.effects.push_back(std::move(effect));
    }
    view.interventions.push_back(std::move(shown));
  }
  return view;
}

Result<FeatureList> BuildFeatureList(Store& store, const std::string& release,
                                     const std::string& status) {
  if (!release.empty()) {
    Planning planning(store);
    ST_TRY(planning.FindRelease(release));
  }
  FeatureList view{ST_TRY(store.ListFeatures({release, false, false}))};
  std::erase_if(view.features, [&](const Feature& feature) {
    return !status.empty() && feature.status != status;
  });
  return view;
}

Result<FeatureShow> BuildFeatureShow(Store& store, const std::string& name) {
  Planning planning(store);
  Feature feature = ST_TRY(planning.ResolveFeature(name));
  LinkedEvidence evidence =
      ST_TRY(BuildLinkedEvidence(store, EvidenceOwnerKind::kFeature, feature.slug));
  return FeatureShow{std::move(feature), std::move(evidence)};
}

Result<EventLog> BuildFeatureHistory(Store& store, const std::string& name) {
  Planning planning(store);
  return EventLog{ST_TRY(planning.FeatureHistory(name))};
}

Result<EventFeed> BuildEventFeed(Store& store, const EventFeedQuery& query) {
  if (!query.release.empty()) {
    Planning planning(store);
    ST_TRY(planning.FindRelease(query.release));
  }
  EventQuery events;
  events.release = query.release;
  events.subject = query.subject;
  events.kind_prefix = query.kind_prefix;
  events.after_id = query.after;
  events.order = EventOrder::kRecorded;
  // One more than a page says whether there is a next one.
  if (query.limit > 0) events.limit = query.limit + 1;
  EventFeed feed{ST_TRY(store.ListEvents(events)), std::nullopt};
  if (query.limit > 0 && feed.events.size() > query.limit) {
    feed.events.resize(query.limit);
    feed.next = feed.events.back().id;
  }
  return feed;
}

Result<ReleaseCheck> BuildReleaseCheck(Store& store, const std::string& version, Timestamp now) {
  Planning planning(store);
  ReleaseCheck view{version, now, ST_TRY(planning.Check(version, now))};
  // A release that shipped is history: there is no stock to take.
  Release release = ST_TRY(planning.FindRelease(version));
  if (release.shipped && release.shipped->date <= DayOf(now)) return view;
  // The Czar's alerts (stalled protocols, waiting proposals, lapsing
  // objections) belong to every stock-take too.
  Lifecycle lifecycle(store);
  for (auto& alert : ST_TRY(lifecycle.Check(now))) {
    view.alerts.push_back({alert.subject, alert.subject, std::move(alert.rule),
                           std::move(alert.message), std::move(alert.action)});
  }
  return view;
}

Result<TakingStock> BuildTakingStock(Store& store, const std::string& version, Timestamp now,
                                     std::optional<Date> since) {
  Planning planning(store);
  return planning.Report(version, now, since);
}

Result<TakingStockMail> BuildTakingStockMail(Store& store, const std::string& version,
                                             Timestamp now, std::optional<Date> since,
                                             const std::string& from_email) {
  Planning planning(store);
  TakingStock report = ST_TRY(planning.Report(version, now, since));
  Project project = ST_TRY(planning.LoadProject());
  auto person = ST_TRY(store.FindPerson(from_email));
  if (project.mailing_list.empty()) {
    return Fail(Error::InvalidArgument(
        "the project has no mailing list to send to: set project.mailing_list in the project "
        "file and import it"));
  }
  Person from = person ? *person : Person{from_email, "", {}, {}};
  return TakingStockMail{std::move(report), std::move(from), project.mailing_list};
}

}  // namespace stocktake::view
