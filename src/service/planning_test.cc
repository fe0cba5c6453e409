#include "stocktake/service/planning.h"

#include <gtest/gtest.h>

#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::Day;
using testing::ReadFileForTesting;
using testing::SourcePath;

constexpr char kManager[] = "george.dunlap@eu.citrix.com";  // the file's release manager
constexpr char kAdmin[] = "admin@example.org";              // imports first, so the first admin

class PlanningTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    planning_ = std::make_unique<Planning>(*store_);
  }

  void ImportExample(const char* now = "2013-01-21") {
    std::string text = ReadFileForTesting(SourcePath("examples/xen-4.3.yaml"));
    ASSERT_FALSE(text.empty());
    auto summary = planning_->Import({kAdmin, At(now)}, text, "examples/xen-4.3.yaml");
    ASSERT_TRUE(summary) << summary.error().ToString();
  }

  // Gives `email` exactly `roles`, as the admin.
  void Grant(const std::string& email, std::vector<Role> roles) {
    auto saved = planning_->SavePerson({kAdmin, At("2013-01-21")}, Person{email, "", {}, roles});
    ASSERT_TRUE(saved) << saved.error().ToString();
  }

  size_t EventCount() { return ST_MUST(store_->ListEvents({})).size(); }

  std::string ExportOrEmpty() {
    auto text = planning_->Export();
    return text ? *text : std::string();
  }

  // Imports `yaml` as "bad.yaml", expects it refused with `context` and a
  // message containing `fragment`, and the database exactly as before.
  void ExpectRefused(const std::string& yaml, const std::string& context,
                     const std::string& fragment) {
    std::string before = ExportOrEmpty();
    size_t events = EventCount();
    auto result = planning_->Import({kAdmin, At("2013-02-01")}, yaml, "bad.yaml");
    ASSERT_FALSE(result) << "accepted:\n" << yaml;
    EXPECT_EQ(result.error().context(), context) << result.error().ToString();
    EXPECT_NE(result.error().message().find(fragment), std::string::npos)
        << result.error().ToString();
    EXPECT_EQ(ExportOrEmpty(), before);
    EXPECT_EQ(EventCount(), events);
  }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Planning> planning_;
};

TEST_F(PlanningTest, ReportReproducesTheSeedMailByteForByte) {
  ImportExample();
  auto report = planning_->Report("4.3", At("2013-01-21"), std::nullopt);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(RenderTakingStockText(*report), testing::SeedTakingStockBody());
}

TEST_F(PlanningTest, ExportImportExportIsIdentical) {
  ImportExample();
  std::string first = ST_MUST(planning_->Export());
  auto other_store = ST_MUST(OpenStore(":memory:"));
  Planning other(*other_store);
  ASSERT_TRUE(other.Import({"someone@example.org", At("2014-05-05")}, first, "export.yaml"));
  std::string second = ST_MUST(other.Export());
  EXPECT_EQ(first, second);
  EXPECT_NE(first.find("history:"), std::string::npos);
}

TEST_F(PlanningTest, ReimportingTheSameFileChangesNothing) {
  ImportExample();
  size_t events = EventCount();
  std::string text = ReadFileForTesting(SourcePath("examples/xen-4.3.yaml"));
  auto summary = ST_MUST(planning_->Import({kAdmin, At("2013-02-01")}, text, "x.yaml"));
  EXPECT_EQ(summary.events_written, 0);
  EXPECT_EQ(summary.features_unchanged, 41);
  EXPECT_EQ(summary.features_added, 0);
  EXPECT_EQ(EventCount(), events);
}

