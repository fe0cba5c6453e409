// libFuzzer target: the design-document checker (headings, topics, the RE2
// pattern for C structs) on any document.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stocktake/report/design_check.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  stocktake::DesignCheck check = stocktake::CheckDesignDocument(text);
  stocktake::RenderDesignCheckText(check, "fuzz.md");
  return 0;
}
