// Writes through the API and who may make them: authentication by bearer
// token and by session (with CSRF), token scope and expiry, login rate
// limiting, If-Match, and hostile bodies. In-process, as api_test.cc.

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>
#include <sstream>

#include "stocktake/server/api.h"
#include "stocktake/service/accounts.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/open_store.h"
#include "stocktake/view/json_printer.h"
#include "tests/support/test_support.h"

namespace stocktake::server {
namespace {

using testing::At;
using testing::ReadFileForTesting;
using testing::SourcePath;

constexpr char kAdmin[] = "admin@example.org";              // imported the file: first admin
constexpr char kManager[] = "george.dunlap@eu.citrix.com";  // the file's release manager
constexpr char kDev[] = "dev@example.org";                  // contributor
constexpr char kReader[] = "reader@example.org";
constexpr char kFeature[] = "rationalized-backend-scripts";
constexpr char kPassword[] = "correct horse battery";

class ApiWritesTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UseFastPasswordHashingForTesting();
    store_ = ST_MUST(OpenStore(":memory:"));
    Planning planning(*store_);
    ASSERT_TRUE(planning.Import({kAdmin, At("2013-01-21")},
                                ReadFileForTesting(SourcePath("examples/xen-4.3.yaml")),
                                "examples/xen-4.3.yaml"));
    ASSERT_TRUE(
        planning.SavePerson({kAdmin, At("2013-01-21")},
                            Person{kDev, "Dev", {"dev-alias@example.org"}, {Role::kContributor}}));
    ASSERT_TRUE(planning.SavePerson({kAdmin, At("2013-01-21")},
                                    Person{kReader, "Reader", {}, {Role::kReader}}));
  }

  std::string Token(const char* email, TokenScope scope = TokenScope::kWrite,
                    std::optional<Timestamp> expires = std::nullopt) {
    TokenRequest request;
    request.name = "test-" + std::to_string(++tokens_);
    request.scope = scope;
    request.expires_at = expires;
    return ST_MUST(Accounts(*store_).CreateToken({email, At("2013-01-22")}, request)).secret;
  }

  Response Send(const std::string& method, const std::string& target, const std::string& body,
                std::map<std::string, std::string> headers = {}) {
    Request request;
    request.method = method;
    request.target = target;
    request.body = body;
    request.headers = std::move(headers);
    request.remote_address = address_;
    if (!body.empty() && !request.headers.contains("content-type")) {
      request.headers["content-type"] = "application/json";
    }
    return Api(nullptr, options_, &throttle_).Handle(request, *store_, clock_);
  }

  Response As(const std::string& token, const std::string& method, const std::string& target,
              const std::string& body, std::map<std::string, std::string> headers = {}) {
    headers["authorization"] = "Bearer " + token;
    return Send(method, target, body, std::move(headers));
  }

  static void ExpectError(const Response& response, int status, const std::string& code) {
    EXPECT_EQ(response.status, status) << response.body;
    auto body = nlohmann::json::parse(response.body, nullptr, false);
    ASSERT_TRUE(body.is_object()) << response.body;
    EXPECT_EQ(body["error"]["code"], code) << response.body;
  }

  std::size_t EventCount() { return ST_MUST(store_->ListEvents({})).size(); }

  std::string StatusOf(const std::string& slug) {
    return ST_MUST(store_->FindFeature(slug))->status;
  }

  std::unique_ptr<Store> store_;
  ApiOptions options_;
  LoginThrottle throttle_;
  Timestamp clock_ = At("2013-02-01T12:00:00Z");
  std::string address_ = "192.0.2.1";
  int tokens_ = 0;
};

constexpr char kAdd[] = R"({"title": "Live patching", "owners": ["dev@example.org"]})";
constexpr char kSet[] = R"({"status": "at-risk", "reason": "no reviewer"})";
constexpr char kSlip[] = R"({"release": "2013-07-01", "reason": "more time for qemu"})";
const std::string kSetTarget = std::string("/api/v1/features/") + kFeature;