TEST_F(PlanningTest, ImportRecordsAStatusChangeWhenTheFileMovesAFeature) {
  ImportExample();
  std::string text = ReadFileForTesting(SourcePath("examples/xen-4.3.yaml"));
  std::string moved = text;
  size_t at = moved.find("title: blktap3\n        status: at-risk");
  ASSERT_NE(at, std::string::npos);
  moved.replace(moved.find("at-risk", at), 7, "fair");
  // The file now records the release as of the day the status changed.
  moved.replace(moved.find("as_of: 2013-01-21"), 17, "as_of: 2013-02-01");
  auto summary = ST_MUST(planning_->Import({kAdmin, At("2013-02-01")}, moved, "x.yaml"));
  EXPECT_EQ(summary.features_updated, 1);
  auto history = ST_MUST(planning_->FeatureHistory("blktap3"));
  ASSERT_FALSE(history.empty());
  EXPECT_EQ(history.back().from, "at-risk");
  EXPECT_EQ(history.back().to, "fair");
  EXPECT_EQ(FormatTimestamp(history.back().at), "2013-02-01T00:00:00Z");
}

constexpr char kHeader[] =
    "releases:\n"
    "  - version: \"9.9\"\n"
    "    start: 2020-01-01\n"
    "    freeze: 2020-06-01\n"
    "    release: 2020-09-01\n"
    "    features:\n";

TEST_F(PlanningTest, RefusesAYamlSyntaxErrorAndWritesNothing) {
  ImportExample();
  ExpectRefused(std::string(kHeader) + "      - title: A\n        status: [on-track\n",
                "bad.yaml:9:1", "YAML syntax error");
}

TEST_F(PlanningTest, RefusesAnUnknownStatusNamingTheKnownOnes) {
  ImportExample();
  ExpectRefused(std::string(kHeader) + "      - title: A\n        status: likely\n",
                "bad.yaml:8:17", "unknown status 'likely' for 'A': use one of finished, on-track");
}

TEST_F(PlanningTest, RefusesADependencyThatDoesNotExist) {
  ImportExample();
  ExpectRefused(std::string(kHeader) +
                    "      - title: A\n        status: fair\n        depends_on: [nowhere]\n",
                "bad.yaml:9:22", "no feature named 'nowhere'");
}

TEST_F(PlanningTest, AcceptsADependencyOnAFeatureAlreadyInTheDatabase) {
  ImportExample();
  auto result = planning_->Import(
      {kAdmin, At("2013-02-01")},
      std::string(kHeader) +
          "      - title: A\n        status: fair\n        depends_on: [Rationalized backend "
          "scripts]\n",
      "ok.yaml");
  ASSERT_TRUE(result) << result.error().ToString();
  EXPECT_EQ(ST_MUST(planning_->ResolveFeature("a")).depends_on,
            std::vector<std::string>{"rationalized-backend-scripts"});
}

TEST_F(PlanningTest, RefusesAParentThatDoesNotExist) {
  ImportExample();
  ExpectRefused(
      std::string(kHeader) + "      - title: A\n        status: fair\n        parent: B\n",
      "bad.yaml:9:17", "no feature named 'B'");
}

TEST_F(PlanningTest, RefusesAParentCycle) {
  ImportExample();
  ExpectRefused(std::string(kHeader) +
                    "      - title: A\n        status: fair\n        parent: b\n"
                    "      - title: B\n        status: fair\n        parent: a\n",
                "bad.yaml:7:9", "parent cycle");
}

TEST_F(PlanningTest, RefusesADependencyCycle) {
  ImportExample();
  ExpectRefused(std::string(kHeader) +
                    "      - title: A\n        status: fair\n        depends_on: [b]\n"
                    "      - title: B\n        status: fair\n        depends_on: [a]\n",
                "bad.yaml:10:9", "dependency cycle: A -> B -> A");
}

TEST_F(PlanningTest, RefusesAFreezeBeforeTheStart) {
  ImportExample();
  ExpectRefused(
      "releases:\n  - version: \"9.9\"\n    start: 2020-01-01\n    freeze: 2019-06-01\n"
      "    release: 2020-09-01\n",
      "bad.yaml:4:13", "is before its start 2020-01-01: move the freeze after the start");
}

