#include "stocktake/report/design_check.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(DesignCheckTest, HeadingsCoverAllTopics) {
  DesignCheck check = CheckDesignDocument(
      "# Foo protocol\n"
      "\n"
      "## Xenstore handshake\n"
      "The frontend writes ring-ref.\n"
      "\n"
      "ABI\n"
      "---\n"
      "Requests are 64 octets.\n");
  EXPECT_EQ(check.protocol.coverage, Coverage::kHeading);
  EXPECT_EQ(check.protocol.line, 1);
  EXPECT_EQ(check.handshake.coverage, Coverage::kHeading);
  EXPECT_EQ(check.handshake.line, 3);
  EXPECT_EQ(check.handshake.evidence, "## Xenstore handshake");
  EXPECT_EQ(check.abi.coverage, Coverage::kHeading);
  EXPECT_EQ(check.abi.line, 6);
  EXPECT_TRUE(check.structs.empty());
  EXPECT_TRUE(check.Passes());
}

TEST(DesignCheckTest, BodyMentionsCountAsContentAndAbsenceAsMissing) {
  DesignCheck check = CheckDesignDocument(
      "# Notes\n"
      "The backend moves to XenbusStateConnected.\n"
      "Fields are uint32_t little endian.\n"
      "The id is at offset 4.\n");
  EXPECT_EQ(check.handshake.coverage, Coverage::kContent);
  EXPECT_EQ(check.handshake.line, 2);
  EXPECT_EQ(check.abi.coverage, Coverage::kContent);
  EXPECT_EQ(check.abi.line, 3);
  EXPECT_EQ(check.protocol.coverage, Coverage::kMissing);
  EXPECT_FALSE(check.Passes());
}

TEST(DesignCheckTest, HeadingsInsideCodeBlocksDoNotCount) {
  DesignCheck check = CheckDesignDocument("```\n# ABI\n```\n## Protocol\n");
  EXPECT_EQ(check.abi.coverage, Coverage::kMissing);
  EXPECT_EQ(check.protocol.line, 4);
}

TEST(DesignCheckTest, FlagsCLikeStructDefinitionsWithLineNumbers) {
  DesignCheck check = CheckDesignDocument(
      "## Ring\n"
      "Each request is a struct foo_request, see below.\n"
      "    struct foo_request {\n"
      "        uint32_t id;\n"
      "    };\n"
      "\n"
      "typedef struct\n"
      "{\n"
      "} foo_t;\n"
      "union bar { int a; };\n"
      "struct baz\n"
      "and more prose\n");
  ASSERT_EQ(check.structs.size(), 3u);
  EXPECT_EQ(check.structs[0].line, 3);
  EXPECT_EQ(check.structs[0].text, "struct foo_request {");
  EXPECT_EQ(check.structs[1].line, 7);
  EXPECT_EQ(check.structs[2].line, 10);
  EXPECT_FALSE(check.Passes());
}

TEST(DesignCheckTest, RendersTextAndJson) {
  DesignCheck check = CheckDesignDocument("# Protocol\nstruct x {\n};\n");
  EXPECT_EQ(RenderDesignCheckText(check, "x.md"),
            "x.md: needs work\n"
            "  xenstore handshake: missing\n"
            "  ABI: missing\n"
            "  how the protocol works: covered (heading, line 1: # Protocol)\n"
            "  C-like structs: 1 (discouraged: describe the protocol in a language and platform "
            "agnostic way)\n"
            "    line 2: struct x {\n");
  nlohmann::json json = DesignCheckToJson(check, "x.md");
  EXPECT_EQ(json["structs"][0]["line"], 2);
  EXPECT_EQ(json["abi"]["coverage"], "missing");
  EXPECT_EQ(json["passes"], false);
}

}  // namespace
}  // namespace stocktake
