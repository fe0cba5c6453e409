#pragma once

// The support matrix: protocols × releases, each cell the protocol's lifecycle
// stage at the release's date (derived from its stage history), with the
// SUPPORT.md-style status of that stage beside it (Prototype ~ Experimental /
// Tech Preview, Production ~ Supported). Rendered as text, Markdown, HTML
// (escaped) or JSON. Pure functions; thread-safe.

#include <nlohmann/json.hpp>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/protocol.h"
#include "stocktake/model/release.h"
#include "stocktake/process/protocol_process.h"
#include "stocktake/result.h"

namespace stocktake {

struct SupportCell {
  std::string stage;          ///< Stage id; empty when the protocol did not exist yet.
  std::string stage_name;     ///< "Prototype".
  std::string support_label;  ///< "Experimental / Tech Preview"; may be empty.
};

struct SupportMatrix {
  std::vector<Release> releases;                ///< Columns, oldest first (by release date).
  std::vector<std::string> protocols;           ///< Rows, in the order given.
  std::vector<std::vector<SupportCell>> cells;  ///< cells[protocol][release].
  /// The process's stages, for legends: id, name, label.
  std::vector<StageDefinition> stages;
};

/// Computes the matrix. A stage change on a release's date counts for that
/// release (the cell is the stage at the end of the release day, UTC).
SupportMatrix ComputeSupportMatrix(const std::vector<Protocol>& protocols,
                                   std::vector<Release> releases, const ProtocolProcess& process);

enum class MatrixFormat { kText, kMarkdown, kHtml, kJson };

/// "text", "markdown" (or "md"), "html", "json". kInvalidArgument otherwise.
Result<MatrixFormat> ParseMatrixFormat(std::string_view name);

/// The matrix in `format`. Text abbreviates stage names to their shortest
/// unique prefix (at least three letters) and adds a legend; Markdown and HTML
/// show "Stage (label)"; JSON is SupportMatrixToJson(...).dump(2).
std::string RenderSupportMatrix(const SupportMatrix& matrix, MatrixFormat format);

/// {"releases": [{"version", "date"}], "protocols": [{"name", "cells": [{"release",
///  "stage", "stage_name", "support"}]}]}; a missing stage is null.
nlohmann::json SupportMatrixToJson(const SupportMatrix& matrix);

}  // namespace stocktake
