#!/usr/bin/env python3
"""Checks docs/openapi.yaml against src/server/api.cc and a running server.

  openapi_check.py structure SPEC API_CC
  openapi_check.py responses SPEC API_CC RECORD_URL PROTOCOLS_URL

`structure`: the document is OpenAPI 3.1.x, every $ref resolves, every
schema is a valid JSON Schema (draft 2020-12), every path's {parameters} are
declared, and its paths and methods are exactly the rows of api.cc's kRoutes
table (a GET row answers HEAD too) and the routes this script requests: each
read's query parameters, each operation's security (by the row's Access),
the error statuses a write can give, X-CSRF-Token on the writes, and each
write's JSON body (its fields and required ones, as api_writes.cc and
api_auth.cc decode it; additionalProperties: false).

`responses`: requests every route of two servers started by openapi.sh (the
Xen 4.3 example with a little mail, and the PV protocols example with
proposals) with realistic parameters, then each write once with the
credentials openapi.sh exports (OPENAPI_RM_WRITE, OPENAPI_RM_READ,
OPENAPI_PASSWORD, OPENAPI_DEV, OPENAPI_REVIEWER, OPENAPI_CZAR) and the
session routes, a --private server (OPENAPI_PRIVATE_URL), and requests that
must fail (401, 403, 404, 405 with its Allow, 409, 412, 415, 429, ...), and
checks each status, Content-Type, header and body against the document with
the jsonschema package (draft 2020-12), and each request body it sends
against the operation's requestBody. The writes can run again on the same
servers. Prints FAIL lines and exits 1 when anything differs.
"""

import collections
import hashlib
import http.client
import json
import os
import re
import socket
import sys
import time
import urllib.parse

import jsonschema
import yaml

# Every route this script requests: a route of api.cc missing here or in the
# document fails the structure check.
COVERED = {
    "/api/v1/releases",
    "/api/v1/releases/{version}",
    "/api/v1/releases/{version}/report",
    "/api/v1/releases/{version}/check",
    "/api/v1/features",
    "/api/v1/features/{slug}",
    "/api/v1/features/{slug}/history",
    "/api/v1/people",
    "/api/v1/protocols",
    "/api/v1/protocols/{name}",
    "/api/v1/protocols/{name}/history",
    "/api/v1/proposals",
    "/api/v1/proposals/{id}",
    "/api/v1/support-matrix",
    "/api/v1/events",
    "/api/v1/series",
    "/api/v1/threads/{message-id}",
    "/api/v1/stats",
    "/api/v1/releases/{version}/features",
    "/api/v1/releases/{version}/slip",
    "/api/v1/people/{email}",
    "/api/v1/protocols/{name}/proposals",
    "/api/v1/proposals/{id}/objections",
    "/api/v1/proposals/{id}/decision",
    "/api/v1/session",
    "/healthz",
    "/metrics",
}

METHODS = ("get", "head", "put", "post", "delete", "options", "patch", "trace")

failures = []
checked = 0


def fail(message):
    failures.append(message)
    print(f"FAIL: {message}")


def finish(what):
    print(f"openapi {what}: {checked} checked, {len(failures)} failed")
    sys.exit(1 if failures else 0)


# ---------------------------------------------------------------- the document


def pointer(doc, ref):
    """The value a local $ref ("#/a/b~1c") names; KeyError when it names none."""
    if not ref.startswith("#"):
        raise KeyError(f"{ref} is not a local reference")
    value = doc
    for part in ref[1:].split("/")[1:]:
        part = part.replace("~1", "/").replace("~0", "~")
        if isinstance(value, list):
            value = value[int(part)]
        else:
            value = value[part]
    return value


def resolve(doc, value):
    """Follows $ref until the object itself (Reference Objects of OpenAPI)."""
    seen = 0
    while isinstance(value, dict) and "$ref" in value:
        value = pointer(doc, value["$ref"])
        seen += 1
        if seen > 20:
            raise KeyError("a $ref loop")
    return value


def refs(value, where="#"):
    if isinstance(value, dict):
        for key, item in value.items():
            if key == "$ref" and isinstance(item, str):
                yield where, item
            else:
                yield from refs(item, f"{where}/{key}")
    elif isinstance(value, list):
        for index, item in enumerate(value):
            yield from refs(item, f"{where}/{index}")


Route = collections.namedtuple("Route", "pattern method reads access query handler respond")


def api_routes(api_cc):
    """The rows of the kRoutes table of api.cc, in order, as Routes."""
    text = open(api_cc, encoding="utf-8").read()
    table = text[text.index("kRoutes[]"):]
    table = table[:table.index("};")]
    routes = []
    for match in re.finditer(
            r'\{"(/[^"]*)", "(GET|POST|PUT|PATCH|DELETE)", (?:Reads::k(\w+)|(kStored)), '
            r'Access::k(\w+), \{([^}]*)\}, (\w+), ([\w:]+)\}', table):
        names = set(re.findall(r'"([^"]+)"', match.group(6)))
        routes.append(Route(match.group(1), match.group(2), match.group(3) or "Database",
                            match.group(5), names, match.group(7), match.group(8)))
    # A row the expression missed would go unchecked: count them.
    rows = len(re.findall(r'^\s*\{"/', table, re.MULTILINE))
    if rows != len(routes):
        fail(f"{api_cc}: read {len(routes)} of the {rows} rows of kRoutes")
    return routes


def allowed(routes, pattern):
    """The Allow header of a 405 on `pattern`: its methods in table order, HEAD after GET."""
    methods = []
    for route in routes:
        if route.pattern == pattern:
            methods += [route.method] + (["HEAD"] if route.method == "GET" else [])
    return ", ".join(methods)


def body_fields(api_cc, respond):
    """(fields, required) of the JSON body the responder `respond` decodes, or None."""
    name = respond.split("::")[-1]
    folder = os.path.dirname(api_cc)
    for source in ("api_writes.cc", "api_auth.cc"):
        path = os.path.join(folder, source)
        if not os.path.exists(path):
            continue
        text = open(path, encoding="utf-8").read()
        match = re.search(r"\n(?:Result<Response>|Response) " + name +
                          r"(?:OrFail)?\(const Exchange& exchange\) \{\n(.*?)\n\}\n", text, re.S)
        if not match:
            continue
        body = match.group(1)
        parse = re.search(r"JsonBody::Parse\([^{]*\{([^}]*)\}", body, re.S)
        if not parse:
            return None
        fields = set(re.findall(r'"([^"]+)"', parse.group(1)))
        required = set(re.findall(r'RequiredString\("(\w+)"\)', body))
        required |= set(re.findall(r'RequiredDate\(body, "(\w+)"\)', body))
        required |= set(re.findall(r"field '(\w+)' is required", body))
        return fields, required
    fail(f"{api_cc}: no responder {name} in api_writes.cc or api_auth.cc")
    return None


