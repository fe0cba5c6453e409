#include "stocktake/view/evidence.h"

#include <algorithm>

#include "stocktake/ingest/threading.h"

namespace stocktake::view {
namespace {

// The latest posted version of each lineage in `lineages`: the highest
// version, and of equal versions the latest posted.
std::map<std::string, const EvidenceSeries*> LatestOfLineages(
    const std::vector<EvidenceSeries>& all_series, const std::set<std::string>& lineages) {
  std::map<std::string, const EvidenceSeries*> latest;
  for (const auto& one : all_series) {
    if (lineages.count(one.lineage) == 0) continue;
    const EvidenceSeries*& best = latest[one.lineage];
    if (best == nullptr || one.version > best->version ||
        (one.version == best->version && one.date > best->date)) {
      best = &one;
    }
  }
  return latest;
}

LinkedSeries SummarizeSeries(const EvidenceSeries& one) {
  LinkedSeries item{one.id, one.name, one.version, one.date, one.received_all(), one.lineage, {}};
  for (const char* key : kReviewTrailers) item.people[key];
  for (const auto& trailer : one.trailers) {
    auto found = item.people.find(trailer.trailer.canonical_key);
    if (found == item.people.end()) continue;
    found->second.insert(trailer.trailer.person.email.empty() ? trailer.trailer.value
                                                              : trailer.trailer.person.email);
  }
  return item;
}

std::vector<LinkedSeries> SummarizeLinkedSeries(const std::set<std::string>& series_ids,
                                                const std::vector<EvidenceSeries>& all_series) {
  std::set<std::string> lineages;
  for (const auto& one : all_series) {
    if (series_ids.count(one.id) > 0) lineages.insert(one.lineage);
  }
  std::vector<LinkedSeries> out;
  for (const auto& [lineage, one] : LatestOfLineages(all_series, lineages)) {
    out.push_back(SummarizeSeries(*one));
  }
  // Newest first; undated series sort before dated ones, as they always have.
  std::stable_sort(out.begin(), out.end(), [](const LinkedSeries& a, const LinkedSeries& b) {
    if (!a.date || !b.date) return !a.date && b.date;
    return *a.date > *b.date;
  });
  return out;
}

}  // namespace

std::string BareMessageId(std::string id) {
  if (id.size() >= 2 && id.front() == '<' && id.back() == '>') id = id.substr(1, id.size() - 2);
  return id;
}

LinkedEvidence SummarizeLinks(const std::vector<EvidenceLink>& links,
                              const std::vector<EvidenceSeries>& all_series,
                              std::vector<EvidenceMessage> messages,
                              const std::vector<EvidenceCommit>& commits) {
  LinkedEvidence view;
  view.links = links.size();
  std::set<std::string> series_ids;
  for (const auto& link : links) {
    if (link.at && (!view.last_activity || *link.at > *view.last_activity)) {
      view.last_activity = link.at;
    }
    if (link.target_kind == "series") series_ids.insert(link.target_id);
  }
  if (!series_ids.empty()) view.series = SummarizeLinkedSeries(series_ids, all_series);
  view.messages = std::move(messages);
  for (const auto& commit : commits) {
    view.commits.push_back({commit.sha, commit.subject, commit.commit_date, commit.touched_paths});
  }
  return view;
}

Result<LinkedEvidence> BuildLinkedEvidence(Store& store, EvidenceOwnerKind kind,
                                           const std::string& owner) {
  EvidenceReader& evidence = store.evidence();
  auto links = ST_TRY(evidence.ListLinks(kind, owner));
  std::vector<std::string> message_ids, shas;
  bool any_series = false;
  for (const auto& link : links) {
    any_series = any_series || link.target_kind == "series";
    if (link.target_kind == "message" && message_ids.size() < kLinkedShown) {
      message_ids.push_back(link.target_id);
    }
    if (link.target_kind == "commit" && shas.size() < kLinkedShown) shas.push_back(link.target_id);
  }
  std::vector<EvidenceSeries> all_series;
  if (any_series) all_series = ST_TRY(evidence.ListSeries());
  std::vector<EvidenceMessage> messages;
  for (const auto& id : message_ids) {
    if (auto message = ST_TRY(evidence.FindMessage(id))) messages.push_back(std::move(*message));
  }
  auto commits = ST_TRY(evidence.ListCommits(shas));
  return SummarizeLinks(links, all_series, std::move(messages), commits);
}

Result<SeriesList> BuildSeriesList(Store& store) {
  return SeriesList{ST_TRY(store.evidence().ListSeries())};
}

Result<ThreadShow> BuildThreadShow(Store& store, const std::string& message_id) {
  ThreadShow view;
  view.wanted = BareMessageId(message_id);
  EvidenceReader& evidence = store.evidence();
  auto message = ST_TRY(evidence.FindMessage(view.wanted));
  if (!message) {
    return Fail(Error::NotFound("no message <" + view.wanted + "> was ingested"));
  }
  MessageQuery query;
  query.thread_root = message->thread_root;
  std::vector<EvidenceMessage> messages = ST_TRY(evidence.ListMessages(query));
  std::vector<MailMessage> headers;
  for (const auto& one : messages) {
    MailMessage header;
    header.message_id = one.message_id;
    header.date = one.date;
    header.subject = one.subject;
    header.in_reply_to = one.in_reply_to;
    header.references = one.references;
    headers.push_back(std::move(header));
  }
  for (const auto& thread : ThreadMessages(headers).threads) {
    for (const auto& node : thread.nodes) {
      ThreadEntry item{node.message_id, node.parent_id, node.depth, std::nullopt};
      if (!node.ghost()) item.message = messages[*node.message];
      view.nodes.push_back(std::move(item));
    }
  }
  auto thread = ST_TRY(evidence.FindThread(message->thread_root));
  view.root = message->thread_root;
  view.subject = thread ? thread->subject : message->subject;
  view.message_count = messages.size();
  return view;
}

Result<EvidenceStats> BuildEvidenceStats(Store& store) { return store.evidence().Stats(); }

Result<DraftObjectionList> BuildDraftObjectionList(Store& store, std::int64_t proposal) {
  return DraftObjectionList{ST_TRY(store.evidence().ListDraftObjections(proposal))};
}

}  // namespace stocktake::view
