#include "stocktake/util/string_index.h"

#include <gtest/gtest.h>

#include <string>
#include <vector>

namespace stocktake {
namespace {

TEST(StringIndexTest, FindsEveryKeyItHoldsAndNoOther) {
  std::vector<std::string> keys;
  for (int i = 0; i < 1000; ++i) keys.push_back("feature-number-" + std::to_string(i));
  StringIndex index(10);  // Grows as keys come.
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(index.Insert(keys[i], i), i);
  EXPECT_EQ(index.size(), keys.size());
  for (size_t i = 0; i < keys.size(); ++i) EXPECT_EQ(index.Find(keys[i]), i);
  EXPECT_EQ(index.Find("feature-number-1000"), StringIndex::kAbsent);
  EXPECT_EQ(index.Find("feature-number-"), StringIndex::kAbsent);
  EXPECT_EQ(index.Find(""), StringIndex::kAbsent);
}

TEST(StringIndexTest, KeepsTheFirstPositionOfAKey) {
  StringIndex index;
  std::string twice = "twice";
  EXPECT_EQ(index.Insert(twice, 3), 3u);
  EXPECT_EQ(index.Insert(std::string("twice"), 7), 3u);
  EXPECT_EQ(index.size(), 1u);
  EXPECT_EQ(index.Find("twice"), 3u);
}

TEST(StringIndexTest, TheEmptyStringIsAKeyLikeAnyOther) {
  StringIndex index;
  EXPECT_EQ(index.Find(""), StringIndex::kAbsent);
  EXPECT_EQ(index.Insert(std::string_view(), 2), 2u);
  EXPECT_EQ(index.Find(""), 2u);
  EXPECT_EQ(index.Find("a"), StringIndex::kAbsent);
}

}  // namespace
}  // namespace stocktake