# The credentials each kind of route takes (api_internal::Access), as sets of
# security requirements: {} is none.
SECURITY = {
    "Open": {frozenset()},
    "Login": {frozenset()},
    "Read": {frozenset(), frozenset({"bearerAuth"}), frozenset({"cookieAuth"})},
    "Write": {frozenset({"bearerAuth"}), frozenset({"cookieAuth"})},
    "SignedIn": {frozenset({"bearerAuth"}), frozenset({"cookieAuth"})},
    "Session": {frozenset({"cookieAuth"})},
}


def security_of(doc, operation):
    requirements = operation.get("security", doc.get("security", []))
    found = {frozenset(requirement) for requirement in requirements}
    return found or {frozenset()}


def parameters_of(doc, path_item, operation):
    """The parameters of an operation, the path's included, resolved."""
    merged = {}
    for parameter in path_item.get("parameters", []) + operation.get("parameters", []):
        parameter = resolve(doc, parameter)
        merged[(parameter["name"], parameter["in"])] = parameter
    return merged


def check_structure(doc, api_cc):
    global checked

    def expect(condition, message):
        global checked
        checked += 1
        if not condition:
            fail(message)

    version = str(doc.get("openapi", ""))
    expect(re.fullmatch(r"3\.1\.\d+", version), f"openapi is '{version}', not 3.1.x")
    expect(isinstance(doc.get("info"), dict) and doc["info"].get("title") and
           doc["info"].get("version"), "info needs a title and a version")
    for where, ref in refs(doc):
        try:
            pointer(doc, ref)
            checked += 1
        except (KeyError, IndexError, ValueError, TypeError):
            fail(f"{where}: $ref {ref} resolves to nothing")
    for name, schema in doc.get("components", {}).get("schemas", {}).items():
        try:
            jsonschema.Draft202012Validator.check_schema(schema)
            checked += 1
        except jsonschema.SchemaError as error:
            fail(f"components/schemas/{name}: not a valid schema: {error.message}")

    operation_ids = set()
    for path, item in doc.get("paths", {}).items():
        templated = set(re.findall(r"\{([^}]+)\}", path))
        for method in METHODS:
            if method not in item:
                continue
            operation = item[method]
            opid = operation.get("operationId")
            expect(opid and opid not in operation_ids, f"{path} {method}: operationId "
                   f"'{opid}' is missing or not unique")
            operation_ids.add(opid)
            parameters = parameters_of(doc, item, operation)
            for (name, where), parameter in parameters.items():
                expect(where in ("query", "header", "path", "cookie"),
                       f"{path} {method}: parameter {name} is in '{where}'")
                expect("schema" in parameter, f"{path} {method}: parameter {name} has no schema")
                if where == "path":
                    expect(name in templated and parameter.get("required") is True,
                           f"{path} {method}: path parameter {name} is not a required "
                           f"{{{name}}} of the path")
            for name in templated:
                expect((name, "path") in parameters,
                       f"{path} {method}: {{{name}}} is not declared as a path parameter")
            responses = operation.get("responses", {})
            expect(responses, f"{path} {method}: no responses")
            for status, response in responses.items():
                response = resolve(doc, response)
                expect(response.get("description"),
                       f"{path} {method} {status}: the response has no description")
                if str(status).startswith(("4", "5")):
                    for media, content in response.get("content", {}).items():
                        schema = resolve(doc, content.get("schema", {}))
                        expect(media == "application/json" and
                               {"$ref": "#/components/schemas/Error"} in schema.get("allOf", []),
                               f"{path} {method} {status}: the body is not the error body")

    schemes = doc.get("components", {}).get("securitySchemes", {})
    expect(schemes.get("bearerAuth", {}).get("type") == "http" and
           schemes["bearerAuth"].get("scheme") == "bearer",
           "components/securitySchemes/bearerAuth is not http bearer")
    cookie = schemes.get("cookieAuth", {})
    expect((cookie.get("type"), cookie.get("in"), cookie.get("name")) ==
           ("apiKey", "cookie", "stocktake_session"),
           "components/securitySchemes/cookieAuth is not the apiKey cookie stocktake_session")

    routes = api_routes(api_cc)
    patterns = {route.pattern for route in routes}
    paths = set(doc.get("paths", {}))
    for route in sorted(patterns - paths):
        fail(f"{api_cc} answers {route}, which docs/openapi.yaml lacks")
    for route in sorted(paths - patterns):
        fail(f"docs/openapi.yaml has {route}, which {api_cc} does not answer")
    for route in sorted(patterns - COVERED):
        fail(f"{api_cc} answers {route}, which openapi_check.py never requests")
    checked += 3
    for pattern in sorted(patterns & paths):
        item = doc["paths"][pattern]
        rows = {}
        for route in routes:
            if route.pattern != pattern:
                continue
            rows[route.method.lower()] = route
            if route.method == "GET":
                rows["head"] = route  # GET answers HEAD too.
        for method in METHODS:
            if method in rows:
                expect(method in item, f"{pattern}: no {method} operation (the server answers it)")
            else:
                expect(method not in item,
                       f"{pattern}: the document has {method}, which the server refuses (405)")
        for method, route in rows.items():
            if method not in item:
                continue
            operation = item[method]
            where = f"{pattern} {method}"
            names = set(route.query)
            if route.handler != "nullptr" and route.reads in ("Record", "Evidence"):
                names |= {"as_of"}
            declared = {name for (name, place) in parameters_of(doc, item, operation)
                        if place == "query"}
            expect(declared == names, f"{where}: the document's query parameters "
                   f"{sorted(declared)} are not those of api.cc {sorted(names)}")
            security = security_of(doc, operation)
            expect(security == SECURITY.get(route.access), f"{where}: security "
                   f"{sorted(sorted(s) for s in security)} is not what Access::k{route.access} "
                   f"takes {sorted(sorted(s) for s in SECURITY.get(route.access, []))}")
            responses = {str(status) for status in operation.get("responses", {})}
            needed = set()
            if route.access not in ("Open", "Login"):
                needed |= {"401"}
            if route.access in ("Write", "Session"):
                needed |= {"403"}
            if method in ("post", "put", "patch"):
                needed |= {"413", "415"}
            if method == "patch":
                needed |= {"412"}
            expect(needed <= responses, f"{where}: no {sorted(needed - responses)} response")
            if route.access in ("Write", "Session"):
                headers = {name.lower() for (name, place) in parameters_of(doc, item, operation)
                           if place == "header"}
                expect("x-csrf-token" in headers,
                       f"{where}: no X-CSRF-Token header parameter (a session's writes send it)")
            if route.respond == "nullptr":
                continue
            fields = body_fields(api_cc, route.respond)
            body = operation.get("requestBody")
            if fields is None:
                expect(body is None, f"{where}: a request body, where {route.respond} reads none")
                continue
            if body is None:
                fail(f"{where}: no requestBody, where {route.respond} reads one")
                continue
            body = resolve(doc, body)
            schema = resolve(doc, body.get("content", {}).get("application/json", {})
                             .get("schema", {}))
            expect(body.get("required") is True and list(body.get("content", {})) ==
                   ["application/json"], f"{where}: the requestBody is not required JSON")
            expect(schema.get("type") == "object" and schema.get("additionalProperties") is False,
                   f"{where}: the body's schema is not an object with additionalProperties: false")
            properties = set(schema.get("properties", {}))
            expect(properties == fields[0], f"{where}: the body's fields {sorted(properties)} "
                   f"are not those {route.respond} takes {sorted(fields[0])}")
            required = set(schema.get("required", []))
            expect(required == fields[1], f"{where}: the body's required fields "
                   f"{sorted(required)} are not those {route.respond} requires {sorted(fields[1])}")


