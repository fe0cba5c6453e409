#pragma once

// Helpers shared by the GoogleTest suites: paths into the source tree and the
// optional ../shared data beside it, whole-file reads, and a fixed clock.

#include <filesystem>
#include <fstream>
#include <optional>
#include <sstream>
#include <string>
#include <utility>

#include "stocktake/model/protocol.h"
#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake::testing {

/// A path inside the project's source tree.
inline std::string SourcePath(const std::string& relative) {
  return std::string(ST_SOURCE_DIR) + "/" + relative;
}

/// A path inside ../shared beside the project: the real corpora of
/// ../shared/data, which a user's clone does not have.
inline std::string SharedPath(const std::string& relative) {
  return std::string(ST_SOURCE_DIR) + "/../shared/" + relative;
}

/// Why a test that reads ../shared/`relative` cannot run in this checkout, or
/// nothing when the data is there. Use it as
/// `if (auto missing = MissingShared("data/mail/malformed")) GTEST_SKIP() << *missing;`
inline std::optional<std::string> MissingShared(const std::string& relative) {
  std::error_code error;
  if (std::filesystem::exists(SharedPath(relative), error)) return std::nullopt;
  // Where each corpus comes from, as ../shared/data/README.md tells it.
  static const std::pair<const char*, const char*> kOrigins[] = {
      {"data/mail/notmuch-corpus",
       "the notmuch project's test corpora (notmuch/notmuch, test/corpora/)"},
      {"data/mail/malformed",
       "the Patchwork project's fuzzed mails (getpatchwork/patchwork, "
       "patchwork/tests/data/fuzz/)"},
      {"data/mail/virtualization-list",
       "the Linux virtualization list archive (GitHub "
       "linux-mailinglist-archives/virtualization.lists.linux-foundation.org.0)"},
  };
  std::string origin = "the project's shared data";
  for (const auto& [prefix, text] : kOrigins) {
    if (relative.starts_with(prefix)) origin = text;
  }
  return "needs ../shared/" + relative + " beside the project: " + origin +
         ", kept outside the repository (see ../shared/data/README.md); not present here";
}

inline std::string ReadFileForTesting(const std::string& path) {
  std::ifstream in(path, std::ios::binary);
  std::ostringstream buffer;
  buffer << in.rdbuf();
  return buffer.str();
}

/// The expected Taking-stock body of the Xen 4.3 example
/// (`stocktake --now 2013-01-21 report 4.3`): byte for byte the body of the
/// 2013 seed mail, kept in tests/data so that every golden test always runs.
inline std::string SeedTakingStockBody() {
  return ReadFileForTesting(SourcePath("tests/data/taking-stock-4.3.txt"));
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
