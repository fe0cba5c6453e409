// One suite, run against every Store back end: SQLite in memory, SQLite in a
// file, and PostgreSQL when STOCKTAKE_TEST_PG_URL names a server (the test
// script starts one on loopback).

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <atomic>
#include <cstdlib>
#include <filesystem>
#include <type_traits>

#include "stocktake/service/evidence_ingest.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/storage/store.h"
#include "tests/support/test_support.h"

#ifdef ST_WITH_POSTGRES
#include <libpq-fe.h>
#endif

namespace stocktake {
namespace {

using testing::At;
using testing::Day;

// Creates a store for one test and removes what it made afterwards.
class Backend {
 public:
  virtual ~Backend() = default;
  virtual Result<std::unique_ptr<Store>> Open() = 0;
  virtual std::string SkipReason() const { return ""; }
};

class SqliteMemoryBackend : public Backend {
 public:
  Result<std::unique_ptr<Store>> Open() override { return OpenStore(":memory:"); }
};

class SqliteFileBackend : public Backend {
 public:
  SqliteFileBackend() {
    static std::atomic<int> counter{0};
    path_ = std::filesystem::temp_directory_path() /
            fmt::format("stocktake-conformance-{}-{}.db", getpid(), counter++);
  }
  ~SqliteFileBackend() override {
    for (const char* suffix : {"", "-wal", "-shm"}) {
      std::filesystem::remove(path_.string() + suffix);
    }
  }
  Result<std::unique_ptr<Store>> Open() override {
    StoreOptions options;
    options.create_if_missing = true;
    return OpenStore(path_.string(), options);
  }

 private:
  std::filesystem::path path_;
};

#ifdef ST_WITH_POSTGRES
// Each test gets a database of its own on the server named by the URL.
class PostgresBackend : public Backend {
 public:
  PostgresBackend() {
    const char* url = std::getenv("STOCKTAKE_TEST_PG_URL");
    if (url == nullptr || *url == '\0') return;
    admin_url_ = url;
    static std::atomic<int> counter{0};
    database_ = fmt::format("stocktake_test_{}_{}", getpid(), counter++);
    Admin(fmt::format("CREATE DATABASE {}", database_));
  }
  ~PostgresBackend() override {
    if (!database_.empty())
      Admin(fmt::format("DROP DATABASE IF EXISTS {} WITH (FORCE)", database_));
  }
  std::string SkipReason() const override {
    return admin_url_.empty() ? "STOCKTAKE_TEST_PG_URL is not set" : "";
  }
  Result<std::unique_ptr<Store>> Open() override {
    std::string url = admin_url_.substr(0, admin_url_.rfind('/') + 1) + database_;
    return OpenStore(url);
  }

 private:
  void Admin(const std::string& sql) {
    PGconn* connection = PQconnectdb(admin_url_.c_str());
    PGresult* result = PQexec(connection, sql.c_str());
    PQclear(result);
    PQfinish(connection);
  }
  std::string admin_url_, database_;
};
template <typename B>
constexpr bool kIsPostgres = std::is_same_v<B, PostgresBackend>;
#else
template <typename B>
constexpr bool kIsPostgres = false;
#endif

template <typename B>
class StoreConformanceTest : public ::testing::Test {
 protected:
  void SetUp() override {
    if (std::string reason = backend_.SkipReason(); !reason.empty()) GTEST_SKIP() << reason;
    store_ = ST_MUST(backend_.Open());
  }

  Release MakeRelease(const std::string& version) {
    return Release{version,
                   Day("2012-09-17"),
                   Day("2013-03-25"),
                   Day("2013-06-17"),
                   "{{schedule}}\n\n{{features}}",
                   {},
                   {},
                   {}};
  }

  Feature MakeFeature(const std::string& slug, const std::string& release = "4.3") {
    Feature feature;
    feature.slug = slug;
    feature.title = "Title of " + slug;
    feature.release = release;
    feature.status = "on-track";
    feature.updated_at = At("2013-01-21T10:00:00Z");
    return feature;
  }

  Event MakeEvent(const std::string& kind, const std::string& subject, const char* at) {
    Event event;
    event.at = At(at);
    event.recorded_at = At(at);
    event.actor = "rm@example.org";
    event.kind = kind;
    event.release = "4.3";
    event.subject = subject;
    return event;
  }

  // A project with one release, ready for features.
  void Seed() {
    Project project{
        "Xen Project", "xen-devel@lists.xen.org", {"git://xenbits.xen.org/xen.git"}, XenProcess()};
    ASSERT_TRUE(store_->Transact([&](StoreWriter& writer) -> Result<void> {
      ST_TRY(writer.SaveProject(project));
      ST_TRY(writer.SaveRelease(MakeRelease("4.3")));
      return Ok();
    }));
  }

