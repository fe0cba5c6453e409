#include "stocktake/model/feature.h"

#include <nlohmann/json.hpp>

#include "stocktake/util/text.h"

namespace stocktake {

std::string Feature::DisplayName() const {
  if (code_bases.empty()) return title;
  return title + " (" + Join(code_bases, " & ") + ")";
}

const std::string& Feature::ReferenceName() const {
  return short_title.empty() ? title : short_title;
}

namespace {

// Calls visit(name, &Feature::member) for every field a feature.updated
// event names.
template <typename Visit>
void ForEachField(Visit&& visit) {
  visit("title", &Feature::title);
  visit("release", &Feature::release);
  visit("parent", &Feature::parent);
  visit("code_bases", &Feature::code_bases);
  visit("external", &Feature::external);
  visit("owners", &Feature::owners);
  visit("must_have", &Feature::must_have);
  visit("depends_on", &Feature::depends_on);
  visit("short_title", &Feature::short_title);
  visit("remark", &Feature::remark);
  visit("notes", &Feature::notes);
  visit("protocol", &Feature::protocol);
  visit("freeze_exception", &Feature::freeze_exception);
  visit("removed", &Feature::removed);
  visit("ordinal", &Feature::ordinal);
}

template <typename T>
bool Read(const nlohmann::json& value, T& into) {
  try {
    into = value.get<T>();
    return true;
  } catch (const nlohmann::json::exception&) {
    return false;
  }
}

}  // namespace

std::string FeatureFieldChanges(const Feature& before, const Feature& after) {
  nlohmann::json changed = nlohmann::json::object();
  ForEachField([&](const char* name, auto member) {
    if (before.*member != after.*member)
      changed[name] = nlohmann::json::array({before.*member, after.*member});
  });
  if (before.ordinal == 0 || after.ordinal == 0) changed.erase("ordinal");
  // New text is checked to be UTF-8 before it is written; text stored before
  // that check existed must not make the write fail.
  return changed.dump(-1, ' ', false, nlohmann::json::error_handler_t::replace);
}

Result<std::vector<std::string>> ApplyFeatureFieldChanges(Feature& feature,
                                                          std::string_view changes,
                                                          ChangeSide side) {
  auto json = nlohmann::json::parse(changes, nullptr, false);
  if (json.is_discarded() || !json.is_object()) {
    return Fail(Error::Corruption("a feature change is not a JSON object: " +
                                  std::string(changes.substr(0, 80))));
  }
  std::vector<std::string> names;
  bool ok = true;
  ForEachField([&](const char* name, auto member) {
    auto it = json.find(name);
    if (it == json.end()) return;
    if (!it->is_array() || it->size() != 2 ||
        !Read((*it)[side == ChangeSide::kOld ? 0 : 1], feature.*member)) {
      ok = false;
      return;
    }
    names.emplace_back(name);
  });
  if (!ok) {
    return Fail(Error::Corruption("a feature change holds a field that is not [old, new]: " +
                                  std::string(changes.substr(0, 80))));
  }
  return names;
}

}  // namespace stocktake
