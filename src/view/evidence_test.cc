#include "stocktake/view/evidence.h"

#include <gtest/gtest.h>

#include "tests/support/test_support.h"

namespace stocktake::view {
namespace {

using testing::At;

EvidenceSeries Series(const char* id, const char* lineage, int version, const char* date) {
  EvidenceSeries series;
  series.id = id;
  series.name = std::string("series ") + id;
  series.lineage = lineage;
  series.version = version;
  series.date = At(date);
  return series;
}

EvidenceLink Link(const char* kind, const char* target, const char* at) {
  EvidenceLink link;
  link.target_kind = kind;
  link.target_id = target;
  link.at = At(at);
  return link;
}

TEST(SummarizeLinksTest, ShowsTheLatestVersionOfEachLinkedLineageNewestFirst) {
  std::vector<EvidenceSeries> all = {
      Series("a1", "a1", 1, "2013-01-01"), Series("a2", "a1", 2, "2013-01-10"),
      Series("b1", "b1", 1, "2013-01-05"), Series("c1", "c1", 1, "2013-01-20")};
  EvidenceSeriesTrailer ack;
  ack.trailer.canonical_key = "acked-by";
  ack.trailer.person.email = "ian@example.org";
  all[1].trailers.push_back(ack);
  std::vector<EvidenceLink> links = {Link("series", "a1", "2013-01-01"),
                                     Link("series", "b1", "2013-01-05")};
  LinkedEvidence view = SummarizeLinks(links, all, {}, {});
  ASSERT_EQ(view.series.size(), 2u);
  EXPECT_EQ(view.series[0].id, "a2");
  EXPECT_EQ(view.series[0].people.at("acked-by"), std::set<std::string>{"ian@example.org"});
  EXPECT_TRUE(view.series[0].people.at("nacked-by").empty());
  EXPECT_EQ(view.series[1].id, "b1");
  EXPECT_EQ(view.links, 2u);
  EXPECT_EQ(view.last_activity, At("2013-01-05"));
}

TEST(SummarizeLinksTest, UndatedSeriesComeFirst) {
  std::vector<EvidenceSeries> all = {Series("a", "a", 1, "2013-01-01"),
                                     Series("b", "b", 1, "2013-01-01")};
  all[1].date.reset();
  LinkedEvidence view = SummarizeLinks(
      {Link("series", "a", "2013-01-01"), Link("series", "b", "2013-01-01")}, all, {}, {});
  ASSERT_EQ(view.series.size(), 2u);
  EXPECT_EQ(view.series[0].id, "b");
}

TEST(SummarizeLinksTest, KeepsMessagesAndCommitsInLinkOrder) {
  EvidenceCommit commit;
  commit.sha = "0123456789abcdef";
  commit.subject = "libxl: add pvcalls";
  commit.commit_date = At("2013-02-01");
  commit.touched_paths = {"tools/libxl/"};
  EvidenceMessage message;
  message.message_id = "m@x";
  LinkedEvidence view =
      SummarizeLinks({Link("commit", "0123456789abcdef", "2013-02-01")}, {}, {message}, {commit});
  ASSERT_EQ(view.commits.size(), 1u);
  EXPECT_EQ(view.commits[0].paths, std::vector<std::string>{"tools/libxl/"});
  ASSERT_EQ(view.messages.size(), 1u);
  EXPECT_TRUE(view.series.empty());
}

TEST(BareMessageIdTest, DropsAngleBracketsOnly) {
  EXPECT_EQ(BareMessageId("<a@b>"), "a@b");
  EXPECT_EQ(BareMessageId("a@b"), "a@b");
  EXPECT_EQ(BareMessageId("<"), "<");
}

}  // namespace
}  // namespace stocktake::view
