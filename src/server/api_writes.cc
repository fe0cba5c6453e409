// The writes of the API: release add and slip, feature add and set, person
// add, propose, object and decide. Each decodes its body strictly (json_body.h), acts as the
// authenticated person through the same service as the CLI
// (service/planning.h, whose role rules decide), and answers with the CLI's
// --json output of the changed object.

#include <fmt/format.h>

#include <algorithm>
#include <cctype>
#include <functional>
#include <sstream>

#include "server/api_internal.h"
#include "stocktake/server/http_error.h"
#include "stocktake/server/json_body.h"
#include "stocktake/service/lifecycle.h"
#include "stocktake/storage/as_of_store.h"
#include "stocktake/storage/forwarding_store.h"
#include "stocktake/util/time_span.h"
#include "stocktake/view/json_printer.h"
#include "stocktake/view/lifecycle.h"

namespace stocktake::server::api_internal {
namespace {

// The store a conditional write goes through: the first transaction first
// runs `check`, inside it (so under the writers' lock, on the rows it will
// change), and writes nothing when the check fails. Reads pass through.
class PreconditionStore final : public ForwardingStore {
 public:
  using Check = std::function<Result<void>(Store& store)>;
  PreconditionStore(Store& inner, Check check)
      : ForwardingStore(inner), inner_(inner), check_(std::move(check)) {}

  bool failed() const { return failed_; }

  Result<void> Transact(const std::function<Result<void>(StoreWriter&)>& body) override {
    return inner_.Transact([&](StoreWriter& writer) -> Result<void> {
      if (!checked_) {
        checked_ = true;
        auto passed = check_(inner_);
        if (!passed) {
          failed_ = passed.error().code() == ErrorCode::kConflict;
          return passed;
        }
      }
      return body(writer);
    });
  }

