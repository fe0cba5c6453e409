#pragma once

// Metrics: what `GET /metrics` reports, in the Prometheus text exposition
// format (version 0.0.4):
//
//   stocktake_http_requests_total{route,status}      counter
//   stocktake_http_request_duration_seconds{route}   histogram (kLatencyBuckets)
//   stocktake_http_requests_in_flight                gauge
//   stocktake_worker_pool_size                       gauge: database workers
//   stocktake_worker_pool_busy                       gauge: workers running a request
//   stocktake_worker_pool_queued                     gauge: requests waiting for one
//
// `route` is the route's pattern ("/api/v1/features/{slug}"), never the
// path a client sent, so the number of series stays bounded; requests that
// match no route count under "unmatched".
//
// Thread-safe: the I/O thread and the workers record concurrently.

#include <array>
#include <atomic>
#include <cstdint>
#include <map>
#include <mutex>
#include <string>
#include <string_view>
#include <utility>

namespace stocktake::server {

/// Upper bounds of the latency histogram's buckets, in seconds (+Inf follows).
inline constexpr std::array<double, 12> kLatencyBuckets = {
    0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5};

class Metrics {
 public:
  /// Counts one finished request of `route` that answered `status` after
  /// `seconds`.
  void Record(std::string_view route, int status, double seconds);

  void SetPoolSize(std::int64_t workers) { pool_size_ = workers; }
  /// A request was queued for a worker / a worker took it / finished it.
  void JobQueued() { ++queued_; }
  void JobStarted() {
    --queued_;
    ++busy_;
  }
  void JobFinished() { --busy_; }
  void RequestStarted() { ++in_flight_; }
  void RequestFinished() { --in_flight_; }

  /// Everything, in the text exposition format.
  std::string Render() const;

 private:
  struct Latency {
    std::array<std::uint64_t, kLatencyBuckets.size()> buckets{};  // Not cumulative.
    std::uint64_t count = 0;
    double sum = 0;
  };

  mutable std::mutex mutex_;
  std::map<std::pair<std::string, int>, std::uint64_t> requests_;  // Guarded by mutex_.
  std::map<std::string, Latency, std::less<>> latency_;            // Guarded by mutex_.
  std::atomic<std::int64_t> pool_size_{0};
  std::atomic<std::int64_t> busy_{0};
  std::atomic<std::int64_t> queued_{0};
  std::atomic<std::int64_t> in_flight_{0};
};

}  // namespace stocktake::server
