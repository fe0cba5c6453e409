#include "stocktake/server/api.h"

#include <gtest/gtest.h>
#include <unistd.h>

#include <filesystem>
#include <fstream>
#include <functional>
#include <nlohmann/json.hpp>
#include <sstream>

#include "stocktake/report/taking_stock.h"
#include "stocktake/service/evidence_ingest.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/view/json_printer.h"
#include "tests/support/test_support.h"

namespace stocktake::server {
namespace {

using testing::At;
using testing::ReadFileForTesting;
using testing::SourcePath;

constexpr char kManager[] = "george.dunlap@eu.citrix.com";

// Every read fails as a database server that went away does.
class DownStore final : public Store {
 public:
  explicit DownStore(Store& evidence) : evidence_(evidence) {}
  Result<std::optional<Project>> LoadProject() override { return Down(); }
  Result<std::vector<Person>> ListPeople() override { return Down(); }
  Result<std::optional<Person>> FindPerson(const std::string&) override { return Down(); }
  Result<std::vector<Release>> ListReleases() override { return Down(); }
  Result<std::optional<Release>> FindRelease(const std::string&) override { return Down(); }
  Result<std::vector<Feature>> ListFeatures(const FeatureQuery&) override { return Down(); }
  Result<std::optional<Feature>> FindFeature(const std::string&) override { return Down(); }
  Result<std::int64_t> MaxFeatureOrdinal() override { return Down(); }
  Result<std::vector<Event>> ListEvents(const EventQuery&) override { return Down(); }
  Result<std::vector<EventSpan>> ListEventSpans(const EventQuery&) override { return Down(); }
  Result<std::string> ChangeStamp() override { return Down(); }
  Result<std::vector<Protocol>> ListProtocols() override { return Down(); }
  Result<std::optional<Protocol>> FindProtocol(const std::string&) override { return Down(); }
  Result<std::vector<Proposal>> ListProposals(const ProposalQuery&) override { return Down(); }
  Result<std::optional<Proposal>> FindProposal(std::int64_t) override { return Down(); }
  Result<std::optional<Proposal>> FindProposalByObjection(std::int64_t) override { return Down(); }
  EvidenceReader& evidence() override { return evidence_.evidence(); }
  AccountReader& accounts() override { return evidence_.accounts(); }
  Result<void> Transact(const std::function<Result<void>(StoreWriter&)>&) override {
    return Down();
  }

 private:
  static tl::unexpected<Error> Down() {
    return Fail(Error::Unavailable("could not connect to server: Connection refused"));
  }
  Store& evidence_;
};

std::string Mail(const std::string& id, const std::string& subject,
                 const std::string& in_reply_to) {
  std::string text =
      "From dev@example.org Mon Feb  6 10:00:00 2017\nFrom: Dev <dev@example.org>\n"
      "Date: Mon, 6 Feb 2017 10:00:00 +0000\nSubject: " +
      subject + "\nMessage-ID: <" + id + ">\n";
  if (!in_reply_to.empty()) {
    text += "In-Reply-To: <" + in_reply_to + ">\nReferences: <" + in_reply_to + ">\n";
  }
  return text + "\nbody\n\n";
}

// Two databases as the README builds them: the Xen 4.3 release imported on
// 2013-01-21 with a few mails, and the PV protocols with one proposal.
class ApiTest : public ::testing::Test {
 protected:
  static void SetUpTestSuite() {
    release_ = ST_MUST(OpenStore(":memory:")).release();
    Planning planning(*release_);
    ST_MUST(planning.Import({kManager, At("2013-01-21")},
                            ReadFileForTesting(SourcePath("examples/xen-4.3.yaml")),
                            "examples/xen-4.3.yaml"));
    IngestMail();
    protocols_ = ST_MUST(OpenStore(":memory:")).release();
    Planning pv(*protocols_);
    ST_MUST(pv.Import({kManager, At("2026-01-01")},
                      ReadFileForTesting(SourcePath("examples/xen-pv-protocols.yaml")),
                      "examples/xen-pv-protocols.yaml"));
    ST_MUST(pv.SavePerson({kManager, At("2026-01-01")},
                          Person{"dev@example.org", "", {}, {Role::kContributor}}));
    Lifecycle lifecycle(*protocols_);
    ST_MUST(lifecycle.Propose({"dev@example.org", At("2026-11-01")}, "pvcalls", "production", "",
                              std::nullopt));
  }
  static void TearDownTestSuite() {
    delete release_;
    delete protocols_;
  }