# ----------------------------------------------------------------- responses


class Checker:
    def __init__(self, doc):
        self.doc = doc
        self.format_checker = jsonschema.FormatChecker()

    def validate(self, schema, value, what):
        """Validates `value` against `schema`, whose $refs point into the document."""
        root = dict(schema)
        root["$schema"] = "https://json-schema.org/draft/2020-12/schema"
        root["components"] = self.doc["components"]
        validator = jsonschema.Draft202012Validator(root, format_checker=self.format_checker)
        errors = sorted(validator.iter_errors(value), key=lambda error: list(error.path))
        for error in errors[:5]:
            place = "/".join(str(part) for part in error.absolute_path) or "(the body)"
            fail(f"{what}: at {place}: {error.message[:300]}")
        return not errors

    def operation(self, template, method):
        item = self.doc["paths"].get(template)
        if item is None:
            fail(f"{template}: not in the document")
            return None, None
        if method.lower() not in item:
            return item, None
        return item, item[method.lower()]

    def check_query(self, what, item, operation, query):
        """Each query parameter is declared for the path and its value fits its schema."""
        parameters = parameters_of(self.doc, item, operation)
        for name, value in query:
            parameter = parameters.get((name, "query"))
            if parameter is None:
                fail(f"{what}: query parameter '{name}' is not declared")
                continue
            schema = parameter["schema"]
            if schema.get("type") == "integer" and re.fullmatch(r"[0-9]+", value):
                value = int(value)
            self.validate(schema, value, f"{what}: parameter {name}={value!r}")


def request(base, method, target, headers=None, body=None):
    """One request on its own connection: (status, headers as a lower-case dict, body bytes)."""
    url = urllib.parse.urlsplit(base)
    connection = http.client.HTTPConnection(url.hostname, url.port, timeout=30)
    connection.request(method, target, body=body, headers=headers or {})
    response = connection.getresponse()
    data = response.read()
    result = (response.status, {k.lower(): v for k, v in response.getheaders()}, data)
    connection.close()
    return result


def raw_request(base, data):
    """Sends bytes as they are and reads the answer until the server closes."""
    url = urllib.parse.urlsplit(base)
    with socket.create_connection((url.hostname, url.port), timeout=30) as connection:
        connection.sendall(data)
        received = b""
        while True:
            chunk = connection.recv(65536)
            if not chunk:
                break
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    lines = head.decode("iso-8859-1").split("\r\n")
    status = int(lines[0].split()[1])
    headers = {}
    for line in lines[1:]:
        name, _, value = line.partition(":")
        headers[name.strip().lower()] = value.strip()
    return status, headers, body


def check_response(checker, what, template, method, status, headers, body, want_status,
                   want_type=None, response=None):
    """Status, headers and body against the document's response for this status."""
    global checked
    checked += 1
    if status != want_status:
        fail(f"{what}: status {status}, wanted {want_status}: {body[:200]!r}")
        return None
    if response is None:
        item, operation = checker.operation(template, method)
        if operation is None:
            fail(f"{what}: the document has no {method} operation for {template}")
            return None
        response = operation.get("responses", {}).get(str(status))
        if response is None:
            fail(f"{what}: {template} {method} declares no {status} response")
            return None
    response = resolve(checker.doc, response)
    for name, header in response.get("headers", {}).items():
        header = resolve(checker.doc, header)
        value = headers.get(name.lower())
        if value is None:
            if header.get("required"):
                fail(f"{what}: no {name} header")
            continue
        checker.validate(header.get("schema", {}), value, f"{what}: header {name}")
    content = response.get("content")
    content_type = headers.get("content-type")
    if method == "HEAD" or not content:
        if body:
            fail(f"{what}: a body where the document declares none: {body[:100]!r}")
        if not content and method != "HEAD" and content_type:
            fail(f"{what}: Content-Type {content_type} where the document declares no body")
        return None
    if content_type not in content:
        fail(f"{what}: Content-Type {content_type!r} is not one the document declares "
             f"({', '.join(content)})")
        return None
    if want_type and content_type != want_type:
        fail(f"{what}: Content-Type {content_type!r}, wanted {want_type!r}")
    schema = content[content_type].get("schema", {})
    text = body.decode("utf-8")
    if content_type == "application/json":
        if not text.endswith("\n"):
            fail(f"{what}: the JSON body does not end with a newline")
        value = json.loads(text)
    else:
        value = text
    checker.validate(schema, value, what)
    return value


