// Issue 7: one \xff byte in a feature's status reason made every later --json
// read of that feature abort (nlohmann::json::type_error, exit 134). The JSON
// printer now prints such bytes as U+FFFD and never throws.

#include <gtest/gtest.h>

#include <sstream>

#include "stocktake/util/utf8.h"
#include "stocktake/view/json_printer.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

TEST(Issue7JsonInvalidUtf8Test, FeatureWithABadReasonPrintsAsJson) {
  view::FeatureShow show;
  show.feature.slug = "blktap3";
  show.feature.history.push_back(
      {testing::At("2013-01-22"), "ian@example.org", "fair", "at-risk", "owner \xff on leave"});
  std::ostringstream out;
  view::JsonPrinter printer(out);
  EXPECT_NO_THROW(printer.Print(show));
  EXPECT_TRUE(IsValidUtf8(out.str()));
  auto json = nlohmann::json::parse(out.str());
  EXPECT_EQ(json["history"][0]["reason"], "owner \xef\xbf\xbd on leave");
}

TEST(Issue7JsonInvalidUtf8Test, EventLogWithBadBytesPrintsAsJson) {
  Event event;
  event.reason = "\xff\xfe";
  event.detail = "{\"note\": \"\xc3\"}";
  std::ostringstream out;
  view::JsonPrinter printer(out);
  EXPECT_NO_THROW(printer.Print(view::EventLog{{event}}));
  EXPECT_TRUE(IsValidUtf8(out.str()));
}

}  // namespace
}  // namespace stocktake
