#include "stocktake/util/text.h"

#include <gtest/gtest.h>

namespace stocktake {
namespace {

TEST(TextTest, SlugifiesTitles) {
  EXPECT_EQ(Slugify("Persistent grants for blk (Linux)"), "persistent-grants-for-blk-linux");
  EXPECT_EQ(Slugify("CPUID-based idle (don't rely on ACPI info f/ dom0)"),
            "cpuid-based-idle-dont-rely-on-acpi-info-f-dom0");
  EXPECT_EQ(Slugify("xl cd-{insert,eject}"), "xl-cd-insert-eject");
  EXPECT_EQ(Slugify("  --  "), "");
}

TEST(TextTest, TrimsSplitsAndJoins) {
  EXPECT_EQ(Trim("  a b \n"), "a b");
  auto parts = Split("a,,b", ',');
  ASSERT_EQ(parts.size(), 3u);
  EXPECT_EQ(parts[1], "");
  EXPECT_EQ(Join({"Xen", "Linux"}, " & "), "Xen & Linux");
  EXPECT_EQ(CollapseSpaces(" [PATCH v2]\r\n\t 1/3  blkif:  fix "), "[PATCH v2] 1/3 blkif: fix");
}

}  // namespace
}  // namespace stocktake
