#include "stocktake/service/accounts.h"

#include <fmt/format.h>
#include <sodium.h>

#include <algorithm>
#include <array>
#include <atomic>
#include <mutex>

#include "stocktake/service/authorization.h"
#include "stocktake/util/text.h"
#include "stocktake/util/utf8.h"

namespace stocktake {
namespace {

constexpr char kTokenPrefix[] = "stk_";
constexpr std::size_t kSecretBytes = 32;
constexpr std::size_t kMaxTokenName = 100;

std::atomic<bool> fast_hashing{false};

Result<void> StartSodium() {
  // sodium_init() is thread-safe and returns 1 once it has already run.
  static const int started = sodium_init();
  if (started < 0) return Fail(Error::Internal("libsodium cannot start"));
  return Ok();
}

unsigned long long OpsLimit() {
  return fast_hashing ? crypto_pwhash_OPSLIMIT_MIN : crypto_pwhash_OPSLIMIT_INTERACTIVE;
}
std::size_t MemLimit() {
  return fast_hashing ? crypto_pwhash_MEMLIMIT_MIN : crypto_pwhash_MEMLIMIT_INTERACTIVE;
}

Result<std::string> HashPassword(std::string_view password) {
  ST_TRY(StartSodium());
  std::array<char, crypto_pwhash_STRBYTES> out{};
  if (crypto_pwhash_str(out.data(), password.data(), password.size(), OpsLimit(), MemLimit()) !=
      0) {
    return Fail(Error::Internal("cannot hash the password: out of memory"));
  }
  return std::string(out.data());
}

bool VerifyPassword(const std::string& hash, std::string_view password) {
  return crypto_pwhash_str_verify(hash.c_str(), password.data(), password.size()) == 0;
}

// A hash of no one's password, made at the current limits, so that checking
// an unknown address costs what checking a wrong password costs.
Result<std::string> DecoyHash() {
  static std::mutex mutex;
  static std::string decoy;
  static bool decoy_fast = false;
  std::lock_guard lock(mutex);
  if (decoy.empty() || decoy_fast != fast_hashing) {
    decoy = ST_TRY(HashPassword(ST_TRY(RandomHex(16))));
    decoy_fast = fast_hashing;
  }
  return decoy;
}

Result<void> CheckPasswordText(std::string_view password) {
  if (!IsValidUtf8(password)) return Fail(Error::InvalidArgument("the password is not UTF-8"));
  if (std::any_of(password.begin(), password.end(),
                  [](char c) { return static_cast<unsigned char>(c) < 0x20 || c == 0x7f; })) {
    return Fail(Error::InvalidArgument("the password holds a control character"));
  }
  // Characters, not bytes: UTF-8 continuation bytes do not count.
  std::size_t characters = std::count_if(password.begin(), password.end(), [](char c) {
    return (static_cast<unsigned char>(c) & 0xc0) != 0x80;
  });
  if (characters < kMinPasswordLength) {
    return Fail(Error::InvalidArgument(
        fmt::format("the password is too short: use at least {} characters", kMinPasswordLength)));
  }
  if (password.size() > kMaxPasswordBytes) {
    return Fail(Error::InvalidArgument(
        fmt::format("the password is too long: at most {} bytes", kMaxPasswordBytes)));
  }
  return Ok();
}

Result<Person> KnownActor(Store& store, const std::string& address) {
  auto actor = ST_TRY(FindActor(store, address));
  if (!actor) {
    return Fail(Error::PermissionDenied(
        fmt::format("{} is not a known person: an admin adds them with 'stocktake person add {}'",
                    address, address)));
  }
  return *actor;
}

bool IsNumber(std::string_view text) {
  return !text.empty() && text.size() <= 15 &&
         std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; });
}

}  // namespace

