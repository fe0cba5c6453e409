#pragma once

// The protocol reader of protocols_yaml.cc for one YAML node, so the project
// file's parser reads its `protocols:` section with the same rules.

#include <yaml-cpp/yaml.h>

#include <string_view>

#include "stocktake/model/protocol.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/result.h"

namespace stocktake {

/// Reads one protocol mapping. Errors carry "file:line:column" as context:
/// kCorruption for a field of the wrong shape, kInvalidArgument for a bad
/// value or an unknown key.
Result<Protocol> ReadProtocolNode(const YAML::Node& node, std::string_view file_name,
                                  const ProtocolProcess& process);

}  // namespace stocktake
