#include "stocktake/util/string_index.h"

namespace stocktake {

StringIndex::StringIndex(size_t expected) { positions_.reserve(expected); }

size_t StringIndex::Insert(std::string_view key, size_t position) {
  return positions_.try_emplace(key, position).first->second;
}

size_t StringIndex::Find(std::string_view key) const {
  auto it = positions_.find(key);
  return it != positions_.end() ? it->second : kAbsent;
}

}  // namespace stocktake
