#!/usr/bin/env bash
# docs/openapi.yaml against the real server (issue 10): the document is
# OpenAPI 3.1 whose references resolve and whose paths and query parameters
# are the routes of src/server/api.cc (path and method, query parameters,
# security, the fields of each write's body); then every route of two servers (the
# Xen 4.3 example with a slip and a little mail, the PV protocols example with
# proposals) is requested with its formats, as_of, since and the event feed's
# cursor, each write once with a token or a session, and some requests that
# must fail (401, 403, 405, 412, 415, 429, ...), and each status, Content-Type,
# header and JSON body is validated against the document (jsonschema, draft
# 2020-12). A copy of the document with one field or one route taken out must
# fail, so the check cannot pass by checking nothing.
#   tests/integration/openapi.sh path/to/stocktake
# shellcheck source=tests/integration/lib.sh
source "$(dirname "$0")/lib.sh" "$1"
servers=()
trap 'for pid in "${servers[@]}"; do kill -KILL "$pid" 2>/dev/null; done; rm -rf "$work"' EXIT

# python3-yaml and python3-jsonschema (scripts/setup.sh) are Debian's, for
# /usr/bin/python3: take the first python3 that has both.
python=""
for candidate in python3 /usr/bin/python3; do
  if command -v "$candidate" >/dev/null && "$candidate" -c 'import jsonschema, yaml' 2>/dev/null; then
    python=$candidate
    break
  fi
done
[ -n "$python" ] || {
  echo "FAIL: no python3 with the yaml and jsonschema modules (scripts/setup.sh installs" \
    "python3-yaml and python3-jsonschema)"
  exit 1
}
spec="$root/docs/openapi.yaml"
api="$root/src/server/api.cc"
checker="$root/tests/integration/openapi_check.py"

check "structure" "$python" "$checker" structure "$spec" "$api"

# The release manager of the 4.3 example slips and changes features.
st() { "$stocktake" --db "$work/s.db" --as george.dunlap@eu.citrix.com "$@"; }
pv() { "$stocktake" --db "$work/pv.db" "$@"; }
mail() {  # mail ID SUBJECT [IN-REPLY-TO [BODY]]
  printf 'From dev@example.org Mon Feb  6 10:00:00 2017\nFrom: Dev <dev@example.org>\n'
  printf 'Date: Mon, 6 Feb 2017 10:00:00 +0000\nSubject: %s\nMessage-ID: <%s>\n' "$2" "$1"
  [ -n "${3:-}" ] && printf 'In-Reply-To: <%s>\nReferences: <%s>\n' "$3" "$3"
  printf '\n%s\n\n' "${4:-body}"
}
{
  mail c@x "[PATCH v2 0/1] pvcalls: frontend"
  mail p1@x "[PATCH v2 1/1] pvcalls: skeleton" c@x
  mail r@x "Re: [PATCH v2 1/1] pvcalls: skeleton" p1@x \
    "Looks right.

Acked-by: Rev Iewer <reviewer@example.org>"
  mail g@x "Re: a thread whose root never arrived" ghost@x
} >list.mbox
check "import 4.3" exit_is 0 st --now 2013-01-21 import "$root/examples/xen-4.3.yaml"
check "ingest mail" exit_is 0 st --now 2013-01-21 ingest mbox list.mbox
check "a status change" exit_is 0 st --now 2013-02-10 feature set blktap3 --status fair \
  --reason "patches posted"
check "a slip" exit_is 0 st --now 2013-03-01 release slip 4.3 --freeze 2013-03-29 \
  --reason "more time for PVH"
check "import protocols" exit_is 0 pv import "$root/examples/xen-pv-protocols.yaml"
check "contributor" exit_is 0 pv person add dev@example.org --role contributor
check "reviewer" exit_is 0 pv person add reviewer@example.org --role contributor
check "propose" exit_is 0 pv --now 2026-11-01 --as dev@example.org propose pvcalls --to production
check "object" exit_is 0 pv --now 2026-11-02 --as reviewer@example.org object 1 \
  --reason "the socket semantics are not specified"
check "answer" exit_is 0 pv --now 2026-11-03 --as dev@example.org answer 2 \
  --text "section 3 of the document specifies them"
check "another proposal" exit_is 0 pv --now 2026-11-01 --as dev@example.org propose 9pfs \
  --to production
check "withdrawn" exit_is 0 pv --now 2026-11-02 --as dev@example.org withdraw 3

# Credentials for the writes: the release manager (an admin too) of 4.3 with a
# write token, a read token and a password; on the protocols, a contributor
# who proposes, a reviewer who objects and the Czar who decides.
token() {  # token DB ACTOR NAME [OPTIONS...]: prints the new token
  "$stocktake" --db "$1" --as "$2" --json token create --name "$3" "${@:4}" |
    "$python" -c 'import json,sys; print(json.load(sys.stdin)["token"])'
}
rm=george.dunlap@eu.citrix.com
export OPENAPI_PASSWORD="correct horse battery staple"
check "passwd" exit_is 0 st person passwd $rm <<<"$OPENAPI_PASSWORD"
check "czar" exit_is 0 pv person add czar@example.org --role czar
OPENAPI_RM_WRITE=$(token "$work/s.db" $rm openapi-write --scope write)
OPENAPI_RM_READ=$(token "$work/s.db" $rm openapi-read)
OPENAPI_DEV=$(token "$work/pv.db" dev@example.org openapi --scope write)
OPENAPI_REVIEWER=$(token "$work/pv.db" reviewer@example.org openapi --scope write)
OPENAPI_CZAR=$(token "$work/pv.db" czar@example.org openapi --scope write)
export OPENAPI_RM_WRITE OPENAPI_RM_READ OPENAPI_DEV OPENAPI_REVIEWER OPENAPI_CZAR
check "tokens" test "$(printf '%s\n' "$OPENAPI_RM_WRITE" "$OPENAPI_RM_READ" "$OPENAPI_DEV" \
  "$OPENAPI_REVIEWER" "$OPENAPI_CZAR" | grep -cE '^stk_[0-9a-f]{64}$')" = 5

