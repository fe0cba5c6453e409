#pragma once

// Reads the `protocols:` and `releases:` sections of a project file (YAML),
// e.g. examples/xen-pv-protocols.yaml, into Protocol and Release values. Other
// sections (project, process, features) are ignored here. The schema is in
// docs/process.md, section "Protocols". Pure apart from LoadProtocolsYaml,
// which reads one file; thread-safe.

#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/protocol.h"
#include "stocktake/model/release.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/result.h"

namespace stocktake {

struct ProtocolsFile {
  std::vector<Protocol> protocols;  ///< In file order.
  /// Releases with version and release date (Release::release); start and
  /// freeze are left at their defaults.
  std::vector<Release> releases;
};

/// Parses YAML `text`. `file_name` prefixes error contexts as
/// "file:line:column". Stage ids are checked against `process`; a protocol's
/// `stage` defaults to its last history entry and must agree with it when both
/// are given. Errors: kCorruption for malformed YAML or a field of the wrong
/// shape, kInvalidArgument for a bad value (unknown stage, role or state, bad
/// date, duplicate name, empty history), with the context set.
Result<ProtocolsFile> ParseProtocolsYaml(std::string_view text, std::string_view file_name,
                                         const ProtocolProcess& process);

/// Reads `path` and parses it. kIoError when it cannot be read.
Result<ProtocolsFile> LoadProtocolsYaml(const std::string& path, const ProtocolProcess& process);

}  // namespace stocktake
