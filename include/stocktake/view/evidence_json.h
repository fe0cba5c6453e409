#pragma once

// JSON views of stored evidence, shared by `stocktake --json` and the REST API
// (schemas in docs/api-schema.md, "Evidence"). Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <vector>

#include "stocktake/model/evidence.h"

namespace stocktake {

/// A name/e-mail pair: {"name", "email"}.
nlohmann::json EvidencePersonJson(const EvidencePerson& person);
/// {"key", "canonical_key", "value", "person"}.
nlohmann::json EvidenceTrailerJson(const EvidenceTrailer& trailer);
/// One posted version of a series: id, name, version, cover_letter (or null),
/// patches (Message-IDs by index), received_all, missing, lineage, submitter,
/// date, trailers (one array per patch, parallel to patches) and
/// series_trailers (replies to the cover letter).
nlohmann::json EvidenceSeriesJson(const EvidenceSeries& series);
/// {"messages", "threads", "series", "commits", "links", "trailers": {key: n},
/// "commits_with_trailer": {key: n}}.
nlohmann::json EvidenceStatsJson(const EvidenceStats& stats);
/// One message's headers, thread root and trailers.
nlohmann::json EvidenceMessageJson(const EvidenceMessage& message);
/// One commit: sha, subject, author, dates, trailers, paths.
nlohmann::json EvidenceCommitJson(const EvidenceCommit& commit);
/// One link: owner_kind, owner, target_kind, target_id, rule, at.
nlohmann::json EvidenceLinkJson(const EvidenceLink& link);

}  // namespace stocktake
