#include "stocktake/util/string_index.h"

#include <functional>

namespace stocktake {
namespace {

std::uint64_t Hash(std::string_view key) { return std::hash<std::string_view>{}(key); }

// A non-null pointer for the empty key too, whose data() may be null: null
// marks an empty slot.
const char* DataOf(std::string_view key) { return key.data() != nullptr ? key.data() : ""; }

}  // namespace

StringIndex::StringIndex(size_t expected) {
  size_t capacity = 16;
  while (capacity < 2 * expected) capacity *= 2;
  slots_.resize(capacity);
  mask_ = capacity - 1;
}

size_t StringIndex::Probe(std::string_view key, std::uint64_t hash) const {
  for (size_t at = hash & mask_;; at = (at + 1) & mask_) {
    const Slot& slot = slots_[at];
    if (slot.data == nullptr ||
        (slot.hash == hash && std::string_view(slot.data, slot.length) == key)) {
      return at;
    }
  }
}

size_t StringIndex::Insert(std::string_view key, size_t position) {
  if (2 * (size_ + 1) > slots_.size()) Grow();
  std::uint64_t hash = Hash(key);
  Slot& slot = slots_[Probe(key, hash)];
  if (slot.data != nullptr) return slot.position;
  slot = Slot{hash, DataOf(key), static_cast<std::uint32_t>(key.size()),
              static_cast<std::uint32_t>(position)};
  ++size_;
  return position;
}

size_t StringIndex::Find(std::string_view key) const {
  const Slot& slot = slots_[Probe(key, Hash(key))];
  return slot.data != nullptr ? slot.position : kAbsent;
}

void StringIndex::Grow() {
  std::vector<Slot> old(slots_.size() * 2);
  old.swap(slots_);
  mask_ = slots_.size() - 1;
  for (const Slot& slot : old) {
    if (slot.data != nullptr) {
      slots_[Probe(std::string_view(slot.data, slot.length), slot.hash)] = slot;
    }
  }
}

}  // namespace stocktake
