#include "stocktake/util/utf8.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(Utf8Test, AcceptsAsciiAndMultibyteText) {
  EXPECT_TRUE(IsValidUtf8(""));
  EXPECT_TRUE(IsValidUtf8("Taking stock of 4.3"));
  EXPECT_TRUE(IsValidUtf8("Roger Pau Monn\xC3\xA9 \xE2\x86\x92 \xF0\x9F\x93\xA6"));
}

TEST(Utf8Test, FindsTheFirstBadByte) {
  EXPECT_EQ(FindInvalidUtf8("ok\xFFok"), 2u);
  EXPECT_EQ(FindInvalidUtf8("\xC0\xAF"), 0u);          // overlong '/'
  EXPECT_EQ(FindInvalidUtf8("a\xED\xA0\x80"), 1u);     // a surrogate
  EXPECT_EQ(FindInvalidUtf8("\xF4\x90\x80\x80"), 0u);  // above U+10FFFF
  EXPECT_EQ(FindInvalidUtf8("end\xE2\x86"), 3u);       // truncated at the end
}

TEST(Utf8Test, RepairsEachMaximalSubpartWithOneReplacementCharacter) {
  EXPECT_EQ(RepairUtf8("caf\xE9!"), "caf\xEF\xBF\xBD!");
  // A valid prefix of three bytes cut short becomes one U+FFFD, not three.
  EXPECT_EQ(RepairUtf8("\xF0\x9F\x93x"), "\xEF\xBF\xBDx");
  EXPECT_EQ(RepairUtf8("\xFF\xFE"), "\xEF\xBF\xBD\xEF\xBF\xBD");
  EXPECT_EQ(RepairUtf8("Monn\xC3\xA9"), "Monn\xC3\xA9");
  EXPECT_TRUE(IsValidUtf8(RepairUtf8("\x80\xC2\xE0\x80\xED\xBF\xBF\xF5")));
}

}  // namespace
}  // namespace stocktake
