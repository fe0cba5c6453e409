#include "stocktake/server/http_error.h"

#include <gtest/gtest.h>

#include <nlohmann/json.hpp>

namespace stocktake::server {
namespace {

TEST(HttpErrorTest, MapsEveryErrorCodeOnce) {
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInvalidArgument), 400);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kNotFound), 404);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kConflict), 409);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kPermissionDenied), 403);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kCorruption), 422);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kIoError), 500);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kUnavailable), 503);
  EXPECT_EQ(HttpStatusFor(ErrorCode::kInternal), 500);
}

TEST(HttpErrorTest, BodyNamesTheCodeAndTheMessage) {
  Response response = ErrorResponse(Error::NotFound("no release '9.9'").WithContext("release"));
  EXPECT_EQ(response.status, 404);
  EXPECT_EQ(response.content_type, kJsonType);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body,
            nlohmann::json::parse(
                R"({"error": {"code": "not-found", "message": "release: no release '9.9'"}})"));
  EXPECT_EQ(response.body.back(), '\n');
  EXPECT_TRUE(response.log_detail.empty());
}

TEST(HttpErrorTest, ServerFailuresKeepTheirDetailForTheLog) {
  Response response = ErrorResponse(Error::IoError("disk I/O error", "/srv/stocktake.db"));
  EXPECT_EQ(response.status, 500);
  auto body = nlohmann::json::parse(response.body);
  EXPECT_EQ(body["error"]["code"], "io-error");
  EXPECT_EQ(body["error"]["message"], "internal error");
  EXPECT_EQ(response.log_detail, "/srv/stocktake.db: disk I/O error");
  // Unavailable is the client's to know: it may retry.
  EXPECT_EQ(nlohmann::json::parse(ErrorResponse(Error::Unavailable("database is busy")).body),
            nlohmann::json::parse(
                R"({"error": {"code": "unavailable", "message": "database is busy"}})"));
}

TEST(HttpErrorTest, InvalidUtf8InAMessageIsReplaced) {
  Response response = ErrorResponse(400, "invalid-argument", "bad \xFF byte");
  EXPECT_EQ(nlohmann::json::parse(response.body)["error"]["message"], "bad \xEF\xBF\xBD byte");
}

TEST(HttpErrorTest, ReasonPhrases) {
  EXPECT_EQ(ReasonPhrase(404), "Not Found");
  EXPECT_EQ(ReasonPhrase(413), "Content Too Large");
  EXPECT_EQ(ReasonPhrase(299), "Unknown");
}

}  // namespace
}  // namespace stocktake::server
