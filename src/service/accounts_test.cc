#include "stocktake/service/accounts.h"

#include <gtest/gtest.h>

#include "stocktake/storage/open_store.h"
#include "tests/support/test_support.h"

namespace stocktake {
namespace {

using testing::At;

constexpr char kAdmin[] = "admin@example.org";
constexpr char kDev[] = "dev@example.org";
constexpr char kOther[] = "other@example.org";

class AccountsTest : public ::testing::Test {
 protected:
  void SetUp() override {
    UseFastPasswordHashingForTesting();
    store_ = ST_MUST(OpenStore(":memory:"));
    Planning planning(*store_);
    ASSERT_TRUE(planning.Init({kAdmin, At("2026-01-01")}, Project{}));
    for (const char* email : {kDev, kOther}) {
      ASSERT_TRUE(planning.SavePerson(
          {kAdmin, At("2026-01-01")},
          Person{email, "", {"alias-" + std::string(email)}, {Role::kContributor}}));
    }
    accounts_ = std::make_unique<Accounts>(*store_);
  }

  Context As(const char* email, const char* now = "2026-01-02") { return {email, At(now)}; }

  std::unique_ptr<Store> store_;
  std::unique_ptr<Accounts> accounts_;
};

TEST_F(AccountsTest, APasswordIsStoredAsArgon2idAndChecked) {
  ASSERT_TRUE(accounts_->SetPassword(As(kDev), kDev, "correct horse"));
  auto hash = ST_MUST(store_->accounts().FindPasswordHash(kDev));
  ASSERT_TRUE(hash);
  EXPECT_TRUE(hash->starts_with("$argon2id$")) << *hash;
  EXPECT_EQ(hash->find("correct horse"), std::string::npos);
  auto person = ST_MUST(accounts_->CheckPassword(kDev, "correct horse"));
  ASSERT_TRUE(person);
  EXPECT_EQ(person->email, kDev);
  // Any identity of the person signs in as them.
  EXPECT_TRUE(ST_MUST(accounts_->CheckPassword("alias-dev@example.org", "correct horse")));
  EXPECT_FALSE(ST_MUST(accounts_->CheckPassword(kDev, "correct horsE")));
  EXPECT_FALSE(ST_MUST(accounts_->CheckPassword(kOther, "correct horse")));  // none set
  EXPECT_FALSE(ST_MUST(accounts_->CheckPassword("nobody@example.org", "correct horse")));
}

TEST_F(AccountsTest, OnlyThePersonOrAnAdminSetsAPassword) {
  EXPECT_TRUE(accounts_->SetPassword(As(kDev), kDev, "my own secret"));
  auto refused = accounts_->SetPassword(As(kOther), kDev, "taken over!");
  ASSERT_FALSE(refused);
  EXPECT_EQ(refused.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_NE(refused.error().message().find("admin"), std::string::npos);
  EXPECT_TRUE(ST_MUST(accounts_->CheckPassword(kDev, "my own secret")));
  auto stranger = accounts_->SetPassword(As("eve@example.org"), kDev, "taken over!");
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(accounts_->SetPassword(As(kAdmin), kDev, "reset by admin"));
  EXPECT_TRUE(ST_MUST(accounts_->CheckPassword(kDev, "reset by admin")));
  auto missing = accounts_->SetPassword(As(kAdmin), "nobody@example.org", "whatever1");
  ASSERT_FALSE(missing);
  EXPECT_EQ(missing.error().code(), ErrorCode::kNotFound);
}

TEST_F(AccountsTest, WeakOrMalformedPasswordsAreRefused) {
  for (std::string password : {std::string("short"), std::string("tab\there!"),
                               std::string("bad \xff utf-8"), std::string(2000, 'x')}) {
    auto refused = accounts_->SetPassword(As(kDev), kDev, password);
    ASSERT_FALSE(refused) << password;
    EXPECT_EQ(refused.error().code(), ErrorCode::kInvalidArgument);
  }
  EXPECT_FALSE(ST_MUST(store_->accounts().FindPasswordHash(kDev)));
  EXPECT_TRUE(accounts_->SetPassword(As(kDev), kDev, "ünïcödé!"));  // 8 characters
}

TEST_F(AccountsTest, ATokenIsShownOnceAndStoredOnlyAsItsHash) {
  TokenRequest request;
  request.name = "ci";
  request.scope = TokenScope::kWrite;
  request.expires_at = At("2026-02-01");
  NewToken made = ST_MUST(accounts_->CreateToken(As(kDev), request));
  EXPECT_TRUE(made.secret.starts_with("stk_"));
  EXPECT_EQ(made.secret.size(), 4u + 64u);
  EXPECT_EQ(made.token.hash, HashSecret(made.secret));
  EXPECT_EQ(made.token.hash.find_first_not_of("0123456789abcdef"), std::string::npos);
  auto tokens = ST_MUST(accounts_->ListTokens(As(kDev)));
  ASSERT_EQ(tokens.size(), 1u);
  EXPECT_EQ(tokens[0].name, "ci");
  EXPECT_EQ(tokens[0].person, kDev);
  EXPECT_NE(tokens[0].hash, made.secret);

  auto identity = ST_MUST(accounts_->AuthenticateToken(made.secret, At("2026-01-15")));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->person.email, kDev);
  EXPECT_EQ(identity->scope, TokenScope::kWrite);
  EXPECT_EQ(identity->via, Identity::Via::kToken);
  EXPECT_FALSE(ST_MUST(accounts_->AuthenticateToken(made.secret, At("2026-02-01"))));  // expired
  EXPECT_FALSE(ST_MUST(accounts_->AuthenticateToken(made.secret + "0", At("2026-01-15"))));
  EXPECT_FALSE(ST_MUST(accounts_->AuthenticateToken(made.token.hash, At("2026-01-15"))));
}

TEST_F(AccountsTest, TokenNamesAreUniqueUntilRevoked) {
  TokenRequest request;
  request.name = "laptop";
  NewToken first = ST_MUST(accounts_->CreateToken(As(kDev), request));
  auto again = accounts_->CreateToken(As(kDev), request);
  ASSERT_FALSE(again);
  EXPECT_EQ(again.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(accounts_->CreateToken(As(kOther), request));  // another person's name space

  // Another person cannot revoke it, by name or by number; an admin can.
  auto by_name = accounts_->RevokeToken(As(kOther, "2026-01-03"), "laptop");
  ASSERT_TRUE(by_name);  // their own "laptop"
  EXPECT_EQ(by_name->person, kOther);
  auto by_number = accounts_->RevokeToken(As(kOther), std::to_string(first.token.id));
  ASSERT_FALSE(by_number);
  EXPECT_EQ(by_number.error().code(), ErrorCode::kPermissionDenied);
  EXPECT_TRUE(ST_MUST(accounts_->AuthenticateToken(first.secret, At("2026-01-03"))));

  ApiToken revoked = ST_MUST(accounts_->RevokeToken(As(kDev, "2026-01-04"), "laptop"));
  EXPECT_EQ(revoked.id, first.token.id);
  EXPECT_EQ(revoked.revoked_at, At("2026-01-04"));
  EXPECT_FALSE(ST_MUST(accounts_->AuthenticateToken(first.secret, At("2026-01-05"))));
  auto twice = accounts_->RevokeToken(As(kAdmin), std::to_string(first.token.id));
  ASSERT_FALSE(twice);
  EXPECT_EQ(twice.error().code(), ErrorCode::kConflict);
  EXPECT_TRUE(accounts_->CreateToken(As(kDev), request));  // the name is free again
  EXPECT_EQ(accounts_->RevokeToken(As(kDev), "none").error().code(), ErrorCode::kNotFound);
}

TEST_F(AccountsTest, OnlyKnownPeopleMakeTokens) {
  TokenRequest request;
  request.name = "x";
  auto stranger = accounts_->CreateToken(As("eve@example.org"), request);
  ASSERT_FALSE(stranger);
  EXPECT_EQ(stranger.error().code(), ErrorCode::kPermissionDenied);
  request.name = " ";
  EXPECT_EQ(accounts_->CreateToken(As(kDev), request).error().code(), ErrorCode::kInvalidArgument);
  request.name = "old";
  request.expires_at = At("2026-01-01");
  EXPECT_EQ(accounts_->CreateToken(As(kDev), request).error().code(), ErrorCode::kInvalidArgument);
  EXPECT_TRUE(ST_MUST(store_->accounts().ListTokens("")).empty());
}

TEST_F(AccountsTest, SessionsLastTheirLifetimeAndEnd) {
  Person dev = *ST_MUST(store_->FindPerson(kDev));
  NewSession session =
      ST_MUST(accounts_->StartSession(dev, At("2026-01-02"), std::chrono::hours(12)));
  EXPECT_EQ(session.id.size(), 64u);
  EXPECT_EQ(session.session.id_hash, HashSecret(session.id));
  EXPECT_FALSE(ST_MUST(store_->accounts().FindSession(session.id)));  // only the hash is kept
  auto identity = ST_MUST(accounts_->AuthenticateSession(session.id, At("2026-01-02T11:59:59Z")));
  ASSERT_TRUE(identity);
  EXPECT_EQ(identity->person.email, kDev);
  EXPECT_EQ(identity->via, Identity::Via::kSession);
  EXPECT_EQ(identity->csrf_token, session.session.csrf_token);
  EXPECT_NE(identity->csrf_token, session.id);
  EXPECT_FALSE(ST_MUST(accounts_->AuthenticateSession(session.id, At("2026-01-02T12:00:00Z"))));
  EXPECT_TRUE(ST_MUST(accounts_->EndSession(session.id)));
  EXPECT_FALSE(ST_MUST(accounts_->EndSession(session.id)));
  EXPECT_FALSE(ST_MUST(accounts_->AuthenticateSession(session.id, At("2026-01-02T01:00:00Z"))));
}

}  // namespace
}  // namespace stocktake
