#include "stocktake/ingest/trailers.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

std::vector<std::string> Keys(const std::vector<Trailer>& trailers) {
  std::vector<std::string> keys;
  keys.reserve(trailers.size());
  for (const Trailer& trailer : trailers) keys.push_back(trailer.canonical_key);
  return keys;
}

TEST(TrailersTest, ReadsLastParagraphOfPatchBeforeDivider) {
  std::vector<Trailer> trailers = ParseTrailers(
      "The frobnicator leaked.\n\nFixes: 1234abcd (\"frob: add\")\n"
      "Signed-off-by: Jane Doe <jane@example.org>\n"
      "Acked-By: Bob <bob@example.org>\n"
      "Release-acked-by: George <george@example.org>\n"
      "---\n v2: fixed\n---\n xen/x.c | 2 +-\n\ndiff --git a/x b/x\nAcked-by: In <diff@x>\n");
  EXPECT_EQ(Keys(trailers),
            (std::vector<std::string>{"fixes", "signed-off-by", "acked-by", "release-acked-by"}));
  EXPECT_EQ(trailers[1].person, (MailAddress{"Jane Doe", "jane@example.org"}));
  EXPECT_EQ(trailers[2].key, "Acked-By");
  EXPECT_EQ(trailers[0].value, "1234abcd (\"frob: add\")");
}

TEST(TrailersTest, OnlyTheLastParagraphCounts) {
  EXPECT_TRUE(ParseTrailers("Acked-by: a <a@x>\n\nplain text at the end\n").empty());
  EXPECT_EQ(ParseTrailers("text\n\nCc: x@y\n\nReviewed-by: r <r@x>\n").size(), 1u);
}

TEST(TrailersTest, MixedParagraphNeedsGitGeneratedTrailerAndQuarter) {
  // Not all trailers and no Signed-off-by: not a block.
  EXPECT_TRUE(ParseTrailers("body\n\nAcked-by: a <a@x>\nthis is prose\n").empty());
  // Signed-off-by plus >= 25% trailer lines: a block; prose lines are skipped.
  std::vector<Trailer> trailers =
      ParseTrailers("body\n\nprose one\nprose two\nprose three\nSigned-off-by: s <s@x>\n");
  EXPECT_EQ(Keys(trailers), (std::vector<std::string>{"signed-off-by"}));
  EXPECT_TRUE(ParseTrailers("body\n\np1\np2\np3\np4\np5\nSigned-off-by: s <s@x>\n").empty());
}

TEST(TrailersTest, ContinuationLinesAndComments) {
  std::vector<Trailer> trailers = ParseTrailers(
      "body\n\nReported-by: Long Name\n  <long@example.org>\n# comment\nTested-by: t <t@x>\n\n");
  ASSERT_EQ(trailers.size(), 2u);
  EXPECT_EQ(trailers[0].value, "Long Name <long@example.org>");
  EXPECT_EQ(trailers[0].person.email, "long@example.org");
}

TEST(TrailersTest, NackSpellingsShareOneKey) {
  std::vector<Trailer> trailers =
      ParseTrailers("x\n\nNAKed-by: n <n@x>\nNacked-by: m <m@x>\nSuggested-by: s <s@x>\n");
  EXPECT_EQ(Keys(trailers), (std::vector<std::string>{"nacked-by", "nacked-by", "suggested-by"}));
}

TEST(TrailersTest, TokensMustBeWordsBeforeColon) {
  EXPECT_TRUE(ParseTrailers("x\n\nnot a trailer: value\n").empty());
  EXPECT_EQ(ParseTrailers("x\n\nAny-Token : value\n").size(), 1u);
  EXPECT_TRUE(ParseTrailers("x\n\n: value\n").empty());
}

TEST(TrailersTest, CommitTitleIsNeverTrailers) {
  TrailerOptions commit;
  commit.has_title = true;
  EXPECT_TRUE(ParseTrailers("Fixes: the title\n", commit).empty());
  EXPECT_EQ(ParseTrailers("Fixes: the title\n", {}).size(), 1u);
  EXPECT_EQ(ParseTrailers("title\n\nbody\n\nSigned-off-by: a <a@x>\n", commit).size(), 1u);
}

TEST(TrailersTest, ReplyTrailerAfterQuotedText) {
  std::vector<Trailer> trailers = ParseReplyTrailers(
      "On Mon, Jane wrote:\n> The patch\n> Signed-off-by: Jane <jane@x>\n>\n"
      "Looks good.\n\nAcked-by: Bob <bob@example.org>\n\n-- \nBob's signature\n"
      "Tested-by: not <in@sig>\n");
  ASSERT_EQ(trailers.size(), 1u);
  EXPECT_EQ(trailers[0].canonical_key, "acked-by");
  EXPECT_EQ(trailers[0].person.email, "bob@example.org");
}

TEST(TrailersTest, ReplyTagInTheMiddleOfTheReply) {
  std::vector<Trailer> trailers = ParseReplyTrailers(
      "> hunk one\nReviewed-by: Rita <rita@x>\n> hunk two\nOne nit below, but fine.\nThanks\n"
      "_______________________________________________\nXen-devel mailing list\n");
  ASSERT_EQ(trailers.size(), 1u);
  EXPECT_EQ(trailers[0].canonical_key, "reviewed-by");
}

TEST(TrailersTest, ReplyProseIsNotATrailer) {
  EXPECT_TRUE(
      ParseReplyTrailers("> x\nI think this is wrong.\nReason: it leaks\nmore prose\n").empty());
}

}  // namespace
}  // namespace stocktake