TEST_F(PlanningTest, RefusesAnImpossibleDate) {
  ImportExample();
  ExpectRefused(
      "releases:\n  - version: \"9.9\"\n    start: 2020-02-30\n    freeze: 2020-06-01\n"
      "    release: 2020-09-01\n",
      "bad.yaml:3:12", "'2020-02-30' is not a valid date");
}

TEST_F(PlanningTest, RefusesAnUnknownKeyWithASuggestion) {
  ImportExample();
  ExpectRefused(std::string(kHeader) + "      - title: A\n        stauts: fair\n", "bad.yaml:8:9",
                "did you mean 'status'?");
}

TEST_F(PlanningTest, RefusesTwoFeaturesWithOneSlug) {
  ImportExample();
  ExpectRefused(std::string(kHeader) +
                    "      - title: Same\n        status: fair\n"
                    "      - title: same\n        status: fair\n",
                "bad.yaml:9:9", "two features have the slug 'same'");
}

TEST_F(PlanningTest, RefusesAnUnknownRole) {
  ImportExample();
  ExpectRefused("people:\n  - email: a@example.org\n    roles: [boss]\n", "bad.yaml:3:13",
                "unknown role 'boss'");
}

TEST_F(PlanningTest, RefusesAnEmptyFile) { ExpectRefused("", "bad.yaml:1:1", "the file is empty"); }

TEST_F(PlanningTest, NamesFeaturesBySlugTitleOrDisplayName) {
  ImportExample();
  EXPECT_EQ(ST_MUST(planning_->ResolveFeature("pvh-mode-xen-linux")).title, "PVH mode");
  EXPECT_EQ(ST_MUST(planning_->ResolveFeature("PVH mode")).slug, "pvh-mode-xen-linux");
  EXPECT_EQ(ST_MUST(planning_->ResolveFeature("Persistent grants for blk (qemu)")).slug,
            "persistent-grants-for-blk-qemu");
  auto ambiguous = planning_->ResolveFeature("Persistent grants for blk");
  ASSERT_FALSE(ambiguous);
  EXPECT_NE(ambiguous.error().message().find("persistent-grants-for-blk-linux, "
                                             "persistent-grants-for-blk-qemu"),
            std::string::npos);
  auto missing = planning_->ResolveFeature("vtpm");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().IsNotFound());
  EXPECT_NE(missing.error().message().find("did you mean vtpm-updates?"), std::string::npos);
}

TEST_F(PlanningTest, OnlyAReleaseManagerMaySlipAndTheSlipIsKept) {
  ImportExample();
  size_t events = EventCount();
  for (const char* who : {"someone@example.org", kAdmin}) {
    auto refused = planning_->SlipRelease({who, At("2013-02-01")}, "4.3", Day("2013-04-08"),
                                          std::nullopt, "more time");
    ASSERT_FALSE(refused);
    EXPECT_TRUE(refused.error().IsPermissionDenied());
    EXPECT_NE(refused.error().message().find("needs the release-manager role"), std::string::npos)
        << refused.error().message();
  }
  EXPECT_EQ(EventCount(), events);

  auto no_reason = planning_->SlipRelease({kManager, At("2013-02-01")}, "4.3", Day("2013-04-08"),
                                          std::nullopt, "  ");
  ASSERT_FALSE(no_reason);

  auto slipped = planning_->SlipRelease({kManager, At("2013-02-01")}, "4.3", Day("2013-04-08"),
                                        Day("2013-07-01"), "PVH needs two more weeks");
  ASSERT_TRUE(slipped) << slipped.error().ToString();
  Release release = ST_MUST(planning_->FindRelease("4.3"));
  EXPECT_EQ(release.freeze, Day("2013-04-08"));
  ASSERT_EQ(release.schedule_changes.size(), 1u);
  EXPECT_EQ(release.schedule_changes[0].old_freeze, Day("2013-03-25"));
  EXPECT_EQ(release.schedule_changes[0].reason, "PVH needs two more weeks");

  auto backwards = planning_->SlipRelease({kManager, At("2013-02-02")}, "4.3", Day("2012-01-01"),
                                          std::nullopt, "oops");
  ASSERT_FALSE(backwards);
  EXPECT_NE(backwards.error().message().find("before its start"), std::string::npos);
}