serve() {  # serve NAME DB [OPTIONS...]: starts a server on a free port; its URL is in $work/NAME.url
  : >"$work/$1.log"  # before the server's shell opens it, for the sed below
  "$stocktake" --db "$2" serve --listen 127.0.0.1:0 --threads 2 "${@:3}" 2>"$work/$1.log" &
  servers+=($!)
  for _ in $(seq 100); do
    url=$(sed -n 's|^stocktake serve: listening on \(http://[^ ,]*\).*|\1|p' "$work/$1.log")
    [ -n "$url" ] && { echo "${url%/}" >"$work/$1.url"; return 0; }
    kill -0 "$!" 2>/dev/null || break
    sleep 0.1
  done
  echo "  the server did not start: $(cat "$work/$1.log")"
  return 1
}
check "serve 4.3" serve s "$work/s.db"
check "serve protocols" serve pv "$work/pv.db"
check "serve --private" serve private "$work/s.db" --private
s=$(cat "$work/s.url")
p=$(cat "$work/pv.url")
export OPENAPI_PRIVATE_URL
OPENAPI_PRIVATE_URL=$(cat "$work/private.url")

check "responses" "$python" "$checker" responses "$spec" "$api" "$s" "$p"

# The check must notice drift: a field the server sends that the document
# lacks, a route of api.cc the document lacks.
without() {  # without YAML-PATH...: a copy of the document less those keys, in $work/broken.yaml
  "$python" - "$spec" "$work/broken.yaml" "$@" <<'PY'
import sys, yaml
doc = yaml.safe_load(open(sys.argv[1], encoding="utf-8"))
for path in sys.argv[3:]:
    *parents, last = path.split("|")
    node = doc
    for key in parents:
        node = node[key]
    del node[last]
yaml.safe_dump(doc, open(sys.argv[2], "w", encoding="utf-8"), sort_keys=False)
PY
}
fails() {  # fails TEXT CHECK-ARGS...: the checker exits 1 and says TEXT
  local text=$1
  shift
  "$python" "$checker" "$@" >"$work/out" 2>&1 &&
    { echo "  the checker passed a broken document"; return 1; }
  grep -qF -- "$text" "$work/out" || { echo "  no '$text' in: $(head -5 "$work/out")"; return 1; }
  echo "  $(grep -c '^FAIL' "$work/out") FAIL lines, the first: $(grep -m1 '^FAIL' "$work/out")"
}
check "a copy less a field" without "components|schemas|FeatureFields|properties|display_name"
check "a field the document lacks fails" \
  fails "Unevaluated properties are not allowed ('display_name'" \
  responses "$work/broken.yaml" "$api" "$s" "$p"
check "a copy less a route" without "paths|/api/v1/stats"
check "a route the document lacks fails" \
  fails "answers /api/v1/stats, which docs/openapi.yaml lacks" structure "$work/broken.yaml" "$api"
# ... and in the writes, run again on the same servers: a field of a write's
# answer, a write's method, a field of a write's body, an error status.
check "a copy less an answer's field" without "components|schemas|ObjectionRaised|properties|state"
check "a write's answer the document lacks fails" \
  fails "Additional properties are not allowed ('state' was unexpected)" \
  responses "$work/broken.yaml" "$api" "$s" "$p"
check "a copy less a write" without "paths|/api/v1/releases|post"
check "a write the document lacks fails" \
  fails "/api/v1/releases: no post operation (the server answers it)" \
  structure "$work/broken.yaml" "$api"
check "a copy less a body field" \
  without "components|schemas|FeatureChange|properties|freeze_exception"
check "a body field the document lacks fails" \
  fails "the body's fields" structure "$work/broken.yaml" "$api"
check "a body field the document lacks fails the request" \
  fails "the request body: at (the body): Additional properties are not allowed" \
  responses "$work/broken.yaml" "$api" "$s" "$p"
check "a copy less the 412" without "paths|/api/v1/features/{slug}|patch|responses|412"
check "an error the document lacks fails" \
  fails "/api/v1/features/{slug} PATCH declares no 412 response" \
  responses "$work/broken.yaml" "$api" "$s" "$p"
# The writes ran three more times above: on the same servers they still pass.
check "responses again" "$python" "$checker" responses "$spec" "$api" "$s" "$p"

stop() {  # SIGTERM ends the servers with exit 0
  local pid status=0
  for pid in "${servers[@]}"; do
    kill -TERM "$pid" && wait "$pid" || status=1
  done
  servers=()
  return $status
}
check "servers stop" stop
finish