  B backend_;
  std::unique_ptr<Store> store_;
};

#ifdef ST_WITH_POSTGRES
using Backends = ::testing::Types<SqliteMemoryBackend, SqliteFileBackend, PostgresBackend>;
#else
using Backends = ::testing::Types<SqliteMemoryBackend, SqliteFileBackend>;
#endif
TYPED_TEST_SUITE(StoreConformanceTest, Backends);

TYPED_TEST(StoreConformanceTest, AFreshStoreHasNoProject) {
  EXPECT_FALSE(ST_MUST(this->store_->LoadProject()).has_value());
  EXPECT_TRUE(ST_MUST(this->store_->ListReleases()).empty());
}

TYPED_TEST(StoreConformanceTest, ProjectAndProcessRoundTrip) {
  this->Seed();
  auto project = ST_MUST(this->store_->LoadProject());
  ASSERT_TRUE(project);
  EXPECT_EQ(project->name, "Xen Project");
  EXPECT_EQ(project->mailing_list, "xen-devel@lists.xen.org");
  EXPECT_EQ(project->repositories, std::vector<std::string>{"git://xenbits.xen.org/xen.git"});
  EXPECT_EQ(project->process.StatusIds(), "finished, on-track, fair, at-risk, dropped");
  EXPECT_TRUE(project->process.FindStatus("finished")->done);
  EXPECT_FALSE(project->process.FindStatus("dropped")->in_release);
}

TYPED_TEST(StoreConformanceTest, PeopleAreFoundByAnyIdentity) {
  this->Seed();
  Person person{"george@example.org",
                "George",
                {"gd@example.com"},
                {Role::kReleaseManager, Role::kMaintainer}};
  ASSERT_TRUE(this->store_->Transact(
      [&](StoreWriter& writer) -> Result<void> { return writer.SavePerson(person); }));
  auto found = ST_MUST(this->store_->FindPerson("GD@example.com"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->email, "george@example.org");
  EXPECT_TRUE(found->HasRole(Role::kReleaseManager));
  EXPECT_TRUE(found->HasRole(Role::kMaintainer));
  EXPECT_FALSE(ST_MUST(this->store_->FindPerson("nobody@example.org")));
}

TYPED_TEST(StoreConformanceTest, FeaturesKeepTheirListsAndOrder) {
  this->Seed();
  Feature parent = this->MakeFeature("qemu-upstream");
  Feature child = this->MakeFeature("stubdom");
  child.parent = "qemu-upstream";
  child.code_bases = {"Xen", "Linux"};
  child.owners = {"a@example.org", "b@example.org"};
  child.depends_on = {"qemu-upstream"};
  child.external = true;
  child.must_have = true;
  child.remark = "linux-based";
  // The child goes first: the parent reference is checked at commit.
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveFeature(child, 2));
    ST_TRY(writer.SaveFeature(parent, 1));
    return Ok();
  }));
  auto features = ST_MUST(this->store_->ListFeatures({"4.3", false, false}));
  ASSERT_EQ(features.size(), 2u);
  EXPECT_EQ(features[0].slug, "qemu-upstream");
  const Feature& loaded = features[1];
  EXPECT_EQ(loaded.parent, "qemu-upstream");
  EXPECT_EQ(loaded.code_bases, (std::vector<std::string>{"Xen", "Linux"}));
  EXPECT_EQ(loaded.owners, (std::vector<std::string>{"a@example.org", "b@example.org"}));
  EXPECT_EQ(loaded.depends_on, std::vector<std::string>{"qemu-upstream"});
  EXPECT_TRUE(loaded.external);
  EXPECT_TRUE(loaded.must_have);
  EXPECT_EQ(loaded.remark, "linux-based");
  EXPECT_EQ(loaded.updated_at, At("2013-01-21T10:00:00Z"));

  // An update replaces the lists; ordinal 0 keeps the place.
  child.code_bases = {"QEMU"};
  child.owners.clear();
  ASSERT_TRUE(this->store_->Transact(
      [&](StoreWriter& writer) -> Result<void> { return writer.SaveFeature(child, 0); }));
  auto updated = ST_MUST(this->store_->FindFeature("stubdom"));
  ASSERT_TRUE(updated);
  EXPECT_EQ(updated->code_bases, std::vector<std::string>{"QEMU"});
  EXPECT_TRUE(updated->owners.empty());
  EXPECT_EQ(ST_MUST(this->store_->ListFeatures({"4.3", false, false}))[1].slug, "stubdom");
  EXPECT_EQ(ST_MUST(this->store_->MaxFeatureOrdinal()), 2);
}

TYPED_TEST(StoreConformanceTest, AFailedTransactionWritesNothing) {
  this->Seed();
  auto result = this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveFeature(this->MakeFeature("kept-out"), 1));
    ST_TRY(writer.AppendEvent(this->MakeEvent("feature.added", "kept-out", "2013-01-21")));
    return Fail(Error::InvalidArgument("refused on purpose"));
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().message(), "refused on purpose");
  EXPECT_FALSE(ST_MUST(this->store_->FindFeature("kept-out")));
  EXPECT_TRUE(ST_MUST(this->store_->ListEvents({})).empty());
  // The store is still usable afterwards.
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.SaveFeature(this->MakeFeature("let-in"), 1);
  }));
  EXPECT_TRUE(ST_MUST(this->store_->FindFeature("let-in")));
}