TEST_F(PlanningTest, FeatureChangesAreKeptWithWhoWhenAndWhy) {
  ImportExample();
  Grant("ian@example.org", {Role::kReleaseManager});
  FeatureUpdate update;
  update.status = "at-risk";
  update.reason = "maintainer on leave";
  auto changed = planning_->UpdateFeature({"ian@example.org", At("2013-02-03T10:00:00Z")},
                                          "Rationalized backend scripts", update);
  ASSERT_TRUE(changed) << changed.error().ToString();
  auto history = ST_MUST(planning_->FeatureHistory("rationalized-backend-scripts"));
  ASSERT_GE(history.size(), 2u);
  EXPECT_EQ(history.back().kind, event_kind::kFeatureStatus);
  EXPECT_EQ(history.back().actor, "ian@example.org");
  EXPECT_EQ(history.back().from, "on-track");
  EXPECT_EQ(history.back().to, "at-risk");
  EXPECT_EQ(history.back().reason, "maintainer on leave");

  // The same status again is news only with a reason (a confirmation).
  FeatureUpdate same = update;
  same.reason.clear();
  auto unchanged = planning_->UpdateFeature({"ian@example.org", At("2013-02-03T10:00:00Z")},
                                            "Rationalized backend scripts", same);
  ASSERT_FALSE(unchanged);
  EXPECT_NE(unchanged.error().message().find("nothing to change"), std::string::npos);

  FeatureUpdate unknown;
  unknown.status = "maybe";
  auto refused =
      planning_->UpdateFeature({"ian@example.org", At("2013-02-03")}, "blktap3", unknown);
  ASSERT_FALSE(refused);
  EXPECT_NE(refused.error().message().find("use one of finished, on-track, fair, at-risk, dropped"),
            std::string::npos);
}

TEST_F(PlanningTest, ReportShowsEffectiveStatusesAndChangesSince) {
  ImportExample();
  Grant("ian@example.org", {Role::kReleaseManager});
  FeatureUpdate at_risk;
  at_risk.status = "at-risk";
  at_risk.reason = "maintainer on leave";
  ASSERT_TRUE(planning_->UpdateFeature({"ian@example.org", At("2013-02-03")},
                                       "rationalized-backend-scripts", at_risk));
  FeatureUpdate drop;
  drop.status = "dropped";
  drop.reason = "no owner";
  ASSERT_TRUE(planning_->UpdateFeature({kManager, At("2013-02-04")}, "VM Cloning", drop));
  ASSERT_TRUE(planning_->SlipRelease({kManager, At("2013-02-05")}, "4.3", Day("2013-04-08"),
                                     std::nullopt, "PVH"));
  Feature added;
  added.title = "xl shutdown --wait";
  added.release = "4.3";
  added.status = "on-track";
  ASSERT_TRUE(planning_->AddFeature({kManager, At("2013-02-06")}, added));

  auto report = ST_MUST(planning_->Report("4.3", At("2013-02-10"), Day("2013-02-01")));
  std::string text = RenderTakingStockText(report);
  EXPECT_NE(text.find("We're 4 months into our estimated 9-months release schedule, and 1 month "
                      "away from the scheduled feature freeze."),
            std::string::npos);
  // The dependent moved to the at-risk list, saying why.
  std::string at_risk_list = text.substr(text.find("== Features at risk =="));
  EXPECT_NE(at_risk_list.find("* Scripts for driver domains (depends on backend scripts) "
                              "[marked fair; at-risk through Rationalized backend scripts]\n"),
            std::string::npos);
  EXPECT_EQ(text.find("VM Cloning\n"), std::string::npos);
  std::string changes = text.substr(text.find("== Changes since 2013-02-01 =="));
  EXPECT_EQ(changes,
            "== Changes since 2013-02-01 ==\n\n"
            "* Rationalized backend scripts: on-track -> at-risk (2013-02-03, ian@example.org): "
            "maintainer on leave\n"
            "* Dropped: VM Cloning (was at-risk; 2013-02-04, george.dunlap@eu.citrix.com): no "
            "owner\n"
            "* Schedule slipped: feature freeze 2013-03-25 -> 2013-04-08, release 2013-06-17 -> "
            "2013-06-17 (2013-02-05, george.dunlap@eu.citrix.com): PVH\n"
            "* Added: xl shutdown --wait (on-track; 2013-02-06, george.dunlap@eu.citrix.com)\n");
}

