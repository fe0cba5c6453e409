#include "stocktake/util/pattern.h"

#include <gtest/gtest.h>

#include <string>

namespace stocktake {
namespace {

TEST(PatternTest, MatchesAnywhereIgnoringCase) {
  Pattern pattern = *Pattern::Compile("virtio.*net");
  EXPECT_TRUE(pattern.Search("[PATCH v2 3/7] Virtio-Net: fix the ring size"));
  EXPECT_FALSE(pattern.Search("[PATCH] virtio-blk: nothing here"));
  EXPECT_EQ(pattern.text(), "virtio.*net");
}

TEST(PatternTest, RefusesWhatIsNotAPatternAndSaysWhy) {
  auto unclosed = Pattern::Compile("(unclosed");
  ASSERT_FALSE(unclosed);
  EXPECT_TRUE(unclosed.error().IsInvalidArgument());
  EXPECT_NE(unclosed.error().message().find("'(unclosed' is not a valid pattern: missing )"),
            std::string::npos)
      << unclosed.error().message();
  EXPECT_FALSE(Pattern::Compile("(a)\\1"));  // back-references need backtracking
}

TEST(PatternTest, LiteralsMatchTheirTextOnly) {
  Pattern literal = Pattern::Literal("[RFC] (draft)");
  EXPECT_TRUE(literal.Search("re: [rfc] (DRAFT) pvcalls"));
  EXPECT_FALSE(literal.Search("RFC draft"));
}

// The inputs that overflowed std::regex's stack or took it 30 s (issue 12):
// RE2 answers both in linear time.
TEST(PatternTest, HostileSubjectsAndPatternsEndQuickly) {
  std::string subject(30 * 1024, 'x');
  subject += " virtio net";
  EXPECT_TRUE(Pattern::Compile("virtio.*net")->Search(subject));
  std::string as(40, 'a');
  EXPECT_FALSE(Pattern::Compile("^(a|aa)+$")->Search(as + "b"));
  EXPECT_TRUE(Pattern::Compile("^(a|aa)+$")->Search(as));
}

}  // namespace
}  // namespace stocktake