// Ingestion says a feature is alive through TouchFeature; it must never put
// back fields that people changed since it read the feature (issue 8).
TYPED_TEST(StoreConformanceTest, TouchingAFeatureMovesOnlyItsLastActivityForward) {
  this->Seed();
  Feature stored = this->MakeFeature("touched");
  stored.owners = {"owner@example.org"};
  ASSERT_TRUE(this->store_->Transact(
      [&](StoreWriter& writer) -> Result<void> { return writer.SaveFeature(stored, 1); }));
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    Feature changed = stored;
    changed.status = "at-risk";
    changed.notes = "owner on leave";
    ST_TRY(writer.SaveFeature(changed, 0));
    ST_TRY(writer.TouchFeature("touched", At("2013-01-25T08:00:00Z")));
    ST_TRY(writer.TouchFeature("touched", At("2013-01-22T08:00:00Z")));  // older: ignored
    return writer.TouchFeature("no-such-feature", At("2013-01-25T08:00:00Z"));
  }));
  Feature read = *ST_MUST(this->store_->FindFeature("touched"));
  EXPECT_EQ(read.status, "at-risk");
  EXPECT_EQ(read.notes, "owner on leave");
  EXPECT_EQ(read.owners, std::vector<std::string>{"owner@example.org"});
  EXPECT_EQ(read.updated_at, At("2013-01-25T08:00:00Z"));
}

TYPED_TEST(StoreConformanceTest, ForeignKeysRefuseAFeatureOfAnUnknownRelease) {
  this->Seed();
  auto result = this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.SaveFeature(this->MakeFeature("orphan", "9.9"), 1);
  });
  ASSERT_FALSE(result);
  EXPECT_FALSE(ST_MUST(this->store_->FindFeature("orphan")));
}

TYPED_TEST(StoreConformanceTest, EventsAreAppendedInOrderAndFiltered) {
  this->Seed();
  std::vector<std::int64_t> ids;
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "a", "2013-01-02"))));
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "b", "2013-01-01"))));
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.added", "a", "2013-01-03"))));
    return Ok();
  }));
  EXPECT_LT(ids[0], ids[1]);
  EXPECT_LT(ids[1], ids[2]);
  auto all = ST_MUST(this->store_->ListEvents({}));
  ASSERT_EQ(all.size(), 3u);
  EXPECT_EQ(all[0].subject, "b");  // Oldest first by time.
  EventQuery query;
  query.subject = "a";
  query.kind = "feature.status";
  EXPECT_EQ(ST_MUST(this->store_->ListEvents(query)).size(), 1u);
  EventQuery window;
  window.since = At("2013-01-02");
  window.until = At("2013-01-03");
  auto in_window = ST_MUST(this->store_->ListEvents(window));
  ASSERT_EQ(in_window.size(), 1u);
  EXPECT_EQ(in_window[0].id, ids[0]);
  EXPECT_EQ(in_window[0].actor, "rm@example.org");
}

TYPED_TEST(StoreConformanceTest, EventsAreFilteredByAnyOfSeveralKinds) {
  this->Seed();
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "a", "2013-01-01")));
    ST_TRY(writer.AppendEvent(this->MakeEvent("feature.updated", "a", "2013-01-02")));
    ST_TRY(writer.AppendEvent(this->MakeEvent("feature.added", "b", "2013-01-03")));
    ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "b", "2013-01-04")));
    return Ok();
  }));
  EventQuery query;
  query.kinds = {"feature.added", "feature.status"};
  auto events = ST_MUST(this->store_->ListEvents(query));
  ASSERT_EQ(events.size(), 3u);
  EXPECT_EQ(events[0].kind, "feature.status");
  EXPECT_EQ(events[1].kind, "feature.added");
  EXPECT_EQ(events[2].kind, "feature.status");
  query.kind = "feature.status";  // Both filters apply.
  query.since = At("2013-01-02");
  events = ST_MUST(this->store_->ListEvents(query));
  ASSERT_EQ(events.size(), 1u);
  EXPECT_EQ(events[0].subject, "b");
  query.kind.clear();
  query.kinds = {"feature.removed"};
  EXPECT_TRUE(ST_MUST(this->store_->ListEvents(query)).empty());
}

