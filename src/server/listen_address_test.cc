#include <gtest/gtest.h>

#include "stocktake/server/http_server.h"

namespace stocktake::server {
namespace {

ServerOptions Listen(const char* text) {
  ServerOptions options;
  auto parsed = ParseListenAddress(text, options);
  EXPECT_TRUE(parsed) << text << ": " << parsed.error().ToString();
  return options;
}

TEST(ListenAddressTest, TakesAddressAndPort) {
  EXPECT_EQ(Listen("127.0.0.1:8080").address, "127.0.0.1");
  EXPECT_EQ(Listen("127.0.0.1:8080").port, 8080);
  EXPECT_EQ(Listen("0.0.0.0:0").port, 0);
  EXPECT_EQ(Listen("[::1]:9000").address, "::1");
  EXPECT_EQ(Listen("[::1]:9000").port, 9000);
  EXPECT_EQ(Listen(":8081").address, "127.0.0.1");
  EXPECT_EQ(Listen("localhost:8081").address, "127.0.0.1");
}

TEST(ListenAddressTest, RefusesWhatCannotBeBound) {
  for (const char* text :
       {"", "8080", "127.0.0.1", "127.0.0.1:", "127.0.0.1:65536", "127.0.0.1:-1", "127.0.0.1:80x",
        "example.org:80", "::1:80", "[::1:80", "[nope]:80", "300.0.0.1:80"}) {
    ServerOptions options;
    auto parsed = ParseListenAddress(text, options);
    EXPECT_FALSE(parsed) << "accepted " << text;
    if (!parsed) {
      EXPECT_TRUE(parsed.error().IsInvalidArgument());
    }
  }
}

TEST(BaseUrlTest, IsAnHttpUrl) {
  EXPECT_TRUE(CheckBaseUrl("https://stocktake.example.org/"));
  EXPECT_TRUE(CheckBaseUrl("http://127.0.0.1:8080/stocktake/"));
  for (const char* url : {"", "stocktake.example.org", "ftp://example.org/", "https://",
                          "https://example.org/?x=1", "https://example.org/#top", "/relative"}) {
    EXPECT_FALSE(CheckBaseUrl(url)) << "accepted " << url;
  }
}

}  // namespace
}  // namespace stocktake::server
