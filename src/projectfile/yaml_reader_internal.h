#pragma once

// YamlReader: the one reader of the project file's YAML. Every section (the
// document in project_file.cc, a protocol in protocol_reader.cc) reads its
// values through it, so positions ("FILE:LINE:COLUMN"), wrong shapes and
// unknown keys are reported in the same words everywhere. Errors are
// kInvalidArgument with the position as context. Holds only the file name;
// const use from several threads is safe.

#include <yaml-cpp/yaml.h>

#include <initializer_list>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/projectfile/project_file.h"
#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

class YamlReader {
 public:
  /// `file_name` must outlive the reader.
  explicit YamlReader(std::string_view file_name) : file_name_(file_name) {}

  std::string_view file_name() const { return file_name_; }

  /// Where `node` is, 1-based; the start of the file for an empty document.
  FileMark MarkOf(const YAML::Node& node) const;
  /// kInvalidArgument with `message` and the position of `node`.
  Error At(const YAML::Node& node, std::string message) const;

  Result<void> ExpectMap(const YAML::Node& node, std::string_view what) const;
  Result<void> ExpectSequence(const YAML::Node& node, std::string_view what) const;
  /// A misspelt key would silently drop what it holds, so a key not in
  /// `known` is an error that suggests the closest known key.
  Result<void> OnlyKeys(const YAML::Node& map, std::string_view what,
                        std::initializer_list<std::string_view> known) const;

  /// A single value; empty when absent and not `required`. A line break
  /// inside it is refused unless `key` is one of the few multi-line fields
  /// (report_template, remark, notes, text, summary, compat_promises,
  /// description).
  Result<std::string> Text(const YAML::Node& map, const char* key, std::string_view what,
                           bool required) const;
  Result<bool> Flag(const YAML::Node& map, const char* key, std::string_view what,
                    bool fallback) const;
  Result<int> Number(const YAML::Node& map, const char* key, std::string_view what,
                     int fallback) const;
  Result<Date> DateValue(const YAML::Node& map, const char* key, std::string_view what) const;
  Result<Timestamp> TimeValue(const YAML::Node& map, const char* key, std::string_view what) const;
  /// A list of single values (one value without brackets is a list of one);
  /// `marks`, when given, receives each item's position.
  Result<std::vector<std::string>> List(const YAML::Node& map, const char* key,
                                        std::string_view what,
                                        std::vector<FileMark>* marks = nullptr) const;

 private:
  std::string_view file_name_;
};

/// Reads one protocol mapping of the `protocols:` section, stage ids checked
/// against `process`. Its `evidence:` key is read by the caller.
Result<Protocol> ReadProtocolNode(const YamlReader& reader, const YAML::Node& node,
                                  const ProtocolProcess& process);

}  // namespace stocktake
