#include "stocktake/model/protocol.h"

#include <algorithm>
#include <nlohmann/json.hpp>

namespace stocktake {

std::string_view ImplementationRoleName(ImplementationRole role) {
  return role == ImplementationRole::kFrontend ? "frontend" : "backend";
}

std::optional<ImplementationRole> ParseImplementationRole(std::string_view name) {
  if (name == "frontend") return ImplementationRole::kFrontend;
  if (name == "backend") return ImplementationRole::kBackend;
  return std::nullopt;
}

std::string_view ImplementationStateName(ImplementationState state) {
  switch (state) {
    case ImplementationState::kNone:
      return "none";
    case ImplementationState::kPosted:
      return "posted";
    case ImplementationState::kCommitted:
      return "committed";
  }
  return "none";
}

std::optional<ImplementationState> ParseImplementationState(std::string_view name) {
  if (name == "none") return ImplementationState::kNone;
  if (name == "posted") return ImplementationState::kPosted;
  if (name == "committed") return ImplementationState::kCommitted;
  return std::nullopt;
}

std::optional<Timestamp> Protocol::StageEnteredAt() const {
  for (auto it = history.rbegin(); it != history.rend(); ++it) {
    if (it->to == stage) return it->at;
  }
  return std::nullopt;
}

std::string Protocol::StageAt(Timestamp at) const {
  // The latest change at or before `at` wins; equal times keep recorded order.
  const StageChange* latest = nullptr;
  for (const auto& change : history) {
    if (change.at <= at && (latest == nullptr || change.at >= latest->at)) latest = &change;
  }
  return latest != nullptr ? latest->to : std::string();
}

const CriterionWaiver* Protocol::FindWaiver(std::string_view stage_id,
                                            std::string_view criterion) const {
  for (const auto& waiver : waivers) {
    if (waiver.stage == stage_id && waiver.criterion == criterion) return &waiver;
  }
  return nullptr;
}

}  // namespace stocktake

namespace stocktake {

namespace {

template <typename Visit>
void ForEachProtocolField(Visit&& visit) {
  visit(
      "summary", [](auto& p) -> auto& { return p.summary; });
  visit(
      "design_path", [](auto& p) -> auto& { return p.design_doc.path; });
  visit(
      "design_commit", [](auto& p) -> auto& { return p.design_doc.commit; });
  visit(
      "version", [](auto& p) -> auto& { return p.version; });
  visit(
      "compat_promises", [](auto& p) -> auto& { return p.compat_promises; });
  visit(
      "owners", [](auto& p) -> auto& { return p.owners; });
}

nlohmann::json ImplementationJson(const Implementation& implementation) {
  return {{"code_base", implementation.code_base},
          {"role", ImplementationRoleName(implementation.role)},
          {"state", ImplementationStateName(implementation.state)},
          {"refs", implementation.refs}};
}

std::optional<Implementation> ImplementationFromJson(const nlohmann::json& json) {
  if (!json.is_object()) return std::nullopt;
  try {
    auto role = ParseImplementationRole(json.at("role").get<std::string>());
    auto state = ParseImplementationState(json.at("state").get<std::string>());
    if (!role || !state) return std::nullopt;
    return Implementation{json.at("code_base").get<std::string>(), *role, *state,
                          json.at("refs").get<std::vector<std::string>>()};
  } catch (const nlohmann::json::exception&) {
    return std::nullopt;
  }
}

Error Malformed(std::string_view detail) {
  return Error::Corruption("a protocol change is malformed: " + std::string(detail.substr(0, 80)));
}

// Sets (or, for nullopt, removes) the implementation of `code_base` and
// `role` in `protocol`.
void PutImplementation(Protocol& protocol, const Implementation& key,
                       const std::optional<Implementation>& value) {
  auto& list = protocol.implementations;
  auto it = std::find_if(list.begin(), list.end(), [&](const Implementation& known) {
    return known.code_base == key.code_base && known.role == key.role;
  });
  if (!value) {
    if (it != list.end()) list.erase(it);
  } else if (it != list.end()) {
    *it = *value;
  } else {
    list.push_back(*value);
  }
}

}  // namespace

std::string ProtocolFieldChanges(const Protocol& before, const Protocol& after) {
  nlohmann::json changed = nlohmann::json::object();
  ForEachProtocolField([&](const char* name, auto field) {
    const auto& old_value = field(before);
    const auto& new_value = field(after);
    if (old_value != new_value) changed[name] = nlohmann::json::array({old_value, new_value});
  });
  return changed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

std::string ImplementationChange(const Implementation* before, const Implementation& after) {
  return nlohmann::json{{"implementation", ImplementationJson(after)},
                        {"before", before ? ImplementationJson(*before) : nlohmann::json()}}
      .dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<void> ApplyProtocolChange(Protocol& protocol, std::string_view detail, bool use_new) {
  auto json = nlohmann::json::parse(detail, nullptr, false);
  if (json.is_discarded() || !json.is_object()) return Fail(Malformed(detail));
  if (auto it = json.find("implementation"); it != json.end()) {
    auto after = ImplementationFromJson(*it);
    if (!after) return Fail(Malformed(detail));
    auto before = json.find("before");
    if (before == json.end()) return Ok();  // written before changes kept their old value
    PutImplementation(protocol, *after, use_new ? after : ImplementationFromJson(*before));
    return Ok();
  }
  bool ok = true;
  ForEachProtocolField([&](const char* name, auto field) {
    auto it = json.find(name);
    if (it == json.end()) return;
    try {
      auto& member = field(protocol);
      member = it->at(use_new ? 1 : 0).template get<std::remove_reference_t<decltype(member)>>();
    } catch (const nlohmann::json::exception&) {
      ok = false;
    }
  });
  return ok ? Ok() : Fail(Malformed(detail));
}

}  // namespace stocktake
