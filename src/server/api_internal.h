#pragma once

// What api.cc shares with the handlers of api_auth.cc (authentication and the
// session routes) and api_writes.cc (the writes). Internal to libstocktake.

#include <optional>
#include <string>
#include <vector>

#include "stocktake/server/api.h"
#include "stocktake/service/accounts.h"

namespace stocktake::server::api_internal {

/// Who may call a route.
enum class Access {
  kOpen,      ///< Anyone, even with --private: /healthz, /metrics.
  kRead,      ///< Anyone, unless --private; a bearer token sent must be valid.
  kWrite,     ///< A write-scoped token, or a session with its CSRF token.
  kLogin,     ///< POST /api/v1/session: credentials are in the body.
  kSignedIn,  ///< Any valid token or session: GET /api/v1/session.
  kSession,   ///< A session with its CSRF token: DELETE /api/v1/session.
};

/// One authenticated request, as a write or session handler gets it.
struct Exchange {
  const Request& request;
  Store& store;
  Timestamp now;
  const std::vector<std::string>& parameters;
  const std::optional<Identity>& identity;
  const ApiOptions& options;
  LoginThrottle* throttle;
};

using Respond = Response (*)(const Exchange& exchange);

/// The outcome of checking a request's credential for a route of `access`:
/// who it names (nobody for an anonymous read), or the refusal to send
/// (401, 403).
struct Credential {
  std::optional<Identity> identity;
  std::optional<Response> refusal;
};

/// Checks the Authorization header or the session cookie of `request` at
/// `now` against what `access` needs. Errors: the store's.
[[nodiscard]] Result<Credential> Authenticate(const Request& request, Store& store, Timestamp now,
                                              Access access, const ApiOptions& options);

// The session routes (api_auth.cc).
Response Login(const Exchange& exchange);
Response Logout(const Exchange& exchange);
Response WhoAmI(const Exchange& exchange);

// The writes (api_writes.cc).
Response AddRelease(const Exchange& exchange);
Response AddFeature(const Exchange& exchange);
Response UpdateFeature(const Exchange& exchange);
Response SlipRelease(const Exchange& exchange);
Response SavePerson(const Exchange& exchange);
Response Propose(const Exchange& exchange);
Response Object(const Exchange& exchange);
Response Decide(const Exchange& exchange);

/// The body of GET /api/v1/features/{slug} from `record` (a store read as of
/// the request's instant): what its ETag is computed from.
[[nodiscard]] Result<std::string> FeatureRepresentation(Store& record, const std::string& slug);

/// A JSON body as every response prints it: view::DumpJson and a newline.
std::string JsonText(const nlohmann::json& value);

}  // namespace stocktake::server::api_internal