TYPED_TEST(StoreConformanceTest, SchedulesChangesComeBackWithTheRelease) {
  this->Seed();
  ScheduleChange change{At("2013-02-01T12:00:00Z"),
                        "rm@example.org",
                        Day("2013-03-25"),
                        Day("2013-04-08"),
                        Day("2013-06-17"),
                        Day("2013-07-01"),
                        "PVH"};
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    Release release = this->MakeRelease("4.3");
    release.freeze = Day("2013-04-08");
    release.release = Day("2013-07-01");
    ST_TRY(writer.SaveRelease(release));
    ST_TRY(writer.AppendEvent(ScheduleChangeEvent("4.3", change)));
    return Ok();
  }));
  auto release = ST_MUST(this->store_->FindRelease("4.3"));
  ASSERT_TRUE(release);
  EXPECT_EQ(release->freeze, Day("2013-04-08"));
  ASSERT_EQ(release->schedule_changes.size(), 1u);
  EXPECT_EQ(release->schedule_changes[0].old_release, Day("2013-06-17"));
  EXPECT_EQ(release->schedule_changes[0].reason, "PVH");
}

TYPED_TEST(StoreConformanceTest, TextSurvivesExactly) {
  this->Seed();
  Feature feature = this->MakeFeature("unicode");
  feature.title = "Évent chännel \"scalability\" — 16TiB; DROP TABLE features; --";
  feature.notes = "line one\nline two\n\ttabbed ' quote";
  ASSERT_TRUE(this->store_->Transact(
      [&](StoreWriter& writer) -> Result<void> { return writer.SaveFeature(feature, 1); }));
  auto loaded = ST_MUST(this->store_->FindFeature("unicode"));
  ASSERT_TRUE(loaded);
  EXPECT_EQ(loaded->title, feature.title);
  EXPECT_EQ(loaded->notes, feature.notes);
}

// The whole planning path, end to end, on every back end.
TYPED_TEST(StoreConformanceTest, TheXen43ReleaseReportsAndRoundTrips) {
  Planning planning(*this->store_);
  std::string text = testing::ReadFileForTesting(testing::SourcePath("examples/xen-4.3.yaml"));
  ASSERT_TRUE(planning.Import({"george.dunlap@eu.citrix.com", At("2013-01-21")}, text, "x.yaml"));
  auto report = planning.Report("4.3", At("2013-01-21"), std::nullopt);
  ASSERT_TRUE(report) << report.error().ToString();
  EXPECT_EQ(RenderTakingStockText(*report), testing::SeedTakingStockBody());
  std::string exported = ST_MUST(planning.Export());
  // The importer became the first admin, so may import again.
  auto again = ST_MUST(
      planning.Import({"george.dunlap@eu.citrix.com", At("2013-02-01")}, exported, "e.yaml"));
  EXPECT_EQ(again.events_written, 0);
  EXPECT_EQ(ST_MUST(planning.Export()), exported);
}

// Reads as of a past instant replay each feature's and release's own
// events, a backdated change included, on every back end.
TYPED_TEST(StoreConformanceTest, EventsPageInTheOrderOfWritingAfterACursor) {
  this->Seed();
  std::vector<std::int64_t> ids;
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    for (const char* at : {"2013-01-05", "2013-01-01", "2013-01-03", "2013-01-02"}) {
      ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "a", at))));
    }
    return Ok();
  }));
  EventQuery query;
  query.order = EventOrder::kRecorded;
  query.after_id = ids[0];
  query.limit = 2;
  auto page = ST_MUST(this->store_->ListEvents(query));
  ASSERT_EQ(page.size(), 2u);
  EXPECT_EQ(page[0].id, ids[1]);
  EXPECT_EQ(page[1].id, ids[2]);
  query.after_id = ids[2];
  page = ST_MUST(this->store_->ListEvents(query));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, ids[3]);
  // In effect order, the limit takes the earliest.
  EventQuery in_effect;
  in_effect.limit = 1;
  page = ST_MUST(this->store_->ListEvents(in_effect));
  ASSERT_EQ(page.size(), 1u);
  EXPECT_EQ(page[0].id, ids[1]);
}

TYPED_TEST(StoreConformanceTest, TheChangeStampMovesOnEveryCommitOnly) {
  this->Seed();
  std::string before = ST_MUST(this->store_->ChangeStamp());
  ASSERT_TRUE(ST_MUST(this->store_->ListReleases()).size() > 0);
  // A read leaves it. PostgreSQL's WAL position also moves with the writes
  // of other sessions (the other tests running beside this one).
  if (!kIsPostgres<TypeParam>) {
    EXPECT_EQ(ST_MUST(this->store_->ChangeStamp()), before) << "a read moved it";
  }
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "a", "2013-01-02")));
    return Ok();
  }));
  std::string after = ST_MUST(this->store_->ChangeStamp());
  EXPECT_NE(after, before);
  // A failed transaction commits nothing; the stamp may stay.
  EXPECT_FALSE(this->store_->Transact(
      [](StoreWriter&) -> Result<void> { return Fail(Error::Conflict("no")); }));
}