  static void IngestMail() {
    std::string path = (std::filesystem::temp_directory_path() /
                        ("stocktake-api-test-" + std::to_string(getpid()) + ".mbox"))
                           .string();
    std::ofstream(path) << Mail("c@x", "[PATCH v2 0/1] pvcalls: frontend", "")
                        << Mail("p1@x", "[PATCH v2 1/1] pvcalls: skeleton", "c@x")
                        << Mail("r/1@x", "Re: [PATCH v2 1/1] pvcalls: skeleton", "p1@x");
    IngestOptions options;
    options.actor = kManager;  // the first admin, who imported the file
    options.now = At("2013-01-20");
    ST_MUST(EvidenceIngest(*release_).IngestMbox({path}, options));
    std::filesystem::remove(path);
  }

  static Response Get(Store& store, const std::string& target, const std::string& method = "GET",
                      const std::string& if_none_match = "") {
    Request request;
    request.method = method;
    request.target = target;
    if (!if_none_match.empty()) request.headers["if-none-match"] = if_none_match;
    return Api(&metrics_).Handle(request, store, At("2026-11-20T12:00:00Z"));
  }
  static Response Get(const std::string& target) { return Get(*release_, target); }

  // What `stocktake --json --now NOW …` prints: the view, read as of `now`.
  template <typename Build>
  static std::string CliJson(Store& store, Timestamp now, Build build) {
    auto past = MakeAsOfStore(store, now);
    std::ostringstream out;
    view::JsonPrinter printer(out);
    printer.Print(ST_MUST(build(*past, now)));
    return out.str();
  }

  static void ExpectError(const Response& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    EXPECT_EQ(response.content_type, kJsonType);
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body["error"]["code"], code) << response.body;
    EXPECT_TRUE(body["error"]["message"].is_string()) << response.body;
  }

  static inline Store* release_ = nullptr;
  static inline Store* protocols_ = nullptr;
  static inline Metrics metrics_;
};

const Timestamp kNow = At("2026-11-20T12:00:00Z");
const Timestamp kMail = At("2013-01-21");

TEST_F(ApiTest, PlanningReadsAreTheCliJsonAsOfTheClock) {
  struct Case {
    std::string target;
    std::function<std::string()> expected;
  };
  Store& store = *release_;
  const std::vector<Case> cases = {
      {"/api/v1/releases",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp) { return view::BuildReleaseList(s); });
       }},
      {"/api/v1/releases/4.3",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildReleaseShow(s, "4.3", now);
         });
       }},
      {"/api/v1/releases/4.3/check",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildReleaseCheck(s, "4.3", now);
         });
       }},
      {"/api/v1/features",
       [&] {
         return CliJson(store, kNow,
                        [](Store& s, Timestamp) { return view::BuildFeatureList(s, "", ""); });
       }},
      {"/api/v1/features?release=4.3&status=at-risk",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp) {
           return view::BuildFeatureList(s, "4.3", "at-risk");
         });
       }},
      {"/api/v1/features/rationalized-backend-scripts",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp) {
           return view::BuildFeatureShow(s, "rationalized-backend-scripts");
         });
       }},
      {"/api/v1/features/rationalized-backend-scripts/history",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp) {
           return view::BuildFeatureHistory(s, "rationalized-backend-scripts");
         });
       }},
      {"/api/v1/people",
       [&] {
         return CliJson(store, kNow, [](Store& s, Timestamp) { return view::BuildPersonList(s); });
       }},
  };
  for (const Case& test : cases) {
    Response response = Get(test.target);
    EXPECT_EQ(response.status, 200) << test.target << ": " << response.body;
    EXPECT_EQ(response.content_type, kJsonType) << test.target;
    EXPECT_EQ(response.body, test.expected()) << test.target;
    EXPECT_EQ(response.Header("ETag"), EntityTag(response.body)) << test.target;
  }
}

