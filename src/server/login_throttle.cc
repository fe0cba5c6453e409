#include "stocktake/server/login_throttle.h"

#include <algorithm>

#include "stocktake/util/text.h"

namespace stocktake::server {
namespace {

std::string AccountKey(std::string_view account) { return "account:" + ToLower(account); }
std::string AddressKey(std::string_view address) { return "address:" + std::string(address); }

}  // namespace

std::optional<std::chrono::seconds> LoginThrottle::WaitFor(const std::string& key, Timestamp now) {
  auto found = failures_.find(key);
  if (found == failures_.end()) return std::nullopt;
  auto& times = found->second;
  while (!times.empty() && times.front() + limits_.window <= now) times.pop_front();
  if (times.empty()) {
    failures_.erase(found);
    return std::nullopt;
  }
  if (static_cast<int>(times.size()) < limits_.failures) return std::nullopt;
  return std::chrono::seconds(times.front() + limits_.window - now);
}

std::optional<std::chrono::seconds> LoginThrottle::Blocked(std::string_view account,
                                                           std::string_view address,
                                                           Timestamp now) {
  std::lock_guard lock(mutex_);
  auto by_account = WaitFor(AccountKey(account), now);
  auto by_address = WaitFor(AddressKey(address), now);
  if (by_account && by_address) return std::max(*by_account, *by_address);
  return by_account ? by_account : by_address;
}

void LoginThrottle::Failed(std::string_view account, std::string_view address, Timestamp now) {
  std::lock_guard lock(mutex_);
  if (failures_.size() >= limits_.max_keys) Forget(now);
  for (const std::string& key : {AccountKey(account), AddressKey(address)}) {
    auto& times = failures_[key];
    times.push_back(now);
    // Only the newest `failures` matter.
    while (static_cast<int>(times.size()) > limits_.failures) times.pop_front();
  }
}

void LoginThrottle::Succeeded(std::string_view account) {
  std::lock_guard lock(mutex_);
  failures_.erase(AccountKey(account));
}

void LoginThrottle::Forget(Timestamp now) {
  std::erase_if(failures_, [&](const auto& entry) {
    return entry.second.empty() || entry.second.back() + limits_.window <= now;
  });
}

}  // namespace stocktake::server