class Run:
    """The requests of the `responses` check against one server."""

    def __init__(self, checker, base):
        self.checker = checker
        self.base = base

    def target(self, template, values, query):
        path = template
        for name, value in values.items():
            path = path.replace("{" + name + "}", urllib.parse.quote(str(value), safe="@"))
        if query:
            path += "?" + urllib.parse.urlencode(query)
        return path

    def get(self, template, values=None, query=(), want=200, want_type="application/json",
            method="GET", headers=None):
        """Requests, checks the response and returns the parsed body (None on failure)."""
        values = values or {}
        query = list(query)
        target = self.target(template, values, query)
        what = f"{method} {target}"
        status, response_headers, body = request(self.base, method, target, headers)
        self.headers = response_headers
        if want == 200:
            item, operation = self.checker.operation(template, method)
            if operation is not None:
                self.checker.check_query(what, item, operation, query)
        value = check_response(self.checker, what, template, method, status, response_headers,
                               body, want, want_type if want == 200 else "application/json")
        # /metrics counts this very request: its body changes every time.
        if status == 200 and method == "GET" and template != "/metrics":
            self.conditional(template, target, response_headers, body, headers)
        return value

    def conditional(self, template, target, headers, body, sent=None):
        """The ETag is the body's, HEAD gives the same headers, If-None-Match gives 304."""
        global checked
        if "as_of=" not in target:
            # Read as of the server's clock, the body changes with the second:
            # GET, HEAD and the conditional GET go in one second, read afresh.
            fraction = time.time() % 1
            if fraction > 0.7:
                time.sleep(1.02 - fraction)
            _, headers, body = request(self.base, "GET", target, sent)
        etag = headers.get("etag", "")
        checked += 1
        if etag != '"' + hashlib.sha256(body).hexdigest()[:32] + '"':
            fail(f"GET {target}: ETag {etag} is not the quoted first 128 bits of the body's SHA-256")
        status, head_headers, head_body = request(self.base, "HEAD", target, sent)
        check_response(self.checker, f"HEAD {target}", template, "HEAD", status, head_headers,
                       head_body, 200)
        for name in ("content-type", "etag"):
            if head_headers.get(name) != headers.get(name):
                fail(f"HEAD {target}: {name} {head_headers.get(name)}, GET's {headers.get(name)}")
        if head_headers.get("content-length") != str(len(body)):
            fail(f"HEAD {target}: Content-Length {head_headers.get('content-length')}, "
                 f"the GET's body has {len(body)} bytes")
        status, headers_304, body_304 = request(self.base, "GET", target,
                                                dict(sent or {}, **{"If-None-Match": etag}))
        check_response(self.checker, f"GET {target} (If-None-Match)", template, "GET", status,
                       headers_304, body_304, 304)

    def error(self, template, values=None, query=(), want=400, method="GET", headers=None,
              body=None):
        """A request that must fail with `want` and the declared error body."""
        values = values or {}
        target = self.target(template, values, list(query))
        what = f"{method} {target}"
        status, response_headers, data = request(self.base, method, target, headers, body)
        self.last_headers = response_headers
        response = None
        if want == 405:
            response = self.checker.doc["components"]["responses"]["MethodNotAllowed"]
            self.check_allow(what, template, response_headers)
        return check_response(self.checker, what, template, method, status, response_headers,
                              data, want, "application/json", response)

    def check_allow(self, what, template, headers):
        """A 405's Allow names the methods kRoutes has for the path."""
        global checked
        checked += 1
        want = allowed(self.checker.routes, template)
        if headers.get("allow") != want:
            fail(f"{what}: Allow {headers.get('allow')!r}, the routes of api.cc say {want!r}")

    def send(self, method, template, values=None, body=None, want=200, token=None,
             headers=None, content_type="application/json", raw=None):
        """A write (or a session request): checks the request body against the document's
        requestBody when it must succeed, then the response; returns (headers, value)."""
        global checked
        values = values or {}
        target = self.target(template, values, [])
        what = f"{method} {target}"
        sent = dict(headers or {})
        if token:
            sent["Authorization"] = f"Bearer {token}"
        if content_type:
            sent["Content-Type"] = content_type
        data = raw if raw is not None else (None if body is None else json.dumps(body).encode())
        item, operation = self.checker.operation(template, method)
        if body is not None and operation is not None and want < 300:
            schema = (resolve(self.checker.doc, operation.get("requestBody", {}))
                      .get("content", {}).get("application/json", {}).get("schema"))
            if schema is None:
                fail(f"{what}: the document declares no JSON requestBody")
            else:
                checked += 1
                self.checker.validate(schema, body, f"{what}: the request body")
        status, response_headers, data = request(self.base, method, target, sent, data)
        self.headers = response_headers
        want_type = "application/json" if data else None
        value = check_response(self.checker, what, template, method, status, response_headers,
                               data, want, want_type)
        return response_headers, value

    def refuses_body(self, method, template, body, what):
        """The document's requestBody schema refuses `body`, as the server does (400)."""
        global checked
        item, operation = self.checker.operation(template, method)
        checked += 1
        if operation is None or "requestBody" not in operation:
            fail(f"{what}: no requestBody to refuse {body}")
            return
        schema = resolve(self.checker.doc, operation["requestBody"])["content"][
            "application/json"]["schema"]
        root = dict(schema)
        root["components"] = self.checker.doc["components"]
        if jsonschema.Draft202012Validator(root).is_valid(body):
            fail(f"{what}: the document's requestBody accepts {body}, which the server refuses")


