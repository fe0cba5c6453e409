#include "stocktake/server/metrics.h"

#include <gtest/gtest.h>

#include <thread>
#include <vector>

namespace stocktake::server {
namespace {

bool Has(const std::string& text, const std::string& line) {
  return text.find(line + "\n") != std::string::npos;
}

TEST(MetricsTest, CountsRequestsByRouteAndStatus) {
  Metrics metrics;
  metrics.Record("/api/v1/releases", 200, 0.003);
  metrics.Record("/api/v1/releases", 200, 0.2);
  metrics.Record("/api/v1/releases", 304, 0.0001);
  metrics.Record("unmatched", 404, 0.0001);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE stocktake_http_requests_total counter")) << text;
  EXPECT_TRUE(
      Has(text, R"(stocktake_http_requests_total{route="/api/v1/releases",status="200"} 2)"));
  EXPECT_TRUE(
      Has(text, R"(stocktake_http_requests_total{route="/api/v1/releases",status="304"} 1)"));
  EXPECT_TRUE(Has(text, R"(stocktake_http_requests_total{route="unmatched",status="404"} 1)"));
}

TEST(MetricsTest, LatencyBucketsAreCumulative) {
  Metrics metrics;
  metrics.Record("/r", 200, 0.003);
  metrics.Record("/r", 200, 0.2);
  metrics.Record("/r", 200, 60);
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "# TYPE stocktake_http_request_duration_seconds histogram")) << text;
  EXPECT_TRUE(
      Has(text, R"(stocktake_http_request_duration_seconds_bucket{route="/r",le="0.001"} 0)"));
  EXPECT_TRUE(
      Has(text, R"(stocktake_http_request_duration_seconds_bucket{route="/r",le="0.005"} 1)"));
  EXPECT_TRUE(
      Has(text, R"(stocktake_http_request_duration_seconds_bucket{route="/r",le="0.25"} 2)"));
  EXPECT_TRUE(Has(text, R"(stocktake_http_request_duration_seconds_bucket{route="/r",le="5"} 2)"));
  EXPECT_TRUE(
      Has(text, R"(stocktake_http_request_duration_seconds_bucket{route="/r",le="+Inf"} 3)"));
  EXPECT_TRUE(Has(text, R"(stocktake_http_request_duration_seconds_count{route="/r"} 3)"));
  EXPECT_NE(text.find(R"(stocktake_http_request_duration_seconds_sum{route="/r"} 60.20)"),
            std::string::npos);
}

TEST(MetricsTest, ReportsThePool) {
  Metrics metrics;
  metrics.SetPoolSize(4);
  metrics.JobQueued();
  metrics.JobQueued();
  metrics.JobStarted();
  std::string text = metrics.Render();
  EXPECT_TRUE(Has(text, "stocktake_worker_pool_size 4")) << text;
  EXPECT_TRUE(Has(text, "stocktake_worker_pool_busy 1"));
  EXPECT_TRUE(Has(text, "stocktake_worker_pool_queued 1"));
  EXPECT_TRUE(Has(text, "# TYPE stocktake_worker_pool_busy gauge"));
  metrics.JobFinished();
  EXPECT_TRUE(Has(metrics.Render(), "stocktake_worker_pool_busy 0"));
}

TEST(MetricsTest, RecordsFromManyThreads) {
  Metrics metrics;
  std::vector<std::thread> threads;
  for (int thread = 0; thread < 4; ++thread) {
    threads.emplace_back([&metrics] {
      for (int index = 0; index < 1000; ++index) metrics.Record("/r", 200, 0.001);
    });
  }
  for (std::thread& thread : threads) thread.join();
  EXPECT_TRUE(
      Has(metrics.Render(), R"(stocktake_http_requests_total{route="/r",status="200"} 4000)"));
}

TEST(MetricsTest, EscapesLabelValues) {
  Metrics metrics;
  metrics.Record("a\"b\\c\nd", 200, 0.001);
  EXPECT_TRUE(
      Has(metrics.Render(), R"(stocktake_http_requests_total{route="a\"b\\c\nd",status="200"} 1)"));
}

}  // namespace
}  // namespace stocktake::server