TEST_F(ApiWritesTest, WritesWithoutCredentialsAre401AndWriteNothing) {
  std::size_t before = EventCount();
  for (auto [method, target, body] : {std::tuple{"POST", "/api/v1/releases/4.3/features", kAdd},
                                      std::tuple{"PATCH", kSetTarget.c_str(), kSet},
                                      std::tuple{"POST", "/api/v1/releases/4.3/slip", kSlip}}) {
    Response response = Send(method, target, body);
    ExpectError(response, 401, "unauthenticated");
    EXPECT_TRUE(response.Header("WWW-Authenticate").starts_with("Bearer")) << target;
  }
  EXPECT_EQ(EventCount(), before);
  // Reads stay open on a server that is not private.
  EXPECT_EQ(Send("GET", "/api/v1/releases", "").status, 200);
}

TEST_F(ApiWritesTest, EachRoleAgainstEachWrite) {
  std::string manager = Token(kManager), dev = Token(kDev), reader = Token(kReader),
              admin = Token(kAdmin);
  std::size_t before = EventCount();
  // feature add: release managers, maintainers and contributors.
  ExpectError(As(reader, "POST", "/api/v1/releases/4.3/features", kAdd), 403, "permission-denied");
  Response added = As(dev, "POST", "/api/v1/releases/4.3/features", kAdd);
  EXPECT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.Header("Location"), "/api/v1/features/live-patching");
  EXPECT_EQ(As(manager, "POST", "/api/v1/releases/4.3/features",
               R"({"title": "Another one", "must_have": true})")
                .status,
            201);
  // feature set: the release manager on any feature; a contributor only on
  // one they own; a reader never.
  ExpectError(As(dev, "PATCH", kSetTarget, kSet), 403, "permission-denied");
  ExpectError(As(reader, "PATCH", kSetTarget, kSet), 403, "permission-denied");
  EXPECT_EQ(StatusOf(kFeature), "on-track");
  EXPECT_EQ(As(manager, "PATCH", kSetTarget, kSet).status, 200);
  EXPECT_EQ(StatusOf(kFeature), "at-risk");
  EXPECT_EQ(As(dev, "PATCH", "/api/v1/features/live-patching", R"({"status": "fair"})").status,
            200);
  // release slip: release managers only, not even an admin.
  for (const std::string& refused : {dev, reader, admin}) {
    ExpectError(As(refused, "POST", "/api/v1/releases/4.3/slip", kSlip), 403, "permission-denied");
  }
  Response slipped = As(manager, "POST", "/api/v1/releases/4.3/slip", kSlip);
  EXPECT_EQ(slipped.status, 200) << slipped.body;
  EXPECT_EQ(nlohmann::json::parse(slipped.body)["release"], "2013-07-01") << slipped.body;
  // 2 adds (2 events each), 2 status changes, 1 slip.
  EXPECT_EQ(EventCount(), before + 7);
}

TEST_F(ApiWritesTest, OnlyAnAdminAddsPeopleAndChangesRoles) {
  std::string manager = Token(kManager), admin = Token(kAdmin);
  const std::string target = "/api/v1/people/czar@example.org";
  constexpr char kCzar[] = R"({"name": "The Czar", "roles": ["czar"]})";
  ExpectError(Send("PUT", target, kCzar), 401, "unauthenticated");
  ExpectError(As(manager, "PUT", target, kCzar), 403, "permission-denied");
  // Nobody raises their own roles either.
  ExpectError(As(manager, "PUT", std::string("/api/v1/people/") + kManager,
                 R"({"roles": ["release-manager", "admin"]})"),
              403, "permission-denied");
  EXPECT_FALSE(ST_MUST(store_->FindPerson("czar@example.org")));
  ExpectError(As(admin, "PUT", target, R"({"roles": ["emperor"]})"), 400, "invalid-argument");
  ExpectError(As(admin, "PUT", target, kCzar, {{"content-type", "text/plain"}}), 415,
              "unsupported-media-type");
  Response saved = As(admin, "PUT", target, kCzar);
  ASSERT_EQ(saved.status, 200) << saved.body;
  std::ostringstream cli;
  view::JsonPrinter printer(cli);
  auto czar = ST_MUST(store_->FindPerson("czar@example.org"));
  ASSERT_TRUE(czar);
  EXPECT_TRUE(czar->HasRole(Role::kCzar));
  printer.Print(view::Changed<Person>{"", *czar});
  EXPECT_EQ(saved.body, cli.str());
  ExpectError(As(admin, "GET", target, ""), 405, "method-not-allowed");
}

