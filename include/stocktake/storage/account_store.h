#pragma once

// The accounts part of a Store: who may sign in to `stocktake serve` and how.
// Reads go through Store::accounts(), writes through
// StoreWriter::account_writer() inside a Transact() body.
//
// Nothing here holds a secret the server could leak: a password is stored as
// its argon2id string (service/accounts.h makes it), a bearer token and a
// session id only as a hash of their random bytes. A session's CSRF token is
// stored as it is: it is worthless without the session cookie.
//
// Credentials are not part of the project's record: they have no events, and
// a store read as of a past instant (as_of_store.h) shows them as stored.
// Like the Store, these objects are used by one thread at a time.

#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/result.h"
#include "stocktake/util/time.h"

namespace stocktake {

/// What a bearer token may do: read, or read and write.
enum class TokenScope { kRead, kWrite };

/// "read" or "write".
const char* TokenScopeName(TokenScope scope);
/// The scope named `text`; nullopt for another word.
std::optional<TokenScope> ParseTokenScope(std::string_view text);

/// A named bearer token of one person. The token itself is shown once, when
/// it is made; only `hash` is kept.
struct ApiToken {
  std::int64_t id = 0;  ///< Given by the store.
  std::string person;   ///< The primary e-mail of the person it acts as.
  std::string name;     ///< Unique among the person's tokens that are not revoked.
  std::string hash;     ///< Hex digest of the token (service/accounts.h).
  TokenScope scope = TokenScope::kRead;
  Timestamp created_at{};
  std::optional<Timestamp> expires_at;  ///< nullopt: it never expires.
  std::optional<Timestamp> revoked_at;  ///< nullopt: it was never revoked.
};

/// A signed-in browser session. The session id (the cookie) is kept only as
/// `id_hash`.
struct LoginSession {
  std::string id_hash;
  std::string person;      ///< The primary e-mail of the person signed in.
  std::string csrf_token;  ///< What every write of the session sends in X-CSRF-Token.
  Timestamp created_at{};
  Timestamp expires_at{};
};

class AccountReader {
 public:
  virtual ~AccountReader() = default;

  /// The argon2id string of `person`'s password, or nullopt when none is set.
  [[nodiscard]] virtual Result<std::optional<std::string>> FindPasswordHash(
      const std::string& person) = 0;
  /// The token whose hash is `hash` (revoked and expired ones included), or nullopt.
  [[nodiscard]] virtual Result<std::optional<ApiToken>> FindTokenByHash(
      const std::string& hash) = 0;
  /// `person`'s tokens (everyone's when empty), revoked ones included, by id.
  [[nodiscard]] virtual Result<std::vector<ApiToken>> ListTokens(const std::string& person) = 0;
  /// The session whose id hashes to `id_hash` (expired ones included), or nullopt.
  [[nodiscard]] virtual Result<std::optional<LoginSession>> FindSession(
      const std::string& id_hash) = 0;
};

class AccountWriter {
 public:
  virtual ~AccountWriter() = default;

  /// Sets or replaces `person`'s password hash. kConflict (from the database)
  /// when no person has that primary e-mail.
  [[nodiscard]] virtual Result<void> SavePasswordHash(const std::string& person,
                                                      const std::string& hash,
                                                      Timestamp updated_at) = 0;
  /// Stores `token` (its id is ignored) and returns the id it got. kConflict
  /// when the person has a token of that name that is not revoked, or the
  /// hash is taken.
  [[nodiscard]] virtual Result<std::int64_t> CreateToken(const ApiToken& token) = 0;
  /// Marks token `id` revoked at `at`. Returns false when there is no such
  /// token or it was revoked already (then nothing changes).
  [[nodiscard]] virtual Result<bool> RevokeToken(std::int64_t id, Timestamp at) = 0;
  /// Stores a new session. kConflict when the id hash is taken.
  [[nodiscard]] virtual Result<void> CreateSession(const LoginSession& session) = 0;
  /// Deletes the session whose id hashes to `id_hash`; false when there was none.
  [[nodiscard]] virtual Result<bool> DeleteSession(const std::string& id_hash) = 0;
  /// Deletes every session that expired at or before `now`; returns how many.
  [[nodiscard]] virtual Result<std::int64_t> DeleteExpiredSessions(Timestamp now) = 0;
};

}  // namespace stocktake
