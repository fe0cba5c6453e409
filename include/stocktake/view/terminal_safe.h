#pragma once

// Text for a terminal that cannot take the terminal over. Titles, reasons,
// names and mail subjects come from anyone: an escape sequence among them
// could set the window title, write the clipboard or clear the screen when a
// person reads `stocktake feature list`. The text printer writes through a
// TerminalSafeBuffer, which shows each control character instead of sending
// it: C0 controls other than newline and tab in caret notation ("^[" for
// ESC, "^M" for a carriage return), DEL as "^?", and the C1 controls
// U+0080–U+009F as U+FFFD. Everything else, UTF-8 included, passes unchanged.
//
// A buffer is used from one thread at a time; its sink must outlive it.

#include <streambuf>
#include <string>
#include <string_view>

namespace stocktake::view {

/// `text` as a TerminalSafeBuffer would write it.
std::string TerminalSafe(std::string_view text);

/// An unbuffered filter in front of `sink`.
class TerminalSafeBuffer final : public std::streambuf {
 public:
  explicit TerminalSafeBuffer(std::streambuf* sink) : sink_(sink) {}
  ~TerminalSafeBuffer() override;

 protected:
  int_type overflow(int_type c) override;
  std::streamsize xsputn(const char* text, std::streamsize count) override;
  int sync() override;

 private:
  bool Put(unsigned char byte);
  bool Write(std::string_view bytes);

  std::streambuf* sink_;
  // A 0xC2 lead byte whose next byte decides whether it starts a C1 control.
  bool pending_c2_ = false;
};

}  // namespace stocktake::view
