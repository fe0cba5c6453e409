#include "stocktake/view/json_printer.h"

#include <gtest/gtest.h>

#include <sstream>

#include "stocktake/util/utf8.h"
#include "tests/support/test_support.h"

namespace stocktake::view {
namespace {

using testing::At;
using testing::Day;

nlohmann::json Printed(const std::function<void(Printer&)>& print) {
  std::ostringstream out;
  JsonPrinter printer(out);
  print(printer);
  EXPECT_EQ(out.str().back(), '\n');
  return nlohmann::json::parse(out.str());
}

TEST(JsonPrinterTest, AnImportPlanKeepsItsValuesAsJson) {
  ImportDryRun view;
  view.database = "st.db";
  view.plan.file = "old.yaml";
  ImportItem item{"feature", "pvh", ImportAction::kChange, At("2013-01-21"), {}, {}};
  item.changes.push_back({"owners", nlohmann::json::array({"a@example.org"}),
                          nlohmann::json::array(), At("2013-03-01"), true});
  view.plan.items.push_back(item);
  view.plan.conflicts.push_back({"feature", "pvh", "owners",
                                 nlohmann::json::array({"a@example.org"}), At("2013-02-03"),
                                 "a@example.org", nlohmann::json::array(), At("2013-01-21")});
  nlohmann::json json = Printed([&](Printer& printer) { printer.Print(view); });
  EXPECT_EQ(json["written"], false);
  EXPECT_EQ(json["refused"], true);
  EXPECT_EQ(json["items"][0]["action"], "change");
  EXPECT_EQ(json["items"][0]["changes"][0]["from"], nlohmann::json::array({"a@example.org"}));
  EXPECT_EQ(json["items"][0]["changes"][0]["overwrite"], true);
  EXPECT_EQ(json["conflicts"][0]["database"]["at"], "2013-02-03T00:00:00Z");
  EXPECT_EQ(json["conflicts"][0]["file"]["as_of"], "2013-01-21T00:00:00Z");
  EXPECT_EQ(json["untouched"]["features"], 0);
  view.prefer_file = true;
  EXPECT_EQ(Printed([&](Printer& printer) { printer.Print(view); })["refused"], false);
}

Feature SampleFeature() {
  Feature feature;
  feature.slug = "blktap3";
  feature.title = "blktap3";
  feature.release = "4.3";
  feature.status = "fair";
  feature.updated_at = At("2013-01-21");
  return feature;
}

TEST(JsonPrinterTest, FeatureShowCarriesItsEvidence) {
  FeatureShow view{SampleFeature(), {}};
  view.evidence.links = 3;
  view.evidence.last_activity = At("2013-01-20");
  nlohmann::json json = Printed([&](Printer& printer) { printer.Print(view); });
  EXPECT_EQ(json["slug"], "blktap3");
  EXPECT_EQ(json["parent"], nullptr);
  EXPECT_EQ(json["evidence"]["links"], 3);
  EXPECT_EQ(json["evidence"]["last_activity"], "2013-01-20T00:00:00Z");
  EXPECT_TRUE(json["evidence"]["series"].is_array());
}

TEST(JsonPrinterTest, ReleaseShowAddsWhereTheReleaseStands) {
  ReleaseShow view;
  view.release.version = "4.3";
  view.release.start = Day("2012-09-17");
  view.release.freeze = Day("2013-03-25");
  view.release.release = Day("2013-06-17");
  view.as_of = At("2013-01-21");
  view.position.sentence = "We are four months into the release.";
  view.position.days_to_freeze = 63;
  view.features_by_status = {{"fair", 2}};
  nlohmann::json json = Printed([&](Printer& printer) { printer.Print(view); });
  EXPECT_EQ(json["version"], "4.3");
  EXPECT_EQ(json["days_to_freeze"], 63);
  EXPECT_EQ(json["features_by_status"]["fair"], 2);
  EXPECT_EQ(json["as_of"], "2013-01-21T00:00:00Z");
}

TEST(JsonPrinterTest, ThreadGhostsCarryOnlyTheirPlace) {
  ThreadShow view;
  view.root = "root@x";
  view.nodes.push_back({"root@x", "", 0, std::nullopt});
  EvidenceMessage reply;
  reply.message_id = "reply@x";
  view.nodes.push_back({"reply@x", "root@x", 1, reply});
  view.message_count = 1;
  nlohmann::json json = Printed([&](Printer& printer) { printer.Print(view); });
  ASSERT_EQ(json["messages"].size(), 2u);
  EXPECT_EQ(json["messages"][0]["ghost"], true);
  EXPECT_EQ(json["messages"][0]["parent"], nullptr);
  EXPECT_EQ(json["messages"][0].size(), 4u);
  EXPECT_EQ(json["messages"][1]["parent"], "root@x");
  EXPECT_EQ(json["messages"][1]["ghost"], false);
}

TEST(JsonPrinterTest, WritesPrintTheChangedValue) {
  Changed<Feature> view{"Added 'blktap3'.", SampleFeature()};
  nlohmann::json json = Printed([&](Printer& printer) { printer.Print(view); });
  EXPECT_EQ(json["status"], "fair");
  nlohmann::json settled = Printed([](Printer& printer) {
    printer.Print(Changed<DraftSettled>{"", {"nak@x", false, 0}});
  });
  EXPECT_EQ(settled,
            (nlohmann::json{{"message_id", "nak@x"}, {"state", "dismissed"}, {"objection", 0}}));
}

TEST(JsonPrinterTest, InvalidUtf8BecomesTheReplacementCharacter) {
  Feature feature = SampleFeature();
  feature.notes = "bad \xff byte";
  std::ostringstream out;
  JsonPrinter printer(out);
  printer.Print(Changed<Feature>{"", feature});
  EXPECT_TRUE(IsValidUtf8(out.str()));
  EXPECT_EQ(nlohmann::json::parse(out.str())["notes"], "bad \xef\xbf\xbd byte");
}

}  // namespace
}  // namespace stocktake::view
