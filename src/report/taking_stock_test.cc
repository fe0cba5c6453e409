#include "stocktake/report/taking_stock.h"

#include <gtest/gtest.h>

#include <algorithm>
#include <iterator>
#include <string>
#include <vector>

#include "stocktake/util/time.h"

namespace stocktake {
namespace {

Date D(const char* text) { return *ParseDate(text); }
Timestamp T(const char* text) { return *ParseTimestamp(text); }

Feature Item(const std::string& slug, const std::string& title, const std::string& status,
             const std::string& parent = "") {
  Feature feature;
  feature.slug = slug;
  feature.title = title;
  feature.release = "1.0";
  feature.status = status;
  feature.parent = parent;
  return feature;
}

Event Change(const char* at, const char* kind, const std::string& subject, const char* from,
             const char* to, const char* reason = "") {
  Event event;
  event.at = T(at);
  event.actor = "rm@example.org";
  event.kind = kind;
  event.release = "1.0";
  event.subject = subject;
  event.from = from;
  event.to = to;
  event.reason = reason;
  return event;
}

// A release built from values: a finished item with an unfinished sub-item,
// a feature held back by an external one it depends on, a dropped feature and
// no fair ones.
class TakingStockTest : public ::testing::Test {
 protected:
  TakingStockTest() {
    release_.version = "1.0";
    release_.start = D("2020-01-01");
    release_.freeze = D("2020-06-01");
    release_.release = D("2020-09-01");
    release_.report_template = "{{schedule}}\n\n{{features}}";
    Feature risky = Item("risky", "Risky", "at-risk");
    risky.code_bases = {"Xen", "Linux"};
    risky.external = true;
    Feature depends = Item("depends", "Depends", "on-track");
    depends.depends_on = {"risky"};
    Feature other = Item("other", "Other", "on-track");
    other.release = "2.0";  // used for risk only
    features_ = {Item("parent-item", "Parent item", "finished"),
                 Item("sub-done", "Sub done", "finished", "parent-item"),
                 Item("sub-late", "Sub late", "on-track", "parent-item"),
                 depends,
                 risky,
                 Item("gone", "Gone", "dropped"),
                 other};
  }

  TakingStock Build(std::optional<Date> since = std::nullopt,
                    const std::vector<Event>& events = {}) {
    return BuildTakingStock(process_, release_, features_, T("2020-03-02T09:00:00Z"), since,
                            events);
  }