def check_record(run):
    """The Xen 4.3 example with a slip, a status change and a little mail."""
    t = "2013-02-01T09:00:00Z"
    releases = run.get("/api/v1/releases") or []
    run.get("/api/v1/releases", query=[("as_of", t)])
    run.get("/api/v1/releases", query=[("as_of", "2012-01-01")])
    if not any(release["schedule_changes"] for release in releases):
        fail("the 4.3 example has no schedule change: the slip in openapi.sh is lost")
    for at in (t, "2013-04-01", "2013-07-01T00:00:00Z"):
        run.get("/api/v1/releases/{version}", {"version": "4.3"}, [("as_of", at)])
    report = "/api/v1/releases/{version}/report"
    four = {"version": "4.3"}
    run.get(report, four)
    run.get(report, four, [("as_of", t), ("format", "json")])
    value = run.get(report, four, [("as_of", "2013-04-01"), ("since", "2013-01-15")])
    if value is not None and not value.get("changes"):
        fail(f"{report}?since=…: no changes listed, so their schema went unchecked")
    run.get(report, four, [("format", "text"), ("as_of", "2013-01-21")],
            want_type="text/plain; charset=utf-8")
    run.get(report, four, [("format", "text"), ("since", "2013-01-15")],
            want_type="text/plain; charset=utf-8")
    run.get(report, four, [("format", "markdown"), ("as_of", t)],
            want_type="text/markdown; charset=utf-8")
    run.get(report, four, [("format", "markdown"), ("since", "2013-01-15"), ("as_of", t)],
            want_type="text/markdown; charset=utf-8")
    check = "/api/v1/releases/{version}/check"
    run.get(check, four, [("as_of", "2013-01-21")])
    value = run.get(check, four, [("as_of", "2013-03-20")])
    if value is not None and not value["alerts"]:
        fail(f"{check}?as_of=2013-03-20: no alerts, so their schema went unchecked")
    features = run.get("/api/v1/features", query=[("as_of", t)]) or []
    run.get("/api/v1/features", query=[("release", "4.3")])
    run.get("/api/v1/features", query=[("status", "on-track"), ("release", "4.3"), ("as_of", t)])
    run.get("/api/v1/features", query=[("status", "no-such-status")])
    check_feature_pages(run)
    for feature in features:
        slug = {"slug": feature["slug"]}
        run.get("/api/v1/features/{slug}", slug, [("as_of", t)])
        run.get("/api/v1/features/{slug}/history", slug)
    if not any(feature["parent"] for feature in features):
        fail("no feature has a parent: the example changed")
    title = next((f["title"] for f in features if f["slug"] == "rationalized-backend-scripts"), None)
    if title:
        run.get("/api/v1/features/{slug}", {"slug": title})
    run.get("/api/v1/people")
    run.get("/api/v1/people", query=[("as_of", "2013-01-21")])
    run.get("/api/v1/protocols")
    run.get("/api/v1/proposals")
    for form in ("json", "text", "markdown", "html"):
        run.get("/api/v1/support-matrix", query=[("format", form)], want_type={
            "json": "application/json", "text": "text/plain; charset=utf-8",
            "markdown": "text/markdown; charset=utf-8", "html": "text/html; charset=utf-8"}[form])
    check_feed(run)
    series = run.get("/api/v1/series") or []
    run.get("/api/v1/series", query=[("as_of", t)])
    if not any(any(patch for patch in one["trailers"]) for one in series):
        fail("no series carries a trailer: the mail of openapi.sh changed")
    for message_id in ("<r@x>", "r@x", "c@x"):
        run.get("/api/v1/threads/{message-id}", {"message-id": message_id})
    thread = run.get("/api/v1/threads/{message-id}", {"message-id": "g@x"})
    if thread is not None and not any(entry["ghost"] for entry in thread["messages"]):
        fail("the thread of g@x has no ghost: the mail of openapi.sh changed")
    run.get("/api/v1/threads/{message-id}", {"message-id": "r@x"}, [("as_of", "2000-01-01")])
    run.get("/api/v1/stats")
    run.get("/api/v1/stats", query=[("as_of", t)])
    run.get("/healthz", want_type="text/plain; charset=utf-8")
    run.get("/metrics", want_type="text/plain; version=0.0.4; charset=utf-8")
    run.get("/metrics", method="HEAD")

    # Requests that must fail.
    run.error("/api/v1/releases/{version}", {"version": "9.9"}, want=404)
    run.error("/api/v1/releases/{version}/report", {"version": "9.9"}, want=404)
    run.error("/api/v1/releases/{version}/check", {"version": "9.9"}, want=404)
    run.error("/api/v1/features", query=[("release", "9.9")], want=404)
    run.error("/api/v1/features/{slug}", {"slug": "no-such-feature"}, want=404)
    run.error("/api/v1/features/{slug}/history", {"slug": "no-such-feature"}, want=404)
    run.error("/api/v1/events", query=[("release", "9.9")], want=404)
    run.error("/api/v1/threads/{message-id}", {"message-id": "<none@x>"}, want=404)
    run.error("/api/v1/releases", query=[("as_of", "yesterday")])
    run.error("/api/v1/stats", query=[("as_of", "yesterday")])
    run.error("/api/v1/releases", query=[("verbose", "1")])
    run.error("/api/v1/releases", query=[("as_of", "2013-01-01"), ("as_of", "2013-01-02")])
    run.error("/api/v1/releases/{version}/report", four, [("format", "pdf")])
    run.error("/api/v1/releases/{version}/report", four, [("since", "last week")])
    run.error("/api/v1/support-matrix", query=[("format", "pdf")])
    run.error("/api/v1/events", query=[("limit", "0")])
    run.error("/api/v1/events", query=[("limit", "1001")])
    run.error("/api/v1/events", query=[("after", "-1")])
    run.error("/api/v1/events", query=[("after", "1234567890123456")])
    run.error("/healthz", query=[("as_of", "2013-01-21")])
    run.error("/metrics", query=[("format", "json")])
    run.error("/api/v1/features/{slug}", {"slug": ".."}, want=400)
    run.error("/api/v1/releases", method="PUT", want=405, body=b"{}",
              headers={"Content-Type": "application/json"})
    run.error("/api/v1/features/{slug}", {"slug": "blktap3"}, method="DELETE", want=405)
    run.error("/healthz", method="PUT", want=405, body=b"")
    # Refused before routing: the operation's 431 and 413.
    status, headers, body = raw_request(
        run.base, b"GET /api/v1/releases HTTP/1.1\r\nHost: x\r\nX-Padding: " +
        b"a" * 20000 + b"\r\n\r\n")
    check_response(run.checker, "GET /api/v1/releases with 20 kB of headers", "/api/v1/releases",
                   "GET", status, headers, body, 431, "application/json")
    status, headers, body = raw_request(
        run.base, b"GET /api/v1/releases HTTP/1.1\r\nHost: x\r\nContent-Length: 2000000\r\n\r\n")
    check_response(run.checker, "GET /api/v1/releases with a 2 MB body", "/api/v1/releases",
                   "GET", status, headers, body, 413, "application/json")


def expect_equal(what, got, want):
    global checked
    checked += 1
    if got != want:
        fail(f"{what}: {got!r}, wanted {want!r}")


