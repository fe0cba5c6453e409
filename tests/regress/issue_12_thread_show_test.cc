// Issue 12: `thread show` on a chain of 50,000 replies printed 2.5 GB, two
// spaces of indentation per level on every line. Indentation stops at
// kMaxThreadIndent levels; a deeper reply says its depth instead.

#include <gtest/gtest.h>

#include <sstream>
#include <string>

#include "stocktake/util/limits.h"
#include "stocktake/view/text_printer.h"

namespace stocktake {
namespace {

std::string Shown(int depth) {
  view::ThreadShow thread;
  view::ThreadEntry entry;
  entry.message_id = "m@example.org";
  entry.depth = depth;
  thread.nodes.push_back(entry);
  std::ostringstream out;
  {
    view::TextPrinter printer(out);
    printer.Print(thread);
  }
  return out.str();
}

TEST(Issue12ThreadShowTest, IndentationStopsAtTheLimit) {
  static_assert(kMaxThreadIndent == 40);
  EXPECT_EQ(Shown(40), std::string(80, ' ') + "(not received) <m@example.org>\n");
  EXPECT_EQ(Shown(41), std::string(80, ' ') + "[depth 41] (not received) <m@example.org>\n");
  EXPECT_EQ(Shown(50'000), std::string(80, ' ') + "[depth 50000] (not received) <m@example.org>\n");
}

TEST(Issue12ThreadShowTest, AChainOf50000RepliesPrintsLinearly) {
  view::ThreadShow thread;
  for (int depth = 0; depth < 50'000; ++depth) {
    view::ThreadEntry entry;
    entry.message_id = "m" + std::to_string(depth) + "@example.org";
    entry.depth = depth;
    thread.nodes.push_back(entry);
  }
  std::ostringstream out;
  {
    view::TextPrinter printer(out);
    printer.Print(thread);
  }
  EXPECT_LT(out.str().size(), 50'000u * 130);
}

}  // namespace
}  // namespace stocktake
