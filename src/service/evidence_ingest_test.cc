#include "stocktake/service/evidence_ingest.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <cstdlib>
#include <filesystem>
#include <fstream>
#include <set>

#include "stocktake/service/lifecycle.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/view/evidence_json.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::SharedPath;

std::string Mail(const std::string& id, const std::string& subject, const std::string& body,
                 const std::string& in_reply_to = "", const std::string& from = "dev@example.org",
                 const std::string& date = "Mon, 6 Feb 2017 10:00:00 +0000") {
  std::string text = "From " + from + " Mon Feb  6 10:00:00 2017\n";
  text += "From: Dev <" + from + ">\nDate: " + date + "\nSubject: " + subject + "\nMessage-ID: <" +
          id + ">\n";
  if (!in_reply_to.empty()) {
    text += "In-Reply-To: <" + in_reply_to + ">\nReferences: <" + in_reply_to + ">\n";
  }
  return text + "\n" + body + "\n\n";
}

class EvidenceIngestTest : public ::testing::Test {
 protected:
  void SetUp() override {
    store_ = ST_MUST(OpenStore(":memory:"));
    directory_ = std::filesystem::temp_directory_path() /
                 ("stocktake-ingest-test-" + std::to_string(getpid()) + "-" +
                  ::testing::UnitTest::GetInstance()->current_test_info()->name());
    std::filesystem::remove_all(directory_);
    std::filesystem::create_directories(directory_);
    options_.actor = "ingest@example.org";
    options_.now = At("2017-03-01");
  }
  void TearDown() override { std::filesystem::remove_all(directory_); }

  std::string Write(const std::string& name, const std::string& text, bool append = false) {
    std::string path = (directory_ / name).string();
    std::ofstream out(path, append ? std::ios::app | std::ios::binary : std::ios::binary);
    out << text;
    return path;
  }

  IngestSummary Mbox(const std::string& path) {
    EvidenceIngest ingest(*store_);
    auto summary = ingest.IngestMbox({path}, options_);
    EXPECT_TRUE(summary) << summary.error().ToString();
    return summary ? *summary : IngestSummary{};
  }

  EvidenceStats Stats() { return ST_MUST(store_->evidence().Stats()); }

  // Runs a shell command in the test directory; git needs an identity.
  void Shell(const std::string& command) {
    std::string line = "cd '" + directory_.string() +
                       "' && GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.org "
                       "GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.org " +
                       command + " >/dev/null 2>&1";
    ASSERT_EQ(std::system(line.c_str()), 0) << line;
  }

  void Commit(const std::string& path, const std::string& message) {
    Shell("mkdir -p repo/$(dirname " + path + ") && echo x >> repo/" + path +
          " && git -C repo add -A && git -C repo commit -q -m '" + message + "'");
  }

  std::unique_ptr<Store> store_;
  std::filesystem::path directory_;
  IngestOptions options_;
};

TEST_F(EvidenceIngestTest, NotmuchCorporaKeepTheirThreadsAndUniqueMessages) {
  const std::vector<std::pair<std::string, std::int64_t>> corpora = {
      {"default", 24}, {"lkml", 7}, {"threading", 3}};
  if (auto missing = testing::MissingShared("data/mail/notmuch-corpus")) GTEST_SKIP() << *missing;
  for (const auto& [name, threads] : corpora) {
    store_ = ST_MUST(OpenStore(":memory:"));
    std::string root = SharedPath("data/mail/notmuch-corpus/" + name);
    MailBatch batch = ST_MUST(ReadMaildir(root));
    std::set<std::string> unique;
    for (const auto& message : batch.messages) unique.insert(message.message_id);
    EvidenceIngest ingest(*store_);
    auto summary = ingest.IngestMaildir(root, options_);
    ASSERT_TRUE(summary) << summary.error().ToString();
    EXPECT_TRUE(summary->skipped.empty()) << name;
    EXPECT_EQ(summary->threads, threads) << name;
    EXPECT_EQ(Stats().messages, static_cast<std::int64_t>(unique.size())) << name;
    EXPECT_EQ(Stats().threads, threads) << name;
    EXPECT_EQ(summary->messages_added + summary->duplicates, summary->messages_read) << name;
  }
}

