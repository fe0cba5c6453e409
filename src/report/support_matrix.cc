#include "stocktake/report/support_matrix.h"

#include <fmt/format.h>

#include <algorithm>

#include "stocktake/util/text.h"

namespace stocktake {
namespace {

std::string EscapeHtml(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    switch (c) {
      case '&':
        escaped += "&amp;";
        break;
      case '<':
        escaped += "&lt;";
        break;
      case '>':
        escaped += "&gt;";
        break;
      case '"':
        escaped += "&quot;";
        break;
      case '\'':
        escaped += "&#39;";
        break;
      default:
        escaped += c;
    }
  }
  return escaped;
}

std::string EscapeMarkdown(std::string_view text) {
  std::string escaped;
  for (char c : text) {
    if (c == '|' || c == '\\' || c == '*' || c == '_' || c == '`') escaped += '\\';
    escaped += c;
  }
  return escaped;
}

// The shortest prefix (at least 3 characters) of each stage name that no other
// stage name shares.
std::vector<std::string> Abbreviations(const std::vector<StageDefinition>& stages) {
  std::vector<std::string> result;
  for (const auto& stage : stages) {
    size_t length = std::min<size_t>(3, stage.name.size());
    for (; length < stage.name.size(); ++length) {
      bool shared = false;
      for (const auto& other : stages) {
        if (&other != &stage && other.name.compare(0, length, stage.name, 0, length) == 0) {
          shared = true;
        }
      }
      if (!shared) break;
    }
    result.push_back(stage.name.substr(0, length));
  }
  return result;
}

std::string CellWithLabel(const SupportCell& cell) {
  if (cell.stage.empty()) return "-";
  if (cell.support_label.empty()) return cell.stage_name;
  return fmt::format("{} ({})", cell.stage_name, cell.support_label);
}

std::string RenderText(const SupportMatrix& matrix) {
  std::vector<std::string> abbreviations = Abbreviations(matrix.stages);
  auto abbreviate = [&](const SupportCell& cell) -> std::string {
    if (cell.stage.empty()) return "-";
    for (size_t i = 0; i < matrix.stages.size(); ++i) {
      if (matrix.stages[i].id == cell.stage) return abbreviations[i];
    }
    return cell.stage;
  };
  size_t name_width = std::string_view("protocol").size();
  for (const auto& name : matrix.protocols) name_width = std::max(name_width, name.size());
  std::vector<size_t> widths;
  for (size_t column = 0; column < matrix.releases.size(); ++column) {
    size_t width = matrix.releases[column].version.size();
    for (const auto& row : matrix.cells) width = std::max(width, abbreviate(row[column]).size());
    widths.push_back(width);
  }
  auto line = [&](const std::string& first, const std::vector<std::string>& cells) {
    std::string text = fmt::format("{:<{}}", first, name_width);
    for (size_t i = 0; i < cells.size(); ++i) text += fmt::format("  {:<{}}", cells[i], widths[i]);
    while (!text.empty() && text.back() == ' ') text.pop_back();
    return text + "\n";
  };
  std::vector<std::string> header;
  for (const auto& release : matrix.releases) header.push_back(release.version);
  std::string out = line("protocol", header);
  for (size_t row = 0; row < matrix.protocols.size(); ++row) {
    std::vector<std::string> cells;
    for (const auto& cell : matrix.cells[row]) cells.push_back(abbreviate(cell));
    out += line(matrix.protocols[row], cells);
  }
  std::vector<std::string> legend;
  for (size_t i = 0; i < matrix.stages.size(); ++i) {
    const StageDefinition& stage = matrix.stages[i];
    legend.push_back(
        stage.support_label.empty()
            ? fmt::format("{} = {}", abbreviations[i], stage.name)
            : fmt::format("{} = {} ({})", abbreviations[i], stage.name, stage.support_label));
  }
  legend.push_back("- = not yet");
  out += "\n" + Join(legend, "; ") + "\n";
  return out;
}

std::string RenderMarkdown(const SupportMatrix& matrix) {
  std::string out = "| Protocol |";
  std::string rule = "| --- |";
  for (const auto& release : matrix.releases) {
    out += fmt::format(" {} |", EscapeMarkdown(release.version));
    rule += " --- |";
  }
  out += "\n" + rule + "\n";
  for (size_t row = 0; row < matrix.protocols.size(); ++row) {
    out += fmt::format("| {} |", EscapeMarkdown(matrix.protocols[row]));
    for (const auto& cell : matrix.cells[row]) {
      out += fmt::format(" {} |", EscapeMarkdown(CellWithLabel(cell)));
    }
    out += "\n";
  }
  return out;
}

std::string RenderHtml(const SupportMatrix& matrix) {
  std::string out = "<table class=\"support-matrix\">\n<thead><tr><th>Protocol</th>";
  for (const auto& release : matrix.releases) {
    out += fmt::format("<th title=\"{}\">{}</th>", FormatDate(release.release),
                       EscapeHtml(release.version));
  }
  out += "</tr></thead>\n<tbody>\n";
  for (size_t row = 0; row < matrix.protocols.size(); ++row) {
    out += fmt::format("<tr><th>{}</th>", EscapeHtml(matrix.protocols[row]));
    for (const auto& cell : matrix.cells[row]) {
      if (cell.stage.empty()) {
        out += "<td class=\"stage-none\">-</td>";
      } else if (cell.support_label.empty()) {
        out += fmt::format("<td class=\"stage-{}\">{}</td>", EscapeHtml(cell.stage),
                           EscapeHtml(cell.stage_name));
      } else {
        out += fmt::format("<td class=\"stage-{}\">{}<br><small>{}</small></td>",
                           EscapeHtml(cell.stage), EscapeHtml(cell.stage_name),
                           EscapeHtml(cell.support_label));
      }
    }
    out += "</tr>\n";
  }
  out += "</tbody>\n</table>\n";
  return out;
}

}  // namespace