TEST_F(ApiTest, LifecycleReadsAreTheCliJson) {
  Store& store = *protocols_;
  auto expect = [&](const std::string& target, const std::string& expected) {
    Response response = Get(store, target);
    EXPECT_EQ(response.status, 200) << target << ": " << response.body;
    EXPECT_EQ(response.content_type, kJsonType) << target;
    EXPECT_EQ(response.body, expected) << target;
  };
  expect("/api/v1/protocols", CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildProtocolList(s, now);
         }));
  expect("/api/v1/protocols/pvcalls", CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildProtocolShow(s, "pvcalls", now);
         }));
  expect("/api/v1/protocols/pvcalls/history", CliJson(store, kNow, [](Store& s, Timestamp) {
           return view::BuildProtocolHistory(s, "pvcalls");
         }));
  expect("/api/v1/proposals", CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildProposalList(s, "", now);
         }));
  expect("/api/v1/proposals?protocol=blkif", CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildProposalList(s, "blkif", now);
         }));
  expect("/api/v1/proposals/1", CliJson(store, kNow, [](Store& s, Timestamp now) {
           return view::BuildProposalShow(s, 1, now);
         }));
  expect("/api/v1/support-matrix",
         CliJson(store, kNow, [](Store& s, Timestamp) { return view::BuildSupportMatrix(s); }));
  // The proposal's state is computed at the read's instant: open on the
  // 5th, passed by lazy consensus after its window.
  auto open = nlohmann::json::parse(Get(store, "/api/v1/proposals/1?as_of=2026-11-05").body);
  EXPECT_EQ(open["state"], "open");
  EXPECT_EQ(open["as_of"], "2026-11-05T00:00:00Z");
}

TEST_F(ApiTest, EvidenceReadsAreTheCliJsonAsStored) {
  Store& store = *release_;
  auto stored = [&](auto build) {
    std::ostringstream out;
    view::JsonPrinter printer(out);
    printer.Print(ST_MUST(build(store)));
    return out.str();
  };
  EXPECT_EQ(Get("/api/v1/series").body, stored([](Store& s) { return view::BuildSeriesList(s); }));
  EXPECT_EQ(Get("/api/v1/stats").body,
            stored([](Store& s) { return view::BuildEvidenceStats(s); }));
  std::string thread = stored([](Store& s) { return view::BuildThreadShow(s, "p1@x"); });
  EXPECT_EQ(Get("/api/v1/threads/p1@x").body, thread);
  // With the angle brackets of a Message-ID header, percent-encoded or not.
  EXPECT_EQ(Get("/api/v1/threads/%3Cp1@x%3E").body, thread);
  // A slash inside a Message-ID stays in its segment.
  Response slashed = Get("/api/v1/threads/r%2F1@x");
  EXPECT_EQ(slashed.status, 200) << slashed.body;
  EXPECT_EQ(slashed.body, thread);
  ExpectError(Get("/api/v1/threads/nobody@x"), 404, "not-found");
}

TEST_F(ApiTest, AsOfReadsTheRecordAsItWasLikeTheCliNow) {
  auto store = ST_MUST(OpenStore(":memory:"));
  Planning planning(*store);
  ST_MUST(planning.Import({kManager, At("2013-01-21")},
                          ReadFileForTesting(SourcePath("examples/xen-4.3.yaml")), "x.yaml"));
  FeatureUpdate update;
  update.status = "at-risk";
  update.reason = "owner on leave";
  ST_MUST(
      planning.UpdateFeature({kManager, At("2013-02-01")}, "rationalized-backend-scripts", update));
  const std::string feature = "/api/v1/features/rationalized-backend-scripts";
  auto before = nlohmann::json::parse(Get(*store, feature + "?as_of=2013-01-21").body);
  auto after = nlohmann::json::parse(Get(*store, feature).body);
  EXPECT_NE(before["status"], "at-risk");
  EXPECT_EQ(after["status"], "at-risk");
  EXPECT_EQ(Get(*store, "/api/v1/releases/4.3?as_of=2013-01-21T00:00:00Z").body,
            CliJson(*store, kMail,
                    [](Store& s, Timestamp now) { return view::BuildReleaseShow(s, "4.3", now); }));
  // A date-time with an offset: '+' is written %2B in a query.
  Response offset = Get(*store, "/api/v1/releases/4.3?as_of=2013-01-21T01:00:00%2B01:00");
  EXPECT_EQ(offset.status, 200) << offset.body;
  EXPECT_EQ(nlohmann::json::parse(offset.body)["as_of"], "2013-01-21T00:00:00Z");
  ExpectError(Get(*store, "/api/v1/releases?as_of=yesterday"), 400, "invalid-argument");
  ExpectError(Get(*store, "/api/v1/releases?as_of=2013-02-30"), 400, "invalid-argument");
}

