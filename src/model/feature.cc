#include "stocktake/model/feature.h"

#include "stocktake/util/text.h"

namespace stocktake {

std::string Feature::DisplayName() const {
  if (code_bases.empty()) return title;
  return title + " (" + Join(code_bases, " & ") + ")";
}

const std::string& Feature::ReferenceName() const {
  return short_title.empty() ? title : short_title;
}

}  // namespace stocktake
