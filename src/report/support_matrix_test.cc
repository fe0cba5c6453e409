#include "stocktake/report/support_matrix.h"

#include <gtest/gtest.h>

#include <fstream>
#include <sstream>

#include "stocktake/projectfile/project_file.h"

namespace stocktake {
namespace {

Timestamp T(const char* text) { return ST_MUST(ParseTimestamp(text)); }

Release MakeRelease(const char* version, const char* date) {
  Release release;
  release.version = version;
  release.release = ST_MUST(ParseDate(date));
  return release;
}

SupportMatrix Sample() {
  Protocol pvcalls;
  pvcalls.name = "pvcalls";
  pvcalls.history = {{T("2017-03-01"), "czar", "", "design", 0, "", ""},
                     {T("2017-06-27T23:00:00Z"), "czar", "design", "prototype", 1, "", ""}};
  Protocol evil;
  evil.name = "<b>a|b</b>";
  evil.history = {{T("2010-01-01"), "czar", "", "production", 0, "", ""}};
  return ComputeSupportMatrix({pvcalls, evil},
                              {MakeRelease("4.9", "2017-06-27"), MakeRelease("4.8", "2016-12-05"),
                               MakeRelease("4.10", "2017-12-13")},
                              XenProtocolProcess());
}

TEST(SupportMatrixTest, StageAtEachReleaseCountsChangesOnTheReleaseDay) {
  SupportMatrix matrix = Sample();
  ASSERT_EQ(matrix.releases.size(), 3u);
  EXPECT_EQ(matrix.releases[0].version, "4.8");
  EXPECT_EQ(matrix.cells[0][0].stage, "");
  EXPECT_EQ(matrix.cells[0][1].stage, "prototype");
  EXPECT_EQ(matrix.cells[0][1].support_label, "Experimental / Tech Preview");
  EXPECT_EQ(matrix.cells[1][0].stage, "production");
}

TEST(SupportMatrixTest, RendersText) {
  EXPECT_EQ(RenderSupportMatrix(Sample(), MatrixFormat::kText),
            "protocol    4.8   4.9   4.10\n"
            "pvcalls     -     Prot  Prot\n"
            "<b>a|b</b>  Prod  Prod  Prod\n"
            "\n"
            "Des = Design; Prot = Prototype (Experimental / Tech Preview); "
            "Prod = Production (Supported); - = not yet\n");
}

TEST(SupportMatrixTest, RendersMarkdownEscaped) {
  EXPECT_EQ(RenderSupportMatrix(Sample(), MatrixFormat::kMarkdown),
            "| Protocol | 4.8 | 4.9 | 4.10 |\n"
            "| --- | --- | --- | --- |\n"
            "| pvcalls | - | Prototype (Experimental / Tech Preview) | Prototype (Experimental / "
            "Tech Preview) |\n"
            "| <b>a\\|b</b> | Production (Supported) | Production (Supported) | Production "
            "(Supported) |\n");
}

TEST(SupportMatrixTest, RendersHtmlEscaped) {
  EXPECT_EQ(RenderSupportMatrix(Sample(), MatrixFormat::kHtml),
            "<table class=\"support-matrix\">\n"
            "<thead><tr><th>Protocol</th><th title=\"2016-12-05\">4.8</th>"
            "<th title=\"2017-06-27\">4.9</th><th title=\"2017-12-13\">4.10</th></tr></thead>\n"
            "<tbody>\n"
            "<tr><th>pvcalls</th><td class=\"stage-none\">-</td>"
            "<td class=\"stage-prototype\">Prototype<br><small>Experimental / Tech "
            "Preview</small></td>"
            "<td class=\"stage-prototype\">Prototype<br><small>Experimental / Tech "
            "Preview</small></td></tr>\n"
            "<tr><th>&lt;b&gt;a|b&lt;/b&gt;</th>"
            "<td class=\"stage-production\">Production<br><small>Supported</small></td>"
            "<td class=\"stage-production\">Production<br><small>Supported</small></td>"
            "<td class=\"stage-production\">Production<br><small>Supported</small></td></tr>\n"
            "</tbody>\n</table>\n");
}

TEST(SupportMatrixTest, RendersJson) {
  nlohmann::json json = SupportMatrixToJson(Sample());
  EXPECT_EQ(json["releases"][0].dump(), R"({"date":"2016-12-05","version":"4.8"})");
  EXPECT_EQ(json["protocols"][0]["cells"][0].dump(),
            R"({"release":"4.8","stage":null,"stage_name":null,"support":null})");
  EXPECT_EQ(json["protocols"][0]["cells"][1].dump(),
            R"({"release":"4.9","stage":"prototype","stage_name":"Prototype",)"
            R"("support":"Experimental / Tech Preview"})");
  EXPECT_EQ(RenderSupportMatrix(Sample(), MatrixFormat::kJson), json.dump(2) + "\n");
}

TEST(SupportMatrixTest, ParsesFormats) {
  EXPECT_EQ(ParseMatrixFormat("md"), MatrixFormat::kMarkdown);
  EXPECT_EQ(ParseMatrixFormat("json"), MatrixFormat::kJson);
  EXPECT_FALSE(ParseMatrixFormat("pdf"));
}

TEST(SupportMatrixTest, XenExampleMatrix) {
  ProtocolProcess process = XenProtocolProcess();
  std::ifstream in(ST_SOURCE_DIR "/examples/xen-pv-protocols.yaml", std::ios::binary);
  std::ostringstream text;
  text << in.rdbuf();
  ProjectFile file = ST_MUST(ParseProjectFile(text.str(), "xen-pv-protocols.yaml"));
  std::vector<Release> releases;
  for (const auto& entry : file.releases) releases.push_back(entry.release);
  SupportMatrix matrix = ComputeSupportMatrix(file.protocols, releases, process);
  auto cell = [&](const char* protocol, const char* version) {
    for (size_t row = 0; row < matrix.protocols.size(); ++row) {
      if (matrix.protocols[row] != protocol) continue;
      for (size_t column = 0; column < matrix.releases.size(); ++column) {
        if (matrix.releases[column].version == version) return matrix.cells[row][column].stage;
      }
    }
    return std::string("?");
  };
  EXPECT_EQ(cell("blkif", "3.0"), "production");
  EXPECT_EQ(cell("pvcalls", "4.8"), "");
  EXPECT_EQ(cell("pvcalls", "4.9"), "prototype");
  EXPECT_EQ(cell("sndif", "4.12"), "prototype");
  EXPECT_EQ(cell("sndif", "4.13"), "production");
  EXPECT_EQ(cell("argo", "4.12"), "prototype");
  if (std::getenv("ST_PRINT_MATRIX") != nullptr) {
    std::printf("%s", RenderSupportMatrix(matrix, MatrixFormat::kText).c_str());
  }
}

}  // namespace
}  // namespace stocktake