  Process process_ = XenProcess();
  Release release_;
  std::vector<Feature> features_;
};

constexpr char kFeatures[] =
    "== Finished features ==\n"
    "\n"
    "* Parent item (partial)\n"
    " - Sub done\n"
    "\n"
    "== Features on-track ==\n"
    "\n"
    "* Parent item\n"
    " - Sub late\n"
    "\n"
    "== Features at risk ==\n"
    "\n"
    "* Depends (depends on Risky) [marked on-track; at-risk through Risky (Xen & Linux)]\n"
    "* Risky (Xen & Linux) (external)\n";

TEST_F(TakingStockTest, RendersTheScheduleAndEveryListExactly) {
  EXPECT_EQ(RenderTakingStockText(Build()),
            std::string("We're 2 months into our estimated 8-months release schedule, and 2 "
                        "months away from the scheduled feature freeze.\n\n") +
                kFeatures);
}

TEST_F(TakingStockTest, SectionsCarryEffectiveStatusesChainsAndHolders) {
  TakingStock report = Build();
  ASSERT_EQ(report.sections.size(), 3u);  // no fair features, and dropped is not listed
  EXPECT_EQ(report.sections[1].status, "on-track");
  const ReportItem& holder = report.sections[1].items[0];
  EXPECT_EQ(holder.slug, "parent-item");
  EXPECT_FALSE(holder.listed);  // shown only to hold its on-track sub-item
  EXPECT_FALSE(holder.partial);
  EXPECT_EQ(report.sections[1].items[1].depth, 1);
  const ReportItem& held = report.sections[2].items[0];
  EXPECT_EQ(held.status, "on-track");
  EXPECT_EQ(held.effective_status, "at-risk");
  EXPECT_EQ(held.chain, std::vector<std::string>{"risky"});
  EXPECT_TRUE(report.sections[0].items[0].partial);
  EXPECT_TRUE(report.sections[2].items[1].external);
}

TEST_F(TakingStockTest, AnEmptyReleaseUsesTheDefaultTemplate) {
  features_.clear();
  release_.report_template.clear();
  EXPECT_EQ(RenderTakingStockText(Build()),
            "We're 2 months into our estimated 8-months release schedule, and 2 months away from "
            "the scheduled feature freeze.\n\nBelow are the features on my list, sorted by how "
            "likely they are to be completed.\n\n\n(No features yet: add them with 'stocktake "
            "feature add'.)\n");
}

TEST_F(TakingStockTest, ChangesSinceADateGoLastWhenTheTemplateHasNoPlaceForThem) {
  std::vector<Event> events = {
      Change("2020-02-10T10:00:00Z", event_kind::kFeatureAdded, "risky", "", "at-risk"),
      Change("2020-02-10T10:00:00Z", event_kind::kFeatureStatus, "risky", "", "at-risk"),
      Change("2020-02-15T10:00:00Z", event_kind::kFeatureStatus, "depends", "fair", "on-track",
             "patches posted"),
      Change("2020-02-20T10:00:00Z", event_kind::kFeatureStatus, "gone", "fair", "dropped"),
      Change("2020-02-21T10:00:00Z", event_kind::kFeatureUpdated, "depends", "", ""),
  };
  TakingStock report = Build(D("2020-02-01"), events);
  ASSERT_EQ(report.changes.size(), 3u);
  EXPECT_EQ(report.changes[2].kind, "dropped");
  std::string text = RenderTakingStockText(report);
  std::string tail =
      "\n== Changes since 2020-02-01 ==\n\n"
      "* Added: Risky (Xen & Linux) (at-risk; 2020-02-10, rm@example.org)\n"
      "* Depends: fair -> on-track (2020-02-15, rm@example.org): patches posted\n"
      "* Dropped: Gone (was fair; 2020-02-20, rm@example.org)\n";
  ASSERT_GE(text.size(), tail.size());
  EXPECT_EQ(text.substr(text.size() - tail.size()), tail);
  EXPECT_NE(text.find(kFeatures), std::string::npos);

  release_.report_template = "{{changes}}\n{{features}}";
  report = Build(D("2020-03-01"), {});
  EXPECT_EQ(RenderTakingStockText(report).rfind("== Changes since 2020-03-01 ==\n\n(none)\n\n", 0),
            0u);
}

TEST_F(TakingStockTest, ChangesComeOnlyFromTheKindsItNames) {
  ScheduleChange slip{T("2020-02-12T10:00:00Z"),
                      "rm@example.org",
                      D("2020-06-01"),
                      D("2020-06-15"),
                      D("2020-09-01"),
                      D("2020-09-15"),
                      "QA"};
  std::vector<Event> events = {
      Change("2020-02-10T10:00:00Z", event_kind::kFeatureAdded, "risky", "", "at-risk"),
      Change("2020-02-10T10:00:00Z", event_kind::kFeatureStatus, "risky", "", "at-risk"),
      Change("2020-02-11T10:00:00Z", event_kind::kFeatureUpdated, "depends", "", ""),
      ScheduleChangeEvent("4.3", slip),
      Change("2020-02-13T10:00:00Z", event_kind::kReleaseAdded, "4.4", "", "2020-12-01"),
      Change("2020-02-15T10:00:00Z", event_kind::kFeatureStatus, "depends", "fair", "on-track"),
  };
  std::vector<Event> named;
  const auto& kinds = TakingStockChangeKinds();
  std::copy_if(events.begin(), events.end(), std::back_inserter(named), [&](const Event& event) {
    return std::find(kinds.begin(), kinds.end(), event.kind) != kinds.end();
  });
  // The feature.updated event is named (moves, renames, must-have, owners and
  // parents are changes too), though this one, with no detail, says nothing.
  EXPECT_EQ(named.size(), 5u);
  // A caller may read only the kinds named: the report is the same.
  TakingStock all = Build(D("2020-02-01"), events);
  EXPECT_EQ(all.changes.size(), 3u);
  EXPECT_EQ(RenderTakingStockText(all), RenderTakingStockText(Build(D("2020-02-01"), named)));
}

TEST_F(TakingStockTest, PlaceholdersInsideFilledInTextStayText) {
  features_ = {Item("odd", "Uses {{features}} and {{schedule}}", "fair")};
  release_.report_template = "{{features}}{{unknown}}";
  EXPECT_EQ(RenderTakingStockText(Build()),
            "== Features marked as Fair ==\n\n* Uses {{features}} and {{schedule}}\n{{unknown}}");
}

TEST_F(TakingStockTest, MarkdownNestsSubItems) {
  std::string markdown = RenderTakingStockMarkdown(Build());
  EXPECT_EQ(markdown.rfind("# 1.0 Planning: Taking stock\n\n_As of 2020-03-02._\n\nWe're 2", 0),
            0u);
  EXPECT_NE(markdown.find("## Finished features\n\n- Parent item (partial)\n  - Sub done\n\n## "),
            std::string::npos)
      << markdown;
}

TEST_F(TakingStockTest, JsonCarriesTheSameContent) {
  nlohmann::json json = RenderTakingStockJson(Build());
  EXPECT_EQ(json["version"], "1.0");
  EXPECT_EQ(json["schedule"]["days_to_freeze"], 91);
  EXPECT_EQ(json["sections"][2]["items"][0]["chain"], nlohmann::json::array({"risky"}));
  EXPECT_EQ(json["sections"][1]["items"][0]["listed"], false);
  EXPECT_EQ(json["text"], RenderTakingStockText(Build()));
  EXPECT_FALSE(json.contains("changes"));
}

TEST_F(TakingStockTest, EmailHeadersQuoteOrEncodeTheSendersName) {
  TakingStock report = Build();
  std::string plain = RenderTakingStockEmail(report, {"rm@example.org", "Release Manager", {}, {}},
                                             "devel@lists.example.org");
  EXPECT_EQ(plain.rfind("From: Release Manager <rm@example.org>\nTo: devel@lists.example.org\n"
                        "Subject: 1.0 Planning: Taking stock\n",
                        0),
            0u);
  EXPECT_NE(plain.find("\n\nWe're 2 months"), std::string::npos);
  std::string comma =
      RenderTakingStockEmail(report, {"rm@example.org", "Manager, Release", {}, {}}, "x@y");
  EXPECT_EQ(comma.rfind("From: \"Manager, Release\" <rm@example.org>\n", 0), 0u);
  std::string accent = RenderTakingStockEmail(report, {"rm@example.org", "José", {}, {}}, "x@y");
  EXPECT_EQ(accent.rfind("From: =?UTF-8?B?Sm9zw6k=?= <rm@example.org>\n", 0), 0u);
}

// A line break in a title or a reason cannot add a line, or a heading, to
// the report (issue 12).
TEST_F(TakingStockTest, ATitleOrReasonWithLineBreaksStaysOnItsLine) {
  features_[4].title = "Risky\n\n== Finished features ==\n\n* Forged";
  std::string text = RenderTakingStockText(
      Build(D("2020-02-01"), {Change("2020-02-10T10:00:00Z", "feature.status", "risky", "on-track",
                                     "at-risk", "slow\r\n* Forged too")}));
  EXPECT_EQ(text.find("\n* Forged"), std::string::npos) << text;
  EXPECT_NE(text.find("* Risky  == Finished features ==  * Forged (Xen & Linux) (external)\n"),
            std::string::npos)
      << text;
  EXPECT_NE(text.find(": slow  * Forged too\n"), std::string::npos) << text;
}

// A newline in any value (a release version, --as, a name) must not start a
// header of its own: piped into `sendmail -t`, a Bcc: would be obeyed.
TEST_F(TakingStockTest, EmailHeadersStayOneLineEachWhateverTheValuesHold) {
  TakingStock report = Build();
  report.version = "1.0\nBcc: victim@example.org";
  std::string mail = RenderTakingStockEmail(
      report, {"rm@example.org\r\nBcc: a@example.org", "Release\nManager", {}, {}},
      "devel@example.org\nBcc: b@example.org");
  std::string headers = mail.substr(0, mail.find("\n\n"));
  EXPECT_EQ(headers.find("\nBcc:"), std::string::npos) << headers;
  EXPECT_EQ(headers.find('\r'), std::string::npos) << headers;
  EXPECT_EQ(headers.rfind("From: Release Manager <rm@example.org Bcc: a@example.org>\n"
                          "To: devel@example.org Bcc: b@example.org\n"
                          "Subject: 1.0 Bcc: victim@example.org Planning: Taking stock\n",
                          0),
            0u)
      << headers;
}

}  // namespace
}  // namespace stocktake
