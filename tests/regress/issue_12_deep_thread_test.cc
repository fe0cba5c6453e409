// Issue 12: a reply chain of 150,000 messages overflowed the stack while it
// was threaded (recursive pruning and ordering), so the mbox never got in.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stocktake/ingest/threading.h"

namespace stocktake {
namespace {

TEST(Issue12DeepThreadTest, AReplyChainOf150000MessagesIsOneThread) {
  constexpr std::size_t kDepth = 150'000;
  std::vector<MailMessage> messages(kDepth);
  for (std::size_t index = 0; index < kDepth; ++index) {
    messages[index].message_id = "m" + std::to_string(index) + "@example.org";
    messages[index].subject = "Re: a long argument";
    if (index > 0) messages[index].in_reply_to = messages[index - 1].message_id;
  }
  ThreadSet threads = ThreadMessages(messages);
  ASSERT_EQ(threads.threads.size(), 1u);
  EXPECT_EQ(threads.threads[0].nodes.size(), kDepth);
  EXPECT_EQ(threads.threads[0].nodes.back().depth, static_cast<int>(kDepth - 1));
}

}  // namespace
}  // namespace stocktake
