#include <fmt/format.h>
#include <soci/soci.h>

#include "storage/sql/sql_accounts_internal.h"
#include "storage/sql/sql_error.h"

namespace stocktake {
namespace {

long long Seconds(Timestamp at) { return at.time_since_epoch().count(); }
Timestamp FromSeconds(long long seconds) { return Timestamp(std::chrono::seconds(seconds)); }

std::optional<Timestamp> OptionalTime(long long seconds, soci::indicator indicator) {
  if (indicator == soci::i_null) return std::nullopt;
  return FromSeconds(seconds);
}

constexpr const char* kTokenColumns =
    "SELECT id, person, name, hash, scope, created_at, expires_at, revoked_at FROM api_tokens";

// One api_tokens row, bound to a statement's `into` elements.
struct TokenRow {
  long long id = 0, created_at = 0, expires_at = 0, revoked_at = 0;
  std::string person, name, hash, scope;
  soci::indicator expires_indicator = soci::i_ok, revoked_indicator = soci::i_ok;

  void Bind(soci::statement& statement) {
    statement.exchange(soci::into(id));
    statement.exchange(soci::into(person));
    statement.exchange(soci::into(name));
    statement.exchange(soci::into(hash));
    statement.exchange(soci::into(scope));
    statement.exchange(soci::into(created_at));
    statement.exchange(soci::into(expires_at, expires_indicator));
    statement.exchange(soci::into(revoked_at, revoked_indicator));
  }

  Result<ApiToken> Token() const {
    auto parsed = ParseTokenScope(scope);
    if (!parsed) {
      return Fail(Error::Corruption(fmt::format("token {} has scope '{}'", id, scope)));
    }
    ApiToken token;
    token.id = id;
    token.person = person;
    token.name = name;
    token.hash = hash;
    token.scope = *parsed;
    token.created_at = FromSeconds(created_at);
    token.expires_at = OptionalTime(expires_at, expires_indicator);
    token.revoked_at = OptionalTime(revoked_at, revoked_indicator);
    return token;
  }
};

class SqlAccountsImpl final : public SqlAccounts {
 public:
  explicit SqlAccountsImpl(soci::session& session) : sql_(session) {}

  Result<std::optional<std::string>> FindPasswordHash(const std::string& person) override;
  Result<std::optional<ApiToken>> FindTokenByHash(const std::string& hash) override;
  Result<std::vector<ApiToken>> ListTokens(const std::string& person) override;
  Result<std::optional<LoginSession>> FindSession(const std::string& id_hash) override;

  Result<void> SavePasswordHash(const std::string& person, const std::string& hash,
                                Timestamp updated_at) override;
  Result<std::int64_t> CreateToken(const ApiToken& token) override;
  Result<bool> RevokeToken(std::int64_t id, Timestamp at) override;
  Result<void> CreateSession(const LoginSession& session) override;
  Result<bool> DeleteSession(const std::string& id_hash) override;
  Result<std::int64_t> DeleteExpiredSessions(Timestamp now) override;

 private:
  Result<std::vector<ApiToken>> LoadTokens(const std::string& where, const std::string& value);

