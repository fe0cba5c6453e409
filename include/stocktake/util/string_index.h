#pragma once

// StringIndex: the position of each of a set of strings, found by value. An
// open-addressing table of hashes, views and positions, with no node per key
// to allocate, free and chase: on a 10,000-feature release the node-based
// maps it replaced were about a tenth of the read and of the report. It keeps
// views, so the strings must outlive it and stay where they are; positions
// are below 2^32. Building it is not thread-safe; Find() on a built index may
// run on any number of threads.

#include <cstddef>
#include <cstdint>
#include <string_view>
#include <vector>

namespace stocktake {

class StringIndex {
 public:
  static constexpr size_t kAbsent = static_cast<size_t>(-1);

  /// An index with room for `expected` keys before it grows.
  explicit StringIndex(size_t expected = 0);

  /// Adds `key` at `position` unless it is already there; returns the
  /// position the key has (the first one given, as std::map::emplace keeps).
  size_t Insert(std::string_view key, size_t position);

  /// The position of `key`, or kAbsent.
  size_t Find(std::string_view key) const;

  size_t size() const { return size_; }

 private:
  struct Slot {
    std::uint64_t hash = 0;
    const char* data = nullptr;  ///< Null for an empty slot.
    std::uint32_t length = 0;
    std::uint32_t position = 0;
  };

  // The slot holding `key`, or the empty one where it would go.
  size_t Probe(std::string_view key, std::uint64_t hash) const;
  void Grow();

  std::vector<Slot> slots_;
  size_t mask_ = 0;
  size_t size_ = 0;
};

}  // namespace stocktake