TYPED_TEST(StoreConformanceTest, EventSpansGiveEachSubjectsFirstLastAndNewest) {
  this->Seed();
  std::vector<std::int64_t> ids;
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "a", "2013-01-05"))));
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.status", "b", "2013-01-01"))));
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("feature.added", "a", "2013-01-02"))));
    ids.push_back(ST_TRY(writer.AppendEvent(this->MakeEvent("release.added", "a", "2013-01-09"))));
    return Ok();
  }));
  EventQuery query;
  query.kind_prefix = "feature.";
  auto spans = ST_MUST(this->store_->ListEventSpans(query));
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].subject, "a");
  EXPECT_EQ(spans[0].first, At("2013-01-02"));
  EXPECT_EQ(spans[0].last, At("2013-01-05"));
  EXPECT_EQ(spans[0].newest_id, ids[2]);
  EXPECT_EQ(spans[1].subject, "b");
  EXPECT_EQ(spans[1].first, spans[1].last);
  EXPECT_EQ(spans[1].newest_id, ids[1]);
  query.until = At("2013-01-03");
  spans = ST_MUST(this->store_->ListEventSpans(query));
  ASSERT_EQ(spans.size(), 2u);
  EXPECT_EQ(spans[0].last, At("2013-01-02"));
  query.subject = "c";
  EXPECT_TRUE(ST_MUST(this->store_->ListEventSpans(query)).empty());
}

TYPED_TEST(StoreConformanceTest, AsOfReadsReplayEveryChangeInEffectOrder) {
  this->Seed();
  Planning planning(*this->store_);
  auto as = [](const char* when, bool backdate = false) {
    return Context{"rm@example.org", At(when), At("2026-11-29T12:00:00Z"), backdate, false};
  };
  ASSERT_TRUE(this->store_->Transact([](StoreWriter& writer) {
    return writer.SavePerson({"rm@example.org", "RM", {}, {Role::kAdmin, Role::kReleaseManager}});
  }));

  ASSERT_TRUE(planning.AddRelease(as("2013-01-01"), this->MakeRelease("4.4")));
  Feature draft = this->MakeFeature("pvh");
  ASSERT_TRUE(planning.AddFeature(as("2013-01-10"), draft));
  ASSERT_TRUE(planning.AddFeature(as("2013-01-10"), this->MakeFeature("blk")));
  FeatureUpdate risky;
  risky.status = "at-risk";
  risky.title = "PVH mode";
  ASSERT_TRUE(planning.UpdateFeature(as("2013-01-20"), "pvh", risky));
  FeatureUpdate move;
  move.release = "4.4";
  ASSERT_TRUE(planning.UpdateFeature(as("2013-02-01"), "pvh", move));
  ASSERT_TRUE(
      planning.SlipRelease(as("2013-02-01"), "4.3", Day("2013-04-08"), std::nullopt, "PVH"));

  FeatureUpdate fair;
  fair.status = "fair";
  fair.notes = "re-rated";
  auto refused = planning.UpdateFeature(as("2013-01-15"), "pvh", fair);
  ASSERT_FALSE(refused);
  EXPECT_TRUE(refused.error().IsConflict()) << refused.error().ToString();
  ASSERT_TRUE(planning.UpdateFeature(as("2013-01-15", true), "pvh", fair));

  auto at = [&](const char* when) { return MakeAsOfStore(*this->store_, At(when)); };
  EXPECT_FALSE(ST_MUST(at("2013-01-09")->FindFeature("pvh")).has_value());
  Feature first = ST_MUST(at("2013-01-12")->FindFeature("pvh")).value();
  EXPECT_EQ(first.title, "Title of pvh");
  EXPECT_EQ(first.status, "on-track");
  EXPECT_EQ(first.notes, "");
  Feature backdated = ST_MUST(at("2013-01-16")->FindFeature("pvh")).value();
  EXPECT_EQ(backdated.status, "fair");
  EXPECT_EQ(backdated.notes, "re-rated");
  EXPECT_EQ(backdated.updated_at, At("2013-01-15"));
  Feature later = ST_MUST(at("2013-01-25")->FindFeature("pvh")).value();
  EXPECT_EQ(later.status, "at-risk");
  EXPECT_EQ(later.title, "PVH mode");
  EXPECT_EQ(later.notes, "re-rated");
  EXPECT_EQ(later.release, "4.3");
  ASSERT_EQ(later.history.size(), 3u);
  EXPECT_EQ(later.history[2].from, "fair");

  // Listed in 4.3, in its old place, until it moved; the stored row is the latest.
  auto in_43 = ST_MUST(at("2013-01-25")->ListFeatures({"4.3", true, false}));
  ASSERT_EQ(in_43.size(), 2u);
  EXPECT_EQ(in_43[0].slug, "pvh");
  EXPECT_EQ(in_43[1].slug, "blk");
  ASSERT_EQ(in_43[0].history.size(), 3u);
  EXPECT_EQ(in_43[0].history[2].from, "fair");
  EXPECT_EQ(ST_MUST(at("2013-02-02")->ListFeatures({"4.3", false, false})).size(), 1u);
  // A list reads the events in effect only when one was recorded after a
  // later one; the single reads always do. Both agree, on either side of
  // the backdated change.
  for (const char* when : {"2013-01-12", "2013-01-16", "2013-01-25"}) {
    Feature one = ST_MUST(at(when)->FindFeature("pvh")).value();
    auto listed = ST_MUST(at(when)->ListFeatures({"4.3", true, false}));
    ASSERT_FALSE(listed.empty()) << when;
    EXPECT_EQ(listed[0].slug, "pvh") << when;
    EXPECT_EQ(listed[0].status, one.status) << when;
    EXPECT_EQ(listed[0].notes, one.notes) << when;
    EXPECT_EQ(listed[0].title, one.title) << when;
    EXPECT_EQ(listed[0].updated_at, one.updated_at) << when;
    EXPECT_EQ(listed[0].history.size(), one.history.size()) << when;
  }
  Feature now = ST_MUST(this->store_->FindFeature("pvh")).value();
  EXPECT_EQ(now.status, "at-risk");
  EXPECT_EQ(now.notes, "re-rated");
  EXPECT_EQ(now.release, "4.4");

  EXPECT_EQ(ST_MUST(at("2013-01-25")->FindRelease("4.3"))->freeze, Day("2013-03-25"));
  EXPECT_EQ(ST_MUST(at("2013-02-01")->FindRelease("4.3"))->freeze, Day("2013-04-08"));
  EXPECT_TRUE(ST_MUST(at("2013-01-25")->FindRelease("4.3"))->schedule_changes.empty());
  EXPECT_FALSE(ST_MUST(at("2012-12-31")->FindRelease("4.4")).has_value());
  EventQuery features_only;
  features_only.kind_prefix = "feature.";
  for (const Event& event : ST_MUST(at("2013-01-25")->ListEvents(features_only))) {
    EXPECT_EQ(event.kind.rfind("feature.", 0), 0u) << event.kind;
    EXPECT_LE(event.at, At("2013-01-25"));
    EXPECT_EQ(event.recorded_at, At("2026-11-29T12:00:00Z"));
  }
  EXPECT_FALSE(at("2013-01-25")->Transact([](StoreWriter&) { return Ok(); }));
}

