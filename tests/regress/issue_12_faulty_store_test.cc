// Issue 12, item 7: a write that fails halfway (a full disk, a lost
// connection) must leave the database exactly as it was before, with a
// clear error. FaultyStore fails the Nth write of an import, a mail ingest
// and a feature update, for every N up to the commit, and the store is
// compared with its before-state each time.

#include <fmt/format.h>
#include <gtest/gtest.h>

#include <string>

#include "stocktake/service/evidence_ingest.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "tests/support/faulty_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;
using testing::FaultyStore;

constexpr char kAdmin[] = "admin@example.org";
constexpr char kIngester[] = "ingest@example.org";

// Everything a reader can see: the project as a file, the event log, the mail.
std::string Snapshot(Store& store) {
  Planning planning(store);
  auto exported = planning.Export();
  std::string out = exported ? *exported : "no export: " + exported.error().ToString();
  for (const Event& event : ST_MUST(store.ListEvents({}))) {
    out += fmt::format("\nevent {} {} {} {} {} {}", event.id, event.kind, event.subject, event.from,
                       event.to, event.detail);
  }
  for (const auto& id : ST_MUST(store.evidence().ListMessageIds())) out += "\nmessage " + id;
  EvidenceStats stats = ST_MUST(store.evidence().Stats());
  out += fmt::format("\nstats {} {} {} {} {}", stats.messages, stats.threads, stats.series,
                     stats.commits, stats.links);
  for (const auto& [key, count] : stats.trailers) out += fmt::format("\ntrailer {} {}", key, count);
  return out;
}

std::string Example() {
  return testing::ReadFileForTesting(testing::SourcePath("examples/xen-4.3.yaml"));
}

Result<void> ImportExample(Store& store) {
  Planning planning(store);
  ST_TRY(planning.Import({kAdmin, At("2013-01-21")}, Example(), "examples/xen-4.3.yaml"));
  return Ok();
}

Result<void> IngestMail(Store& store) {
  IngestOptions options;
  options.actor = kIngester;
  options.now = At("2013-02-01");
  options.threads = 1;
  EvidenceIngest ingest(store);
  ST_TRY(ingest.IngestMbox({testing::SourcePath("tests/data/truncation.mbox")}, options));
  return Ok();
}

Result<void> SetStatus(Store& store) {
  FeatureUpdate update;
  update.status = "at-risk";
  update.reason = "no reviewer";
  update.title = "A new title";
  Planning planning(store);
  ST_TRY(planning.UpdateFeature({"george.dunlap@eu.citrix.com", At("2013-01-22")}, "pci-pass-thru",
                                update));
  return Ok();
}

// Runs `operation` once to count its writes, then once more for each write
// (and the commit after the last), on a fresh store prepared by `prepare`,
// failing that write: each run must fail with the injected error and leave
// the before-state. Returns the number of writes.
template <typename Prepare, typename Operation>
std::int64_t FailEveryWrite(Prepare prepare, Operation operation) {
  std::int64_t writes = 0;
  {
    auto store = ST_MUST(OpenStore(":memory:"));
    prepare(*store);
    FaultyStore counting(*store);
    auto done = operation(counting);
    if (!done) ADD_FAILURE() << done.error().ToString();
    writes = counting.writes();
  }
  for (std::int64_t nth = 1; nth <= writes; ++nth) {
    auto store = ST_MUST(OpenStore(":memory:"));
    prepare(*store);
    std::string before = Snapshot(*store);
    FaultyStore faulty(*store);
    faulty.FailWrite(nth);
    auto done = operation(faulty);
    EXPECT_TRUE(faulty.injected()) << "write " << nth;
    if (done) {
      ADD_FAILURE() << "write " << nth << " failed, yet the operation succeeded";
      continue;
    }
    EXPECT_NE(done.error().ToString().find("injected fault: write " + std::to_string(nth)),
              std::string::npos)
        << done.error().ToString();
    EXPECT_EQ(Snapshot(*store), before) << "a partial state after failing write " << nth;
  }
  // The figure the issue's closing note asks for: faults injected, per test.
  ::testing::Test::RecordProperty("faults_injected", std::to_string(writes));
  return writes;
}

void Nothing(Store&) {}

void Imported(Store& store) { ASSERT_TRUE(ImportExample(store)); }

void Initialised(Store& store) {
  Planning planning(store);
  Context context{kAdmin, At("2013-01-01")};
  ASSERT_TRUE(planning.Init(context, Project{"Xen", "", {}, XenProcess()}, kAdmin));
  ASSERT_TRUE(planning.SavePerson(context, Person{kIngester, "", {}, {Role::kMaintainer}}));
}

TEST(Issue12FaultyStoreTest, EveryFailedWriteOfAnImportLeavesTheBeforeState) {
  EXPECT_GT(FailEveryWrite(Nothing, ImportExample), 40);
}

TEST(Issue12FaultyStoreTest, EveryFailedWriteOfAMailIngestLeavesTheBeforeState) {
  EXPECT_GT(FailEveryWrite(Initialised, IngestMail), 3);
}

TEST(Issue12FaultyStoreTest, EveryFailedWriteOfAFeatureUpdateLeavesTheBeforeState) {
  EXPECT_GT(FailEveryWrite(Imported, SetStatus), 2);
}

}  // namespace
}  // namespace stocktake