SupportMatrix ComputeSupportMatrix(const std::vector<Protocol>& protocols,
                                   std::vector<Release> releases, const ProtocolProcess& process) {
  SupportMatrix matrix;
  std::stable_sort(releases.begin(), releases.end(),
                   [](const Release& a, const Release& b) { return a.release < b.release; });
  matrix.releases = std::move(releases);
  matrix.stages = process.stages;
  for (const auto& protocol : protocols) {
    matrix.protocols.push_back(protocol.name);
    std::vector<SupportCell> row;
    for (const auto& release : matrix.releases) {
      Timestamp end_of_day =
          StartOf(release.release + std::chrono::days(1)) - std::chrono::seconds(1);
      SupportCell cell;
      cell.stage = protocol.StageAt(end_of_day);
      if (!cell.stage.empty()) {
        const StageDefinition* stage = process.FindStage(cell.stage);
        cell.stage_name = stage != nullptr ? stage->name : cell.stage;
        cell.support_label = stage != nullptr ? stage->support_label : "";
      }
      row.push_back(std::move(cell));
    }
    matrix.cells.push_back(std::move(row));
  }
  return matrix;
}

Result<MatrixFormat> ParseMatrixFormat(std::string_view name) {
  if (name == "text") return MatrixFormat::kText;
  if (name == "markdown" || name == "md") return MatrixFormat::kMarkdown;
  if (name == "html") return MatrixFormat::kHtml;
  if (name == "json") return MatrixFormat::kJson;
  return Fail(Error::InvalidArgument(
      fmt::format("unknown format '{}': use text, markdown, html or json", name)));
}

nlohmann::json SupportMatrixToJson(const SupportMatrix& matrix) {
  nlohmann::json releases = nlohmann::json::array();
  for (const auto& release : matrix.releases) {
    releases.push_back({{"version", release.version}, {"date", FormatDate(release.release)}});
  }
  nlohmann::json protocols = nlohmann::json::array();
  for (size_t row = 0; row < matrix.protocols.size(); ++row) {
    nlohmann::json cells = nlohmann::json::array();
    for (size_t column = 0; column < matrix.releases.size(); ++column) {
      const SupportCell& cell = matrix.cells[row][column];
      nlohmann::json entry = {{"release", matrix.releases[column].version}};
      if (cell.stage.empty()) {
        entry["stage"] = nullptr;
        entry["stage_name"] = nullptr;
        entry["support"] = nullptr;
      } else {
        entry["stage"] = cell.stage;
        entry["stage_name"] = cell.stage_name;
        entry["support"] = cell.support_label;
      }
      cells.push_back(std::move(entry));
    }
    protocols.push_back({{"name", matrix.protocols[row]}, {"cells", std::move(cells)}});
  }
  return {{"releases", std::move(releases)}, {"protocols", std::move(protocols)}};
}

std::string RenderSupportMatrix(const SupportMatrix& matrix, MatrixFormat format) {
  switch (format) {
    case MatrixFormat::kText:
      return RenderText(matrix);
    case MatrixFormat::kMarkdown:
      return RenderMarkdown(matrix);
    case MatrixFormat::kHtml:
      return RenderHtml(matrix);
    case MatrixFormat::kJson:
      return SupportMatrixToJson(matrix).dump(2) + "\n";
  }
  return {};
}

}  // namespace stocktake
