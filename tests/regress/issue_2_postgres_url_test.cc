// Issue 2: `--db postgresql://user@host:port/db` reached SOCI as is, and SOCI
// took "postgresql://" for its own backend prefix: libpq was asked for the
// database "stocktake_test_8422_0=". URLs are now turned into libpq keywords.

#include <gtest/gtest.h>

#include "storage/sql/postgres_url.h"

namespace stocktake {
namespace {

std::string Convert(const char* url) {
  auto connect = PostgresConnectString(url);
  EXPECT_TRUE(connect) << url;
  return connect ? *connect : "";
}

TEST(PostgresUrlTest, TurnsAUrlIntoKeywords) {
  EXPECT_EQ(Convert("postgresql://postgres@127.0.0.1:26262/stocktake_test_8422_0"),
            "user='postgres' host='127.0.0.1' port='26262' dbname='stocktake_test_8422_0' ");
  EXPECT_EQ(Convert("postgres://db.example.org/plans"), "host='db.example.org' dbname='plans' ");
}

TEST(PostgresUrlTest, DecodesAndQuotesPasswordsAndParameters) {
  EXPECT_EQ(Convert("postgresql://rm:p%40ss'w\\d@[::1]:5432/st?sslmode=require"),
            "password='p@ss\\'w\\\\d' user='rm' host='::1' port='5432' dbname='st' "
            "sslmode='require' ");
}

TEST(PostgresUrlTest, RefusesMalformedUrls) {
  EXPECT_FALSE(PostgresConnectString("postgresql://[::1:5432/st"));
  auto parameter = PostgresConnectString("postgresql://host/db?sslmode");
  ASSERT_FALSE(parameter);
  EXPECT_NE(parameter.error().message().find("key=value"), std::string::npos);
}

}  // namespace
}  // namespace stocktake