TEST_F(PlanningTest, CheckFollowsTheDependencyChain) {
  ImportExample();
  EXPECT_TRUE(ST_MUST(planning_->Check("4.3", At("2013-01-21"))).empty());
  FeatureUpdate at_risk;
  at_risk.status = "at-risk";
  ASSERT_TRUE(planning_->UpdateFeature({kManager, At("2013-01-22")}, "rationalized-backend-scripts",
                                       at_risk));
  auto alerts = ST_MUST(planning_->Check("4.3", At("2013-01-23")));
  ASSERT_EQ(alerts.size(), 1u);
  EXPECT_EQ(alerts[0].subject, "scripts-for-driver-domains");
  EXPECT_EQ(alerts[0].rule, "dependency-risk");
  EXPECT_NE(alerts[0].message.find("(chain: Scripts for driver domains -> Rationalized backend "
                                   "scripts)"),
            std::string::npos);
}

TEST_F(PlanningTest, RefusesWorkOnAnUninitialisedDatabase) {
  auto report = planning_->Report("4.3", At("2013-01-21"), std::nullopt);
  ASSERT_FALSE(report);
  EXPECT_TRUE(report.error().IsNotFound());
  EXPECT_NE(report.error().message().find("stocktake init"), std::string::npos);
}

TEST_F(PlanningTest, EmailIsAnRfc5322MessageToTheList) {
  ImportExample();
  auto report = ST_MUST(planning_->Report("4.3", At("2013-01-21T09:30:00Z"), std::nullopt));
  Person from{kManager, "George Dunlap", {}, {Role::kReleaseManager}};
  std::string mail = RenderTakingStockEmail(report, from, "xen-devel@lists.xen.org");
  std::string headers = mail.substr(0, mail.find("\n\n") + 1);
  EXPECT_NE(headers.find("From: George Dunlap <george.dunlap@eu.citrix.com>\n"), std::string::npos);
  EXPECT_NE(headers.find("To: xen-devel@lists.xen.org\n"), std::string::npos);
  EXPECT_NE(headers.find("Subject: 4.3 Planning: Taking stock\n"), std::string::npos);
  EXPECT_NE(headers.find("Date: Mon, 21 Jan 2013 09:30:00 +0000\n"), std::string::npos);
  EXPECT_NE(headers.find("Message-ID: <taking-stock.4-3.20130121T093000Z."), std::string::npos);
  EXPECT_NE(headers.find("@eu.citrix.com>\n"), std::string::npos);
  EXPECT_EQ(mail.substr(mail.find("\n\n") + 2), testing::SeedTakingStockBody());
}

