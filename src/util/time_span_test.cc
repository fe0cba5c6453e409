#include "stocktake/util/time_span.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Timestamp T(const char* text) { return ST_MUST(ParseTimestamp(text)); }

TEST(TimeSpanTest, ParsesSpansInEveryAcceptedSpelling) {
  EXPECT_EQ(ST_MUST(ParseTimeSpan("7d")), TimeSpan::Days(7));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("72h")), TimeSpan::Hours(72));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("6mo")), TimeSpan::Months(6));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("6 months")), TimeSpan::Months(6));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("2w")), TimeSpan::Days(14));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("1 year")), TimeSpan::Months(12));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("1mo 2d")), (TimeSpan{1, std::chrono::hours(48)}));
  EXPECT_EQ(ST_MUST(ParseTimeSpan("90min")).seconds, std::chrono::minutes(90));
}

TEST(TimeSpanTest, RejectsMalformedSpansWithAnExample) {
  for (const char* text : {"", "7", "d", "7 fortnights", "-3d", "7d junk"}) {
    auto span = ParseTimeSpan(text);
    ASSERT_FALSE(span) << text;
    EXPECT_TRUE(span.error().IsInvalidArgument());
    EXPECT_NE(span.error().message().find("72h"), std::string::npos) << span.error().message();
  }
}

TEST(TimeSpanTest, FormatsSpansCanonically) {
  EXPECT_EQ(FormatTimeSpan(TimeSpan::Days(7)), "7d");
  EXPECT_EQ(FormatTimeSpan(TimeSpan::Hours(72)), "3d");
  EXPECT_EQ(FormatTimeSpan(TimeSpan::Hours(36)), "36h");
  EXPECT_EQ(FormatTimeSpan(TimeSpan::Months(6)), "6mo");
  EXPECT_EQ(FormatTimeSpan(TimeSpan::Months(12)), "1y");
  EXPECT_EQ(FormatTimeSpan(TimeSpan{}), "0s");
}

TEST(TimeSpanTest, AddsMonthsOnTheCalendarKeepingTheTimeOfDay) {
  EXPECT_EQ(AddTimeSpan(T("2017-08-31T10:00:00Z"), TimeSpan::Months(6)), T("2018-02-28T10:00:00Z"));
  EXPECT_EQ(AddTimeSpan(T("2017-01-01T23:00:00Z"), TimeSpan::Hours(72)), T("2017-01-04T23:00:00Z"));
  EXPECT_EQ(SubtractTimeSpan(T("2018-02-28T10:00:00Z"), TimeSpan::Months(6)),
            T("2017-08-28T10:00:00Z"));
}

}  // namespace
}  // namespace stocktake
