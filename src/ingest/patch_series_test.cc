#include "stocktake/ingest/patch_series.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(SubjectPrefixTest, ReadsVersionCounterAndFlags) {
  SubjectPrefix prefix = ParseSubjectPrefix("[PATCH v3 02/10] xen/arm: fix  the  thing");
  EXPECT_TRUE(prefix.is_patch);
  EXPECT_EQ(prefix.version, 3);
  EXPECT_TRUE(prefix.version_explicit);
  EXPECT_EQ(prefix.index, 2);
  EXPECT_EQ(prefix.total, 10);
  EXPECT_EQ(prefix.name, "xen/arm: fix the thing");
  EXPECT_FALSE(prefix.is_reply);
}

TEST(SubjectPrefixTest, ReadsRfcResendAndTags) {
  SubjectPrefix rfc = ParseSubjectPrefix("[RFC PATCH] x");
  EXPECT_TRUE(rfc.is_rfc);
  EXPECT_TRUE(rfc.is_patch);
  EXPECT_FALSE(rfc.has_counter);
  SubjectPrefix split = ParseSubjectPrefix("[RFC][PATCH 05/10] cifs: y");
  EXPECT_TRUE(split.is_rfc);
  EXPECT_EQ(split.index, 5);
  SubjectPrefix for_release = ParseSubjectPrefix("[PATCH for-4.3 v2] libxl: z");
  EXPECT_EQ(for_release.version, 2);
  EXPECT_EQ(for_release.tags, (std::vector<std::string>{"for-4.3"}));
  SubjectPrefix resend = ParseSubjectPrefix("[PATCH RESEND net-next 1/2] a");
  EXPECT_TRUE(resend.is_resend);
  EXPECT_EQ(resend.tags, (std::vector<std::string>{"net-next"}));
  SubjectPrefix commas = ParseSubjectPrefix("[net,v2,1/2] net: ieee802154: remove");
  EXPECT_TRUE(commas.is_patch);
  EXPECT_EQ(commas.version, 2);
  EXPECT_EQ(commas.tags, (std::vector<std::string>{"net"}));
}

TEST(SubjectPrefixTest, ReadsOtherCounterForms) {
  SubjectPrefix of = ParseSubjectPrefix("[PATCH 0 of 12] hg series");
  EXPECT_TRUE(of.is_cover_letter());
  EXPECT_EQ(of.total, 12);
  SubjectPrefix glued = ParseSubjectPrefix("[PATCH1/8] glued");
  EXPECT_EQ(glued.index, 1);
  EXPECT_EQ(glued.total, 8);
  SubjectPrefix bad = ParseSubjectPrefix("[PATCH 9/3] impossible");
  EXPECT_FALSE(bad.has_counter);
}

TEST(SubjectPrefixTest, ListTagsAndReplies) {
  SubjectPrefix prefix = ParseSubjectPrefix("Re: [Xen-devel] [PATCH v2 1/3] foo");
  EXPECT_TRUE(prefix.is_reply);
  EXPECT_EQ(prefix.list_tags, (std::vector<std::string>{"Xen-devel"}));
  EXPECT_EQ(prefix.index, 1);
  SubjectPrefix inner = ParseSubjectPrefix("[Xen-devel] RE: [PATCH] foo");
  EXPECT_TRUE(inner.is_reply);
  EXPECT_FALSE(ParseSubjectPrefix("[Xen-devel] Taking stock of 4.3").is_patch);
  EXPECT_EQ(ParseSubjectPrefix("Re[2]: [PATCH] foo").name, "foo");
}

