#include "stocktake/util/utf8.h"

namespace stocktake {
namespace {

// The length of the valid sequence at text[at], or 0 with `prefix` set to how
// many bytes form the longest valid prefix (at least 1), so that repair can
// replace exactly that prefix.
std::size_t SequenceLength(std::string_view text, std::size_t at, std::size_t* prefix) {
  auto byte = [&](std::size_t i) { return static_cast<unsigned char>(text[i]); };
  unsigned char lead = byte(at);
  *prefix = 1;
  if (lead < 0x80) return 1;
  std::size_t length = 0;
  // The allowed range of the second byte narrows for the leads whose shortest
  // forms would be overlong (E0, F0) or would encode surrogates or values
  // above U+10FFFF (ED, F4); Unicode table 3-7.
  unsigned char low = 0x80, high = 0xBF;
  if (lead >= 0xC2 && lead <= 0xDF) {
    length = 2;
  } else if (lead >= 0xE0 && lead <= 0xEF) {
    length = 3;
    if (lead == 0xE0) low = 0xA0;
    if (lead == 0xED) high = 0x9F;
  } else if (lead >= 0xF0 && lead <= 0xF4) {
    length = 4;
    if (lead == 0xF0) low = 0x90;
    if (lead == 0xF4) high = 0x8F;
  } else {
    return 0;
  }
  for (std::size_t i = 1; i < length; ++i) {
    if (at + i >= text.size()) return 0;
    unsigned char next = byte(at + i);
    bool ok = i == 1 ? (next >= low && next <= high) : (next >= 0x80 && next <= 0xBF);
    if (!ok) return 0;
    *prefix = i + 1;
  }
  return length;
}

}  // namespace

std::size_t FindInvalidUtf8(std::string_view text) {
  std::size_t at = 0;
  while (at < text.size()) {
    // ASCII runs are the common case in mail and project files.
    if (static_cast<unsigned char>(text[at]) < 0x80) {
      ++at;
      continue;
    }
    std::size_t prefix = 0;
    std::size_t length = SequenceLength(text, at, &prefix);
    if (length == 0) return at;
    at += length;
  }
  return std::string_view::npos;
}

std::string RepairUtf8(std::string_view text) {
  std::size_t first_bad = FindInvalidUtf8(text);
  if (first_bad == std::string_view::npos) return std::string(text);
  std::string repaired(text.substr(0, first_bad));
  repaired.reserve(text.size() + 16);
  std::size_t at = first_bad;
  while (at < text.size()) {
    std::size_t prefix = 0;
    std::size_t length = SequenceLength(text, at, &prefix);
    if (length == 0) {
      repaired += "\xEF\xBF\xBD";
      at += prefix;
    } else {
      repaired.append(text.substr(at, length));
      at += length;
    }
  }
  return repaired;
}

}  // namespace stocktake
