#pragma once

// Pieces shared by the planning operations (planning.cc) and the project-file
// importer (project_import.cc). Internal to libstocktake.

#include <fmt/format.h>

#include <functional>
#include <map>
#include <set>
#include <string>
#include <unordered_map>
#include <vector>

#include "stocktake/model/event.h"
#include "stocktake/model/feature.h"
#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/util/text.h"

namespace stocktake::planning_internal {

/// An event of `kind` by the context's actor at its `now`.
Event MakeEvent(const Context& context, const char* kind, std::string release, std::string subject);

// Finds features by slug, exact title or display name.
class FeatureIndex {
 public:
  void Add(const Feature& feature) {
    slugs_[feature.slug] = feature.slug;
    titles_[feature.title].insert(feature.slug);
    titles_[feature.DisplayName()].insert(feature.slug);
  }

  // The slug, or an error message (empty result) that says why not.
  Result<std::string> Find(const std::string& name) const {
    if (auto it = slugs_.find(name); it != slugs_.end()) return it->second;
    if (auto it = titles_.find(name); it != titles_.end()) {
      if (it->second.size() == 1) return *it->second.begin();
      return Fail(Error::InvalidArgument(
          fmt::format("'{}' names {} features ({}): use a slug", name, it->second.size(),
                      Join(std::vector<std::string>(it->second.begin(), it->second.end()), ", "))));
    }
    std::string wanted = Slugify(name);
    std::vector<std::string> close;
    for (const auto& [slug, unused] : slugs_) {
      if (!wanted.empty() && slug.find(wanted) != std::string::npos) close.push_back(slug);
      if (close.size() == 5) break;
    }
    std::string hint =
        close.empty() ? "see 'stocktake feature list'" : "did you mean " + Join(close, ", ") + "?";
    return Fail(Error::NotFound(fmt::format("no feature named '{}': {}", name, hint)));
  }

 private:
  std::map<std::string, std::string> slugs_;
  std::map<std::string, std::set<std::string>> titles_;
};

/// True when everything but the status and the history is equal.
bool SameFeatureFields(const Feature& a, const Feature& b);

/// Rejects parent and dependency cycles over `features` (by slug); `error`
/// makes the Error for the feature where a cycle closes.
Result<void> CheckCycles(const std::unordered_map<std::string, const Feature*>& features,
                         const std::function<Error(const Feature&, const std::string&)>& error);

}  // namespace stocktake::planning_internal