def check_record_writes(run, credentials):
    """Each write of the 4.3 record once as the release manager, and the refusals.
    Re-runnable on the same server: the release it adds is new each time."""
    write, read = credentials["RM_WRITE"], credentials["RM_READ"]
    rm = "george.dunlap@eu.citrix.com"
    releases = run.get("/api/v1/releases") or []
    version = f"9.{len(releases)}"
    one = {"version": version}
    release = {"version": version, "start": "2013-07-10", "freeze": "2014-03-01",
               "release": "2014-06-01"}
    headers, value = run.send("POST", "/api/v1/releases", body=release, want=201, token=write)
    expect_equal("POST /api/v1/releases: Location", headers.get("location"),
                 f"/api/v1/releases/{version}")
    if value is not None:
        expect_equal("POST /api/v1/releases: the release", value["freeze"], "2014-03-01")
    run.get("/api/v1/releases/{version}", one)
    slip = "/api/v1/releases/{version}/slip"
    headers, value = run.send("POST", slip, one, {"freeze": "2014-04-01", "reason": "more time"},
                              token=write)
    if value is not None and not value["schedule_changes"]:
        fail(f"POST {slip}: no schedule change in the answer")
    run.send("POST", slip, one, {"release": "2014-07-01", "freeze": "2014-04-15",
                                 "reason": "and later"}, token=write)
    feature = {"title": f"API feature of {version}", "short_title": "API", "owners": [rm],
               "code_bases": ["Xen"], "external": False, "must_have": True,
               "remark": "added over HTTP", "notes": "from openapi_check.py"}
    features = "/api/v1/releases/{version}/features"
    headers, value = run.send("POST", features, one, feature, want=201, token=write)
    if value is None:
        return None
    slug = {"slug": value["slug"]}
    expect_equal(f"POST {features}: Location", headers.get("location"),
                 f"/api/v1/features/{value['slug']}")
    added_tag = headers.get("etag")
    run.get("/api/v1/features/{slug}", slug)
    tag = run.headers.get("etag")
    expect_equal(f"POST {features}: ETag, the GET's", added_tag, tag)
    patch = "/api/v1/features/{slug}"
    change = {"status": "fair", "reason": "reviewed", "remark": "patched", "owners": [rm],
              "add_depends_on": [], "freeze_exception": ""}
    headers, value = run.send("PATCH", patch, slug, change, token=write,
                              headers={"If-Match": tag})
    changed_tag = headers.get("etag")
    run.get("/api/v1/features/{slug}", slug)
    expect_equal(f"PATCH {patch}: ETag, the GET's", changed_tag, run.headers.get("etag"))
    run.send("PATCH", patch, slug, {"remark": "again"}, token=write, headers={"If-Match": "*"})
    person = {"email": "dev@example.org"}
    run.send("PUT", "/api/v1/people/{email}", person,
             {"name": "Dev Eloper", "roles": ["contributor"], "other_emails": ["dev@example.net"]},
             token=write)

    # Refusals.
    run.send("PATCH", patch, slug, {"status": "at-risk", "reason": "stale"}, want=412,
             token=write, headers={"If-Match": tag})
    run.send("POST", "/api/v1/releases", body=release, want=401)
    headers, _ = run.send("POST", "/api/v1/releases", body=release, want=401,
                          token="stk_" + "0" * 64)
    expect_equal("a write with an unknown token: WWW-Authenticate",
                 headers.get("www-authenticate"), 'Bearer realm="stocktake", error="invalid_token"')
    headers, value = run.send("POST", slip, one, {"freeze": "2014-05-01", "reason": "r"},
                              want=403, token=read)
    if value is not None:
        expect_equal("a write with a read token: code", value["error"]["code"],
                     "insufficient-scope")
    expect_equal("a write with a read token: WWW-Authenticate", headers.get("www-authenticate"),
                 'Bearer realm="stocktake", error="insufficient_scope"')
    for template, values, method, body in (
            ("/api/v1/releases", {}, "POST", dict(release, codename="x")),
            (slip, one, "POST", {"reason": "r", "freeze": None}),
            (slip, one, "POST", {"reason": "r", "freeze": "someday"}),
            (features, one, "POST", {"title": "t", "owners": "george"}),
            (patch, slug, "PATCH", {"status": "fair", "author": rm}),
            ("/api/v1/people/{email}", person, "PUT", {"roles": ["overlord"]})):
        run.send(method, template, values, body, want=400, token=write)
        if "codename" in body or "author" in body or None in body.values():
            run.refuses_body(method, template, body, f"{method} {template} with {body}")
    run.send("POST", "/api/v1/releases", body={"version": "9.99"}, want=400, token=write)
    run.send("POST", slip, one, {"reason": "no date"}, want=400, token=write)
    run.refuses_body("POST", slip, {"reason": "no date"}, f"POST {slip} without a date")
    run.send("POST", "/api/v1/releases", raw=b"{not json", want=400, token=write)
    run.send("POST", slip, one, {"reason": "r", "freeze": "2014-05-01"}, want=400, token=write,
             headers={"If-Match": "*"})
    headers, _ = run.send("POST", "/api/v1/releases", raw=b"version=9.9", want=415, token=write,
                          content_type="application/x-www-form-urlencoded")
    run.send("PATCH", patch, slug, raw=b'{"remark": "x"}', want=415, token=write,
             content_type="text/plain")
    run.send("POST", "/api/v1/releases", body=release, want=409, token=write)
    run.send("POST", slip, {"version": "0.1"}, {"reason": "r", "freeze": "2014-05-01"}, want=404,
             token=write)
    run.send("PATCH", patch, {"slug": "no-such-feature"}, {"remark": "x"}, want=404, token=write)
    run.send("POST", features, {"version": "0.1"}, {"title": "t"}, want=404, token=write)
    # Reads with credentials: a valid one is taken, a bad one refused.
    run.get("/api/v1/releases", headers={"Authorization": f"Bearer {read}"})
    expect_equal("a read with a token: Vary", run.headers.get("vary"), "Authorization, Cookie")
    run.error("/api/v1/releases", want=401, headers={"Authorization": "Bearer stk_nope"})
    run.error("/api/v1/features/{slug}", slug, want=401, headers={"Authorization": "Basic eDp5"})
    expect_equal("a read with a Basic Authorization: WWW-Authenticate",
                 run.last_headers.get("www-authenticate"),
                 'Bearer realm="stocktake", error="invalid_token"')
    # 405: the Allow of a path with reads and writes, HEAD and GET on a write.
    run.error("/api/v1/releases", method="DELETE", want=405)
    run.error(slip, one, method="GET", want=405)
    run.error(slip, one, method="HEAD", want=405)
    run.error("/api/v1/people/{email}", person, method="POST", want=405,
              headers={"Content-Type": "application/json"}, body=b"{}")
    run.error("/api/v1/releases", query=[("as_of", "2013-01-21")], method="POST",
              headers={"Content-Type": "application/json",
                       "Authorization": f"Bearer {write}"}, body=json.dumps(release).encode())
    return slug