  soci::session& sql_;
};

Result<std::optional<std::string>> SqlAccountsImpl::FindPasswordHash(const std::string& person) {
  return Guarded("reading a password", [&]() -> Result<std::optional<std::string>> {
    std::string hash;
    soci::indicator indicator = soci::i_null;
    sql_ << "SELECT hash FROM person_passwords WHERE person = :p", soci::use(person),
        soci::into(hash, indicator);
    if (!sql_.got_data() || indicator == soci::i_null) return std::optional<std::string>();
    return std::optional<std::string>(hash);
  });
}

Result<std::vector<ApiToken>> SqlAccountsImpl::LoadTokens(const std::string& where,
                                                          const std::string& value) {
  std::vector<ApiToken> tokens;
  TokenRow row;
  soci::statement statement(sql_);
  row.Bind(statement);
  std::string text = kTokenColumns;
  if (!where.empty()) {
    text += " WHERE " + where + " = :v";
    statement.exchange(soci::use(value));
  }
  statement.alloc();
  statement.prepare(text + " ORDER BY id");
  statement.define_and_bind();
  statement.execute();
  while (statement.fetch()) tokens.push_back(ST_TRY(row.Token()));
  return tokens;
}

Result<std::optional<ApiToken>> SqlAccountsImpl::FindTokenByHash(const std::string& hash) {
  return Guarded("reading a token", [&]() -> Result<std::optional<ApiToken>> {
    auto tokens = ST_TRY(LoadTokens("hash", hash));
    if (tokens.empty()) return std::optional<ApiToken>();
    return std::optional<ApiToken>(std::move(tokens.front()));
  });
}

Result<std::vector<ApiToken>> SqlAccountsImpl::ListTokens(const std::string& person) {
  return Guarded("reading tokens", [&]() -> Result<std::vector<ApiToken>> {
    return LoadTokens(person.empty() ? "" : "person", person);
  });
}

Result<std::optional<LoginSession>> SqlAccountsImpl::FindSession(const std::string& id_hash) {
  return Guarded("reading a session", [&]() -> Result<std::optional<LoginSession>> {
    LoginSession session;
    long long created_at = 0, expires_at = 0;
    sql_ << "SELECT id_hash, person, csrf_token, created_at, expires_at FROM login_sessions "
            "WHERE id_hash = :h",
        soci::use(id_hash), soci::into(session.id_hash), soci::into(session.person),
        soci::into(session.csrf_token), soci::into(created_at), soci::into(expires_at);
    if (!sql_.got_data()) return std::optional<LoginSession>();
    session.created_at = FromSeconds(created_at);
    session.expires_at = FromSeconds(expires_at);
    return std::optional<LoginSession>(std::move(session));
  });
}

Result<void> SqlAccountsImpl::SavePasswordHash(const std::string& person, const std::string& hash,
                                               Timestamp updated_at) {
  long long at = Seconds(updated_at);
  sql_ << "INSERT INTO person_passwords(person, hash, updated_at) VALUES (:p, :h, :a) "
          "ON CONFLICT (person) DO UPDATE SET hash = excluded.hash, "
          "updated_at = excluded.updated_at",
      soci::use(person), soci::use(hash), soci::use(at);
  return Ok();
}

Result<std::int64_t> SqlAccountsImpl::CreateToken(const ApiToken& token) {
  std::string scope = TokenScopeName(token.scope);
  long long created_at = Seconds(token.created_at);
  long long expires_at = token.expires_at ? Seconds(*token.expires_at) : 0;
  soci::indicator expires_indicator = token.expires_at ? soci::i_ok : soci::i_null;
  sql_ << "INSERT INTO api_tokens(person, name, hash, scope, created_at, expires_at) "
          "VALUES (:p, :n, :h, :s, :c, :e)",
      soci::use(token.person), soci::use(token.name), soci::use(token.hash), soci::use(scope),
      soci::use(created_at), soci::use(expires_at, expires_indicator);
  long long id = 0;
  sql_ << "SELECT id FROM api_tokens WHERE hash = :h", soci::use(token.hash), soci::into(id);
  return static_cast<std::int64_t>(id);
}

Result<bool> SqlAccountsImpl::RevokeToken(std::int64_t id, Timestamp at) {
  long long revoked_at = Seconds(at), row = id;
  soci::statement statement =
      (sql_.prepare << "UPDATE api_tokens SET revoked_at = :a WHERE id = :i AND revoked_at IS NULL",
       soci::use(revoked_at), soci::use(row));
  statement.execute(true);
  return statement.get_affected_rows() > 0;
}

Result<void> SqlAccountsImpl::CreateSession(const LoginSession& session) {
  long long created_at = Seconds(session.created_at), expires_at = Seconds(session.expires_at);
  sql_ << "INSERT INTO login_sessions(id_hash, person, csrf_token, created_at, expires_at) "
          "VALUES (:h, :p, :c, :a, :e)",
      soci::use(session.id_hash), soci::use(session.person), soci::use(session.csrf_token),
      soci::use(created_at), soci::use(expires_at);
  return Ok();
}

Result<bool> SqlAccountsImpl::DeleteSession(const std::string& id_hash) {
  soci::statement statement =
      (sql_.prepare << "DELETE FROM login_sessions WHERE id_hash = :h", soci::use(id_hash));
  statement.execute(true);
  return statement.get_affected_rows() > 0;
}

Result<std::int64_t> SqlAccountsImpl::DeleteExpiredSessions(Timestamp now) {
  long long at = Seconds(now);
  soci::statement statement =
      (sql_.prepare << "DELETE FROM login_sessions WHERE expires_at <= :a", soci::use(at));
  statement.execute(true);
  return static_cast<std::int64_t>(statement.get_affected_rows());
}

}  // namespace

std::unique_ptr<SqlAccounts> SqlAccounts::Create(soci::session& session) {
  return std::make_unique<SqlAccountsImpl>(session);
}

}  // namespace stocktake
