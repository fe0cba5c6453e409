#pragma once

// JSON views of the domain values, shared by `stocktake --json` and the HTTP
// API so both speak the same schema (docs/api-schema.md). Pure.

#include <nlohmann/json.hpp>

#include "stocktake/analysis/release_check.h"
#include "stocktake/model/event.h"
#include "stocktake/model/feature.h"
#include "stocktake/model/person.h"
#include "stocktake/model/release.h"

namespace stocktake {

/// The version of the JSON schema documented in docs/api-schema.md.
inline constexpr int kJsonSchemaVersion = 1;

nlohmann::json PersonJson(const Person& person);
nlohmann::json ReleaseJson(const Release& release);
/// History is included only when `feature.history` is filled.
nlohmann::json FeatureJson(const Feature& feature);
nlohmann::json EventJson(const Event& event);
nlohmann::json AlertJson(const Alert& alert);

}  // namespace stocktake
