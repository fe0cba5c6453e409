// The fields an import compares, object kind by object kind, as JSON: the
// values its plan shows, its conflicts name and its events record.

#include <fmt/format.h>

#include "service/project_import_internal.h"
#include "stocktake/util/time_span.h"

namespace stocktake::import_internal {
namespace {

using nlohmann::json;

// A member that converts to and from JSON as it is.
template <typename T, typename M>
FieldSpec<T> Member(std::string name, M T::*member, bool empty_is_unset = false) {
  return FieldSpec<T>{std::move(name), [member](const T& object) { return json(object.*member); },
                      [member](T& to, const T& from) { to.*member = from.*member; },
                      [member](T& to, const json& value) {
                        try {
                          to.*member = value.get<M>();
                          return true;
                        } catch (const json::exception&) {
                          return false;
                        }
                      },
                      empty_is_unset};
}

// A date member, as "YYYY-MM-DD".
template <typename T>
FieldSpec<T> DateMember(std::string name, Date T::*member) {
  return FieldSpec<T>{std::move(name),
                      [member](const T& object) { return json(FormatDate(object.*member)); },
                      [member](T& to, const T& from) { to.*member = from.*member; },
                      [member](T& to, const json& value) {
                        if (!value.is_string()) return false;
                        auto date = ParseDate(value.get<std::string>());
                        if (!date) return false;
                        to.*member = *date;
                        return true;
                      },
                      false};
}

// A member shown as JSON but never set from it.
template <typename T, typename M>
FieldSpec<T> Shown(std::string name, M T::*member, std::function<json(const M&)> show) {
  return FieldSpec<T>{
      std::move(name), [member, show](const T& object) { return show(object.*member); },
      [member](T& to, const T& from) { to.*member = from.*member; }, nullptr, false};
}

json RolesJson(const std::vector<Role>& roles) {
  json names = json::array();
  for (Role role : roles) names.push_back(std::string(RoleName(role)));
  return names;
}

json ProcessJson(const Process& process) {
  json statuses = json::array();
  for (const auto& status : process.statuses) {
    statuses.push_back({{"id", status.id},
                        {"heading", status.heading},
                        {"done", status.done},
                        {"in_release", status.in_release}});
  }
  json stages = json::parse(StagesJson(process.lifecycle));
  const ProtocolProcess& lifecycle = process.lifecycle;
  return json{{"name", process.name},
              {"staleness_days", process.staleness_days},
              {"initial_status", process.initial_status},
              {"freeze_warning_days", process.freeze_warning_days},
              {"statuses", statuses},
              {"stages", stages},
              {"proposal_window", FormatTimeSpan(lifecycle.proposal_window)},
              {"responsiveness_window", FormatTimeSpan(lifecycle.responsiveness_window)},
              {"czar_wait", FormatTimeSpan(lifecycle.czar_wait_limit)},
              {"lapse_warning", FormatTimeSpan(lifecycle.lapse_warning)},
              {"objection_min_words", lifecycle.objection_min_words}};
}

json ImplementationsJson(const std::vector<Implementation>& implementations) {
  json list = json::array();
  for (const auto& implementation : implementations) {
    list.push_back({{"code_base", implementation.code_base},
                    {"role", ImplementationRoleName(implementation.role)},
                    {"state", ImplementationStateName(implementation.state)},
                    {"refs", implementation.refs}});
  }
  return list;
}

json WaiversJson(const std::vector<CriterionWaiver>& waivers) {
  json list = json::array();
  for (const auto& waiver : waivers) {
    list.push_back({{"stage", waiver.stage},
                    {"criterion", waiver.criterion},
                    {"by", waiver.by},
                    {"at", FormatTimestamp(waiver.at)},
                    {"reason", waiver.reason}});
  }
  return list;
}

}  // namespace

const std::vector<FieldSpec<Feature>>& FeatureFields() {
  // The order and names of planning_internal::ChangedFields.
  static const std::vector<FieldSpec<Feature>> fields = {
      Member("title", &Feature::title),
      Member("release", &Feature::release),
      Member("parent", &Feature::parent),
      Member("code_bases", &Feature::code_bases),
      Member("external", &Feature::external),
      Member("owners", &Feature::owners),
      Member("must_have", &Feature::must_have),
      Member("depends_on", &Feature::depends_on),
      Member("short_title", &Feature::short_title),
      Member("remark", &Feature::remark),
      Member("notes", &Feature::notes),
      Member("protocol", &Feature::protocol),
      Member("freeze_exception", &Feature::freeze_exception),
      Member("removed", &Feature::removed),
  };
  return fields;
}

const std::vector<FieldSpec<Release>>& ReleaseFields() {
  static const std::vector<FieldSpec<Release>> fields = {
      DateMember("start", &Release::start),
      DateMember("freeze", &Release::freeze),
      DateMember("release", &Release::release),
      // Only an import sets the template; an empty one was never set.
      Member("report_template", &Release::report_template, true),
  };
  return fields;
}

const std::vector<FieldSpec<Person>>& PersonFields() {
  static const std::vector<FieldSpec<Person>> fields = {
      Member("name", &Person::name),
      Member("other_emails", &Person::other_emails),
      Shown<Person, std::vector<Role>>("roles", &Person::roles, RolesJson),
  };
  return fields;
}

const std::vector<FieldSpec<Project>>& ProjectFields() {
  // A project made by importing a file without a project section has no
  // name, list or repositories: those are filled in later without conflict.
  static const std::vector<FieldSpec<Project>> fields = {
      Member("name", &Project::name, true),
      Member("mailing_list", &Project::mailing_list, true),
      Member("repositories", &Project::repositories, true),
      Shown<Project, Process>("process", &Project::process, ProcessJson),
  };
  return fields;
}

const std::vector<FieldSpec<Protocol>>& ProtocolFields() {
  static const std::vector<FieldSpec<Protocol>> fields = {
      Member("summary", &Protocol::summary),
      Shown<Protocol, DesignDocument>("design_doc", &Protocol::design_doc,
                                      [](const DesignDocument& doc) {
                                        return json{{"path", doc.path}, {"commit", doc.commit}};
                                      }),
      Member("version", &Protocol::version),
      Shown<Protocol, std::vector<Implementation>>("implementations", &Protocol::implementations,
                                                   ImplementationsJson),
      Member("compat_promises", &Protocol::compat_promises),
      Member("owners", &Protocol::owners),
      Shown<Protocol, std::vector<CriterionWaiver>>("waivers", &Protocol::waivers, WaiversJson),
  };
  return fields;
}

}  // namespace stocktake::import_internal
