#pragma once

// Helpers shared by the GoogleTest suites: paths into the source tree and the
// shared data beside it, whole-file reads, and a fixed clock.

#include <fstream>
#include <sstream>
#include <string>

#include "stocktake/model/protocol.h"
#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake::testing {

/// A path inside the project's source tree.
inline std::string SourcePath(const std::string& relative) {
  return std::string(ST_SOURCE_DIR) + "/" + relative;
}

/// A path inside ../shared beside the project (seeds and data).
inline std::string SharedPath(const std::string& relative) {
  return std::string(ST_SOURCE_DIR) + "/../shared/" + relative;
}

inline std::string ReadFileForTesting(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The body of the seed Taking-stock mail: from "We're 4 months into" to its
/// last line, with each U+00A0 read as a plain space.
inline std::string SeedTakingStockBody() {
  std::string text = ReadFileForTesting(SharedPath("seeds/004_0b59930f4069d6ee.txt"));
  std::string plain;
  for (size_t i = 0; i < text.size(); ++i) {
    if (static_cast<unsigned char>(text[i]) == 0xc2 && i + 1 < text.size() &&
        static_cast<unsigned char>(text[i + 1]) == 0xa0) {
      plain += ' ';
      ++i;
    } else {
      plain += text[i];
    }
  }
  return plain.substr(plain.find("We're 4 months into"));
}

inline Timestamp At(const char* text) { return ST_MUST(ParseTimestamp(text)); }
inline Date Day(const char* text) { return ST_MUST(ParseDate(text)); }

/// A protocol with just a name, and optionally a stage and a summary.
inline Protocol Named(const std::string& name, const std::string& stage = "",
                      const std::string& summary = "") {
  Protocol protocol;
  protocol.name = name;
  protocol.stage = stage;
  protocol.summary = summary;
  return protocol;
}

}  // namespace stocktake::testing
