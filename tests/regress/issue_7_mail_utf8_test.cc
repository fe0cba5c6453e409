// Issue 7: a mail with bytes that are not UTF-8 in its headers or body was
// stored with those bytes (or, for UTF-8 text with one stray byte, re-read as
// Latin-1 as a whole), and every later --json read of it could abort. Mail and
// git text is now repaired (ill-formed bytes become U+FFFD) before it is stored.

#include <gtest/gtest.h>

#include <string>
#include <vector>

#include "stocktake/ingest/git_history.h"
#include "stocktake/ingest/mail_message.h"
#include "stocktake/ingest/mbox_reader.h"
#include "stocktake/util/utf8.h"

namespace stocktake {
namespace {

const char kReplacement[] = "\xEF\xBF\xBD";

// Valid UTF-8 ("Monné", "→") around stray bytes: a lone continuation byte, a
// truncated sequence, an overlong form, a surrogate and a byte never used.
const char kBadMail[] =
    "From dev@example.org Mon Feb  6 10:00:00 2017\n"
    "Message-ID: <bad\xff@example.org>\n"
    "From: Roger Pau Monn\xC3\xA9 \x80\xE2\x86 <roger\xFE@example.org>\n"
    "Subject: [PATCH] xen\xC0\xAF: fix \xE2\x86\x92 ring \xED\xA0\x80 size\n"
    "In-Reply-To: <parent\xF5@example.org>\n"
    "Date: Mon, 6 Feb 2017 10:00:00 +0000\n"
    "\n"
    "The ring \xE2\x86\x92 size \xF8\x88\x80\x80\x80 is fixed.\n"
    "Signed-off-by: Roger Pau Monn\xC3\xA9 \xFF<roger@example.org>\n";

void ExpectValid(const MailMessage& message) {
  EXPECT_TRUE(IsValidUtf8(message.message_id)) << message.message_id;
  EXPECT_TRUE(IsValidUtf8(message.from.name)) << message.from.name;
  EXPECT_TRUE(IsValidUtf8(message.from.email)) << message.from.email;
  EXPECT_TRUE(IsValidUtf8(message.subject)) << message.subject;
  EXPECT_TRUE(IsValidUtf8(message.in_reply_to)) << message.in_reply_to;
  EXPECT_TRUE(IsValidUtf8(message.body)) << message.body;
}

TEST(MailUtf8Test, InvalidBytesInSubjectFromAndBodyAreReplaced) {
  Result<MailMessage> message = ParseMailMessage(kBadMail);
  ASSERT_TRUE(message) << message.error().ToString();
  ExpectValid(*message);
  // The valid characters around the bad bytes survive as they were: repair,
  // not a re-reading of the whole text as Latin-1.
  EXPECT_NE(message->from.name.find("Monn\xC3\xA9"), std::string::npos) << message->from.name;
  EXPECT_NE(message->from.name.find(kReplacement), std::string::npos) << message->from.name;
  EXPECT_NE(message->subject.find("\xE2\x86\x92 ring"), std::string::npos) << message->subject;
  EXPECT_NE(message->subject.find(kReplacement), std::string::npos) << message->subject;
  EXPECT_NE(message->body.find("The ring \xE2\x86\x92 size"), std::string::npos);
  EXPECT_NE(message->body.find(kReplacement), std::string::npos) << message->body;
}

TEST(MailUtf8Test, EveryMessageOfAnMboxIsValidUtf8) {
  std::string mbox = std::string(kBadMail) + "\n" + kBadMail;
  std::vector<MboxEntry> entries = SplitMbox(mbox);
  ASSERT_EQ(entries.size(), 2u);
  for (const MboxEntry& entry : entries) {
    std::string scratch;
    Result<MailMessage> message =
        ParseMailMessage(UnquoteFromLines(entry.raw, MboxFormat::kMboxrd, scratch));
    ASSERT_TRUE(message) << message.error().ToString();
    ExpectValid(*message);
  }
}

TEST(MailUtf8Test, BodyCutAtTheSizeLimitEndsOnACharacterBoundary) {
  MailParseOptions options;
  options.max_body_bytes = 11;  // "The ring " and the first byte of U+2192 (3 bytes)
  Result<MailMessage> message = ParseMailMessage(kBadMail, options);
  ASSERT_TRUE(message);
  EXPECT_TRUE(IsValidUtf8(message->body)) << message->body;
  EXPECT_EQ(message->body, "The ring ");
}

TEST(MailUtf8Test, GitAuthorsAndMessagesAreValidUtf8) {
  std::string stream = std::string("\x1e") + "aaaa" + '\0' + '\0' + "Roger Pau Monn\xC3\xA9\xFF" +
                       '\0' + "roger\x80@example.org" + '\0' + "100" + '\0' + "C\xFE" + '\0' +
                       "c@x" + '\0' + "200" + '\0' +
                       "xen\xC0\xAF: fix\n\nSigned-off-by: R \xFF<r@x>\n" + '\0';
  std::vector<GitCommit> commits;
  ParseGitLogStream(stream, true, [&](GitCommit&& commit) { commits.push_back(commit); });
  ASSERT_EQ(commits.size(), 1u);
  const GitCommit& commit = commits[0];
  for (const std::string* text : {&commit.author.name, &commit.author.email, &commit.committer.name,
                                  &commit.subject, &commit.message}) {
    EXPECT_TRUE(IsValidUtf8(*text)) << *text;
  }
  EXPECT_EQ(commit.author.name, std::string("Roger Pau Monn\xC3\xA9") + kReplacement);
  for (const Trailer& trailer : commit.trailers) EXPECT_TRUE(IsValidUtf8(trailer.value));
}

}  // namespace
}  // namespace stocktake