std::string HashSecret(std::string_view secret) {
  (void)StartSodium();  // BLAKE2b works without it; this only picks the fastest code.
  std::array<unsigned char, crypto_generichash_BYTES> digest{};
  crypto_generichash(digest.data(), digest.size(),
                     reinterpret_cast<const unsigned char*>(secret.data()), secret.size(), nullptr,
                     0);
  std::array<char, crypto_generichash_BYTES * 2 + 1> hex{};
  sodium_bin2hex(hex.data(), hex.size(), digest.data(), digest.size());
  return std::string(hex.data());
}

Result<std::string> RandomHex(std::size_t bytes) {
  ST_TRY(StartSodium());
  std::vector<unsigned char> random(bytes);
  randombytes_buf(random.data(), random.size());
  std::string hex(bytes * 2 + 1, '\0');
  sodium_bin2hex(hex.data(), hex.size(), random.data(), random.size());
  hex.pop_back();
  sodium_memzero(random.data(), random.size());
  return hex;
}

void UseFastPasswordHashingForTesting() { fast_hashing = true; }

Result<void> Accounts::SetPassword(const Context& context, const std::string& email,
                                   std::string_view password) {
  ST_TRY(CheckPasswordText(password));
  // Hash before the transaction: it is slow, and needs no lock.
  std::string hash = ST_TRY(HashPassword(password));
  return store_.Transact([&](StoreWriter& writer) -> Result<void> {
    if (!ST_TRY(store_.LoadProject())) {
      return Fail(Error::NotFound(
          "the database is not initialised: run 'stocktake init' or 'stocktake import FILE'"));
    }
    auto target = ST_TRY(store_.FindPerson(email));
    if (!target) {
      return Fail(Error::NotFound(
          fmt::format("no person has the address {}: see 'stocktake person list'", email)));
    }
    auto actor = ST_TRY(FindActor(store_, context.actor));
    if (!actor || actor->email != target->email) {
      ST_TRY(Authorize(actor, context.actor, Action::kSetPassword));
    }
    return writer.account_writer().SavePasswordHash(target->email, hash, context.now);
  });
}

Result<std::optional<Person>> Accounts::CheckPassword(const std::string& email,
                                                      std::string_view password) {
  auto person = ST_TRY(store_.FindPerson(email));
  std::optional<std::string> hash;
  if (person) hash = ST_TRY(store_.accounts().FindPasswordHash(person->email));
  if (!hash) {
    (void)VerifyPassword(ST_TRY(DecoyHash()), password);
    return std::optional<Person>();
  }
  if (!VerifyPassword(*hash, password)) return std::optional<Person>();
  return person;
}

Result<NewToken> Accounts::CreateToken(const Context& context, const TokenRequest& request) {
  std::string name(Trim(request.name));
  if (name.empty() || name.size() > kMaxTokenName || !IsValidUtf8(name)) {
    return Fail(Error::InvalidArgument(
        fmt::format("a token needs a name of 1 to {} bytes of UTF-8 (--name)", kMaxTokenName)));
  }
  if (request.expires_at && *request.expires_at <= context.now) {
    return Fail(Error::InvalidArgument("--expires: the token would have expired already"));
  }
  NewToken made;
  made.secret = kTokenPrefix + ST_TRY(RandomHex(kSecretBytes));
  made.token.name = name;
  made.token.hash = HashSecret(made.secret);
  made.token.scope = request.scope;
  made.token.created_at = context.now;
  made.token.expires_at = request.expires_at;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    Person actor = ST_TRY(KnownActor(store_, context.actor));
    made.token.person = actor.email;
    for (const ApiToken& token : ST_TRY(store_.accounts().ListTokens(actor.email))) {
      if (token.name == name && !token.revoked_at) {
        return Fail(Error::Conflict(fmt::format(
            "you have a token named '{}' already: revoke it with 'stocktake token revoke {}', "
            "or choose another --name",
            name, name)));
      }
    }
    made.token.id = ST_TRY(writer.account_writer().CreateToken(made.token));
    return Ok();
  }));
  return made;
}

