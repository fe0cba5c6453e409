#include "stocktake/model/feature.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

Feature Sample() {
  Feature feature;
  feature.slug = "pvh";
  feature.title = "PVH";
  feature.release = "4.3";
  feature.owners = {"a@example.org"};
  feature.ordinal = 7;
  return feature;
}

TEST(FeatureFieldChangesTest, NamesOnlyTheFieldsThatDifferAndReplaysBothWays) {
  Feature before = Sample();
  Feature after = before;
  after.title = "PVH mode";
  after.must_have = true;
  after.owners = {"a@example.org", "b@example.org"};
  after.release = "4.4";
  after.ordinal = 9;
  std::string changes = FeatureFieldChanges(before, after);
  EXPECT_EQ(
      changes,
      R"({"must_have":[false,true],"ordinal":[7,9],"owners":[["a@example.org"],)"
      R"(["a@example.org","b@example.org"]],"release":["4.3","4.4"],"title":["PVH","PVH mode"]})");
  Feature replayed = before;
  auto names = ApplyFeatureFieldChanges(replayed, changes, ChangeSide::kNew);
  ASSERT_TRUE(names);
  EXPECT_EQ(names->size(), 5u);
  EXPECT_EQ(FeatureFieldChanges(replayed, after), "{}");
  ASSERT_TRUE(ApplyFeatureFieldChanges(replayed, changes, ChangeSide::kOld));
  EXPECT_EQ(FeatureFieldChanges(replayed, before), "{}");
}

// Two lists of two e-mails each once came out as a JSON object.
TEST(FeatureFieldChangesTest, TwoPairsOfOwnersStayAnOldAndNewList) {
  Feature before = Sample();
  before.owners = {"a@x.org", "b@x.org"};
  Feature after = before;
  after.owners = {"c@x.org", "d@x.org"};
  EXPECT_EQ(FeatureFieldChanges(before, after),
            R"({"owners":[["a@x.org","b@x.org"],["c@x.org","d@x.org"]]})");
}

TEST(FeatureFieldChangesTest, AnUnknownPlaceIsNotAChange) {
  Feature stored = Sample();
  Feature from_file = stored;
  from_file.ordinal = 0;
  EXPECT_EQ(FeatureFieldChanges(stored, from_file), "{}");
}

TEST(FeatureFieldChangesTest, MalformedChangesAreCorruptionAndUnknownFieldsAreSkipped) {
  Feature feature = Sample();
  EXPECT_TRUE(
      ApplyFeatureFieldChanges(feature, "not json", ChangeSide::kNew).error().IsCorruption());
  EXPECT_TRUE(ApplyFeatureFieldChanges(feature, R"({"title": "no pair"})", ChangeSide::kNew)
                  .error()
                  .IsCorruption());
  EXPECT_TRUE(ApplyFeatureFieldChanges(feature, R"({"must_have": ["x", "y"]})", ChangeSide::kNew)
                  .error()
                  .IsCorruption());
  auto names =
      ApplyFeatureFieldChanges(feature, R"({"colour": ["red", "blue"]})", ChangeSide::kNew);
  ASSERT_TRUE(names);
  EXPECT_TRUE(names->empty());
  EXPECT_EQ(feature.title, "PVH");
}

}  // namespace
}  // namespace stocktake