TEST_F(EvidenceIngestTest, SameMboxTwiceAddsNothing) {
  std::string path =
      Write("list.mbox", Mail("a@x", "[PATCH] one", "text") +
                             Mail("b@x", "Re: [PATCH] one", "Acked-by: A <a@x>", "a@x"));
  IngestSummary first = Mbox(path);
  EXPECT_EQ(first.messages_added, 2);
  EXPECT_NE(first.event_id, 0);
  IngestSummary second = Mbox(path);
  EXPECT_EQ(second.messages_added, 0);
  EXPECT_EQ(second.sources_unchanged, 1);
  EXPECT_EQ(second.event_id, 0);
  EXPECT_EQ(Stats().messages, 2);
  EXPECT_EQ(ST_MUST(store_->ListEvents({"", "", "ingest.mbox", {}, {}, {}})).size(), 1u);
}

TEST_F(EvidenceIngestTest, GrownMboxAddsOnlyTheNewMessages) {
  std::string path = Write("list.mbox", Mail("a@x", "first", "1") + Mail("b@x", "second", "2"));
  EXPECT_EQ(Mbox(path).messages_added, 2);
  Write("list.mbox", Mail("c@x", "third", "3") + Mail("d@x", "fourth", "4"), /*append=*/true);
  IngestSummary grown = Mbox(path);
  EXPECT_EQ(grown.messages_added, 2);
  // Reading resumes at the last message of the previous run, not at the start.
  EXPECT_LE(grown.messages_read, 3);
  EXPECT_EQ(Stats().messages, 4);
}

TEST_F(EvidenceIngestTest, DuplicateMessageIdIsOneMessage) {
  std::string path = Write("dup.mbox", Mail("same@x", "hello", "1") + Mail("same@x", "hello", "1"));
  IngestSummary summary = Mbox(path);
  EXPECT_EQ(summary.messages_added, 1);
  EXPECT_EQ(summary.duplicates, 1);
  std::string other = Write("other.mbox", Mail("same@x", "hello", "again"));
  EXPECT_EQ(Mbox(other).messages_added, 0);
  EXPECT_EQ(Stats().messages, 1);
}

TEST_F(EvidenceIngestTest, MalformedMailboxesIngestAndReportSkippedOffsets) {
  if (auto missing = testing::MissingShared("data/mail/malformed")) GTEST_SKIP() << *missing;
  std::string folder = SharedPath("data/mail/malformed");
  int files = 0;
  for (const auto& entry : std::filesystem::directory_iterator(folder)) {
    if (entry.path().extension() != ".mbox") continue;
    ++files;
    EvidenceIngest ingest(*store_);
    auto summary = ingest.IngestMbox({entry.path().string()}, options_);
    ASSERT_TRUE(summary) << entry.path() << ": " << summary.error().ToString();
    for (const auto& failure : summary->skipped) {
      EXPECT_EQ(failure.file, entry.path().string());
      EXPECT_LT(failure.offset, std::filesystem::file_size(entry.path()));
    }
  }
  EXPECT_EQ(files, 17);
  EXPECT_GT(Stats().messages, 0);
}

TEST_F(EvidenceIngestTest, JunkBetweenMessagesIsSkippedAndTheMessagesAroundItKept) {
  std::string junk = Write(
      "junk.mbox", Mail("a@x", "ok", "1") + "From x\n\x01\x02\n\n" + Mail("b@x", "ok too", "2"));
  EvidenceIngest ingest(*store_);
  auto summary = ingest.IngestMbox({junk}, options_);
  ASSERT_TRUE(summary);
  EXPECT_EQ(summary->messages_added, 2);
}