TEST_F(ApiWritesTest, OnlyAReleaseManagerAddsAReleaseAndItsPlaceIsLinked) {
  std::string manager = Token(kManager), admin = Token(kAdmin);
  constexpr char kRelease[] =
      R"({"version": "4.4 beta", "start": "2013-06-18", "freeze": "2013-10-18", "release": "2013-12-02"})";
  ExpectError(As(admin, "POST", "/api/v1/releases", kRelease), 403, "permission-denied");
  ExpectError(
      As(manager, "POST", "/api/v1/releases", R"({"version": "4.4", "start": "2013-06-18"})"), 400,
      "invalid-argument");
  Response added = As(manager, "POST", "/api/v1/releases", kRelease);
  ASSERT_EQ(added.status, 201) << added.body;
  EXPECT_EQ(added.Header("Location"), "/api/v1/releases/4.4%20beta");
  EXPECT_EQ(nlohmann::json::parse(added.body)["freeze"], "2013-10-18");
  EXPECT_EQ(Send("GET", std::string(added.Header("Location")), "").status, 200);
  ExpectError(As(manager, "POST", "/api/v1/releases", kRelease), 409, "conflict");
}

TEST_F(ApiWritesTest, HeadOfTheSessionRouteSendsNoBody) {
  std::string reading = Token(kReader, TokenScope::kRead);
  Response get = As(reading, "GET", "/api/v1/session", "");
  ASSERT_EQ(get.status, 200) << get.body;
  EXPECT_EQ(nlohmann::json::parse(get.body)["scope"], "read");
  Response head = As(reading, "HEAD", "/api/v1/session", "");
  EXPECT_EQ(head.status, 200);
  EXPECT_TRUE(head.body.empty());
  EXPECT_EQ(head.content_length, get.body.size());
}

TEST_F(ApiWritesTest, ResponsesAreTheCliJsonAndTheActorIsTheAuthenticatedPerson) {
  std::string manager = Token(kManager);
  Response response = As(manager, "PATCH", kSetTarget, kSet, {{"x-stocktake-as", kAdmin}});
  ASSERT_EQ(response.status, 200) << response.body;
  std::ostringstream cli;
  view::JsonPrinter printer(cli);
  printer.Print(view::Changed<Feature>{"", *ST_MUST(store_->FindFeature(kFeature))});
  EXPECT_EQ(response.body, cli.str());
  EventQuery query;
  query.subject = kFeature;
  auto events = ST_MUST(store_->ListEvents(query));
  ASSERT_FALSE(events.empty());
  EXPECT_EQ(events.back().actor, kManager);
  EXPECT_EQ(events.back().at, clock_);
  EXPECT_EQ(events.back().reason, "no reviewer");
  // No field of the body names who acts.
  ExpectError(As(manager, "PATCH", kSetTarget, R"({"status": "fair", "actor": "x@example.org"})"),
              400, "invalid-argument");
}

TEST_F(ApiWritesTest, AReadTokenReadsButCannotWrite) {
  std::string reading = Token(kManager, TokenScope::kRead);
  Response refused = As(reading, "PATCH", kSetTarget, kSet);
  ExpectError(refused, 403, "insufficient-scope");
  EXPECT_NE(refused.Header("WWW-Authenticate").find("insufficient_scope"), std::string::npos);
  EXPECT_EQ(StatusOf(kFeature), "on-track");
  EXPECT_EQ(As(reading, "GET", "/api/v1/releases", "").status, 200);
}