 private:
  Store& inner_;
  Check check_;
  bool checked_ = false;
  bool failed_ = false;
};

// Who acts and when: the authenticated person, at the server's clock.
Context WriteContext(const Exchange& exchange) {
  Context context;
  context.actor = exchange.identity->person.email;
  context.now = exchange.now;
  context.recorded_at = exchange.now;
  context.now_is_clock = true;
  return context;
}

template <typename T>
std::string CliJson(const T& value) {
  std::ostringstream out;
  view::JsonPrinter printer(out);
  printer.Print(view::Changed<T>{"", value});
  return out.str();
}

Response JsonResponse(int status, std::string body) {
  Response response;
  response.status = status;
  response.content_type = kJsonType;
  response.body = std::move(body);
  response.headers.emplace_back("Cache-Control", "no-store");
  return response;
}

// The feature's ETag as GET /api/v1/features/{slug} now gives it, for the
// client's next If-Match; none when it cannot be read.
void AddFeatureTag(Response& response, Store& store, Timestamp now, const std::string& slug) {
  auto body = FeatureRepresentation(*MakeAsOfStore(store, now), slug);
  if (body) response.headers.emplace_back("ETag", EntityTag(*body));
}

// `text` as one path segment: every byte but RFC 3986's unreserved ones
// percent-encoded, so a Location header holds no byte a client could misread.
std::string PathSegment(std::string_view text) {
  std::string out;
  for (char c : text) {
    auto byte = static_cast<unsigned char>(c);
    if (std::isalnum(byte) != 0 || c == '-' || c == '.' || c == '_' || c == '~') {
      out.push_back(c);
    } else {
      out += fmt::format("%{:02X}", byte);
    }
  }
  return out;
}

Result<void> Take(const JsonBody& body, const char* name, std::string& target) {
  if (auto value = ST_TRY(body.String(name))) target = std::move(*value);
  return Ok();
}

Result<void> Take(const JsonBody& body, const char* name, bool& target) {
  if (auto value = ST_TRY(body.Bool(name))) target = *value;
  return Ok();
}

Result<void> Take(const JsonBody& body, const char* name, std::vector<std::string>& target) {
  if (auto value = ST_TRY(body.Strings(name))) target = std::move(*value);
  return Ok();
}

Result<std::optional<Date>> DateField(const JsonBody& body, const char* name) {
  auto text = ST_TRY(body.String(name));
  if (!text) return std::optional<Date>();
  auto date = ParseDate(*text);
  if (!date) {
    return Fail(
        Error::InvalidArgument(fmt::format("field '{}': {}", name, date.error().message())));
  }
  return std::optional<Date>(*date);
}

Result<void> NoIfMatch(const Request& request) {
  if (request.Header("if-match").empty()) return Ok();
  return Fail(Error::InvalidArgument(
      "this route takes no If-Match: only PATCH /api/v1/features/{slug} is conditional "
      "(docs/api.md)"));
}

Result<Response> AddFeatureOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  JsonBody body = ST_TRY(
      JsonBody::Parse(exchange.request.body,
                      {"title", "slug", "status", "parent", "code_bases", "external", "owners",
                       "must_have", "depends_on", "short_title", "remark", "notes", "protocol"}));
  Feature draft;
  draft.release = exchange.parameters[0];
  draft.title = ST_TRY(body.RequiredString("title"));
  ST_TRY(Take(body, "slug", draft.slug));
  ST_TRY(Take(body, "status", draft.status));
  ST_TRY(Take(body, "parent", draft.parent));
  ST_TRY(Take(body, "code_bases", draft.code_bases));
  ST_TRY(Take(body, "external", draft.external));
  ST_TRY(Take(body, "owners", draft.owners));
  ST_TRY(Take(body, "must_have", draft.must_have));
  ST_TRY(Take(body, "depends_on", draft.depends_on));
  ST_TRY(Take(body, "short_title", draft.short_title));
  ST_TRY(Take(body, "remark", draft.remark));
  ST_TRY(Take(body, "notes", draft.notes));
  ST_TRY(Take(body, "protocol", draft.protocol));
  Planning planning(exchange.store);
  Feature added = ST_TRY(planning.AddFeature(WriteContext(exchange), draft));
  Response response = JsonResponse(201, CliJson(added));
  response.headers.emplace_back("Location", "/api/v1/features/" + PathSegment(added.slug));
  AddFeatureTag(response, exchange.store, exchange.now, added.slug);
  return response;
}

Result<FeatureUpdate> DecodeUpdate(const JsonBody& body) {
  FeatureUpdate update;
  update.status = ST_TRY(body.String("status"));
  ST_TRY(Take(body, "reason", update.reason));
  update.title = ST_TRY(body.String("title"));
  update.release = ST_TRY(body.String("release"));
  update.parent = ST_TRY(body.String("parent"));  // "" makes it a top-level item.
  update.external = ST_TRY(body.Bool("external"));
  update.must_have = ST_TRY(body.Bool("must_have"));
  update.code_bases = ST_TRY(body.Strings("code_bases"));
  update.owners = ST_TRY(body.Strings("owners"));
  ST_TRY(Take(body, "add_depends_on", update.add_dependencies));
  ST_TRY(Take(body, "remove_depends_on", update.remove_dependencies));
  update.short_title = ST_TRY(body.String("short_title"));
  update.remark = ST_TRY(body.String("remark"));
  update.notes = ST_TRY(body.String("notes"));
  update.protocol = ST_TRY(body.String("protocol"));
  update.freeze_exception = ST_TRY(body.String("freeze_exception"));
  return update;
}

Result<Response> UpdateFeatureOrFail(const Exchange& exchange) {
  JsonBody body = ST_TRY(
      JsonBody::Parse(exchange.request.body,
                      {"status", "reason", "title", "release", "parent", "external", "must_have",
                       "code_bases", "owners", "add_depends_on", "remove_depends_on", "short_title",
                       "remark", "notes", "protocol", "freeze_exception"}));
  FeatureUpdate update = ST_TRY(DecodeUpdate(body));
  const std::string& slug = exchange.parameters[0];
  std::string if_match(exchange.request.Header("if-match"));
  Timestamp now = exchange.now;
  PreconditionStore guarded(exchange.store, [&](Store& store) -> Result<void> {
    if (if_match.empty()) return Ok();
    std::string tag = EntityTag(ST_TRY(FeatureRepresentation(*MakeAsOfStore(store, now), slug)));
    if (IfMatchMatches(if_match, tag)) return Ok();
    return Fail(Error::Conflict(fmt::format(
        "If-Match: feature {} changed since you read it (its ETag is now {}): GET it again", slug,
        tag)));
  });
  Planning planning(guarded);
  auto changed = planning.UpdateFeature(WriteContext(exchange), slug, update);
  if (!changed && guarded.failed()) return PreconditionFailedResponse(changed.error().message());
  if (!changed) return Fail(changed.error());
  Response response = JsonResponse(200, CliJson(*changed));
  AddFeatureTag(response, exchange.store, exchange.now, changed->slug);
  return response;
}

Result<Date> RequiredDate(const JsonBody& body, const char* name) {
  auto date = ST_TRY(DateField(body, name));
  if (!date) return Fail(Error::InvalidArgument(fmt::format("field '{}' is required", name)));
  return *date;
}

Result<Response> AddReleaseOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  JsonBody body =
      ST_TRY(JsonBody::Parse(exchange.request.body, {"version", "start", "freeze", "release"}));
  Release release;
  release.version = ST_TRY(body.RequiredString("version"));
  release.start = ST_TRY(RequiredDate(body, "start"));
  release.freeze = ST_TRY(RequiredDate(body, "freeze"));
  release.release = ST_TRY(RequiredDate(body, "release"));
  Planning planning(exchange.store);
  release = ST_TRY(planning.AddRelease(WriteContext(exchange), release));
  Response response = JsonResponse(201, CliJson(release));
  response.headers.emplace_back("Location", "/api/v1/releases/" + PathSegment(release.version));
  return response;
}