TEST_F(PlanningTest, MarkdownAndJsonCarryTheSameContent) {
  ImportExample();
  auto report = ST_MUST(planning_->Report("4.3", At("2013-01-21"), std::nullopt));
  std::string markdown = RenderTakingStockMarkdown(report);
  EXPECT_EQ(markdown.rfind("# 4.3 Planning: Taking stock\n", 0), 0u);
  EXPECT_NE(markdown.find("## Finished features\n\n- Default to QEMU upstream (partial) "
                          "_(must-have)_\n  - pci pass-thru (external)\n"),
            std::string::npos);
  nlohmann::json json = RenderTakingStockJson(report);
  EXPECT_EQ(json["version"], "4.3");
  ASSERT_EQ(json["sections"].size(), 4u);
  EXPECT_EQ(json["sections"][3]["heading"], "Features at risk");
  EXPECT_EQ(json["sections"][3]["items"].size(), 16u);
  EXPECT_EQ(json["sections"][0]["items"][0]["partial"], true);
  EXPECT_EQ(json["text"], testing::SeedTakingStockBody());
}

TEST_F(PlanningTest, OnlyAnAdminGrantsRolesAndNoOneRaisesTheirOwn) {
  ImportExample();
  Grant("reader@example.org", {Role::kReader});
  Grant("dev@example.org", {Role::kContributor});
  Grant("maintainer@example.org", {Role::kMaintainer});
  std::string before = ExportOrEmpty();
  size_t events = EventCount();
  struct Attempt {
    const char* actor;
    Person person;
  };
  const Attempt attempts[] = {
      {"reader@example.org", {"reader@example.org", "", {}, {Role::kCzar}}},
      {"dev@example.org", {"dev@example.org", "", {}, {Role::kAdmin}}},
      {"maintainer@example.org", {kManager, "George Dunlap", {}, {Role::kReader}}},
      {"stranger@example.org", {"stranger@example.org", "", {}, {Role::kContributor}}},
      {kManager, {"friend@example.org", "", {}, {Role::kReleaseManager}}},
  };
  for (const auto& attempt : attempts) {
    auto refused = planning_->SavePerson({attempt.actor, At("2013-02-01")}, attempt.person);
    ASSERT_FALSE(refused) << attempt.actor;
    EXPECT_TRUE(refused.error().IsPermissionDenied()) << refused.error().ToString();
    EXPECT_NE(refused.error().message().find("needs the admin role"), std::string::npos);
  }
  EXPECT_EQ(ExportOrEmpty(), before);
  EXPECT_EQ(EventCount(), events);

  // The admin's grant is recorded with the roles before and after.
  Grant("dev@example.org", {Role::kContributor, Role::kCzar});
  auto saved = ST_MUST(store_->ListEvents({}));
  EXPECT_EQ(saved.back().kind, event_kind::kPersonSaved);
  EXPECT_EQ(saved.back().actor, kAdmin);
  EXPECT_EQ(saved.back().from, "contributor");
  EXPECT_EQ(saved.back().to, "contributor,czar");
}

TEST_F(PlanningTest, TheLastAdminKeepsTheRole) {
  ImportExample();
  auto refused = planning_->SavePerson({kAdmin, At("2013-02-01")},
                                       Person{kAdmin, "", {}, {Role::kReleaseManager}});
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsConflict());
  EXPECT_NE(refused.error().message().find("the only admin"), std::string::npos);
  Grant("second@example.org", {Role::kAdmin});
  EXPECT_TRUE(planning_->SavePerson({"second@example.org", At("2013-02-01")},
                                    Person{kAdmin, "", {}, {Role::kReader}}));
}

