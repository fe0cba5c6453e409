#include "stocktake/view/evidence_json.h"

#include "stocktake/util/time.h"

namespace stocktake {
namespace {

nlohmann::json OptionalTimeJson(const std::optional<Timestamp>& at) {
  return at ? nlohmann::json(FormatTimestamp(*at)) : nlohmann::json(nullptr);
}

nlohmann::json TrailersJson(const std::vector<EvidenceTrailer>& trailers) {
  nlohmann::json out = nlohmann::json::array();
  for (const auto& trailer : trailers) out.push_back(EvidenceTrailerJson(trailer));
  return out;
}

}  // namespace

nlohmann::json EvidencePersonJson(const EvidencePerson& person) {
  return {{"name", person.name}, {"email", person.email}};
}

nlohmann::json EvidenceTrailerJson(const EvidenceTrailer& trailer) {
  return {{"key", trailer.key},
          {"canonical_key", trailer.canonical_key},
          {"value", trailer.value},
          {"person", EvidencePersonJson(trailer.person)}};
}

nlohmann::json EvidenceSeriesJson(const EvidenceSeries& series) {
  nlohmann::json patches = nlohmann::json::array();
  nlohmann::json indexes = nlohmann::json::array();
  nlohmann::json per_patch = nlohmann::json::array();
  for (const auto& [index, message_id] : series.patches) {
    patches.push_back(message_id);
    indexes.push_back(index);
    nlohmann::json trailers = nlohmann::json::array();
    for (const auto& trailer : series.trailers) {
      if (trailer.whole_series || trailer.target_id != message_id) continue;
      nlohmann::json item = EvidenceTrailerJson(trailer.trailer);
      item["message_id"] = trailer.source_id;
      trailers.push_back(std::move(item));
    }
    per_patch.push_back(std::move(trailers));
  }
  nlohmann::json whole = nlohmann::json::array();
  for (const auto& trailer : series.trailers) {
    if (!trailer.whole_series) continue;
    nlohmann::json item = EvidenceTrailerJson(trailer.trailer);
    item["message_id"] = trailer.source_id;
    whole.push_back(std::move(item));
  }
  return {{"id", series.id},
          {"name", series.name},
          {"version", series.version},
          {"cover_letter", series.cover_letter.empty() ? nlohmann::json(nullptr)
                                                       : nlohmann::json(series.cover_letter)},
          {"patches", std::move(patches)},
          {"patch_indexes", std::move(indexes)},
          {"total", series.total},
          {"received_all", series.received_all()},
          {"missing", series.missing},
          {"lineage", series.lineage},
          {"submitter", EvidencePersonJson(series.submitter)},
          {"date", OptionalTimeJson(series.date)},
          {"rfc", series.is_rfc},
          {"resend", series.is_resend},
          {"tags", series.tags},
          {"trailers", std::move(per_patch)},
          {"series_trailers", std::move(whole)}};
}

nlohmann::json EvidenceStatsJson(const EvidenceStats& stats) {
  return {{"messages", stats.messages},
          {"threads", stats.threads},
          {"series", stats.series},
          {"commits", stats.commits},
          {"links", stats.links},
          {"trailers", stats.trailers},
          {"commits_with_trailer", stats.commits_with_trailer}};
}

nlohmann::json EvidenceMessageJson(const EvidenceMessage& message) {
  return {{"message_id", message.message_id},
          {"date", OptionalTimeJson(message.date)},
          {"from", EvidencePersonJson(message.from)},
          {"subject", message.subject},
          {"in_reply_to", message.in_reply_to.empty() ? nlohmann::json(nullptr)
                                                      : nlohmann::json(message.in_reply_to)},
          {"thread", message.thread_root},
          {"file", message.file},
          {"offset", message.offset},
          {"trailers", TrailersJson(message.trailers)}};
}

nlohmann::json EvidenceCommitJson(const EvidenceCommit& commit) {
  return {{"sha", commit.sha},
          {"repository", commit.repository},
          {"subject", commit.subject},
          {"author", EvidencePersonJson(commit.author)},
          {"author_date", FormatTimestamp(commit.author_date)},
          {"commit_date", FormatTimestamp(commit.commit_date)},
          {"trailers", TrailersJson(commit.trailers)},
          {"paths", commit.touched_paths}};
}

nlohmann::json EvidenceLinkJson(const EvidenceLink& link) {
  return {{"owner_kind", EvidenceOwnerKindName(link.owner_kind)},
          {"owner", link.owner},
          {"target_kind", link.target_kind},
          {"target_id", link.target_id},
          {"rule", link.rule},
          {"at", OptionalTimeJson(link.at)}};
}

}  // namespace stocktake