Result<Response> SlipReleaseOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  JsonBody body = ST_TRY(JsonBody::Parse(exchange.request.body, {"freeze", "release", "reason"}));
  std::optional<Date> freeze = ST_TRY(DateField(body, "freeze"));
  std::optional<Date> release_date = ST_TRY(DateField(body, "release"));
  std::string reason = ST_TRY(body.RequiredString("reason"));
  Planning planning(exchange.store);
  Release slipped = ST_TRY(planning.SlipRelease(WriteContext(exchange), exchange.parameters[0],
                                                freeze, release_date, reason));
  return JsonResponse(200, CliJson(slipped));
}

Result<Response> SavePersonOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  JsonBody body = ST_TRY(JsonBody::Parse(exchange.request.body, {"name", "roles", "other_emails"}));
  Person person;
  person.email = exchange.parameters[0];
  ST_TRY(Take(body, "name", person.name));
  ST_TRY(Take(body, "other_emails", person.other_emails));
  std::vector<std::string> roles;
  ST_TRY(Take(body, "roles", roles));
  for (const std::string& name : roles) {
    auto role = ParseRole(name);
    if (!role) {
      return Fail(Error::InvalidArgument(
          fmt::format("field 'roles': unknown role '{}': use one of {}", name, RoleNames())));
    }
    person.roles.push_back(*role);
  }
  // As `person add`: no role named is the role of everyone not in the store.
  if (person.roles.empty()) person.roles.push_back(Role::kContributor);
  Planning planning(exchange.store);
  person = ST_TRY(planning.SavePerson(WriteContext(exchange), person));
  return JsonResponse(200, CliJson(person));
}

// A proposal's number from the path, as GET /api/v1/proposals/{id} takes it.
Result<std::int64_t> ProposalNumber(const std::string& text) {
  if (text.empty() || text.size() > 15 ||
      !std::all_of(text.begin(), text.end(), [](char c) { return c >= '0' && c <= '9'; })) {
    return Fail(Error::InvalidArgument(fmt::format(
        "'{}' is not a proposal number: give the id /api/v1/proposals lists, e.g. 3", text)));
  }
  return std::stoll(text);
}

