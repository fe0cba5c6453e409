#include "stocktake/server/target.h"

#include <gtest/gtest.h>

namespace stocktake::server {
namespace {

std::vector<std::string> Segments(const char* text) {
  auto target = ParseTarget(text);
  EXPECT_TRUE(target) << text << ": " << target.error().ToString();
  return target ? target->segments : std::vector<std::string>{};
}

TEST(ParseTargetTest, SplitsAndDecodesSegments) {
  EXPECT_EQ(Segments("/api/v1/releases/4.3"),
            (std::vector<std::string>{"api", "v1", "releases", "4.3"}));
  EXPECT_EQ(Segments("/"), std::vector<std::string>{});
  EXPECT_EQ(Segments("/a/"), std::vector<std::string>{"a"});
  EXPECT_EQ(Segments("/threads/%3Ca%2Fb@x%3E"), (std::vector<std::string>{"threads", "<a/b@x>"}));
  EXPECT_EQ(Segments("/f/caf%C3%A9"), (std::vector<std::string>{"f", "caf\xC3\xA9"}));
  EXPECT_EQ(Segments("/f/a+b"), (std::vector<std::string>{"f", "a+b"}));
}

TEST(ParseTargetTest, DecodesTheQueryAsAForm) {
  auto target = ParseTarget(
      "/x?release=4.3&since=2013-01-15&flag&as_of=2013-01-21T09:00:00%2B01:00"
      "&title=a+b%20c");
  ASSERT_TRUE(target);
  EXPECT_EQ(target->Query("release"), "4.3");
  EXPECT_EQ(target->Query("flag"), "");
  EXPECT_EQ(target->Query("as_of"), "2013-01-21T09:00:00+01:00");
  EXPECT_EQ(target->Query("title"), "a b c");
  EXPECT_EQ(target->Query("missing"), std::nullopt);
  EXPECT_EQ(target->query.size(), 5u);
}

TEST(ParseTargetTest, WithSetsOneParameterAndReadsBackTheSame) {
  auto target =
      ParseTarget("/api/v1/threads/a%2Fb@x?as_of=2013-01-21T09:00:00%2B01:00&after=x&t=a+b");
  ASSERT_TRUE(target);
  std::string link = target->With("after", "pvh mode/é");
  EXPECT_EQ(link,
            "/api/v1/threads/a%2Fb%40x?as_of=2013-01-21T09%3A00%3A00%2B01%3A00&t=a%20b&after="
            "pvh%20mode%2F%C3%A9");
  auto again = ParseTarget(link);
  ASSERT_TRUE(again);
  EXPECT_EQ(again->segments, target->segments);
  EXPECT_EQ(again->Query("as_of"), "2013-01-21T09:00:00+01:00");
  EXPECT_EQ(again->Query("t"), "a b");
  EXPECT_EQ(again->Query("after"), "pvh mode/é");
  EXPECT_EQ(again->query.size(), 3u);
  EXPECT_EQ(ParseTarget("/")->With("a", "1"), "/?a=1");
}

TEST(ParseTargetTest, RefusesWhatNoNameHolds) {
  for (const char* text :
       {"",         "*",         "x",         "http://host/x", "//host/x", "/a/../b",
        "/a/./b",   "/a/%2e%2E", "/a/%2E",    "/a//b",         "/%",       "/%4",
        "/%zz",     "/a%00",     "/a%1b[31m", "/a%7F",         "/%FF",     "/%ED%A0%80",
        "/x?q=%FF", "/x?%01=1",  "/a b",      "/a#b"}) {
    auto target = ParseTarget(text);
    EXPECT_FALSE(target) << "accepted " << text;
    if (!target) {
      EXPECT_TRUE(target.error().IsInvalidArgument()) << text;
    }
  }
}

}  // namespace
}  // namespace stocktake::server
