#pragma once

// StringIndex: the position of each of a set of strings, found by value.
// Boost's open-addressing unordered_flat_map of views, with no node per key
// to allocate, free and chase: on a 10,000-feature release the node-based
// maps it replaced were about a tenth of the read and of the report. It keeps
// views, so the strings must outlive it and stay where they are. Building it
// is not thread-safe; Find() on a built index may run on any number of
// threads.

#include <boost/unordered/unordered_flat_map.hpp>
#include <cstddef>
#include <string_view>

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

  size_t size() const { return positions_.size(); }

 private:
  boost::unordered_flat_map<std::string_view, size_t> positions_;
};

}  // namespace stocktake