// A proposal as `propose` and `decide --json` print it: its state now.
Result<std::string> ProposalJson(const Exchange& exchange, Proposal proposal) {
  return CliJson(
      ST_TRY(view::BuildProposalState(exchange.store, std::move(proposal), exchange.now)));
}

Result<Response> ProposeOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  JsonBody body = ST_TRY(JsonBody::Parse(exchange.request.body, {"to", "thread", "window"}));
  std::string to, thread;
  ST_TRY(Take(body, "to", to));
  ST_TRY(Take(body, "thread", thread));
  std::optional<TimeSpan> window;
  if (auto text = ST_TRY(body.String("window"))) {
    auto parsed = ParseTimeSpan(*text);
    if (!parsed) {
      return Fail(Error::InvalidArgument("field 'window': " + parsed.error().message()));
    }
    window = *parsed;
  }
  Lifecycle lifecycle(exchange.store);
  Proposal proposal =
      ST_TRY(lifecycle.Propose(WriteContext(exchange), exchange.parameters[0], to, thread, window));
  std::int64_t id = proposal.id;
  Response response = JsonResponse(201, ST_TRY(ProposalJson(exchange, std::move(proposal))));
  response.headers.emplace_back("Location", fmt::format("/api/v1/proposals/{}", id));
  return response;
}

Result<Response> ObjectOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  std::int64_t id = ST_TRY(ProposalNumber(exchange.parameters[0]));
  JsonBody body = ST_TRY(JsonBody::Parse(exchange.request.body, {"reason", "message_id"}));
  std::string reason = ST_TRY(body.RequiredString("reason"));
  std::string message_id;
  ST_TRY(Take(body, "message_id", message_id));
  Lifecycle lifecycle(exchange.store);
  std::int64_t objection = ST_TRY(lifecycle.Object(WriteContext(exchange), id, reason, message_id));
  return JsonResponse(201, CliJson(view::ObjectionRaised{objection, id}));
}

Result<Response> DecideOrFail(const Exchange& exchange) {
  ST_TRY(NoIfMatch(exchange.request));
  std::int64_t id = ST_TRY(ProposalNumber(exchange.parameters[0]));
  JsonBody body = ST_TRY(JsonBody::Parse(exchange.request.body, {"accept", "rationale", "waive"}));
  auto accept = ST_TRY(body.Bool("accept"));
  if (!accept) {
    return Fail(Error::InvalidArgument("field 'accept' is required: true or false"));
  }
  std::string rationale = ST_TRY(body.RequiredString("rationale"));
  std::vector<std::string> waive;
  ST_TRY(Take(body, "waive", waive));
  Lifecycle lifecycle(exchange.store);
  Proposal proposal =
      ST_TRY(lifecycle.Decide(WriteContext(exchange), id, *accept, rationale, waive));
  return JsonResponse(200, ST_TRY(ProposalJson(exchange, std::move(proposal))));
}

Response Answer(Result<Response> outcome) {
  if (!outcome) return ErrorResponse(outcome.error());
  return std::move(*outcome);
}

}  // namespace

Response AddRelease(const Exchange& exchange) { return Answer(AddReleaseOrFail(exchange)); }

Response AddFeature(const Exchange& exchange) { return Answer(AddFeatureOrFail(exchange)); }

Response UpdateFeature(const Exchange& exchange) { return Answer(UpdateFeatureOrFail(exchange)); }

Response SlipRelease(const Exchange& exchange) { return Answer(SlipReleaseOrFail(exchange)); }

Response SavePerson(const Exchange& exchange) { return Answer(SavePersonOrFail(exchange)); }

Response Propose(const Exchange& exchange) { return Answer(ProposeOrFail(exchange)); }

Response Object(const Exchange& exchange) { return Answer(ObjectOrFail(exchange)); }

Response Decide(const Exchange& exchange) { return Answer(DecideOrFail(exchange)); }

}  // namespace stocktake::server::api_internal
