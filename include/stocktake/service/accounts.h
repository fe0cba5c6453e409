#pragma once

// Accounts: who may use `stocktake serve` and how they prove it, shared by the
// CLI (`person passwd`, `token create|list|revoke`) and the server (bearer
// tokens, `POST /api/v1/session`). Built on libsodium:
//
//   - a password is kept as its argon2id string (crypto_pwhash_str, at
//     libsodium's INTERACTIVE limits: about 64 MiB and a tenth of a second, so
//     the server runs it on a worker, never on the I/O thread);
//   - a bearer token ("stk_" and 64 hex digits) and a session id (64 hex
//     digits) are 32 random bytes (randombytes_buf), kept only as their
//     BLAKE2b-256 digest (crypto_generichash), so a copy of the database lets
//     no one in.
//
// Who may: every person sets their own password and makes, lists and revokes
// their own tokens; an admin sets anyone's password (Action::kSetPassword) and
// revokes anyone's token (Action::kManagePeople). Writes check the acting
// person inside their transaction, as every service write does. Credentials
// write no event: they are not part of the project's record.
//
// An Accounts object borrows its Store and is used by one thread at a time.
// Nothing here reads a terminal or a clock: the CLI reads the password, and
// every time is a parameter.

#include <chrono>
#include <cstdint>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/model/person.h"
#include "stocktake/result.h"
#include "stocktake/service/planning.h"
#include "stocktake/storage/account_store.h"
#include "stocktake/storage/store.h"

namespace stocktake {

/// Bytes a password may have: at least kMinPasswordLength (counted in
/// characters), at most kMaxPasswordBytes.
inline constexpr std::size_t kMinPasswordLength = 8;
inline constexpr std::size_t kMaxPasswordBytes = 1024;

/// What `token create` asks for.
struct TokenRequest {
  std::string name;  ///< Unique among the person's live tokens.
  TokenScope scope = TokenScope::kRead;
  std::optional<Timestamp> expires_at;  ///< nullopt: never expires.
};

/// A token just made: `secret` is shown once and never stored.
struct NewToken {
  std::string secret;
  ApiToken token;
};

/// A session just started: `id` is the cookie's value, never stored.
struct NewSession {
  std::string id;
  LoginSession session;
};

/// Who a request's credential names, and what it may do.
struct Identity {
  enum class Via { kToken, kSession };
  Person person;
  Via via = Via::kToken;
  /// A token's scope; a session reads and writes.
  TokenScope scope = TokenScope::kRead;
  /// For a session: the token its writes must send, and its id's hash.
  std::string csrf_token;
  std::string session_id_hash;
};

class Accounts {
 public:
  explicit Accounts(Store& store) : store_(store) {}

  /// Sets `email`'s password (the person must exist: kNotFound). Only that
  /// person or an admin may: kPermissionDenied. kInvalidArgument when the
  /// password is shorter than kMinPasswordLength characters, longer than
  /// kMaxPasswordBytes, not UTF-8 or holds a control character. kInternal
  /// when hashing fails (out of memory).
  [[nodiscard]] Result<void> SetPassword(const Context& context, const std::string& email,
                                         std::string_view password);

  /// The person `email` names when `password` is theirs; nullopt when it is
  /// not, when no person has that address or when they have no password.
  /// Takes about as long in every case, so the time tells nothing.
  [[nodiscard]] Result<std::optional<Person>> CheckPassword(const std::string& email,
                                                            std::string_view password);

  /// Makes a token for the acting person (kPermissionDenied when no person
  /// holds the address). kInvalidArgument for an empty or over-long name, or
  /// an expiry not after `context.now`; kConflict when a live token has the name.
  [[nodiscard]] Result<NewToken> CreateToken(const Context& context, const TokenRequest& request);

  /// The acting person's tokens, revoked ones included, by id. Never secrets.
  [[nodiscard]] Result<std::vector<ApiToken>> ListTokens(const Context& context);

  /// Revokes the acting person's live token named `name_or_id`, or the token
  /// with that number (an admin: anyone's). kNotFound when there is none;
  /// kConflict when it is revoked already; kPermissionDenied for another
  /// person's token when not an admin.
  [[nodiscard]] Result<ApiToken> RevokeToken(const Context& context, const std::string& name_or_id);

  /// The person and scope of bearer token `secret` at `now`; nullopt when it
  /// is unknown, revoked, expired, or its person is gone.
  [[nodiscard]] Result<std::optional<Identity>> AuthenticateToken(std::string_view secret,
                                                                  Timestamp now);

  /// Starts a session of `person` (as CheckPassword returned it) lasting
  /// `lifetime` from `now`, and deletes the sessions that have expired.
  [[nodiscard]] Result<NewSession> StartSession(const Person& person, Timestamp now,
                                                std::chrono::seconds lifetime);

  /// The person of session `id` at `now`; nullopt when it is unknown or expired.
  [[nodiscard]] Result<std::optional<Identity>> AuthenticateSession(std::string_view id,
                                                                    Timestamp now);

  /// Ends session `id`; false when there was none.
  [[nodiscard]] Result<bool> EndSession(std::string_view id);

 private:
  Store& store_;
};

/// The hex BLAKE2b-256 digest of `secret`: what the store keeps of a token or
/// a session id.
std::string HashSecret(std::string_view secret);

/// `bytes` random bytes as lower-case hex (libsodium's randombytes_buf).
/// kInternal when libsodium cannot start.
[[nodiscard]] Result<std::string> RandomHex(std::size_t bytes);

/// Hashes passwords at libsodium's minimum limits from now on, in this
/// process: tests only, where INTERACTIVE's 64 MiB per hash is slow.
void UseFastPasswordHashingForTesting();

}  // namespace stocktake