TEST_F(ApiWritesTest, ExpiredRevokedAndUnknownTokensAre401) {
  std::string expiring = Token(kManager, TokenScope::kWrite, At("2013-02-01T12:00:00Z"));
  Response expired = As(expiring, "PATCH", kSetTarget, kSet);
  ExpectError(expired, 401, "unauthenticated");
  EXPECT_NE(expired.Header("WWW-Authenticate").find("invalid_token"), std::string::npos);
  clock_ = At("2013-02-01T11:59:59Z");
  EXPECT_EQ(As(expiring, "GET", "/api/v1/releases", "").status, 200);

  std::string revoked = Token(kManager);
  ASSERT_TRUE(Accounts(*store_).RevokeToken({kManager, At("2013-01-23")}, "test-2"));
  ExpectError(As(revoked, "PATCH", kSetTarget, kSet), 401, "unauthenticated");
  // An invalid token is refused on reads too, rather than read as anonymous.
  ExpectError(As(revoked, "GET", "/api/v1/releases", ""), 401, "unauthenticated");
  ExpectError(As("stk_" + std::string(64, '0'), "PATCH", kSetTarget, kSet), 401, "unauthenticated");
  ExpectError(Send("PATCH", kSetTarget, kSet, {{"authorization", "Basic YTpi"}}), 401,
              "unauthenticated");
  EXPECT_EQ(StatusOf(kFeature), "on-track");
}

TEST_F(ApiWritesTest, ASessionWritesOnlyWithItsCsrfToken) {
  ASSERT_TRUE(Accounts(*store_).SetPassword({kManager, At("2013-01-22")}, kManager, kPassword));
  Response login = Send("POST", "/api/v1/session",
                        nlohmann::json{{"email", kManager}, {"password", kPassword}}.dump());
  ASSERT_EQ(login.status, 201) << login.body;
  std::string cookie(login.Header("Set-Cookie"));
  EXPECT_TRUE(cookie.starts_with("stocktake_session=")) << cookie;
  for (const char* attribute : {"; HttpOnly", "; SameSite=Lax", "; Path=/", "; Max-Age=43200"}) {
    EXPECT_NE(cookie.find(attribute), std::string::npos) << cookie;
  }
  EXPECT_EQ(cookie.find("Secure"), std::string::npos) << cookie;
  EXPECT_EQ(login.Header("Cache-Control"), "no-store");
  auto body = nlohmann::json::parse(login.body);
  EXPECT_EQ(body["person"]["email"], kManager);
  std::string csrf = body["csrf_token"];
  std::string session = cookie.substr(0, cookie.find(';'));

  ExpectError(Send("PATCH", kSetTarget, kSet, {{"cookie", session}}), 403, "csrf");
  ExpectError(Send("PATCH", kSetTarget, kSet, {{"cookie", session}, {"x-csrf-token", "x" + csrf}}),
              403, "csrf");
  EXPECT_EQ(StatusOf(kFeature), "on-track");
  Response written =
      Send("PATCH", kSetTarget, kSet, {{"cookie", "a=b; " + session}, {"x-csrf-token", csrf}});
  EXPECT_EQ(written.status, 200) << written.body;
  EXPECT_EQ(StatusOf(kFeature), "at-risk");
  Response who = Send("GET", "/api/v1/session", "", {{"cookie", session}});
  EXPECT_EQ(nlohmann::json::parse(who.body)["via"], "session") << who.body;

  ExpectError(Send("DELETE", "/api/v1/session", "", {{"cookie", session}}), 403, "csrf");
  Response logout =
      Send("DELETE", "/api/v1/session", "", {{"cookie", session}, {"x-csrf-token", csrf}});
  EXPECT_EQ(logout.status, 204);
  EXPECT_NE(logout.Header("Set-Cookie").find("Max-Age=0"), std::string::npos);
  ExpectError(Send("PATCH", kSetTarget, R"({"status": "fair"})",
                   {{"cookie", session}, {"x-csrf-token", csrf}}),
              401, "unauthenticated");
}