TEST_F(EvidenceIngestTest, GitRerunReadsOnlyNewCommitsAndCountsTrailers) {
  Shell("git init -q repo");
  Commit("README",
         "first\n\nSigned-off-by: Dev <dev@example.org>\nAcked-by: Ann <ann@example.org>");
  Commit("src/a.c", "second\n\nSigned-off-by: Dev <dev@example.org>");
  EvidenceIngest ingest(*store_);
  std::string repo = (directory_ / "repo").string();
  auto first = ST_MUST(ingest.IngestGit(repo, options_));
  EXPECT_EQ(first.commits_added, 2);
  auto again = ST_MUST(ingest.IngestGit(repo, options_));
  EXPECT_EQ(again.commits_read, 0);
  EXPECT_EQ(again.sources_unchanged, 1);
  Commit("src/b.c",
         "third\n\nAcked-by: Ann <ann@example.org>\nSigned-off-by: Dev <dev@example.org>");
  auto third = ST_MUST(ingest.IngestGit(repo, options_));
  EXPECT_EQ(third.commits_read, 1);
  EXPECT_EQ(third.commits_added, 1);
  EvidenceStats stats = Stats();
  EXPECT_EQ(stats.commits, 3);
  EXPECT_EQ(stats.commits_with_trailer["signed-off-by"], 3);
  EXPECT_EQ(stats.commits_with_trailer["acked-by"], 2);
  EXPECT_EQ(stats.trailers["acked-by"], 2);
}

TEST_F(EvidenceIngestTest, PathRulesFillProtocolCriteriaFromCommits) {
  Protocol protocol;
  protocol.name = "pvcalls";
  protocol.stage = "design";
  protocol.design_doc.path = "docs/misc/pvcalls.pandoc";
  protocol.implementations.push_back(
      {"Xen", ImplementationRole::kBackend, ImplementationState::kPosted, {}});
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveProtocol(protocol));
    return writer.evidence_writer().SaveRules(
        {EvidenceOwnerKind::kProtocol, "pvcalls", {{}, {"xen/include/public/io/pvcalls.h"}, {}}});
  }));
  Shell("git init -q repo");
  Commit("docs/misc/pvcalls.pandoc", "docs: pvcalls design");
  Commit("xen/include/public/io/pvcalls.h", "public: add pvcalls header");
  Commit("tools/other.c", "unrelated");
  options_.code_base = "Xen";
  EvidenceIngest ingest(*store_);
  auto summary = ST_MUST(ingest.IngestGit((directory_ / "repo").string(), options_));
  EXPECT_EQ(summary.criteria_filled, 2);
  Protocol stored = ST_MUST(store_->FindProtocol("pvcalls")).value();
  EXPECT_FALSE(stored.design_doc.commit.empty());
  EXPECT_EQ(stored.implementations[0].state, ImplementationState::kCommitted);
  auto links = ST_MUST(store_->evidence().ListLinks(EvidenceOwnerKind::kProtocol, "pvcalls"));
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].target_kind, "commit");
  EXPECT_EQ(links[0].rule, "path:xen/include/public/io/pvcalls.h");
}

