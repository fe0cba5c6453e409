#pragma once

// JsonBody: the strict decoder of the API's request bodies. A body is one
// JSON object in UTF-8, at most kMaxJsonDepth deep, with no name given twice
// and every name one the route takes; each value has the type the route
// expects (a string, a boolean, a list of strings), and null is no value of
// any type. Every refusal is kInvalidArgument naming the field, so the client
// gets a 400 that says what to fix, and nothing is written.
//
// A value: copy and share it between threads freely.

#include <initializer_list>
#include <nlohmann/json.hpp>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"

namespace stocktake::server {

/// How deep objects and lists may nest in a body.
inline constexpr int kMaxJsonDepth = 8;

class JsonBody {
 public:
  /// Parses `text`, allowing the names in `fields` only.
  [[nodiscard]] static Result<JsonBody> Parse(std::string_view text,
                                              std::initializer_list<std::string_view> fields);

  bool Has(const char* name) const { return object_.contains(name); }
  /// The field as a string; nullopt when absent. kInvalidArgument for another type.
  [[nodiscard]] Result<std::optional<std::string>> String(const char* name) const;
  /// The field as a string; kInvalidArgument when absent or of another type.
  [[nodiscard]] Result<std::string> RequiredString(const char* name) const;
  [[nodiscard]] Result<std::optional<bool>> Bool(const char* name) const;
  /// A list of strings; nullopt when absent.
  [[nodiscard]] Result<std::optional<std::vector<std::string>>> Strings(const char* name) const;

 private:
  explicit JsonBody(nlohmann::json object) : object_(std::move(object)) {}
  nlohmann::json object_;
};

}  // namespace stocktake::server