TEST_F(ApiWritesTest, SessionCookiesAreSecureBehindHttps) {
  options_.secure_cookies = true;
  ASSERT_TRUE(Accounts(*store_).SetPassword({kDev, At("2013-01-22")}, kDev, kPassword));
  Response login = Send("POST", "/api/v1/session",
                        nlohmann::json{{"email", kDev}, {"password", kPassword}}.dump());
  ASSERT_EQ(login.status, 201) << login.body;
  EXPECT_NE(login.Header("Set-Cookie").find("; Secure"), std::string::npos);
}

TEST_F(ApiWritesTest, FailedLoginsAreLimitedPerAccountAndPerAddress) {
  ASSERT_TRUE(Accounts(*store_).SetPassword({kDev, At("2013-01-22")}, kDev, kPassword));
  auto login = [&](const char* email, const char* password) {
    return Send("POST", "/api/v1/session",
                nlohmann::json{{"email", email}, {"password", password}}.dump());
  };
  for (int attempt = 0; attempt < 5; ++attempt) {
    ExpectError(login(kDev, "wrong password"), 401, "unauthenticated");
  }
  Response limited = login(kDev, kPassword);  // even the right password
  ExpectError(limited, 429, "too-many-attempts");
  EXPECT_EQ(limited.Header("Retry-After"), "900");
  // The account is limited from any address, by any of its identities.
  address_ = "198.51.100.7";
  ExpectError(login(kDev, kPassword), 429, "too-many-attempts");
  ExpectError(login("DEV-ALIAS@example.org", kPassword), 429, "too-many-attempts");
  clock_ += std::chrono::minutes(15);
  EXPECT_EQ(login(kDev, kPassword).status, 201);

  // One address guessing at several accounts is limited too.
  address_ = "203.0.113.9";
  for (const char* email : {"a@example.org", "b@example.org", "c@example.org", kReader, kAdmin}) {
    ExpectError(login(email, "guess"), 401, "unauthenticated");
  }
  ExpectError(login(kDev, kPassword), 429, "too-many-attempts");
  address_ = "192.0.2.200";
  EXPECT_EQ(login(kDev, kPassword).status, 201);
}

TEST_F(ApiWritesTest, APrivateServerRefusesAnonymousReads) {
  options_.private_reads = true;
  Response anonymous = Send("GET", "/api/v1/releases", "");
  ExpectError(anonymous, 401, "unauthenticated");
  EXPECT_TRUE(anonymous.Header("WWW-Authenticate").starts_with("Bearer"));
  Response read = As(Token(kReader, TokenScope::kRead), "GET", "/api/v1/releases", "");
  EXPECT_EQ(read.status, 200);
  EXPECT_EQ(read.Header("Vary"), "Authorization, Cookie");
  EXPECT_EQ(Send("GET", "/healthz", "").status, 200);
}

TEST_F(ApiWritesTest, IfMatchRefusesAStaleWriteAndWritesNothing) {
  std::string manager = Token(kManager);
  Response read = Send("GET", kSetTarget, "");
  std::string etag(read.Header("ETag"));
  ASSERT_FALSE(etag.empty());
  Response first = As(manager, "PATCH", kSetTarget, kSet, {{"if-match", etag}});
  ASSERT_EQ(first.status, 200) << first.body;
  // The write's ETag is what GET now gives.
  EXPECT_EQ(first.Header("ETag"), Send("GET", kSetTarget, "").Header("ETag"));
  EXPECT_NE(first.Header("ETag"), etag);
  std::size_t before = EventCount();
  Response stale = As(manager, "PATCH", kSetTarget, R"({"status": "fair"})", {{"if-match", etag}});
  ExpectError(stale, 412, "precondition-failed");
  EXPECT_EQ(EventCount(), before);
  EXPECT_EQ(StatusOf(kFeature), "at-risk");
  ExpectError(As(manager, "PATCH", kSetTarget, R"({"status": "fair"})",
                 {{"if-match", "W/" + std::string(first.Header("ETag"))}}),
              412, "precondition-failed");
  EXPECT_EQ(As(manager, "PATCH", kSetTarget, R"({"status": "fair"})",
               {{"if-match", "\"other\", " + std::string(first.Header("ETag"))}})
                .status,
            200);
  EXPECT_EQ(
      As(manager, "PATCH", kSetTarget, R"({"status": "on-track"})", {{"if-match", "*"}}).status,
      200);
  // Routes that are not conditional say so rather than ignore it.
  ExpectError(As(manager, "POST", "/api/v1/releases/4.3/slip", kSlip, {{"if-match", etag}}), 400,
              "invalid-argument");
}

