#pragma once

// Api: the routes of `stocktake serve` and their handlers, in the shape of
// Beast's handle_request example: a Request value goes in, a Response value
// comes out, and no socket is touched, so every endpoint is tested
// in-process. http_server.cc only moves bytes.
//
// Handling is two steps, so the I/O thread never waits on the database:
// Route() (no Store: parses and checks the target, the method and the query,
// answers what needs no database) runs on the I/O thread, and Run() (the
// reads, through the views of stocktake/view/ and the JSON printer, so each
// body is byte for byte what `stocktake --json` prints for the same read)
// runs on a worker with that worker's Store. Handle() does both, for tests.
//
// Reads of the record are as of an instant, like the CLI's --now: `?as_of=`
// when given, else the clock passed to Run(). Evidence (series, threads,
// stats) is shown as stored, as the CLI shows it. Every 200 of a GET carries
// a strong ETag, and a matching If-None-Match gets 304. The routes, their
// parameters and statuses are documented in docs/api.md.
//
// Writes (feature add and set, release slip) and the session routes need
// authentication, checked in Run() on the worker: a bearer token
// (`Authorization: Bearer stk_…`, its scope and expiry checked) or a session
// cookie from `POST /api/v1/session`, whose writes must send the session's
// X-CSRF-Token. The acting person is the authenticated one, never a header
// or a field of the body, and the service layer's role rules decide the rest.
// Password checks (argon2id, slow) run on the worker too. With
// ApiOptions::private_reads, reads need authentication as well.
//
// A read's body is kept in the ResponseCache the Api may be given, under
// the request target, the instant it is read as of and the database's
// change stamp (Store::ChangeStamp()), and answered from there while no
// commit, by anyone, has moved the stamp.
//
// An Api is immutable after construction: share it between threads. The
// LoginThrottle and ResponseCache it may be given are thread-safe.

#include <chrono>
#include <cstddef>
#include <optional>
#include <string>
#include <string_view>
#include <vector>

#include "stocktake/server/http_message.h"
#include "stocktake/server/login_throttle.h"
#include "stocktake/server/metrics.h"
#include "stocktake/server/response_cache.h"
#include "stocktake/server/target.h"
#include "stocktake/storage/store.h"
#include "stocktake/util/time.h"

namespace stocktake::server {

/// The label of requests that match no route (metrics.h).
inline constexpr char kUnmatchedRoute[] = "unmatched";

struct RouteSpec;

/// What Route() decided.
struct Dispatch {
  /// The matched route's pattern ("/api/v1/releases/{version}"), or
  /// kUnmatchedRoute.
  std::string route;
  /// The response already decided on the I/O thread (an error of the
  /// request itself); when set, Run() is not needed.
  std::optional<Response> answer;
  /// True when Run() needs a Store (a worker); false for /metrics.
  bool needs_store = false;

  // For Run(): the route, its decoded {parameters} and query, and ?as_of.
  const RouteSpec* spec = nullptr;
  std::vector<std::string> parameters;
  Target target;
  std::optional<Timestamp> as_of;
};

/// How the API authenticates and what it accepts.
struct ApiOptions {
  /// `serve --private`: reads need authentication too (401 without it).
  bool private_reads = false;
  /// Session cookies carry `Secure`: clients reach the server over https.
  bool secure_cookies = false;
  /// How long a session from POST /api/v1/session lasts.
  std::chrono::seconds session_lifetime{12 * 60 * 60};
  /// A request body over this many bytes gets 413.
  std::size_t body_limit = 1 << 20;
};

/// The cookie that holds a session id.
inline constexpr char kSessionCookie[] = "stocktake_session";

class Api {
 public:
  /// `metrics` (may be null: /metrics then reports nothing), `throttle`
  /// (may be null: failed logins are then not limited) and `cache` (may be
  /// null: every read is built anew) must outlive the Api.
  explicit Api(const Metrics* metrics = nullptr, ApiOptions options = {},
               LoginThrottle* throttle = nullptr, ResponseCache* cache = nullptr)
      : metrics_(metrics), options_(options), throttle_(throttle), cache_(cache) {}

  /// Routes `request` without a Store: 400 for a bad target, query parameter
  /// or `as_of`; 404 for an unknown path; 405 (with Allow) for a method the
  /// path does not take; 413 for a body over the limit; 415 for a write
  /// whose body is not application/json.
  Dispatch Route(const Request& request) const;

  /// Runs a dispatch that has no `answer`: authenticates the request, then
  /// reads or writes. `store` may be null only when `dispatch.needs_store` is
  /// false. `clock` is the time of a read without ?as_of, of every write, and
  /// of the expiry checks of tokens, sessions and the login throttle.
  Response Run(const Request& request, const Dispatch& dispatch, Store* store,
               Timestamp clock) const;

  /// Route() then Run(): the whole exchange, in-process.
  Response Handle(const Request& request, Store& store, Timestamp clock) const;

 private:
  // A read's body: from `cache_` when the database has not changed since it
  // was built, else built and kept there.
  Response Read(const Request& request, const Dispatch& dispatch, Store& store,
                Timestamp now) const;

  const Metrics* metrics_;
  ApiOptions options_;
  LoginThrottle* throttle_;
  ResponseCache* cache_;
};

/// The strong entity tag of `body`: a quoted hex digest of SHA-256's first
/// 128 bits, e.g. "\"3f2a…\"".
std::string EntityTag(std::string_view body);

/// Whether an If-Match header value (a list of entity tags, or "*") names
/// `etag`, by the strong comparison RFC 9110 prescribes for it: weak tags
/// never match.
bool IfMatchMatches(std::string_view header, std::string_view etag);

/// Whether an If-None-Match header value (a list of entity tags, or "*")
/// names `etag`, by the weak comparison RFC 9110 prescribes for it.
bool IfNoneMatchMatches(std::string_view header, std::string_view etag);

}  // namespace stocktake::server
