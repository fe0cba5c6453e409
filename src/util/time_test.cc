#include "stocktake/util/time.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Date D(const char* text) { return ST_MUST(ParseDate(text)); }

TEST(TimeTest, ParsesAndFormatsDates) {
  EXPECT_EQ(FormatDate(D("2013-01-21")), "2013-01-21");
  EXPECT_FALSE(ParseDate("2013-02-30"));
  EXPECT_FALSE(ParseDate("2013-1-21"));
  EXPECT_FALSE(ParseDate("yesterday"));
  EXPECT_TRUE(ParseDate("2013-02-30").error().message().find("YYYY-MM-DD") != std::string::npos);
}

TEST(TimeTest, ParsesTimestampsWithOffsets) {
  EXPECT_EQ(FormatTimestamp(ST_MUST(ParseTimestamp("2013-01-21"))), "2013-01-21T00:00:00Z");
  EXPECT_EQ(FormatTimestamp(ST_MUST(ParseTimestamp("2013-01-21T10:30"))), "2013-01-21T10:30:00Z");
  EXPECT_EQ(FormatTimestamp(ST_MUST(ParseTimestamp("2013-01-21T10:30:15+02:00"))),
            "2013-01-21T08:30:15Z");
  EXPECT_EQ(FormatTimestamp(ST_MUST(ParseTimestamp("2013-01-21 23:30:00-0100"))),
            "2013-01-22T00:30:00Z");
  EXPECT_FALSE(ParseTimestamp("2013-01-21T25:00"));
  EXPECT_FALSE(ParseTimestamp("2013-01-21Tnoon"));
  EXPECT_FALSE(ParseTimestamp("2013-01-21T10:30Zjunk"));
}

TEST(TimeTest, CountsWholeCalendarMonths) {
  EXPECT_EQ(WholeMonthsBetween(D("2012-09-17"), D("2013-01-21")), 4);
  EXPECT_EQ(WholeMonthsBetween(D("2012-09-17"), D("2013-06-17")), 9);
  EXPECT_EQ(WholeMonthsBetween(D("2013-01-21"), D("2013-03-25")), 2);
  EXPECT_EQ(WholeMonthsBetween(D("2013-01-21"), D("2013-03-20")), 1);
  EXPECT_EQ(WholeMonthsBetween(D("2013-03-25"), D("2013-01-21")), -2);
  EXPECT_EQ(WholeMonthsBetween(D("2013-01-31"), D("2013-02-28")), 1);
  EXPECT_EQ(AddMonths(D("2013-01-31"), 1), D("2013-02-28"));
}

TEST(TimeTest, FormatsRfc5322Dates) {
  EXPECT_EQ(FormatRfc5322(ST_MUST(ParseTimestamp("2013-01-21T09:05:07Z"))),
            "Mon, 21 Jan 2013 09:05:07 +0000");
}

}  // namespace
}  // namespace stocktake