TEST_F(ApiWritesTest, HostileBodiesGet4xxAndChangeNothing) {
  std::string manager = Token(kManager);
  std::size_t before = EventCount();
  std::string deep = std::string(100, '[') + std::string(100, ']');
  for (const std::string& body :
       {std::string("{"), std::string("not json"), std::string("[]"), std::string("\"text\""),
        std::string(R"({"status": "fair", "colour": "red"})"), std::string(R"({"status": 3})"),
        std::string(R"({"status": null})"), std::string(R"({"owners": "a@example.org"})"),
        std::string(R"({"owners": [1]})"), std::string(R"({"external": "yes"})"),
        std::string(R"({"status": "fair", "status": "at-risk"})"),
        std::string("{\"notes\": \"bad \xff\"}"), std::string("{\"notes\": ") + deep + "}",
        std::string(R"({"status": "fair"} trailing)"), std::string(R"({})")}) {
    Response response = As(manager, "PATCH", kSetTarget, body);
    EXPECT_EQ(response.status, 400) << body << " -> " << response.body;
  }
  ExpectError(As(manager, "POST", "/api/v1/releases/4.3/slip", R"({"release": "2013-13-01",
              "reason": "x"})"),
              400, "invalid-argument");
  ExpectError(As(manager, "POST", "/api/v1/releases/4.3/features", R"({"owners": []})"), 400,
              "invalid-argument");
  options_.body_limit = 64;
  ExpectError(As(manager, "PATCH", kSetTarget, R"({"notes": ")" + std::string(100, 'x') + "\"}"),
              413, "too-large");
  options_.body_limit = 1 << 20;
  ExpectError(As(manager, "PATCH", kSetTarget, kSet, {{"content-type", "text/plain"}}), 415,
              "unsupported-media-type");
  Response wrong_method = As(manager, "DELETE", kSetTarget, "");
  ExpectError(wrong_method, 405, "method-not-allowed");
  EXPECT_EQ(wrong_method.Header("Allow"), "GET, HEAD, PATCH");
  EXPECT_EQ(EventCount(), before);
  EXPECT_EQ(StatusOf(kFeature), "on-track");
  // And the server still answers.
  EXPECT_EQ(As(manager, "PATCH", kSetTarget, kSet).status, 200);
}

