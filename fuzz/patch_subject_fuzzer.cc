// libFuzzer target: the patch-subject parser ("[PATCH v3 02/10] ...") and the
// series-name normaliser, on subjects anyone can send.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stocktake/ingest/patch_series.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view subject(reinterpret_cast<const char*>(data), size);
  stocktake::SubjectPrefix prefix = stocktake::ParseSubjectPrefix(subject);
  stocktake::NormalizeSeriesName(prefix.name);
  stocktake::NormalizeSeriesName(subject);
  return 0;
}