TEST_F(PlanningTest, OwnersChangeTheirFeaturesAndTheReleaseManagerChangesEvery) {
  ImportExample();
  Grant("dev@example.org", {Role::kContributor});
  Feature draft;
  draft.title = "vTPM 2.0";
  draft.release = "4.3";
  Feature added = ST_MUST(planning_->AddFeature({"dev@example.org", At("2013-02-01")}, draft));
  EXPECT_EQ(added.owners, std::vector<std::string>{"dev@example.org"});
  FeatureUpdate status;
  status.status = "fair";
  EXPECT_TRUE(planning_->UpdateFeature({"DEV@example.org", At("2013-02-02")}, added.slug, status));

  std::string before = ExportOrEmpty();
  size_t events = EventCount();
  FeatureUpdate must_have;
  must_have.must_have = true;
  auto planning =
      planning_->UpdateFeature({"dev@example.org", At("2013-02-03")}, added.slug, must_have);
  ASSERT_FALSE(planning);
  EXPECT_TRUE(planning.error().IsPermissionDenied());
  EXPECT_NE(planning.error().message().find("mark it must-have"), std::string::npos);
  auto other = planning_->UpdateFeature({"dev@example.org", At("2013-02-03")}, "blktap3", status);
  ASSERT_FALSE(other);
  EXPECT_TRUE(other.error().IsPermissionDenied());
  EXPECT_NE(other.error().message().find("is not one of its owners"), std::string::npos);
  draft.title = "Must have";
  draft.must_have = true;
  EXPECT_FALSE(planning_->AddFeature({"dev@example.org", At("2013-02-03")}, draft));
  EXPECT_EQ(ExportOrEmpty(), before);
  EXPECT_EQ(EventCount(), events);

  // The release manager changes any feature, owns none by adding it.
  EXPECT_TRUE(planning_->UpdateFeature({kManager, At("2013-02-04")}, added.slug, must_have));
  Feature by_manager = ST_MUST(planning_->AddFeature({kManager, At("2013-02-04")}, draft));
  EXPECT_TRUE(by_manager.owners.empty());
}

TEST_F(PlanningTest, OnlyAnAdminImportsAndTheFirstImportNamesTheFirstAdmin) {
  std::string text = ReadFileForTesting(SourcePath("examples/xen-4.3.yaml"));
  auto first = ST_MUST(planning_->Import({kAdmin, At("2013-01-21")}, text, "xen-4.3.yaml"));
  EXPECT_EQ(first.first_admin, kAdmin);
  auto admin = ST_MUST(store_->FindPerson(kAdmin));
  ASSERT_TRUE(admin);
  EXPECT_EQ(admin->roles, std::vector<Role>{Role::kAdmin});

  std::string before = ExportOrEmpty();
  size_t events = EventCount();
  auto refused = planning_->Import({kManager, At("2013-02-01")}, text, "xen-4.3.yaml");
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsPermissionDenied());
  EXPECT_NE(refused.error().message().find("may not import a project file"), std::string::npos);
  EXPECT_EQ(ExportOrEmpty(), before);
  EXPECT_EQ(EventCount(), events);
  EXPECT_EQ(ST_MUST(planning_->Import({kAdmin, At("2013-02-01")}, text, "again.yaml")).first_admin,
            "");
  // A file never takes the admin role away: 'person add' does.
  ASSERT_TRUE(planning_->Import({kAdmin, At("2013-02-01")},
                                "people:\n  - {email: admin@example.org, roles: [reader]}\n",
                                "demote.yaml"));
  admin = ST_MUST(store_->FindPerson(kAdmin));
  EXPECT_EQ(admin->roles, (std::vector<Role>{Role::kAdmin, Role::kReader}));
}

TEST_F(PlanningTest, InitNamesTheFirstAdmin) {
  EXPECT_FALSE(planning_->Init({kAdmin, At("2013-01-01")}, Project{}, "not an address"));
  ASSERT_TRUE(planning_->Init({kAdmin, At("2013-01-01")}, Project{}, "boss@example.org"));
  auto boss = ST_MUST(store_->FindPerson("boss@example.org"));
  ASSERT_TRUE(boss);
  EXPECT_TRUE(boss->HasRole(Role::kAdmin));
  EXPECT_FALSE(ST_MUST(store_->FindPerson(kAdmin)));
  auto events = ST_MUST(store_->ListEvents({}));
  ASSERT_EQ(events.size(), 2u);
  EXPECT_EQ(events[1].kind, event_kind::kPersonSaved);
  EXPECT_EQ(events[1].actor, kAdmin);
}

}  // namespace
}  // namespace stocktake