// Protocols, stage histories and waivers, on every back end.
TYPED_TEST(StoreConformanceTest, TheXenProtocolsExampleRoundTrips) {
  Planning planning(*this->store_);
  std::string text =
      testing::ReadFileForTesting(testing::SourcePath("examples/xen-pv-protocols.yaml"));
  auto imported = planning.Import({"czar@example.org", At("2026-01-01")}, text, "p.yaml");
  ASSERT_TRUE(imported) << imported.error().ToString();
  std::string exported = ST_MUST(planning.Export());
  EXPECT_NE(exported.find("name: pvcalls"), std::string::npos);
  auto again = ST_MUST(planning.Import({"czar@example.org", At("2026-01-02")}, exported, "e.yaml"));
  EXPECT_EQ(again.events_written, 0);
  EXPECT_EQ(ST_MUST(planning.Export()), exported);
}

// Mail and git evidence, on every back end: the notmuch corpus threads as
// notmuch does, a second run adds nothing, and a small repository's trailers
// are counted per commit.
TYPED_TEST(StoreConformanceTest, EvidenceIngestsOnceAndCountsAlike) {
  if (auto missing = testing::MissingShared("data/mail/notmuch-corpus/lkml"))
    GTEST_SKIP() << *missing;
  EvidenceIngest ingest(*this->store_);
  IngestOptions options;
  options.actor = "bot@example.org";
  options.now = At("2026-01-01");
  std::string root = testing::SharedPath("data/mail/notmuch-corpus/lkml");
  auto first = ingest.IngestMaildir(root, options);
  ASSERT_TRUE(first) << first.error().ToString();
  EXPECT_EQ(first->threads, 7);
  auto stats = ST_MUST(this->store_->evidence().Stats());
  EXPECT_EQ(stats.messages, 176);
  EXPECT_EQ(stats.threads, 7);
  auto second = ST_MUST(ingest.IngestMaildir(root, options));
  EXPECT_EQ(second.messages_added, 0);
  EXPECT_EQ(ST_MUST(this->store_->evidence().Stats()).messages, 176);

  auto repository = std::filesystem::temp_directory_path() /
                    fmt::format("stocktake-conformance-git-{}-{}", getpid(),
                                ::testing::UnitTest::GetInstance()->random_seed());
  std::filesystem::create_directories(repository);
  std::string git = "cd '" + repository.string() +
                    "' && GIT_AUTHOR_NAME=Dev GIT_AUTHOR_EMAIL=dev@example.org "
                    "GIT_COMMITTER_NAME=Dev GIT_COMMITTER_EMAIL=dev@example.org ";
  std::string script =
      git + "git init -q && echo a > a && git add a && " +
      "printf 'a: add\\n\\nSigned-off-by: Dev <dev@example.org>\\nAcked-by: R <r@example.org>\\n' "
      "> ../msg-" +
      repository.filename().string() + " && git commit -q -F ../msg-" +
      repository.filename().string() + " && " +
      "echo b > b && git add b && git commit -qm 'b: add' -m 'Signed-off-by: Dev "
      "<dev@example.org>'";
  ASSERT_EQ(std::system(script.c_str()), 0);
  auto commits = ingest.IngestGit(repository.string(), options);
  ASSERT_TRUE(commits) << commits.error().ToString();
  EXPECT_EQ(commits->commits_added, 2);
  stats = ST_MUST(this->store_->evidence().Stats());
  EXPECT_EQ(stats.commits, 2);
  EXPECT_EQ(stats.commits_with_trailer["signed-off-by"], 2);
  EXPECT_EQ(stats.commits_with_trailer["acked-by"], 1);
  EXPECT_EQ(ST_MUST(ingest.IngestGit(repository.string(), options)).commits_added, 0);
  std::filesystem::remove_all(repository);
  std::filesystem::remove(repository.parent_path() / ("msg-" + repository.filename().string()));
}