TEST_F(EvidenceIngestTest, SubjectRegexLinksSeriesToFeatureAndMovesItsLastActivity) {
  Planning planning(*store_);
  Context context{"rm@example.org", At("2017-01-01")};
  ASSERT_TRUE(planning.Init(context, Project{"Xen", "", {}, XenProcess()}));
  Release release;
  release.version = "4.9";
  release.start = testing::Day("2016-12-01");
  release.freeze = testing::Day("2017-03-24");
  release.release = testing::Day("2017-06-01");
  ASSERT_TRUE(planning.AddRelease(context, release));
  Feature draft;
  draft.title = "PV Calls frontend";
  draft.slug = "pvcalls-frontend";
  draft.release = "4.9";
  ASSERT_TRUE(planning.AddFeature(context, draft));
  ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.evidence_writer().SaveRules(
        {EvidenceOwnerKind::kFeature, "pvcalls-frontend", {{"pv ?calls.*front"}, {}, {}}});
  }));
  std::string path = Write(
      "series.mbox", Mail("c@x", "[PATCH v2 0/2] PVCalls frontend", "cover") +
                         Mail("p1@x", "[PATCH v2 1/2] pvcalls: frontend skeleton", "one", "c@x") +
                         Mail("p2@x", "[PATCH v2 2/2] pvcalls: frontend connect", "two", "c@x") +
                         Mail("r@x", "Re: [PATCH v2 1/2] pvcalls: frontend skeleton",
                              "> one\n\nReviewed-by: Rev <rev@example.org>", "p1@x",
                              "rev@example.org", "Tue, 7 Feb 2017 10:00:00 +0000"));
  IngestSummary summary = Mbox(path);
  EXPECT_EQ(summary.series, 1);
  auto links = ST_MUST(store_->evidence().ListLinks(EvidenceOwnerKind::kFeature, ""));
  ASSERT_EQ(links.size(), 1u);
  EXPECT_EQ(links[0].target_kind, "series");
  EXPECT_EQ(links[0].target_id, "c@x");
  Feature feature = ST_MUST(store_->FindFeature("pvcalls-frontend")).value();
  EXPECT_EQ(feature.updated_at, At("2017-02-06T10:00:00Z"));
}

TEST_F(EvidenceIngestTest, ProjectFileRulesRoundTripAndRelinkStoredEvidence) {
  Planning planning(*store_);
  Context context{"rm@example.org", At("2017-01-01")};
  ASSERT_TRUE(planning.Init(context, Project{"Xen", "", {}, XenProcess()}));
  Release release;
  release.version = "4.9";
  release.start = testing::Day("2016-12-01");
  release.freeze = testing::Day("2017-03-24");
  release.release = testing::Day("2017-06-01");
  ASSERT_TRUE(planning.AddRelease(context, release));
  Feature draft;
  draft.title = "PV Calls frontend";
  draft.release = "4.9";
  ASSERT_TRUE(planning.AddFeature(context, draft));
  std::string path = Write("mail.mbox", Mail("m@x", "pvcalls: frontend progress", "text"));
  Mbox(path);
  std::string exported = ST_MUST(planning.Export());
  std::string marker = "      - title: PV Calls frontend\n";
  ASSERT_NE(exported.find(marker), std::string::npos) << exported;
  std::string with_rules = exported;
  with_rules.insert(exported.find(marker) + marker.size(),
                    "        evidence:\n          subjects:\n            - pvcalls\n");
  ASSERT_TRUE(planning.Import(context, with_rules, "with-rules.yaml"));
  auto rules = ST_MUST(store_->evidence().ListRules());
  ASSERT_EQ(rules.size(), 1u);
  EXPECT_EQ(rules[0].rules.subjects, std::vector<std::string>{"pvcalls"});
  std::string again = ST_MUST(planning.Export());
  EXPECT_NE(again.find("evidence:"), std::string::npos);
  ASSERT_TRUE(planning.Import(context, again, "again.yaml"));
  EXPECT_EQ(ST_MUST(planning.Export()), again);
  // Rules given after the mail arrived apply once relinked.
  EvidenceIngest ingest(*store_);
  auto relinked = ST_MUST(ingest.Relink(options_));
  EXPECT_EQ(relinked.links, 1);
  EXPECT_EQ(ST_MUST(store_->evidence().ListLinks(EvidenceOwnerKind::kFeature, "")).size(), 1u);
}

