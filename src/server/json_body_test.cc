#include "stocktake/server/json_body.h"

#include <gtest/gtest.h>

namespace stocktake::server {
namespace {

// The message of the error `text` gets, or "" when it parses.
std::string Refusal(std::string_view text) {
  auto body = JsonBody::Parse(text, {"name", "flag", "list"});
  if (body) return "";
  EXPECT_EQ(body.error().code(), ErrorCode::kInvalidArgument);
  return body.error().message();
}

TEST(JsonBodyTest, ReadsTheFieldsOfOneObject) {
  auto body = ST_MUST(JsonBody::Parse(R"({"name": "x", "flag": false, "list": ["a", "b"]})",
                                      {"name", "flag", "list"}));
  EXPECT_EQ(ST_MUST(body.String("name")), "x");
  EXPECT_EQ(ST_MUST(body.RequiredString("name")), "x");
  EXPECT_EQ(ST_MUST(body.Bool("flag")), false);
  EXPECT_EQ(ST_MUST(body.Strings("list")), (std::vector<std::string>{"a", "b"}));
  auto empty = ST_MUST(JsonBody::Parse("{}", {"name"}));
  EXPECT_FALSE(ST_MUST(empty.String("name")));
  EXPECT_FALSE(empty.Has("name"));
  EXPECT_NE(empty.RequiredString("name").error().message().find("'name' is required"),
            std::string::npos);
}

TEST(JsonBodyTest, RefusesWhatIsNotOneObjectOfKnownFields) {
  EXPECT_NE(Refusal("").find("not valid JSON"), std::string::npos);
  EXPECT_NE(Refusal("{\"name\": 1,}").find("not valid JSON"), std::string::npos);
  EXPECT_NE(Refusal("[1]").find("must be a JSON object, not array"), std::string::npos);
  EXPECT_NE(Refusal("{} {}").find("not valid JSON"), std::string::npos);
  EXPECT_NE(Refusal(R"({"colour": "red"})").find("unknown field 'colour'"), std::string::npos);
  EXPECT_NE(Refusal(R"({"name": "a", "name": "b"})").find("'name' is given twice"),
            std::string::npos);
  EXPECT_NE(Refusal("{\"name\": \"\xc3\x28\"}").find("not UTF-8 (byte 11)"), std::string::npos);
  std::string deep = "{\"list\": " + std::string(20, '[') + std::string(20, ']') + "}";
  EXPECT_NE(Refusal(deep).find("deeper than"), std::string::npos);
  // Names within nested objects are their own: the same name twice there is no repeat.
  EXPECT_EQ(Refusal(R"({"list": [{"name": 1}, {"name": 2}]})"), "");
}

TEST(JsonBodyTest, AValueOfAnotherTypeNamesTheField) {
  auto body = ST_MUST(JsonBody::Parse(R"({"name": null, "flag": "yes", "list": ["a", 1]})",
                                      {"name", "flag", "list"}));
  EXPECT_EQ(body.String("name").error().message(), "field 'name' must be a string, not null");
  EXPECT_EQ(body.Bool("flag").error().message(), "field 'flag' must be true or false, not string");
  EXPECT_EQ(body.Strings("list").error().message(),
            "field 'list' must be a list of strings, not number");
}

}  // namespace
}  // namespace stocktake::server
