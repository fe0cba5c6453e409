#include "stocktake/server/response_cache.h"

namespace stocktake::server {

std::optional<CachedBody> ResponseCache::Find(const std::string& key, const std::string& stamp) {
  std::lock_guard lock(mutex_);
  auto it = index_.find(key);
  if (it == index_.end()) return std::nullopt;
  if (it->second->stamp != stamp) {
    Drop(it->second);
    return std::nullopt;
  }
  order_.splice(order_.begin(), order_, it->second);
  return it->second->body;
}

void ResponseCache::Put(const std::string& key, const std::string& stamp, CachedBody body) {
  std::size_t size = key.size() + body.text.size() + body.etag.size() + 64;
  for (const auto& [name, value] : body.headers) size += name.size() + value.size();
  if (size > capacity_ / 4) return;
  std::lock_guard lock(mutex_);
  if (auto it = index_.find(key); it != index_.end()) Drop(it->second);
  order_.push_front(Entry{key, stamp, std::move(body), size});
  index_.emplace(key, order_.begin());
  bytes_ += size;
  while (bytes_ > capacity_ && !order_.empty()) Drop(std::prev(order_.end()));
}

void ResponseCache::Drop(Order::iterator entry) {
  bytes_ -= entry->size;
  index_.erase(entry->key);
  order_.erase(entry);
}

std::size_t ResponseCache::entries() const {
  std::lock_guard lock(mutex_);
  return index_.size();
}

std::size_t ResponseCache::bytes() const {
  std::lock_guard lock(mutex_);
  return bytes_;
}

}  // namespace stocktake::server
