#include "stocktake/ingest/threading.h"

#include <gtest/gtest.h>

#include "stocktake/ingest/mail_batch.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

MailMessage Mail(std::string id, std::string subject, std::string in_reply_to = "",
                 std::vector<std::string> references = {}) {
  MailMessage message;
  message.message_id = std::move(id);
  message.subject = std::move(subject);
  message.in_reply_to = std::move(in_reply_to);
  message.references = std::move(references);
  return message;
}

const char kNotmuchCorpora[] = "data/mail/notmuch-corpus/";

std::size_t ThreadCount(const std::string& corpus) {
  Result<MailBatch> batch = ReadMaildir(testing::SharedPath(kNotmuchCorpora + corpus));
  EXPECT_TRUE(batch) << batch.error().ToString();
  if (!batch) return 0;
  EXPECT_TRUE(batch->failures.empty());
  return ThreadMessages(batch->messages).threads.size();
}

TEST(ThreadingTest, NotmuchDefaultCorpusHas24Threads) {
  if (auto missing = testing::MissingShared("data/mail/notmuch-corpus")) GTEST_SKIP() << *missing;
  EXPECT_EQ(ThreadCount("default"), 24u);
}
TEST(ThreadingTest, NotmuchLkmlCorpusHas7Threads) {
  if (auto missing = testing::MissingShared("data/mail/notmuch-corpus")) GTEST_SKIP() << *missing;
  EXPECT_EQ(ThreadCount("lkml"), 7u);
}
TEST(ThreadingTest, NotmuchThreadingCorpusHas3Threads) {
  if (auto missing = testing::MissingShared("data/mail/notmuch-corpus")) GTEST_SKIP() << *missing;
  EXPECT_EQ(ThreadCount("threading"), 3u);
}

TEST(ThreadingTest, GhostParentsJoinSiblings) {
  std::vector<MailMessage> messages = {
      Mail("b", "Re: x", "a", {"root", "a"}),
      Mail("c", "Re: x", "a", {"root", "a"}),
  };
  ThreadSet set = ThreadMessages(messages);
  ASSERT_EQ(set.threads.size(), 1u);
  const MailThread& thread = set.threads[0];
  EXPECT_EQ(thread.root_id, "root");
  ASSERT_EQ(thread.nodes.size(), 4u);
  EXPECT_TRUE(thread.nodes[0].ghost());
  EXPECT_EQ(thread.nodes[1].message_id, "a");
  EXPECT_TRUE(thread.nodes[1].ghost());
  EXPECT_EQ(thread.nodes[1].parent_id, "root");
  EXPECT_EQ(thread.nodes[2].parent_id, "a");
  EXPECT_EQ(thread.nodes[2].depth, 2);
  EXPECT_EQ(thread.message_count, 2u);
}

TEST(ThreadingTest, ReferencesWinThenInReplyTo) {
  std::vector<MailMessage> messages = {
      Mail("root", "r"),
      Mail("child", "Re: r", "", {"root"}),
      Mail("other", "o"),
      // In-Reply-To is used when References is missing.
      Mail("reply", "Re: o", "other"),
      // References say child; In-Reply-To disagrees: References win.
      Mail("grand", "Re: r", "other", {"root", "child"}),
  };
  ThreadSet set = ThreadMessages(messages);
  ASSERT_EQ(set.threads.size(), 2u);
  EXPECT_EQ(set.thread_of.at("grand"), set.thread_of.at("root"));
  EXPECT_EQ(set.thread_of.at("reply"), set.thread_of.at("other"));
}

TEST(ThreadingTest, InReplyToWinsOverMissingLastReference) {
  std::vector<MailMessage> messages = {
      Mail("root", "r"),
      Mail("child", "Re: r", "root", {"typo-root"}),
  };
  ThreadSet set = ThreadMessages(messages);
  ASSERT_EQ(set.threads.size(), 1u);
  EXPECT_EQ(set.threads[0].nodes[1].parent_id, "root");
  EXPECT_EQ(set.threads[0].nodes.size(), 2u) << "the unused ghost is pruned";
}

TEST(ThreadingTest, SubjectGroupsOnlyWithoutReferences) {
  std::vector<MailMessage> messages = {
      Mail("a", "[Xen-devel] Taking stock"), Mail("b", "Re: [Xen-devel] Taking stock"),
      Mail("c", "Taking stock"),                   // not a reply: its own thread
      Mail("d", "Re: Taking stock", "elsewhere"),  // has In-Reply-To: not grouped
  };
  ThreadSet set = ThreadMessages(messages);
  EXPECT_EQ(set.thread_of.at("b"), set.thread_of.at("a"));
  EXPECT_NE(set.thread_of.at("c"), set.thread_of.at("a"));
  EXPECT_NE(set.thread_of.at("d"), set.thread_of.at("a"));
  ThreadingOptions no_subjects;
  no_subjects.group_by_subject = false;
  EXPECT_EQ(ThreadMessages(messages, no_subjects).threads.size(), 4u);
}

TEST(ThreadingTest, LoopsAndDuplicatesAreHarmless) {
  std::vector<MailMessage> messages = {
      Mail("a", "x", "b", {"b"}),
      Mail("b", "x", "a", {"a"}),
      Mail("a", "dup"),
      Mail("self", "s", "self", {"self"}),
  };
  ThreadSet set = ThreadMessages(messages);
  ASSERT_EQ(set.threads.size(), 2u);
  EXPECT_EQ(set.threads[0].message_count, 2u);
}

}  // namespace
}  // namespace stocktake
