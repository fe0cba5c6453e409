#include "stocktake/ingest/mail_message.h"

#include <gtest/gtest.h>

#include "stocktake/util/utf8.h"

namespace stocktake {
namespace {

MailMessage Parse(std::string_view raw) {
  Result<MailMessage> message = ParseMailMessage(raw);
  EXPECT_TRUE(message) << (message ? "" : message.error().ToString());
  return message ? *message : MailMessage{};
}

TEST(MailMessageTest, ReadsTheHeadersWeNeed) {
  MailMessage message = Parse(
      "Received: from x\n\tby y\n"
      "From: \"Doe, Jane\" <jane@example.org>\n"
      "Subject: [PATCH v3 02/10] xen: fix\n the thing\n"
      "Date: Tue, 6 Dec 2011 01:49:42 +0100\n"
      "Message-ID: <abc@example.org>\n"
      "In-Reply-To: <parent@example.org> (Jane's message)\n"
      "References: <root@example.org>\n\t<parent@example.org> <abc@example.org>\n"
      "List-Id: Xen developer discussion <xen-devel.lists.xenproject.org>\n"
      "\n"
      "Hello\n");
  EXPECT_EQ(message.message_id, "abc@example.org");
  EXPECT_FALSE(message.synthetic_id);
  EXPECT_EQ(message.from.name, "Doe, Jane");
  EXPECT_EQ(message.from.email, "jane@example.org");
  EXPECT_EQ(message.subject, "[PATCH v3 02/10] xen: fix the thing");
  ASSERT_TRUE(message.date);
  EXPECT_EQ(FormatTimestamp(*message.date), "2011-12-06T00:49:42Z");
  EXPECT_EQ(message.in_reply_to, "parent@example.org");
  EXPECT_EQ(message.references,
            (std::vector<std::string>{"root@example.org", "parent@example.org"}));
  EXPECT_EQ(message.list_id, "xen-devel.lists.xenproject.org");
  EXPECT_EQ(message.body, "Hello\n");
}

TEST(MailMessageTest, DecodesEncodedWordsInSubjectAndName) {
  MailMessage message = Parse(
      "From: =?utf-8?b?UmFmYcWCIE1pxYJlY2tp?= <rafal@example.org>\n"
      "Subject: =?ISO-8859-1?Q?Caf=E9?= =?UTF-8?Q?_cr=C3=A8me?=\n"
      "Message-ID: <x@y>\n\nbody\n");
  EXPECT_EQ(message.from.name, "Rafał Miłecki");
  EXPECT_EQ(message.subject, "Café crème");
}

TEST(MailMessageTest, DecodesQuotedPrintableAndBase64Bodies) {
  MailMessage qp = Parse(
      "Message-ID: <q@x>\nContent-Type: text/plain; charset=iso-8859-1\n"
      "Content-Transfer-Encoding: quoted-printable\n\n"
      "Caf=E9 soft=\nbreak\nAcked-by: A <a@x>\n");
  EXPECT_EQ(qp.body, "Café softbreak\nAcked-by: A <a@x>\n");
  MailMessage b64 = Parse(
      "Message-ID: <b@x>\nContent-Type: text/plain; charset=\"utf-8\"\n"
      "Content-Transfer-Encoding: base64\n\n"
      "aMOpbGxvCndvcmxkCg==\n");
  EXPECT_EQ(b64.body, "héllo\nworld\n");
}

TEST(MailMessageTest, BogusCharsetFallsBackWithoutFailing) {
  MailMessage message = Parse(
      "Message-ID: <c@x>\nContent-Type: text/plain; charset=\"x-no-such-charset\"\n"
      "Content-Transfer-Encoding: 8bit\n\nna\xefve \xe9t\xe9\n");
  EXPECT_EQ(message.body, "naïve été\n");
  MailMessage utf8 =
      Parse("Message-ID: <d@x>\nContent-Type: text/plain; charset=bogus\n\nna\xc3\xafve\n");
  EXPECT_EQ(utf8.body, "naïve\n");
  MailMessage koi8 = Parse(
      "Message-ID: <e@x>\nContent-Type: text/plain; charset=koi8-r\n\n\xf0\xd2\xc9\xd7\xc5\xd4\n");
  EXPECT_EQ(koi8.body, "Привет\n");
}

TEST(MailMessageTest, FindsTextPlainInMultipart) {
  MailMessage message = Parse(
      "Message-ID: <m@x>\n"
      "Content-Type: multipart/mixed; boundary=\"outer\"\n\n"
      "preamble\n"
      "--outer\n"
      "Content-Type: multipart/alternative; boundary=inner\n\n"
      "--inner\n"
      "Content-Type: text/html\n\n<p>html</p>\n"
      "--inner\n"
      "Content-Type: text/plain; charset=utf-8\n"
      "Content-Transfer-Encoding: quoted-printable\n\n"
      "plain =C3=A9\n"
      "--inner--\n"
      "--outer\n"
      "Content-Type: text/x-patch; name=\"fix.patch\"\n"
      "Content-Disposition: attachment; filename=\"fix.patch\"\n\n"
      "diff --git a/x b/x\n"
      "--outer\n"
      "Content-Type: application/octet-stream\n"
      "Content-Transfer-Encoding: base64\n\nAAAA\n"
      "--outer--\n");
  EXPECT_EQ(message.body, "plain é\ndiff --git a/x b/x");
}

TEST(MailMessageTest, NormalizesCrlf) {
  MailMessage message = Parse("Message-ID: <c@x>\r\nSubject: s\r\n\r\nline1\r\nline2\r\n");
  EXPECT_EQ(message.subject, "s");
  EXPECT_EQ(message.body, "line1\nline2\n");
}

TEST(MailMessageTest, SynthesisesStableIdWhenMissing) {
  MailMessage a = Parse("Subject: none\n\nbody\n");
  MailMessage b = Parse("Subject: none\n\nbody\n");
  EXPECT_TRUE(a.synthetic_id);
  EXPECT_EQ(a.message_id, b.message_id);
  EXPECT_TRUE(a.message_id.starts_with("stocktake-"));
  MailMessage empty_id = Parse("Message-ID:>\nSubject: x\n\n");
  EXPECT_TRUE(empty_id.synthetic_id);
}

TEST(MailMessageTest, RejectsInputWithoutHeaders) {
  EXPECT_TRUE(ParseMailMessage("").error().IsCorruption());
  EXPECT_TRUE(ParseMailMessage("\x01\x02\x03\n\xff\xfe\n\nbody").error().IsCorruption());
  EXPECT_TRUE(ParseMailMessage("\n\nSubject: in body\n").error().IsCorruption());
}

TEST(MailMessageTest, ParsesDatesLeniently) {
  auto format = [](std::string_view text) {
    std::optional<Timestamp> at = ParseMailDate(text);
    return at ? FormatTimestamp(*at) : std::string("none");
  };
  EXPECT_EQ(format("Sat, 20 Apr 2019 08:03:19 +0000"), "2019-04-20T08:03:19Z");
  EXPECT_EQ(format("20 Apr 2019 01:08:25 -0700"), "2019-04-20T08:08:25Z");
  EXPECT_EQ(format("Thu, 16 Jun 2016 22:14:41 -0400 (EDT)"), "2016-06-17T02:14:41Z");
  EXPECT_EQ(format("Mon, 5 Dec 11 16:02 GMT"), "2011-12-05T16:02:00Z");
  EXPECT_EQ(format("Fri, 17 Jun 2016 22:14:41 EST"), "2016-06-18T03:14:41Z");
  EXPECT_EQ(format("Wed, 4 Jun 207777777777777777777714 17:50:46 0"), "none");
  EXPECT_EQ(format(", 11 Sep 2016 23:20407080403080105:04 +0100"), "none");
  EXPECT_EQ(format("Wed, 31 Feb 2014 17:50:46 +0000"), "none");
  EXPECT_EQ(format("garbage"), "none");
}

TEST(MailMessageTest, ParsesAddressForms) {
  EXPECT_EQ(ParseMailAddress("Jane Doe <jane@x.org>"), (MailAddress{"Jane Doe", "jane@x.org"}));
  EXPECT_EQ(ParseMailAddress("jane@x.org (Jane Doe)"), (MailAddress{"Jane Doe", "jane@x.org"}));
  EXPECT_EQ(ParseMailAddress(" jane@x.org "), (MailAddress{"", "jane@x.org"}));
  EXPECT_EQ(ParseMailAddress("\"J \\\"D\\\"\" <j@x>"), (MailAddress{"J \"D\"", "j@x"}));
}

TEST(MailMessageTest, ReadsIdsWithoutAngleBrackets) {
  EXPECT_EQ(ParseMessageIds("a@b c@d"), (std::vector<std::string>{"a@b", "c@d"}));
  EXPECT_EQ(ParseMessageIds("<a@b><c@d>"), (std::vector<std::string>{"a@b", "c@d"}));
  EXPECT_TRUE(ParseMessageIds("no ids").empty());
}

TEST(MailMessageTest, OutputIsAlwaysValidUtf8) {
  MailMessage message = Parse(
      "Message-ID: <\xff@x>\nSubject: \xe9t\xe9 =?bogus?q?x?=\nFrom: \xff <\xfe@x>\n\n\xff\n");
  EXPECT_TRUE(IsValidUtf8(message.subject)) << message.subject;
  EXPECT_TRUE(IsValidUtf8(message.message_id)) << message.message_id;
  EXPECT_TRUE(IsValidUtf8(message.from.name)) << message.from.name;
  EXPECT_TRUE(IsValidUtf8(message.body)) << message.body;
}

}  // namespace
}  // namespace stocktake
