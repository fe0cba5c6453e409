#pragma once

// ResponseCache: the bodies of recent reads, so that a read asked again
// before anything changed is answered without building its view again.
//
// An entry is found by its key (the request target and, for reads of the
// record, the instant it is read as of) and is valid only while the
// database's change stamp (Store::ChangeStamp()) is the one it was built
// under: any commit, by this server, another server or the CLI, changes the
// stamp and so retires every entry built before it. Nothing is ever served
// from an older state of the database than the one the stamp names.
//
// Bounded by the bytes it holds: the least recently used entries go first.
// Thread-safe: the workers look up and fill it concurrently.

#include <cstddef>
#include <list>
#include <mutex>
#include <optional>
#include <string>
#include <unordered_map>
#include <utility>
#include <vector>

namespace stocktake::server {

/// A cached 200: what Finish() needs to answer it again.
struct CachedBody {
  std::string content_type;
  std::string text;
  std::string etag;
  std::vector<std::pair<std::string, std::string>> headers;
};

class ResponseCache {
 public:
  /// A cache of at most `capacity_bytes` of bodies; 0 caches nothing.
  explicit ResponseCache(std::size_t capacity_bytes) : capacity_(capacity_bytes) {}

  /// The body stored under `key` with stamp `stamp`, or nothing (an entry of
  /// another stamp is dropped).
  std::optional<CachedBody> Find(const std::string& key, const std::string& stamp);

  /// Stores `body` under `key` and `stamp`, replacing what was there and
  /// retiring the least recently used entries past the capacity. A body
  /// larger than a quarter of the capacity is not kept.
  void Put(const std::string& key, const std::string& stamp, CachedBody body);

  /// Entries and bytes held, for tests and /metrics.
  std::size_t entries() const;
  std::size_t bytes() const;

 private:
  struct Entry {
    std::string key;
    std::string stamp;
    CachedBody body;
    std::size_t size = 0;
  };
  using Order = std::list<Entry>;

  void Drop(Order::iterator entry);  // With mutex_ held.

  const std::size_t capacity_;
  mutable std::mutex mutex_;
  Order order_;  // Most recently used first; all three with mutex_ held.
  std::unordered_map<std::string, Order::iterator> index_;
  std::size_t bytes_ = 0;
};

}  // namespace stocktake::server