TEST_F(EvidenceIngestTest, NakInProposalThreadBecomesDraftObjection) {
  Planning planning(*store_);
  Lifecycle lifecycle(*store_);
  ASSERT_TRUE(
      planning.Init({"czar@example.org", At("2017-01-01")}, Project{"Xen", "", {}, XenProcess()}));
  Protocol protocol;
  protocol.name = "pvcalls";
  ASSERT_TRUE(lifecycle.AddProtocol({"dev@example.org", At("2017-01-02")}, protocol));
  auto proposal = lifecycle.Propose({"dev@example.org", At("2017-02-01")}, "pvcalls", "",
                                    "<prop@x>", std::nullopt);
  ASSERT_TRUE(proposal) << proposal.error().ToString();
  std::string path =
      Write("thread.mbox",
            Mail("prop@x", "[PROPOSAL] pvcalls to Prototype", "Let's move on.") +
                Mail("nak@x", "Re: [PROPOSAL] pvcalls to Prototype",
                     "> Let's move on.\n\nNAK. The ring layout is not specified.", "prop@x",
                     "objector@example.org") +
                Mail("ack@x", "Re: [PROPOSAL] pvcalls to Prototype", "Fine by me.", "prop@x"));
  IngestSummary summary = Mbox(path);
  EXPECT_EQ(summary.draft_objections, 1);
  auto drafts = ST_MUST(store_->evidence().ListDraftObjections(proposal->id));
  ASSERT_EQ(drafts.size(), 1u);
  EXPECT_EQ(drafts[0].message_id, "nak@x");
  EXPECT_EQ(drafts[0].by, "objector@example.org");
  EXPECT_EQ(drafts[0].state, "draft");
  // Ingesting the thread again does not draft it twice.
  EXPECT_EQ(Mbox(Write("again.mbox", Mail("late@x", "unrelated", "x"))).draft_objections, 0);
  EXPECT_EQ(ST_MUST(store_->evidence().ListDraftObjections(0)).size(), 1u);
}

TEST_F(EvidenceIngestTest, SeriesJsonHasOneObjectPerVersionWithTrailersPerPatch) {
  std::string path =
      Write("series.mbox",
            Mail("v1@x", "[PATCH] net: fix it", "fix\n\nSigned-off-by: Dev <dev@example.org>") +
                Mail("c2@x", "[PATCH v2 0/2] net: fix it", "cover") +
                Mail("p1@x", "[PATCH v2 1/2] net: fix it",
                     "a\n\nSigned-off-by: Dev <dev@example.org>", "c2@x") +
                Mail("a1@x", "Re: [PATCH v2 1/2] net: fix it", "Acked-by: Ann <ann@example.org>",
                     "p1@x", "ann@example.org"));
  Mbox(path);
  auto series = ST_MUST(store_->evidence().ListSeries());
  ASSERT_EQ(series.size(), 2u);
  nlohmann::json v1 = EvidenceSeriesJson(series[0]);
  nlohmann::json v2 = EvidenceSeriesJson(series[1]);
  EXPECT_EQ(v1["version"], 1);
  EXPECT_TRUE(v1["cover_letter"].is_null());
  EXPECT_EQ(v1["patches"], nlohmann::json::array({"v1@x"}));
  EXPECT_EQ(v2["version"], 2);
  EXPECT_EQ(v2["cover_letter"], "c2@x");
  EXPECT_EQ(v2["patches"], nlohmann::json::array({"p1@x"}));
  EXPECT_EQ(v2["received_all"], false);
  EXPECT_EQ(v2["lineage"], v1["lineage"]);
  ASSERT_EQ(v2["trailers"].size(), 1u);
  std::set<std::string> keys;
  for (const auto& trailer : v2["trailers"][0]) keys.insert(trailer["canonical_key"]);
  EXPECT_EQ(keys, (std::set<std::string>{"signed-off-by", "acked-by"}));
  for (const char* key :
       {"name", "version", "cover_letter", "patches", "received_all", "lineage", "trailers"}) {
    EXPECT_TRUE(v2.contains(key)) << key;
  }
}

}  // namespace
}  // namespace stocktake
