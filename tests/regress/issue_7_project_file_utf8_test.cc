// Issue 7: a project file with bytes that are not UTF-8 was imported as is;
// the bytes reached the database and every later JSON output of them failed.
// The project-file reader now refuses such a file with where the first bad
// byte is, before the importer writes anything.

#include <gtest/gtest.h>

#include "stocktake/projectfile/project_file.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

constexpr char kFile[] =
    "people:\n"
    "  - email: lars@example.org\n"
    "    name: Lars \xff\xfe Kurth\n";

TEST(Issue7ProjectFileUtf8Test, ParserNamesLineAndColumnOfTheFirstBadByte) {
  auto file = ParseProjectFile(kFile, "bad.yaml");
  ASSERT_FALSE(file);
  EXPECT_TRUE(file.error().IsInvalidArgument());
  EXPECT_EQ(file.error().ToString(), "bad.yaml:3:16: not valid UTF-8");
}

TEST(Issue7ProjectFileUtf8Test, ColumnCountsCharactersNotBytes) {
  auto file = ParseProjectFile("# Zoë\nname: \xc3\xa9t\xc3\n", "bad.yaml");
  ASSERT_FALSE(file);
  EXPECT_EQ(file.error().ToString(), "bad.yaml:2:9: not valid UTF-8");
}

TEST(Issue7ProjectFileUtf8Test, ImportWritesNothing) {
  auto store = ST_MUST(OpenStore(":memory:"));
  Planning planning(*store);
  auto summary =
      planning.Import({"czar@example.org", testing::At("2017-03-01")}, kFile, "bad.yaml");
  ASSERT_FALSE(summary);
  EXPECT_EQ(summary.error().ToString(), "bad.yaml:3:16: not valid UTF-8");
  EXPECT_TRUE(ST_MUST(store->ListEvents({})).empty());
  EXPECT_TRUE(ST_MUST(store->ListPeople()).empty());
}

TEST(Issue7ProjectFileUtf8Test, ValidUtf8IsRead) {
  auto file =
      ParseProjectFile("people:\n  - {email: zoe@example.org, name: Zoë Ünal}\n", "ok.yaml");
  ASSERT_TRUE(file) << file.error().ToString();
  ASSERT_EQ(file->people.size(), 1u);
  EXPECT_EQ(file->people[0].name, "Zoë Ünal");
}

}  // namespace
}  // namespace stocktake
