#include "stocktake/view/json_views.h"

namespace stocktake {

nlohmann::json PersonJson(const Person& person) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role role : person.roles) roles.push_back(std::string(RoleName(role)));
  return {{"email", person.email},
          {"name", person.name},
          {"other_emails", person.other_emails},
          {"roles", std::move(roles)}};
}

nlohmann::json ReleaseJson(const Release& release) {
  nlohmann::json changes = nlohmann::json::array();
  for (const auto& change : release.schedule_changes) {
    changes.push_back({{"at", FormatTimestamp(change.at)},
                       {"by", change.by},
                       {"old_freeze", FormatDate(change.old_freeze)},
                       {"new_freeze", FormatDate(change.new_freeze)},
                       {"old_release", FormatDate(change.old_release)},
                       {"new_release", FormatDate(change.new_release)},
                       {"reason", change.reason}});
  }
  nlohmann::json shipped = nullptr;
  if (release.shipped) {
    shipped = {{"at", FormatTimestamp(release.shipped->at)},
               {"by", release.shipped->by},
               {"date", FormatDate(release.shipped->date)},
               {"note", release.shipped->note}};
  }
  return {{"version", release.version},
          {"start", FormatDate(release.start)},
          {"freeze", FormatDate(release.freeze)},
          {"release", FormatDate(release.release)},
          {"schedule_changes", std::move(changes)},
          {"shipped", std::move(shipped)}};
}

nlohmann::json FeatureJson(const Feature& feature) {
  nlohmann::json json = {
      {"slug", feature.slug},
      {"title", feature.title},
      {"display_name", feature.DisplayName()},
      {"release", feature.release},
      {"parent", feature.parent.empty() ? nlohmann::json(nullptr) : nlohmann::json(feature.parent)},
      {"status", feature.status},
      {"code_bases", feature.code_bases},
      {"external", feature.external},
      {"owners", feature.owners},
      {"must_have", feature.must_have},
      {"removed", feature.removed},
      {"depends_on", feature.depends_on},
      {"short_title", feature.short_title},
      {"remark", feature.remark},
      {"notes", feature.notes},
      {"protocol", feature.protocol},
      {"freeze_exception", feature.freeze_exception},
      {"updated_at", FormatTimestamp(feature.updated_at)}};
  if (!feature.history.empty()) {
    nlohmann::json history = nlohmann::json::array();
    for (const auto& change : feature.history) {
      history.push_back(
          {{"at", FormatTimestamp(change.at)},
           {"by", change.by},
           {"from", change.from.empty() ? nlohmann::json(nullptr) : nlohmann::json(change.from)},
           {"to", change.to},
           {"reason", change.reason}});
    }
    json["history"] = std::move(history);
  }
  return json;
}

nlohmann::json EventJson(const Event& event) {
  nlohmann::json json = {{"id", event.id},
                         {"at", FormatTimestamp(event.at)},
                         {"recorded_at", FormatTimestamp(event.recorded_at)},
                         {"actor", event.actor},
                         {"kind", event.kind},
                         {"release", event.release},
                         {"subject", event.subject},
                         {"from", event.from},
                         {"to", event.to},
                         {"reason", event.reason}};
  if (!event.detail.empty()) {
    json["detail"] = nlohmann::json::parse(event.detail, nullptr, false);
    if (json["detail"].is_discarded()) json["detail"] = event.detail;
  }
  return json;
}

nlohmann::json AlertJson(const Alert& alert) {
  return {{"subject", alert.subject},
          {"title", alert.title},
          {"rule", alert.rule},
          {"message", alert.message},
          {"action", alert.action}};
}

}  // namespace stocktake
