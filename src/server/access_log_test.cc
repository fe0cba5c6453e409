#include "stocktake/server/access_log.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace stocktake::server {
namespace {

TEST(AccessLogTest, WritesTheCommonLogFormat) {
  AccessRecord record{"127.0.0.1", testing::At("2013-01-21T09:05:03Z"),
                      "GET /api/v1/releases HTTP/1.1", 200, 1234};
  EXPECT_EQ(CommonLogLine(record),
            "127.0.0.1 - - [21/Jan/2013:09:05:03 +0000] \"GET /api/v1/releases HTTP/1.1\" 200 "
            "1234");
  record.bytes = 0;
  record.status = 304;
  EXPECT_EQ(CommonLogLine(record),
            "127.0.0.1 - - [21/Jan/2013:09:05:03 +0000] \"GET /api/v1/releases HTTP/1.1\" 304 -");
}

TEST(AccessLogTest, ARequestLineCannotForgeALine) {
  EXPECT_EQ(EscapeLogText("GET /a\"b\\c\r\n127.0.0.1 - - x\x1b[2J HTTP/1.1"),
            "GET /a\\\"b\\\\c\\x0D\\x0A127.0.0.1 - - x\\x1B[2J HTTP/1.1");
  EXPECT_EQ(EscapeLogText("caf\xC3\xA9 \xFF\xC3"), "caf\xC3\xA9 \\xFF\\xC3");
  EXPECT_EQ(EscapeLogText("\x7f"), "\\x7F");
}

}  // namespace
}  // namespace stocktake::server
