#include "stocktake/analysis/schedule.h"

#include <gtest/gtest.h>

#include "stocktake/util/time.h"

namespace stocktake {
namespace {

Date D(const char* text) {
  auto date = ParseDate(text);
  EXPECT_TRUE(date) << text;
  return date ? *date : Date{};
}

// The Xen 4.3 schedule of the seed mail.
Release Xen43() {
  Release release;
  release.version = "4.3";
  release.start = D("2012-09-17");
  release.freeze = D("2013-03-25");
  release.release = D("2013-06-17");
  return release;
}

TEST(SpanBetweenTest, NamesTheLargestWholeUnitInEitherOrder) {
  EXPECT_EQ(SpanBetween(D("2013-01-21"), D("2013-01-21")), "0 days");
  EXPECT_EQ(SpanBetween(D("2013-01-21"), D("2013-01-22")), "1 day");
  EXPECT_EQ(SpanBetween(D("2013-01-21"), D("2013-01-27")), "6 days");
  EXPECT_EQ(SpanBetween(D("2013-01-21"), D("2013-01-28")), "1 week");
  EXPECT_EQ(SpanBetween(D("2013-01-28"), D("2013-01-21")), "1 week");
  EXPECT_EQ(SpanBetween(D("2013-01-21"), D("2013-02-20")), "4 weeks");
  EXPECT_EQ(SpanBetween(D("2013-01-21"), D("2013-02-21")), "1 month");
  EXPECT_EQ(SpanBetween(D("2012-09-17"), D("2013-01-21")), "4 months");
}

TEST(SchedulePositionTest, TheSeedMailsSentence) {
  SchedulePosition position = PositionOn(Xen43(), D("2013-01-21"));
  EXPECT_EQ(position.phase, ReleasePhase::kDevelopment);
  EXPECT_EQ(position.sentence,
            "We're 4 months into our estimated 9-months release schedule, and 2 months away "
            "from the scheduled feature freeze.");
  EXPECT_EQ(position.schedule_months, 9);
  EXPECT_EQ(position.days_since_start, 126);
  EXPECT_EQ(position.days_to_freeze, 63);
  EXPECT_EQ(position.days_to_release, 147);
}

TEST(SchedulePositionTest, BeforeTheStart) {
  SchedulePosition position = PositionOn(Xen43(), D("2012-09-01"));
  EXPECT_EQ(position.phase, ReleasePhase::kNotStarted);
  EXPECT_EQ(position.days_since_start, -16);
  EXPECT_EQ(position.sentence,
            "We're 2 weeks away from the start of our estimated 9-months release schedule, and "
            "6 months away from the scheduled feature freeze.");
}

TEST(SchedulePositionTest, OnTheFreezeDayAndAfterIt) {
  SchedulePosition today = PositionOn(Xen43(), D("2013-03-25"));
  EXPECT_EQ(today.phase, ReleasePhase::kFrozen);
  EXPECT_EQ(today.days_to_freeze, 0);
  EXPECT_EQ(today.sentence,
            "We're 6 months into our estimated 9-months release schedule; the feature freeze is "
            "today, and the release is planned in 2 months.");
  SchedulePosition later = PositionOn(Xen43(), D("2013-04-05"));
  EXPECT_EQ(later.days_to_freeze, -11);
  EXPECT_EQ(later.sentence,
            "We're 6 months into our estimated 9-months release schedule; the feature freeze was "
            "1 week ago, and the release is planned in 2 months.");
}

TEST(SchedulePositionTest, AfterTheReleaseDate) {
  SchedulePosition position = PositionOn(Xen43(), D("2013-07-01"));
  EXPECT_EQ(position.phase, ReleasePhase::kPastRelease);
  EXPECT_EQ(position.days_to_release, -14);
  EXPECT_EQ(position.sentence,
            "We're 9 months into our estimated 9-months release schedule, 2 weeks past the "
            "planned release date.");
}

TEST(SchedulePositionTest, AOneMonthScheduleIsSingular) {
  Release release = Xen43();
  release.start = D("2013-01-01");
  release.freeze = D("2013-01-20");
  release.release = D("2013-02-01");
  EXPECT_EQ(PositionOn(release, D("2013-01-02")).sentence,
            "We're 1 day into our estimated 1-month release schedule, and 2 weeks away from the "
            "scheduled feature freeze.");
}

TEST(SchedulePositionTest, ASlipMovesTheSentence) {
  Release release = Xen43();
  release.freeze = D("2013-04-08");
  EXPECT_EQ(PositionOn(release, D("2013-03-26")).phase, ReleasePhase::kDevelopment);
  EXPECT_EQ(PositionOn(release, D("2013-03-26")).sentence,
            "We're 6 months into our estimated 9-months release schedule, and 1 week away from "
            "the scheduled feature freeze.");
}

}  // namespace
}  // namespace stocktake