// The Czar's process over the API: propose, object, decide, each by the
// roles that may and refused to those that may not.
TEST(LifecycleWritesTest, EachRoleAgainstProposeObjectAndDecide) {
  UseFastPasswordHashingForTesting();
  auto store = ST_MUST(OpenStore(":memory:"));
  Planning planning(*store);
  ASSERT_TRUE(planning.Import({kAdmin, At("2026-01-01")},
                              ReadFileForTesting(SourcePath("examples/xen-pv-protocols.yaml")),
                              "examples/xen-pv-protocols.yaml"));
  for (auto [email, role] :
       {std::pair{"czar@example.org", Role::kCzar}, std::pair{kDev, Role::kContributor},
        std::pair{"reviewer@example.org", Role::kContributor}, std::pair{kReader, Role::kReader}}) {
    ASSERT_TRUE(planning.SavePerson({kAdmin, At("2026-01-01")}, Person{email, "", {}, {role}}));
  }
  auto token = [&](const char* email) {
    TokenRequest request;
    request.name = "t";
    request.scope = TokenScope::kWrite;
    return ST_MUST(Accounts(*store).CreateToken({email, At("2026-01-02")}, request)).secret;
  };
  auto send = [&](const std::string& secret, const std::string& target, const std::string& body) {
    Request request;
    request.method = "POST";
    request.target = target;
    request.body = body;
    request.headers["content-type"] = "application/json";
    if (!secret.empty()) request.headers["authorization"] = "Bearer " + secret;
    return Api().Handle(request, *store, At("2026-11-01T12:00:00Z"));
  };
  std::string czar = token("czar@example.org"), dev = token(kDev),
              reviewer = token("reviewer@example.org"), reader = token(kReader);
  const char* propose = R"({"to": "production", "window": "7d"})";
  EXPECT_EQ(send("", "/api/v1/protocols/pvcalls/proposals", propose).status, 401);
  EXPECT_EQ(send(reader, "/api/v1/protocols/pvcalls/proposals", propose).status, 403);
  Response opened = send(dev, "/api/v1/protocols/pvcalls/proposals", propose);
  ASSERT_EQ(opened.status, 201) << opened.body;
  auto proposal = nlohmann::json::parse(opened.body);
  std::string id = std::to_string(proposal["id"].get<int>());
  EXPECT_EQ(opened.Header("Location"), "/api/v1/proposals/" + id);
  EXPECT_EQ(ST_MUST(store->FindProposal(std::stoll(id)))->proposer, kDev);

  const char* objection = R"({"reason": "the backend leaks grant references on disconnect"})";
  EXPECT_EQ(send(reader, "/api/v1/proposals/" + id + "/objections", objection).status, 403);
  Response raised = send(reviewer, "/api/v1/proposals/" + id + "/objections", objection);
  ASSERT_EQ(raised.status, 201) << raised.body;
  EXPECT_EQ(nlohmann::json::parse(raised.body)["state"], "live");
  EXPECT_EQ(send(reviewer, "/api/v1/proposals/x/objections", objection).status, 400);

  const char* reject = R"({"accept": false, "rationale": "the objection stands"})";
  EXPECT_EQ(send(dev, "/api/v1/proposals/" + id + "/decision", reject).status, 403);
  EXPECT_EQ(send(czar, "/api/v1/proposals/" + id + "/decision", R"({"rationale": "x"})").status,
            400);
  Response decided = send(czar, "/api/v1/proposals/" + id + "/decision", reject);
  ASSERT_EQ(decided.status, 200) << decided.body;
  EXPECT_EQ(ST_MUST(store->FindProtocol("pvcalls"))->stage, "prototype");
}

TEST(IfMatchTest, ComparesStrongTagsOnly) {
  EXPECT_TRUE(IfMatchMatches("\"a\"", "\"a\""));
  EXPECT_TRUE(IfMatchMatches("\"b\", \"a\"", "\"a\""));
  EXPECT_TRUE(IfMatchMatches("*", "\"a\""));
  EXPECT_FALSE(IfMatchMatches("W/\"a\"", "\"a\""));
  EXPECT_FALSE(IfMatchMatches("\"b\"", "\"a\""));
  EXPECT_FALSE(IfMatchMatches("", "\"a\""));
  EXPECT_FALSE(IfMatchMatches("\"a", "\"a\""));
}

TEST(LoginThrottleTest, ForgetsFailuresThatLeftTheWindow) {
  LoginThrottle throttle({3, std::chrono::seconds(60), 100});
  Timestamp start = At("2026-01-01");
  throttle.Failed("A@example.org", "1.1.1.1", start);
  throttle.Failed("a@example.org", "2.2.2.2", start + std::chrono::seconds(10));
  EXPECT_FALSE(throttle.Blocked("a@example.org", "3.3.3.3", start + std::chrono::seconds(20)));
  throttle.Failed("a@example.org", "3.3.3.3", start + std::chrono::seconds(20));
  EXPECT_EQ(throttle.Blocked("a@EXAMPLE.org", "4.4.4.4", start + std::chrono::seconds(30)),
            std::chrono::seconds(30));
  EXPECT_FALSE(throttle.Blocked("a@example.org", "4.4.4.4", start + std::chrono::seconds(60)));
  throttle.Failed("b@example.org", "5.5.5.5", start);
  throttle.Succeeded("b@example.org");
  EXPECT_FALSE(throttle.Blocked("b@example.org", "6.6.6.6", start));
}

}  // namespace
}  // namespace stocktake::server