// Issue 7: database errors are mapped by SQLite result code or SQLSTATE.
TYPED_TEST(StoreConformanceTest, AConstraintViolationIsAConflictNotAnIoError) {
  auto result = this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.SaveFeature(this->MakeFeature("orphan", "9.9"), 1);  // no release 9.9
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kConflict) << result.error().ToString();
  EXPECT_FALSE(ST_MUST(this->store_->FindFeature("orphan")));
}

TYPED_TEST(StoreConformanceTest, AnErrorFromTheTransactionBodyPassesUnchanged) {
  auto result = this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SaveRelease(this->MakeRelease("4.3")));
    return Fail(Error::NotFound("no such thing").WithContext("here"));
  });
  ASSERT_FALSE(result);
  EXPECT_EQ(result.error().code(), ErrorCode::kNotFound);
  EXPECT_EQ(result.error().ToString(), "here: no such thing");
  EXPECT_FALSE(ST_MUST(this->store_->FindRelease("4.3")));
}

ApiToken MakeToken(const std::string& name, const std::string& hash) {
  ApiToken token;
  token.person = "george@example.org";
  token.name = name;
  token.hash = hash;
  token.scope = TokenScope::kWrite;
  token.created_at = At("2026-01-01T10:00:00Z");
  return token;
}

// Accounts of the server: passwords, tokens and sessions round-trip, a live
// token name is unique per person, revoking frees it, sessions expire.
TYPED_TEST(StoreConformanceTest, PasswordsAreKeptPerPersonAndReplaced) {
  this->Seed();
  AccountReader& accounts = this->store_->accounts();
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.SavePerson(Person{"george@example.org", "George", {}, {}});
  }));
  EXPECT_FALSE(ST_MUST(accounts.FindPasswordHash("george@example.org")));
  for (const char* hash : {"$argon2id$first", "$argon2id$second"}) {
    ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
      return writer.account_writer().SavePasswordHash("george@example.org", hash, At("2026-01-01"));
    }));
  }
  EXPECT_EQ(ST_MUST(accounts.FindPasswordHash("george@example.org")), "$argon2id$second");
  // Saving the person again keeps the password.
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.SavePerson(Person{"george@example.org", "G.", {}, {Role::kReader}});
  }));
  EXPECT_EQ(ST_MUST(accounts.FindPasswordHash("george@example.org")), "$argon2id$second");
  auto orphan = this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.account_writer().SavePasswordHash("nobody@example.org", "x", At("2026-01-01"));
  });
  ASSERT_FALSE(orphan);
  EXPECT_EQ(orphan.error().code(), ErrorCode::kConflict) << orphan.error().ToString();
}