def check_session(run, credentials, slug):
    """POST, GET, HEAD and DELETE /api/v1/session, and a session's writes with X-CSRF-Token."""
    session = "/api/v1/session"
    rm = "george.dunlap@eu.citrix.com"
    login = {"email": rm, "password": credentials["PASSWORD"]}
    # A wrong password (401) is checked on the other server: failed logins are counted
    # per client address, and this check runs five times on this one.
    run.send("POST", session, body=dict(login, remember=True), want=400)
    run.send("POST", session, raw=b"email=x", want=415, content_type="text/plain")
    headers, value = run.send("POST", session, body=login, want=201)
    if value is None:
        return
    cookie = headers.get("set-cookie", "").split(";")[0]
    csrf = value["csrf_token"]
    headers, value = run.send("GET", session, headers={"Cookie": cookie}, content_type=None)
    if value is not None:
        expect_equal("GET /api/v1/session with the cookie: via", value["via"], "session")
    headers, value = run.send("GET", session, token=credentials["RM_READ"], content_type=None)
    if value is not None:
        expect_equal("GET /api/v1/session with a read token", (value["via"], value["scope"]),
                     ("token", "read"))
    run.send("HEAD", session, headers={"Cookie": cookie}, content_type=None)
    run.send("HEAD", session, want=401, content_type=None)
    run.send("GET", session, want=401, content_type=None)
    run.error(session, query=[("as_of", "2013-01-21")], headers={"Cookie": cookie})
    if slug is not None:
        patch = "/api/v1/features/{slug}"
        headers, value = run.send("PATCH", patch, slug, {"remark": "by a session"}, want=403,
                                  headers={"Cookie": cookie})
        if value is not None:
            expect_equal("a session's write without X-CSRF-Token: code", value["error"]["code"],
                         "csrf")
        run.send("PATCH", patch, slug, {"remark": "by a session"},
                 headers={"Cookie": cookie, "X-CSRF-Token": csrf})
    run.send("DELETE", session, want=400, token=credentials["RM_WRITE"], content_type=None)
    run.send("DELETE", session, want=403, headers={"Cookie": cookie}, content_type=None)
    run.send("DELETE", session, want=204, headers={"Cookie": cookie, "X-CSRF-Token": csrf},
             content_type=None)
    run.send("GET", session, want=401, headers={"Cookie": cookie}, content_type=None)
    # The ended session's cookie: ignored on a read, refused on a write.
    run.get("/api/v1/people", headers={"Cookie": cookie})
    if slug is not None:
        run.send("PATCH", "/api/v1/features/{slug}", slug, {"remark": "stale"}, want=401,
                 headers={"Cookie": cookie, "X-CSRF-Token": csrf})
    run.error(session, method="PUT", want=405, headers={"Content-Type": "application/json"},
              body=b"{}")


def check_protocol_writes(run, credentials):
    """Propose, object and decide (reject, so that the next run can propose again), the
    refusals, and the login throttle."""
    dev, reviewer, czar = credentials["DEV"], credentials["REVIEWER"], credentials["CZAR"]
    headers, value = run.send("POST", "/api/v1/protocols/{name}/proposals", {"name": "tpmif"},
                              {"to": "production", "window": "7d", "thread": "c@x"}, want=201,
                              token=dev)
    if value is None:
        return
    number = {"id": value["id"]}
    expect_equal("POST /api/v1/protocols/tpmif/proposals: Location", headers.get("location"),
                 f"/api/v1/proposals/{value['id']}")
    run.get("/api/v1/proposals/{id}", number)
    objections = "/api/v1/proposals/{id}/objections"
    headers, value = run.send("POST", objections, number,
                              {"reason": "the document makes no compatibility promises for older frontends", "message_id": "r@x"},
                              want=201, token=reviewer)
    if value is not None:
        expect_equal(f"POST {objections}: the proposal", value["proposal"], number["id"])
    decision = "/api/v1/proposals/{id}/decision"
    headers, value = run.send("POST", decision, number, {"accept": True, "rationale": "yes"},
                              want=403, token=dev)
    if value is not None:
        expect_equal(f"POST {decision} by a contributor: code", value["error"]["code"],
                     "permission-denied")
    run.send("POST", decision, number, {"rationale": "no"}, want=400, token=czar)
    run.refuses_body("POST", decision, {"rationale": "no"}, f"POST {decision} without accept")
    headers, value = run.send("POST", decision, number,
                              {"accept": False, "rationale": "not yet", "waive": []}, token=czar)
    if value is not None:
        expect_equal(f"POST {decision}: the state", value["state"], "rejected")
    run.send("POST", "/api/v1/protocols/{name}/proposals", {"name": "no-such-protocol"}, {},
             want=404, token=dev)
    run.send("POST", "/api/v1/protocols/{name}/proposals", {"name": "tpmif"},
             {"window": "a while"}, want=400, token=dev)
    run.send("POST", objections, {"id": "999"}, {"reason": "r"}, want=404, token=reviewer)
    run.send("POST", objections, {"id": "first"}, {"reason": "r"}, want=400, token=reviewer)
    run.send("POST", decision, {"id": "999"}, {"accept": False, "rationale": "r"}, want=404,
             token=czar)
    # Failed logins: 401 until the limit, then 429 with Retry-After.
    wrong = {"email": "nobody@example.org", "password": "wrong"}
    for _ in range(10):
        status, headers, body = request(run.base, "POST", "/api/v1/session",
                                        {"Content-Type": "application/json"},
                                        json.dumps(wrong).encode())
        check_response(run.checker, "POST /api/v1/session (a wrong password)", "/api/v1/session",
                       "POST", status, headers, body, 429 if status == 429 else 401,
                       "application/json")
        if status == 429:
            break
    else:
        fail("POST /api/v1/session: no 429 after 10 failed logins")


def check_private(run, credentials):
    """A --private server: reads need a credential (401 without), /healthz does not."""
    token = {"Authorization": f"Bearer {credentials['RM_READ']}"}
    headers, _ = run.send("GET", "/api/v1/releases", want=401, content_type=None)
    expect_equal("a private read without a credential: WWW-Authenticate",
                 headers.get("www-authenticate"), 'Bearer realm="stocktake"')
    run.send("HEAD", "/api/v1/features", want=401, content_type=None)
    run.send("GET", "/api/v1/proposals", want=401, content_type=None)
    run.get("/api/v1/releases", headers=token)
    expect_equal("a private read: Vary", run.headers.get("vary"), "Authorization, Cookie")
    run.get("/api/v1/releases/{version}/report", {"version": "4.3"}, [("format", "text")],
            want_type="text/plain; charset=utf-8", headers=token)
    run.get("/healthz", want_type="text/plain; charset=utf-8")