Result<std::vector<ApiToken>> Accounts::ListTokens(const Context& context) {
  Person actor = ST_TRY(KnownActor(store_, context.actor));
  return store_.accounts().ListTokens(actor.email);
}

Result<ApiToken> Accounts::RevokeToken(const Context& context, const std::string& name_or_id) {
  ApiToken revoked;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    auto actor = ST_TRY(FindActor(store_, context.actor));
    std::string person = actor ? actor->email : std::string();
    std::optional<ApiToken> found;
    for (ApiToken& token : ST_TRY(store_.accounts().ListTokens(""))) {
      bool by_id = IsNumber(name_or_id) && std::to_string(token.id) == name_or_id;
      bool by_name = token.person == person && token.name == name_or_id && !token.revoked_at;
      if (by_id || by_name) found = std::move(token);
      if (by_name) break;  // A live token's name wins over an id.
    }
    if (!found) {
      return Fail(Error::NotFound(
          fmt::format("no token named or numbered '{}': see 'stocktake token list'", name_or_id)));
    }
    if (found->person != person) {
      ST_TRY(Authorize(actor, context.actor, Action::kManagePeople));
    }
    if (found->revoked_at) {
      return Fail(Error::Conflict(fmt::format("token {} ('{}') was revoked on {}", found->id,
                                              found->name, FormatTimestamp(*found->revoked_at))));
    }
    ST_TRY(writer.account_writer().RevokeToken(found->id, context.now));
    found->revoked_at = context.now;
    revoked = std::move(*found);
    return Ok();
  }));
  return revoked;
}

Result<std::optional<Identity>> Accounts::AuthenticateToken(std::string_view secret,
                                                            Timestamp now) {
  if (!secret.starts_with(kTokenPrefix)) return std::optional<Identity>();
  auto token = ST_TRY(store_.accounts().FindTokenByHash(HashSecret(secret)));
  if (!token || token->revoked_at || (token->expires_at && *token->expires_at <= now)) {
    return std::optional<Identity>();
  }
  auto person = ST_TRY(store_.FindPerson(token->person));
  if (!person) return std::optional<Identity>();
  Identity identity;
  identity.person = std::move(*person);
  identity.via = Identity::Via::kToken;
  identity.scope = token->scope;
  return std::optional<Identity>(std::move(identity));
}

Result<NewSession> Accounts::StartSession(const Person& person, Timestamp now,
                                          std::chrono::seconds lifetime) {
  NewSession made;
  made.id = ST_TRY(RandomHex(kSecretBytes));
  made.session.id_hash = HashSecret(made.id);
  made.session.person = person.email;
  made.session.csrf_token = ST_TRY(RandomHex(kSecretBytes));
  made.session.created_at = now;
  made.session.expires_at = now + lifetime;
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ST_TRY(writer.account_writer().DeleteExpiredSessions(now));
    return writer.account_writer().CreateSession(made.session);
  }));
  return made;
}

Result<std::optional<Identity>> Accounts::AuthenticateSession(std::string_view id, Timestamp now) {
  if (id.empty()) return std::optional<Identity>();
  auto session = ST_TRY(store_.accounts().FindSession(HashSecret(id)));
  if (!session || session->expires_at <= now) return std::optional<Identity>();
  auto person = ST_TRY(store_.FindPerson(session->person));
  if (!person) return std::optional<Identity>();
  Identity identity;
  identity.person = std::move(*person);
  identity.via = Identity::Via::kSession;
  identity.scope = TokenScope::kWrite;
  identity.csrf_token = session->csrf_token;
  identity.session_id_hash = session->id_hash;
  return std::optional<Identity>(std::move(identity));
}

Result<bool> Accounts::EndSession(std::string_view id) {
  bool ended = false;
  std::string hash = HashSecret(id);
  ST_TRY(store_.Transact([&](StoreWriter& writer) -> Result<void> {
    ended = ST_TRY(writer.account_writer().DeleteSession(hash));
    return Ok();
  }));
  return ended;
}

}  // namespace stocktake