TYPED_TEST(StoreConformanceTest, TokensAreFoundByHashAndRevokedOnce) {
  this->Seed();
  AccountReader& accounts = this->store_->accounts();
  std::int64_t first = 0, second = 0;
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SavePerson(Person{"george@example.org", "George", {}, {}}));
    ApiToken token = MakeToken("ci", "aa11");
    token.expires_at = At("2026-02-01");
    first = ST_TRY(writer.account_writer().CreateToken(token));
    ApiToken read = MakeToken("laptop", "bb22");
    read.scope = TokenScope::kRead;
    second = ST_TRY(writer.account_writer().CreateToken(read));
    return Ok();
  }));
  EXPECT_NE(first, second);
  auto found = ST_MUST(accounts.FindTokenByHash("aa11"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->id, first);
  EXPECT_EQ(found->person, "george@example.org");
  EXPECT_EQ(found->name, "ci");
  EXPECT_EQ(found->scope, TokenScope::kWrite);
  EXPECT_EQ(found->created_at, At("2026-01-01T10:00:00Z"));
  EXPECT_EQ(found->expires_at, At("2026-02-01"));
  EXPECT_FALSE(found->revoked_at);
  EXPECT_EQ(ST_MUST(accounts.FindTokenByHash("bb22"))->scope, TokenScope::kRead);
  EXPECT_FALSE(ST_MUST(accounts.FindTokenByHash("cc33")));

  // A live name is taken; nothing of the failed transaction stays.
  auto taken = this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    return writer.account_writer().CreateToken(MakeToken("ci", "dd44")).map([](auto) {});
  });
  ASSERT_FALSE(taken);
  EXPECT_EQ(taken.error().code(), ErrorCode::kConflict) << taken.error().ToString();
  EXPECT_FALSE(ST_MUST(accounts.FindTokenByHash("dd44")));

  bool revoked = false, again = true;
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    revoked = ST_TRY(writer.account_writer().RevokeToken(first, At("2026-01-15")));
    again = ST_TRY(writer.account_writer().RevokeToken(first, At("2026-01-16")));
    // Revoking frees the name.
    return writer.account_writer().CreateToken(MakeToken("ci", "ee55")).map([](auto) {});
  }));
  EXPECT_TRUE(revoked);
  EXPECT_FALSE(again);
  EXPECT_EQ(ST_MUST(accounts.FindTokenByHash("aa11"))->revoked_at, At("2026-01-15"));
  auto tokens = ST_MUST(accounts.ListTokens("george@example.org"));
  ASSERT_EQ(tokens.size(), 3u);
  EXPECT_EQ(tokens[0].name, "ci");
  EXPECT_TRUE(tokens[0].revoked_at);
  EXPECT_EQ(tokens[1].name, "laptop");
  EXPECT_EQ(tokens[2].hash, "ee55");
  EXPECT_EQ(ST_MUST(accounts.ListTokens("")).size(), 3u);
  EXPECT_TRUE(ST_MUST(accounts.ListTokens("other@example.org")).empty());
}

TYPED_TEST(StoreConformanceTest, SessionsAreFoundByIdHashAndExpire) {
  this->Seed();
  AccountReader& accounts = this->store_->accounts();
  LoginSession session{"ff66", "george@example.org", "csrf-1", At("2026-01-01"),
                       At("2026-01-01T12:00:00Z")};
  LoginSession later{"ff77", "george@example.org", "csrf-2", At("2026-01-01"), At("2026-01-03")};
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.SavePerson(Person{"george@example.org", "George", {}, {}}));
    ST_TRY(writer.account_writer().CreateSession(session));
    return writer.account_writer().CreateSession(later);
  }));
  auto found = ST_MUST(accounts.FindSession("ff66"));
  ASSERT_TRUE(found);
  EXPECT_EQ(found->person, "george@example.org");
  EXPECT_EQ(found->csrf_token, "csrf-1");
  EXPECT_EQ(found->created_at, At("2026-01-01"));
  EXPECT_EQ(found->expires_at, At("2026-01-01T12:00:00Z"));
  std::int64_t expired = 0;
  bool deleted = false, again = true;
  ASSERT_TRUE(this->store_->Transact([&](StoreWriter& writer) -> Result<void> {
    expired = ST_TRY(writer.account_writer().DeleteExpiredSessions(At("2026-01-02")));
    deleted = ST_TRY(writer.account_writer().DeleteSession("ff77"));
    again = ST_TRY(writer.account_writer().DeleteSession("ff77"));
    return Ok();
  }));
  EXPECT_EQ(expired, 1);
  EXPECT_TRUE(deleted);
  EXPECT_FALSE(again);
  EXPECT_FALSE(ST_MUST(accounts.FindSession("ff66")));
  EXPECT_FALSE(ST_MUST(accounts.FindSession("ff77")));
}

TEST(OpenStoreTest, MissingFileIsNotCreatedUnlessAsked) {
  auto missing = OpenStore("/nonexistent-dir/none.db");
  ASSERT_FALSE(missing);
  EXPECT_TRUE(missing.error().IsNotFound());
  EXPECT_NE(missing.error().message().find("stocktake init"), std::string::npos);
}

TEST(OpenStoreTest, ReopeningAFileKeepsItsDataAndSchema) {
  auto path =
      std::filesystem::temp_directory_path() / fmt::format("stocktake-reopen-{}.db", getpid());
  {
    StoreOptions options;
    options.create_if_missing = true;
    auto store = ST_MUST(OpenStore(path.string(), options));
    ASSERT_TRUE(store->Transact([&](StoreWriter& writer) -> Result<void> {
      return writer.SaveProject(Project{"P", "", {}, XenProcess()});
    }));
  }
  auto store = ST_MUST(OpenStore("sqlite:" + path.string()));
  EXPECT_EQ(ST_MUST(store->LoadProject())->name, "P");
  for (const char* suffix : {"", "-wal", "-shm"}) std::filesystem::remove(path.string() + suffix);
}

}  // namespace
}  // namespace stocktake