class SeriesBuilder {
 public:
  MailMessage& Add(std::string id, std::string subject, std::string from = "jane@example.org",
                   const std::string& in_reply_to = "", std::string body = "") {
    MailMessage message;
    message.message_id = std::move(id);
    message.subject = std::move(subject);
    message.from = {"Jane", std::move(from)};
    message.in_reply_to = in_reply_to;
    if (!in_reply_to.empty()) message.references = {in_reply_to};
    message.body = std::move(body);
    message.date = Timestamp(std::chrono::seconds(1'600'000'000 + 60 * clock_++));
    messages_.push_back(std::move(message));
    return messages_.back();
  }
  const std::vector<MailMessage>& messages() const { return messages_; }

 private:
  std::vector<MailMessage> messages_;
  int clock_ = 0;
};

TEST(PatchSeriesTest, CoverLetterAndPatchesFormOneCompleteSeries) {
  SeriesBuilder mail;
  mail.Add("c", "[PATCH v2 0/3] feature");
  mail.Add("p1", "[PATCH v2 1/3] part one", "jane@example.org", "c");
  mail.Add("p3", "[PATCH v2 3/3] part three", "jane@example.org", "c");
  mail.Add("p2", "[PATCH v2 2/3] part two", "jane@example.org", "c");
  mail.Add("r", "Re: [PATCH v2 2/3] part two", "bob@example.org", "p2");
  SeriesSet set = AssembleSeries(mail.messages());
  ASSERT_EQ(set.series.size(), 1u);
  const PatchSeries& series = set.series[0];
  EXPECT_EQ(series.id, "c");
  EXPECT_EQ(series.cover_letter_id, "c");
  EXPECT_EQ(series.name, "feature");
  EXPECT_EQ(series.version, 2);
  EXPECT_EQ(series.total, 3);
  ASSERT_EQ(series.patches.size(), 3u);
  EXPECT_EQ(series.patches[1].message_id, "p2");
  EXPECT_TRUE(series.complete());
  EXPECT_EQ(set.series_of.count("r"), 0u);
}

TEST(PatchSeriesTest, MissingPartsMakeSeriesIncomplete) {
  SeriesBuilder mail;
  mail.Add("c", "[PATCH 0/4] feature");
  mail.Add("p1", "[PATCH 1/4] a", "jane@example.org", "c");
  mail.Add("p4", "[PATCH 4/4] d", "jane@example.org", "c");
  SeriesSet set = AssembleSeries(mail.messages());
  ASSERT_EQ(set.series.size(), 1u);
  EXPECT_FALSE(set.series[0].complete());
  EXPECT_EQ(set.series[0].missing, (std::vector<int>{2, 3}));
}

TEST(PatchSeriesTest, VersionsLinkIntoLineageEvenWhenSentInReplyToOlderVersion) {
  SeriesBuilder mail;
  mail.Add("v1c", "[PATCH 0/2] feature");
  mail.Add("v1p1", "[PATCH 1/2] a", "jane@example.org", "v1c");
  mail.Add("v1p2", "[PATCH 1/2] a", "jane@example.org", "v1c");  // duplicate index: new series
  mail.Add("v2c", "[PATCH v2 0/2] feature, reworked", "jane@example.org", "v1c");
  mail.Add("v2p1", "[PATCH v2 1/2] a", "jane@example.org", "v2c");
  mail.Add("v2p2", "[PATCH v2 2/2] b", "jane@example.org", "v2c");
  mail.Add("v3p1", "[PATCH v3 1/2] a", "jane@example.org", "v2p1");
  mail.Add("v3p2", "[PATCH v3 2/2] b", "jane@example.org", "v3p1");
  SeriesSet set = AssembleSeries(mail.messages());
  ASSERT_EQ(set.series.size(), 4u);
  EXPECT_EQ(set.series[set.series_of.at("v2p1")].id, "v2c");
  EXPECT_EQ(set.series[set.series_of.at("v3p2")].id, "v3p1");
  EXPECT_EQ(set.series[set.series_of.at("v3p2")].version, 3);
  EXPECT_TRUE(set.series[set.series_of.at("v3p2")].complete());
  // v1, its re-post, v2 (reply to v1 with another name) and v3 (reply to v2) are one work.
  ASSERT_EQ(set.lineages.size(), 1u);
  std::vector<int> versions;
  for (std::size_t s : set.lineages[0].series) versions.push_back(set.series[s].version);
  EXPECT_EQ(versions, (std::vector<int>{1, 1, 2, 3}));
  EXPECT_EQ(set.lineages[0].id, "v1c");
}

TEST(PatchSeriesTest, PatchesFollowTheirCoverLettersLabels) {
  SeriesBuilder mail;
  mail.Add("c", "[RFC PATCH v4 0/2] thing");
  mail.Add("p1", "[PATCH 1/2] a", "jane@example.org", "c");  // forgot "RFC v4"
  mail.Add("p2", "[PATCH v4 2/2] b", "jane@example.org", "c");
  SeriesSet set = AssembleSeries(mail.messages());
  ASSERT_EQ(set.series.size(), 1u);
  EXPECT_EQ(set.series[0].version, 4);
  EXPECT_TRUE(set.series[0].is_rfc);
  EXPECT_TRUE(set.series[0].complete());
}

TEST(PatchSeriesTest, UnthreadedPatchesGroupByMarkers) {
  SeriesBuilder mail;
  mail.Add("a1", "[PATCH v2 1/2] a");
  mail.Add("a2", "[PATCH v2 2/2] b");
  mail.Add("b1", "[PATCH v2 1/2] other author", "bob@example.org");
  SeriesSet set = AssembleSeries(mail.messages());
  ASSERT_EQ(set.series.size(), 2u);
  EXPECT_EQ(set.series_of.at("a1"), set.series_of.at("a2"));
  EXPECT_NE(set.series_of.at("a1"), set.series_of.at("b1"));
  EXPECT_EQ(set.lineages.size(), 2u);
}

TEST(PatchSeriesTest, SingleUnnumberedPatchIsCompleteSeries) {
  SeriesBuilder mail;
  mail.Add("s", "[PATCH RESEND] fix leak");
  mail.Add("t", "[PATCH v2] fix leak");
  SeriesSet set = AssembleSeries(mail.messages());
  ASSERT_EQ(set.series.size(), 2u);
  EXPECT_TRUE(set.series[0].is_resend);
  EXPECT_EQ(set.series[0].total, 1);
  EXPECT_TRUE(set.series[0].complete());
  ASSERT_EQ(set.lineages.size(), 1u) << "same author and name: same work";
}

TEST(PatchSeriesTest, ReplyTrailersApplyToPatchOrWholeSeries) {
  SeriesBuilder mail;
  mail.Add("c", "[PATCH 0/2] feature");
  mail.Add("p1", "[PATCH 1/2] a", "jane@example.org", "c",
           "Change.\n\nSigned-off-by: Jane <jane@example.org>\n---\n diff\n");
  mail.Add("p2", "[PATCH 2/2] b", "jane@example.org", "c",
           "Other.\n\nSigned-off-by: Jane <jane@example.org>\n");
  mail.Add("r1", "Re: [PATCH 1/2] a", "bob@example.org", "p1",
           "> Change.\n\nReviewed-by: Bob <bob@example.org>\n");
  mail.Add("r0", "Re: [PATCH 0/2] feature", "ian@example.org", "c",
           "> cover\nFor the whole series:\nAcked-by: Ian <ian@example.org>\n");
  MailMessage& nested = mail.Add("r2", "Re: [PATCH 1/2] a", "tim@example.org", "r1",
                                 "> > x\nTested-by: Tim <tim@example.org>\n");
  nested.references = {"c", "p1", "r1"};
  std::vector<MailMessage> messages = mail.messages();
  SeriesSet set = AssembleSeries(messages);
  std::vector<SeriesTrailer> trailers = CollectSeriesTrailers(messages, set);
  ASSERT_EQ(trailers.size(), 5u);
  EXPECT_EQ(trailers[0].target_id, "p1");
  EXPECT_EQ(trailers[0].trailer.canonical_key, "signed-off-by");
  EXPECT_EQ(trailers[2].source_id, "r1");
  EXPECT_EQ(trailers[2].scope, TrailerScope::kPatch);
  EXPECT_EQ(trailers[2].target_id, "p1");
  EXPECT_EQ(trailers[3].source_id, "r0");
  EXPECT_EQ(trailers[3].scope, TrailerScope::kSeries);
  EXPECT_EQ(trailers[3].target_id, "c");
  EXPECT_EQ(trailers[4].source_id, "r2");
  EXPECT_EQ(trailers[4].target_id, "p1");
  EXPECT_EQ(trailers[4].trailer.canonical_key, "tested-by");
}

}  // namespace
}  // namespace stocktake
