// Dating for imports and exports: the records of what the database set and
// when (RecordIndex, from the event log), the fields of each kind of object
// as JSON, and the "as_of" times an export writes.

#include <fmt/format.h>

#include <algorithm>

#include "service/project_import_internal.h"
#include "stocktake/model/event.h"
#include "stocktake/model/release.h"

namespace stocktake {

std::string_view ImportActionName(ImportAction action) {
  switch (action) {
    case ImportAction::kAdd:
      return "add";
    case ImportAction::kChange:
      return "change";
    case ImportAction::kKeep:
      return "keep";
  }
  return "keep";
}

std::string DescribeConflicts(const std::vector<ImportConflict>& conflicts) {
  std::string text;
  for (const auto& conflict : conflicts) {
    // JSON text quotes the values, so an empty one shows and stored control
    // characters cannot reach the terminal.
    text += fmt::format(
        "  {} {}: {}: the database has {} ({}, by {}), the file {} (as of {})\n", conflict.kind,
        conflict.name, conflict.field,
        conflict.database_value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace),
        FormatTimestamp(conflict.database_at),
        conflict.database_by.empty() ? "unknown" : conflict.database_by,
        conflict.file_value.dump(-1, ' ', true, nlohmann::json::error_handler_t::replace),
        FormatTimestamp(conflict.file_as_of));
  }
  return text;
}

