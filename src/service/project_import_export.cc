// Planning::Export: the whole project as a project file, with the time each
// object is recorded as of (its latest change), so that importing the export
// back changes nothing and an old export is recognisably old.

#include <map>

#include "service/project_import_internal.h"
#include "stocktake/service/planning.h"

namespace stocktake {
namespace import_internal {
namespace {

// When an object's record says its latest change happened, if anything.
std::optional<Timestamp> LastChange(const RecordIndex& records, RecordKind kind,
                                    const std::string& name) {
  const ObjectRecord* record = records.Find(kind, name);
  if (record == nullptr) return std::nullopt;
  return record->last;
}

// What the importer makes of an object without an `as_of` of its own (see
// RecordTime in project_import.cc): what it inherits, or its last dated change
// when that is later.
Timestamp Inherited(Timestamp inherited, std::optional<Timestamp> last_change) {
  return last_change && *last_change > inherited ? *last_change : inherited;
}

void DateRelease(const RecordIndex& records, Timestamp file_as_of, ReleaseEntry& entry) {
  const Release& release = entry.release;
  std::optional<Timestamp> last_slip;
  for (const auto& change : release.schedule_changes) {
    if (!last_slip || change.at > *last_slip) last_slip = change.at;
  }
  if (release.shipped && (!last_slip || release.shipped->at > *last_slip)) {
    last_slip = release.shipped->at;
  }
  for (const auto& intervention : release.interventions) {
    if (!last_slip || intervention.at > *last_slip) last_slip = intervention.at;
  }
  Timestamp as_of = Inherited(file_as_of, last_slip);
  if (auto last = LastChange(records, RecordKind::kRelease, release.version)) {
    if (*last != as_of) entry.as_of = *last;
    as_of = *last;
  }
  if (const ObjectRecord* record = records.Find(RecordKind::kRelease, release.version)) {
    entry.has_start = record->FieldStamp("start").set;
    entry.has_freeze = record->FieldStamp("freeze").set;
  }
  for (auto& feature : entry.features) {
    std::optional<Timestamp> last_status;
    if (!feature.feature.history.empty()) last_status = feature.feature.history.back().at;
    auto last = LastChange(records, RecordKind::kFeature, feature.feature.slug);
    if (last && *last != Inherited(as_of, last_status)) feature.as_of = *last;
  }
}

}  // namespace

void DateExport(const RecordIndex& records, ProjectFile& file) {
  file.as_of = records.latest();
  if (!file.as_of) return;
  for (auto& entry : file.releases) DateRelease(records, *file.as_of, entry);
  for (const auto& protocol : file.protocols) {
    std::optional<Timestamp> last_stage;
    if (!protocol.history.empty()) last_stage = protocol.history.back().at;
    auto last = LastChange(records, RecordKind::kProtocol, protocol.name);
    if (last && *last != Inherited(*file.as_of, last_stage)) {
      file.protocol_as_of[protocol.name] = *last;
    }
  }
}

}  // namespace import_internal

Result<std::string> Planning::Export() {
  ProjectFile file;
  file.project = ST_TRY(LoadProject());
  file.people = ST_TRY(store_.ListPeople());
  auto releases = ST_TRY(store_.ListReleases());
  auto features = ST_TRY(store_.ListFeatures({"", true, true}));
  std::map<std::string, size_t> by_version;
  for (auto& release : releases) {
    by_version[release.version] = file.releases.size();
    ReleaseEntry entry;
    entry.release = std::move(release);
    file.releases.push_back(std::move(entry));
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
  import_internal::RecordIndex records;
  records.Add(ST_TRY(store_.ListEvents({})));
  import_internal::DateExport(records, file);
  return EmitProjectFile(file);
}

}  // namespace stocktake
