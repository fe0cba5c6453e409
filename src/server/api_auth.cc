// Authentication of API requests, and the session routes: POST, GET and
// DELETE /api/v1/session.

#include <fmt/format.h>
#include <sodium.h>

#include <nlohmann/json.hpp>

#include "server/api_internal.h"
#include "stocktake/server/http_error.h"
#include "stocktake/server/json_body.h"
#include "stocktake/util/text.h"

namespace stocktake::server::api_internal {
namespace {

// The value of cookie `name` in a Cookie header ("a=1; b=2"), or empty.
std::string_view CookieValue(std::string_view header, std::string_view name) {
  while (!header.empty()) {
    std::size_t end = header.find(';');
    std::string_view pair = Trim(header.substr(0, end));
    header = end == std::string_view::npos ? std::string_view() : header.substr(end + 1);
    std::size_t equals = pair.find('=');
    if (equals != std::string_view::npos && Trim(pair.substr(0, equals)) == name) {
      return Trim(pair.substr(equals + 1));
    }
  }
  return {};
}

bool SameSecret(std::string_view given, std::string_view expected) {
  return given.size() == expected.size() && !expected.empty() &&
         sodium_memcmp(given.data(), expected.data(), expected.size()) == 0;
}

std::string SessionCookie(const std::string& value, std::int64_t max_age,
                          const ApiOptions& options) {
  return fmt::format("{}={}; Path=/; Max-Age={}; HttpOnly; SameSite=Lax{}", kSessionCookie, value,
                     max_age, options.secure_cookies ? "; Secure" : "");
}

Response JsonResponse(int status, const nlohmann::json& body) {
  Response response;
  response.status = status;
  response.content_type = kJsonType;
  response.body = JsonText(body);
  // Credentials and who is signed in are never cached.
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

nlohmann::json PersonJson(const Person& person) {
  nlohmann::json roles = nlohmann::json::array();
  for (Role role : person.roles) roles.push_back(std::string(RoleName(role)));
  return {{"email", person.email}, {"name", person.name}, {"roles", roles}};
}

// A session's write or logout must carry its CSRF token.
std::optional<Response> CheckCsrf(const Request& request, const Identity& identity) {
  if (SameSecret(request.Header("x-csrf-token"), identity.csrf_token)) return std::nullopt;
  return CsrfResponse(
      "a write of a signed-in session needs the X-CSRF-Token header that POST /api/v1/session "
      "returned");
}

// What a route of `access` refuses to `identity` (none: anonymous).
std::optional<Response> Refusal(const Request& request, const std::optional<Identity>& identity,
                                bool stale_session, Access access, const ApiOptions& options) {
  if (access == Access::kRead) {
    if (identity || !options.private_reads) return std::nullopt;
    return UnauthenticatedResponse(
        "this server is private: send a bearer token or sign in with POST /api/v1/session");
  }
  if (!identity) {
    return UnauthenticatedResponse(
        stale_session ? "the session has expired or ended: sign in again with POST /api/v1/session"
                      : "this needs a bearer token (stocktake token create) or a signed-in "
                        "session (POST /api/v1/session)");
  }
  if (access == Access::kSignedIn) return std::nullopt;
  if (access == Access::kSession) {
    if (identity->via != Identity::Via::kSession) {
      return ErrorResponse(400, ErrorCodeName(ErrorCode::kInvalidArgument),
                           "a bearer token has no session to end: revoke it with 'stocktake "
                           "token revoke NAME'");
    }
    return CheckCsrf(request, *identity);
  }
  if (identity->via == Identity::Via::kSession) return CheckCsrf(request, *identity);
  if (identity->scope != TokenScope::kWrite) {
    return InsufficientScopeResponse(
        "this token may only read: make one that may write with 'stocktake token create --scope "
        "write'");
  }
  return std::nullopt;
}

}  // namespace

Result<Credential> Authenticate(const Request& request, Store& store, Timestamp now, Access access,
                                const ApiOptions& options) {
  Accounts accounts(store);
  Credential credential;
  bool stale_session = false;
  std::string_view authorization = request.Header("authorization");
  if (!authorization.empty()) {
    std::size_t space = authorization.find(' ');
    std::string_view token =
        space == std::string_view::npos ? std::string_view() : Trim(authorization.substr(space));
    if (ToLower(authorization.substr(0, space)) != "bearer" || token.empty()) {
      credential.refusal =
          UnauthenticatedResponse("the Authorization header takes 'Bearer TOKEN'", true);
      return credential;
    }
    credential.identity = ST_TRY(accounts.AuthenticateToken(token, now));
    if (!credential.identity) {
      credential.refusal =
          UnauthenticatedResponse("the bearer token is unknown, expired or revoked", true);
      return credential;
    }
  } else if (auto cookie = CookieValue(request.Header("cookie"), kSessionCookie); !cookie.empty()) {
    credential.identity = ST_TRY(accounts.AuthenticateSession(cookie, now));
    stale_session = !credential.identity;
  }
  credential.refusal = Refusal(request, credential.identity, stale_session, access, options);
  return credential;
}

Response Login(const Exchange& exchange) {
  auto body = JsonBody::Parse(exchange.request.body, {"email", "password"});
  if (!body) return ErrorResponse(body.error());
  auto email = body->RequiredString("email");
  if (!email) return ErrorResponse(email.error());
  auto password = body->RequiredString("password");
  if (!password) return ErrorResponse(password.error());
  const std::string& address = exchange.request.remote_address;
  // Failures count per person, whichever of their addresses is given.
  auto known = exchange.store.FindPerson(*email);
  if (!known) return ErrorResponse(known.error());
  std::string account = *known ? (*known)->email : *email;
  if (exchange.throttle != nullptr) {
    if (auto wait = exchange.throttle->Blocked(account, address, exchange.now)) {
      return TooManyAttemptsResponse(*wait);
    }
  }
  Accounts accounts(exchange.store);
  auto person = accounts.CheckPassword(*email, *password);
  if (!person) return ErrorResponse(person.error());
  if (!*person) {
    if (exchange.throttle != nullptr) exchange.throttle->Failed(account, address, exchange.now);
    return UnauthenticatedResponse("wrong e-mail address or password");
  }
  if (exchange.throttle != nullptr) exchange.throttle->Succeeded(account);
  auto session = accounts.StartSession(**person, exchange.now, exchange.options.session_lifetime);
  if (!session) return ErrorResponse(session.error());
  Response response =
      JsonResponse(201, {{"person", PersonJson(**person)},
                         {"csrf_token", session->session.csrf_token},
                         {"expires_at", FormatTimestamp(session->session.expires_at)}});
  response.headers.emplace_back(
      "Set-Cookie",
      SessionCookie(session->id, exchange.options.session_lifetime.count(), exchange.options));
  return response;
}

Response Logout(const Exchange& exchange) {
  auto ended = Accounts(exchange.store)
                   .EndSession(CookieValue(exchange.request.Header("cookie"), kSessionCookie));
  if (!ended) return ErrorResponse(ended.error());
  Response response;
  response.status = 204;
  response.headers.emplace_back("Set-Cookie", SessionCookie("", 0, exchange.options));
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

Response WhoAmI(const Exchange& exchange) {
  const Identity& identity = *exchange.identity;
  bool session = identity.via == Identity::Via::kSession;
  return JsonResponse(200, {{"person", PersonJson(identity.person)},
                            {"via", session ? "session" : "token"},
                            {"scope", TokenScopeName(identity.scope)}});
}

}  // namespace stocktake::server::api_internal
