#include "stocktake/server/api.h"

#include <fmt/format.h>
#include <fmt/ranges.h>
#include <openssl/evp.h>

#include <algorithm>
#include <array>
#include <memory>
#include <sstream>

#include "server/api_internal.h"
#include "stocktake/report/support_matrix.h"
#include "stocktake/report/taking_stock.h"
#include "stocktake/server/http_error.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/util/text.h"
#include "stocktake/view/json_printer.h"
#include "stocktake/view/lifecycle.h"
#include "stocktake/view/planning.h"
#include "stocktake/view/printer.h"
#include "stocktake/view/terminal_safe.h"

namespace stocktake::server {

// What a route reads. The record is read as of ?as_of or the clock, as the
// CLI reads it at --now; evidence as stored, as the CLI shows it.
enum class Reads { kRecord, kEvidence, kDatabase, kNothing };

namespace {

struct Body {
  std::string content_type;
  std::string text;
  std::vector<std::pair<std::string, std::string>> headers = {};  ///< Link, ...
};

// One call of a handler: the Store to read (as of `now` for the record), the
// route's decoded {parameters} in order, and the query.
struct Call {
  Store* store = nullptr;
  Timestamp now{};
  const std::vector<std::string>& parameters;
  const Target& target;
  const Metrics* metrics = nullptr;
};

using Handler = Result<Body> (*)(const Call& call);

template <typename View>
Body Json(const View& view) {
  std::ostringstream out;
  view::JsonPrinter printer(out);
  printer.Print(view);
  return {kJsonType, out.str()};
}

template <typename View>
Body Text(const View& view) {
  std::ostringstream out;
  view::MakePrinter(view::Format::kText, out)->Print(view);
  return {kTextType, out.str()};
}

Result<Date> DateParameter(const std::string& text, const char* name) {
  auto date = ParseDate(text);
  if (!date)
    return Fail(Error::InvalidArgument(fmt::format("{}: {}", name, date.error().message())));
  return *date;
}

// Proposal numbers, as `proposal list` prints them.
Result<std::int64_t> NumberParameter(const std::string& text, const char* what) {
  // More than 15 digits would overflow stoll; no store has that many.
  if (text.empty() || text.size() > 15 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(Error::InvalidArgument(fmt::format(
        "'{}' is not a {} number: give the id /api/v1/proposals lists, e.g. 3", text, what)));
  }
  return std::stoll(text);
}

Result<Body> People(const Call& call) { return Json(ST_TRY(view::BuildPersonList(*call.store))); }

Result<Body> Releases(const Call& call) {
  return Json(ST_TRY(view::BuildReleaseList(*call.store)));
}

Result<Body> Release(const Call& call) {
  return Json(ST_TRY(view::BuildReleaseShow(*call.store, call.parameters[0], call.now)));
}

Result<Body> Report(const Call& call) {
  std::string format = call.target.Query("format").value_or("json");
  if (format != "json" && format != "text" && format != "markdown") {
    return Fail(
        Error::InvalidArgument(fmt::format("format: '{}' is not json, text or markdown", format)));
  }
  std::optional<Date> since;
  if (auto text = call.target.Query("since")) since = ST_TRY(DateParameter(*text, "since"));
  TakingStock report =
      ST_TRY(view::BuildTakingStock(*call.store, call.parameters[0], call.now, since));
  // The CLI's bytes for each format: Markdown shows control characters too.
  if (format == "markdown") {
    return Body{kMarkdownType, view::TerminalSafe(RenderTakingStockMarkdown(report))};
  }
  return format == "text" ? Text(report) : Json(report);
}

Result<Body> Check(const Call& call) {
  return Json(ST_TRY(view::BuildReleaseCheck(*call.store, call.parameters[0], call.now)));
}

// A cursor or a limit of a paged list: a number of at most 15 digits.
Result<std::int64_t> CountParameter(const Call& call, const char* name, std::int64_t fallback) {
  auto text = call.target.Query(name);
  if (!text) return fallback;
  if (text->empty() || text->size() > 15 ||
      !std::all_of(text->begin(), text->end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(Error::InvalidArgument(
        fmt::format("{}: '{}' is not a number: give e.g. {}=100", name, *text, name)));
  }
  return std::stoll(*text);
}

// A page's size: the event feed pages by default, so that no request reads
// the whole log at once; lists page when asked.
constexpr std::int64_t kDefaultPage = 100;
constexpr std::int64_t kMaxPage = 1000;

Result<Body> Features(const Call& call) {
  view::FeatureList list =
      ST_TRY(view::BuildFeatureList(*call.store, call.target.Query("release").value_or(""),
                                    call.target.Query("status").value_or("")));
  auto limit_text = call.target.Query("limit");
  auto after = call.target.Query("after");
  if (!limit_text && !after) return Json(list);
  // A page: the features after the one named, in the list's order, with a
  // Link to the next page when there is one (RFC 8288, as GitHub pages).
  std::int64_t limit = ST_TRY(CountParameter(call, "limit", kDefaultPage));
  if (limit < 1 || limit > kMaxPage) {
    return Fail(
        Error::InvalidArgument(fmt::format("limit: {} is not between 1 and {}", limit, kMaxPage)));
  }
  auto& features = list.features;
  auto first = features.begin();
  if (after) {
    first = std::find_if(features.begin(), features.end(),
                         [&](const stocktake::Feature& feature) { return feature.slug == *after; });
    if (first == features.end()) {
      return Fail(Error::InvalidArgument(fmt::format(
          "after: '{}' is not in this list (removed or moved?): start again without after",
          *after)));
    }
    ++first;
  }
  auto end = features.end() - first > limit ? first + limit : features.end();
  bool more = end != features.end();
  features =
      std::vector<stocktake::Feature>(std::make_move_iterator(first), std::make_move_iterator(end));
  Body body = Json(list);
  if (more && !features.empty()) {
    body.headers.emplace_back(
        "Link", fmt::format("<{}>; rel=\"next\"", call.target.With("after", features.back().slug)));
  }
  return body;
}

Result<Body> Feature(const Call& call) {
  return Body{kJsonType,
              ST_TRY(api_internal::FeatureRepresentation(*call.store, call.parameters[0]))};
}

Result<Body> FeatureHistory(const Call& call) {
  return Json(ST_TRY(view::BuildFeatureHistory(*call.store, call.parameters[0])));
}

Result<Body> Protocols(const Call& call) {
  return Json(ST_TRY(view::BuildProtocolList(*call.store, call.now)));
}

Result<Body> Protocol(const Call& call) {
  return Json(ST_TRY(view::BuildProtocolShow(*call.store, call.parameters[0], call.now)));
}

Result<Body> ProtocolHistory(const Call& call) {
  return Json(ST_TRY(view::BuildProtocolHistory(*call.store, call.parameters[0])));
}

Result<Body> Proposals(const Call& call) {
  return Json(ST_TRY(
      view::BuildProposalList(*call.store, call.target.Query("protocol").value_or(""), call.now)));
}

Result<Body> Proposal(const Call& call) {
  std::int64_t id = ST_TRY(NumberParameter(call.parameters[0], "proposal"));
  return Json(ST_TRY(view::BuildProposalShow(*call.store, id, call.now)));
}

Result<Body> SupportMatrixBody(const Call& call) {
  MatrixFormat format = ST_TRY(ParseMatrixFormat(call.target.Query("format").value_or("json")));
  SupportMatrix matrix = ST_TRY(view::BuildSupportMatrix(*call.store));
  if (format == MatrixFormat::kJson) return Json(matrix);
  if (format == MatrixFormat::kText) return Text(matrix);
  std::string text = RenderSupportMatrix(matrix, format);
  if (!text.empty() && text.back() != '\n') text.push_back('\n');
  return Body{format == MatrixFormat::kHtml ? kHtmlType : kMarkdownType, view::TerminalSafe(text)};
}

Result<Body> Events(const Call& call) {
  view::EventFeedQuery query;
  query.release = call.target.Query("release").value_or("");
  query.subject = call.target.Query("subject").value_or("");
  query.kind_prefix = call.target.Query("kind").value_or("");
  query.after = ST_TRY(CountParameter(call, "after", 0));
  std::int64_t limit = ST_TRY(CountParameter(call, "limit", kDefaultPage));
  if (limit < 1 || limit > kMaxPage) {
    return Fail(
        Error::InvalidArgument(fmt::format("limit: {} is not between 1 and {}", limit, kMaxPage)));
  }
  query.limit = static_cast<std::size_t>(limit);
  return Json(ST_TRY(view::BuildEventFeed(*call.store, query)));
}

Result<Body> Series(const Call& call) { return Json(ST_TRY(view::BuildSeriesList(*call.store))); }

Result<Body> Thread(const Call& call) {
  return Json(ST_TRY(view::BuildThreadShow(*call.store, call.parameters[0])));
}

Result<Body> Stats(const Call& call) { return Json(ST_TRY(view::BuildEvidenceStats(*call.store))); }

// The store answers: it can read the project (which may not exist yet).
Result<Body> Health(const Call& call) {
  auto project = call.store->LoadProject();
  if (!project) return Fail(Error::Unavailable("the database does not answer"));
  return Body{kTextType, "ok\n"};
}

Result<Body> MetricsBody(const Call& call) {
  return Body{kPrometheusType, call.metrics == nullptr ? std::string() : call.metrics->Render()};
}

}  // namespace

struct RouteSpec {
  const char* pattern;
  /// GET (which answers HEAD too), POST, PUT, PATCH or DELETE.
  const char* method;
  Reads reads;
  api_internal::Access access;
  /// The query parameters it takes besides as_of (which every read takes).
  std::array<const char*, 5> query;
  /// A read's body, which Finish() tags and may answer 304 for; or null.
  Handler handler;
  /// A write's or a session route's whole response; or null.
  api_internal::Respond respond;
};

namespace {

// clang-format off
using api_internal::Access;
constexpr Reads kStored = Reads::kDatabase;

constexpr RouteSpec kRoutes[] = {
    {"/api/v1/releases", "GET", Reads::kRecord, Access::kRead, {}, Releases, nullptr},
    {"/api/v1/releases", "POST", kStored, Access::kWrite, {}, nullptr, api_internal::AddRelease},
    {"/api/v1/releases/{version}", "GET", Reads::kRecord, Access::kRead, {}, Release, nullptr},
    {"/api/v1/releases/{version}/report", "GET", Reads::kRecord, Access::kRead, {"format", "since"}, Report, nullptr},
    {"/api/v1/releases/{version}/check", "GET", Reads::kRecord, Access::kRead, {}, Check, nullptr},
    {"/api/v1/releases/{version}/features", "POST", kStored, Access::kWrite, {}, nullptr, api_internal::AddFeature},
    {"/api/v1/releases/{version}/slip", "POST", kStored, Access::kWrite, {}, nullptr, api_internal::SlipRelease},
    {"/api/v1/features", "GET", Reads::kRecord, Access::kRead, {"release", "status", "after", "limit"}, Features, nullptr},
    {"/api/v1/features/{slug}", "GET", Reads::kRecord, Access::kRead, {}, Feature, nullptr},
    {"/api/v1/features/{slug}", "PATCH", kStored, Access::kWrite, {}, nullptr, api_internal::UpdateFeature},
    {"/api/v1/features/{slug}/history", "GET", Reads::kRecord, Access::kRead, {}, FeatureHistory, nullptr},
    {"/api/v1/people", "GET", Reads::kRecord, Access::kRead, {}, People, nullptr},
    {"/api/v1/people/{email}", "PUT", kStored, Access::kWrite, {}, nullptr, api_internal::SavePerson},
    {"/api/v1/protocols", "GET", Reads::kRecord, Access::kRead, {}, Protocols, nullptr},
    {"/api/v1/protocols/{name}", "GET", Reads::kRecord, Access::kRead, {}, Protocol, nullptr},
    {"/api/v1/protocols/{name}/history", "GET", Reads::kRecord, Access::kRead, {}, ProtocolHistory, nullptr},
    {"/api/v1/protocols/{name}/proposals", "POST", kStored, Access::kWrite, {}, nullptr, api_internal::Propose},
    {"/api/v1/proposals", "GET", Reads::kRecord, Access::kRead, {"protocol"}, Proposals, nullptr},
    {"/api/v1/proposals/{id}", "GET", Reads::kRecord, Access::kRead, {}, Proposal, nullptr},
    {"/api/v1/proposals/{id}/objections", "POST", kStored, Access::kWrite, {}, nullptr, api_internal::Object},
    {"/api/v1/proposals/{id}/decision", "POST", kStored, Access::kWrite, {}, nullptr, api_internal::Decide},
    {"/api/v1/support-matrix", "GET", Reads::kRecord, Access::kRead, {"format"}, SupportMatrixBody, nullptr},
    {"/api/v1/events", "GET", Reads::kRecord, Access::kRead, {"release", "subject", "kind", "after", "limit"}, Events, nullptr},
    {"/api/v1/series", "GET", Reads::kEvidence, Access::kRead, {}, Series, nullptr},
    {"/api/v1/threads/{message-id}", "GET", Reads::kEvidence, Access::kRead, {}, Thread, nullptr},
    {"/api/v1/stats", "GET", Reads::kEvidence, Access::kRead, {}, Stats, nullptr},
    {"/api/v1/session", "GET", kStored, Access::kSignedIn, {}, nullptr, api_internal::WhoAmI},
    {"/api/v1/session", "POST", kStored, Access::kLogin, {}, nullptr, api_internal::Login},
    {"/api/v1/session", "DELETE", kStored, Access::kSession, {}, nullptr, api_internal::Logout},
    {"/healthz", "GET", Reads::kDatabase, Access::kOpen, {}, Health, nullptr},
    {"/metrics", "GET", Reads::kNothing, Access::kOpen, {}, MetricsBody, nullptr},
};
// clang-format on

// The {parameters} of `pattern` in `segments`, or nothing when it does not match.
std::optional<std::vector<std::string>> Match(std::string_view pattern,
                                              const std::vector<std::string>& segments) {
  std::vector<std::string> parameters;
  std::size_t index = 0;
  pattern.remove_prefix(1);
  while (!pattern.empty()) {
    std::size_t slash = pattern.find('/');
    std::string_view part = pattern.substr(0, slash);
    pattern = slash == std::string_view::npos ? std::string_view() : pattern.substr(slash + 1);
    if (index == segments.size()) return std::nullopt;
    if (part.starts_with('{')) {
      parameters.push_back(segments[index]);
    } else if (part != segments[index]) {
      return std::nullopt;
    }
    ++index;
  }
  if (index != segments.size()) return std::nullopt;
  return parameters;
}

// Every query parameter is one the route takes, given once; as_of parsed.
Result<std::optional<Timestamp>> CheckQuery(const RouteSpec& spec, const Target& target) {
  std::optional<Timestamp> as_of;
  bool reads_record =
      spec.handler != nullptr && (spec.reads == Reads::kRecord || spec.reads == Reads::kEvidence);
  for (std::size_t index = 0; index < target.query.size(); ++index) {
    const std::string& name = target.query[index].first;
    for (std::size_t before = 0; before < index; ++before) {
      if (target.query[before].first == name) {
        return Fail(
            Error::InvalidArgument(fmt::format("query parameter '{}' is given twice", name)));
      }
    }
    if (name == "as_of" && reads_record) {
      auto at = ParseTimestamp(target.query[index].second);
      if (!at) return Fail(Error::InvalidArgument("as_of: " + at.error().message()));
      as_of = *at;
      continue;
    }
    if (std::any_of(spec.query.begin(), spec.query.end(), [&name](const char* allowed) {
          return allowed != nullptr && name == allowed;
        })) {
      continue;
    }
    std::vector<std::string> known;
    if (reads_record) known.emplace_back("as_of");
    for (const char* allowed : spec.query) {
      if (allowed != nullptr) known.emplace_back(allowed);
    }
    return Fail(Error::InvalidArgument(fmt::format(
        "{} takes no query parameter '{}' ({})", spec.pattern, name,
        known.empty() ? "it takes none" : fmt::format("it takes {}", fmt::join(known, ", ")))));
  }
  return as_of;
}

// A 200 body becomes the response: its ETag, 304 when the client has it, no
// body for HEAD.
Response Finish(const Request& request, Body body, std::string etag) {
  Response response;
  response.headers.emplace_back("ETag", etag);
  response.headers.emplace_back("Cache-Control", "no-cache");
  for (auto& header : body.headers) response.headers.push_back(std::move(header));
  if (IfNoneMatchMatches(request.Header("if-none-match"), etag)) {
    response.status = 304;
    return response;
  }
  response.content_type = std::move(body.content_type);
  if (request.method == "HEAD") {
    response.content_length = body.text.size();
  } else {
    response.body = std::move(body.text);
  }
  return response;
}

// Whether `method` is one `spec` answers: GET routes answer HEAD too.
bool Answers(const RouteSpec& spec, std::string_view method) {
  return method == spec.method || (method == "HEAD" && std::string_view(spec.method) == "GET");
}

// A write's body must say it is JSON: a form cannot send that across sites
// without the browser asking first (CORS), and the parser then knows what
// it reads.
bool IsJson(std::string_view content_type) {
  std::string_view type = content_type.substr(0, content_type.find(';'));
  while (!type.empty() && (type.back() == ' ' || type.back() == '\t')) type.remove_suffix(1);
  return ToLower(type) == kJsonType;
}

// The answer for a request that reached `spec` but cannot be run, if any.
std::optional<Response> Refuse(const RouteSpec& spec, const Request& request,
                               const ApiOptions& options) {
  if (request.body.size() > options.body_limit) {
    return ErrorResponse(413, "too-large", "the request body is over the server's limit");
  }
  std::string_view method = spec.method;
  bool takes_body = method == "POST" || method == "PATCH" || method == "PUT";
  if (takes_body && !IsJson(request.Header("content-type"))) {
    Response response =
        ErrorResponse(415, "unsupported-media-type",
                      fmt::format("{} {} takes a JSON body: send Content-Type: application/json",
                                  spec.method, spec.pattern));
    response.headers.emplace_back("Accept-Patch", kJsonType);
    return response;
  }
  return std::nullopt;
}

}  // namespace

Dispatch Api::Route(const Request& request) const {
  Dispatch dispatch;
  dispatch.route = kUnmatchedRoute;
  auto target = ParseTarget(request.target);
  if (!target) {
    dispatch.answer = ErrorResponse(target.error());
    return dispatch;
  }
  std::vector<std::string> allowed;
  for (const RouteSpec& spec : kRoutes) {
    auto parameters = Match(spec.pattern, target->segments);
    if (!parameters) continue;
    dispatch.route = spec.pattern;
    if (!Answers(spec, request.method)) {
      allowed.emplace_back(spec.method);
      if (std::string_view(spec.method) == "GET") allowed.emplace_back("HEAD");
      continue;
    }
    if (auto refusal = Refuse(spec, request, options_)) {
      dispatch.answer = std::move(*refusal);
      return dispatch;
    }
    auto as_of = CheckQuery(spec, *target);
    if (!as_of) {
      dispatch.answer = ErrorResponse(as_of.error());
      return dispatch;
    }
    dispatch.as_of = *as_of;
    dispatch.spec = &spec;
    dispatch.parameters = std::move(*parameters);
    dispatch.target = std::move(*target);
    dispatch.needs_store = spec.reads != Reads::kNothing;
    return dispatch;
  }
  if (!allowed.empty()) {
    std::string list = fmt::format("{}", fmt::join(allowed, ", "));
    dispatch.answer =
        ErrorResponse(405, "method-not-allowed",
                      fmt::format("{} takes {}, not {}", dispatch.route, list, request.method));
    dispatch.answer->headers.emplace_back("Allow", list);
    return dispatch;
  }
  dispatch.answer =
      ErrorResponse(404, ErrorCodeName(ErrorCode::kNotFound),
                    "no such resource: the API's resources are under /api/v1 (docs/api.md)");
  return dispatch;
}

namespace {

// A response to HEAD has the headers of GET's and no body, errors included:
// a body would be read as the start of the next response.
Response WithoutBodyForHead(const Request& request, Response response) {
  if (request.method == "HEAD" && !response.body.empty()) {
    response.content_length = response.body.size();
    response.body.clear();
  }
  return response;
}

}  // namespace

Response Api::Run(const Request& request, const Dispatch& dispatch, Store* store,
                  Timestamp clock) const {
  if (dispatch.answer) return WithoutBodyForHead(request, *dispatch.answer);
  const RouteSpec& spec = *dispatch.spec;
  Timestamp now = dispatch.as_of.value_or(clock);
  std::optional<Identity> identity;
  if (spec.access != Access::kOpen && spec.access != Access::kLogin) {
    // Credentials are checked at the clock, whatever instant a read is of.
    auto credential = api_internal::Authenticate(request, *store, clock, spec.access, options_);
    if (!credential) return WithoutBodyForHead(request, ErrorResponse(credential.error()));
    if (credential->refusal) return WithoutBodyForHead(request, std::move(*credential->refusal));
    identity = std::move(credential->identity);
  }
  if (spec.respond != nullptr) {
    return WithoutBodyForHead(
        request, spec.respond(api_internal::Exchange{request, *store, clock, dispatch.parameters,
                                                     identity, options_, throttle_}));
  }
  Response response = Read(request, dispatch, *store, now);
  // What a signed-in or private read shows depends on who asks.
  if (identity || options_.private_reads)
    response.headers.emplace_back("Vary", "Authorization, Cookie");
  return response;
}

Response Api::Read(const Request& request, const Dispatch& dispatch, Store& store,
                   Timestamp now) const {
  const RouteSpec& spec = *dispatch.spec;
  // The stamp is read before the body is built: a commit in between leaves
  // the entry under the older stamp, which the next read no longer finds.
  std::string key, stamp;
  bool cached =
      cache_ != nullptr && (spec.reads == Reads::kRecord || spec.reads == Reads::kEvidence);
  if (cached) {
    auto current = store.ChangeStamp();
    cached = current.has_value();
    if (cached) {
      stamp = std::move(*current);
      key = request.target;
      if (spec.reads == Reads::kRecord) key += "\n" + FormatTimestamp(now);
      if (auto hit = cache_->Find(key, stamp)) {
        return Finish(
            request,
            Body{std::move(hit->content_type), std::move(hit->text), std::move(hit->headers)},
            std::move(hit->etag));
      }
    }
  }
  std::unique_ptr<Store> past;
  Store* reading = &store;
  if (spec.reads == Reads::kRecord) {
    past = MakeAsOfStore(store, now);
    reading = past.get();
  }
  Call call{reading, now, dispatch.parameters, dispatch.target, metrics_};
  auto body = spec.handler(call);
  if (!body) return WithoutBodyForHead(request, ErrorResponse(body.error()));
  std::string etag = EntityTag(body->text);
  if (cached)
    cache_->Put(key, stamp, CachedBody{body->content_type, body->text, etag, body->headers});
  return Finish(request, std::move(*body), std::move(etag));
}

namespace api_internal {

Result<std::string> FeatureRepresentation(Store& record, const std::string& slug) {
  return Json(ST_TRY(view::BuildFeatureShow(record, slug))).text;
}

std::string JsonText(const nlohmann::json& value) { return view::DumpJson(value) + "\n"; }

}  // namespace api_internal

Response Api::Handle(const Request& request, Store& store, Timestamp clock) const {
  Dispatch dispatch = Route(request);
  return Run(request, dispatch, &store, clock);
}

std::string EntityTag(std::string_view body) {
  std::array<unsigned char, EVP_MAX_MD_SIZE> digest{};
  unsigned int length = 0;
  if (EVP_Digest(body.data(), body.size(), digest.data(), &length, EVP_sha256(), nullptr) != 1) {
    length = 0;
  }
  std::string tag = "\"";
  for (unsigned int index = 0; index < std::min(length, 16u); ++index) {
    tag += fmt::format("{:02x}", digest[index]);
  }
  return tag + "\"";
}

bool IfMatchMatches(std::string_view header, std::string_view etag) {
  if (etag.starts_with("W/")) return false;
  while (!header.empty()) {
    std::size_t start = header.find_first_not_of(" \t,");
    if (start == std::string_view::npos) break;
    header.remove_prefix(start);
    if (header.starts_with('*')) return true;
    bool weak = header.starts_with("W/\"");
    std::size_t quote = header.find('"', weak ? 3 : 1);
    if (quote == std::string_view::npos) return false;
    if (!weak && header.substr(0, quote + 1) == etag) return true;
    header.remove_prefix(quote + 1);
  }
  return false;
}

bool IfNoneMatchMatches(std::string_view header, std::string_view etag) {
  auto opaque = [](std::string_view tag) {
    if (tag.starts_with("W/")) tag.remove_prefix(2);
    return tag;
  };
  std::string_view wanted = opaque(etag);
  while (!header.empty()) {
    std::size_t start = header.find_first_not_of(" \t,");
    if (start == std::string_view::npos) break;
    header.remove_prefix(start);
    if (header.starts_with('*')) return true;
    std::size_t quote = header.find('"', header.starts_with("W/\"") ? 3 : 1);
    if (quote == std::string_view::npos) return false;
    if (opaque(header.substr(0, quote + 1)) == wanted) return true;
    header.remove_prefix(quote + 1);
  }
  return false;
}

}  // namespace stocktake::server