namespace import_internal {

Stamp ObjectRecord::FieldStamp(const std::string& field) const {
  Stamp stamp = whole;
  auto it = fields.find(field);
  if (it != fields.end() && it->second.set && (!stamp.set || it->second.at >= stamp.at)) {
    stamp = it->second;
  }
  return stamp;
}

namespace {

// `stamp` becomes `event`'s time and actor unless it is already later.
void Later(Stamp& stamp, const Event& event) {
  if (stamp.set && stamp.at > event.at) return;
  stamp = Stamp{true, event.at, event.actor};
}

// The value before the earliest change of `field`: the first one seen, or an
// earlier one.
void Earliest(ObjectRecord& record, std::map<std::string, Timestamp>& seen_at,
              const std::string& field, const nlohmann::json& value, Timestamp at) {
  auto it = seen_at.find(field);
  if (it != seen_at.end() && it->second <= at) return;
  seen_at[field] = at;
  record.initial[field] = value;
}

// The fields of a {"field": [old, new]} detail with their old values, or
// nothing when it is not one. An old value that is not there (a pair written
// as something else) is null: the field changed, from what is unknown.
std::vector<std::pair<std::string, nlohmann::json>> ChangedValues(const std::string& detail) {
  std::vector<std::pair<std::string, nlohmann::json>> changes;
  auto json = nlohmann::json::parse(detail, nullptr, false);
  if (!json.is_object()) return changes;
  for (auto& [field, values] : json.items()) {
    bool pair = values.is_array() && values.size() == 2;
    changes.emplace_back(field, pair ? values[0] : nlohmann::json());
  }
  return changes;
}

// The fields a release.added set: those its detail names (the dates the
// file gave; one it left out was a default) and the template; empty for a
// detail that names no dates (an older event, `release add`), which set all.
std::vector<std::string> AddedFields(const std::string& detail) {
  auto json = nlohmann::json::parse(detail, nullptr, false);
  if (!json.is_object() || !json.contains("release")) return {};
  std::vector<std::string> fields = {"release", "report_template"};
  for (const char* date : {"start", "freeze"}) {
    if (json.contains(date)) fields.emplace_back(date);
  }
  return fields;
}

std::optional<RecordKind> KindOf(const std::string& kind) {
  using namespace event_kind;
  if (kind == kProjectConfigured) return RecordKind::kProject;
  if (kind == kPersonSaved) return RecordKind::kPerson;
  if (kind == kReleaseAdded || kind == kReleaseUpdated || kind == kReleaseSlipped ||
      kind == kReleaseShipped || kind == kReleaseIntervention) {
    return RecordKind::kRelease;
  }
  if (kind == kFeatureAdded || kind == kFeatureUpdated || kind == kFeatureStatus) {
    return RecordKind::kFeature;
  }
  if (kind == kProtocolAdded || kind == kProtocolUpdated || kind == kProtocolStage ||
      kind == kProtocolWaiver) {
    return RecordKind::kProtocol;
  }
  return std::nullopt;
}

}  // namespace

ObjectRecord& RecordIndex::Touch(RecordKind kind, const std::string& name, const Event& event) {
  auto [it, inserted] = records_.try_emplace({kind, name});
  ObjectRecord& record = it->second;
  if (inserted || event.at < record.first) record.first = event.at;
  if (inserted || event.at > record.last) record.last = event.at;
  return record;
}

void RecordIndex::Add(const std::vector<Event>& events) {
  for (const auto& event : events) Add(event);
}

void RecordIndex::AddHistory(const Feature& feature) {
  for (const auto& change : feature.history) {
    Event event;
    event.kind = event_kind::kFeatureStatus;
    event.subject = feature.slug;
    event.at = change.at;
    event.actor = change.by;
    event.from = change.from;
    event.to = change.to;
    Add(event);
  }
}

void RecordIndex::Add(const Event& event) {
  if (!latest_ || event.at > *latest_) latest_ = event.at;
  std::optional<RecordKind> kind = KindOf(event.kind);
  if (!kind) return;
  // The project is one object whatever its name.
  const std::string name = *kind == RecordKind::kProject ? std::string() : event.subject;
  ObjectRecord& record = Touch(*kind, name, event);
  auto& seen = earliest_[{*kind, name}];
  const std::string& what = event.kind;
  if (what == event_kind::kFeatureUpdated || what == event_kind::kReleaseUpdated ||
      what == event_kind::kProtocolUpdated || what == event_kind::kPersonSaved) {
    auto changes = ChangedValues(event.detail);
    if (!changes.empty()) {
      for (const auto& [field, old_value] : changes) {
        Later(record.fields[field], event);
        if (!old_value.is_null()) Earliest(record, seen, field, old_value, event.at);
      }
      return;
    }
    // An update that does not say what it changed (an older import) set all.
  }
  if (what == event_kind::kFeatureStatus) {
    Later(record.fields["status"], event);
    // The first status is part of the feature's creation: its value is `to`.
    Earliest(record, seen, "status", event.from.empty() ? event.to : event.from, event.at);
    return;
  }
  if (what == event_kind::kProtocolStage || what == event_kind::kProtocolWaiver) {
    Later(record.fields[what == event_kind::kProtocolStage ? "stage" : "waivers"], event);
    return;
  }
  if (what == event_kind::kReleaseSlipped) {
    auto change = ScheduleChangeFromEvent(event);
    if (!change) return;
    if (change->old_freeze != change->new_freeze) {
      Later(record.fields["freeze"], event);
      Earliest(record, seen, "freeze", FormatDate(change->old_freeze), event.at);
    }
    if (change->old_release != change->new_release) {
      Later(record.fields["release"], event);
      Earliest(record, seen, "release", FormatDate(change->old_release), event.at);
    }
    return;
  }
  if (what == event_kind::kReleaseShipped || what == event_kind::kReleaseIntervention) {
    Later(record.fields[what == event_kind::kReleaseShipped ? "shipped" : "interventions"], event);
    return;
  }
  if (what == event_kind::kReleaseAdded) {
    auto fields = AddedFields(event.detail);
    for (const auto& field : fields) Later(record.fields[field], event);
    if (!fields.empty()) return;
  }
  Later(record.whole, event);
}

const ObjectRecord* RecordIndex::Find(RecordKind kind, const std::string& name) const {
  auto it = records_.find({kind, kind == RecordKind::kProject ? std::string() : name});
  return it == records_.end() ? nullptr : &it->second;
}

}  // namespace import_internal
}  // namespace stocktake
