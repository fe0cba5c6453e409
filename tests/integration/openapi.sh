#!/usr/bin/env bash
# docs/openapi.yaml against the real server (issue 10): the document is
# OpenAPI 3.1 whose references resolve and whose paths and query parameters
# are the routes of src/server/api.cc; then every route of two servers (the
# Xen 4.3 example with a slip and a little mail, the PV protocols example with
# proposals) is requested with its formats, as_of, since and the event feed's
# cursor, and some requests that must fail, and each status, Content-Type,
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

serve() {  # serve NAME DB: starts a server on a free port; its URL is in $work/NAME.url
  "$stocktake" --db "$2" serve --listen 127.0.0.1:0 --threads 2 2>"$work/$1.log" &
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
s=$(cat "$work/s.url")
p=$(cat "$work/pv.url")

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
}
check "a copy less a field" without "components|schemas|FeatureFields|properties|display_name"
check "a field the document lacks fails" \
  fails "Unevaluated properties are not allowed ('display_name'" \
  responses "$work/broken.yaml" "$api" "$s" "$p"
check "a copy less a route" without "paths|/api/v1/stats"
check "a route the document lacks fails" \
  fails "answers /api/v1/stats, which docs/openapi.yaml lacks" structure "$work/broken.yaml" "$api"

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
