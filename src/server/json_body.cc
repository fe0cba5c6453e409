#include "stocktake/server/json_body.h"

#include <fmt/format.h>

#include <set>

#include "stocktake/util/utf8.h"

namespace stocktake::server {
namespace {

Error WrongType(const char* name, const char* expected, const nlohmann::json& value) {
  return Error::InvalidArgument(
      fmt::format("field '{}' must be {}, not {}", name, expected, value.type_name()));
}

}  // namespace

Result<JsonBody> JsonBody::Parse(std::string_view text,
                                 std::initializer_list<std::string_view> fields) {
  // nlohmann refuses invalid UTF-8 in strings; say so before it names a byte.
  if (std::size_t bad = FindInvalidUtf8(text); bad != std::string_view::npos) {
    return Fail(Error::InvalidArgument(fmt::format("the body is not UTF-8 (byte {})", bad + 1)));
  }
  std::vector<std::set<std::string>> names;  // Of each object being read.
  std::string problem;
  auto check = [&](int depth, nlohmann::json::parse_event_t event, nlohmann::json& parsed) {
    using Event = nlohmann::json::parse_event_t;
    if (!problem.empty()) return false;
    if (depth > kMaxJsonDepth) {
      problem = fmt::format("the body nests deeper than {} levels", kMaxJsonDepth);
      return false;
    }
    if (event == Event::object_start) names.emplace_back();
    if (event == Event::object_end && !names.empty()) names.pop_back();
    if (event == Event::key && !names.empty() &&
        !names.back().insert(parsed.get<std::string>()).second) {
      problem = fmt::format("field '{}' is given twice", parsed.get<std::string>());
      return false;
    }
    return true;
  };
  nlohmann::json object =
      nlohmann::json::parse(text.begin(), text.end(), check, /*allow_exceptions=*/false);
  if (!problem.empty()) return Fail(Error::InvalidArgument(problem));
  if (object.is_discarded()) return Fail(Error::InvalidArgument("the body is not valid JSON"));
  if (!object.is_object()) {
    return Fail(Error::InvalidArgument(
        fmt::format("the body must be a JSON object, not {}", object.type_name())));
  }
  for (const auto& [name, value] : object.items()) {
    bool known = false;
    for (std::string_view field : fields) known = known || field == name;
    if (known) continue;
    std::string list;
    for (std::string_view field : fields) list += (list.empty() ? "" : ", ") + std::string(field);
    return Fail(
        Error::InvalidArgument(fmt::format("unknown field '{}': this route takes {}", name, list)));
  }
  return JsonBody(std::move(object));
}

Result<std::optional<std::string>> JsonBody::String(const char* name) const {
  auto found = object_.find(name);
  if (found == object_.end()) return std::optional<std::string>();
  if (!found->is_string()) return Fail(WrongType(name, "a string", *found));
  return std::optional<std::string>(found->get<std::string>());
}

Result<std::string> JsonBody::RequiredString(const char* name) const {
  auto value = ST_TRY(String(name));
  if (!value) return Fail(Error::InvalidArgument(fmt::format("field '{}' is required", name)));
  return *value;
}

Result<std::optional<bool>> JsonBody::Bool(const char* name) const {
  auto found = object_.find(name);
  if (found == object_.end()) return std::optional<bool>();
  if (!found->is_boolean()) return Fail(WrongType(name, "true or false", *found));
  return std::optional<bool>(found->get<bool>());
}

Result<std::optional<std::vector<std::string>>> JsonBody::Strings(const char* name) const {
  auto found = object_.find(name);
  if (found == object_.end()) return std::optional<std::vector<std::string>>();
  if (!found->is_array()) return Fail(WrongType(name, "a list of strings", *found));
  std::vector<std::string> values;
  for (const auto& item : *found) {
    if (!item.is_string()) return Fail(WrongType(name, "a list of strings", item));
    values.push_back(item.get<std::string>());
  }
  return std::optional<std::vector<std::string>>(std::move(values));
}

}  // namespace stocktake::server
