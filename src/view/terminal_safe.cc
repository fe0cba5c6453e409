#include "stocktake/view/terminal_safe.h"

#include <sstream>

namespace stocktake::view {

std::string TerminalSafe(std::string_view text) {
  std::ostringstream out;
  {
    TerminalSafeBuffer buffer(out.rdbuf());
    buffer.sputn(text.data(), static_cast<std::streamsize>(text.size()));
  }
  return out.str();
}

TerminalSafeBuffer::~TerminalSafeBuffer() { sync(); }

bool TerminalSafeBuffer::Write(std::string_view bytes) {
  auto size = static_cast<std::streamsize>(bytes.size());
  return sink_->sputn(bytes.data(), size) == size;
}

bool TerminalSafeBuffer::Put(unsigned char byte) {
  if (pending_c2_) {
    pending_c2_ = false;
    // U+0080–U+009F are C2 80–C2 9F; CSI (U+009B) starts sequences as ESC [
    // does on many terminals.
    if (byte >= 0x80 && byte <= 0x9f) return Write("\xEF\xBF\xBD");
    if (!Write("\xC2")) return false;
  }
  if (byte == 0xC2) {
    pending_c2_ = true;
    return true;
  }
  if ((byte < 0x20 && byte != '\n' && byte != '\t') || byte == 0x7f) {
    char shown[2] = {'^', static_cast<char>(byte == 0x7f ? '?' : byte + 0x40)};
    return Write(std::string_view(shown, 2));
  }
  return sink_->sputc(static_cast<char>(byte)) != traits_type::eof();
}

TerminalSafeBuffer::int_type TerminalSafeBuffer::overflow(int_type c) {
  if (traits_type::eq_int_type(c, traits_type::eof())) return traits_type::not_eof(c);
  return Put(static_cast<unsigned char>(traits_type::to_char_type(c))) ? c : traits_type::eof();
}

std::streamsize TerminalSafeBuffer::xsputn(const char* text, std::streamsize count) {
  for (std::streamsize index = 0; index < count; ++index) {
    if (!Put(static_cast<unsigned char>(text[index]))) return index;
  }
  return count;
}

int TerminalSafeBuffer::sync() {
  if (pending_c2_) {
    pending_c2_ = false;
    if (!Write("\xC2")) return -1;
  }
  return sink_->pubsync();
}

}  // namespace stocktake::view