def check_feature_pages(run):
    """/api/v1/features?limit=N: the Link headers walk the whole list once, in order."""
    global checked
    features = "/api/v1/features"
    whole = run.get(features, query=[("release", "4.3")]) or []
    if "link" in run.headers:
        fail(f"{features}?release=4.3: a Link header on the whole list")
    seen, query, pages = [], [("release", "4.3"), ("limit", "7")], 0
    while query is not None and pages < 100:
        page = run.get(features, query=query)
        pages += 1
        if page is None:
            return
        seen += [feature["slug"] for feature in page]
        link = run.headers.get("link")
        query = None
        if link:
            match = re.fullmatch(r'<(/api/v1/features)\?([^>]*)>; rel="next"', link)
            checked += 1
            if not match:
                fail(f"{features}: Link {link!r} is not <TARGET>; rel=\"next\"")
                return
            query = urllib.parse.parse_qsl(match.group(2))
    checked += 1
    if pages < 2:
        fail(f"{features}?limit=7: no Link to a second page, so the Link went unchecked")
    if seen != [feature["slug"] for feature in whole]:
        fail(f"{features}: the pages of 7 are not the whole list: {seen}")
    if whole:
        run.get(features, query=[("after", whole[0]["slug"]), ("release", "4.3")])
        run.get(features, query=[("after", whole[-1]["slug"]), ("limit", "3"), ("as_of",
                                 "2013-02-01")])
    run.get(features, query=[("limit", "1000"), ("status", "fair")])
    run.error(features, query=[("limit", "0")])
    run.error(features, query=[("limit", "ten")])
    run.error(features, query=[("after", "no-such-feature")])


def check_feed(run):
    """/api/v1/events: filters, and the cursor walks the whole log once, in order."""
    events = "/api/v1/events"
    run.get(events)
    run.get(events, query=[("limit", "5")])
    run.get(events, query=[("after", "5"), ("limit", "5")])
    run.get(events, query=[("kind", "feature."), ("limit", "3")])
    run.get(events, query=[("kind", "release.slipped")])
    run.get(events, query=[("release", "4.3"), ("limit", "2"), ("as_of", "2013-01-21")])
    run.get(events, query=[("subject", "rationalized-backend-scripts")])
    run.get(events, query=[("kind", "ingest.")])
    run.get(events, query=[("as_of", "2000-01-01")])
    run.get(events, query=[("limit", "1000")])
    seen, after, pages = [], 0, 0
    while pages < 100:
        page = run.get(events, query=[("after", str(after)), ("limit", "7")])
        pages += 1
        if page is None:
            return
        seen += [event["id"] for event in page["events"]]
        if page["next"] is None:
            break
        if page["next"] != page["events"][-1]["id"]:
            fail(f"{events}: next is {page['next']}, not the page's last id")
            return
        after = page["next"]
    whole = run.get(events, query=[("limit", "1000")])
    if whole is not None and seen != [event["id"] for event in whole["events"]]:
        fail(f"{events}: the pages of 7 are not the log of one page")
    if seen != sorted(set(seen)):
        fail(f"{events}: the ids are not increasing: {seen}")


def check_protocols(run):
    """The PV protocols example with an objected proposal and a withdrawn one."""
    protocols = run.get("/api/v1/protocols") or []
    run.get("/api/v1/protocols", query=[("as_of", "2026-11-04")])
    for protocol in protocols:
        name = {"name": protocol["name"]}
        run.get("/api/v1/protocols/{name}", name)
        run.get("/api/v1/protocols/{name}/history", name)
    if not any(protocol["next_stage"] is None for protocol in protocols):
        fail("no protocol is at its last stage: the example changed")
    run.get("/api/v1/protocols/{name}", {"name": "pvcalls"}, [("as_of", "2017-06-01")])
    proposals = run.get("/api/v1/proposals") or []
    run.get("/api/v1/proposals", query=[("protocol", "pvcalls")])
    run.get("/api/v1/proposals", query=[("protocol", "blkif"), ("as_of", "2026-11-04")])
    for at in ("2026-11-01T12:00:00Z", "2026-11-02T12:00:00Z", "2026-11-04", "2026-11-20"):
        # Those of openapi.sh (not the ones the writes below made in an earlier run).
        for proposal in [p for p in proposals if p["opened_at"] < "2026-11-05"]:
            run.get("/api/v1/proposals/{id}", {"id": proposal["id"]}, [("as_of", at)])
    states = {proposal["state"] for proposal in proposals}
    if not {"withdrawn"} <= states or not any(p["objections"] for p in proposals):
        fail(f"the proposals of openapi.sh are not there (states {sorted(states)})")
    for form, media in (("json", "application/json"), ("text", "text/plain; charset=utf-8"),
                        ("markdown", "text/markdown; charset=utf-8"),
                        ("md", "text/markdown; charset=utf-8"),
                        ("html", "text/html; charset=utf-8")):
        run.get("/api/v1/support-matrix", query=[("format", form)], want_type=media)
    run.get("/api/v1/support-matrix", query=[("as_of", "2026-11-04")])
    matrix = run.get("/api/v1/support-matrix")
    if matrix is not None and not any(
            cell["stage"] is None for row in matrix["protocols"] for cell in row["cells"]):
        fail("/api/v1/support-matrix: no empty cell, so null stages went unchecked")
    run.get("/api/v1/events", query=[("kind", "proposal."), ("limit", "20")])
    run.get("/api/v1/events", query=[("kind", "protocol.stage"), ("subject", "pvcalls")])
    run.error("/api/v1/protocols/{name}", {"name": "no-such-protocol"}, want=404)
    run.error("/api/v1/protocols/{name}/history", {"name": "no-such-protocol"}, want=404)
    run.error("/api/v1/proposals", query=[("protocol", "no-such-protocol")], want=404)
    run.error("/api/v1/proposals/{id}", {"id": "999"}, want=404)
    run.error("/api/v1/proposals/{id}", {"id": "first"}, want=400)


def main():
    if len(sys.argv) < 4 or sys.argv[1] not in ("structure", "responses"):
        sys.exit(__doc__)
    with open(sys.argv[2], encoding="utf-8") as spec:
        doc = yaml.safe_load(spec)
    if sys.argv[1] == "structure":
        check_structure(doc, sys.argv[3])
        finish("structure")
    checker = Checker(doc)
    checker.routes = api_routes(sys.argv[3])
    credentials = {name: os.environ.get(f"OPENAPI_{name}", "") for name in (
        "RM_WRITE", "RM_READ", "PASSWORD", "DEV", "REVIEWER", "CZAR", "PRIVATE_URL")}
    missing = [name for name, value in credentials.items() if not value]
    if missing:
        fail(f"no OPENAPI_{', OPENAPI_'.join(missing)} in the environment (openapi.sh sets them)")
        finish("responses")
    record, protocols = Run(checker, sys.argv[4]), Run(checker, sys.argv[5])
    check_record(record)
    check_protocols(protocols)
    # The writes come last: the reads above see the record openapi.sh made.
    slug = check_record_writes(record, credentials)
    check_session(record, credentials, slug)
    check_protocol_writes(protocols, credentials)
    check_private(Run(checker, credentials["PRIVATE_URL"]), credentials)
    finish("responses")


if __name__ == "__main__":
    main()
