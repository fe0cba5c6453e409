#include "stocktake/server/response_cache.h"

#include <gtest/gtest.h>

namespace stocktake::server {
namespace {

CachedBody Body(const std::string& text) {
  return CachedBody{"application/json", text, "\"t\"", {}};
}

TEST(ResponseCacheTest, FindsABodyOnlyUnderTheStampItWasBuiltUnder) {
  ResponseCache cache(1 << 20);
  cache.Put("/api/v1/releases", "1", Body("[1]"));
  auto found = cache.Find("/api/v1/releases", "1");
  ASSERT_TRUE(found);
  EXPECT_EQ(found->text, "[1]");
  EXPECT_EQ(found->etag, "\"t\"");
  // A commit changed the stamp: the entry is retired, not served.
  EXPECT_FALSE(cache.Find("/api/v1/releases", "2"));
  EXPECT_EQ(cache.entries(), 0u);
  EXPECT_EQ(cache.bytes(), 0u);
  EXPECT_FALSE(cache.Find("/api/v1/people", "1"));
}

TEST(ResponseCacheTest, ReplacesAndRetiresTheLeastRecentlyUsedPastItsCapacity) {
  ResponseCache cache(4000);
  std::string kilobyte(900, 'x');
  cache.Put("a", "1", Body(kilobyte));
  cache.Put("b", "1", Body(kilobyte));
  cache.Put("c", "1", Body(kilobyte));
  ASSERT_TRUE(cache.Find("a", "1"));  // a is now the most recently used
  cache.Put("d", "1", Body(kilobyte));
  cache.Put("e", "1", Body(kilobyte));
  EXPECT_LE(cache.bytes(), 4000u);
  EXPECT_TRUE(cache.Find("a", "1"));
  EXPECT_FALSE(cache.Find("b", "1"));
  EXPECT_TRUE(cache.Find("e", "1"));
  cache.Put("e", "1", Body("new"));
  EXPECT_EQ(cache.Find("e", "1")->text, "new");
  // Too large to keep: a quarter of the capacity at most.
  cache.Put("big", "1", Body(std::string(1100, 'y')));
  EXPECT_FALSE(cache.Find("big", "1"));
  ResponseCache none(0);
  none.Put("a", "1", Body("x"));
  EXPECT_FALSE(none.Find("a", "1"));
}

}  // namespace
}  // namespace stocktake::server
