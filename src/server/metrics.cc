#include "stocktake/server/metrics.h"

#include <fmt/format.h>

#include <algorithm>

namespace stocktake::server {
namespace {

// A label value in the exposition format: backslash, quote and newline escaped.
std::string Label(std::string_view value) {
  std::string escaped;
  for (char c : value) {
    if (c == '\\' || c == '"') {
      escaped += '\\';
      escaped += c;
    } else if (c == '\n') {
      escaped += "\\n";
    } else {
      escaped += c;
    }
  }
  return escaped;
}

void Gauge(std::string& out, const char* name, const char* help, std::int64_t value) {
  out += fmt::format("# HELP {0} {1}\n# TYPE {0} gauge\n{0} {2}\n", name, help, value);
}

}  // namespace

void Metrics::Record(std::string_view route, int status, double seconds) {
  std::lock_guard lock(mutex_);
  ++requests_[{std::string(route), status}];
  auto found = latency_.find(route);
  if (found == latency_.end()) found = latency_.emplace(std::string(route), Latency{}).first;
  Latency& latency = found->second;
  auto bucket = std::lower_bound(kLatencyBuckets.begin(), kLatencyBuckets.end(), seconds);
  if (bucket != kLatencyBuckets.end()) ++latency.buckets[bucket - kLatencyBuckets.begin()];
  ++latency.count;
  latency.sum += seconds;
}

std::string Metrics::Render() const {
  std::string out;
  std::lock_guard lock(mutex_);
  out += "# HELP stocktake_http_requests_total Requests answered, by route and status.\n";
  out += "# TYPE stocktake_http_requests_total counter\n";
  for (const auto& [key, count] : requests_) {
    out += fmt::format("stocktake_http_requests_total{{route=\"{}\",status=\"{}\"}} {}\n",
                       Label(key.first), key.second, count);
  }
  out +=
      "# HELP stocktake_http_request_duration_seconds Time from a complete request to its "
      "response, by route.\n";
  out += "# TYPE stocktake_http_request_duration_seconds histogram\n";
  for (const auto& [route, latency] : latency_) {
    std::string label = Label(route);
    std::uint64_t cumulative = 0;
    for (std::size_t index = 0; index < kLatencyBuckets.size(); ++index) {
      cumulative += latency.buckets[index];
      out += fmt::format(
          "stocktake_http_request_duration_seconds_bucket{{route=\"{}\",le=\"{}\"}} {}\n", label,
          kLatencyBuckets[index], cumulative);
    }
    out += fmt::format(
        "stocktake_http_request_duration_seconds_bucket{{route=\"{0}\",le=\"+Inf\"}} {1}\n"
        "stocktake_http_request_duration_seconds_sum{{route=\"{0}\"}} {2}\n"
        "stocktake_http_request_duration_seconds_count{{route=\"{0}\"}} {1}\n",
        label, latency.count, latency.sum);
  }
  Gauge(out, "stocktake_http_requests_in_flight", "Requests received and not yet answered.",
        in_flight_);
  Gauge(out, "stocktake_worker_pool_size", "Database workers, each with its own session.",
        pool_size_);
  Gauge(out, "stocktake_worker_pool_busy", "Workers running a request.", busy_);
  Gauge(out, "stocktake_worker_pool_queued", "Requests waiting for a worker.", queued_);
  return out;
}

}  // namespace stocktake::server