TEST_F(ApiTest, TheEventFeedPagesInTheOrderOfWritingWithACursor) {
  // The whole log, as `stocktake --json log` prints it.
  std::string all = CliJson(*release_, kNow, [](Store& s, Timestamp) {
    return view::BuildEventFeed(s, view::EventFeedQuery{});
  });
  auto whole = nlohmann::json::parse(all);
  ASSERT_GT(whole["events"].size(), 5u);
  EXPECT_TRUE(whole["next"].is_null());
  // Pages of two, following `next`, give the same events in the same order.
  std::vector<nlohmann::json> paged;
  std::string target = "/api/v1/events?limit=2";
  for (int pages = 0; pages < 1000; ++pages) {
    Response response = Get(target);
    ASSERT_EQ(response.status, 200) << response.body;
    auto page = nlohmann::json::parse(response.body);
    ASSERT_LE(page["events"].size(), 2u);
    for (auto& event : page["events"]) paged.push_back(event);
    if (page["next"].is_null()) break;
    EXPECT_EQ(page["next"], page["events"].back()["id"]);
    target = "/api/v1/events?limit=2&after=" + page["next"].dump();
  }
  ASSERT_EQ(paged.size(), whole["events"].size());
  for (std::size_t i = 0; i < paged.size(); ++i) EXPECT_EQ(paged[i], whole["events"][i]) << i;
  for (std::size_t i = 1; i < paged.size(); ++i) {
    EXPECT_LT(paged[i - 1]["id"].get<std::int64_t>(), paged[i]["id"].get<std::int64_t>());
  }
  // Narrowed like the CLI: one feature's events only; as of a date, none after it.
  auto one = nlohmann::json::parse(
      Get("/api/v1/events?subject=rationalized-backend-scripts&kind=feature.").body);
  ASSERT_FALSE(one["events"].empty());
  for (auto& event : one["events"]) EXPECT_EQ(event["subject"], "rationalized-backend-scripts");
  auto before = nlohmann::json::parse(Get("/api/v1/events?as_of=2013-01-01T00:00:00Z").body);
  for (auto& event : before["events"]) EXPECT_LE(event["at"].get<std::string>(), "2013-01-01T");
  EXPECT_LT(before["events"].size(), whole["events"].size());
  ExpectError(Get("/api/v1/events?limit=0"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/events?limit=1001"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/events?after=-1"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/events?release=9.9"), 404, "not-found");
}

TEST_F(ApiTest, FeatureListsPageWithALinkToTheNextPage) {
  auto whole = nlohmann::json::parse(Get("/api/v1/features?release=4.3").body);
  ASSERT_GT(whole.size(), 7u);
  // Following rel="next" from a first page of 3 gives the whole list.
  nlohmann::json paged = nlohmann::json::array();
  std::string target = "/api/v1/features?release=4.3&limit=3";
  for (int pages = 0; pages < 100 && !target.empty(); ++pages) {
    Response response = Get(target);
    ASSERT_EQ(response.status, 200) << response.body;
    auto page = nlohmann::json::parse(response.body);
    ASSERT_LE(page.size(), 3u);
    for (auto& feature : page) paged.push_back(feature);
    target.clear();
    for (const auto& [name, value] : response.headers) {
      if (name != "Link") continue;
      ASSERT_TRUE(value.starts_with("</api/v1/features?release=4.3&limit=3&after=")) << value;
      ASSERT_TRUE(value.ends_with(">; rel=\"next\"")) << value;
      target = value.substr(1, value.find('>') - 1);
    }
  }
  EXPECT_EQ(paged, whole);
  ExpectError(Get("/api/v1/features?after=no-such-feature"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/features?limit=x"), 400, "invalid-argument");
}

TEST_F(ApiTest, ACachedReadIsAnsweredUntilACommitMovesTheStamp) {
  auto store = ST_MUST(OpenStore(":memory:"));
  Planning planning(*store);
  ST_MUST(planning.Import({kManager, At("2013-01-21")},
                          ReadFileForTesting(SourcePath("examples/xen-4.3.yaml")),
                          "examples/xen-4.3.yaml"));
  ResponseCache cache(1 << 20);
  Api cached(nullptr, {}, nullptr, &cache);
  Api fresh;
  Request request;
  request.method = "GET";
  request.target = "/api/v1/releases/4.3";
  Response first = cached.Handle(request, *store, kNow);
  ASSERT_EQ(first.status, 200) << first.body;
  EXPECT_EQ(cache.entries(), 1u);
  Response again = cached.Handle(request, *store, kNow);
  EXPECT_EQ(again.body, first.body);
  EXPECT_EQ(again.Header("ETag"), first.Header("ETag"));
  // Another instant is another entry; HEAD and 304 come from the entry too.
  EXPECT_EQ(cached.Handle(request, *store, kNow + std::chrono::seconds(1)).status, 200);
  EXPECT_EQ(cache.entries(), 2u);
  request.headers["if-none-match"] = first.Header("ETag");
  EXPECT_EQ(cached.Handle(request, *store, kNow).status, 304);
  request.headers.clear();
  // A commit moves the stamp: the next read is built again and shows it.
  ST_MUST(planning.SlipRelease({kManager, At("2013-02-01")}, "4.3", ParseDate("2013-04-08").value(),
                               std::nullopt, "PVH"));
  Response after = cached.Handle(request, *store, kNow);
  EXPECT_NE(after.body, first.body);
  EXPECT_EQ(after.body, fresh.Handle(request, *store, kNow).body);
  EXPECT_NE(after.body.find("2013-04-08"), std::string::npos);
}

TEST_F(ApiTest, ReportInEveryFormatIsTheCliOutput) {
  // `stocktake --now 2013-01-21 report 4.3`: the seed mail's body.
  Response text = Get("/api/v1/releases/4.3/report?format=text&as_of=2013-01-21");
  EXPECT_EQ(text.status, 200);
  EXPECT_EQ(text.content_type, kTextType);
  EXPECT_EQ(text.body, testing::SeedTakingStockBody());
  auto report = ST_MUST(view::BuildTakingStock(*MakeAsOfStore(*release_, kMail), "4.3", kMail,
                                               testing::Day("2013-01-15")));
  Response markdown =
      Get("/api/v1/releases/4.3/report?format=markdown&as_of=2013-01-21&since=2013-01-15");
  EXPECT_EQ(markdown.content_type, kMarkdownType);
  EXPECT_EQ(markdown.body, RenderTakingStockMarkdown(report));
  Response json = Get("/api/v1/releases/4.3/report?as_of=2013-01-21&since=2013-01-15");
  EXPECT_EQ(json.content_type, kJsonType);
  std::ostringstream out;
  view::JsonPrinter(out).Print(report);
  EXPECT_EQ(json.body, out.str());
  ExpectError(Get("/api/v1/releases/4.3/report?format=email"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/releases/4.3/report?since=soon"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/releases/9.9/report"), 404, "not-found");
}

TEST_F(ApiTest, SupportMatrixTakesTheCliFormats) {
  Response html = Get(*protocols_, "/api/v1/support-matrix?format=html");
  EXPECT_EQ(html.status, 200);
  EXPECT_EQ(html.content_type, kHtmlType);
  EXPECT_NE(html.body.find("<table"), std::string::npos);
  EXPECT_EQ(Get(*protocols_, "/api/v1/support-matrix?format=markdown").content_type, kMarkdownType);
  EXPECT_EQ(Get(*protocols_, "/api/v1/support-matrix?format=text").content_type, kTextType);
  ExpectError(Get(*protocols_, "/api/v1/support-matrix?format=pdf"), 400, "invalid-argument");
}

TEST_F(ApiTest, ErrorsOfTheLibraryMapToTheirStatusWithAJsonBody) {
  ExpectError(Get("/api/v1/releases/9.9"), 404, "not-found");
  ExpectError(Get("/api/v1/features/no-such-feature"), 404, "not-found");
  ExpectError(Get("/api/v1/features?release=9.9"), 404, "not-found");
  ExpectError(Get(*protocols_, "/api/v1/protocols/nope"), 404, "not-found");
  ExpectError(Get(*protocols_, "/api/v1/proposals/99"), 404, "not-found");
  ExpectError(Get(*protocols_, "/api/v1/proposals/one"), 400, "invalid-argument");
  DownStore down(*release_);
  ExpectError(Get(down, "/api/v1/releases"), 503, "unavailable");
}

TEST_F(ApiTest, UnknownRoutesWrongMethodsAndQueriesAreRefused) {
  ExpectError(Get("/"), 404, "not-found");
  ExpectError(Get("/api/v1"), 404, "not-found");
  ExpectError(Get("/api/v2/releases"), 404, "not-found");
  ExpectError(Get("/api/v1/releases/4.3/nothing"), 404, "not-found");
  Response put = Get(*release_, "/api/v1/releases", "PUT");
  ExpectError(put, 405, "method-not-allowed");
  EXPECT_EQ(put.Header("Allow"), "GET, HEAD, POST");
  EXPECT_EQ(Get(*release_, "/api/v1/releases/4.3", "POST").Header("Allow"), "GET, HEAD");
  ExpectError(Get(*release_, "/healthz", "DELETE"), 405, "method-not-allowed");
  ExpectError(Get("/api/v1/releases?colour=red"), 400, "invalid-argument");
  ExpectError(Get("/api/v1/features?release=4.3&release=4.4"), 400, "invalid-argument");
  ExpectError(Get("/metrics?as_of=2013-01-21"), 400, "invalid-argument");
  EXPECT_NE(Get("/metrics?as_of=x").body.find("(it takes none)"), std::string::npos);
  EXPECT_NE(Get("/api/v1/features?colour=red")
                .body.find("(it takes as_of, release, status, after, limit)"),
            std::string::npos);
  // The trailing slash names the same resource.
  EXPECT_EQ(Get("/api/v1/releases/").body, Get("/api/v1/releases").body);
}

TEST_F(ApiTest, PathsArePercentDecodedAndChecked) {
  EXPECT_EQ(Get("/api/v1/features/rationalized%2Dbackend%2dscripts").body,
            Get("/api/v1/features/rationalized-backend-scripts").body);
  for (const char* target :
       {"/api/v1/features/..", "/api/v1/features/%2E%2E", "/api/v1/features/%2e",
        "/api/v1/releases/../../etc/passwd", "/api/v1/features/%FF", "/api/v1/features/%C0%AF",
        "/api/v1/features/a%00b", "/api/v1/features/a%0Ab", "/api/v1//features", "/api/v1/%zz",
        "http://example.org/api/v1/releases", "*", "api/v1/releases",
        "/api/v1/features?release=%FF"}) {
    ExpectError(Get(target), 400, "invalid-argument");
  }
}

TEST_F(ApiTest, EntityTagsAnswerNotModified) {
  Response first = Get("/api/v1/releases");
  std::string etag(first.Header("ETag"));
  ASSERT_EQ(etag.size(), 34u);
  EXPECT_EQ(first.Header("Cache-Control"), "no-cache");
  for (const std::string& header :
       {etag, "W/" + etag, "\"other\", " + etag, std::string("*"), "\"a\"," + etag + " "}) {
    Response again = Get(*release_, "/api/v1/releases", "GET", header);
    EXPECT_EQ(again.status, 304) << header;
    EXPECT_TRUE(again.body.empty());
    EXPECT_EQ(again.Header("ETag"), etag);
  }
  EXPECT_EQ(Get(*release_, "/api/v1/releases", "GET", "\"other\"").status, 200);
  // Another instant, another body, another tag.
  EXPECT_NE(Get("/api/v1/releases/4.3?as_of=2013-01-21").Header("ETag"),
            Get("/api/v1/releases/4.3?as_of=2013-01-22").Header("ETag"));
}

TEST_F(ApiTest, HeadSendsTheLengthAndTagOfGetWithoutTheBody) {
  Response get = Get("/api/v1/releases/4.3");
  Response head = Get(*release_, "/api/v1/releases/4.3", "HEAD");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.content_length, get.body.size());
  EXPECT_EQ(head.Header("ETag"), get.Header("ETag"));
  EXPECT_EQ(head.content_type, kJsonType);
  // Errors too: a body after a HEAD's headers would be read as the next response.
  for (const char* target : {"/api/v1/releases/9.9", "/api/v1/releases?x=1", "/nowhere"}) {
    Response error_get = Get(target);
    Response error_head = Get(*release_, target, "HEAD");
    EXPECT_EQ(error_head.status, error_get.status) << target;
    EXPECT_TRUE(error_head.body.empty()) << target;
    EXPECT_EQ(error_head.content_length, error_get.body.size()) << target;
  }
}

TEST_F(ApiTest, HealthzSaysWhetherTheStoreAnswers) {
  Response healthy = Get("/healthz");
  EXPECT_EQ(healthy.status, 200);
  EXPECT_EQ(healthy.body, "ok\n");
  EXPECT_EQ(healthy.content_type, kTextType);
  DownStore down(*release_);
  ExpectError(Get(down, "/healthz"), 503, "unavailable");
}

TEST_F(ApiTest, MetricsAreAnsweredWithoutAStore) {
  metrics_.Record("/api/v1/releases", 200, 0.002);
  Request request;
  request.target = "/metrics";
  Api api(&metrics_);
  Dispatch dispatch = api.Route(request);
  EXPECT_FALSE(dispatch.needs_store);
  EXPECT_EQ(dispatch.route, "/metrics");
  Response response = api.Run(request, dispatch, nullptr, kNow);
  EXPECT_EQ(response.status, 200);
  EXPECT_EQ(response.content_type, kPrometheusType);
  EXPECT_NE(response.body.find("stocktake_http_requests_total{route=\"/api/v1/releases\","
                               "status=\"200\"}"),
            std::string::npos)
      << response.body;
}

TEST_F(ApiTest, RouteNamesThePatternNotThePath) {
  Request request;
  request.target = "/api/v1/features/pvh/history?as_of=2013-01-21";
  Dispatch dispatch = Api().Route(request);
  EXPECT_EQ(dispatch.route, "/api/v1/features/{slug}/history");
  EXPECT_TRUE(dispatch.needs_store);
  EXPECT_FALSE(dispatch.answer);
  EXPECT_EQ(dispatch.parameters, std::vector<std::string>{"pvh"});
  EXPECT_EQ(dispatch.as_of, At("2013-01-21"));
  request.target = "/nowhere";
  EXPECT_EQ(Api().Route(request).route, kUnmatchedRoute);
}

TEST(IfNoneMatchTest, ComparesOpaqueTagsWeakly) {
  EXPECT_TRUE(IfNoneMatchMatches("\"a\"", "\"a\""));
  EXPECT_TRUE(IfNoneMatchMatches("W/\"a\"", "\"a\""));
  EXPECT_TRUE(IfNoneMatchMatches("\"b\", W/\"a\"", "\"a\""));
  EXPECT_TRUE(IfNoneMatchMatches("*", "\"a\""));
  EXPECT_FALSE(IfNoneMatchMatches("", "\"a\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"ab\"", "\"a\""));
  EXPECT_FALSE(IfNoneMatchMatches("\"a", "\"a\""));
  EXPECT_FALSE(IfNoneMatchMatches("a", "\"a\""));
}

TEST(EntityTagTest, IsAQuotedDigestThatChangesWithTheBody) {
  EXPECT_EQ(EntityTag(""), "\"e3b0c44298fc1c149afbf4c8996fb924\"");  // SHA-256 of nothing.
  EXPECT_NE(EntityTag("a"), EntityTag("b"));
}

}  // namespace
}  // namespace stocktake::server
