#include "stocktake/view/terminal_safe.h"

#include <gtest/gtest.h>

#include <sstream>

namespace stocktake::view {
namespace {

TEST(TerminalSafeTest, ShowsC0ControlsInCaretNotation) {
  // An OSC sequence that would set the window title, and one that clears the screen.
  EXPECT_EQ(TerminalSafe("\x1b]0;pwned\x07title"), "^[]0;pwned^Gtitle");
  EXPECT_EQ(TerminalSafe("a\x1b[2Jb\rc\x7f"), "a^[[2Jb^Mc^?");
}

TEST(TerminalSafeTest, KeepsNewlinesTabsAndUtf8) {
  EXPECT_EQ(TerminalSafe("== Finished ==\n\tRoger Pau Monn\xC3\xA9 \xC2\xA0\xE2\x86\x92\n"),
            "== Finished ==\n\tRoger Pau Monn\xC3\xA9 \xC2\xA0\xE2\x86\x92\n");
}

TEST(TerminalSafeTest, ReplacesC1ControlsWithTheReplacementCharacter) {
  // U+009B is CSI, which some terminals take as ESC [.
  EXPECT_EQ(TerminalSafe("x\xC2\x9B"
                         "2Jy"),
            "x\xEF\xBF\xBD"
            "2Jy");
  EXPECT_EQ(TerminalSafe("\xC2\x85"), "\xEF\xBF\xBD");
}

TEST(TerminalSafeTest, ALeadByteSplitAcrossWritesIsHeldUntilTheNextOne) {
  std::stringbuf sink;
  {
    TerminalSafeBuffer buffer(&sink);
    buffer.sputc('\xC2');
    buffer.sputc('\x9B');
    buffer.sputc('\xC2');
    buffer.sputc('\xA9');  // U+00A9, the copyright sign: kept
  }
  EXPECT_EQ(sink.str(), "\xEF\xBF\xBD\xC2\xA9");
}

}  // namespace
}  // namespace stocktake::view
