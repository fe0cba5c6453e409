// libFuzzer target: the project file reader (UTF-8 check, the YAML hygiene
// pass, yaml-cpp and every section's checks) on a file anyone can propose.

#include <cstddef>
#include <cstdint>
#include <string_view>

#include "stocktake/projectfile/project_file.h"

extern "C" int LLVMFuzzerTestOneInput(const std::uint8_t* data, std::size_t size) {
  std::string_view text(reinterpret_cast<const char*>(data), size);
  auto file = stocktake::ParseProjectFile(text, "fuzz.yaml");
  if (file) stocktake::EmitProjectFile(*file);
  return 0;
}
