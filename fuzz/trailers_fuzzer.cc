// libFuzzer target: the trailer parsers on untrusted text, a commit message
// or a mail body, with each option combination the callers use.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stocktake/ingest/trailers.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view bytes(reinterpret_cast<const char*>(data), size);
  stocktake::TrailerOptions options;
  options.has_title = size % 2 == 0;
  options.stop_at_divider = size % 3 != 0;
  for (const auto& trailer : stocktake::ParseTrailers(bytes, options)) {
    stocktake::CanonicalTrailerKey(trailer.key);
  }
  stocktake::ParseReplyTrailers(bytes);
  return 0;
}
