// "as_of" in the project file: the time the file records an object as of, at
// the top, under a release, a feature or a protocol; and which of a release's
// dates the file gives.

#include <gtest/gtest.h>

#include "stocktake/projectfile/project_file.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

constexpr char kFile[] = R"(as_of: 2013-01-21
releases:
  - version: "4.3"
    as_of: 2013-02-01T12:00:00Z
    start: 2012-09-17
    freeze: 2013-03-25
    release: 2013-06-17
    features:
      - title: Alpha
        status: on-track
        as_of: 2013-01-25
      - title: Beta
        status: fair
  - {version: "4.2", release: 2012-09-17}
protocols:
  - name: pvcalls
    as_of: 2017-05-01
    history:
      - {at: 2017-03-01, to: design}
)";

ProjectFile Parse(const std::string& text) {
  auto file = ParseProjectFile(text, "as-of.yaml");
  EXPECT_TRUE(file) << file.error().ToString();
  return file ? *file : ProjectFile{};
}

Error Refusal(const std::string& text) {
  auto file = ParseProjectFile(text, "as-of.yaml");
  EXPECT_FALSE(file);
  return file ? Error::Internal("parsed") : file.error();
}

TEST(ProjectFileAsOfTest, ReadsEveryLevel) {
  ProjectFile file = Parse(kFile);
  EXPECT_EQ(file.as_of, At("2013-01-21"));
  ASSERT_EQ(file.releases.size(), 2u);
  EXPECT_EQ(file.releases[0].as_of, At("2013-02-01T12:00:00Z"));
  EXPECT_EQ(file.releases[0].features[0].as_of, At("2013-01-25"));
  EXPECT_FALSE(file.releases[0].features[1].as_of);
  EXPECT_FALSE(file.releases[1].as_of);
  EXPECT_EQ(file.protocol_as_of.at("pvcalls"), At("2017-05-01"));
}

TEST(ProjectFileAsOfTest, SaysWhichDatesOfAReleaseTheFileGives) {
  ProjectFile file = Parse(kFile);
  EXPECT_TRUE(file.releases[0].has_start);
  EXPECT_TRUE(file.releases[0].has_freeze);
  EXPECT_FALSE(file.releases[0].has_template);
  // A past release by its date alone: start and freeze are defaults.
  const ReleaseEntry& past = file.releases[1];
  EXPECT_FALSE(past.has_start);
  EXPECT_FALSE(past.has_freeze);
  EXPECT_EQ(past.release.start, past.release.release);
}

TEST(ProjectFileAsOfTest, AnExportKeepsTheTimesAndLeavesOutDatesNeverSet) {
  ProjectFile file = Parse(kFile);
  std::string text = EmitProjectFile(file);
  EXPECT_NE(text.find("\nas_of: 2013-01-21T00:00:00Z\n"), std::string::npos) << text;
  EXPECT_NE(text.find("  - version: \"4.2\"\n    release: 2012-09-17\n"), std::string::npos)
      << text;
  ProjectFile again = Parse(text);
  EXPECT_EQ(EmitProjectFile(again), text);
  EXPECT_EQ(again.releases[0].features[0].as_of, At("2013-01-25"));
  EXPECT_EQ(again.protocol_as_of.at("pvcalls"), At("2017-05-01"));
  EXPECT_FALSE(again.releases[1].has_start);
}

TEST(ProjectFileAsOfTest, ARecordBeforeItsOwnHistoryIsRefused) {
  Error feature = Refusal(
      "releases:\n  - version: \"1.0\"\n    release: 2020-04-01\n    features:\n"
      "      - title: A\n        status: fair\n        as_of: 2020-01-01\n        history:\n"
      "          - {at: 2020-02-01, by: rm@example.org, to: fair}\n");
  EXPECT_EQ(feature.context(), "as-of.yaml:7:16");
  EXPECT_EQ(feature.message(),
            "'A' is recorded as of 2020-01-01T00:00:00Z, before the last change of its history "
            "(2020-02-01T00:00:00Z): give a later 'as_of'");
  Error release = Refusal(
      "releases:\n  - version: \"1.0\"\n    release: 2020-04-01\n    as_of: 2020-01-01\n"
      "    schedule_changes:\n      - at: 2020-02-01\n        by: rm@example.org\n"
      "        freeze: {from: 2020-03-01, to: 2020-04-01}\n"
      "        release: {from: 2020-04-01, to: 2020-04-01}\n        reason: later\n");
  EXPECT_EQ(release.context(), "as-of.yaml:4:12");
  Error protocol = Refusal(
      "protocols:\n  - name: p\n    as_of: 2017-01-01\n    history:\n"
      "      - {at: 2017-03-01, to: design}\n");
  EXPECT_EQ(protocol.context(), "as-of.yaml:3:12");
}

TEST(ProjectFileAsOfTest, AnAsOfMustBeATime) {
  Error error = Refusal("as_of: soon\n");
  EXPECT_TRUE(error.IsInvalidArgument());
  EXPECT_EQ(error.context(), "as-of.yaml:1:8");
}

}  // namespace
}  // namespace stocktake
