#pragma once

// LoginThrottle: how `stocktake serve` slows down password guessing. Failed
// logins are counted per account (the server passes the person's primary
// e-mail, or the address given when no person has it) and per client address
// over a sliding window; once either has `failures` within `window`,
// further attempts for it are refused (HTTP 429 with Retry-After) until the
// oldest failure leaves the window. A successful login clears its account's
// count, not its address's.
//
// The counts live in this process's memory: they reset when the server
// restarts, and two servers behind one load balancer count apart. Times are
// parameters, never read from a clock, so tests are exact.
//
// Thread-safe: workers check and record logins concurrently.

#include <chrono>
#include <cstddef>
#include <deque>
#include <mutex>
#include <optional>
#include <string>
#include <string_view>
#include <unordered_map>

#include "stocktake/util/time.h"

namespace stocktake::server {

struct LoginLimits {
  int failures = 5;
  std::chrono::seconds window{15 * 60};
  /// Above this many accounts and addresses, those whose failures have all
  /// left the window are forgotten.
  std::size_t max_keys = 100000;
};

class LoginThrottle {
 public:
  explicit LoginThrottle(LoginLimits limits = {}) : limits_(limits) {}

  /// How long to wait before `account` (compared without case) or `address`
  /// may try again at `now`, or nullopt when they may now.
  std::optional<std::chrono::seconds> Blocked(std::string_view account, std::string_view address,
                                              Timestamp now);
  /// Counts a failed login of `account` from `address` at `now`.
  void Failed(std::string_view account, std::string_view address, Timestamp now);
  /// Forgets `account`'s failures.
  void Succeeded(std::string_view account);

  const LoginLimits& limits() const { return limits_; }

 private:
  std::optional<std::chrono::seconds> WaitFor(const std::string& key, Timestamp now);
  void Forget(Timestamp now);

  const LoginLimits limits_;
  std::mutex mutex_;
  /// Keys "account:EMAIL" and "address:IP", each with its failure times
  /// within the window, oldest first. Guarded by mutex_.
  std::unordered_map<std::string, std::deque<Timestamp>> failures_;
};

}  // namespace stocktake::server
